/* qr_diff_text: the comparison as text, one line per difference
 * (qr_diff.h, reports/README.md "diff"). */
#include "qr_diff_priv.h"

#include <string.h>

/* One side of a case line: "pass", "error (interrupted)", "(not run)". */
static void verdict(FILE *out, const qr_dcase *c)
{
  if (!c) {
    fputs(" (not run)", out);
    return;
  }
  fprintf(out, " %s%s", c->verdict, c->cut_short ? " (interrupted)" : "");
}

/* "what  id: OLD -> NEW: reason"; a side a run lacks prints as "(not
 * run)" when it was not run, else is left out; a changed reason is
 * followed by the old one ("was: ..."). */
static void line(FILE *out, const qr_drow *r)
{
  const qr_dcase *a = r->old, *b = r->new, *c = b ? b : a;
  bool not_run = r->kind == QR_D_NOTRUN;
  fprintf(out, "%-10s %s:", qr_dkind_name(r->kind), c->id);
  if (a || not_run)
    verdict(out, a);
  if ((a && b) || not_run)
    fputs(" ->", out);
  if (b || not_run)
    verdict(out, b);
  const char *reason = b ? b->reason : ""; /* the reason now */
  if (*reason)
    fprintf(out, ": %s", reason);
  /* A waived failure names its waiver: the reader sees why it is known. */
  if (b && b->waiver)
    fprintf(out, " [waived: %s]", b->waiver);
  fputc('\n', out);
  if (a && b && *a->reason && strcmp(a->reason, b->reason) != 0)
    fprintf(out, "%-10s was: %s\n", "", a->reason);
}

static void ms(FILE *out, double s)
{
  fprintf(out, "%.0f ms", s * 1000.0);
}

/* "drift      AT+QFTPOPEN urc: p50 12 ms -> 480 ms (+468 ms), p95 15 ms
 * -> 492 ms; 11 -> 11 samples" */
static void drift_line(FILE *out, const qr_dlat *l)
{
  fprintf(out, "%-10s %s %s: p50 ", "drift", l->cmd, qr_lat_to_name(l->to));
  ms(out, l->p50_old);
  fputs(" -> ", out);
  ms(out, l->p50_new);
  fprintf(out, " (%+.0f ms), p95 ", (l->p50_new - l->p50_old) * 1000.0);
  ms(out, l->p95_old);
  fputs(" -> ", out);
  ms(out, l->p95_new);
  fprintf(out, "; %zu -> %zu samples\n", l->n_old, l->n_new);
}

void qr_diff_text(const qr_diff_result *d, FILE *out)
{
  fprintf(out, "module: %s vs %s\n", d->side[0].module, d->side[1].module);
  for (size_t i = 0; i < d->nwarnings; i++)
    fprintf(out, "warning: %s\n", d->warnings[i]);
  for (size_t i = 0; i < d->nrows; i++)
    line(out, &d->rows[i]);
  for (size_t i = 0; i < d->nlat; i++)
    if (d->lat[i].drifted)
      drift_line(out, &d->lat[i]);
  const qr_diff_counts *n = &d->counts;
  fprintf(out,
          "%zu regressed, %zu fixed, %zu changed, %zu skipped, %zu waived, "
          "%zu new, %zu removed, %zu not run, %zu unchanged\n",
          n->regressed, n->fixed, n->changed, n->skipped, n->waived, n->added,
          n->removed, n->notrun, n->same);
  if (!n->families)
    fputs("latency: no command latencies in either run\n", out);
  else
    fprintf(out,
            "latency: %zu of %zu command families drifted (p50 moved by "
            "more than %g %% and at least %g ms)\n",
            n->drifted, n->families, d->opts.drift_pct,
            d->opts.drift_min_ms);
}
