/* qr_doc: see qr_doc.h. */
#include "qr_doc.h"

#include "qr_file.h"
#include "qr_report.h"

/* Each rendered report is bounded by the JSON it comes from (a few times
 * its size at worst), itself bounded by the model's caps. */
enum { QR_DOC_OUT_MAX = QR_BUF_MAX };

json_t *qr_doc_load(const char *json_path, char *err, size_t errlen)
{
  json_error_t je;
  json_t *doc =
      json_load_file(json_path, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (!doc) {
    qr_errf(err, errlen, "cannot read %s:%d:%d: %s", json_path, je.line,
            je.column, je.text);
    return NULL;
  }
  const char *why = NULL;
  const json_t *cases = json_object_get(doc, "cases");
  if (!json_is_object(doc))
    why = "not a JSON object";
  else if (json_integer_value(json_object_get(doc, "schema")) != QR_SCHEMA)
    why = "\"schema\" is not 1";
  else if (!json_is_array(cases))
    why = "\"cases\" is not an array";
  size_t i;
  const json_t *c;
  json_array_foreach(cases, i, c)
  {
    if (why)
      break;
    if (!json_is_object(c) || !json_is_string(json_object_get(c, "id")))
      why = "a case without a string \"id\"";
    else if (qh_verdict_parse(
                 json_string_value(json_object_get(c, "verdict"))) < 0)
      why = "a case with an unknown \"verdict\"";
  }
  if (why) {
    qr_errf(err, errlen, "%s: not a qftp-harness result: %s", json_path, why);
    json_decref(doc);
    return NULL;
  }
  return doc;
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
  qr_buf b;
  qr_buf_init(&b, QR_DOC_OUT_MAX);
  fn(doc, &b);
  json_decref(doc);
  int rc = -1;
  if (qr_buf_failed(&b))
    qr_errf(err, errlen, "cannot write %s: out of memory or too large",
            out_path);
  else
    rc = qr_write_atomic(out_path, b.p ? b.p : "", b.len, err, errlen);
  qr_buf_free(&b);
  return rc;
}
