/* qr_html_header: the run's header (the module's identity first, then
 * profile, time scale, target, version, waivers file), the counts, the
 * filters, and the table of waivers. */
#include "qr_html.h"

#include <string.h>

#include "qr_file.h"

void qr_html_header(qc_buf *b, qr_doc_stream *s)
{
  const json_t *doc = qr_doc_head(s);
  size_t cnt[QR_VERDICTS];
  qr_doc_counts(s, cnt);
  qc_buf_adds(b, "<h1>qftp-harness report</h1>\n<p class=\"module\">"
                 "<b>module</b>: ");
  /* Which module and firmware ran, first: the rest is about it. */
  qc_buf mod;
  qc_buf_init(&mod, QR_FILE_MAX);
  qr_doc_module(doc, true, &mod);
  qr_html_esc(b, qc_buf_data(&mod), qc_buf_len(&mod));
  qc_buf_free(&mod);
  const json_t *m = json_object_get(doc, "module");
  if (json_is_object(m)) {
    qc_buf_adds(b, " &middot; <b>ATI</b>: ");
    size_t i;
    const json_t *l;
    json_array_foreach(qr_doc_arr(m, "ati"), i, l)
    {
      if (i)
        qc_buf_adds(b, " | ");
      if (json_is_string(l))
        qr_html_esc(b, json_string_value(l), json_string_length(l));
    }
  }
  qc_buf_adds(b, "</p>\n<p class=\"run\">");
  static const char *const keys[] = {"profile", "target", "module_revision",
                                     "started_at", "version"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    qc_buf_addf(b, "%s<b>%s</b>: ", k ? " &middot; " : "", keys[k]);
    qr_html_esc_key(b, doc, keys[k]);
  }
  qc_buf_addf(b,
              " &middot; <b>time_scale</b>: %g &middot; "
              "<b>duration</b>: %.3f s &middot; <b>waivers</b>: ",
              qr_doc_num(doc, "time_scale"), qr_doc_num(doc, "duration_s"));
  const char *wf = qr_html_str_or_null(doc, "waivers_file");
  if (wf)
    qr_html_escs(b, wf);
  else
    qc_buf_adds(b, "none");
  qc_buf_adds(b, "</p>\n");
  qc_buf_addf(b,
              "<table class=\"counts\"><tr><th>total</th>"
              "<th class=\"pass\">pass</th>"
              "<th class=\"fail\">fail</th><th class=\"error\">error</th>"
              "<th class=\"skip\">skip</th>"
              "<th class=\"waived\">waived</th></tr>\n"
              "<tr><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
              "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
              "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
              "</tr></table>\n",
              qr_doc_stream_state(s).ran, cnt[QR_PASS], cnt[QR_FAIL],
              cnt[QR_ERROR], cnt[QR_SKIP], cnt[QR_WAIVED]);
}

void qr_html_filters(qc_buf *b, const qr_html_tags *tags)
{
  /* hidden until the script runs: without it the boxes would do nothing. */
  qc_buf_adds(b, "<form id=\"filters\" class=\"filters\" hidden>"
                 "<b>show</b> ");
  for (int v = 0; v < QR_VERDICTS; v++)
    qc_buf_addf(b,
                "<label class=\"%s\"><input type=\"checkbox\" "
                "name=\"verdict\" value=\"%s\" checked> %s</label> ",
                qr_verdict_name((qr_verdict)v), qr_verdict_name((qr_verdict)v),
                qr_verdict_name((qr_verdict)v));
  if (tags->n) {
    qc_buf_adds(b, "<br><b>tags</b> (none ticked: any) ");
    for (size_t i = 0; i < tags->n; i++) {
      qc_buf_adds(b, "<label><input type=\"checkbox\" name=\"tag\" value=\"");
      qr_html_escs(b, tags->v[i]);
      qc_buf_adds(b, "\"> ");
      qr_html_escs(b, tags->v[i]);
      qc_buf_adds(b, "</label> ");
    }
  }
  qc_buf_adds(b, "</form>\n");
}

/* A waiver's reference: a link when it is a web address, text else. */
static void reference(qc_buf *b, const json_t *w)
{
  size_t n;
  const char *r = qr_doc_str(w, "reference", &n);
  bool web = strncmp(r, "https://", 8) == 0 || strncmp(r, "http://", 7) == 0;
  if (web) {
    qc_buf_adds(b, "<a href=\"");
    qr_html_esc(b, r, n);
    qc_buf_adds(b, "\">");
  }
  qr_html_esc(b, r, n);
  if (web)
    qc_buf_adds(b, "</a>");
}

void qr_html_waiver_note(qc_buf *b, const json_t *w)
{
  qc_buf_adds(b, "<br><b>waived</b>: ");
  qr_html_esc_key(b, w, "reason");
  qc_buf_adds(b, " (");
  reference(b, w);
  qc_buf_adds(b, ")");
}

/* Every waiver of the run with what became of it; stale and unmatched
 * ones stand out: they are to be removed or corrected. */
void qr_html_waivers(qc_buf *b, const json_t *doc)
{
  const json_t *wv = qr_doc_arr(doc, "waivers");
  if (!json_array_size(wv))
    return;
  qc_buf_adds(b, "<h2>Waivers</h2>\n<p>from ");
  qr_html_esc_key(b, doc, "waivers_file");
  qc_buf_adds(b, "</p>\n<table><tr><th>case</th><th>status</th>"
                 "<th>cases</th><th>reason</th><th>reference</th>"
                 "<th>revision</th><th>where</th></tr>\n");
  size_t i, k;
  const json_t *w, *id;
  json_array_foreach(wv, i, w)
  {
    size_t n;
    const char *st = qr_doc_str(w, "status", &n);
    qc_buf_adds(b, "<tr><td>");
    qr_html_esc_key(b, w, "case");
    qc_buf_adds(b, "</td><td class=\"");
    qr_html_esc(b, st, n);
    qc_buf_adds(b, "\">");
    qr_html_esc(b, st, n);
    qc_buf_adds(b, "</td><td>");
    json_array_foreach(qr_doc_arr(w, "cases"), k, id)
    {
      if (k)
        qc_buf_adds(b, ", ");
      qr_html_esc(b, json_string_value(id) ? json_string_value(id) : "",
                  json_string_length(id));
    }
    qc_buf_adds(b, "</td><td>");
    qr_html_esc_key(b, w, "reason");
    qc_buf_adds(b, "</td><td>");
    reference(b, w);
    qc_buf_adds(b, "</td><td>");
    qr_html_esc_key(b, w, "revision");
    qc_buf_adds(b, "</td><td>");
    qr_html_esc_key(b, w, "where");
    qc_buf_adds(b, "</td></tr>\n");
  }
  qc_buf_adds(b, "</table>\n");
}
