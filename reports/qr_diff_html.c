/* qr_diff_html: the comparison as one self-contained HTML page: the two
 * runs side by side, the cases that differ with both reasons, and every
 * latency family with the drifted ones highlighted (qr_diff.h). */
#include "qr_diff_priv.h"

#include "qr_escape.h"
#include "qr_file.h"

#include <string.h>

static const char css[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin-bottom:1em}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;"
    "vertical-align:top}"
    "th{background:#eee}.num{text-align:right}"
    ".reason{font-family:monospace;white-space:pre-wrap;max-width:40em}"
    ".failure{color:#555;font-size:90%}"
    ".k-regressed{background:#fcc}.k-fixed{background:#cfc}"
    ".k-changed{background:#ffd}.k-waived{background:#ccf}"
    ".k-skipped,.k-not-run{background:#ddd}.k-new,.k-removed{background:#eef}"
    ".warn{background:#fc9;border:2px solid #c60;padding:.3em .3em .3em 2em}"
    "tr.drift td{background:#fd8;font-weight:bold}"
    ".bad{color:#a00;font-weight:bold}";

static void esc(qc_buf *b, const char *s)
{
  qr_escape_markup(b, s, strlen(s), QR_ESC_ATTR);
}

/* "not run" -> "not-run": a class name. */
static void kind_class(qc_buf *b, qr_dkind k)
{
  qc_buf_adds(b, "k-");
  for (const char *p = qr_dkind_name(k); *p; p++)
    qc_buf_addc(b, *p == ' ' ? '-' : *p);
}

/* A row of the runs' table: label, OLD's text, NEW's. */
static void side_row(qc_buf *b, const char *label, const char *x,
                     const char *y)
{
  qc_buf_adds(b, "<tr><th>");
  esc(b, label);
  qc_buf_adds(b, "</th><td>");
  esc(b, x ? x : "(none)");
  qc_buf_adds(b, "</td><td>");
  esc(b, y ? y : "(none)");
  qc_buf_adds(b, "</td></tr>\n");
}

static const char *run_state(const qr_dside *s)
{
  return s->running ? "had not finished when written"
         : s->interrupted ? "interrupted"
                          : "complete";
}

static void runs(qc_buf *b, const qr_diff_result *d)
{
  const qr_dside *a = &d->side[0], *n = &d->side[1];
  static const char *const keys[3] = {"profile", "target", "time_scale"};
  qc_buf_adds(b, "<table class=\"runs\"><tr><th></th><th>OLD</th>"
                 "<th>NEW</th></tr>\n");
  side_row(b, "module", a->module_full, n->module_full);
  side_row(b, "results", a->path, n->path);
  for (size_t k = 0; k < 3; k++)
    side_row(b, keys[k], a->head[k], n->head[k]);
  char ra[64], rn[64];
  snprintf(ra, sizeof ra, "%zu of %zu cases, %s", a->ran, a->planned,
           run_state(a));
  snprintf(rn, sizeof rn, "%zu of %zu cases, %s", n->ran, n->planned,
           run_state(n));
  side_row(b, "run", ra, rn);
  if (a->stop || n->stop)
    side_row(b, "stopped", a->stop ? a->stop : "", n->stop ? n->stop : "");
  qc_buf_adds(b, "</table>\n");
}

static void verdict_cell(qc_buf *b, const qr_dcase *c)
{
  qc_buf_adds(b, "<td>");
  if (!c)
    qc_buf_adds(b, "(not run)");
  else
    esc(b, c->verdict);
  if (c && c->cut_short)
    qc_buf_adds(b, " (interrupted)");
  qc_buf_adds(b, "</td>");
}

static void reason_cell(qc_buf *b, const qr_dcase *c)
{
  qc_buf_adds(b, "<td class=\"reason\">");
  if (c) {
    esc(b, c->reason);
    if (c->waiver) {
      qc_buf_adds(b, "\n[waived: ");
      esc(b, c->waiver);
      qc_buf_adds(b, "]");
    }
    if (c->failure) {
      qc_buf_adds(b, "<div class=\"failure\">");
      esc(b, c->failure);
      qc_buf_adds(b, "</div>");
    }
  }
  qc_buf_adds(b, "</td>");
}

static void cases(qc_buf *b, const qr_diff_result *d)
{
  qc_buf_adds(b, "<h2>Cases that differ</h2>\n");
  if (!d->nrows) {
    qc_buf_adds(b, "<p>None.</p>\n");
    return;
  }
  qc_buf_adds(b, "<table class=\"cases\"><tr><th>what</th><th>id</th>"
                 "<th>OLD</th><th>NEW</th><th>OLD reason</th>"
                 "<th>NEW reason</th></tr>\n");
  for (size_t i = 0; i < d->nrows; i++) {
    const qr_drow *r = &d->rows[i];
    const qr_dcase *c = r->new ? r->new : r->old;
    qc_buf_adds(b, "<tr class=\"");
    kind_class(b, r->kind);
    qc_buf_adds(b, "\"><td>");
    esc(b, qr_dkind_name(r->kind));
    qc_buf_adds(b, "</td><td>");
    esc(b, c->id);
    qc_buf_adds(b, "</td>");
    verdict_cell(b, r->old);
    verdict_cell(b, r->new);
    reason_cell(b, r->old);
    reason_cell(b, r->new);
    qc_buf_adds(b, "</tr>\n");
  }
  qc_buf_adds(b, "</table>\n");
}

static void ms_cell(qc_buf *b, size_t n, double s)
{
  if (n)
    qc_buf_addf(b, "<td class=\"num\">%.0f</td>", s * 1000.0);
  else
    qc_buf_adds(b, "<td class=\"num\">-</td>");
}

static void latency(qc_buf *b, const qr_diff_result *d)
{
  qc_buf_addf(b,
              "<h2>Latency</h2>\n<p>Per command family and kind (ok: command "
              "to its final result code; connect: to CONNECT; urc: OK to the "
              "result URC), in ms. Highlighted: the p50 moved by more than "
              "%g %% and at least %g ms (%zu of %zu).</p>\n",
              d->opts.drift_pct, d->opts.drift_min_ms, d->counts.drifted,
              d->counts.families);
  if (!d->nlat) {
    qc_buf_adds(b, "<p>No command latencies in either run.</p>\n");
    return;
  }
  qc_buf_adds(b, "<table class=\"latency\"><tr><th>family</th><th>kind</th>"
                 "<th>OLD n</th><th>OLD p50</th><th>OLD p95</th>"
                 "<th>NEW n</th><th>NEW p50</th><th>NEW p95</th>"
                 "<th>p50 moved</th></tr>\n");
  for (size_t i = 0; i < d->nlat; i++) {
    const qr_dlat *l = &d->lat[i];
    qc_buf_addf(b, "<tr%s><td>", l->drifted ? " class=\"drift\"" : "");
    esc(b, l->cmd);
    qc_buf_addf(b, "</td><td>%s</td><td class=\"num\">%zu</td>",
                qr_lat_to_name(l->to), l->n_old);
    ms_cell(b, l->n_old, l->p50_old);
    ms_cell(b, l->n_old, l->p95_old);
    qc_buf_addf(b, "<td class=\"num\">%zu</td>", l->n_new);
    ms_cell(b, l->n_new, l->p50_new);
    ms_cell(b, l->n_new, l->p95_new);
    if (l->n_old && l->n_new)
      qc_buf_addf(b, "<td class=\"num\">%+.0f</td></tr>\n",
                  (l->p50_new - l->p50_old) * 1000.0);
    else
      qc_buf_adds(b, "<td class=\"num\">-</td></tr>\n");
  }
  qc_buf_adds(b, "</table>\n");
}

void qr_diff_render_html(const qr_diff_result *d, qc_buf *b)
{
  const qr_diff_counts *n = &d->counts;
  qc_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
                 "<meta charset=\"utf-8\"><title>qftp-harness diff: ");
  esc(b, d->side[0].module);
  qc_buf_adds(b, " vs ");
  esc(b, d->side[1].module);
  qc_buf_addf(b, "</title>\n<style>%s</style></head>\n<body>\n"
                 "<h1>qftp-harness diff</h1>\n<p class=\"modules\">",
              css);
  esc(b, d->side[0].module);
  qc_buf_adds(b, " <b>vs</b> ");
  esc(b, d->side[1].module);
  qc_buf_adds(b, "</p>\n");
  runs(b, d);
  if (d->nwarnings) {
    qc_buf_adds(b, "<ul class=\"warn\">\n");
    for (size_t i = 0; i < d->nwarnings; i++) {
      qc_buf_adds(b, "<li>warning: ");
      esc(b, d->warnings[i]);
      qc_buf_adds(b, "</li>\n");
    }
    qc_buf_adds(b, "</ul>\n");
  }
  qc_buf_addf(b,
              "<p class=\"summary\"><span%s>%zu regressed</span>, %zu fixed, "
              "%zu changed, %zu skipped, %zu waived, %zu new, %zu removed, "
              "%zu not run, %zu unchanged; %zu of %zu latency families "
              "drifted</p>\n",
              n->regressed ? " class=\"bad\"" : "", n->regressed, n->fixed,
              n->changed, n->skipped, n->waived, n->added, n->removed,
              n->notrun, n->same, n->drifted, n->families);
  cases(b, d);
  latency(b, d);
  qc_buf_adds(b, "</body></html>\n");
}

int qr_diff_write_html(const qr_diff_result *d, const char *path, char *err,
                       size_t errlen)
{
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  qr_diff_render_html(d, &b);
  int rc;
  if (qc_buf_failed(&b)) {
    qr_errf(err, errlen, "cannot write %s: out of memory or too large",
            path);
    rc = -1;
  } else {
    rc = qr_write_atomic(path, qc_buf_data(&b), qc_buf_len(&b), err, errlen);
  }
  qc_buf_free(&b);
  return rc;
}
