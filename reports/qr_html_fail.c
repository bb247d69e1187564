/* qr_html_fail: the failures, first on the page — per failed or errored
 * case the failing step (number, kind, the case file's file:line:col, the
 * fragment it came from) and what it expected beside what came, so a
 * reader sees what broke without scrolling or clicking. */
#include "qr_html.h"

#include <stdlib.h>

/* More would push everything else off the first screens; the table of
 * cases lists them all. */
enum { FAILURES_SHOWN = 20 };

static void failure_box(qc_buf *b, const json_t *c, size_t idx,
                        const qr_html_failure *f)
{
  qr_verdict v = qr_html_verdict(c);
  qc_buf_addf(b, "<div class=\"failure\"><p class=\"fhead\"><a href=\"#c%zu\">",
              idx);
  qr_html_esc_key(b, c, "id");
  qc_buf_addf(b, "</a> <span class=\"badge %s\">%s</span> ", qr_verdict_name(v),
              qr_verdict_name(v));
  if (f->step > 0)
    qc_buf_addf(b, "<span class=\"fstep\">step %d", f->step);
  else
    qc_buf_adds(b, "<span class=\"fstep\">not a step");
  if (f->kind[0]) {
    qc_buf_adds(b, " &middot; ");
    qr_html_escs(b, f->kind);
  }
  qc_buf_adds(b, "</span>");
  if (f->where[0]) {
    qc_buf_adds(b, " at <code class=\"where\">");
    qr_html_escs(b, f->where);
    qc_buf_adds(b, "</code>");
  }
  if (f->fragment[0]) {
    qc_buf_adds(b, " (from fragment <code>");
    qr_html_escs(b, f->fragment);
    qc_buf_adds(b, "</code>)");
  }
  qc_buf_adds(b, "</p>\n<table class=\"xs\"><tr><th>expected</th>"
                 "<th>seen</th></tr>\n<tr><td class=\"expected\">");
  if (f->expected[0])
    qr_html_escs(b, f->expected);
  else
    qc_buf_adds(b, "<i>not stated apart: see the reason</i>");
  qc_buf_adds(b, "</td><td class=\"seen\">");
  if (f->seen[0])
    qr_html_escs(b, f->seen);
  else
    qc_buf_adds(b, "<i>not recorded</i>");
  qc_buf_adds(b, "</td></tr></table>\n<p class=\"reason\">");
  qr_html_esc_key(b, c, "reason");
  qc_buf_adds(b, "</p></div>\n");
}

void qr_html_failures(qc_buf *b, qr_doc_stream *s, qr_html_tags *tags)
{
  size_t cnt[QR_VERDICTS];
  qr_doc_counts(s, cnt);
  size_t total = cnt[QR_FAIL] + cnt[QR_ERROR], shown = 0, idx = 0;
  qc_buf_adds(b, "<section id=\"failures\">");
  if (!total)
    qc_buf_adds(b, "<h2>Failures: none</h2>\n<p class=\"nofail\">No case "
                   "failed or errored.</p>\n");
  else
    qc_buf_addf(b, "<h2>Failures (%zu)</h2>\n", total);
  const json_t *c;
  for (qr_doc_rewind(s); (c = qr_doc_next(s)); idx++) {
    qr_html_tags_add(tags, c);
    qr_verdict v = qr_html_verdict(c);
    if ((v != QR_FAIL && v != QR_ERROR) || shown == FAILURES_SHOWN)
      continue;
    qr_html_steps steps;
    qr_html_steps_read(c, &steps);
    qr_html_failure *f = malloc(sizeof *f);
    if (!f)
      abort(); /* a few kilobytes: no memory is our end */
    qr_html_failure_read(c, &steps, f);
    failure_box(b, c, idx, f);
    free(f);
    qr_html_steps_free(&steps);
    shown++;
  }
  if (total > shown)
    qc_buf_addf(b,
                "<p>and %zu more failed or errored cases: see the table "
                "of cases.</p>\n",
                total - shown);
  qc_buf_adds(b, "</section>\n");
}
