/* run_waivers: see run_waivers.h. */
#include "run_waivers.h"

#include <stdlib.h>
#include <string.h>

const qh_waiver *qh_run_waive(const qh_waivers *w, const char *rev,
                              qr_case_result *cr)
{
  /* Only a failure is waived: an error is the environment's, a skip ran
   * nothing. */
  if (!w || cr->verdict != QR_FAIL)
    return NULL;
  const qh_waiver *x = qh_waivers_find(w, cr->id, rev);
  if (x)
    qr_case_waive(cr, x->pattern, x->reason, x->reference, x->revision);
  return x;
}

size_t qh_run_waivers_report(const qh_waivers *w, const char *rev,
                             const char *const *all_ids, size_t nall,
                             const qh_waiver *const *waived_by,
                             qr_run_result *res, FILE *out)
{
  if (!w)
    return 0;
  size_t n = res->ncases, warnings = 0, other_rev = 0;
  const char **ids = malloc((n ? n : 1) * sizeof *ids);
  const char **verdicts = malloc((n ? n : 1) * sizeof *verdicts);
  if (!ids || !verdicts) {
    free(ids);
    free(verdicts);
    fprintf(out, "warning: out of memory judging the waivers\n");
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    ids[i] = res->cases[i].id;
    verdicts[i] = qr_verdict_name(res->cases[i].verdict);
  }
  for (size_t k = 0; k < w->n; k++) {
    const qh_waiver *x = &w->v[k];
    qh_waiver_status st = qh_waiver_status_of(x, rev, all_ids, nall, ids,
                                              verdicts, waived_by, n);
    char where[4200];
    snprintf(where, sizeof where, "%s:%d:%d", w->path, x->line, x->col);
    qr_waiver_note *note =
        qr_run_add_waiver(res, x->pattern, x->reason, x->reference,
                          x->revision, qh_waiver_status_name(st), where);
    for (size_t i = 0; i < n; i++) {
      if (st == QH_WAIVER_APPLIED && waived_by[i] == x)
        qr_waiver_note_add_case(note, ids[i]);
      else if (st == QH_WAIVER_STALE && qh_waiver_matches(x, ids[i]) &&
               res->cases[i].verdict == QR_PASS)
        qr_waiver_note_add_case(note, ids[i]);
    }
    if (st == QH_WAIVER_STALE) {
      fprintf(out, "warning: %s: waiver for \"%s\" is stale: ", where,
              x->pattern);
      for (size_t i = 0; i < note->ncases; i++)
        fprintf(out, "%s%s", i ? ", " : "", note->cases[i]);
      fprintf(out, " passed; remove the waiver (%s)\n", x->reference);
      warnings++;
    } else if (st == QH_WAIVER_UNMATCHED) {
      fprintf(out, "warning: %s: waiver for \"%s\" matches no case\n", where,
              x->pattern);
      warnings++;
    } else if (st == QH_WAIVER_OTHER_REVISION && !rev) {
      other_rev++;
    }
  }
  if (other_rev) {
    fprintf(out,
            "warning: %zu waiver%s a module revision and this run has "
            "none (--module-revision): not applied\n",
            other_rev, other_rev == 1 ? " names" : "s name");
    warnings++;
  }
  free(ids);
  free(verdicts);
  return warnings;
}
