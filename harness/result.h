/* result: what a run produced, the model every report is rendered from.
 *
 * The engine fills it; reports/ turns it into results.json (the single
 * source of truth) and renders junit.xml and the rest from that JSON.
 * Everything here is owned by the run result (qh_run_result_free). */
#ifndef QH_RESULT_H
#define QH_RESULT_H

#include <stdbool.h>
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
  char *server_json;  /* the server's view of the case (servers/: commands,
                         replies, stored files), JSON text; may be NULL */
  char *wire_json;    /* the capture's analysis (servers/wire), JSON text;
                         may be NULL */
} qh_case_result;

typedef struct qh_run_result {
  char *started_at;  /* ISO 8601 UTC */
  char *target;      /* "sim" or "device:/dev/ttyUSB0" */
  char *profile;     /* module profile name */
  double time_scale;
  char *version;     /* qftp-harness version */
  double duration_s;
  /* Ctrl-C / SIGTERM: the run stopped after ncases of `planned` cases;
   * the reports must not read as a complete run. */
  bool interrupted;
  size_t planned; /* cases selected for the run */
  qh_case_result *cases;
  size_t ncases, cap;
} qh_run_result;

const char *qh_verdict_name(qh_verdict v); /* "pass", "fail", ... */

/* Parses "pass"/"fail"/"error"/"skip"; -1 when unknown. */
int qh_verdict_parse(const char *s);

/* Model building (reports/qr_model.c). Allocation failure aborts: the
 * model is small and a run without memory cannot report anyway. */
qh_run_result *qh_run_result_new(const char *target, const char *profile,
                                 double time_scale);
/* Appends a case (copies the strings; tags may be NULL) and returns it. */
qh_case_result *qh_run_add_case(qh_run_result *r, const char *id,
                                const char *title, const char *spec,
                                const char *file, char *const *tags,
                                size_t ntags);
/* Appends a transcript entry; text is escaped (\r \n \xNN) on the way in,
 * n bytes of it (n = (size_t)-1: up to the NUL). */
void qh_case_add_line(qh_case_result *c, double t, char dir, const char *text,
                      size_t n);
/* Appends a '#' note, printf-style. */
void qh_case_note(qh_case_result *c, double t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qh_case_add_unexpected(qh_case_result *c, const char *line);
/* Sets the verdict; reason (printf-style, may be NULL for pass) replaces any
 * earlier one. */
void qh_case_set_verdict(qh_case_result *c, qh_verdict v, int failed_step,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Attaches JSON evidence (copied); invalid JSON is stored as a string. */
void qh_case_set_evidence(qh_case_result *c, const char *server_json,
                          const char *wire_json);
/* Counts of each verdict. */
void qh_run_counts(const qh_run_result *r, size_t counts[4]);
void qh_run_result_free(qh_run_result *r);

#endif
