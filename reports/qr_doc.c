/* qr_doc: see qr_doc.h. */
#include "qr_doc.h"

#include "qr_file.h"
#include "qr_report.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Each rendered report is bounded by the JSON it comes from (a few times
 * its size at worst), itself bounded by the model's caps. */
enum { QR_DOC_OUT_MAX = QR_FILE_MAX };

/* Bytes of a results.json we read: what we could have written. */
enum { QR_DOC_IN_MAX = QR_FILE_MAX };

/* The shape the renderers rely on, of one case; NULL when c has it. */
static const char *case_error(const json_t *c)
{
  if (!json_is_object(c) || !json_is_string(json_object_get(c, "id")))
    return "a case without a string \"id\"";
  if (qr_verdict_parse(json_string_value(json_object_get(c, "verdict"))) < 0)
    return "a case with an unknown \"verdict\"";
  const json_t *w = json_object_get(c, "waiver");
  if (w && !json_is_object(w) && !json_is_null(w))
    return "a case whose \"waiver\" is not an object";
  return NULL;
}

/* The shape of the rest, for a document of ncases cases. */
static const char *head_error(const json_t *doc, size_t ncases)
{
  const json_t *wv = json_object_get(doc, "waivers");
  if (wv && !json_is_array(wv))
    return "\"waivers\" is not an array";
  size_t i;
  const json_t *c;
  json_array_foreach(wv, i, c)
  {
    if (!json_is_object(c))
      return "a waiver that is not an object";
  }
  const json_t *in = json_object_get(doc, "interrupted");
  if (in && !json_is_boolean(in))
    return "\"interrupted\" is not true or false";
  const json_t *pl = json_object_get(doc, "planned");
  if (pl && (!json_is_integer(pl) || json_integer_value(pl) < 0))
    return "\"planned\" is not a count";
  if (pl && (size_t)json_integer_value(pl) < ncases)
    return "\"planned\" is less than the number of cases";
  return NULL;
}

/* The shape the renderers rely on; NULL when doc has it. */
static const char *shape_error(const json_t *doc)
{
  if (!json_is_object(doc))
    return "not a JSON object";
  if (json_integer_value(json_object_get(doc, "schema")) != QR_SCHEMA)
    return "\"schema\" is not 1";
  const json_t *cases = json_object_get(doc, "cases");
  if (!json_is_array(cases))
    return "\"cases\" is not an array";
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c)
  {
    const char *why = case_error(c);
    if (why)
      return why;
  }
  return head_error(doc, json_array_size(cases));
}

/* Files written before the run state existed: a complete run. */
static int default_run_state(json_t *doc, size_t n)
{
  if (!json_object_get(doc, "interrupted") &&
      json_object_set_new(doc, "interrupted", json_false()) < 0)
    return -1;
  if (!json_object_get(doc, "planned") &&
      json_object_set_new(doc, "planned", json_integer((json_int_t)n)) < 0)
    return -1;
  return 0;
}

json_t *qr_doc_load(const char *json_path, char *err, size_t errlen)
{
  size_t len;
  char *text = qr_read_file(json_path, QR_DOC_IN_MAX, &len, err, errlen);
  if (!text)
    return NULL;
  json_t *doc = qr_doc_loadb(json_path, text, len, err, errlen);
  free(text);
  return doc;
}

/* jansson's message quotes the text near the error: a control byte there
 * (a newline inside a string) would break the one-line message. */
static void escape_controls(const char *s, char *out, size_t cap)
{
  size_t o = 0;
  for (; *s && o + 5 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\n' || c == '\r' || c == '\t') {
      out[o++] = '\\';
      out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
    } else if (c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o] = '\0';
}

json_t *qr_doc_loadb(const char *json_path, const char *text, size_t len,
                     char *err, size_t errlen)
{
  json_error_t je;
  json_t *doc =
      json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (!doc) {
    /* jansson gives the column of the last character it read, 0 when that
     * was the newline ending the previous line (a file cut short): the
     * error is then at the first column of its line. */
    char what[4 * sizeof je.text + 8];
    escape_controls(je.text, what, sizeof what);
    qr_errf(err, errlen, "%s:%d:%d: %s", json_path, je.line < 1 ? 1 : je.line,
            je.column < 1 ? 1 : je.column, what);
    return NULL;
  }
  const char *why = shape_error(doc);
  if (!why && default_run_state(
                  doc, json_array_size(json_object_get(doc, "cases"))) < 0)
    why = "out of memory";
  if (why) {
    qr_errf(err, errlen, "%s: not a qftp-harness result: %s", json_path, why);
    json_decref(doc);
    return NULL;
  }
  return doc;
}

qr_doc_run qr_doc_head_state(const json_t *doc, size_t ran)
{
  qr_doc_run s;
  s.interrupted = json_is_true(json_object_get(doc, "interrupted"));
  size_t n;
  s.stop_reason = qr_doc_str(doc, "stop_reason", &n);
  s.stop_detail = qr_doc_str(doc, "stop_detail", &n);
  /* A file written while its run went on (results.json after every
   * case): an interrupted run, whatever "interrupted" says. */
  if (strcmp(s.stop_reason, "running") == 0)
    s.interrupted = true;
  s.ran = ran;
  json_int_t p = json_integer_value(json_object_get(doc, "planned"));
  s.planned = p > 0 && (size_t)p > s.ran ? (size_t)p : s.ran;
  return s;
}

qr_doc_run qr_doc_run_state(const json_t *doc)
{
  return qr_doc_head_state(doc, json_array_size(qr_doc_arr(doc, "cases")));
}

void qr_doc_module(const json_t *doc, bool full, qc_buf *b)
{
  const json_t *m = json_object_get(doc, "module");
  if (!json_is_object(m)) {
    qc_buf_adds(b, "module unknown");
    return;
  }
  size_t n;
  const char *man = qr_doc_str(m, "manufacturer", &n);
  const char *model = qr_doc_str(m, "model", &n);
  const char *rev = qr_doc_str(m, "revision", &n);
  const char *imei = qr_doc_str(m, "imei_masked", &n);
  if (full && *man)
    qc_buf_addf(b, "%s ", man);
  qc_buf_addf(b, "%s rev %s", *model ? model : "(model unknown)",
              *rev ? rev : "(unknown)");
  if (full)
    qc_buf_addf(b, ", IMEI %s", *imei ? imei : "unknown");
}

void qr_doc_stop_text(qr_doc_run st, qc_buf *b)
{
  if (!*st.stop_reason) {
    qc_buf_adds(b, "run interrupted");
    return;
  }
  qc_buf_adds(b, st.stop_reason);
  if (*st.stop_detail)
    qc_buf_addf(b, ": %s", st.stop_detail);
}

const char *qr_doc_str(const json_t *o, const char *key, size_t *n)
{
  const json_t *v = json_object_get(o, key);
  if (!json_is_string(v)) {
    *n = 0;
    return "";
  }
  *n = json_string_length(v);
  return json_string_value(v);
}

double qr_doc_num(const json_t *o, const char *key)
{
  return json_number_value(json_object_get(o, key));
}

long long qr_doc_int(const json_t *o, const char *key, long long lo,
                     long long hi)
{
  double d = qr_doc_num(o, key);
  if (!(d >= (double)lo)) /* NaN too */
    return lo;
  if (d >= (double)hi)
    return hi;
  return (long long)d;
}

const json_t *qr_doc_arr(const json_t *o, const char *key)
{
  const json_t *v = json_object_get(o, key);
  return json_is_array(v) ? v : NULL;
}

/* The stream reader (qr_doc.h qr_doc_open). The top object is walked by
 * its punctuation only ({ } [ ] : , and white space); every key and value
 * is decoded by jansson from where the walk stands, so only one case is
 * ever in memory. A file the walk does not take (a syntax error, a wrong
 * shape) is loaded whole by qr_doc_load for its exact message: the error
 * path may cost memory, a run never does. */
struct qr_doc_stream {
  FILE *f;
  char path[PATH_MAX];
  json_t *head;     /* every key but "cases" */
  off_t cases_at;   /* just after the "[" of "cases" */
  size_t cases_pos; /* keys of head that come before "cases" in the file */
  off_t cur_at;     /* where the case qr_doc_next gave last starts */
  size_t ncases, counts[QR_VERDICTS];
  size_t next; /* index of the case qr_doc_next decodes */
  json_t *cur; /* the case qr_doc_next gave last */
  bool failed;
  char err[512];
  qc_buf *out; /* qr_doc_render: flushed to sink before each case */
  qr_atomic *sink;
};

/* The next byte that is not JSON white space (consumed), or EOF. */
static int skip_ws(FILE *f)
{
  int c;
  do
    c = getc(f);
  while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
  return c;
}

/* One JSON value decoded from where f stands; f is left just after it
 * (jansson may read a byte past a number or literal: its position says
 * how far the value went). NULL on any error. */
static json_t *value_at(FILE *f)
{
  off_t start = ftello(f);
  json_error_t je;
  json_t *v = json_loadf(f,
                         JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY |
                             JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
                         &je);
  if (v && (start < 0 || fseeko(f, start + je.position, SEEK_SET) < 0)) {
    json_decref(v);
    v = NULL;
  }
  return v;
}

/* The elements of "cases", each checked and counted, none kept. 0 when
 * the array is well formed and every case has the shape. */
static int walk_cases(qr_doc_stream *s)
{
  int c = skip_ws(s->f);
  if (c == ']')
    return 0;
  ungetc(c, s->f);
  for (;;) {
    json_t *v = value_at(s->f);
    int v_ok = v && !case_error(v);
    if (v_ok)
      s->counts[qr_verdict_parse(
          json_string_value(json_object_get(v, "verdict")))]++;
    json_decref(v);
    if (!v_ok)
      return -1;
    s->ncases++;
    c = skip_ws(s->f);
    if (c == ']')
      return 0;
    if (c != ',')
      return -1;
  }
}

/* The whole top object: head filled, cases counted. 0 when the file is a
 * results.json the renderers can take. */
static int walk(qr_doc_stream *s)
{
  if (skip_ws(s->f) != '{')
    return -1;
  int c = skip_ws(s->f);
  bool seen_cases = false;
  if (c == '}')
    return skip_ws(s->f) == EOF && seen_cases ? 0 : -1;
  ungetc(c, s->f);
  for (;;) {
    json_t *key = value_at(s->f);
    const char *k = json_string_value(key);
    bool dup = k && (json_object_get(s->head, k) ||
                     (seen_cases && strcmp(k, "cases") == 0));
    if (!k || dup || skip_ws(s->f) != ':') {
      json_decref(key);
      return -1;
    }
    int rc;
    if (strcmp(k, "cases") == 0) {
      seen_cases = true;
      s->cases_pos = json_object_size(s->head);
      rc = skip_ws(s->f) == '[' ? 0 : -1;
      s->cases_at = ftello(s->f);
      if (rc == 0)
        rc = walk_cases(s);
    } else {
      json_t *v = value_at(s->f);
      rc = v && json_object_set_new(s->head, k, v) == 0 ? 0 : -1;
    }
    json_decref(key);
    if (rc < 0)
      return -1;
    c = skip_ws(s->f);
    if (c == '}')
      break;
    if (c != ',')
      return -1;
  }
  if (skip_ws(s->f) != EOF || !seen_cases || s->cases_at < 0)
    return -1;
  if (json_integer_value(json_object_get(s->head, "schema")) != QR_SCHEMA ||
      head_error(s->head, s->ncases))
    return -1;
  return default_run_state(s->head, s->ncases);
}

void qr_doc_close(qr_doc_stream *s)
{
  if (!s)
    return;
  if (s->f)
    fclose(s->f);
  json_decref(s->head);
  json_decref(s->cur);
  free(s);
}

qr_doc_stream *qr_doc_open(const char *json_path, char *err, size_t errlen)
{
  qr_doc_stream *s = calloc(1, sizeof *s);
  if (!s) {
    qr_errf(err, errlen, "cannot read %s: out of memory", json_path);
    return NULL;
  }
  snprintf(s->path, sizeof s->path, "%s", json_path);
  s->cases_at = -1;
  s->head = json_object();
  /* A regular file within the bound, as qr_read_file takes it; anything
   * else gets qr_doc_load's words below. */
  struct stat st;
  int fd = open(json_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      (unsigned long long)st.st_size <= QR_DOC_IN_MAX)
    s->f = fdopen(fd, "r");
  if (!s->f && fd >= 0)
    close(fd);
  if (s->f && s->head && walk(s) == 0) {
    qr_doc_rewind(s);
    return s;
  }
  qr_doc_close(s);
  /* The exact message, as the whole-file loader gives it. */
  json_t *doc = qr_doc_load(json_path, err, errlen);
  if (doc) {
    json_decref(doc);
    qr_errf(err, errlen, "cannot read %s: changed while being read", json_path);
  }
  return NULL;
}

const json_t *qr_doc_head(const qr_doc_stream *s)
{
  return s->head;
}

qr_doc_run qr_doc_stream_state(const qr_doc_stream *s)
{
  return qr_doc_head_state(s->head, s->ncases);
}

void qr_doc_counts(const qr_doc_stream *s, size_t counts[QR_VERDICTS])
{
  memcpy(counts, s->counts, sizeof s->counts);
}

static void stream_fail(qr_doc_stream *s, const char *why)
{
  if (!s->failed)
    snprintf(s->err, sizeof s->err, "cannot read %s: %s", s->path, why);
  s->failed = true;
}

void qr_doc_rewind(qr_doc_stream *s)
{
  json_decref(s->cur);
  s->cur = NULL;
  s->next = 0;
  if (fseeko(s->f, s->cases_at, SEEK_SET) < 0)
    stream_fail(s, strerror(errno));
}

/* What the renderer has written so far goes to the file: its buffer holds
 * one case's worth at most. */
static void flush_out(qr_doc_stream *s)
{
  if (!s->sink || !s->out || qc_buf_failed(s->out))
    return;
  qr_atomic_write(s->sink, qc_buf_data(s->out), qc_buf_len(s->out));
  qc_buf_reset(s->out);
}

const json_t *qr_doc_next(qr_doc_stream *s)
{
  flush_out(s);
  json_decref(s->cur);
  s->cur = NULL;
  if (s->failed || s->next >= s->ncases)
    return NULL;
  if (s->next > 0 && skip_ws(s->f) != ',') {
    stream_fail(s, "changed while being read");
    return NULL;
  }
  s->cur_at = ftello(s->f);
  s->cur = value_at(s->f);
  if (!s->cur || s->cur_at < 0 || case_error(s->cur)) {
    stream_fail(s, "changed while being read");
    return NULL;
  }
  s->next++;
  return s->cur;
}

size_t qr_doc_cases_pos(const qr_doc_stream *s)
{
  return s->cases_pos;
}

long long qr_doc_case_offset(const qr_doc_stream *s)
{
  return (long long)s->cur_at;
}

json_t *qr_doc_read_case(const char *json_path, long long off, char *err,
                         size_t errlen)
{
  FILE *f = fopen(json_path, "re");
  if (!f) {
    qr_errf(err, errlen, "cannot read %s: %s", json_path, strerror(errno));
    return NULL;
  }
  json_t *c = fseeko(f, (off_t)off, SEEK_SET) == 0 ? value_at(f) : NULL;
  fclose(f);
  if (!c || case_error(c)) {
    json_decref(c);
    qr_errf(err, errlen, "cannot read %s: changed while being read", json_path);
    return NULL;
  }
  return c;
}

int qr_doc_render(const char *json_path, const char *out_path,
                  qr_doc_renderer fn, char *err, size_t errlen)
{
  qr_doc_stream *s = qr_doc_open(json_path, err, errlen);
  if (!s)
    return -1;
  qr_atomic a;
  if (qr_atomic_open(&a, out_path, err, errlen) < 0) {
    qr_doc_close(s);
    return -1;
  }
  qc_buf b;
  qc_buf_init(&b, QR_DOC_OUT_MAX);
  s->out = &b;
  s->sink = &a;
  fn(s, out_path, &b);
  flush_out(s);
  int rc = -1;
  if (s->failed) {
    qr_errf(err, errlen, "%s", s->err);
    qr_atomic_abort(&a);
  } else if (qc_buf_failed(&b)) {
    qr_errf(err, errlen, "cannot write %s: out of memory or too large",
            out_path);
    qr_atomic_abort(&a);
  } else {
    rc = qr_atomic_commit(&a, err, errlen);
  }
  qc_buf_free(&b);
  qr_doc_close(s);
  return rc;
}
