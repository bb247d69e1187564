/* qr_diff_lat: the two runs' command latencies side by side, and which
 * families drifted (qr_diff.h). */
#include "qr_diff_priv.h"

#include <stdlib.h>
#include <string.h>

/* Transcript entries read at a time when a case has no "latency": a
 * command's samples need its lines together, so the whole transcript is
 * given to qr_latency_scan (a case's, not a run's). */
void qr_diff_lat_add_case(qr_lat_set *set, const json_t *c)
{
  if (json_is_array(json_object_get(c, "latency"))) {
    qr_lat_set_add_case(set, c);
    return;
  }
  const json_t *tr = json_object_get(c, "transcript");
  size_t n = json_array_size(tr);
  if (!n)
    return;
  qr_tline *lines = calloc(n, sizeof *lines);
  if (!lines)
    abort();
  size_t i;
  const json_t *e;
  json_array_foreach(tr, i, e)
  {
    const char *d = json_string_value(json_object_get(e, "dir"));
    const char *t = json_string_value(json_object_get(e, "text"));
    lines[i].t = json_number_value(json_object_get(e, "t"));
    lines[i].dir = d ? d[0] : '?';
    lines[i].text = (char *)(t ? t : ""); /* read only: qr_latency_scan */
  }
  size_t k = qr_latency_scan(lines, n, NULL, 0);
  qr_lat *s = k ? calloc(k, sizeof *s) : NULL;
  if (k && !s)
    abort();
  qr_latency_scan(lines, n, s, k);
  for (size_t j = 0; j < k; j++)
    qr_lat_set_add(set, s[j].cmd, s[j].to, s[j].s);
  free(s);
  free(lines);
}

/* OLD's and NEW's p50 say the family drifted. */
static bool drifted(const qr_diff_opts *o, double p50_old, double p50_new)
{
  double moved = p50_new > p50_old ? p50_new - p50_old : p50_old - p50_new;
  /* The times are rounded to the millisecond: compare in whole ms, so a
   * 5 ms move is "at least 5 ms" whatever the binary fractions say. */
  double moved_ms = (double)(long long)(moved * 1000.0 + 0.5);
  return moved_ms >= o->drift_min_ms && moved > o->drift_pct / 100.0 * p50_old;
}

static int cmp_key(const char *c1, qr_lat_to t1, const char *c2,
                   qr_lat_to t2)
{
  int c = strcmp(c1, c2);
  return c ? c : (int)t1 - (int)t2;
}

void qr_diff_latency(qr_diff_result *d)
{
  const qr_lat_set *a = &d->side[0].lat, *b = &d->side[1].lat;
  d->lat = a->n + b->n ? calloc(a->n + b->n, sizeof *d->lat) : NULL;
  if (a->n + b->n && !d->lat)
    abort();
  /* Both sets are sorted by (cmd, to): walk them together. */
  size_t i = 0, j = 0;
  while (i < a->n || j < b->n) {
    const qr_lat_family *fa = i < a->n ? &a->f[i] : NULL;
    const qr_lat_family *fb = j < b->n ? &b->f[j] : NULL;
    int c = !fa ? 1 : !fb ? -1 : cmp_key(fa->cmd, fa->to, fb->cmd, fb->to);
    if (c < 0)
      fb = NULL;
    else if (c > 0)
      fa = NULL;
    i += fa != NULL;
    j += fb != NULL;
    const qr_lat_family *f = fa ? fa : fb;
    qr_dlat *l = &d->lat[d->nlat++];
    snprintf(l->cmd, sizeof l->cmd, "%s", f->cmd);
    l->to = f->to;
    l->n_old = fa ? fa->n : 0;
    l->n_new = fb ? fb->n : 0;
    l->p50_old = qr_lat_pct(fa, 50);
    l->p95_old = qr_lat_pct(fa, 95);
    l->p50_new = qr_lat_pct(fb, 50);
    l->p95_new = qr_lat_pct(fb, 95);
    l->drifted = l->n_old && l->n_new &&
                 drifted(&d->opts, l->p50_old, l->p50_new);
    d->counts.drifted += l->drifted;
  }
  d->counts.families = d->nlat;
}
