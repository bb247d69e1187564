/* qr_doc: see qr_doc.h. */
#include "qr_doc.h"

#include "qr_file.h"
#include "qr_report.h"

#include <stdlib.h>

/* Each rendered report is bounded by the JSON it comes from (a few times
 * its size at worst), itself bounded by the model's caps. */
enum { QR_DOC_OUT_MAX = QR_FILE_MAX };

/* Bytes of a results.json we read: what we could have written. */
enum { QR_DOC_IN_MAX = QR_FILE_MAX };

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
    if (!json_is_object(c) || !json_is_string(json_object_get(c, "id")))
      return "a case without a string \"id\"";
    if (qr_verdict_parse(json_string_value(json_object_get(c, "verdict"))) < 0)
      return "a case with an unknown \"verdict\"";
    const json_t *w = json_object_get(c, "waiver");
    if (w && !json_is_object(w) && !json_is_null(w))
      return "a case whose \"waiver\" is not an object";
  }
  const json_t *wv = json_object_get(doc, "waivers");
  if (wv && !json_is_array(wv))
    return "\"waivers\" is not an array";
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
  if (pl && (size_t)json_integer_value(pl) < json_array_size(cases))
    return "\"planned\" is less than the number of cases";
  return NULL;
}

/* Files written before the run state existed: a complete run. */
static int default_run_state(json_t *doc)
{
  size_t n = json_array_size(json_object_get(doc, "cases"));
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
  json_error_t je;
  json_t *doc =
      json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  free(text);
  if (!doc) {
    /* jansson gives the column of the last character it read, 0 when that
     * was the newline ending the previous line (a file cut short): the
     * error is then at the first column of its line. */
    qr_errf(err, errlen, "%s:%d:%d: %s", json_path, je.line < 1 ? 1 : je.line,
            je.column < 1 ? 1 : je.column, je.text);
    return NULL;
  }
  const char *why = shape_error(doc);
  if (!why && default_run_state(doc) < 0)
    why = "out of memory";
  if (why) {
    qr_errf(err, errlen, "%s: not a qftp-harness result: %s", json_path, why);
    json_decref(doc);
    return NULL;
  }
  return doc;
}

qr_doc_run qr_doc_run_state(const json_t *doc)
{
  qr_doc_run s;
  s.interrupted = json_is_true(json_object_get(doc, "interrupted"));
  size_t n;
  s.stop_reason = qr_doc_str(doc, "stop_reason", &n);
  s.stop_detail = qr_doc_str(doc, "stop_detail", &n);
  s.ran = json_array_size(qr_doc_arr(doc, "cases"));
  json_int_t p = json_integer_value(json_object_get(doc, "planned"));
  s.planned = p > 0 && (size_t)p > s.ran ? (size_t)p : s.ran;
  return s;
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

const json_t *qr_doc_arr(const json_t *o, const char *key)
{
  const json_t *v = json_object_get(o, key);
  return json_is_array(v) ? v : NULL;
}

int qr_doc_render(const char *json_path, const char *out_path,
                  qr_doc_renderer fn, char *err, size_t errlen)
{
  json_t *doc = qr_doc_load(json_path, err, errlen);
  if (!doc)
    return -1;
  qc_buf b;
  qc_buf_init(&b, QR_DOC_OUT_MAX);
  fn(doc, out_path, &b);
  json_decref(doc);
  int rc = -1;
  if (qc_buf_failed(&b))
    qr_errf(err, errlen, "cannot write %s: out of memory or too large",
            out_path);
  else
    rc =
        qr_write_atomic(out_path, qc_buf_data(&b), qc_buf_len(&b), err, errlen);
  qc_buf_free(&b);
  return rc;
}
