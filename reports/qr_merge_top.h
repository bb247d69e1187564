/* qr_merge_top: the run's keys of a merge (reports-internal), shared by
 * the whole-tree merge and the streamed one (qr_merge.h). */
#ifndef QR_MERGE_TOP_H
#define QR_MERGE_TOP_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "qr_result.h"

/* The parts must agree on what the verdicts were judged against: 0, or -1
 * with err "profile differs: ..." or "time_scale differs: ...". */
int qr_merge_check(json_t *const *docs, const char *const *names, size_t n,
                   char *err, size_t errlen);

/* out (stolen: part 0's keys in their order, "cases" where it stands) with
 * the merged run's keys set from the parts' (docs: their keys; ran: how
 * many cases each holds; counts and total: of the merged cases). Module
 * warnings to warn. out, or NULL with err. */
json_t *qr_merge_top(json_t *out, json_t *const *docs, const size_t *ran,
                     const char *const *names, size_t n,
                     const size_t counts[QR_VERDICTS], size_t total, FILE *warn,
                     char *err, size_t errlen);

#endif
