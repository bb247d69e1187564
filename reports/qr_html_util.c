/* qr_html_util: escaping helpers and a case's steps and failure, read
 * from results.json with fallbacks for files older than the failure/steps keys
 * ("steps", "failure", transcript entries' "step"). */
#include "qr_html.h"
#include "qr_report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr_escape.h"

void qr_html_esc(qc_buf *b, const char *s, size_t n)
{
  qr_escape_markup(b, s, n, QR_ESC_ATTR);
}

void qr_html_escs(qc_buf *b, const char *s)
{
  qr_html_esc(b, s, strlen(s));
}

void qr_html_esc_key(qc_buf *b, const json_t *o, const char *key)
{
  size_t n;
  const char *s = qr_doc_str(o, key, &n);
  qr_html_esc(b, s, n);
}

const char *qr_html_str_or_null(const json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

qr_verdict qr_html_verdict(const json_t *c)
{
  return (qr_verdict)qr_verdict_parse(
      json_string_value(json_object_get(c, "verdict")));
}

static void copy(char *dst, size_t len, const char *s, size_t n)
{
  if (n >= len)
    n = len - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

static void copys(char *dst, size_t len, const char *s)
{
  copy(dst, len, s ? s : "", s ? strlen(s) : 0);
}

/* "cases/_fragments/login.yaml:4:5" -> "login"; "" when not a fragment. */
static void fragment_of(const char *where, char *out, size_t len)
{
  out[0] = '\0';
  const char *p = strstr(where, "_fragments/");
  if (!p)
    return;
  p += strlen("_fragments/");
  size_t n = strcspn(p, ":");
  if (n > 5 && strncmp(p + n - 5, ".yaml", 5) == 0)
    n -= 5;
  copy(out, len, p, n);
}

/* A note "step N: KIND (WHERE)": N, or 0 when the note is not one. */
static int step_note(const char *text, qr_html_step *st)
{
  if (strncmp(text, "step ", 5) != 0)
    return 0;
  char *end;
  long n = strtol(text + 5, &end, 10);
  if (end == text + 5 || *end != ':' || n < 1 || n > 1000000)
    return 0;
  if (st) {
    const char *k = end + 1 + (end[1] == ' ');
    size_t kn = strcspn(k, " ");
    copy(st->kind, sizeof st->kind, k, kn);
    const char *w = strchr(k, '(');
    const char *we = w ? strrchr(w, ')') : NULL;
    if (w && we)
      copy(st->where, sizeof st->where, w + 1, (size_t)(we - w - 1));
    fragment_of(st->where, st->fragment, sizeof st->fragment);
  }
  return (int)n;
}

/* Room for step n (1-based) in s. */
static qr_html_step *step_at(qr_html_steps *s, size_t n)
{
  if (n > s->n) {
    qr_html_step *v = realloc(s->v, n * sizeof *v);
    if (!v)
      abort(); /* a case's steps are few; no memory is our end */
    memset(v + s->n, 0, (n - s->n) * sizeof *v);
    for (size_t i = s->n; i < n; i++)
      v[i].t = -1;
    s->v = v;
    s->n = n;
  }
  return &s->v[n - 1];
}

void qr_html_steps_read(const json_t *c, qr_html_steps *s)
{
  memset(s, 0, sizeof *s);
  const json_t *arr = json_object_get(c, "steps");
  size_t i;
  const json_t *e;
  if (json_is_array(arr)) {
    s->structured = true;
    json_array_foreach(arr, i, e)
    {
      if (i == QR_STEPS_MAX)
        break; /* a case has at most that many (the loader's bound) */
      qr_html_step *st = step_at(s, i + 1);
      copys(st->kind, sizeof st->kind, qr_html_str_or_null(e, "kind"));
      copys(st->where, sizeof st->where, qr_html_str_or_null(e, "where"));
      copys(st->fragment, sizeof st->fragment,
            qr_html_str_or_null(e, "fragment"));
      copys(st->status, sizeof st->status, qr_html_str_or_null(e, "status"));
      const json_t *t = json_object_get(e, "t");
      st->t = json_is_number(t) ? json_number_value(t) : -1;
    }
    return;
  }
  /* Older files: the notes the engine writes as each step starts. */
  long failed = (long)qr_doc_int(c, "failed_step", 0, LONG_MAX);
  json_array_foreach(qr_doc_arr(c, "transcript"), i, e)
  {
    const char *d = qr_html_str_or_null(e, "dir");
    const char *text = qr_html_str_or_null(e, "text");
    if (!d || strcmp(d, "#") != 0 || !text)
      continue;
    qr_html_step tmp;
    memset(&tmp, 0, sizeof tmp);
    int n = step_note(text, &tmp);
    /* A step's note is one transcript entry: no step is numbered past
     * them (a hostile "step 1000000" would size the table). */
    if (n <= 0 || (size_t)n > json_array_size(qr_doc_arr(c, "transcript")) ||
        n > QR_STEPS_MAX)
      continue;
    qr_html_step *st = step_at(s, (size_t)n);
    *st = tmp;
    st->t = qr_doc_num(e, "t");
    snprintf(st->status, sizeof st->status, "%s",
             n == failed            ? "fail"
             : failed && n > failed ? ""
                                    : "pass");
  }
}

void qr_html_steps_free(qr_html_steps *s)
{
  free(s->v);
  memset(s, 0, sizeof *s);
}

int qr_html_entry_step(const json_t *e, int *cur)
{
  const json_t *st = json_object_get(e, "step");
  if (json_is_integer(st)) {
    *cur = (int)json_integer_value(st);
    return *cur;
  }
  const char *d = qr_html_str_or_null(e, "dir");
  const char *text = qr_html_str_or_null(e, "text");
  if (d && text && strcmp(d, "#") == 0) {
    int n = step_note(text, NULL);
    if (n > 0)
      *cur = n;
    else if (strcmp(text, "teardown") == 0)
      *cur = -1;
  }
  return *cur;
}

/* From a reason "step N (WHERE): ... expected `X`, got `Y` ...": WHERE, X
 * and Y when it says them; else the message as what was seen. */
static void from_reason(const char *r, qr_html_failure *f)
{
  const char *msg = r;
  if (strncmp(r, "step ", 5) == 0) {
    const char *w = strchr(r, '(');
    const char *we = w ? strstr(w, "): ") : NULL;
    if (w && we) {
      copy(f->where, sizeof f->where, w + 1, (size_t)(we - w - 1));
      msg = we + 3;
    }
  }
  const char *x = strstr(msg, "expected ");
  const char *xs = x ? strchr(x, '`') : NULL;
  const char *xe = xs ? strchr(xs + 1, '`') : NULL;
  if (xe) {
    copy(f->expected, sizeof f->expected, xs + 1, (size_t)(xe - xs - 1));
    const char *g = strstr(xe, "got `");
    const char *ge = g ? strchr(g + 5, '`') : NULL;
    if (ge) {
      copy(f->seen, sizeof f->seen, g + 5, (size_t)(ge - g - 5));
      return;
    }
    /* "expected `X`, got nothing within 5.0 s" and the like. */
    const char *rest = xe + 1;
    rest += strspn(rest, ", ");
    copys(f->seen, sizeof f->seen, rest);
    return;
  }
  copys(f->seen, sizeof f->seen, msg);
}

/* The transcript line an older file's failure saw: the last line from the
 * module in the failing step that is the text the reason quotes. */
static long seen_line(const json_t *c, const qr_html_failure *f)
{
  long found = -1;
  int cur = 0;
  size_t i;
  const json_t *e;
  if (!f->seen[0] || f->step <= 0)
    return -1;
  json_array_foreach(qr_doc_arr(c, "transcript"), i, e)
  {
    int st = qr_html_entry_step(e, &cur);
    const char *d = qr_html_str_or_null(e, "dir");
    const char *text = qr_html_str_or_null(e, "text");
    if (st == f->step && d && text && strcmp(d, "<") == 0 &&
        strcmp(text, f->seen) == 0)
      found = (long)i;
  }
  return found;
}

bool qr_html_failure_read(const json_t *c, const qr_html_steps *steps,
                          qr_html_failure *f)
{
  qr_verdict v = qr_html_verdict(c);
  memset(f, 0, sizeof *f);
  f->line = -1;
  if (v != QR_FAIL && v != QR_ERROR && v != QR_WAIVED)
    return false;
  const json_t *fo = json_object_get(c, "failure");
  if (json_is_object(fo)) {
    f->structured = true;
    f->step = (int)qr_doc_int(fo, "step", 0, INT_MAX);
    copys(f->kind, sizeof f->kind, qr_html_str_or_null(fo, "kind"));
    copys(f->where, sizeof f->where, qr_html_str_or_null(fo, "where"));
    copys(f->fragment, sizeof f->fragment, qr_html_str_or_null(fo, "fragment"));
    copys(f->expected, sizeof f->expected, qr_html_str_or_null(fo, "expected"));
    copys(f->seen, sizeof f->seen, qr_html_str_or_null(fo, "seen"));
    const json_t *l = json_object_get(fo, "line");
    f->line = json_is_integer(l) ? (long)json_integer_value(l) : -1;
    return true;
  }
  f->step = (int)qr_doc_int(c, "failed_step", 0, INT_MAX);
  if (f->step > 0 && (size_t)f->step <= steps->n) {
    const qr_html_step *st = &steps->v[f->step - 1];
    copys(f->kind, sizeof f->kind, st->kind);
    copys(f->where, sizeof f->where, st->where);
    copys(f->fragment, sizeof f->fragment, st->fragment);
  }
  const char *r = qr_html_str_or_null(c, "reason");
  from_reason(r ? r : "", f);
  if (!f->fragment[0])
    fragment_of(f->where, f->fragment, sizeof f->fragment);
  f->line = seen_line(c, f);
  return true;
}

void qr_html_tag_class(const char *tag, char *out)
{
  size_t n = 0;
  for (; *tag && n + 1 < QR_HTML_TAG_MAX; tag++) {
    char ch = *tag;
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    out[n++] = ok ? ch : '_';
  }
  out[n] = '\0';
}

/* Calls fn with the class name of each non-empty tag of case c. */
static void each_tag_class(const json_t *c,
                           void (*fn)(void *ctx, const char *cls), void *ctx)
{
  size_t i;
  const json_t *t;
  json_array_foreach(qr_doc_arr(c, "tags"), i, t)
  {
    const char *s = json_string_value(t);
    if (!s || !*s)
      continue;
    char cls[QR_HTML_TAG_MAX];
    qr_html_tag_class(s, cls);
    fn(ctx, cls);
  }
}

static void add_class(void *ctx, const char *cls)
{
  qc_buf_addf(ctx, " t-%s", cls);
}

void qr_html_filter_classes(qc_buf *b, const json_t *c)
{
  qc_buf_addf(b, "v-%s", qr_verdict_name(qr_html_verdict(c)));
  each_tag_class(c, add_class, b);
}

static void add_tag(void *ctx, const char *cls)
{
  qr_html_tags *tags = ctx;
  size_t k;
  for (k = 0; k < tags->n && strcmp(tags->v[k], cls) != 0; k++)
    ;
  if (k == tags->n && tags->n < QR_HTML_TAGS_MAX)
    snprintf(tags->v[tags->n++], sizeof tags->v[0], "%s", cls);
}

void qr_html_tags_add(qr_html_tags *tags, const json_t *c)
{
  each_tag_class(c, add_tag, tags);
}
