/* result: what a run produced, the model every report is rendered from.
 *
 * The engine fills it; reports/ turns it into results.json (the single
 * source of truth) and renders junit.xml and the rest from that JSON.
 * Everything here is owned by the run result (qh_run_result_free). */
#ifndef QH_RESULT_H
#define QH_RESULT_H

#include <stddef.h>

typedef enum qh_verdict {
  QH_PASS,  /* every step held */
  QH_FAIL,  /* the module (or the wire) did not do what the case expects */
  QH_ERROR, /* the case could not be run: environment, server, bad case */
  QH_SKIP,  /* not applicable here (a needs: tag this target lacks) */
} qh_verdict;

/* One transcript entry. dir: '>' bytes sent to the module, '<' a line (or
 * raw bytes) from it, '#' a note of the harness's own (step boundaries,
 * restarts, verdict reasons). Text is printable: control bytes are escaped
 * as \r \n \xNN by the engine before they are stored. */
typedef struct qh_tline {
  double t; /* seconds since the case started */
  char dir;
  char *text;
} qh_tline;

typedef struct qh_case_result {
  char *id, *title, *spec, *file;
  char **tags;
  size_t ntags;
  qh_verdict verdict;
  char *reason;       /* NULL on pass: "step 4 (case.yaml:12:5): ..." */
  int failed_step;    /* 1-based; 0 when none */
  double started;     /* seconds since the run started */
  double duration_s;
  qh_tline *lines;
  size_t nlines, cap;
  char **unexpected;  /* lines skipped by wait_for, in order */
  size_t nunexpected, unexp_cap;
  char *dir;          /* its report directory, relative to the report dir */
} qh_case_result;

typedef struct qh_run_result {
  char *started_at;  /* ISO 8601 UTC */
  char *target;      /* "sim" or "device:/dev/ttyUSB0" */
  char *profile;     /* module profile name */
  double time_scale;
  char *version;     /* qftp-harness version */
  double duration_s;
  qh_case_result *cases;
  size_t ncases, cap;
} qh_run_result;

const char *qh_verdict_name(qh_verdict v); /* "pass", "fail", ... */

#endif
