/* qr_html_case: one case's details — its files, the transcript grouped by
 * step (a fragment's steps folded in one closed <details>, the teardown
 * folded too, the failing step's rows marked and its group open), the
 * lines skipped while waiting, the ladder and the latencies. The
 * transcript's clock (seconds since the case started) is the ladder's. */
#include "qr_html.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr_file.h"
#include "qr_svg_ladder.h"

/* The per-case files a report directory may hold, in the order they are
 * linked: ours (qr_case_files.c) and the runner's. */
static const char *const case_files[] = {
    "transcript.txt", "server.log", "module.log", "wire.pcap", "proxy.log"};

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
  qr_html_esc(b, d, n);
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
    qc_buf h;
    qc_buf_init(&h, QR_FILE_MAX);
    href(&h, rel);
    qr_html_esc(b, qc_buf_data(&h), qc_buf_len(&h));
    qc_buf_free(&h);
    qc_buf_adds(b, "\">");
    qr_html_escs(b, case_files[k]);
    qc_buf_adds(b, "</a>");
  }
}

static const char *dir_class(const char *d)
{
  if (d && strcmp(d, ">") == 0)
    return "d-out";
  if (d && strcmp(d, "<") == 0)
    return "d-in";
  return "d-note";
}

/* What the transcript's entries are grouped into. */
typedef enum group_kind {
  G_NONE,     /* no group open */
  G_PLAIN,    /* before the first step, after the last: evidence notes */
  G_STEP,     /* one step of the case's own */
  G_FRAGMENT, /* consecutive steps of one fragment: folded */
  G_TEARDOWN, /* the module put back: folded */
} group_kind;

typedef struct walk {
  qc_buf *b;
  const json_t *c;
  size_t idx;
  const qr_html_steps *steps;
  const qr_html_failure *f; /* NULL when the case did not fail */
  group_kind g;
  int g_step;    /* G_STEP: its step; G_FRAGMENT: its first */
  int last_step; /* of the last row, for the step header rows */
} walk;

static const qr_html_step *step_info(const walk *w, int st)
{
  return st >= 1 && (size_t)st <= w->steps->n ? &w->steps->v[st - 1] : NULL;
}

static const char *fragment_of(const walk *w, int st)
{
  const qr_html_step *s = step_info(w, st);
  return s ? s->fragment : "";
}

static bool failing(const walk *w, int st)
{
  return w->f && w->f->step > 0 && st == w->f->step;
}

static void close_group(walk *w)
{
  if (w->g == G_NONE)
    return;
  qc_buf_adds(w->b, "</table>");
  qc_buf_adds(w->b, w->g == G_FRAGMENT || w->g == G_TEARDOWN ? "</details>\n"
                                                             : "</div>\n");
  w->g = G_NONE;
}

/* Consecutive steps from first on with the same fragment. */
static int fragment_run(const walk *w, int first)
{
  const char *fr = fragment_of(w, first);
  int n = 0;
  while (first + n >= 1 && (size_t)(first + n) <= w->steps->n &&
         strcmp(fragment_of(w, first + n), fr) == 0)
    n++;
  return n ? n : 1;
}

/* Entries from i on recorded in the teardown. */
static size_t teardown_lines(const json_t *tr, size_t i, int cur)
{
  size_t n = 0;
  for (; i < json_array_size(tr); i++, n++) {
    int c = cur;
    if (qr_html_entry_step(json_array_get(tr, i), &c) != -1)
      break;
    cur = c;
  }
  return n;
}

static void open_group(walk *w, group_kind g, int st, size_t lines)
{
  qc_buf *b = w->b;
  w->g = g;
  w->g_step = st;
  w->last_step = INT_MIN;
  switch (g) {
  case G_FRAGMENT: {
    int n = fragment_run(w, st);
    bool fail = w->f && w->f->step >= st && w->f->step < st + n;
    qc_buf_addf(b, "<details class=\"frag%s\"%s><summary>",
                fail ? " failing-group" : "", fail ? " open" : "");
    qr_html_escs(b, fragment_of(w, st));
    qc_buf_addf(b, ": %d step%s (%d&ndash;%d)%s</summary>", n,
                n == 1 ? "" : "s", st, st + n - 1,
                fail ? " &mdash; <b>the failing step is here</b>" : "");
    break;
  }
  case G_TEARDOWN:
    qc_buf_addf(b,
                "<details class=\"teardown\"><summary>teardown: %zu "
                "line%s</summary>",
                lines, lines == 1 ? "" : "s");
    break;
  case G_STEP:
    qc_buf_addf(b, "<div class=\"step%s\">",
                failing(w, st) ? " failing-group" : "");
    break;
  case G_PLAIN:
  case G_NONE:
    qc_buf_adds(b, "<div class=\"plain\">");
    break;
  }
  qc_buf_adds(b, "<table class=\"tr\">");
}

/* A header row when a new step starts, from "steps" (older files have the
 * engine's own "step N: ..." note there instead). */
static void step_header(walk *w, int st, double t)
{
  if (st == w->last_step)
    return;
  w->last_step = st;
  const qr_html_step *s = step_info(w, st);
  if (!w->steps->structured || !s)
    return;
  qc_buf_addf(w->b,
              "<tr class=\"sh%s\"><td class=\"num\">%.3f</td><td>"
              "</td><td>step %d &middot; ",
              failing(w, st) ? " failing-step" : "", s->t >= 0 ? s->t : t, st);
  qr_html_escs(w->b, s->kind);
  if (s->where[0]) {
    qc_buf_adds(w->b, " &middot; <code>");
    qr_html_escs(w->b, s->where);
    qc_buf_adds(w->b, "</code>");
  }
  if (s->status[0]) {
    qc_buf_addf(w->b, " &middot; <span class=\"st-");
    qr_html_escs(w->b, s->status);
    qc_buf_adds(w->b, "\">");
    qr_html_escs(w->b, s->status);
    qc_buf_adds(w->b, "</span>");
  }
  qc_buf_adds(w->b, "</td></tr>");
}

/* The transcript, grouped; true when it says the case went through the
 * fault proxy (the ladder then draws its lane). */
static bool transcript(walk *w)
{
  const json_t *tr = qr_doc_arr(w->c, "transcript");
  bool proxied = false;
  int cur = 0;
  size_t i;
  const json_t *e;
  json_array_foreach(tr, i, e)
  {
    int prev = cur;
    int st = qr_html_entry_step(e, &cur);
    group_kind g = st == -1                           ? G_TEARDOWN
                   : st >= 1 && fragment_of(w, st)[0] ? G_FRAGMENT
                   : st >= 1                          ? G_STEP
                                                      : G_PLAIN;
    bool same =
        g == w->g &&
        (g == G_PLAIN || g == G_TEARDOWN || (g == G_STEP && st == w->g_step) ||
         (g == G_FRAGMENT &&
          strcmp(fragment_of(w, st), fragment_of(w, w->g_step)) == 0 &&
          st >= w->g_step));
    if (!same) {
      close_group(w);
      open_group(w, g, st, g == G_TEARDOWN ? teardown_lines(tr, i, prev) : 0);
    }
    if (st >= 1)
      step_header(w, st, qr_doc_num(e, "t"));
    const char *d = qr_html_str_or_null(e, "dir");
    const char *text = qr_html_str_or_null(e, "text");
    if (d && text && strcmp(d, "#") == 0 &&
        strstr(text, "through the fault proxy on port"))
      proxied = true;
    bool seen = w->f && w->f->line >= 0 && (size_t)w->f->line == i;
    qc_buf_addf(w->b, "<tr class=\"%s%s%s\"><td class=\"num\">%.3f</td><td>",
                dir_class(d), failing(w, st) ? " failing-step" : "",
                seen ? " seen" : "", qr_doc_num(e, "t"));
    if (seen)
      qc_buf_addf(w->b, "<a id=\"c%zu-seen\"></a>", w->idx);
    qr_html_esc_key(w->b, e, "dir");
    qc_buf_adds(w->b, "</td><td>");
    qr_html_esc_key(w->b, e, "text");
    qc_buf_adds(w->b, "</td></tr>\n");
  }
  close_group(w);
  return proxied;
}

void qr_html_case(qc_buf *b, const json_t *c, size_t idx,
                  const char *report_dir)
{
  qr_verdict v = qr_html_verdict(c);
  qc_buf_addf(b, "<details id=\"c%zu\" class=\"casebox ", idx);
  qr_html_filter_classes(b, c);
  qc_buf_addf(b, "\"%s><summary class=\"%s\">",
              v == QR_FAIL || v == QR_ERROR ? " open" : "", qr_verdict_name(v));
  qr_html_esc_key(b, c, "id");
  qc_buf_addf(b, " &mdash; %s</summary>\n<p>file ", qr_verdict_name(v));
  qr_html_esc_key(b, c, "file");
  qc_buf_adds(b, ", tags ");
  size_t i;
  const json_t *e;
  json_array_foreach(qr_doc_arr(c, "tags"), i, e)
  {
    if (i)
      qc_buf_adds(b, ", ");
    qr_html_esc(b, json_string_value(e) ? json_string_value(e) : "",
                json_string_length(e));
  }
  file_links(b, c, report_dir);
  qc_buf_adds(b, "</p>\n");

  qr_html_steps steps;
  qr_html_steps_read(c, &steps);
  qr_html_failure *f = malloc(sizeof *f);
  if (!f)
    abort(); /* a few kilobytes: no memory is our end */
  bool failed = qr_html_failure_read(c, &steps, f);
  walk w = {.b = b,
            .c = c,
            .idx = idx,
            .steps = &steps,
            .f = failed ? f : NULL,
            .g = G_NONE,
            .last_step = INT_MIN};
  bool proxied = false;
  if (json_array_size(qr_doc_arr(c, "transcript"))) {
    qc_buf_adds(b, "<p class=\"cap\">Transcript: t in seconds since the case "
                   "started (the ladder's clock); <code>&gt;</code> sent to "
                   "the module, <code>&lt;</code> from it, <code>#</code> "
                   "the harness's notes.</p>\n<div class=\"transcript\">");
    proxied = transcript(&w);
    qc_buf_adds(b, "</div>\n");
  }
  free(f);
  qr_html_steps_free(&steps);

  const json_t *un = qr_doc_arr(c, "unexpected");
  if (json_array_size(un)) {
    qc_buf_adds(b, "<p>Lines skipped while waiting:</p>\n<pre>");
    json_array_foreach(un, i, e)
    {
      qr_html_esc(b, json_string_value(e) ? json_string_value(e) : "",
                  json_string_length(e));
      qc_buf_addc(b, '\n');
    }
    qc_buf_adds(b, "</pre>\n");
  }
  const json_t *wire = json_object_get(c, "wire");
  if (json_is_object(wire))
    qr_svg_ladder(b, wire, proxied, QR_SVG_RUNGS_MAX);
  qr_html_case_latency(b, c);
  qc_buf_adds(b, "</details>\n");
}
