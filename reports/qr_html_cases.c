/* qr_html_cases: the table of cases, one row a case (verdict coloured,
 * duration, reason, a waived case's waiver beside its failure), each row
 * carrying the classes the filters hide it by. */
#include "qr_html.h"

static void case_row(qc_buf *b, const json_t *c, size_t idx)
{
  qr_verdict v = qr_html_verdict(c);
  qc_buf_adds(b, "<tr class=\"case ");
  qr_html_filter_classes(b, c);
  qc_buf_addf(b, "\"><td class=\"num\">%zu</td><td><a href=\"#c%zu\">", idx + 1,
              idx);
  qr_html_esc_key(b, c, "id");
  qc_buf_adds(b, "</a></td><td>");
  qr_html_esc_key(b, c, "title");
  qc_buf_adds(b, "</td><td>");
  qr_html_esc_key(b, c, "spec");
  qc_buf_addf(b,
              "</td><td class=\"%s\">%s</td><td class=\"num\">%.3f</td>"
              "<td>",
              qr_verdict_name(v), qr_verdict_name(v),
              qr_doc_num(c, "duration_s"));
  qr_html_esc_key(b, c, "reason");
  const json_t *w = json_object_get(c, "waiver");
  if (json_is_object(w)) /* the failure stays; the waiver beside it */
    qr_html_waiver_note(b, w);
  qc_buf_adds(b, "</td></tr>\n");
}

void qr_html_cases_table(qc_buf *b, qr_doc_stream *s, qr_lat_set *lat,
                         qr_html_rt *rt)
{
  qc_buf_adds(b, "<h2>Cases</h2>\n<table id=\"cases\"><tr><th>#</th>"
                 "<th>id</th><th>title</th><th>spec</th><th>verdict</th>"
                 "<th>duration (s)</th><th>reason</th></tr>\n");
  size_t i = 0;
  const json_t *c;
  for (qr_doc_rewind(s); (c = qr_doc_next(s)); i++) {
    case_row(b, c, i);
    qr_lat_set_add_case(lat, c);
    qr_html_rt_add(rt, c);
  }
  qc_buf_adds(b, "</table>\n");
}
