/* qr_latency: how long a module takes, per command family.
 *
 * Read off a case's transcript (the harness's clock: seconds since the
 * case started): for each AT command sent, the time to its final result
 * code (`ok`: OK, ERROR, +CME ERROR), to CONNECT (`connect`, data mode),
 * and from that OK to the first line of its result URC (`urc`: a line
 * "+QFTPOPEN: ..." after "AT+QFTPOPEN"'s OK). The family is the command up
 * to '=' or '?', upper-cased: "AT+QFTPOPEN". results.json carries each
 * case's samples ("latency"); the report draws them and diff compares
 * their distributions between two runs (reports/README.md). */
#ifndef QR_LATENCY_H
#define QR_LATENCY_H

#include <jansson.h>
#include <stddef.h>

#include "qr_result.h"

enum { QR_LAT_CMD_MAX = 24 }; /* bytes of a family's name, NUL included */
#define QR_LAT_MAX_S 86400.0   /* a sample past a day is not a latency */
enum { QR_LAT_FAMILIES_MAX = 1000 }; /* families a set keeps (a run has tens) */

typedef enum qr_lat_to {
  QR_LAT_OK,      /* command sent -> its final result code */
  QR_LAT_CONNECT, /* command sent -> CONNECT */
  QR_LAT_URC,     /* its OK -> the command's result URC */
} qr_lat_to;

enum { QR_LAT_TOS = 3 };

typedef struct qr_lat {
  char cmd[QR_LAT_CMD_MAX]; /* "AT+QFTPOPEN" */
  qr_lat_to to;
  double s;                 /* seconds */
  size_t line;              /* transcript index of the line that ended it */
} qr_lat;

const char *qr_lat_to_name(qr_lat_to to); /* "ok", "connect", "urc" */
int qr_lat_to_parse(const char *s);       /* -1 when unknown */

/* The samples of a transcript, in order, into out (at most cap; the count
 * found is returned even when larger). Lines are qr_tline entries (text
 * escaped, as the model stores them). */
size_t qr_latency_scan(const qr_tline *lines, size_t n, qr_lat *out,
                       size_t cap);

/* A run's samples by family and kind: the distribution a report draws. */
typedef struct qr_lat_family {
  char cmd[QR_LAT_CMD_MAX];
  qr_lat_to to;
  double *s; /* sorted after qr_lat_set_finish */
  size_t n, cap;
} qr_lat_family;

typedef struct qr_lat_set {
  qr_lat_family *f; /* sorted by cmd, then to, after qr_lat_set_finish */
  size_t n, cap;
} qr_lat_set;

void qr_lat_set_init(qr_lat_set *set);
/* Adds one sample; allocation failure aborts (the set is small). */
void qr_lat_set_add(qr_lat_set *set, const char *cmd, qr_lat_to to, double s);
/* Adds a results.json case's "latency" samples (entries of a wrong shape
 * are passed over: the file's loader has checked the rest). */
void qr_lat_set_add_case(qr_lat_set *set, const json_t *c);
/* Sorts families and samples; call before reading them. */
void qr_lat_set_finish(qr_lat_set *set);
/* The family (cmd, to), or NULL. After qr_lat_set_finish. */
const qr_lat_family *qr_lat_set_find(const qr_lat_set *set, const char *cmd,
                                     qr_lat_to to);
/* The p-th percentile (0..100, nearest rank) of a finished family; 0 when
 * it has no sample. */
double qr_lat_pct(const qr_lat_family *f, double p);
void qr_lat_set_free(qr_lat_set *set);

#endif
