/* qr_merge: see qr_merge.h. The run's keys merged (shared with the
 * streamed merge, qr_merge_files.c) and the whole-tree merge kept as its
 * reference. Works on the JSON documents themselves, so a merged
 * results.json holds exactly what the parts said. */
#include "qr_merge.h"

#include "qr_doc.h"
#include "qr_file.h"
#include "qr_json.h"
#include "qr_merge_top.h"
#include "qr_result.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
  size_t n;
  return qr_doc_str(o, key, &n);
}

/* A waiver's statuses, strongest first: what one run would have said had
 * it run every part's cases. */
static const char *const status_rank[] = {
    "applied", "stale", "idle", "not-run", "other-revision", "unmatched",
};

static size_t rank_of(const char *status)
{
  size_t n = sizeof status_rank / sizeof status_rank[0];
  for (size_t i = 0; i < n; i++)
    if (strcmp(status, status_rank[i]) == 0)
      return i;
  return n;
}

static int by_id(const void *a, const void *b)
{
  const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
  return strcmp(str(x, "id"), str(y, "id"));
}

/* The parts must agree on what the verdicts were judged against. */
int qr_merge_check(json_t *const *docs, const char *const *names, size_t n,
                   char *err, size_t errlen)
{
  for (size_t i = 1; i < n; i++) {
    if (strcmp(str(docs[0], "profile"), str(docs[i], "profile")) != 0) {
      qr_errf(err, errlen, "profile differs: %s \"%s\", %s \"%s\"", names[0],
              str(docs[0], "profile"), names[i], str(docs[i], "profile"));
      return -1;
    }
    double a = qr_doc_num(docs[0], "time_scale");
    double b = qr_doc_num(docs[i], "time_scale");
    if (fabs(a - b) > 1e-9) {
      qr_errf(err, errlen, "time_scale differs: %s %g, %s %g", names[0], a,
              names[i], b);
      return -1;
    }
  }
  return 0;
}

/* Every case of every part, by id; a case id twice names both parts. */
static json_t *join_cases(json_t *const *docs, const char *const *names,
                          size_t n, char *err, size_t errlen)
{
  json_t *seen = json_object(); /* id -> index of its part */
  json_t *all = json_array();
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += json_array_size(qr_doc_arr(docs[i], "cases"));
  json_t **v = calloc(total ? total : 1, sizeof *v);
  if (!seen || !all || !v) {
    qr_errf(err, errlen, "out of memory");
    goto fail;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    size_t j;
    json_t *c;
    json_array_foreach(qr_doc_arr(docs[i], "cases"), j, c)
    {
      const char *id = str(c, "id");
      json_t *prev = json_object_get(seen, id);
      if (prev) {
        qr_errf(err, errlen, "case id \"%s\" is in both %s and %s", id,
                names[json_integer_value(prev)], names[i]);
        goto fail;
      }
      if (json_object_set_new(seen, id, json_integer((json_int_t)i)) < 0) {
        qr_errf(err, errlen, "out of memory");
        goto fail;
      }
      v[k++] = c;
    }
  }
  if (k > 1)
    qsort(v, k, sizeof *v, by_id);
  for (size_t i = 0; i < k; i++)
    if (json_array_append(all, v[i]) < 0) {
      qr_errf(err, errlen, "out of memory");
      goto fail;
    }
  free(v);
  json_decref(seen);
  return all;
fail:
  free(v);
  json_decref(seen);
  json_decref(all);
  return NULL;
}

/* Waivers joined by where they are written (the same file gives the same
 * places), each with its strongest status and all its cases. */
static json_t *join_waivers(json_t *const *docs, size_t n)
{
  json_t *out = json_array();
  json_t *at = json_object(); /* pattern@where -> merged waiver */
  for (size_t i = 0; out && at && i < n; i++) {
    size_t j;
    json_t *w;
    json_array_foreach(qr_doc_arr(docs[i], "waivers"), j, w)
    {
      char key[1024];
      snprintf(key, sizeof key, "%s@%s", str(w, "case"), str(w, "where"));
      json_t *m = json_object_get(at, key);
      if (!m) {
        m = json_deep_copy(w);
        if (!m || json_object_set_new(at, key, m) < 0 ||
            json_array_append(out, m) < 0)
          goto fail;
        continue;
      }
      if (rank_of(str(w, "status")) < rank_of(str(m, "status")) &&
          json_object_set(m, "status", json_object_get(w, "status")) < 0)
        goto fail;
      json_t *cases = json_object_get(m, "cases");
      size_t q;
      json_t *id;
      json_array_foreach(qr_doc_arr(w, "cases"), q, id)
      {
        if (!json_is_array(cases))
          break;
        bool dup = false;
        size_t r;
        json_t *x;
        json_array_foreach(cases, r, x) dup = dup || json_equal(x, id);
        if (!dup && json_array_append(cases, id) < 0)
          goto fail;
      }
    }
  }
  json_decref(at);
  return out;
fail:
  json_decref(at);
  json_decref(out);
  return NULL;
}

/* summary counted from the merged cases' verdicts and the waivers. */
static json_t *summary(const size_t counts[QR_VERDICTS], size_t total,
                       const json_t *waivers)
{
  json_int_t stale = 0;
  size_t i;
  json_t *w;
  json_array_foreach(waivers, i, w) stale += strcmp(str(w, "status"), "stale") == 0;
  return json_pack("{sI sI sI sI sI sI sI}", "total", (json_int_t)total,
                   "pass", (json_int_t)counts[QR_PASS], "fail",
                   (json_int_t)counts[QR_FAIL], "error",
                   (json_int_t)counts[QR_ERROR], "skip",
                   (json_int_t)counts[QR_SKIP], "waived",
                   (json_int_t)counts[QR_WAIVED], "stale_waivers", stale);
}

/* target: one, or every distinct one joined by ", " (a farm of devices). */
static json_t *targets(json_t *const *docs, size_t n)
{
  char buf[2048] = "";
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    const char *t = str(docs[i], "target");
    bool dup = false;
    for (size_t j = 0; j < i; j++)
      dup = dup || strcmp(t, str(docs[j], "target")) == 0;
    if (dup || !*t)
      continue;
    int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? ", " : "", t);
    if (w < 0 || (size_t)w >= sizeof buf - len)
      break;
    len += (size_t)w;
  }
  return json_string(buf);
}

static void module_warnings(json_t *const *docs, const char *const *names,
                            size_t n, FILE *warn)
{
  const json_t *m0 = json_object_get(docs[0], "module");
  for (size_t i = 1; warn && i < n; i++) {
    const json_t *m = json_object_get(docs[i], "module");
    if (!json_is_object(m0) || !json_is_object(m))
      continue;
    if (strcmp(str(m0, "model"), str(m, "model")) ||
        strcmp(str(m0, "revision"), str(m, "revision")))
      fprintf(warn,
              "warning: the modules differ: %s \"%s rev %s\", %s \"%s rev "
              "%s\"; the merged report names the first\n",
              names[0], str(m0, "model"), str(m0, "revision"), names[i],
              str(m, "model"), str(m, "revision"));
  }
}

json_t *qr_merge_top(json_t *out, json_t *const *docs, const size_t *ran,
                     const char *const *names, size_t n,
                     const size_t counts[QR_VERDICTS], size_t total,
                     FILE *warn, char *err, size_t errlen)
{
  json_t *waivers = join_waivers(docs, n);
  size_t planned = 0;
  double duration = 0;
  const char *started = str(docs[0], "started_at");
  const json_t *stopped = NULL; /* the first part that stopped early */
  for (size_t i = 0; i < n; i++) {
    qr_doc_run st = qr_doc_head_state(docs[i], ran[i]);
    planned += st.planned;
    if (qr_doc_num(docs[i], "duration_s") > duration)
      duration = qr_doc_num(docs[i], "duration_s");
    const char *s = str(docs[i], "started_at");
    if (*s && (!*started || strcmp(s, started) < 0))
      started = s;
    if (st.interrupted && !stopped)
      stopped = docs[i];
  }
  json_t *sum = waivers ? summary(counts, total, waivers) : NULL;
  json_t *tgt = targets(docs, n);
  int bad = !out || !waivers || !sum || !tgt;
  bad = bad || json_object_set_new(out, "started_at", json_string(started)) < 0;
  bad = bad || json_object_set_new(out, "target", tgt) < 0;
  tgt = NULL;
  bad = bad || json_object_set_new(out, "duration_s", json_real(duration)) < 0;
  bad = bad ||
        json_object_set_new(out, "interrupted", json_boolean(stopped)) < 0;
  bad = bad || json_object_set_new(out, "planned",
                                   json_integer((json_int_t)planned)) < 0;
  if (!bad && stopped) {
    bad = json_object_set(out, "stop_reason",
                          json_object_get(stopped, "stop_reason")) < 0 ||
          json_object_set(out, "stop_detail",
                          json_object_get(stopped, "stop_detail")) < 0;
  }
  bad = bad || json_object_set_new(out, "summary", sum) < 0;
  sum = NULL;
  bad = bad || json_object_set(out, "waivers", waivers) < 0;
  json_decref(sum);
  json_decref(tgt);
  json_decref(waivers);
  if (bad) {
    json_decref(out);
    qr_errf(err, errlen, "out of memory");
    return NULL;
  }
  module_warnings(docs, names, n, warn);
  return out;
}

json_t *qr_merge_docs(json_t *const *docs, const char *const *names, size_t n,
                      FILE *warn, char *err, size_t errlen)
{
  if (n == 0) {
    qr_errf(err, errlen, "nothing to merge");
    return NULL;
  }
  if (qr_merge_check(docs, names, n, err, errlen) < 0)
    return NULL;
  json_t *cases = join_cases(docs, names, n, err, errlen);
  if (!cases)
    return NULL;
  size_t *ran = calloc(n, sizeof *ran);
  size_t counts[QR_VERDICTS] = {0};
  size_t i;
  json_t *c;
  json_array_foreach(cases, i, c)
  {
    int v = qr_verdict_parse(str(c, "verdict"));
    if (v >= 0)
      counts[v]++;
  }
  for (i = 0; ran && i < n; i++)
    ran[i] = json_array_size(qr_doc_arr(docs[i], "cases"));
  /* The first part gives the keys and their order; the rest is set from
   * all of them, before the cases: warnings only for a merge that is
   * made. */
  json_t *out = NULL;
  if (ran)
    out = qr_merge_top(json_deep_copy(docs[0]), docs, ran, names, n, counts,
                       json_array_size(cases), NULL, err, errlen);
  else
    qr_errf(err, errlen, "out of memory");
  free(ran);
  if (out && json_object_set(out, "cases", cases) < 0) {
    json_decref(out);
    out = NULL;
    qr_errf(err, errlen, "out of memory");
  }
  json_decref(cases);
  if (out)
    module_warnings(docs, names, n, warn);
  return out;
}

int qr_write_doc(const json_t *doc, const char *path, char *err,
                 size_t errlen)
{
  char *text = json_dumps(doc, QR_JSON_FLAGS);
  if (!text) {
    qr_errf(err, errlen, "cannot write %s: out of memory building the JSON",
            path);
    return -1;
  }
  size_t n = strlen(text);
  char *nl = realloc(text, n + 2); /* a final newline, as text files have */
  if (!nl) {
    free(text);
    qr_errf(err, errlen, "cannot write %s: out of memory", path);
    return -1;
  }
  nl[n] = '\n';
  nl[n + 1] = '\0';
  int rc = qr_write_atomic(path, nl, n + 1, err, errlen);
  free(nl);
  return rc;
}
