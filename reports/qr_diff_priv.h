/* qr_diff's model, shared by the comparison (qr_diff.c, qr_diff_lat.c)
 * and its two renderers (qr_diff_text.c, qr_diff_html.c). Every string is
 * owned by the qr_diff and unescaped: each renderer escapes for itself. */
#ifndef QR_DIFF_PRIV_H
#define QR_DIFF_PRIV_H

#include "qr_diff.h"
#include "qr_latency.h"

#include <limits.h>
#include <stdbool.h>

/* One case of one run: what the comparison needs of it. */
typedef struct qr_dcase {
  char *id, *verdict;
  char *reason;    /* paths normalised; "" when none */
  char *waiver;    /* "REASON (REFERENCE)" of a waived case; NULL */
  char *failure;   /* "failure" in one line (step, where, expected,
                      seen), for the HTML; NULL when absent */
  bool cut_short;  /* interrupted mid-case: not run */
  bool pass;
  qr_lat *lat;     /* its command latencies */
  size_t nlat;
} qr_dcase;

/* One run. */
typedef struct qr_dside {
  const char *name;    /* "OLD" or "NEW" */
  char path[PATH_MAX]; /* its results.json, as given */
  char *module;        /* "EC25 rev A" */
  char *module_full;   /* "Quectel EC25 rev A, IMEI ****1234" */
  char *model;         /* module.model; NULL without a module */
  char *head[3];       /* profile, target, time_scale as JSON text; NULL
                          when absent (qr_diff.c head_keys) */
  bool interrupted, running;
  char *stop_reason;   /* "device-lost", ...; "" when not recorded */
  char *stop;          /* qr_doc_stop_text; NULL when not interrupted */
  size_t ran, planned;
  qr_dcase *cases;
  size_t n, cap;
  qr_lat_set lat;      /* the samples of the cases both runs ran */
  json_t *by_id;       /* id -> index into cases, while comparing */
  bool any_flag;       /* some case has the "interrupted" key */
} qr_dside;

typedef enum qr_dkind {
  QR_D_REGRESSED,
  QR_D_FIXED,
  QR_D_CHANGED,
  QR_D_SKIPPED,
  QR_D_WAIVED,
  QR_D_ADDED,
  QR_D_REMOVED,
  QR_D_NOTRUN,
} qr_dkind;

enum { QR_DKINDS = QR_D_NOTRUN + 1 };

/* "regressed", "fixed", ..., "new", "removed", "not run". */
const char *qr_dkind_name(qr_dkind k);

/* A case that differs: its two sides (either may be NULL). */
typedef struct qr_drow {
  qr_dkind kind;
  const qr_dcase *old, *new;
} qr_drow;

/* A latency family in either run. */
typedef struct qr_dlat {
  char cmd[QR_LAT_CMD_MAX];
  qr_lat_to to;
  size_t n_old, n_new;
  double p50_old, p95_old, p50_new, p95_new; /* seconds */
  bool drifted;
} qr_dlat;

struct qr_diff_result {
  qr_diff_opts opts;
  qr_dside side[2]; /* OLD, NEW */
  char **warnings;  /* the header's, without "warning: " */
  size_t nwarnings, wcap;
  qr_drow *rows;
  size_t nrows, rcap;
  qr_dlat *lat;
  size_t nlat;
  qr_diff_counts counts;
};

/* A case's samples into k: its "latency", else its transcript's
 * (qr_diff_lat.c). */
void qr_diff_lat_case(qr_dcase *k, const json_t *c);
/* Two cases both runs ran to the end: their samples count. */
void qr_diff_lat_pair(qr_diff_result *d, const qr_dcase *a,
                      const qr_dcase *b);
/* The latency families of both sides, drift marked. */
void qr_diff_latency(qr_diff_result *d);

#endif
