/* qr_diff: what changed between two runs (e.g. two firmware builds).
 *
 * Reads two results.json files and pairs their cases by id. A case that
 * passed before and fails or errs now is a regression; one that passed
 * and is skipped now is listed as skipped, not a regression (a run with
 * skips still succeeds); one that passed and is waived now (a failure a
 * waiver names as known) is listed as waived, not a regression either;
 * one that did not pass and does now is fixed; a
 * case whose verdict stayed but whose reason changed is reported as
 * changed (a different failure is news too). A case one run has and the
 * other lacks is new or removed, unless the run that lacks it was
 * interrupted: then it was not run. */
#ifndef QR_DIFF_H
#define QR_DIFF_H

#include <stddef.h>
#include <stdio.h>

typedef struct qr_diff_counts {
  size_t regressed, fixed, changed, skipped, waived, added, removed, notrun,
      same;
} qr_diff_counts;

/* Prints to out: first the two modules ("module: EC25 rev A vs EC25 rev
 * B"), then a "warning: ..." line for each thing that makes the
 * comparison weaker (the models, profile or target differ, a run was
 * interrupted),
 * then the differences, one line each ("regressed  id: pass -> fail:
 * reason"), then a summary line; fills *counts. 0, or -1 with err when a
 * file cannot be read, is not a results.json or holds a case id twice. */
int qr_diff(const char *old_json, const char *new_json, FILE *out,
            qr_diff_counts *counts, char *err, size_t errlen);
/* As qr_diff, the two files' texts given (names for messages). */
int qr_diffb(const char *old_json, const char *old_text, size_t old_len,
             const char *new_json, const char *new_text, size_t new_len,
             FILE *out, qr_diff_counts *counts, char *err, size_t errlen);

#endif
