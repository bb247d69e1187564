/* qr_diff: what changed between two runs (e.g. two firmware builds).
 *
 * Reads two results.json files and pairs their cases by id. A case that
 * passed before and does not now is a regression; one that did not pass
 * and does now is fixed; a case whose verdict stayed but whose reason
 * changed is reported as changed (a different failure is news too). */
#ifndef QR_DIFF_H
#define QR_DIFF_H

#include <stddef.h>
#include <stdio.h>

typedef struct qr_diff_counts {
  size_t regressed, fixed, changed, added, removed, same;
} qr_diff_counts;

/* Prints the differences to out, one line each ("regressed  id: pass ->
 * fail: reason"), then a summary line; fills *counts. 0, or -1 with err
 * when a file cannot be read or is not a results.json. */
int qr_diff(const char *old_json, const char *new_json, FILE *out,
            qr_diff_counts *counts, char *err, size_t errlen);

#endif
