/* qr_model: building the run result (qr_result.h).
 *
 * Growth is bounded (qr_report.h QR_*_MAX): a module that floods the line
 * cannot grow a case past its caps; the excess is dropped with one note
 * saying so. Allocation failure aborts, as qr_result.h promises.
 *
 * Every text a report shows enters here, so this is where credentials are
 * hidden (qc_redact.h): transcript entries, notes, unexpected lines,
 * verdict reasons and evidence. */
#include "qr_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qc_redact.h"
#include "qc_time.h"
#include "qc_buf.h"
#include "qc_grow.h"
#include "qr_file.h"
#include "qr_escape.h"

#ifndef QR_VERSION
#define QR_VERSION "0.0.0"
#endif

static const char *const verdict_names[] = {
    [QR_PASS] = "pass",
    [QR_FAIL] = "fail",
    [QR_ERROR] = "error",
    [QR_SKIP] = "skip",
    [QR_WAIVED] = "waived",
};

const char *qr_verdict_name(qr_verdict v)
{
  if ((unsigned)v >= sizeof verdict_names / sizeof verdict_names[0])
    return "?";
  return verdict_names[v];
}

static const char *const phase_names[QR_PHASES] = {
    [QR_PHASE_PREPARE] = "prepare",   [QR_PHASE_START_EVIDENCE] = "start_evidence",
    [QR_PHASE_STEPS] = "steps",       [QR_PHASE_TEARDOWN] = "teardown",
    [QR_PHASE_EVIDENCE] = "evidence", [QR_PHASE_FINISH] = "finish",
};

const char *qr_phase_name(qr_phase p)
{
  return (unsigned)p < QR_PHASES ? phase_names[p] : "?";
}

static const char *const step_status_names[QR_STEP_STATUSES] = {
    [QR_STEP_NOT_RUN] = "not-run",
    [QR_STEP_PASS] = "pass",
    [QR_STEP_FAIL] = "fail",
    [QR_STEP_SKIPPED] = "skipped",
    [QR_STEP_OPTIONAL_FAILED] = "optional-failed",
};

const char *qr_step_status_name(qr_step_status s)
{
  return (unsigned)s < QR_STEP_STATUSES ? step_status_names[s] : "?";
}

int qr_verdict_parse(const char *s)
{
  for (size_t i = 0; s && i < sizeof verdict_names / sizeof verdict_names[0];
       i++) {
    if (strcmp(s, verdict_names[i]) == 0)
      return (int)i;
  }
  return -1;
}

static void oom(void)
{
  fputs("qftp-harness: out of memory building the result model\n", stderr);
  abort();
}

static void *xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if (!q)
    oom();
  return q;
}

static char *xstrdup(const char *s)
{
  if (!s)
    return NULL;
  char *d = strdup(s);
  if (!d)
    oom();
  return d;
}

/* in[0..n) without the run's secrets (qc_redact.h); free it. */
static char *redacted(const char *in, size_t n, size_t *outlen)
{
  char *d = qc_redact_text(in, n, outlen);
  if (!d)
    oom();
  return d;
}

/* Grows *arr (elements of `elem` bytes) so one more fits after `n`. */
static void grow(void **arr, size_t *cap, size_t n, size_t elem)
{
  if (qc_grow(arr, cap, n + 1, elem, 0) < 0)
    oom();
}

/* A qc_buf's failure here can only be memory (its max is far above what we
 * put in). */
static char *buf_take(qc_buf *b)
{
  if (qc_buf_failed(b))
    oom();
  char *s = qc_buf_take(b);
  if (!s)
    oom();
  qc_buf_free(b);
  return s;
}

qr_run_result *qr_run_result_new(const char *target, const char *profile,
                                 double time_scale)
{
  qr_run_result *r = calloc(1, sizeof *r);
  if (!r)
    oom();
  char now[32];
  qc_iso8601_now(now, sizeof now);
  r->started_at = xstrdup(now);
  r->target = xstrdup(target ? target : "");
  r->profile = xstrdup(profile ? profile : "");
  r->time_scale = time_scale;
  r->version = xstrdup(QR_VERSION);
  r->spill_fd = -1;
  return r;
}

qr_case_result *qr_run_add_case(qr_run_result *r, const char *id,
                                const char *title, const char *spec,
                                const char *file, char *const *tags,
                                size_t ntags)
{
  grow((void **)&r->cases, &r->cap, r->ncases, sizeof *r->cases);
  qr_case_result *c = &r->cases[r->ncases++];
  memset(c, 0, sizeof *c);
  c->id = xstrdup(id ? id : "");
  c->title = xstrdup(title ? title : "");
  c->spec = xstrdup(spec ? spec : "");
  c->file = xstrdup(file ? file : "");
  if (tags && ntags) {
    c->tags = xrealloc(NULL, ntags * sizeof *c->tags);
    for (size_t i = 0; i < ntags; i++)
      c->tags[i] = xstrdup(tags[i] ? tags[i] : "");
    c->ntags = ntags;
  }
  c->verdict = QR_PASS;
  c->rt_checked = -1;
  for (size_t i = 0; i < QR_PHASES; i++)
    c->phase_s[i] = -1; /* not run until the runner says so */
  return c;
}

static void push_line(qr_case_result *c, double t, char dir, char *text)
{
  grow((void **)&c->lines, &c->cap, c->nlines, sizeof *c->lines);
  c->lines[c->nlines++] =
      (qr_tline){.t = t, .dir = dir, .text = text, .step = c->cur_step};
}

void qr_case_add_line(qr_case_result *c, double t, char dir, const char *text,
                      size_t n)
{
  if (c->nlines >= QR_LINES_MAX)
    return;
  if (c->nlines == QR_LINES_MAX - 1) {
    /* The last slot says why the transcript stops here. */
    push_line(c, t, '#',
              xstrdup("transcript cut: more entries than the model keeps"));
    return;
  }
  if (!text)
    text = "";
  if (n == (size_t)-1)
    n = strlen(text);
  /* Redacted before the cut, so the cut cannot halve a secret. */
  size_t rn;
  char *r = redacted(text, n, &rn);
  size_t cut = 0;
  if (rn > QR_TEXT_MAX) {
    cut = rn - QR_TEXT_MAX;
    rn = QR_TEXT_MAX;
  }
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  qr_escape_text(&b, r, rn);
  free(r);
  if (cut)
    qc_buf_addf(&b, "... (%zu bytes cut)", cut);
  push_line(c, t, dir, buf_take(&b));
}

/* fmt formatted whole, redacted, then cut to a reason's bound: a cut
 * cannot leave half a secret. Free it. */
static char *vreason(const char *fmt, va_list ap)
{
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *msg = xrealloc(NULL, n > 0 ? (size_t)n + 1 : 1);
  msg[0] = '\0';
  if (n > 0)
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
  char *r = redacted(msg, (size_t)-1, NULL);
  free(msg);
  if (strlen(r) >= QR_REASON_MAX)
    r[QR_REASON_MAX - 1] = '\0';
  return r;
}

void qr_case_note(qr_case_result *c, double t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *msg = vreason(fmt, ap);
  va_end(ap);
  qr_case_add_line(c, t, '#', msg, (size_t)-1);
  free(msg);
}

void qr_case_add_unexpected(qr_case_result *c, const char *line)
{
  if (c->nunexpected >= QR_UNEXPECTED_MAX)
    return;
  if (!line)
    line = "";
  char *r = redacted(line, (size_t)-1, NULL);
  size_t n = strnlen(r, QR_TEXT_MAX);
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  qr_escape_text(&b, r, n);
  free(r);
  grow((void **)&c->unexpected, &c->unexp_cap, c->nunexpected,
       sizeof *c->unexpected);
  c->unexpected[c->nunexpected++] = buf_take(&b);
}

void qr_case_set_verdict(qr_case_result *c, qr_verdict v, int failed_step,
                         const char *fmt, ...)
{
  c->verdict = v;
  c->failed_step = failed_step;
  if (v == QR_PASS || v == QR_SKIP)
    qr_case_clear_failure(c);
  free(c->reason);
  c->reason = NULL;
  if (!fmt)
    return;
  va_list ap;
  va_start(ap, fmt);
  c->reason = vreason(fmt, ap);
  va_end(ap);
}

/* A failure's text: redacted, cut to a transcript entry's bound. */
static char *failure_text(const char *s)
{
  char *r = redacted(s ? s : "", (size_t)-1, NULL);
  if (strlen(r) > QR_TEXT_MAX)
    r[QR_TEXT_MAX] = '\0';
  return r;
}

static void failure_free(qr_failure *f)
{
  if (!f)
    return;
  free(f->kind);
  free(f->where);
  free(f->fragment);
  free(f->expected);
  free(f->seen);
  free(f);
}

void qr_case_set_failure(qr_case_result *c, int step, const char *kind,
                         const char *where, const char *fragment,
                         const char *expected, const char *seen, long line)
{
  failure_free(c->failure);
  qr_failure *f = calloc(1, sizeof *f);
  if (!f)
    oom();
  f->step = step;
  f->kind = xstrdup(kind ? kind : "");
  f->where = xstrdup(where);
  f->fragment = xstrdup(fragment);
  f->expected = failure_text(expected);
  f->seen = failure_text(seen);
  f->line = line;
  c->failure = f;
}

void qr_case_clear_failure(qr_case_result *c)
{
  failure_free(c->failure);
  c->failure = NULL;
}

void qr_case_rt_checked(qr_case_result *c, long n, double worst)
{
  c->rt_checked = n;
  c->rt_worst = worst;
}

void qr_case_add_rt_late(qr_case_result *c, const char *cmd,
                         const char *bound, const char *section, double s,
                         double limit_s, long line)
{
  grow((void **)&c->rt_late, &c->rt_late_cap, c->nrt_late,
       sizeof *c->rt_late);
  c->rt_late[c->nrt_late++] = (qr_rt_late){.cmd = xstrdup(cmd ? cmd : ""),
                                           .bound = xstrdup(bound ? bound : ""),
                                           .section = xstrdup(section ? section : ""),
                                           .s = s,
                                           .limit_s = limit_s,
                                           .line = line};
}

size_t qr_case_add_step(qr_case_result *c, const char *kind,
                        const char *where, const char *fragment)
{
  grow((void **)&c->steps, &c->steps_cap, c->nsteps, sizeof *c->steps);
  c->steps[c->nsteps] = (qr_step_result){.kind = xstrdup(kind ? kind : ""),
                                         .where = xstrdup(where),
                                         .fragment = xstrdup(fragment),
                                         .status = QR_STEP_NOT_RUN,
                                         .t = NAN};
  return c->nsteps++;
}

void qr_case_step_status(qr_case_result *c, size_t i, qr_step_status st,
                         double t)
{
  if (i >= c->nsteps)
    return;
  c->steps[i].status = st;
  c->steps[i].t = t;
}

void qr_case_set_evidence(qr_case_result *c, const char *server_json,
                          const char *wire_json)
{
  if (server_json) {
    free(c->server_json);
    c->server_json = redacted(server_json, (size_t)-1, NULL);
  }
  if (wire_json) {
    free(c->wire_json);
    c->wire_json = redacted(wire_json, (size_t)-1, NULL);
  }
}

void qr_case_waive(qr_case_result *c, const char *pattern, const char *reason,
                   const char *reference, const char *revision)
{
  c->verdict = QR_WAIVED;
  if (!c->waiver) {
    c->waiver = calloc(1, sizeof *c->waiver);
    if (!c->waiver)
      oom();
  }
  c->waiver->pattern = xstrdup(pattern ? pattern : "");
  c->waiver->reason = xstrdup(reason ? reason : "");
  c->waiver->reference = xstrdup(reference ? reference : "");
  c->waiver->revision = xstrdup(revision);
}

void qr_run_set_waiver_info(qr_run_result *r, const char *module_revision,
                            const char *waivers_file)
{
  free(r->module_revision);
  free(r->waivers_file);
  r->module_revision = xstrdup(module_revision);
  r->waivers_file = xstrdup(waivers_file);
}

void qr_run_set_stop(qr_run_result *r, const char *reason, const char *detail)
{
  free(r->stop_reason);
  free(r->stop_detail);
  r->stop_reason = xstrdup(reason);
  r->stop_detail = xstrdup(detail);
}

static void module_free(qr_module_info *m)
{
  if (!m)
    return;
  free(m->manufacturer);
  free(m->model);
  free(m->revision);
  free(m->imei_masked);
  for (size_t i = 0; i < m->nati; i++)
    free(m->ati[i]);
  free(m->ati);
  free(m->sim);
  for (size_t i = 0; i < m->npdp; i++)
    free(m->pdp[i].addr);
  free(m->pdp);
  free(m);
}

qr_module_info *qr_run_set_module(qr_run_result *r, const char *manufacturer,
                                  const char *model, const char *revision,
                                  const char *imei_masked,
                                  const char *const *ati, size_t nati,
                                  bool echo, bool sim_ready, const char *sim)
{
  module_free(r->module);
  qr_module_info *m = calloc(1, sizeof *m);
  if (!m)
    oom();
  m->manufacturer = xstrdup(manufacturer ? manufacturer : "");
  m->model = xstrdup(model ? model : "");
  m->revision = xstrdup(revision ? revision : "");
  m->imei_masked = xstrdup(imei_masked ? imei_masked : "");
  if (ati && nati) {
    m->ati = xrealloc(NULL, nati * sizeof *m->ati);
    for (size_t i = 0; i < nati; i++)
      m->ati[i] = xstrdup(ati[i] ? ati[i] : "");
    m->nati = nati;
  }
  m->echo = echo;
  m->sim_ready = sim_ready;
  m->sim = xstrdup(sim ? sim : "");
  r->module = m;
  return m;
}

void qr_module_add_pdp(qr_module_info *m, int ctx, int state, int type,
                       const char *addr)
{
  grow((void **)&m->pdp, &m->pdp_cap, m->npdp, sizeof *m->pdp);
  m->pdp[m->npdp++] = (struct qr_module_pdp){
      .ctx = ctx, .state = state, .type = type, .addr = xstrdup(addr ? addr : "")};
}

qr_waiver_note *qr_run_add_waiver(qr_run_result *r, const char *pattern,
                                  const char *reason, const char *reference,
                                  const char *revision, const char *status,
                                  const char *where)
{
  grow((void **)&r->waivers, &r->waivers_cap, r->nwaivers, sizeof *r->waivers);
  qr_waiver_note *w = &r->waivers[r->nwaivers++];
  memset(w, 0, sizeof *w);
  w->pattern = xstrdup(pattern ? pattern : "");
  w->reason = xstrdup(reason ? reason : "");
  w->reference = xstrdup(reference ? reference : "");
  w->revision = xstrdup(revision);
  w->status = xstrdup(status ? status : "");
  w->where = xstrdup(where ? where : "");
  return w;
}

void qr_waiver_note_add_case(qr_waiver_note *w, const char *id)
{
  grow((void **)&w->cases, &w->cap, w->ncases, sizeof *w->cases);
  w->cases[w->ncases++] = xstrdup(id ? id : "");
}

static void note_free(qr_waiver_note *w)
{
  if (!w)
    return;
  free(w->pattern);
  free(w->reason);
  free(w->reference);
  free(w->revision);
  free(w->status);
  free(w->where);
  for (size_t i = 0; i < w->ncases; i++)
    free(w->cases[i]);
  free(w->cases);
}

void qr_run_counts(const qr_run_result *r, size_t counts[QR_VERDICTS])
{
  for (int i = 0; i < QR_VERDICTS; i++)
    counts[i] = 0;
  for (size_t i = 0; i < r->ncases; i++) {
    unsigned v = (unsigned)r->cases[i].verdict;
    if (v < QR_VERDICTS)
      counts[v]++;
  }
}

void qr_case_free_heavy(qr_case_result *c)
{
  for (size_t i = 0; i < c->nlines; i++)
    free(c->lines[i].text);
  free(c->lines);
  c->lines = NULL;
  c->nlines = c->cap = 0;
  for (size_t i = 0; i < c->nsteps; i++) {
    free(c->steps[i].kind);
    free(c->steps[i].where);
    free(c->steps[i].fragment);
  }
  free(c->steps);
  c->steps = NULL;
  c->nsteps = c->steps_cap = 0;
  for (size_t i = 0; i < c->nunexpected; i++)
    free(c->unexpected[i]);
  free(c->unexpected);
  c->unexpected = NULL;
  c->nunexpected = c->unexp_cap = 0;
  free(c->server_json);
  free(c->wire_json);
  c->server_json = c->wire_json = NULL;
}

static void case_free(qr_case_result *c)
{
  free(c->id);
  free(c->title);
  free(c->spec);
  free(c->file);
  for (size_t i = 0; i < c->ntags; i++)
    free(c->tags[i]);
  free(c->tags);
  free(c->reason);
  failure_free(c->failure);
  qr_case_free_heavy(c);
  free(c->dir);
  note_free(c->waiver);
  free(c->waiver);
  for (size_t i = 0; i < c->nrt_late; i++) {
    free(c->rt_late[i].cmd);
    free(c->rt_late[i].bound);
    free(c->rt_late[i].section);
  }
  free(c->rt_late);
}

void qr_run_result_free(qr_run_result *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->ncases; i++)
    case_free(&r->cases[i]);
  free(r->cases);
  if (r->spill_fd >= 0)
    close(r->spill_fd);
  for (size_t i = 0; i < r->nwaivers; i++)
    note_free(&r->waivers[i]);
  free(r->waivers);
  free(r->module_revision);
  free(r->waivers_file);
  free(r->stop_reason);
  free(r->stop_detail);
  module_free(r->module);
  free(r->started_at);
  free(r->target);
  free(r->profile);
  free(r->version);
  free(r);
}
