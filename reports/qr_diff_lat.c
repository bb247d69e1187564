/* qr_diff_lat: the two runs' command latencies side by side, and which
 * families drifted (qr_diff.h). */
#include "qr_diff_priv.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

/* One more sample of k. */
static void push(qr_dcase *k, size_t *cap, const char *cmd, qr_lat_to to,
                 double sec)
{
  if (k->nlat == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    k->lat = realloc(k->lat, *cap * sizeof *k->lat);
    if (!k->lat)
      abort(); /* a case's samples are few */
  }
  qr_lat *l = &k->lat[k->nlat++];
  memset(l, 0, sizeof *l);
  snprintf(l->cmd, sizeof l->cmd, "%s", cmd);
  l->to = to;
  l->s = sec;
}

void qr_diff_lat_case(qr_dcase *k, const json_t *c)
{
  size_t cap = 0;
  if (json_is_array(json_object_get(c, "latency"))) {
    /* The file's samples, checked as the report reads them. */
    qr_lat_set one;
    qr_lat_set_init(&one);
    qr_lat_set_add_case(&one, c);
    for (size_t f = 0; f < one.n; f++)
      for (size_t i = 0; i < one.f[f].n; i++)
        push(k, &cap, one.f[f].cmd, one.f[f].to, one.f[f].s[i]);
    qr_lat_set_free(&one);
    return;
  }
  /* A file written before "latency": read off the transcript, the whole
   * of it at once (a command's samples need its lines together; a case's
   * transcript, not a run's). */
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
  size_t m = qr_latency_scan(lines, n, NULL, 0);
  qr_lat *s = m ? calloc(m, sizeof *s) : NULL;
  if (m && !s)
    abort();
  qr_latency_scan(lines, n, s, m);
  for (size_t j = 0; j < m; j++)
    push(k, &cap, s[j].cmd, s[j].to, s[j].s);
  free(s);
  free(lines);
}

void qr_diff_lat_pair(qr_diff_result *d, const qr_dcase *a,
                      const qr_dcase *b)
{
  for (size_t i = 0; i < a->nlat; i++)
    qr_lat_set_add(&d->side[0].lat, a->lat[i].cmd, a->lat[i].to, a->lat[i].s);
  for (size_t i = 0; i < b->nlat; i++)
    qr_lat_set_add(&d->side[1].lat, b->lat[i].cmd, b->lat[i].to, b->lat[i].s);
}

/* OLD's and NEW's p50 say the family drifted. */
static bool drifted(const qr_diff_opts *o, double p50_old, double p50_new)
{
  double moved = p50_new > p50_old ? p50_new - p50_old : p50_old - p50_new;
  /* The times are rounded to the millisecond: compare in whole ms, so a
   * 5 ms move is "at least 5 ms" whatever the binary fractions say. */
  double moved_ms = floor(moved * 1000.0 + 0.5);
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
  qr_lat_set_finish(&d->side[0].lat);
  qr_lat_set_finish(&d->side[1].lat);
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
