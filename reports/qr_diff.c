/* qr_diff: two results.json files, case by case. */
#include "qr_diff.h"

#include "qr_doc.h"

#include <stdbool.h>
#include <string.h>

/* o[key] as a C string ("" when absent). */
static const char *str(const json_t *o, const char *key)
{
  size_t n;
  return qr_doc_str(o, key, &n);
}

/* The case with `id` in doc's cases, or NULL. Runs are small (hundreds of
 * cases): a linear search keeps this obvious. */
static const json_t *find_case(const json_t *doc, const char *id)
{
  size_t i;
  const json_t *c;
  json_array_foreach(qr_doc_arr(doc, "cases"), i, c)
  {
    if (strcmp(str(c, "id"), id) == 0)
      return c;
  }
  return NULL;
}

static void line(FILE *out, const char *what, const json_t *c_old,
                 const json_t *c_new)
{
  const json_t *c = c_new ? c_new : c_old;
  fprintf(out, "%-10s %s:", what, str(c, "id"));
  if (c_old)
    fprintf(out, " %s", str(c_old, "verdict"));
  if (c_old && c_new)
    fprintf(out, " ->");
  if (c_new)
    fprintf(out, " %s", str(c_new, "verdict"));
  const char *reason = c_new ? str(c_new, "reason") : "";
  if (*reason)
    fprintf(out, ": %s", reason);
  fputc('\n', out);
}

int qr_diff(const char *old_json, const char *new_json, FILE *out,
            qr_diff_counts *counts, char *err, size_t errlen)
{
  memset(counts, 0, sizeof *counts);
  json_t *a = qr_doc_load(old_json, err, errlen);
  if (!a)
    return -1;
  json_t *b = qr_doc_load(new_json, err, errlen);
  if (!b) {
    json_decref(a);
    return -1;
  }
  size_t i;
  const json_t *cb;
  json_array_foreach(qr_doc_arr(b, "cases"), i, cb)
  {
    const char *id = str(cb, "id");
    const json_t *ca = find_case(a, id);
    if (!ca) {
      counts->added++;
      line(out, "new", NULL, cb);
      continue;
    }
    const char *va = str(ca, "verdict");
    const char *vb = str(cb, "verdict");
    bool pa = strcmp(va, "pass") == 0, pb = strcmp(vb, "pass") == 0;
    if (pa && !pb) {
      counts->regressed++;
      line(out, "regressed", ca, cb);
    } else if (!pa && pb) {
      counts->fixed++;
      line(out, "fixed", ca, cb);
    } else if (strcmp(va, vb) != 0 ||
               strcmp(str(ca, "reason"),
                      str(cb, "reason")) != 0) {
      counts->changed++;
      line(out, "changed", ca, cb);
    } else {
      counts->same++;
    }
  }
  const json_t *ca;
  json_array_foreach(qr_doc_arr(a, "cases"), i, ca)
  {
    if (!find_case(b, str(ca, "id"))) {
      counts->removed++;
      line(out, "removed", ca, NULL);
    }
  }
  fprintf(out,
          "%zu regressed, %zu fixed, %zu changed, %zu new, %zu removed, "
          "%zu unchanged\n",
          counts->regressed, counts->fixed, counts->changed, counts->added,
          counts->removed, counts->same);
  json_decref(a);
  json_decref(b);
  return 0;
}
