/* qr_html: report.html rendered from results.json — the page and the
 * order of its parts (qr_html.h says which file draws which).
 *
 * One self-contained file: inline style, no external file, a small
 * inline script for the filters only (the page reads right without it:
 * the filters stay hidden and every case shows). Top to bottom: a banner
 * when the run was interrupted, the failures (which step, where, expected
 * beside seen), the module's identity and the run's header, the counts,
 * the filters, the table of cases, the waivers, the run's latency, then
 * each case's details. Cases are read one at a time (qr_doc_stream): one
 * pass for the failures, one for the table (collecting latencies), one
 * for the details. */
#include "qr_report.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "qr_html.h"

static const char css[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;"
    "vertical-align:top}"
    "th{background:#eee}"
    ".pass{background:#cfc}.fail{background:#fcc}"
    ".error{background:#fc9}.skip{background:#ddd}"
    ".waived{background:#ccf}.stale,.unmatched{background:#ff9}"
    ".num{text-align:right}"
    "pre,.tr td{font-family:monospace;white-space:pre-wrap;"
    "word-break:break-all}"
    ".tr{width:100%;table-layout:fixed}"
    ".tr td:first-child{width:5.5em}.tr td:nth-child(2){width:1.5em}"
    ".tr td{border:none;border-bottom:1px solid #eee}"
    ".d-out{color:#036}.d-in{color:#060}.d-note{color:#777}"
    ".tr tr.sh td{background:#f4f4f4;color:#444;font-weight:bold}"
    ".tr tr.failing-step td{background:#fee}"
    ".tr tr.sh.failing-step td{background:#fbb}"
    ".tr tr.seen td{background:#f66;color:#000;font-weight:bold}"
    ".failing-group{border-left:4px solid #c00;padding-left:4px}"
    "details{margin:.5em 0}summary{cursor:pointer}"
    "details.frag,details.teardown{margin:.2em 0 .2em 1em;color:#555}"
    "#failures{border:2px solid #c00;padding:.3em .8em;margin-bottom:1em}"
    ".failure{margin:.4em 0 .8em}.fhead{margin:.2em 0;font-size:110%}"
    ".fstep{font-weight:bold}.where{background:#eee;padding:0 3px}"
    ".badge{padding:0 4px;border-radius:3px}"
    ".xs{width:100%;table-layout:fixed}"
    ".xs td{font-family:monospace;white-space:pre-wrap;"
    "word-break:break-all}"
    ".xs td.expected{background:#efe}.xs td.seen{background:#fdd}"
    ".reason{color:#555;font-size:90%;margin:.2em 0}"
    ".cap{color:#555;font-size:90%}"
    ".filters{margin:.5em 0}.hidden{display:none}"
    "svg.ladder{font-family:monospace;font-size:11px;display:block}"
    "svg .life{stroke:#999;stroke-width:1}svg .life.px{stroke-dasharray:4 3}"
    "svg .lane{font-weight:bold;font-family:sans-serif;font-size:12px}"
    "svg line.cmd{stroke:#036}svg polygon.cmd,svg text.cmd{fill:#036}"
    "svg line.reply{stroke:#060}svg polygon.reply,svg text.reply{fill:#060}"
    "svg line.open{stroke:#555}svg polygon.open{fill:#555}"
    "svg line.fin{stroke:#555;stroke-dasharray:5 3}svg polygon.fin{fill:#555}"
    "svg line.rst{stroke:#c00;stroke-width:2}svg polygon.rst,"
    "svg text.rst{fill:#c00}"
    "svg rect.tls{fill:#ecdcf8;stroke:#86b}svg rect.note{fill:#f4f4f4;"
    "stroke:#ccc}svg rect.band{fill:#dde8ff;opacity:.6}"
    "svg text.bytes{fill:#347}svg circle.px{fill:#a60}"
    "svg.latbars{font-family:sans-serif;font-size:11px}"
    "svg rect.p95{fill:#9bd}svg rect.p50{fill:#147}"
    ".lat{margin:.5em 0}.lat caption{text-align:left;color:#555}"
    ".interrupted{background:#fc9;border:2px solid #c60;padding:.5em;"
    "font-weight:bold;font-size:120%}";

/* The filters: a case (row and details) shows when its verdict is ticked
 * and, if any tag is ticked, it has one of them. */
static const char script[] =
    "(function(){var f=document.getElementById('filters');if(!f)return;"
    "f.hidden=false;function upd(){var v=[],t=[];"
    "f.querySelectorAll('input').forEach(function(i){if(!i.checked)return;"
    "(i.name==='tag'?t:v).push(i.value)});"
    "document.querySelectorAll('tr.case,details.casebox').forEach("
    "function(e){var ok=v.some(function(x){"
    "return e.classList.contains('v-'+x)})&&(!t.length||t.some("
    "function(x){return e.classList.contains('t-'+x)}));"
    "e.classList.toggle('hidden',!ok)})}"
    "f.addEventListener('change',upd);upd()})();";

/* The directory of path ("." when it has none): where links start. */
static void dir_of(const char *path, char *out, size_t outlen)
{
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(out, outlen, ".");
  else if (slash == path)
    snprintf(out, outlen, "/");
  else
    snprintf(out, outlen, "%.*s", (int)(slash - path), path);
}

static void banner(qc_buf *b, qr_doc_run st)
{
  qc_buf_addf(b,
              "<p class=\"interrupted\">Interrupted after %zu of %zu "
              "cases: the cases not run are not in this report.",
              st.ran, st.planned);
  if (*st.stop_reason) { /* why it stopped, in the run's words */
    qc_buf why;
    qc_buf_init(&why, 65536);
    qr_doc_stop_text(st, &why);
    qc_buf_adds(b, "<br>");
    qr_html_esc(b, qc_buf_data(&why), qc_buf_len(&why));
    qc_buf_free(&why);
  }
  qc_buf_adds(b, "</p>\n");
}

static void render(qr_doc_stream *s, const char *out_path, qc_buf *b)
{
  const json_t *doc = qr_doc_head(s);
  qr_doc_run st = qr_doc_stream_state(s);
  qc_buf_addf(b,
              "<!DOCTYPE html>\n<html lang=\"en\"><head>"
              "<meta charset=\"utf-8\">"
              "<title>qftp-harness report%s</title>\n<style>%s</style>"
              "</head>\n<body>\n",
              st.interrupted ? " (interrupted)" : "", css);
  /* First thing on the page: the counts below are not the whole run. */
  if (st.interrupted)
    banner(b, st);
  qr_html_tags tags;
  tags.n = 0;
  qr_html_failures(b, s, &tags);
  qr_html_header(b, s);
  qr_html_filters(b, &tags);
  qr_lat_set lat;
  qr_lat_set_init(&lat);
  qr_html_rt rt = {0};
  qr_html_cases_table(b, s, &lat, &rt);
  qr_html_waivers(b, doc);
  qr_html_run_latency(b, &lat, &rt);
  qr_lat_set_free(&lat);
  char report_dir[PATH_MAX];
  dir_of(out_path, report_dir, sizeof report_dir);
  qc_buf_adds(b, "<h2>Transcripts</h2>\n");
  size_t i = 0;
  const json_t *c;
  for (qr_doc_rewind(s); (c = qr_doc_next(s)); i++)
    qr_html_case(b, c, i, report_dir);
  qc_buf_addf(b, "<script>%s</script>\n</body></html>\n", script);
}

int qr_render_html(const char *json_path, const char *html_path, char *err,
                   size_t errlen)
{
  return qr_doc_render(json_path, html_path, render, err, errlen);
}
