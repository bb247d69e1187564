/* qr_diff: what changed between two runs (e.g. two firmware builds).
 *
 * Reads two results.json files one case at a time (qr_doc_open), keeps of
 * each case only its id, verdict, reason and waiver, and pairs the cases
 * by id. A case that passed before and fails or errs now is a regression;
 * one that passed and is skipped now is listed as skipped, not a
 * regression (a run with skips still succeeds); one that passed and is
 * waived now (a failure a waiver names as known) is listed as waived, not
 * a regression either; one that did not pass and does now is fixed; a
 * case whose verdict stayed but whose reason changed is reported as
 * changed (a different failure is news too). Reasons are compared with
 * their absolute paths normalised (qr_path_norm.h). A case one run has
 * and the other lacks is new or removed, unless the run that lacks it was
 * interrupted or is still running: then it was not run. A case cut short
 * by an interruption ("interrupted": true on the case; in a file without
 * the key, the last case of a run a signal stopped when it is in error)
 * is not run either, never a regression.
 *
 * Latency: each run's command latencies (a case's "latency" samples, or,
 * in a file without them, those qr_latency_scan reads off its
 * "transcript") grouped by command family and kind, over the cases both
 * runs ran to the end (like with like: a case only one run has, or one
 * cut short, does not count); a family whose p50 moved by more than
 * drift_pct percent of OLD's p50 and by at least drift_min_ms has drifted
 * (news, not a regression). */
#ifndef QR_DIFF_H
#define QR_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "qc_buf.h"

typedef struct qr_diff_counts {
  size_t regressed, fixed, changed, skipped, waived, added, removed, notrun,
      same;
  size_t families, drifted; /* latency: families in either run; drifted */
  /* NEW was interrupted or is still running: what it lacks is "not run",
   * and a gate cannot pass on it (qftp-harness diff exits 2). */
  bool new_incomplete;
} qr_diff_counts;

typedef struct qr_diff_opts {
  double drift_pct;    /* percent of OLD's p50 (default 25) */
  double drift_min_ms; /* and at least this many ms (default 5) */
} qr_diff_opts;

#define QR_DIFF_DRIFT_PCT 25.0
#define QR_DIFF_DRIFT_MIN_MS 5.0

/* The defaults above. */
qr_diff_opts qr_diff_opts_default(void);

/* Two runs compared; opaque. */
typedef struct qr_diff_result qr_diff_result;

/* Reads both files (one case at a time) and compares them; opts NULL:
 * the defaults. The comparison, or NULL with err when a file cannot be
 * read, is not a results.json or holds a case id twice (messages as
 * qr_doc_load's, and "PATH: case id "ID" occurs more than once"). */
qr_diff_result *qr_diff_open(const char *old_json, const char *new_json,
                      const qr_diff_opts *opts, char *err, size_t errlen);
/* As qr_diff_open, the two files' texts given (names for messages and for
 * their report directories); loads each whole. */
qr_diff_result *qr_diff_openb(const char *old_json, const char *old_text,
                       size_t old_len, const char *new_json,
                       const char *new_text, size_t new_len,
                       const qr_diff_opts *opts, char *err, size_t errlen);
void qr_diff_free(qr_diff_result *d);

qr_diff_counts qr_diff_get_counts(const qr_diff_result *d);

/* Prints to out: first the two modules ("module: EC25 rev A vs EC25 rev
 * B"), then a "warning: ..." line for each thing that makes the
 * comparison weaker (the models, profile, target or time_scale differ, a
 * run was interrupted or had not finished), then the differences, one
 * line each ("regressed  id: pass -> fail: reason"; a changed reason also
 * "           was: old reason"), the drifted latency families ("drift
 * AT+QFTPOPEN urc: p50 12 ms -> 480 ms ..."), the summary line and a
 * latency line. */
void qr_diff_text(const qr_diff_result *d, FILE *out);

/* The same as one self-contained HTML page (every text escaped), with a
 * table of all latency families, the drifted ones highlighted. */
void qr_diff_render_html(const qr_diff_result *d, qc_buf *b);
/* qr_diff_render_html written to path atomically. 0, or -1 with err. */
int qr_diff_write_html(const qr_diff_result *d, const char *path, char *err,
                       size_t errlen);

/* qr_diff_open with the defaults, qr_diff_text to out, *counts filled.
 * 0, or -1 with err. */
int qr_diff(const char *old_json, const char *new_json, FILE *out,
            qr_diff_counts *counts, char *err, size_t errlen);
/* As qr_diff, with qr_diff_openb. */
int qr_diffb(const char *old_json, const char *old_text, size_t old_len,
             const char *new_json, const char *new_text, size_t new_len,
             FILE *out, qr_diff_counts *counts, char *err, size_t errlen);

#endif
