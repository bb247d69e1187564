/* case_engine: one case, step by step, every wait bounded. */
#include "case_engine.h"

#include "qc_io.h"
#include "qc_time.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

enum {
  ENGINE_SLICE_MS = 200, /* how often a wait looks at the interrupt flag */
  ENGINE_WRITE_MS = 5000,
  ENGINE_TEXT_MAX = 65536 + 1024,
};

typedef struct engine {
  const qh_case *c;
  qh_engine_env *env;
  qh_case_result *r;
  int64_t t0;
  char echo[QH_LINE_MAX + 1]; /* the line we sent, expected back as echo */
  bool echo_pending;
  size_t step; /* 1-based index of the current step */
} engine;

static double elapsed(const engine *e)
{
  return (double)(qc_now_ms() - e->t0) / 1000.0;
}

static bool interrupted(const engine *e)
{
  return e->env->interrupted && *e->env->interrupted;
}

double qh_engine_step_timeout(const qh_engine_env *env, const qh_step *s)
{
  double t;
  if (s->timeout_s > 0) {
    t = s->timeout_s * env->time_scale;
    if (t < env->min_timeout)
      t = env->min_timeout;
    return t;
  }
  switch (s->kind) {
  case QH_STEP_WAIT_FOR:
    return env->urc_timeout;
  case QH_STEP_EXPECT:
  case QH_STEP_EXPECT_MATCH:
    return env->expect_timeout;
  case QH_STEP_SEND:
  case QH_STEP_SEND_RAW:
  case QH_STEP_SILENCE:
  case QH_STEP_SLEEP:
    break;
  }
  return 0;
}

/* Ends the case with a verdict; the reason names the step and where it was
 * written, then adds what the runner knows about the world. */
static void conclude(engine *e, qh_verdict v, const char *what)
{
  char world[512] = "";
  if (v != QH_PASS && e->env->explain)
    e->env->explain(e->env->ctx, world, sizeof world);
  const qh_step *s = e->step ? &e->c->steps[e->step - 1] : NULL;
  if (s)
    qh_case_set_verdict(e->r, v, (int)e->step, "step %zu (%s:%d:%d): %s%s%s",
                        e->step, s->where.file, s->where.line, s->where.col,
                        what, world[0] ? "; " : "", world);
  else
    qh_case_set_verdict(e->r, v, 0, "%s%s%s", what, world[0] ? "; " : "",
                        world);
  qh_case_note(e->r, elapsed(e), "%s", e->r->reason ? e->r->reason : "pass");
}

/* Next line from the module, skipping the echo of what we sent. Returns 1,
 * 0 hang-up, QC_IO_TIMEOUT, QC_IO_ERR, or 2 when interrupted. */
static int next_line(engine *e, int64_t deadline, qh_line *ln)
{
  qh_engine_env *env = e->env;
  for (;;) {
    if (interrupted(e))
      return 2;
    int64_t slice = qc_deadline_in(ENGINE_SLICE_MS);
    int r = qh_lines_next(env->lines, env->t->fd,
                          slice < deadline ? slice : deadline, ln);
    if (r == QC_IO_TIMEOUT && qc_remaining_ms(deadline) > 0)
      continue;
    if (r != 1)
      return r;
    qh_case_add_line(e->r, elapsed(e), '<', ln->text, ln->len);
    if (ln->cut)
      qh_case_note(e->r, elapsed(e), "line longer than %d bytes, cut",
                   QH_LINE_MAX);
    if (e->echo_pending) {
      e->echo_pending = false;
      if (strcmp(ln->text, e->echo) == 0)
        continue; /* ATE1: the module repeats the command */
    }
    return 1;
  }
}

/* Messages quote at most 1 KiB of a line: enough to see the difference. */
static void describe_no_line(engine *e, int r, double waited, const char *want,
                             char *buf, size_t len)
{
  (void)e;
  if (r == 0)
    snprintf(buf, len, "expected `%.1024s`, the module hung up after %.1f s", want,
             waited);
  else if (r == QC_IO_TIMEOUT)
    snprintf(buf, len, "expected `%.1024s`, got nothing within %.1f s", want,
             waited);
  else if (r == 2)
    snprintf(buf, len, "interrupted while waiting for `%.1024s`", want);
  else
    snprintf(buf, len, "expected `%.1024s`, read error: %s", want, strerror(errno));
}

/* send_raw text is written with escapes (\r \n \t \\ \xNN) so a case can
 * send any byte, NUL included. Returns the byte count or -1. */
long qh_engine_unescape(const char *in, unsigned char *out, size_t cap)
{
  size_t o = 0;
  for (const char *p = in; *p; o++) {
    if (o == cap)
      return -1;
    if (*p != '\\') {
      out[o] = (unsigned char)*p++;
      continue;
    }
    p++;
    switch (*p) {
    case 'r': out[o] = '\r'; p++; break;
    case 'n': out[o] = '\n'; p++; break;
    case 't': out[o] = '\t'; p++; break;
    case '\\': out[o] = '\\'; p++; break;
    case 'x': {
      unsigned v = 0;
      int k = 0;
      for (p++; k < 2 && ((*p >= '0' && *p <= '9') || ((*p | 32) >= 'a' && (*p | 32) <= 'f')); k++, p++)
        v = v * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10);
      if (k == 0)
        return -1;
      out[o] = (unsigned char)v;
      break;
    }
    default:
      return -1;
    }
  }
  return (long)o;
}

static int do_send(engine *e, const char *text, bool raw)
{
  static unsigned char bytes[ENGINE_TEXT_MAX];
  char msg[256];
  size_t n = strlen(text);
  const void *out = text;
  if (raw) {
    long k = qh_engine_unescape(text, bytes, sizeof bytes);
    if (k < 0) {
      conclude(e, QH_ERROR, "send_raw: bad escape (use \\r \\n \\t \\\\ \\xNN)");
      return -1;
    }
    n = (size_t)k;
    out = bytes;
  }
  qh_case_add_line(e->r, elapsed(e), '>', out, n);
  int rc = qh_transport_write(e->env->t, out, n, qc_deadline_in(ENGINE_WRITE_MS));
  if (rc == 0 && !raw)
    rc = qh_transport_write(e->env->t, "\r", 1, qc_deadline_in(ENGINE_WRITE_MS));
  if (rc != 0) {
    snprintf(msg, sizeof msg, "cannot write to the module: %s",
             rc == QC_IO_TIMEOUT ? "timed out (flow control?)"
                                 : strerror(errno));
    conclude(e, QH_FAIL, msg);
    return -1;
  }
  /* A line's echo is skipped; raw bytes are the case's business: their
   * echo, if any, is there to be expected. */
  e->echo_pending = false;
  if (!raw) {
    size_t el = n > QH_LINE_MAX ? QH_LINE_MAX : n;
    memcpy(e->echo, text, el);
    e->echo[el] = '\0';
    e->echo_pending = el > 0;
  }
  return 0;
}

static int do_expect(engine *e, const qh_step *s, const char *want)
{
  double to = qh_engine_step_timeout(e->env, s);
  int64_t start = qc_now_ms();
  qh_line ln;
  int r = next_line(e, qc_deadline_in((int64_t)(to * 1000)), &ln);
  char msg[QH_LINE_MAX * 2 + 256];
  double waited = (double)(qc_now_ms() - start) / 1000.0;
  if (r != 1) {
    describe_no_line(e, r, waited, want, msg, sizeof msg);
    conclude(e, r == 2 ? QH_ERROR : QH_FAIL, msg);
    return -1;
  }
  bool ok;
  if (s->kind == QH_STEP_EXPECT_MATCH) {
    regex_t re;
    if (regcomp(&re, want, REG_EXTENDED | REG_NOSUB) != 0) {
      snprintf(msg, sizeof msg, "bad regular expression `%.1024s`", want);
      conclude(e, QH_ERROR, msg);
      return -1;
    }
    ok = regexec(&re, ln.text, 0, NULL, 0) == 0;
    regfree(&re);
  } else {
    ok = strcmp(ln.text, want) == 0;
  }
  if (!ok) {
    snprintf(msg, sizeof msg, "expected %s`%.1024s`, got `%.1024s` after %.2f s",
             s->kind == QH_STEP_EXPECT_MATCH ? "a match for " : "", want,
             ln.text, waited);
    conclude(e, QH_FAIL, msg);
    return -1;
  }
  return 0;
}

static int do_wait_for(engine *e, const qh_step *s, const char *want)
{
  double to = qh_engine_step_timeout(e->env, s);
  int64_t start = qc_now_ms();
  int64_t deadline = qc_deadline_in((int64_t)(to * 1000));
  size_t skipped = 0;
  char last[256] = "";
  for (;;) {
    qh_line ln;
    int r = next_line(e, deadline, &ln);
    if (r != 1) {
      char msg[1024];
      describe_no_line(e, r, (double)(qc_now_ms() - start) / 1000.0, want,
                       msg, sizeof msg);
      if (skipped) {
        size_t m = strlen(msg);
        snprintf(msg + m, sizeof msg - m, " (skipped %zu other line%s, last `%s`)",
                 skipped, skipped == 1 ? "" : "s", last);
      }
      conclude(e, r == 2 ? QH_ERROR : QH_FAIL, msg);
      return -1;
    }
    if (strcmp(ln.text, want) == 0)
      return 0;
    qh_case_add_unexpected(e->r, ln.text);
    /* Keep the start of the line for the message; cutting is intended. */
    size_t ll = ln.len < sizeof last - 1 ? ln.len : sizeof last - 1;
    memcpy(last, ln.text, ll);
    last[ll] = '\0';
    skipped++;
  }
}

static int do_silence(engine *e, double seconds)
{
  int64_t deadline = qc_deadline_in((int64_t)(seconds * 1000));
  qh_engine_env *env = e->env;
  for (;;) {
    if (interrupted(e)) {
      conclude(e, QH_ERROR, "interrupted");
      return -1;
    }
    int64_t slice = qc_deadline_in(ENGINE_SLICE_MS);
    int r = qh_lines_wait_any(env->lines, env->t->fd,
                              slice < deadline ? slice : deadline);
    if (r == QC_IO_TIMEOUT) {
      if (qc_remaining_ms(deadline) > 0)
        continue;
      return 0;
    }
    char msg[QH_LINE_MAX + 256];
    if (r == 1) {
      /* Show what broke the silence: the line, if it completes soon. The
       * echo of our own last command is not a break. */
      qh_line ln;
      int lr = next_line(e, qc_deadline_in(200), &ln);
      if (lr == 1)
        snprintf(msg, sizeof msg, "expected silence for %.2f s, got `%s`",
                 seconds, ln.text);
      else if (lr == QC_IO_TIMEOUT && !qh_lines_pending(env->lines))
        continue;
      else if (lr == QC_IO_TIMEOUT)
        snprintf(msg, sizeof msg,
                 "expected silence for %.2f s, got a partial line", seconds);
      else
        continue; /* hang-up or interrupt: the next round reports it */
    } else if (r == 0) {
      snprintf(msg, sizeof msg, "expected silence, the module hung up");
    } else {
      snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
    }
    conclude(e, QH_FAIL, msg);
    return -1;
  }
}

static int do_sleep(engine *e, double seconds)
{
  int64_t deadline = qc_deadline_in((int64_t)(seconds * 1000));
  while (qc_remaining_ms(deadline) > 0) {
    if (interrupted(e)) {
      conclude(e, QH_ERROR, "interrupted");
      return -1;
    }
    int64_t slice = qc_deadline_in(ENGINE_SLICE_MS);
    qc_sleep_until(slice < deadline ? slice : deadline);
  }
  return 0;
}

static int run_step(engine *e, const qh_step *s)
{
  static char text[ENGINE_TEXT_MAX];
  char err[256];
  if (s->text && qh_vars_expand(e->env->vars, s->text, text, sizeof text, err,
                                sizeof err) < 0) {
    conclude(e, QH_ERROR, err);
    return -1;
  }
  switch (s->kind) {
  case QH_STEP_SEND:
    return do_send(e, text, false);
  case QH_STEP_SEND_RAW:
    return do_send(e, text, true);
  case QH_STEP_EXPECT:
  case QH_STEP_EXPECT_MATCH:
    return do_expect(e, s, text);
  case QH_STEP_WAIT_FOR:
    return do_wait_for(e, s, text);
  case QH_STEP_SILENCE:
    return do_silence(e, s->seconds);
  case QH_STEP_SLEEP:
    return do_sleep(e, s->seconds);
  }
  conclude(e, QH_ERROR, "unknown step kind"); /* a broken case model */
  return -1;
}

void qh_engine_run(const qh_case *c, qh_engine_env *env, qh_case_result *r)
{
  engine e = {.c = c, .env = env, .r = r, .t0 = qc_now_ms()};
  if (env->t->fd < 0) {
    conclude(&e, QH_ERROR, "the module's line is not open");
    return;
  }
  for (size_t i = 0; i < c->nsteps; i++) {
    e.step = i + 1;
    const qh_step *s = &c->steps[i];
    qh_case_note(r, elapsed(&e), "step %zu: %s (%s:%d)", e.step,
                 qh_step_kind_name(s->kind), s->where.file, s->where.line);
    if (run_step(&e, s) < 0)
      return;
  }
  r->verdict = QH_PASS;
  r->failed_step = 0;
}
