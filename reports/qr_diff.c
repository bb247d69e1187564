/* qr_diff: two results.json files, case by case. */
#include "qr_diff.h"

#include "qr_doc.h"
#include "qr_file.h"

#include <stdbool.h>
#include <string.h>

/* One side of the comparison: the document and its cases by id. */
typedef struct side {
  const char *name; /* "OLD" or "NEW", for warnings */
  json_t *doc;
  json_t *by_id; /* id -> case (borrowed references into doc) */
  qr_doc_run run;
} side;

/* o[key] as a C string ("" when absent). */
static const char *str(const json_t *o, const char *key)
{
  size_t n;
  return qr_doc_str(o, key, &n);
}

static const json_t *find_case(const side *s, const char *id)
{
  return json_object_get(s->by_id, id);
}

static void side_free(side *s)
{
  json_decref(s->by_id);
  json_decref(s->doc);
}

/* Loads path (text: its text, NULL: read the file) and indexes its
 * cases; a case id twice makes pairing ambiguous, so the file is refused. */
static int side_load(side *s, const char *name, const char *path,
                     const char *text, size_t len, char *err, size_t errlen)
{
  memset(s, 0, sizeof *s);
  s->name = name;
  s->doc = text ? qr_doc_loadb(path, text, len, err, errlen)
                : qr_doc_load(path, err, errlen);
  if (!s->doc)
    return -1;
  s->by_id = json_object();
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(s->doc, "cases"), i, c)
  {
    const char *id = str(c, "id");
    if (find_case(s, id)) {
      qr_errf(err, errlen, "%s: case id \"%s\" occurs more than once", path,
              id);
      side_free(s);
      return -1;
    }
    if (!s->by_id || json_object_set(s->by_id, id, c) < 0) {
      qr_errf(err, errlen, "%s: out of memory", path);
      side_free(s);
      return -1;
    }
  }
  s->run = qr_doc_run_state(s->doc);
  return 0;
}

/* "what  id: OLD -> NEW: reason"; a missing side prints as "(not run)"
 * when it was not run, else is left out. */
static void line(FILE *out, const char *what, const json_t *c_old,
                 const json_t *c_new, bool not_run)
{
  const json_t *c = c_new ? c_new : c_old;
  fprintf(out, "%-10s %s:", what, str(c, "id"));
  if (c_old)
    fprintf(out, " %s", str(c_old, "verdict"));
  else if (not_run)
    fprintf(out, " (not run)");
  if ((c_old && c_new) || not_run)
    fprintf(out, " ->");
  if (c_new)
    fprintf(out, " %s", str(c_new, "verdict"));
  else if (not_run)
    fprintf(out, " (not run)");
  const char *reason = c_new ? str(c_new, "reason") : "";
  if (*reason)
    fprintf(out, ": %s", reason);
  /* A waived failure names its waiver: the reader sees why it is known. */
  const json_t *w = c_new ? json_object_get(c_new, "waiver") : NULL;
  if (json_is_object(w))
    fprintf(out, " [waived: %s (%s)]", str(w, "reason"), str(w, "reference"));
  fputc('\n', out);
}

/* The two modules on top: "module: EC25 rev A vs EC25 rev B". */
static void identities(FILE *out, const side *a, const side *b)
{
  qc_buf x, y;
  qc_buf_init(&x, QR_FILE_MAX);
  qc_buf_init(&y, QR_FILE_MAX);
  qr_doc_module(a->doc, false, &x);
  qr_doc_module(b->doc, false, &y);
  fprintf(out, "module: %.*s vs %.*s\n", (int)qc_buf_len(&x), qc_buf_data(&x),
          (int)qc_buf_len(&y), qc_buf_data(&y));
  qc_buf_free(&x);
  qc_buf_free(&y);
  /* Another model is another module: its differences are not a
   * firmware's. A run that did not read its module cannot tell. */
  const json_t *ma = json_object_get(a->doc, "module");
  const json_t *mb = json_object_get(b->doc, "module");
  if (json_is_object(ma) && json_is_object(mb) &&
      strcmp(str(ma, "model"), str(mb, "model")) != 0)
    fprintf(out, "warning: the models differ: OLD \"%s\", NEW \"%s\"\n",
            str(ma, "model"), str(mb, "model"));
}

/* Why the comparison may mislead, before any case line. */
static void warnings(FILE *out, const side *a, const side *b)
{
  static const char *const keys[] = {"profile", "target"};
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    const char *x = str(a->doc, keys[k]), *y = str(b->doc, keys[k]);
    if (strcmp(x, y) != 0)
      fprintf(out, "warning: %s differs: OLD \"%s\", NEW \"%s\"\n", keys[k], x,
              y);
  }
  const side *s[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    if (s[i]->run.interrupted)
      fprintf(out,
              "warning: %s run was interrupted after %zu of %zu cases%s%s%s; "
              "cases it lacks are listed as not run\n",
              s[i]->name, s[i]->run.ran, s[i]->run.planned,
              *s[i]->run.stop_reason ? " (" : "", s[i]->run.stop_reason,
              *s[i]->run.stop_reason ? ")" : "");
  }
}

/* Pairs a case of NEW with OLD's. */
static void compare(FILE *out, const side *a, const json_t *cb,
                    qr_diff_counts *n)
{
  const json_t *ca = find_case(a, str(cb, "id"));
  if (!ca) {
    bool not_run = a->run.interrupted;
    if (not_run)
      n->notrun++;
    else
      n->added++;
    line(out, not_run ? "not run" : "new", NULL, cb, not_run);
    return;
  }
  const char *va = str(ca, "verdict"), *vb = str(cb, "verdict");
  bool pa = strcmp(va, "pass") == 0, pb = strcmp(vb, "pass") == 0;
  if (pa && strcmp(vb, "skip") == 0) {
    n->skipped++;
    line(out, "skipped", ca, cb, false);
  } else if (pa && strcmp(vb, "waived") == 0) {
    /* A known failure now, with a waiver saying so: news, and a run with
     * waived cases still succeeds. */
    n->waived++;
    line(out, "waived", ca, cb, false);
  } else if (pa && !pb) {
    n->regressed++;
    line(out, "regressed", ca, cb, false);
  } else if (!pa && pb) {
    n->fixed++;
    line(out, "fixed", ca, cb, false);
  } else if (strcmp(va, vb) != 0 ||
             strcmp(str(ca, "reason"), str(cb, "reason")) != 0) {
    n->changed++;
    line(out, "changed", ca, cb, false);
  } else {
    n->same++;
  }
}

static void diff_sides(side *a, side *b, FILE *out, qr_diff_counts *counts);

int qr_diff(const char *old_json, const char *new_json, FILE *out,
            qr_diff_counts *counts, char *err, size_t errlen)
{
  memset(counts, 0, sizeof *counts);
  side a, b;
  if (side_load(&a, "OLD", old_json, NULL, 0, err, errlen) < 0)
    return -1;
  if (side_load(&b, "NEW", new_json, NULL, 0, err, errlen) < 0) {
    side_free(&a);
    return -1;
  }
  diff_sides(&a, &b, out, counts);
  return 0;
}

int qr_diffb(const char *old_json, const char *old_text, size_t old_len,
             const char *new_json, const char *new_text, size_t new_len,
             FILE *out, qr_diff_counts *counts, char *err, size_t errlen)
{
  memset(counts, 0, sizeof *counts);
  side a, b;
  if (side_load(&a, "OLD", old_json, old_text, old_len, err, errlen) < 0)
    return -1;
  if (side_load(&b, "NEW", new_json, new_text, new_len, err, errlen) < 0) {
    side_free(&a);
    return -1;
  }
  diff_sides(&a, &b, out, counts);
  return 0;
}

/* Prints the comparison and frees both sides. */
static void diff_sides(side *a, side *b, FILE *out, qr_diff_counts *counts)
{
  identities(out, a, b);
  warnings(out, a, b);
  size_t i;
  const json_t *c;
  json_array_foreach(json_object_get(b->doc, "cases"), i, c)
  {
    compare(out, a, c, counts);
  }
  json_array_foreach(json_object_get(a->doc, "cases"), i, c)
  {
    if (find_case(b, str(c, "id")))
      continue;
    bool not_run = b->run.interrupted;
    if (not_run)
      counts->notrun++;
    else
      counts->removed++;
    line(out, not_run ? "not run" : "removed", c, NULL, not_run);
  }
  fprintf(out,
          "%zu regressed, %zu fixed, %zu changed, %zu skipped, %zu waived, "
          "%zu new, %zu removed, %zu not run, %zu unchanged\n",
          counts->regressed, counts->fixed, counts->changed, counts->skipped,
          counts->waived, counts->added, counts->removed, counts->notrun, counts->same);
  side_free(a);
  side_free(b);
}
