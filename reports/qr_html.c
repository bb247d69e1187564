/* qr_html: report.html rendered from results.json.
 *
 * One self-contained page for people (no script, no external file): a
 * banner when the run was interrupted, the run's header and counts, a table of cases with coloured verdicts, and
 * each case's transcript in a <details> that opens by itself when the case
 * did not pass, with links to the case's files that exist beside the page
 * (cases/<id>/transcript.txt, server.log, ...), followed by the FTP ladder the capture shows (commands,
 * replies, data connections, in time order). All text goes through
 * qr_escape_markup. */
#include "qr_report.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr_doc.h"
#include "qr_escape.h"
#include "qr_file.h"

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
    "pre,.tr td{font-family:monospace;white-space:pre-wrap}"
    ".d-out{color:#036}.d-in{color:#060}.d-note{color:#777}"
    ".ladder td.to{text-align:right;color:#036}.ladder td.from{color:#060}"
    "details{margin:.5em 0}summary{cursor:pointer}"
    ".interrupted{background:#fc9;border:2px solid #c60;padding:.5em;"
    "font-weight:bold;font-size:120%}";

/* The per-case files a report directory may hold, in the order they are
 * linked: ours (qr_case_files.c) and the runner's. */
static const char *const case_files[] = {
    "transcript.txt", "server.log", "module.log", "wire.pcap", "proxy.log"};

static void esc(qc_buf *b, const char *s, size_t n)
{
  qr_escape_markup(b, s, n, QR_ESC_ATTR);
}

static void esc_key(qc_buf *b, const json_t *o, const char *key)
{
  size_t n;
  const char *s = qr_doc_str(o, key, &n);
  esc(b, s, n);
}

static qr_verdict verdict_of(const json_t *c)
{
  return (qr_verdict)qr_verdict_parse(
      json_string_value(json_object_get(c, "verdict")));
}

static void header(qc_buf *b, qr_doc_stream *s)
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
  esc(b, qc_buf_data(&mod), qc_buf_len(&mod));
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
        esc(b, json_string_value(l), json_string_length(l));
    }
  }
  qc_buf_adds(b, "</p>\n<p>");
  static const char *const keys[] = {"started_at", "target", "profile",
                                     "module_revision", "version"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    qc_buf_addf(b, "%s<b>%s</b>: ", k ? " &middot; " : "", keys[k]);
    esc_key(b, doc, keys[k]);
  }
  qc_buf_addf(b,
              " &middot; <b>time_scale</b>: %g &middot; "
              "<b>duration</b>: %.3f s</p>\n",
              qr_doc_num(doc, "time_scale"), qr_doc_num(doc, "duration_s"));
  qc_buf_addf(b,
              "<table><tr><th>total</th><th class=\"pass\">pass</th>"
              "<th class=\"fail\">fail</th><th class=\"error\">error</th>"
              "<th class=\"skip\">skip</th>"
              "<th class=\"waived\">waived</th></tr>\n"
              "<tr><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
              "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
              "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
              "</tr></table>\n",
              qr_doc_stream_state(s).ran, cnt[QR_PASS], cnt[QR_FAIL], cnt[QR_ERROR],
              cnt[QR_SKIP], cnt[QR_WAIVED]);
}

/* A waiver's reference: a link when it is a web address, text else. */
static void reference(qc_buf *b, const json_t *w)
{
  size_t n;
  const char *r = qr_doc_str(w, "reference", &n);
  bool web = strncmp(r, "https://", 8) == 0 || strncmp(r, "http://", 7) == 0;
  if (web) {
    qc_buf_adds(b, "<a href=\"");
    esc(b, r, n);
    qc_buf_adds(b, "\">");
  }
  esc(b, r, n);
  if (web)
    qc_buf_adds(b, "</a>");
}

static void case_row(qc_buf *b, const json_t *c, size_t idx)
{
  qr_verdict v = verdict_of(c);
  qc_buf_addf(b, "<tr><td class=\"num\">%zu</td><td><a href=\"#c%zu\">",
              idx + 1, idx);
  esc_key(b, c, "id");
  qc_buf_adds(b, "</a></td><td>");
  esc_key(b, c, "title");
  qc_buf_adds(b, "</td><td>");
  esc_key(b, c, "spec");
  qc_buf_addf(b,
              "</td><td class=\"%s\">%s</td><td class=\"num\">%.3f</td>"
              "<td>",
              qr_verdict_name(v), qr_verdict_name(v),
              qr_doc_num(c, "duration_s"));
  esc_key(b, c, "reason");
  const json_t *w = json_object_get(c, "waiver");
  if (json_is_object(w)) { /* the failure stays; the waiver beside it */
    qc_buf_adds(b, "<br><b>waived</b>: ");
    esc_key(b, w, "reason");
    qc_buf_adds(b, " (");
    reference(b, w);
    qc_buf_adds(b, ")");
  }
  qc_buf_adds(b, "</td></tr>\n");
}

/* Every waiver of the run with what became of it; stale and unmatched
 * ones stand out: they are to be removed or corrected. */
static void waivers_table(qc_buf *b, const json_t *doc)
{
  const json_t *wv = qr_doc_arr(doc, "waivers");
  if (!json_array_size(wv))
    return;
  qc_buf_adds(b, "<h2>Waivers</h2>\n<p>from ");
  esc_key(b, doc, "waivers_file");
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
    esc_key(b, w, "case");
    qc_buf_adds(b, "</td><td class=\"");
    esc(b, st, n);
    qc_buf_adds(b, "\">");
    esc(b, st, n);
    qc_buf_adds(b, "</td><td>");
    json_array_foreach(qr_doc_arr(w, "cases"), k, id)
    {
      if (k)
        qc_buf_adds(b, ", ");
      esc(b, json_string_value(id) ? json_string_value(id) : "",
          json_string_length(id));
    }
    qc_buf_adds(b, "</td><td>");
    esc_key(b, w, "reason");
    qc_buf_adds(b, "</td><td>");
    reference(b, w);
    qc_buf_adds(b, "</td><td>");
    esc_key(b, w, "revision");
    qc_buf_adds(b, "</td><td>");
    esc_key(b, w, "where");
    qc_buf_adds(b, "</td></tr>\n");
  }
  qc_buf_adds(b, "</table>\n");
}

static const char *dir_class(const char *d, size_t n)
{
  if (n == 1 && d[0] == '>')
    return "d-out";
  if (n == 1 && d[0] == '<')
    return "d-in";
  return "d-note";
}

/* One rung of the ladder: time, who speaks, what. */
typedef struct rung {
  double t;
  int side; /* 0 module -> server, 1 server -> module, 2 data event */
  char text[256];
} rung;

enum { LADDER_MAX = 400 };

static int rung_cmp(const void *a, const void *b)
{
  double x = ((const rung *)a)->t, y = ((const rung *)b)->t;
  return x < y ? -1 : x > y;
}

static void add_rung(rung *r, size_t *n, double t, int side, const char *fmt,
                     const char *a, const char *b)
{
  if (*n == LADDER_MAX)
    return;
  r[*n].t = t;
  r[*n].side = side;
  snprintf(r[*n].text, sizeof r[*n].text, fmt, a, b);
  (*n)++;
}

/* The FTP exchange as the capture saw it (the case's "wire" evidence):
 * control lines of every session and each data connection's life. */
static void ladder(qc_buf *b, const json_t *c)
{
  const json_t *w = json_object_get(c, "wire");
  if (!json_is_object(w))
    return;
  static rung r[LADDER_MAX];
  size_t n = 0, i, k;
  const json_t *s, *e;
  json_array_foreach(qr_doc_arr(w, "control"), i, s)
  {
    size_t len;
    json_array_foreach(qr_doc_arr(s, "commands"), k, e)
    {
      add_rung(r, &n, qr_doc_num(e, "t"), 0, "%s%s",
               qr_doc_str(e, "text", &len), "");
    }
    json_array_foreach(qr_doc_arr(s, "replies"), k, e)
    {
      add_rung(r, &n, qr_doc_num(e, "t"), 1, "%s%s",
               qr_doc_str(e, "text", &len), "");
    }
    if (json_is_true(json_object_get(s, "auth_tls")))
      add_rung(r, &n, qr_doc_num(s, "t_open") + 1e-9, 2, "%s%s",
               "control connection: TLS after AUTH (lines not readable)", "");
  }
  json_array_foreach(qr_doc_arr(w, "data"), i, e)
  {
    size_t len;
    char what[160];
    snprintf(what, sizeof what, "data %s, %lld bytes, opened by %s%s",
             qr_doc_str(e, "direction", &len),
             (long long)qr_doc_num(e, "bytes"),
             qr_doc_str(e, "opened_by", &len),
             json_is_true(json_object_get(json_object_get(e, "tls"), "tls"))
                 ? ", TLS"
                 : "");
    add_rung(r, &n, qr_doc_num(e, "t_open"), 2, "%s%s", what, "");
    add_rung(r, &n, qr_doc_num(e, "t_close"), 2,
             "data closed by the module with %s%s",
             qr_doc_str(e, "module_close", &len), "");
  }
  if (!n)
    return;
  qsort(r, n, sizeof *r, rung_cmp);
  qc_buf_adds(b, "<p>FTP exchange on the wire (<code>wire.pcap</code>):</p>\n"
                 "<table class=\"ladder tr\"><tr><th>t (s)</th>"
                 "<th>module &rarr;</th><th>&larr; server</th></tr>\n");
  for (i = 0; i < n; i++) {
    qc_buf_addf(b, "<tr><td class=\"num\">%.4f</td>", r[i].t);
    if (r[i].side == 0)
      qc_buf_adds(b, "<td class=\"to\">");
    else if (r[i].side == 1)
      qc_buf_adds(b, "<td></td><td class=\"from\">");
    else
      qc_buf_adds(b, "<td colspan=\"2\" class=\"d-note\">");
    esc(b, r[i].text, strlen(r[i].text));
    qc_buf_adds(b, r[i].side == 0 ? "</td><td></td></tr>\n" : "</td></tr>\n");
  }
  qc_buf_adds(b, "</table>\n");
}

/* A case's "dir" we may link to: relative, inside the report directory
 * (no ".." component), no NUL. */
static int safe_rel_dir(const char *d, size_t n)
{
  if (n == 0 || strlen(d) != n || d[0] == '/')
    return 0;
  for (const char *p = d; *p;) {
    size_t seg = strcspn(p, "/");
    if (seg == 2 && p[0] == '.' && p[1] == '.')
      return 0;
    p += seg;
    p += *p == '/';
  }
  return 1;
}

/* A relative href: bytes outside the unreserved set (and '/') as %XX, so
 * the link names the file whatever the id held; then markup-escaped. */
static void href(qc_buf *b, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
      qc_buf_addc(b, (char)*p);
    else
      qc_buf_addf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
  }
}

/* Links to the case's files that exist beside the page now (report_dir
 * is the page's directory); the directory's name when none does. */
static void file_links(qc_buf *b, const json_t *c, const char *report_dir)
{
  size_t n, shown = 0;
  const char *d = qr_doc_str(c, "dir", &n);
  qc_buf_adds(b, ", files in <code>");
  esc(b, d, n);
  qc_buf_adds(b, "</code>");
  if (!safe_rel_dir(d, n))
    return;
  for (size_t k = 0; k < sizeof case_files / sizeof case_files[0]; k++) {
    char rel[PATH_MAX];
    int len = snprintf(rel, sizeof rel, "%s/%s", d, case_files[k]);
    if (len < 0 || (size_t)len >= sizeof rel || !qr_is_file(report_dir, rel))
      continue;
    qc_buf_adds(b, shown++ ? " " : ": ");
    qc_buf_adds(b, "<a class=\"file\" href=\"");
    {
      qc_buf h;
      qc_buf_init(&h, QR_FILE_MAX);
      href(&h, rel);
      esc(b, qc_buf_data(&h), qc_buf_len(&h));
      qc_buf_free(&h);
    }
    qc_buf_adds(b, "\">");
    esc(b, case_files[k], strlen(case_files[k]));
    qc_buf_adds(b, "</a>");
  }
}

static void case_details(qc_buf *b, const json_t *c, size_t idx,
                         const char *report_dir)
{
  qr_verdict v = verdict_of(c);
  qc_buf_addf(b, "<details id=\"c%zu\"%s><summary class=\"%s\">", idx,
              v == QR_FAIL || v == QR_ERROR ? " open" : "", qr_verdict_name(v));
  esc_key(b, c, "id");
  qc_buf_addf(b, " &mdash; %s</summary>\n<p>file ", qr_verdict_name(v));
  esc_key(b, c, "file");
  qc_buf_adds(b, ", tags ");
  size_t i, n;
  const json_t *e;
  json_array_foreach(qr_doc_arr(c, "tags"), i, e)
  {
    if (i)
      qc_buf_adds(b, ", ");
    esc(b, json_string_value(e) ? json_string_value(e) : "",
        json_string_length(e));
  }
  file_links(b, c, report_dir);
  qc_buf_adds(b, "</p>\n<table class=\"tr\">"
                 "<tr><th>t (s)</th><th></th><th>text</th></tr>\n");
  json_array_foreach(qr_doc_arr(c, "transcript"), i, e)
  {
    const char *d = qr_doc_str(e, "dir", &n);
    qc_buf_addf(b, "<tr class=\"%s\"><td class=\"num\">%.3f</td><td>",
                dir_class(d, n), qr_doc_num(e, "t"));
    esc(b, d, n);
    qc_buf_adds(b, "</td><td>");
    esc_key(b, e, "text");
    qc_buf_adds(b, "</td></tr>\n");
  }
  qc_buf_adds(b, "</table>\n");
  const json_t *un = qr_doc_arr(c, "unexpected");
  if (json_array_size(un)) {
    qc_buf_adds(b, "<p>Lines skipped while waiting:</p>\n<pre>");
    json_array_foreach(un, i, e)
    {
      esc(b, json_string_value(e) ? json_string_value(e) : "",
          json_string_length(e));
      qc_buf_addc(b, '\n');
    }
    qc_buf_adds(b, "</pre>\n");
  }
  ladder(b, c);
  qc_buf_adds(b, "</details>\n");
}

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
  if (st.interrupted) {
    qc_buf_addf(b,
                "<p class=\"interrupted\">Interrupted after %zu of %zu "
                "cases: the cases not run are not in this report.",
                st.ran, st.planned);
    if (*st.stop_reason) { /* why it stopped, in the run's words */
      qc_buf why;
      qc_buf_init(&why, QR_FILE_MAX);
      qr_doc_stop_text(st, &why);
      qc_buf_adds(b, "<br>");
      esc(b, qc_buf_data(&why), qc_buf_len(&why));
      qc_buf_free(&why);
    }
    qc_buf_adds(b, "</p>\n");
  }
  header(b, s);
  char report_dir[PATH_MAX];
  dir_of(out_path, report_dir, sizeof report_dir);
  qc_buf_adds(b, "<h2>Cases</h2>\n<table><tr><th>#</th><th>id</th>"
                 "<th>title</th><th>spec</th><th>verdict</th>"
                 "<th>duration (s)</th><th>reason</th></tr>\n");
  size_t i = 0;
  const json_t *c;
  for (qr_doc_rewind(s); (c = qr_doc_next(s)); i++)
    case_row(b, c, i);
  qc_buf_adds(b, "</table>\n");
  waivers_table(b, doc);
  qc_buf_adds(b, "<h2>Transcripts</h2>\n");
  i = 0;
  for (qr_doc_rewind(s); (c = qr_doc_next(s)); i++)
    case_details(b, c, i, report_dir);
  qc_buf_adds(b, "</body></html>\n");
}

int qr_render_html(const char *json_path, const char *html_path, char *err,
                   size_t errlen)
{
  return qr_doc_render(json_path, html_path, render, err, errlen);
}
