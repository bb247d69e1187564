/* qr_html_latency: how long the module took — per case a table of its
 * samples (results.json case "latency": command family, to what, ms) and
 * the commands that answered later than the note allows ("response_checks"),
 * and for the run per family and kind n / p50 / p95 / max (qr_lat_set)
 * with a bar drawing of p50 and p95, and the response-time checks summed. */
#include "qr_html.h"

#include <string.h>

void qr_html_rt_add(qr_html_rt *rt, const json_t *c)
{
  const json_t *r = json_object_get(c, "response_checks");
  if (!json_is_object(r))
    return;
  rt->cases++;
  rt->checked += (size_t)qr_doc_int(r, "checked", 0, 1000000);
  rt->late += json_array_size(qr_doc_arr(r, "late"));
  double w = qr_doc_num(r, "worst");
  if (w > rt->worst && w < 1e9) {
    rt->worst = w;
    size_t n;
    const char *id = qr_doc_str(c, "id", &n);
    snprintf(rt->worst_case, sizeof rt->worst_case, "%.*s",
             (int)(n < sizeof rt->worst_case ? n : sizeof rt->worst_case - 1),
             id);
  }
}

/* The commands of a case that answered later than the note allows. */
static void case_late(qc_buf *b, const json_t *c)
{
  const json_t *late = qr_doc_arr(json_object_get(c, "response_checks"),
                                  "late");
  if (!json_array_size(late))
    return;
  qc_buf_adds(b, "<table class=\"late\"><caption>Later than the note "
                 "allows (module time)</caption><tr><th>command</th>"
                 "<th>to</th><th>ms</th><th>allowed (ms)</th><th>note</th>"
                 "<th>transcript line</th></tr>\n");
  size_t i;
  const json_t *e;
  json_array_foreach(late, i, e)
  {
    qc_buf_adds(b, "<tr class=\"fail\"><td>");
    qr_html_esc_key(b, e, "cmd");
    qc_buf_adds(b, "</td><td>");
    qr_html_esc_key(b, e, "bound");
    qc_buf_addf(b, "</td><td class=\"num\">%.0f</td><td class=\"num\">"
                   "%.0f</td><td>",
                qr_doc_num(e, "s") * 1000.0, qr_doc_num(e, "limit_s") * 1000.0);
    qr_html_esc_key(b, e, "section");
    qc_buf_addf(b, "</td><td class=\"num\">%lld</td></tr>\n",
                qr_doc_int(e, "line", -1, 10000000));
  }
  qc_buf_adds(b, "</table>\n");
}

void qr_html_case_latency(qc_buf *b, const json_t *c)
{
  case_late(b, c);
  const json_t *lat = qr_doc_arr(c, "latency");
  if (!json_array_size(lat))
    return;
  qc_buf_adds(b, "<table class=\"lat\"><caption>Latency (to: <code>ok</code> "
                 "command to its result code, <code>connect</code> to "
                 "CONNECT, <code>urc</code> OK to the result URC)"
                 "</caption><tr><th>command</th><th>to</th><th>ms</th>"
                 "<th>transcript line</th></tr>\n");
  size_t i;
  const json_t *e;
  json_array_foreach(lat, i, e)
  {
    qc_buf_adds(b, "<tr><td>");
    qr_html_esc_key(b, e, "cmd");
    qc_buf_adds(b, "</td><td>");
    qr_html_esc_key(b, e, "to");
    qc_buf_addf(b, "</td><td class=\"num\">%.0f</td><td class=\"num\">",
                qr_doc_num(e, "s") * 1000.0);
    const json_t *l = json_object_get(e, "line");
    if (json_is_integer(l))
      qc_buf_addf(b, "%lld", (long long)json_integer_value(l));
    qc_buf_adds(b, "</td></tr>\n");
  }
  qc_buf_adds(b, "</table>\n");
}

/* Geometry of the drawing: one row per family and kind. */
enum { LBL_W = 250, BAR_W = 480, ROW_H = 18, TOP_H = 22 };

static void bars(qc_buf *b, const qr_lat_set *lat)
{
  double top = 0;
  for (size_t i = 0; i < lat->n; i++) {
    double p95 = qr_lat_pct(&lat->f[i], 95);
    if (p95 > top)
      top = p95;
  }
  if (top <= 0)
    top = 0.001;
  int h = TOP_H + (int)lat->n * ROW_H + 6;
  qc_buf_addf(b,
              "<svg class=\"latbars\" xmlns=\"http://www.w3.org/2000/svg\" "
              "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
              "aria-label=\"latency p50 and p95 per command\">\n"
              "<rect class=\"p95\" x=\"%d\" y=\"4\" width=\"12\" "
              "height=\"10\"/><text x=\"%d\" y=\"13\">p95</text>"
              "<rect class=\"p50\" x=\"%d\" y=\"4\" width=\"12\" "
              "height=\"10\"/><text x=\"%d\" y=\"13\">p50 (scale: %.0f ms "
              "full width)</text>\n",
              LBL_W + BAR_W + 80, h, LBL_W + BAR_W + 80, h, LBL_W, LBL_W + 16,
              LBL_W + 60, LBL_W + 76, top * 1000.0);
  for (size_t i = 0; i < lat->n; i++) {
    const qr_lat_family *f = &lat->f[i];
    double p50 = qr_lat_pct(f, 50), p95 = qr_lat_pct(f, 95);
    int y = TOP_H + (int)i * ROW_H;
    qc_buf_addf(b,
                "<g class=\"fam\"><text x=\"%d\" y=\"%d\" "
                "text-anchor=\"end\">",
                LBL_W - 6, y + 12);
    qr_html_escs(b, f->cmd);
    qc_buf_addf(b, " &#8594; %s</text>", qr_lat_to_name(f->to));
    qc_buf_addf(b,
                "<rect class=\"p95\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
                "height=\"14\"/><rect class=\"p50\" x=\"%d\" y=\"%d\" "
                "width=\"%.1f\" height=\"14\"/><text x=\"%.1f\" y=\"%d\">"
                "%.0f / %.0f ms</text></g>\n",
                LBL_W, y + 1, BAR_W * p95 / top, LBL_W, y + 1,
                BAR_W * p50 / top, LBL_W + BAR_W * p95 / top + 4, y + 12,
                p50 * 1000.0, p95 * 1000.0);
  }
  qc_buf_adds(b, "</svg>\n");
}

void qr_html_run_latency(qc_buf *b, qr_lat_set *lat, const qr_html_rt *rt)
{
  qr_lat_set_finish(lat);
  qc_buf_adds(b, "<h2 id=\"latency\">Latency</h2>\n");
  if (rt->cases) {
    /* The note's maximum response times (2.1-2.18), checked per case. */
    qc_buf_addf(b,
                "<p class=\"rt%s\">Maximum response times (the note's "
                "tables): %zu command%s checked in %zu case%s, %zu later "
                "than allowed",
                rt->late ? " fail" : "", rt->checked,
                rt->checked == 1 ? "" : "s", rt->cases,
                rt->cases == 1 ? "" : "s", rt->late);
    if (rt->worst > 0) {
      qc_buf_addf(b, "; the slowest answer took %.0f %% of the time allowed (",
                  rt->worst * 100.0);
      qr_html_escs(b, rt->worst_case);
      qc_buf_adds(b, ")");
    }
    qc_buf_adds(b, ".</p>\n");
  }
  if (!lat->n) {
    qc_buf_adds(b, "<p>No latency samples in this file.</p>\n");
    return;
  }
  qc_buf_adds(b, "<table class=\"lat\"><tr><th>command</th><th>to</th>"
                 "<th>n</th><th>p50 (ms)</th><th>p95 (ms)</th>"
                 "<th>max (ms)</th></tr>\n");
  for (size_t i = 0; i < lat->n; i++) {
    const qr_lat_family *f = &lat->f[i];
    qc_buf_adds(b, "<tr><td>");
    qr_html_escs(b, f->cmd);
    qc_buf_addf(b,
                "</td><td>%s</td><td class=\"num\">%zu</td>"
                "<td class=\"num\">%.0f</td><td class=\"num\">%.0f</td>"
                "<td class=\"num\">%.0f</td></tr>\n",
                qr_lat_to_name(f->to), f->n, qr_lat_pct(f, 50) * 1000.0,
                qr_lat_pct(f, 95) * 1000.0, qr_lat_pct(f, 100) * 1000.0);
  }
  qc_buf_adds(b, "</table>\n");
  bars(b, lat);
}
