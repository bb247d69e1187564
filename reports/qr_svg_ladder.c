/* qr_svg_ladder: the wire evidence as an SVG sequence diagram (see the
 * header). Events are gathered from the wire object, ordered by time
 * (ties keep the order they were gathered in: a connection's first
 * closer before the other side), then drawn one row each. Arrowheads are
 * drawn as polygons, not markers: a marker is an id, and ids would clash
 * between the ladders of one page. */
#include "qr_svg_ladder.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr_doc.h"
#include "qr_escape.h"

enum side { MODULE, SERVER, NOWHERE };

typedef enum rung_kind {
  R_CMD,   /* module -> server: an FTP command */
  R_REPLY, /* server -> module: a reply */
  R_OPEN,  /* a data connection opened (SYN) */
  R_CLOSE, /* one side's FIN or RST */
  R_TLS,   /* a TLS handshake */
  R_NOTE,  /* across the lanes: control connection events */
} rung_kind;

enum { LABEL_MAX = 200, SHOWN_MAX = 72 };

typedef struct rung {
  double t;
  size_t seq;
  rung_kind kind;
  enum side from;
  bool rst;
  int data;         /* data connection index, -1 */
  const char *text; /* wire text (commands, replies), or NULL */
  size_t text_len;
  char label[LABEL_MAX]; /* our words, when text is NULL */
} rung;

typedef struct rungs {
  rung *v;
  size_t n, cap;
} rungs;

static rung *add(rungs *r, double t, rung_kind k, enum side from)
{
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    rung *v = realloc(r->v, cap * sizeof *v);
    if (!v)
      abort(); /* bounded by the case's wire object: no memory is our end */
    r->v = v;
    r->cap = cap;
  }
  rung *g = &r->v[r->n];
  memset(g, 0, sizeof *g);
  g->t = t;
  g->seq = r->n++;
  g->kind = k;
  g->from = from;
  g->data = -1;
  return g;
}

static int cmp(const void *a, const void *b)
{
  const rung *x = a, *y = b;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *str(const json_t *o, const char *key)
{
  size_t n;
  return qr_doc_str(o, key, &n);
}

/* A TLS object's words: "TLS handshake, negotiated TLSv1.3" and the like. */
static void tls_words(const json_t *tls, const char *what, bool control,
                      char *out, size_t len)
{
  const char *neg = json_string_value(json_object_get(tls, "negotiated"));
  const char *leg = json_string_value(json_object_get(tls, "legacy_version"));
  int n = snprintf(out, len, "TLS handshake on the %s%s", what,
                   control && json_is_true(json_object_get(tls, "implicit"))
                       ? " (implicit)"
                       : "");
  if (n < 0 || (size_t)n >= len)
    return;
  if (neg)
    snprintf(out + n, len - (size_t)n, ": negotiated %s", neg);
  else if (leg)
    snprintf(out + n, len - (size_t)n, ": ClientHello %s, no ServerHello", leg);
  else
    snprintf(out + n, len - (size_t)n, ": no hello seen");
}

/* The time a handshake began: "t_hello" when the file has it. */
static double hello_time(const json_t *o)
{
  const json_t *h = json_object_get(o, "t_hello");
  return json_is_number(h) ? json_number_value(h) : qr_doc_num(o, "t_open");
}

/* Explicit TLS begins after the server's 234 to AUTH: its time when the
 * file has no "t_hello". */
static double auth_time(const json_t *s)
{
  const json_t *h = json_object_get(s, "t_hello");
  if (json_is_number(h))
    return json_number_value(h);
  size_t k;
  const json_t *e;
  json_array_foreach(qr_doc_arr(s, "replies"), k, e)
  {
    if (qr_doc_num(e, "code") == 234)
      return qr_doc_num(e, "t");
  }
  return qr_doc_num(s, "t_open");
}

static enum side side_of(const char *s)
{
  if (strcmp(s, "client") == 0)
    return MODULE;
  if (strcmp(s, "server") == 0)
    return SERVER;
  return NOWHERE;
}

static void control(rungs *r, const json_t *s, size_t idx)
{
  size_t k;
  const json_t *e;
  rung *g = add(r, qr_doc_num(s, "t_open"), R_NOTE, NOWHERE);
  snprintf(g->label, sizeof g->label, "control connection %zu opened", idx + 1);
  json_array_foreach(qr_doc_arr(s, "commands"), k, e)
  {
    g = add(r, qr_doc_num(e, "t"), R_CMD, MODULE);
    g->text = qr_doc_str(e, "text", &g->text_len);
  }
  json_array_foreach(qr_doc_arr(s, "replies"), k, e)
  {
    g = add(r, qr_doc_num(e, "t"), R_REPLY, SERVER);
    g->text = qr_doc_str(e, "text", &g->text_len);
  }
  const json_t *tls = json_object_get(s, "tls");
  if (json_is_true(json_object_get(tls, "tls"))) {
    bool auth = json_is_true(json_object_get(s, "auth_tls"));
    g = add(r, auth ? auth_time(s) : hello_time(s), R_TLS, NOWHERE);
    tls_words(tls,
              auth ? "control connection after AUTH (lines not readable)"
                   : "control connection",
              true, g->label, sizeof g->label);
  }
  g = add(r, qr_doc_num(s, "t_close"), R_NOTE, NOWHERE);
  snprintf(g->label, sizeof g->label,
           "control connection %zu closed: module %s, server %s", idx + 1,
           str(s, "module_close"), str(s, "server_close"));
}

/* One side's close of data connection d. */
static void close_rung(rungs *r, const json_t *d, size_t idx, enum side who,
                       bool first)
{
  const char *how = str(d, who == MODULE ? "module_close" : "server_close");
  if (strcmp(how, "fin") != 0 && strcmp(how, "rst") != 0)
    return;
  rung *g = add(r, qr_doc_num(d, "t_close"), R_CLOSE, who);
  g->data = (int)idx;
  g->rst = strcmp(how, "rst") == 0;
  snprintf(g->label, sizeof g->label, "%s by the %s%s", g->rst ? "RST" : "FIN",
           who == MODULE ? "module" : "server", first ? ", first" : "");
}

static void data(rungs *r, const json_t *d, size_t idx)
{
  enum side opener = side_of(str(d, "opened_by"));
  rung *g = add(r, qr_doc_num(d, "t_open"), R_OPEN,
                opener == NOWHERE ? MODULE : opener);
  g->data = (int)idx;
  const char *dir = str(d, "direction");
  const char *mode = str(d, "mode");
  snprintf(g->label, sizeof g->label,
           "data %zu%s%s%s opened by the %s: %s, "
           "%lld bytes",
           idx + 1, *mode ? " (" : "", mode, *mode ? ")" : "",
           opener == MODULE   ? "module"
           : opener == SERVER ? "server"
                              : "? (SYN not captured)",
           *dir ? dir : "none", qr_doc_int(d, "bytes", 0, LLONG_MAX));
  const json_t *tls = json_object_get(d, "tls");
  if (json_is_true(json_object_get(tls, "tls"))) {
    g = add(r, hello_time(d), R_TLS, NOWHERE);
    char what[32];
    snprintf(what, sizeof what, "data connection %zu", idx + 1);
    tls_words(tls, what, false, g->label, sizeof g->label);
    g->data = (int)idx;
  }
  /* Who closed first, then the other side: both from the analysis, never
   * assumed to be the module. */
  enum side first = side_of(str(d, "first_closer"));
  if (first == NOWHERE) {
    close_rung(r, d, idx, MODULE, false);
    close_rung(r, d, idx, SERVER, false);
  } else {
    close_rung(r, d, idx, first, true);
    close_rung(r, d, idx, first == MODULE ? SERVER : MODULE, false);
  }
}

/* Geometry. */
enum {
  W = 860,
  TOP = 46,
  ROW = 22,
  X_MODULE = 150,
  X_SERVER = W - 120,
  X_PROXY = (X_MODULE + X_SERVER) / 2
};

static int x_of(enum side s)
{
  return s == SERVER ? X_SERVER : X_MODULE;
}

/* Text cut to SHOWN_MAX bytes (not inside a UTF-8 sequence), escaped. */
static void shown_text(qc_buf *b, const char *s, size_t n)
{
  if (n <= SHOWN_MAX) {
    qr_escape_markup(b, s, n, QR_ESC_ATTR);
    return;
  }
  size_t cut = SHOWN_MAX;
  while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
    cut--;
  qr_escape_markup(b, s, cut, QR_ESC_ATTR);
  qc_buf_adds(b, "&#8230;");
}

static void arrow(qc_buf *b, int x1, int x2, int y, const char *cls)
{
  int dir = x2 > x1 ? 1 : -1;
  qc_buf_addf(b,
              "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
              "<polygon class=\"%s\" points=\"%d,%d %d,%d %d,%d\"/>",
              cls, x1, y, x2 - dir * 7, y, cls, x2, y, x2 - dir * 8, y - 4,
              x2 - dir * 8, y + 4);
}

static void draw(qc_buf *b, const rung *g, int y, bool proxy)
{
  static const char *const side_name[] = {"module", "server", "none"};
  const char *text = g->text ? g->text : g->label;
  size_t text_len = g->text ? g->text_len : strlen(g->label);
  int tx = (X_MODULE + X_SERVER) / 2;
  const char *cls = "note";
  switch (g->kind) {
  case R_CMD:
    cls = "cmd";
    break;
  case R_REPLY:
    cls = "reply";
    break;
  case R_OPEN:
    cls = "open";
    break;
  case R_CLOSE:
    cls = g->rst ? "close rst" : "close fin";
    break;
  case R_TLS:
    cls = "tls";
    break;
  case R_NOTE:
    cls = "note";
    break;
  }
  qc_buf_addf(b, "<g class=\"rung %s\"", cls);
  if (g->from != NOWHERE)
    qc_buf_addf(b, " data-from=\"%s\" data-to=\"%s\"", side_name[g->from],
                side_name[g->from == MODULE ? SERVER : MODULE]);
  qc_buf_addf(b, "><title>%.3f s: ", g->t);
  qr_escape_markup(b, text, text_len, QR_ESC_ATTR);
  qc_buf_addf(b, "</title><text class=\"t\" x=\"4\" y=\"%d\">%.3f</text>",
              y + 4, g->t);
  if (g->kind == R_TLS || g->kind == R_NOTE) {
    qc_buf_addf(b,
                "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
                "height=\"16\" rx=\"3\"/>",
                cls, X_MODULE, y - 9, X_SERVER - X_MODULE);
    qc_buf_addf(b,
                "<text class=\"lbl\" x=\"%d\" y=\"%d\" "
                "text-anchor=\"middle\">",
                tx, y + 3);
  } else {
    int x1 = x_of(g->from), x2 = x_of(g->from == MODULE ? SERVER : MODULE);
    arrow(b, x1, x2, y, cls);
    if (proxy) /* it passed through the proxy */
      qc_buf_addf(b, "<circle class=\"px\" cx=\"%d\" cy=\"%d\" r=\"3\"/>",
                  X_PROXY, y);
    qc_buf_addf(b,
                "<text class=\"lbl %s\" x=\"%d\" y=\"%d\" "
                "text-anchor=\"middle\">",
                cls, proxy ? (x1 + X_PROXY) / 2 : tx, y - 4);
  }
  shown_text(b, text, text_len);
  qc_buf_adds(b, "</text></g>\n");
}

/* Each data connection's band: from its opening row to its last close row
 * (to the bottom when cut), with its bytes and direction. */
static void bands(qc_buf *b, const json_t *wire, const rung *v, size_t shown,
                  size_t total)
{
  const json_t *data = qr_doc_arr(wire, "data");
  size_t nd = json_array_size(data);
  if (!nd)
    return;
  /* Each connection's first and last rung, in one pass over the rungs
   * (not one per connection: a capture may hold thousands). */
  long *first = malloc(nd * sizeof *first), *last = malloc(nd * sizeof *last);
  if (!first || !last) {
    free(first);
    free(last);
    return; /* no bands; the arrows still say it */
  }
  for (size_t k = 0; k < nd; k++)
    first[k] = last[k] = -1;
  for (size_t k = 0; k < total; k++) {
    if (v[k].data < 0 || (size_t)v[k].data >= nd)
      continue;
    if (first[v[k].data] < 0)
      first[v[k].data] = (long)k;
    last[v[k].data] = (long)k;
  }
  size_t i;
  const json_t *d;
  json_array_foreach(data, i, d)
  {
    long top = first[i], bottom = last[i];
    if (top < 0 || (size_t)top >= shown)
      continue;
    if ((size_t)bottom >= shown)
      bottom = (long)shown - 1;
    int y1 = TOP + (int)top * ROW, y2 = TOP + (int)bottom * ROW;
    const char *dir = str(d, "direction");
    bool down = strcmp(dir, "download") == 0;
    qc_buf_addf(b,
                "<g class=\"band\" data-conn=\"%zu\"><rect class=\"band\" "
                "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
                "<text class=\"bytes\" x=\"%d\" y=\"%d\" "
                "text-anchor=\"end\">%s %lld bytes%s</text></g>\n",
                i + 1, X_MODULE + 6, y1 + 2, X_SERVER - X_MODULE - 12,
                y2 - y1 > 4 ? y2 - y1 - 4 : 4, X_SERVER - 10, y1 + 16,
                down                          ? "&#8592; download"
                : *dir && strcmp(dir, "none") ? "upload &#8594;"
                                              : "no payload,",
                qr_doc_int(d, "bytes", 0, LLONG_MAX),
                json_is_true(json_object_get(json_object_get(d, "tls"), "tls"))
                    ? " (TLS)"
                    : "");
  }
  free(first);
  free(last);
}

void qr_svg_ladder(qc_buf *b, const json_t *wire, bool proxy, size_t max_rungs)
{
  rungs r = {0};
  size_t i;
  const json_t *e;
  json_array_foreach(qr_doc_arr(wire, "control"), i, e) control(&r, e, i);
  json_array_foreach(qr_doc_arr(wire, "data"), i, e) data(&r, e, i);
  if (!r.n) {
    free(r.v);
    return;
  }
  qsort(r.v, r.n, sizeof *r.v, cmp);
  size_t shown = r.n < max_rungs ? r.n : max_rungs;
  bool case_clock = strcmp(str(wire, "clock"), "case") == 0;
  qc_buf_addf(b,
              "<p class=\"cap ladder-cap\">The FTP exchange on the wire "
              "(<code>wire.pcap</code>): t in seconds since %s.",
              case_clock ? "the case started, the transcript's clock"
                         : "the capture's first packet (the capture clock: "
                           "this file's wire times are not on the "
                           "transcript's clock)");
  if (shown < r.n)
    qc_buf_addf(b, " Showing the first %zu of %zu events.", shown, r.n);
  qc_buf_adds(b, "</p>\n");
  int h = TOP + (int)shown * ROW;
  qc_buf_addf(b,
              "<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" "
              "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
              "aria-label=\"FTP sequence diagram\">\n",
              W, h, W, h);
  qc_buf_addf(b,
              "<text class=\"lane\" x=\"4\" y=\"16\">t (s)</text>"
              "<text class=\"lane\" x=\"%d\" y=\"16\" "
              "text-anchor=\"middle\">module</text>"
              "<text class=\"lane\" x=\"%d\" y=\"16\" "
              "text-anchor=\"middle\">server</text>"
              "<line class=\"life\" x1=\"%d\" y1=\"24\" x2=\"%d\" "
              "y2=\"%d\"/><line class=\"life\" x1=\"%d\" y1=\"24\" "
              "x2=\"%d\" y2=\"%d\"/>\n",
              X_MODULE, X_SERVER, X_MODULE, X_MODULE, h, X_SERVER, X_SERVER, h);
  if (proxy)
    qc_buf_addf(b,
                "<text class=\"lane\" x=\"%d\" y=\"16\" "
                "text-anchor=\"middle\">fault proxy</text><line "
                "class=\"life px\" x1=\"%d\" y1=\"24\" x2=\"%d\" "
                "y2=\"%d\"/>\n",
                X_PROXY, X_PROXY, X_PROXY, h);
  bands(b, wire, r.v, shown, r.n);
  for (i = 0; i < shown; i++)
    draw(b, &r.v[i], TOP + (int)i * ROW, proxy);
  qc_buf_adds(b, "</svg>\n");
  free(r.v);
}
