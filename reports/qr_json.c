/* qr_json: results.json from the model (schema: reports/README.md).
 *
 * Stable and diffable: keys in the order they are added here (jansson keeps
 * insertion order), 2-space indent, times rounded to the millisecond so a
 * re-run differs only where the run did.
 *
 * Written as a stream, never as one tree: the run's fields as one small
 * jansson object, then each case as its own object dumped with the same
 * flags and shifted to its depth (qr_json.h). A case sealed during the
 * run (qr_seal.c) is copied from the spill file as it was dumped then. */
#include "qr_report.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include "qc_buf.h"
#include "qr_escape.h"
#include "qr_file.h"
#include "qr_json.h"
#include "qr_latency.h"

/* A JSON string of s; NULL as null. jansson takes only UTF-8, so other
 * bytes (a module's noise in a reason) become \xNN first. */
static json_t *jstr(const char *s)
{
  if (!s)
    return json_null();
  json_t *j = json_string(s);
  if (j)
    return j;
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  qr_escape_utf8(&b, s, strlen(s));
  j = qc_buf_failed(&b) ? NULL : json_stringn(qc_buf_data(&b), qc_buf_len(&b));
  qc_buf_free(&b);
  return j;
}

/* Seconds rounded to the millisecond; a non-finite value as null. */
static json_t *jsec(double x)
{
  if (!isfinite(x))
    return json_null();
  char s[64];
  snprintf(s, sizeof s, "%.3f", x);
  return json_real(strtod(s, NULL));
}

/* Sets key to v (stolen); remembers any failure in *bad. */
static void put(json_t *o, const char *key, json_t *v, int *bad)
{
  if (!o || !v || json_object_set_new(o, key, v) < 0)
    *bad = 1;
}

static void push(json_t *a, json_t *v, int *bad)
{
  if (!a || !v || json_array_append_new(a, v) < 0)
    *bad = 1;
}

/* A waiver; run_level adds its status, where it is written and its
 * cases. */
static json_t *waiver_json(const qr_waiver_note *w, bool run_level, int *bad)
{
  json_t *o = json_object();
  put(o, "case", jstr(w->pattern), bad);
  put(o, "reason", jstr(w->reason), bad);
  put(o, "reference", jstr(w->reference), bad);
  put(o, "revision", jstr(w->revision), bad);
  if (!run_level)
    return o;
  put(o, "status", jstr(w->status), bad);
  put(o, "where", jstr(w->where), bad);
  json_t *ids = json_array();
  for (size_t i = 0; i < w->ncases; i++)
    push(ids, jstr(w->cases[i]), bad);
  put(o, "cases", ids, bad);
  return o;
}

/* Why the case failed; null when it did not (or nothing said why). */
static json_t *failure_json(const qr_case_result *c, int *bad)
{
  const qr_failure *f = c->failure;
  if (!f || c->verdict == QR_PASS || c->verdict == QR_SKIP)
    return json_null();
  json_t *o = json_object();
  put(o, "step", json_integer(f->step), bad);
  put(o, "kind", jstr(f->kind), bad);
  put(o, "where", jstr(f->where), bad);
  put(o, "fragment", jstr(f->fragment), bad);
  put(o, "expected", jstr(f->expected ? f->expected : ""), bad);
  put(o, "seen", jstr(f->seen ? f->seen : ""), bad);
  put(o, "line", json_integer(f->line), bad);
  return o;
}

static json_t *steps_json(const qr_case_result *c, int *bad)
{
  json_t *a = json_array();
  for (size_t i = 0; i < c->nsteps; i++) {
    const qr_step_result *s = &c->steps[i];
    json_t *e = json_object();
    put(e, "kind", jstr(s->kind), bad);
    put(e, "where", jstr(s->where), bad);
    put(e, "fragment", jstr(s->fragment), bad);
    put(e, "status", json_string(qr_step_status_name(s->status)), bad);
    put(e, "t", jsec(s->t), bad);
    push(a, e, bad);
  }
  return a;
}

/* The command latencies read off the transcript (qr_latency.h). */
static json_t *latency_json(const qr_case_result *c, int *bad)
{
  json_t *a = json_array();
  size_t n = qr_latency_scan(c->lines, c->nlines, NULL, 0);
  qr_lat *l = n ? calloc(n, sizeof *l) : NULL;
  if (n && !l) {
    *bad = 1;
    return a;
  }
  n = qr_latency_scan(c->lines, c->nlines, l, n);
  for (size_t i = 0; i < n; i++) {
    json_t *e = json_object();
    put(e, "cmd", jstr(l[i].cmd), bad);
    put(e, "to", json_string(qr_lat_to_name(l[i].to)), bad);
    put(e, "s", jsec(l[i].s), bad);
    put(e, "line", json_integer((json_int_t)l[i].line), bad);
    push(a, e, bad);
  }
  free(l);
  return a;
}

/* The maximum response times checked (harness/resp_time.h): the count
 * and the late ones only, to keep the file small. */
static json_t *response_json(const qr_case_result *c, int *bad)
{
  json_t *o = json_object();
  put(o, "checked", json_integer(c->rt_checked), bad);
  put(o, "worst", jsec(c->rt_worst), bad);
  json_t *a = json_array();
  for (size_t i = 0; i < c->nrt_late; i++) {
    const qr_rt_late *l = &c->rt_late[i];
    json_t *e = json_object();
    put(e, "cmd", jstr(l->cmd), bad);
    put(e, "bound", jstr(l->bound), bad);
    put(e, "s", jsec(l->s), bad);
    put(e, "limit_s", jsec(l->limit_s), bad);
    put(e, "section", jstr(l->section), bad);
    put(e, "line", json_integer(l->line), bad);
    push(a, e, bad);
  }
  put(o, "late", a, bad);
  return o;
}

static json_t *case_json(const qr_case_result *c, int *bad)
{
  json_t *o = json_object();
  put(o, "id", jstr(c->id), bad);
  put(o, "title", jstr(c->title), bad);
  put(o, "spec", jstr(c->spec), bad);
  put(o, "file", jstr(c->file), bad);
  json_t *tags = json_array();
  for (size_t i = 0; i < c->ntags; i++)
    push(tags, jstr(c->tags[i]), bad);
  put(o, "tags", tags, bad);
  put(o, "verdict", json_string(qr_verdict_name(c->verdict)), bad);
  put(o, "reason", c->verdict == QR_PASS ? json_null() : jstr(c->reason), bad);
  put(o, "failed_step", json_integer(c->failed_step), bad);
  if (c->waiver) /* only on a waived case: the failure above is known */
    put(o, "waiver", waiver_json(c->waiver, false, bad), bad);
  if (c->interrupted) /* only when cut short: diff lists it as not run */
    put(o, "interrupted", json_true(), bad);
  put(o, "started_s", jsec(c->started), bad);
  put(o, "duration_s", jsec(c->duration_s), bad);
  /* Only the phases the case went through, in their order. */
  json_t *ph = json_object();
  for (int i = 0; i < QR_PHASES; i++)
    if (c->phase_s[i] >= 0)
      put(ph, qr_phase_name((qr_phase)i), jsec(c->phase_s[i]), bad);
  put(o, "phases", ph, bad);
  put(o, "dir", jstr(c->dir), bad);
  put(o, "failure", failure_json(c, bad), bad);
  put(o, "steps", steps_json(c, bad), bad);
  json_t *tr = json_array();
  for (size_t i = 0; i < c->nlines; i++) {
    const qr_tline *l = &c->lines[i];
    char d[2] = {l->dir, '\0'};
    json_t *e = json_object();
    put(e, "t", jsec(l->t), bad);
    put(e, "dir", jstr(d), bad);
    put(e, "text", jstr(l->text ? l->text : ""), bad);
    put(e, "step", json_integer(l->step), bad);
    push(tr, e, bad);
  }
  put(o, "transcript", tr, bad);
  json_t *un = json_array();
  for (size_t i = 0; i < c->nunexpected; i++)
    push(un, jstr(c->unexpected[i]), bad);
  put(o, "unexpected", un, bad);
  put(o, "latency", latency_json(c, bad), bad);
  if (c->rt_checked >= 0) /* only on a case whose steps were checked */
    put(o, "response_checks", response_json(c, bad), bad);
  /* Evidence from the server and the wire, embedded as JSON objects. */
  const char *ev[2] = {c->server_json, c->wire_json};
  const char *names[2] = {"server", "wire"};
  for (int i = 0; i < 2; i++) {
    if (!ev[i])
      continue;
    json_t *j = json_loads(ev[i], 0, NULL);
    put(o, names[i], j ? j : jstr(ev[i]), bad);
  }
  return o;
}

/* The module's identity (the preflight's reading); null when not read. */
static json_t *module_json(const qr_module_info *m, int *bad)
{
  if (!m)
    return json_null();
  json_t *o = json_object();
  put(o, "manufacturer", jstr(m->manufacturer), bad);
  put(o, "model", jstr(m->model), bad);
  put(o, "revision", jstr(m->revision), bad);
  put(o, "imei_masked", jstr(m->imei_masked), bad);
  json_t *ati = json_array();
  for (size_t i = 0; i < m->nati; i++)
    push(ati, jstr(m->ati[i]), bad);
  put(o, "ati", ati, bad);
  put(o, "echo", json_boolean(m->echo), bad);
  put(o, "sim_ready", json_boolean(m->sim_ready), bad);
  put(o, "sim", jstr(m->sim), bad);
  json_t *pdp = json_array();
  for (size_t i = 0; i < m->npdp; i++) {
    json_t *e = json_object();
    put(e, "context", json_integer(m->pdp[i].ctx), bad);
    put(e, "state", json_integer(m->pdp[i].state), bad);
    put(e, "type", json_integer(m->pdp[i].type), bad);
    json_t *addrs = json_array();
    const char *a = m->pdp[i].addr;
    while (a && *a) { /* space-separated in the model */
      size_t n = strcspn(a, " ");
      if (n)
        push(addrs, json_stringn(a, n), bad);
      a += n + (a[n] == ' ');
    }
    put(e, "addresses", addrs, bad);
    push(pdp, e, bad);
  }
  put(o, "pdp", pdp, bad);
  return o;
}

/* The run's fields, "cases" last and empty: the streaming writer puts the
 * cases where its "[]" is. */
static json_t *head_json(const qr_run_result *r, int *bad)
{
  json_t *o = json_object();
  put(o, "schema", json_integer(QR_SCHEMA), bad);
  put(o, "tool", json_string("qftp-harness"), bad);
  put(o, "version", jstr(r->version), bad);
  put(o, "started_at", jstr(r->started_at), bad);
  put(o, "target", jstr(r->target), bad);
  put(o, "profile", jstr(r->profile), bad);
  put(o, "time_scale",
      isfinite(r->time_scale) ? json_real(r->time_scale) : json_null(), bad);
  put(o, "duration_s", jsec(r->duration_s), bad);
  /* An interrupted run ran fewer cases than it planned; a model whose
   * planned count was never set planned what it ran. */
  put(o, "interrupted", json_boolean(r->interrupted), bad);
  size_t planned = r->planned > r->ncases ? r->planned : r->ncases;
  put(o, "planned", json_integer((json_int_t)planned), bad);
  put(o, "stop_reason", jstr(r->stop_reason), bad);
  put(o, "stop_detail", jstr(r->stop_detail), bad);
  put(o, "module", module_json(r->module, bad), bad);
  put(o, "module_revision", jstr(r->module_revision), bad);
  put(o, "waivers_file", jstr(r->waivers_file), bad);
  size_t n[QR_VERDICTS];
  qr_run_counts(r, n);
  json_t *sum = json_object();
  put(sum, "total", json_integer((json_int_t)r->ncases), bad);
  put(sum, "pass", json_integer((json_int_t)n[QR_PASS]), bad);
  put(sum, "fail", json_integer((json_int_t)n[QR_FAIL]), bad);
  put(sum, "error", json_integer((json_int_t)n[QR_ERROR]), bad);
  put(sum, "skip", json_integer((json_int_t)n[QR_SKIP]), bad);
  put(sum, "waived", json_integer((json_int_t)n[QR_WAIVED]), bad);
  size_t stale = 0;
  for (size_t i = 0; i < r->nwaivers; i++)
    stale += strcmp(r->waivers[i].status, "stale") == 0;
  put(sum, "stale_waivers", json_integer((json_int_t)stale), bad);
  put(o, "summary", sum, bad);
  json_t *wv = json_array();
  for (size_t i = 0; i < r->nwaivers; i++)
    push(wv, waiver_json(&r->waivers[i], true, bad), bad);
  put(o, "waivers", wv, bad);
  put(o, "cases", json_array(), bad);
  return o;
}

json_t *qr_json_run_tree(const qr_run_result *r)
{
  int bad = 0;
  json_t *o = head_json(r, &bad);
  json_t *cases = json_object_get(o, "cases");
  for (size_t i = 0; !bad && i < r->ncases; i++)
    push(cases, case_json(&r->cases[i], &bad), &bad);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* jansson's output as it reads QR_JSON_CASE_DEPTH levels down: jansson
 * indents by nesting, and a raw newline in its output is always
 * indentation (strings escape it). */
static int add_shifted(const char *p, size_t len, void *data)
{
  qc_buf *b = data;
  while (len > 0) {
    const char *nl = memchr(p, '\n', len);
    size_t n = nl ? (size_t)(nl - p) : len;
    qc_buf_add(b, p, n);
    if (nl)
      qc_buf_addf(b, "\n%*s", QR_JSON_CASE_DEPTH * QR_JSON_INDENT, "");
    n += nl != NULL;
    p += n;
    len -= n;
  }
  return qc_buf_failed(b) ? -1 : 0;
}

/* Dumped straight into b, never as one string first. */
int qr_json_dump_case(const json_t *c, qc_buf *b)
{
  if (json_dump_callback(c, add_shifted, b, QR_JSON_FLAGS) < 0)
    return -1;
  return qc_buf_failed(b) ? -1 : 0;
}

int qr_json_case_text(const qr_case_result *c, qc_buf *b)
{
  int bad = 0;
  json_t *o = case_json(c, &bad);
  int rc = bad ? -1 : qr_json_dump_case(o, b);
  json_decref(o);
  return rc;
}

/* Copies a sealed case's entry from the spill file: in the kernel
 * (copy_file_range) where it can, the file being rewritten after every
 * case; else read and written. */
static int copy_spilled(const qr_run_result *r, const qr_case_result *c,
                        qr_atomic *a)
{
  char chunk[65536];
  long long off = c->spill_off;
  size_t left = c->spill_len;
  while (left > 0 && a->fd >= 0 && !a->saved_errno) {
    off_t in = (off_t)off;
    ssize_t k = copy_file_range(r->spill_fd, &in, a->fd, NULL, left, 0);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      break; /* not here (EXDEV, ENOSYS, ...): the loop below */
    off += k;
    left -= (size_t)k;
  }
  while (left > 0) {
    size_t want = left < sizeof chunk ? left : sizeof chunk;
    ssize_t k = pread(r->spill_fd, chunk, want, (off_t)off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    qr_atomic_write(a, chunk, (size_t)k);
    off += k;
    left -= (size_t)k;
  }
  return 0;
}

int qr_write_json(const qr_run_result *r, const char *path, char *err,
                  size_t errlen)
{
  int bad = 0;
  json_t *head = head_json(r, &bad);
  char *text = bad ? NULL : json_dumps(head, QR_JSON_FLAGS);
  json_decref(head);
  /* The head ends with the empty cases array; the cases go there. */
  static const char tail[] = "[]\n}";
  size_t n = text ? strlen(text) : 0;
  if (!text || n < sizeof tail - 1 ||
      strcmp(text + n - (sizeof tail - 1), tail) != 0) {
    free(text);
    qr_errf(err, errlen, "cannot write %s: out of memory building the JSON",
            path);
    return -1;
  }
  qr_atomic a;
  if (qr_atomic_open(&a, path, err, errlen) < 0) {
    free(text);
    return -1;
  }
  qr_atomic_write(&a, text, n - (sizeof tail - 1));
  free(text);
  if (r->ncases == 0)
    qr_atomic_write(&a, "[]\n}\n", 5);
  else
    qr_atomic_write(&a, "[", 1);
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  for (size_t i = 0; i < r->ncases; i++) {
    const qr_case_result *c = &r->cases[i];
    qc_buf_reset(&b);
    qc_buf_addf(&b, "%s\n%*s", i ? "," : "",
                QR_JSON_CASE_DEPTH * QR_JSON_INDENT, "");
    qr_atomic_write(&a, qc_buf_data(&b), qc_buf_len(&b));
    qc_buf_reset(&b);
    int rc = c->sealed ? copy_spilled(r, c, &a) : qr_json_case_text(c, &b);
    if (rc < 0) {
      qc_buf_free(&b);
      qr_atomic_abort(&a);
      qr_errf(err, errlen, "cannot write %s: case %s: %s", path, c->id,
              c->sealed ? "cannot read its spilled entry"
                        : "out of memory building the JSON");
      return -1;
    }
    qr_atomic_write(&a, qc_buf_data(&b), qc_buf_len(&b));
  }
  qc_buf_free(&b);
  if (r->ncases)
    qr_atomic_write(&a, "\n  ]\n}\n", 7);
  return qr_atomic_commit(&a, err, errlen);
}
