/* qr_diff: two results.json files, case by case (qr_diff.h). This file
 * reads the runs and classifies their cases; qr_diff_lat.c compares their
 * latencies, qr_diff_text.c and qr_diff_html.c print the result. */
#include "qr_diff_priv.h"

#include "qr_doc.h"
#include "qr_file.h"
#include "qr_path_norm.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The run keys whose difference makes a comparison weaker, in the order
 * of the warnings (qr_dside.head). */
static const char *const head_keys[3] = {"profile", "target", "time_scale"};

enum { MAX_DIRS = 4 }; /* each run's directory, as given and resolved */

static const char *const kind_names[QR_DKINDS] = {
    [QR_D_REGRESSED] = "regressed", [QR_D_FIXED] = "fixed",
    [QR_D_CHANGED] = "changed",     [QR_D_SKIPPED] = "skipped",
    [QR_D_WAIVED] = "waived",       [QR_D_ADDED] = "new",
    [QR_D_REMOVED] = "removed",     [QR_D_NOTRUN] = "not run",
};

const char *qr_dkind_name(qr_dkind k)
{
  return (unsigned)k < QR_DKINDS ? kind_names[k] : "?";
}

qr_diff_opts qr_diff_opts_default(void)
{
  return (qr_diff_opts){.drift_pct = QR_DIFF_DRIFT_PCT,
                        .drift_min_ms = QR_DIFF_DRIFT_MIN_MS};
}

/* The model is small (a few strings per case): running out of memory for
 * it is not a report we can give. */
static void *must(void *p)
{
  if (!p)
    abort();
  return p;
}

static char *dup_str(const char *s)
{
  return must(strdup(s));
}

/* A buffer's text as an owned string. */
static char *take(qc_buf *b)
{
  char *s = must(qc_buf_take(b));
  qc_buf_free(b);
  return s;
}

static void grow(void **arr, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return;
  size_t n = *cap ? *cap * 2 : 16;
  while (n < need)
    n *= 2;
  *arr = must(realloc(*arr, n * elem));
  *cap = n;
}

static const char *str(const json_t *o, const char *key)
{
  size_t n;
  return qr_doc_str(o, key, &n);
}

/* "step 4 (expect) at cases/get/com.yaml:12:5: expected `X`, seen `Y`",
 * from a "failure" object (reports/README.md); NULL when there is none. */
static char *failure_text(const json_t *c, const char *const *dirs,
                          size_t ndirs)
{
  const json_t *f = json_object_get(c, "failure");
  if (!json_is_object(f))
    return NULL;
  qc_buf b, t;
  qc_buf_init(&b, QR_FILE_MAX);
  qc_buf_init(&t, QR_FILE_MAX);
  json_int_t step = json_integer_value(json_object_get(f, "step"));
  if (step > 0)
    qc_buf_addf(&t, "step %lld ", (long long)step);
  qc_buf_addf(&t, "(%s)", *str(f, "kind") ? str(f, "kind") : "?");
  if (*str(f, "where"))
    qc_buf_addf(&t, " at %s", str(f, "where"));
  if (*str(f, "fragment"))
    qc_buf_addf(&t, " in fragment %s", str(f, "fragment"));
  qc_buf_addf(&t, ": expected `%s`, seen `%s`", str(f, "expected"),
              str(f, "seen"));
  qr_path_norm(qc_buf_data(&t), qc_buf_len(&t), dirs, ndirs, &b);
  qc_buf_free(&t);
  return take(&b);
}

/* One case of side s. -1 with err when its id was seen before. */
static int add_case(qr_dside *s, const json_t *c, const char *const *dirs,
                    size_t ndirs, char *err, size_t errlen)
{
  const char *id = str(c, "id");
  if (json_object_get(s->by_id, id)) {
    qr_errf(err, errlen, "%s: case id \"%s\" occurs more than once", s->path,
            id);
    return -1;
  }
  if (json_object_set_new(s->by_id, id, json_integer((json_int_t)s->n)) < 0)
    abort();
  grow((void **)&s->cases, &s->cap, s->n + 1, sizeof *s->cases);
  qr_dcase *k = &s->cases[s->n++];
  memset(k, 0, sizeof *k);
  k->id = dup_str(id);
  k->verdict = dup_str(str(c, "verdict"));
  k->pass = strcmp(k->verdict, "pass") == 0;
  size_t n;
  const char *r = qr_doc_str(c, "reason", &n);
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  qr_path_norm(r, n, dirs, ndirs, &b);
  k->reason = take(&b);
  const json_t *w = json_object_get(c, "waiver");
  if (json_is_object(w)) {
    qc_buf_init(&b, QR_FILE_MAX);
    qc_buf_addf(&b, "%s (%s)", str(w, "reason"), str(w, "reference"));
    k->waiver = take(&b);
  }
  k->failure = failure_text(c, dirs, ndirs);
  const json_t *in = json_object_get(c, "interrupted");
  k->cut_short = json_is_true(in);
  s->any_flag |= in != NULL;
  qr_diff_lat_case(k, c);
  return 0;
}

/* The run's keys: identity, the keys compared, how far it got. */
static void side_head(qr_dside *s, const json_t *head, qr_doc_run st)
{
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  qr_doc_module(head, false, &b);
  s->module = take(&b);
  qc_buf_init(&b, QR_FILE_MAX);
  qr_doc_module(head, true, &b);
  s->module_full = take(&b);
  const json_t *m = json_object_get(head, "module");
  if (json_is_object(m))
    s->model = dup_str(str(m, "model"));
  for (size_t k = 0; k < 3; k++) {
    const json_t *v = json_object_get(head, head_keys[k]);
    if (v && !json_is_null(v))
      s->head[k] = must(json_dumps(
          v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(10)));
  }
  s->interrupted = st.interrupted;
  s->running = st.interrupted && strcmp(st.stop_reason, "running") == 0;
  if (st.interrupted) {
    qc_buf_init(&b, QR_FILE_MAX);
    qr_doc_stop_text(st, &b);
    s->stop = take(&b);
  }
  s->stop_reason = dup_str(st.stop_reason);
  s->planned = st.planned;
}

/* After the last case: a run a signal stopped, in a file written before
 * cases carried "interrupted", had its last case cut short if that one is
 * in error (the runner records the case it was in). */
static void side_done(qr_dside *s, const json_t *head)
{
  s->ran = s->n;
  if (s->n && !s->any_flag &&
      strcmp(str(head, "stop_reason"), "interrupted") == 0 &&
      strcmp(s->cases[s->n - 1].verdict, "error") == 0)
    s->cases[s->n - 1].cut_short = true;
}

/* The directories a run's paths may name its report directory by: the
 * one holding its results.json, as given (when absolute) and resolved. */
static size_t report_dirs(const char *json_path, const char **dirs,
                          size_t ndirs, char store[][PATH_MAX])
{
  char dir[PATH_MAX];
  const char *slash = strrchr(json_path, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - json_path), json_path);
  if (dir[0] == '/' && dir[1]) {
    snprintf(store[ndirs], PATH_MAX, "%s", dir);
    dirs[ndirs] = store[ndirs];
    ndirs++;
  }
  char real[PATH_MAX];
  if (realpath(dir[0] ? dir : "/", real) && strcmp(real, "/") != 0 &&
      strcmp(real, dir) != 0) {
    snprintf(store[ndirs], PATH_MAX, "%s", real);
    dirs[ndirs] = store[ndirs];
    ndirs++;
  }
  return ndirs;
}

static void warn(qr_diff_result *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void warn(qr_diff_result *d, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    abort();
  va_end(ap);
  grow((void **)&d->warnings, &d->wcap, d->nwarnings + 1,
       sizeof *d->warnings);
  d->warnings[d->nwarnings++] = s;
}

/* Why the comparison may mislead, in the order the header shows it. */
static void warnings(qr_diff_result *d)
{
  const qr_dside *a = &d->side[0], *b = &d->side[1];
  /* Another model is another module: its differences are not a
   * firmware's. A run that did not read its module cannot tell. */
  if (a->model && b->model && strcmp(a->model, b->model) != 0)
    warn(d, "the models differ: OLD \"%s\", NEW \"%s\"", a->model, b->model);
  for (size_t k = 0; k < 3; k++) {
    const char *x = a->head[k], *y = b->head[k];
    if ((x || y) && (!x || !y || strcmp(x, y) != 0))
      warn(d, "%s differs: OLD %s, NEW %s", head_keys[k], x ? x : "(none)",
           y ? y : "(none)");
  }
  for (int i = 0; i < 2; i++) {
    const qr_dside *s = &d->side[i];
    if (s->running)
      warn(d,
           "%s run had not finished when its results.json was written "
           "(%zu of %zu cases); cases it lacks are listed as not run",
           s->name, s->ran, s->planned);
    else if (s->interrupted)
      warn(d,
           "%s run was interrupted after %zu of %zu cases%s%s%s; cases it "
           "lacks are listed as not run",
           s->name, s->ran, s->planned, *s->stop_reason ? " (" : "",
           s->stop_reason, *s->stop_reason ? ")" : "");
  }
}

static const qr_dcase *find_case(const qr_dside *s, const char *id)
{
  const json_t *i = json_object_get(s->by_id, id);
  return i ? &s->cases[json_integer_value(i)] : NULL;
}

static void row(qr_diff_result *d, qr_dkind kind, const qr_dcase *a,
                const qr_dcase *b)
{
  grow((void **)&d->rows, &d->rcap, d->nrows + 1, sizeof *d->rows);
  d->rows[d->nrows++] = (qr_drow){.kind = kind, .old = a, .new = b};
  size_t *count[QR_DKINDS] = {
      [QR_D_REGRESSED] = &d->counts.regressed,
      [QR_D_FIXED] = &d->counts.fixed,
      [QR_D_CHANGED] = &d->counts.changed,
      [QR_D_SKIPPED] = &d->counts.skipped,
      [QR_D_WAIVED] = &d->counts.waived,
      [QR_D_ADDED] = &d->counts.added,
      [QR_D_REMOVED] = &d->counts.removed,
      [QR_D_NOTRUN] = &d->counts.notrun,
  };
  (*count[kind])++;
}

/* A case both runs have: what the verdict pair says. */
static void compare(qr_diff_result *d, const qr_dcase *a, const qr_dcase *b)
{
  if (a->cut_short || b->cut_short) {
    row(d, QR_D_NOTRUN, a, b); /* a run cut it short: it says nothing */
    return;
  }
  /* Latency compares like with like: the cases both runs ran. */
  qr_diff_lat_pair(d, a, b);
  if (a->pass && strcmp(b->verdict, "skip") == 0) {
    row(d, QR_D_SKIPPED, a, b);
  } else if (a->pass && strcmp(b->verdict, "waived") == 0) {
    /* A known failure now, with a waiver saying so: news, and a run with
     * waived cases still succeeds. */
    row(d, QR_D_WAIVED, a, b);
  } else if (a->pass && !b->pass) {
    row(d, QR_D_REGRESSED, a, b);
  } else if (!a->pass && b->pass) {
    row(d, QR_D_FIXED, a, b);
  } else if (strcmp(a->verdict, b->verdict) != 0 ||
             strcmp(a->reason, b->reason) != 0) {
    row(d, QR_D_CHANGED, a, b);
  } else {
    d->counts.same++;
  }
}

/* NEW's cases in its order, then those only OLD has. */
static void classify(qr_diff_result *d)
{
  const qr_dside *a = &d->side[0], *b = &d->side[1];
  for (size_t i = 0; i < b->n; i++) {
    const qr_dcase *cb = &b->cases[i], *ca = find_case(a, cb->id);
    if (ca)
      compare(d, ca, cb);
    else
      row(d, a->interrupted ? QR_D_NOTRUN : QR_D_ADDED, NULL, cb);
  }
  for (size_t i = 0; i < a->n; i++)
    if (!find_case(b, a->cases[i].id))
      row(d, b->interrupted ? QR_D_NOTRUN : QR_D_REMOVED, &a->cases[i], NULL);
}

static qr_diff_result *diff_new(const char *old_json, const char *new_json,
                         const qr_diff_opts *opts)
{
  qr_diff_result *d = must(calloc(1, sizeof *d));
  d->opts = opts ? *opts : qr_diff_opts_default();
  const char *paths[2] = {old_json, new_json};
  for (int i = 0; i < 2; i++) {
    qr_dside *s = &d->side[i];
    s->name = i ? "NEW" : "OLD";
    snprintf(s->path, sizeof s->path, "%s", paths[i]);
    s->by_id = must(json_object());
    qr_lat_set_init(&s->lat);
  }
  return d;
}

static void dcase_free(qr_dcase *k)
{
  free(k->id);
  free(k->verdict);
  free(k->reason);
  free(k->waiver);
  free(k->failure);
  free(k->lat);
}

void qr_diff_free(qr_diff_result *d)
{
  if (!d)
    return;
  for (int i = 0; i < 2; i++) {
    qr_dside *s = &d->side[i];
    for (size_t k = 0; k < s->n; k++)
      dcase_free(&s->cases[k]);
    free(s->cases);
    free(s->module);
    free(s->module_full);
    free(s->model);
    for (size_t k = 0; k < 3; k++)
      free(s->head[k]);
    free(s->stop_reason);
    free(s->stop);
    qr_lat_set_free(&s->lat);
    json_decref(s->by_id);
  }
  for (size_t i = 0; i < d->nwarnings; i++)
    free(d->warnings[i]);
  free(d->warnings);
  free(d->rows);
  free(d->lat);
  free(d);
}

/* Both sides read: the comparison made. */
static qr_diff_result *diff_finish(qr_diff_result *d)
{
  warnings(d);
  classify(d);
  qr_diff_latency(d);
  return d;
}

/* Every directory either run's paths may use for its report directory. */
static size_t all_dirs(const qr_diff_result *d, const char **dirs,
                       char store[][PATH_MAX])
{
  size_t n = report_dirs(d->side[0].path, dirs, 0, store);
  return report_dirs(d->side[1].path, dirs, n, store);
}

/* Reads side i one case at a time. */
static int side_stream(qr_diff_result *d, int i, const char *const *dirs,
                       size_t ndirs, char *err, size_t errlen)
{
  qr_dside *s = &d->side[i];
  qr_doc_stream *st = qr_doc_open(s->path, err, errlen);
  if (!st)
    return -1;
  qr_doc_run run = qr_doc_stream_state(st);
  side_head(s, qr_doc_head(st), run);
  const json_t *c;
  int rc = 0;
  while (rc == 0 && (c = qr_doc_next(st)))
    rc = add_case(s, c, dirs, ndirs, err, errlen);
  if (rc == 0 && s->n != run.ran) {
    qr_errf(err, errlen, "cannot read %s: changed while being read",
            s->path);
    rc = -1;
  }
  if (rc == 0)
    side_done(s, qr_doc_head(st));
  qr_doc_close(st);
  return rc;
}

qr_diff_result *qr_diff_open(const char *old_json, const char *new_json,
                      const qr_diff_opts *opts, char *err, size_t errlen)
{
  qr_diff_result *d = diff_new(old_json, new_json, opts);
  const char *dirs[MAX_DIRS];
  char store[MAX_DIRS][PATH_MAX];
  size_t ndirs = all_dirs(d, dirs, store);
  for (int i = 0; i < 2; i++)
    if (side_stream(d, i, dirs, ndirs, err, errlen) < 0) {
      qr_diff_free(d);
      return NULL;
    }
  return diff_finish(d);
}

/* Side i from its text, loaded whole. */
static int side_text(qr_diff_result *d, int i, const char *text, size_t len,
                     const char *const *dirs, size_t ndirs, char *err,
                     size_t errlen)
{
  qr_dside *s = &d->side[i];
  json_t *doc = qr_doc_loadb(s->path, text, len, err, errlen);
  if (!doc)
    return -1;
  side_head(s, doc, qr_doc_run_state(doc));
  size_t k;
  const json_t *c;
  int rc = 0;
  json_array_foreach(json_object_get(doc, "cases"), k, c)
  {
    if (rc == 0)
      rc = add_case(s, c, dirs, ndirs, err, errlen);
  }
  if (rc == 0)
    side_done(s, doc);
  json_decref(doc);
  return rc;
}

qr_diff_result *qr_diff_openb(const char *old_json, const char *old_text,
                       size_t old_len, const char *new_json,
                       const char *new_text, size_t new_len,
                       const qr_diff_opts *opts, char *err, size_t errlen)
{
  qr_diff_result *d = diff_new(old_json, new_json, opts);
  const char *dirs[MAX_DIRS];
  char store[MAX_DIRS][PATH_MAX];
  size_t ndirs = all_dirs(d, dirs, store);
  if (side_text(d, 0, old_text, old_len, dirs, ndirs, err, errlen) < 0 ||
      side_text(d, 1, new_text, new_len, dirs, ndirs, err, errlen) < 0) {
    qr_diff_free(d);
    return NULL;
  }
  return diff_finish(d);
}

qr_diff_counts qr_diff_get_counts(const qr_diff_result *d)
{
  qr_diff_counts c = d->counts;
  c.new_incomplete = d->side[1].interrupted || d->side[1].running;
  return c;
}

int qr_diff(const char *old_json, const char *new_json, FILE *out,
            qr_diff_counts *counts, char *err, size_t errlen)
{
  memset(counts, 0, sizeof *counts);
  qr_diff_result *d = qr_diff_open(old_json, new_json, NULL, err, errlen);
  if (!d)
    return -1;
  qr_diff_text(d, out);
  *counts = d->counts;
  qr_diff_free(d);
  return 0;
}

int qr_diffb(const char *old_json, const char *old_text, size_t old_len,
             const char *new_json, const char *new_text, size_t new_len,
             FILE *out, qr_diff_counts *counts, char *err, size_t errlen)
{
  memset(counts, 0, sizeof *counts);
  qr_diff_result *d = qr_diff_openb(old_json, old_text, old_len, new_json,
                             new_text, new_len, NULL, err, errlen);
  if (!d)
    return -1;
  qr_diff_text(d, out);
  *counts = d->counts;
  qr_diff_free(d);
  return 0;
}
