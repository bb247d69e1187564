/* run_waivers: a run's waivers applied to its results (waivers.h).
 *
 * Each case that failed and has a waiver becomes `waived` as soon as it
 * ends (its progress line says so); after the run, every waiver gets its
 * status in the results, and a stale or unmatched one is a warning. */
#ifndef QH_RUN_WAIVERS_H
#define QH_RUN_WAIVERS_H

#include <stddef.h>
#include <stdio.h>

#include "qr_result.h"
#include "waivers.h"

/* If cr failed and a waiver of w (for revision rev) names it, waives it and
 * returns that waiver; else NULL. w may be NULL. */
const qh_waiver *qh_run_waive(const qh_waivers *w, const char *rev,
                              qr_case_result *cr);

/* Records every waiver of w with its status in res (waived_by[i]: the
 * waiver that applied to res->cases[i], or NULL; all_ids: the suite as
 * loaded, before --filter) and prints a "warning: ..." line to out for
 * each stale or unmatched waiver, and one for waivers of a revision when
 * the run has none. Returns the number of warnings. */
size_t qh_run_waivers_report(const qh_waivers *w, const char *rev,
                             const char *const *all_ids, size_t nall,
                             const qh_waiver *const *waived_by,
                             qr_run_result *res, FILE *out);

#endif
