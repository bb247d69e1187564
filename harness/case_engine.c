/* case_engine: one case, step by step, every wait bounded. */
#include "case_engine.h"

#include "at_chat.h"
#include "escape.h"
#include "fsutil.h"

#include "qc_io.h"
#include "qc_payload.h"
#include "qc_time.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  ENGINE_WRITE_MS = 5000,
  ENGINE_TEXT_MAX = 65536 + 1024,
};

enum { DATA_CHUNK = 65536, DATA_SHOW = 48, ENGINE_SENT_MAX = 65536 };

/* A listing ends where the module prints OK: "\r\nOK\r\n" and its URC
 * (see do_read_listing). When the listing itself ended with CRLF and the
 * module added its own (seen on firmware), the module's pair is framing;
 * otherwise the CRLF before OK is the listing's last line end. */
enum { LISTING_MAX = 4 * 1024 * 1024, LISTING_QUIET_MS = 500 };

/* The engine's working memory, allocated once and reused by every case
 * it runs: nothing is shared between two engines. */
struct qh_engine {
  char text[ENGINE_TEXT_MAX];         /* a step's text, ${...} expanded */
  unsigned char raw[ENGINE_TEXT_MAX]; /* send_raw / data text, unescaped */
  unsigned char chunk[DATA_CHUNK];    /* data mode: bytes read or sent */
  unsigned char want[DATA_CHUNK];     /* data mode: bytes expected */
  char *listing;                      /* LISTING_MAX + 1 bytes */
  /* The lines the last qh_engine_run sent, each ended by NUL, for the
   * `if_sent:` of the teardown that follows; sent_all: raw bytes went out
   * (not read as commands) or the record is full, so every if_sent holds. */
  char sent[ENGINE_SENT_MAX];
  size_t sent_len;
  bool sent_all;
};

qh_engine *qh_engine_new(void)
{
  qh_engine *m = calloc(1, sizeof *m);
  if (m && !(m->listing = malloc(LISTING_MAX + 1))) {
    free(m);
    m = NULL;
  }
  return m;
}

void qh_engine_free(qh_engine *m)
{
  if (!m)
    return;
  free(m->listing);
  free(m);
}

typedef struct engine {
  qh_engine *m;
  const qh_case *c;
  qh_engine_env *env;
  qr_case_result *r;
  int64_t t0;
  qh_chat chat; /* the module's line: sends, lines back, the echo */
  size_t step; /* 1-based index of the current step */
  bool no_verdict;   /* qh_engine_play: failures are notes */
  bool busy;         /* the current step saw its busy: line */
  size_t skipped;    /* steps whose if_sent did not hold */
  char busy_line[QH_LINE_MAX + 1];
  long last_in;      /* transcript index of the module's last line; -1 */
  /* The failure record of the current step (qr_failure): what it wanted
   * (want: the step's own text, or want_buf), what came instead (seen;
   * "" = the failure's message) and the transcript entry of that. */
  const char *want;
  char want_buf[256];
  char seen[QH_LINE_MAX + 128];
  long seen_line;
} engine;

static double elapsed(const engine *e)
{
  return (double)(qc_now_ms() - e->t0) / 1000.0;
}

static bool interrupted(const engine *e)
{
  return qh_chat_interrupted(&e->chat);
}

/* Every line both ways goes into the transcript. */
static void record(void *ctx, char dir, const char *text, size_t len, bool cut)
{
  engine *e = ctx;
  size_t before = e->r->nlines;
  qr_case_add_line(e->r, elapsed(e), dir, text, len);
  if (dir == '<')
    e->last_in = e->r->nlines > before ? (long)before : -1;
  if (cut)
    qr_case_note(e->r, elapsed(e), "line longer than %d bytes, cut",
                 QH_LINE_MAX);
}

double qh_engine_step_timeout(const qh_engine_env *env, const qh_step *s)
{
  double t;
  if (s->timeout_s > 0) {
    t = s->timeout_s * env->time_scale;
    if (t < env->min_timeout)
      t = env->min_timeout;
    t += env->timeout_margin;
    if (env->max_timeout > 0 && t > env->max_timeout)
      t = env->max_timeout;
    return t;
  }
  switch (s->kind) {
  case QH_STEP_WAIT_FOR:
  case QH_STEP_WAIT_MATCH:
    return env->urc_timeout;
  case QH_STEP_EXPECT:
  case QH_STEP_EXPECT_MATCH:
    return env->expect_timeout;
  case QH_STEP_SEND:
  case QH_STEP_SEND_RAW:
  case QH_STEP_EXPECT_DATA:
  case QH_STEP_READ_LISTING:
    return env->expect_timeout;
  case QH_STEP_SILENCE:
  case QH_STEP_SLEEP:
  case QH_STEP_SEND_DATA:
  case QH_STEP_ESCAPE:
  case QH_STEP_DTR:
  case QH_STEP_SIM_CONTROL:
    break;
  }
  return 0;
}

/* What the current step met instead of what it wanted: a sentence or
 * the line (line: its transcript index, -1 none), for the failure
 * record; conclude's message stays the reason. */
static void saw(engine *e, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void saw(engine *e, long line, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->seen, sizeof e->seen, fmt, ap);
  va_end(ap);
  e->seen_line = line;
}

/* What the step wants, for the failure record (printf-style into
 * want_buf). */
static void wants(engine *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void wants(engine *e, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->want_buf, sizeof e->want_buf, fmt, ap);
  va_end(ap);
  e->want = e->want_buf;
}

/* "file:line:col" of a step, the file relative to the project home. */
static void step_where(const engine *e, const qh_step *s, char *buf,
                       size_t len)
{
  char rel[PATH_MAX];
  qh_path_from_home(e->env->home, s->where.file, rel, sizeof rel);
  snprintf(buf, len, "%s:%d:%d", rel, s->where.line, s->where.col);
}

/* The fragment a step was spliced from (use:): its file's name without
 * ".yaml"; NULL for the case's own steps. */
static const char *step_fragment(const engine *e, const qh_step *s,
                                 char *buf, size_t len)
{
  const char *f = s->where.file;
  if (!f || !e->c->path || strcmp(f, e->c->path) == 0)
    return NULL;
  const char *base = strrchr(f, '/');
  base = base ? base + 1 : f;
  size_t n = strlen(base);
  if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
    n -= 5;
  snprintf(buf, len, "%.*s", (int)n, base);
  return buf;
}

/* Ends the case with a verdict; the reason names the step and where it was
 * written, then adds what the runner knows about the world. The failure
 * record gets the step, what it wanted (e->want) and what came (e->seen,
 * else the message). */
static void conclude(engine *e, qr_verdict v, const char *what)
{
  const qh_step *cur = e->step ? &e->c->steps[e->step - 1] : NULL;
  bool goes_on = cur && cur->optional && !e->busy && !interrupted(e);
  char where[PATH_MAX + 32] = "";
  if (cur)
    step_where(e, cur, where, sizeof where);
  if (e->no_verdict || goes_on) {
    /* Noted where it happened; an optional step lets the others run. */
    if (cur)
      qr_case_note(e->r, elapsed(e), "%sstep %zu (%s): %s%s",
                   e->no_verdict ? "teardown " : "", e->step, where, what,
                   goes_on ? " (optional: going on)" : "");
    else
      qr_case_note(e->r, elapsed(e), "%s", what);
    return;
  }
  char world[512] = "";
  if (v != QR_PASS && e->env->explain)
    e->env->explain(e->env->ctx, world, sizeof world);
  /* A device that went away mid-case, or what explain reports (the
   * module's line dead, the case's server exited), is the environment's
   * doing: the case is an error with the reason, never a failure of the
   * module. */
  const char *lost = qh_transport_lost(e->env->t);
  if ((lost || world[0]) && v == QR_FAIL)
    v = QR_ERROR;
  if (lost && !strstr(world, lost)) {
    size_t o = strlen(world);
    snprintf(world + o, sizeof world - o, "%s%s", o ? "; " : "", lost);
  }
  if (cur) {
    char frag[128];
    qr_case_set_verdict(e->r, v, (int)e->step, "step %zu (%s): %s%s%s",
                        e->step, where, what, world[0] ? "; " : "", world);
    qr_case_set_failure(e->r, (int)e->step, qh_step_kind_name(cur->kind),
                        where, step_fragment(e, cur, frag, sizeof frag),
                        e->want ? e->want : "", e->seen[0] ? e->seen : what,
                        e->seen_line);
  } else {
    qr_case_set_verdict(e->r, v, 0, "%s%s%s", what, world[0] ? "; " : "",
                        world);
    qr_case_set_failure(e->r, 0, "environment", NULL, NULL, "",
                        e->seen[0] ? e->seen : what, e->seen_line);
  }
  qr_case_note(e->r, elapsed(e), "%s", e->r->reason ? e->r->reason : "pass");
}

/* Next line from the module, skipping the echo of what we sent. Returns 1,
 * 0 hang-up, QC_IO_TIMEOUT, QC_IO_ERR, or 2 when interrupted. */
static int next_line(engine *e, int64_t deadline, qh_line *ln)
{
  return qh_chat_next(&e->chat, deadline, ln);
}

/* Messages quote at most 1 KiB of a line: enough to see the difference. */
static void describe_no_line(engine *e, int r, double waited, const char *want,
                             char *buf, size_t len)
{
  if (r == 0 && qh_transport_lost(e->env->t))
    saw(e, -1, "the device went away after %.1f s", waited);
  else if (r == 0)
    saw(e, -1, "the module hung up after %.1f s", waited);
  else if (r == QC_IO_TIMEOUT)
    saw(e, -1, "nothing within %.1f s", waited);
  else if (r == 2)
    saw(e, -1, "interrupted");
  else
    saw(e, -1, "read error: %s", strerror(errno));
  if (r == 2)
    snprintf(buf, len, "interrupted while waiting for `%.1024s`", want);
  else
    snprintf(buf, len, "expected `%.1024s`, %s%s", want,
             r == QC_IO_TIMEOUT ? "got " : "", e->seen);
}

/* What the case sent, for if_sent (qh_engine_play's steps add nothing). */
static void remember_sent(engine *e, const char *text, bool raw)
{
  qh_engine *m = e->m;
  size_t n = strlen(text) + 1;
  if (e->no_verdict)
    return;
  if (raw || m->sent_len + n > sizeof m->sent) {
    m->sent_all = true;
    return;
  }
  memcpy(m->sent + m->sent_len, text, n);
  m->sent_len += n;
}

/* Whether a line the case sent matches the ERE (case-insensitive: AT
 * commands are). A pattern that does not compile holds: the loader
 * checked it, and a reset too many is harmless. */
static bool sent_matches(const engine *e, const char *ere)
{
  const qh_engine *m = e->m;
  regex_t re;
  if (m->sent_all ||
      regcomp(&re, ere, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
    return true;
  bool hit = false;
  for (size_t i = 0; i < m->sent_len && !hit; i += strlen(m->sent + i) + 1)
    hit = regexec(&re, m->sent + i, 0, NULL, 0) == 0;
  regfree(&re);
  return hit;
}

static int do_send(engine *e, const char *text, bool raw)
{
  unsigned char *bytes = e->m->raw;
  char msg[256];
  int rc;
  /* A line's echo is skipped; raw bytes are the case's business: their
   * echo, if any, is there to be expected. */
  remember_sent(e, text, raw);
  if (raw) {
    long k = qh_unescape(text, bytes, ENGINE_TEXT_MAX);
    if (k < 0) {
      conclude(e, QR_ERROR, "send_raw: bad escape (use \\r \\n \\t \\\\ \\xNN)");
      return -1;
    }
    rc = qh_chat_send_raw(&e->chat, bytes, (size_t)k,
                          qc_deadline_in(ENGINE_WRITE_MS));
  } else {
    rc = qh_chat_send(&e->chat, text, qc_deadline_in(ENGINE_WRITE_MS));
  }
  if (rc != 0) {
    snprintf(msg, sizeof msg, "cannot write to the module: %s",
             rc == QC_IO_TIMEOUT ? "timed out (flow control?)"
                                 : strerror(errno));
    saw(e, -1, "the module did not take the line: %s",
        rc == QC_IO_TIMEOUT ? "timed out (flow control?)" : strerror(errno));
    conclude(e, QR_FAIL, msg);
    return -1;
  }
  return 0;
}

/* A step's `busy:` line: the module says it cannot take the command now
 * (e.g. 603 while a transfer runs); the step ends there. */
static bool is_busy(engine *e, const qh_step *s, const qh_line *ln,
                    char *msg, size_t len)
{
  if (!s->busy || strcmp(ln->text, s->busy) != 0)
    return false;
  e->busy = true;
  snprintf(e->busy_line, sizeof e->busy_line, "%s", ln->text);
  snprintf(msg, len, "the module is busy: got `%.1024s`", ln->text);
  saw(e, e->last_in, "%s", ln->text);
  return true;
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
    conclude(e, r == 2 ? QR_ERROR : QR_FAIL, msg);
    return -1;
  }
  if (is_busy(e, s, &ln, msg, sizeof msg)) {
    conclude(e, QR_FAIL, msg);
    return -1;
  }
  bool ok;
  if (s->kind == QH_STEP_EXPECT_MATCH) {
    regex_t re;
    if (regcomp(&re, want, REG_EXTENDED | REG_NOSUB) != 0) {
      snprintf(msg, sizeof msg, "bad regular expression `%.1024s`", want);
      conclude(e, QR_ERROR, msg);
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
    saw(e, e->last_in, "%s", ln.text);
    conclude(e, QR_FAIL, msg);
    return -1;
  }
  return 0;
}

static int wait_lines(engine *e, const qh_step *s, const char *want,
                      const regex_t *re);

static int do_wait_for(engine *e, const qh_step *s, const char *want)
{
  regex_t re;
  bool match = s->kind == QH_STEP_WAIT_MATCH;
  if (match && regcomp(&re, want, REG_EXTENDED | REG_NOSUB) != 0) {
    char msg[1100];
    snprintf(msg, sizeof msg, "bad regular expression `%.1024s`", want);
    conclude(e, QR_ERROR, msg);
    return -1;
  }
  int rc = wait_lines(e, s, want, match ? &re : NULL);
  if (match)
    regfree(&re);
  return rc;
}

/* wait_for (re NULL: a line equal to want) and wait_match. */
static int wait_lines(engine *e, const qh_step *s, const char *want,
                      const regex_t *re)
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
        m = strlen(e->seen);
        snprintf(e->seen + m, sizeof e->seen - m,
                 " (skipped %zu other line%s, last `%s`)", skipped,
                 skipped == 1 ? "" : "s", last);
      }
      conclude(e, r == 2 ? QR_ERROR : QR_FAIL, msg);
      return -1;
    }
    char msg[QH_LINE_MAX + 64];
    if (is_busy(e, s, &ln, msg, sizeof msg)) {
      conclude(e, QR_FAIL, msg);
      return -1;
    }
    if (re ? regexec(re, ln.text, 0, NULL, 0) == 0 : strcmp(ln.text, want) == 0)
      return 0;
    if (!e->no_verdict)
      qr_case_add_unexpected(e->r, ln.text);
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
  char msg[QH_LINE_MAX + 256];
  for (;;) {
    if (interrupted(e)) {
      conclude(e, QR_ERROR, "interrupted");
      return -1;
    }
    if (qc_remaining_ms(deadline) <= 0)
      return 0;
    int64_t slice = qc_deadline_in(QH_CHAT_SLICE_MS);
    int r = qh_lines_wait_any(env->lines, env->t,
                              slice < deadline ? slice : deadline);
    if (r == QC_IO_TIMEOUT)
      continue;
    if (r == 0) {
      snprintf(msg, sizeof msg, "expected silence, the module hung up");
      saw(e, -1, "the module hung up");
    } else if (r != 1) {
      snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
    } else {
      /* Show what broke the silence: the line, if it completes soon. The
       * echo of our own last command, or the LF that ends the line before
       * the silence, is not a break; only bytes of a line that began
       * within the silence are worth the wait for its end (a line that
       * came after the silence ran out is the next step's). */
      qh_line ln;
      int lr = next_line(e, qc_now_ms(), &ln);
      if (lr == QC_IO_TIMEOUT && !qh_lines_pending(env->lines))
        continue; /* only framing or our echo came */
      if (lr == QC_IO_TIMEOUT)
        lr = next_line(e, qc_deadline_in(200), &ln);
      if (lr == 2) {
        conclude(e, QR_ERROR, "interrupted");
        return -1;
      }
      if (lr == 1) {
        snprintf(msg, sizeof msg, "expected silence for %.2f s, got `%.1024s`",
                 seconds, ln.text);
        saw(e, e->last_in, "%s", ln.text);
      } else if (lr == QC_IO_TIMEOUT) {
        snprintf(msg, sizeof msg,
                 "expected silence for %.2f s, got a partial line", seconds);
        saw(e, -1, "a partial line");
      } else if (lr == 0) {
        snprintf(msg, sizeof msg, "expected silence, the module hung up");
        saw(e, -1, "the module hung up");
      } else {
        snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
      }
    }
    conclude(e, QR_FAIL, msg);
    return -1;
  }
}

static int do_sleep(engine *e, double seconds)
{
  int64_t deadline = qc_deadline_in((int64_t)(seconds * 1000));
  while (qc_remaining_ms(deadline) > 0) {
    if (interrupted(e)) {
      conclude(e, QR_ERROR, "interrupted");
      return -1;
    }
    int64_t slice = qc_deadline_in(QH_CHAT_SLICE_MS);
    qc_sleep_until(slice < deadline ? slice : deadline);
  }
  return 0;
}

/* ---- data mode (note 1.5) ------------------------------------------- */

/* The bytes a send_data/expect_data step stands for: a payload (size,
 * seed) or decoded text. */
typedef struct data_src {
  bool payload;
  uint32_t seed;
  uint64_t offset; /* of the payload's first byte */
  uint64_t size;
  const unsigned char *text;
} data_src;

static int data_source(engine *e, const qh_step *s, const char *text,
                       data_src *d, unsigned char *tbuf, size_t tcap)
{
  memset(d, 0, sizeof *d);
  if (s->has_payload) {
    d->payload = true;
    d->seed = s->seed;
    d->offset = s->offset;
    d->size = s->size;
    return 0;
  }
  long k = qh_unescape(text ? text : "", tbuf, tcap);
  if (k < 0) {
    conclude(e, QR_ERROR, "data text: bad escape");
    return -1;
  }
  d->size = (uint64_t)k;
  d->text = tbuf;
  return 0;
}

static void data_fill(const data_src *d, uint64_t off, unsigned char *buf,
                      size_t n)
{
  if (d->payload)
    qc_payload_fill(d->seed, d->offset + off, buf, n);
  else
    memcpy(buf, d->text + off, n);
}

static void data_describe(const data_src *d, char *buf, size_t len)
{
  if (d->payload)
    snprintf(buf, len, "payload seed %u, %llu bytes from %llu",
             (unsigned)d->seed, (unsigned long long)d->size,
             (unsigned long long)d->offset);
  else
    snprintf(buf, len, "text, %llu bytes", (unsigned long long)d->size);
}

static int do_send_data(engine *e, const qh_step *s, const char *text)
{
  unsigned char *chunk = e->m->chunk;
  data_src d;
  if (data_source(e, s, text, &d, e->m->raw, ENGINE_TEXT_MAX) < 0)
    return -1;
  char what[96];
  data_describe(&d, what, sizeof what);
  qr_case_note(e->r, elapsed(e), "send_data: %s", what);
  for (uint64_t off = 0; off < d.size;) {
    if (interrupted(e)) {
      conclude(e, QR_ERROR, "interrupted");
      return -1;
    }
    size_t n = d.size - off < DATA_CHUNK ? (size_t)(d.size - off) : DATA_CHUNK;
    data_fill(&d, off, chunk, n);
    /* The module paces us (flow control, a full pty): allow a stall as
     * long as an expect would wait, per chunk. */
    int64_t dl = qc_deadline_in((int64_t)(e->env->expect_timeout * 1000));
    if (qh_transport_write(e->env->t, chunk, n, dl) != 0) {
      char msg[160];
      snprintf(msg, sizeof msg,
               "send_data: the module stopped taking data after %llu of "
               "%llu bytes",
               (unsigned long long)off, (unsigned long long)d.size);
      saw(e, -1, "the module stopped taking data after %llu bytes",
          (unsigned long long)off);
      conclude(e, QR_FAIL, msg);
      return -1;
    }
    off += n;
  }
  e->chat.echo_pending = false;
  return 0;
}

static int do_expect_data(engine *e, const qh_step *s, const char *text)
{
  unsigned char *got = e->m->chunk, *want = e->m->want;
  data_src d;
  if (data_source(e, s, text, &d, e->m->raw, ENGINE_TEXT_MAX) < 0)
    return -1;
  char what[96], msg[512];
  data_describe(&d, what, sizeof what);
  double gap = qh_engine_step_timeout(e->env, s);
  uint64_t off = 0;
  while (off < d.size) {
    if (interrupted(e)) {
      conclude(e, QR_ERROR, "interrupted");
      return -1;
    }
    size_t want_n =
        d.size - off < DATA_CHUNK ? (size_t)(d.size - off) : DATA_CHUNK;
    /* Like rsptimeout between two packets (2.1): the wait is per gap. */
    long r = qh_lines_read_raw(e->env->lines, e->env->t, got, want_n,
                               qc_deadline_in((int64_t)(gap * 1000)));
    if (r <= 0) {
      snprintf(msg, sizeof msg,
               "expect_data (%s): %s after %llu bytes", what,
               r == 0 ? "the module hung up"
               : r == QC_IO_TIMEOUT ? "no more data within the gap timeout"
                                    : "read error",
               (unsigned long long)off);
      saw(e, -1, "%s after %llu bytes",
          r == 0                 ? "the module hung up"
          : r == QC_IO_TIMEOUT ? "no more data within the gap timeout"
                               : "read error",
          (unsigned long long)off);
      conclude(e, QR_FAIL, msg);
      return -1;
    }
    data_fill(&d, off, want, (size_t)r);
    if (memcmp(got, want, (size_t)r) != 0) {
      size_t i = 0;
      while (got[i] == want[i])
        i++;
      snprintf(msg, sizeof msg,
               "expect_data (%s): first difference at byte %llu: expected "
               "0x%02x, got 0x%02x",
               what, (unsigned long long)(off + i), want[i], got[i]);
      saw(e, -1, "byte %llu is 0x%02x where 0x%02x was expected",
          (unsigned long long)(off + i), got[i], want[i]);
      conclude(e, QR_FAIL, msg);
      return -1;
    }
    if (off == 0) {
      size_t show = (size_t)r < DATA_SHOW ? (size_t)r : DATA_SHOW;
      qr_case_add_line(e->r, elapsed(e), '<', (const char *)got, show);
    }
    off += (uint64_t)r;
  }
  qr_case_note(e->r, elapsed(e), "expect_data: %s received byte-exact",
               what);
  qh_vars_setf(e->env->vars, "data_len", "%llu", (unsigned long long)off);
  return 0;
}

/* What may follow the OK that ends a listing: the command's URC (2.11-2.13;
 * some firmware spells NLST "NLIST"). */
static const char *const listing_urcs[] = {"+QFTPLIST:", "+QFTPNLST:",
                                           "+QFTPNLIST:", "+QFTPMLSD:"};

typedef enum { FOLLOW_URC, FOLLOW_DATA, FOLLOW_UNKNOWN } follow;

/* Do the bytes after an OK marker start the listing's URC (after the CRLF
 * that frames it)? FOLLOW_UNKNOWN: too few bytes to say yet. */
static follow after_ok(const char *p, size_t n)
{
  while (n && (*p == '\r' || *p == '\n')) {
    p++;
    n--;
  }
  if (n == 0)
    return FOLLOW_UNKNOWN;
  bool partial = false;
  for (size_t i = 0; i < sizeof listing_urcs / sizeof listing_urcs[0]; i++) {
    size_t u = strlen(listing_urcs[i]);
    if (memcmp(p, listing_urcs[i], n < u ? n : u) == 0) {
      if (n >= u)
        return FOLLOW_URC;
      partial = true;
    }
  }
  return partial ? FOLLOW_UNKNOWN : FOLLOW_DATA;
}

/* The next "\r\nOK\r\n" at or after `from` (or "OK\r\n" at 0: an empty
 * listing); *mlen its length. -1: none yet. */
static long find_ok(const char *buf, size_t len, size_t from, size_t *mlen)
{
  if (from == 0 && len >= 4 && memcmp(buf, "OK\r\n", 4) == 0) {
    *mlen = 4;
    return 0;
  }
  if (from >= len)
    return -1;
  const char *p = memmem(buf + from, len - from, "\r\nOK\r\n", 6);
  *mlen = 6;
  return p ? p - buf : -1;
}

/* A listing is bytes, then "\r\nOK\r\n", then the URC. An entry named OK
 * prints the same marker, so a marker ends the listing only when the URC
 * follows it, or nothing more comes for LISTING_QUIET_MS. */
static int do_read_listing(engine *e, const qh_step *s)
{
  char *buf = e->m->listing;
  size_t len = 0, from = 0, mlen = 0;
  double gap = qh_engine_step_timeout(e->env, s);
  char msg[512];
  long end = -1;
  while (end < 0) {
    long ok = find_ok(buf, len, from, &mlen);
    follow f = ok < 0 ? FOLLOW_DATA
                      : after_ok(buf + ok + mlen, len - (size_t)ok - mlen);
    if (f == FOLLOW_URC) {
      end = ok;
      break;
    }
    if (ok >= 0 && f == FOLLOW_DATA) {
      from = (size_t)ok + 1; /* an entry's line: look further */
      continue;
    }
    if (len == LISTING_MAX) {
      conclude(e, QR_FAIL, "read_listing: no OK after 4 MiB of listing");
      return -1;
    }
    /* No marker yet: wait as long as a gap may be. A marker without its
     * URC yet: a short wait tells an entry from the end. */
    int64_t wait = ok < 0 ? (int64_t)(gap * 1000) : LISTING_QUIET_MS;
    long r = qh_lines_read_raw(e->env->lines, e->env->t, buf + len,
                               LISTING_MAX - len, qc_deadline_in(wait));
    if (r <= 0 && ok >= 0) {
      end = ok; /* quiet (or gone) after OK: that was the end */
      break;
    }
    if (r <= 0) {
      snprintf(msg, sizeof msg, "read_listing: %s after %zu bytes, no OK",
               r == 0 ? "the module hung up" : "nothing more", len);
      saw(e, -1, "%s after %zu bytes, no OK",
          r == 0 ? "the module hung up" : "nothing more", len);
      conclude(e, QR_FAIL, msg);
      return -1;
    }
    len += (size_t)r;
    buf[len] = '\0';
  }
  size_t data_len = (size_t)end;
  if (end > 0 && !(end >= 2 && memcmp(buf + end - 2, "\r\n", 2) == 0))
    data_len += 2;
  size_t after = (size_t)end + mlen;
  /* What followed OK (the URC, already here) goes back to line mode. */
  if (after < len) {
    qh_lines *l = e->env->lines;
    size_t rest = len - after;
    if (rest <= sizeof l->buf - l->len) {
      memmove(l->buf + rest, l->buf, l->len);
      memcpy(l->buf, buf + after, rest);
      l->len += rest;
    }
  }
  buf[data_len] = '\0';
  size_t before = e->r->nlines;
  qr_case_add_line(e->r, elapsed(e), '<', buf, data_len);
  long at = e->r->nlines > before ? (long)before : -1;
  qr_case_add_line(e->r, elapsed(e), '<', "OK", 2);
  qh_vars_setf(e->env->vars, "data_len", "%zu", data_len);
  for (size_t i = 0; i < s->ncontains; i++)
    if (!strstr(buf, s->contains[i])) {
      snprintf(msg, sizeof msg, "read_listing: `%.200s` is not in the listing",
               s->contains[i]);
      wants(e, "a listing with `%.200s`", s->contains[i]);
      saw(e, at, "a listing of %zu bytes without it", data_len);
      conclude(e, QR_FAIL, msg);
      return -1;
    }
  for (size_t i = 0; i < s->nabsent; i++)
    if (strstr(buf, s->absent[i])) {
      snprintf(msg, sizeof msg,
               "read_listing: `%.200s` is in the listing but must not be",
               s->absent[i]);
      wants(e, "a listing without `%.200s`", s->absent[i]);
      saw(e, at, "a listing of %zu bytes with it", data_len);
      conclude(e, QR_FAIL, msg);
      return -1;
    }
  return 0;
}

/* +++ with its guard times (1.5): silence, three '+', silence. The module
 * counts its silence from the last byte it read, which may be later than
 * our last write (bytes in flight in the line): half a guard and 20 ms of
 * margin keep us on the safe side of "at least 1 s". */
static int do_escape(engine *e, double guard)
{
  double g = guard * e->env->time_scale * 1.5 + 0.02;
  if (do_sleep(e, g) < 0)
    return -1;
  if (qh_chat_send_raw(&e->chat, "+++", 3, qc_deadline_in(ENGINE_WRITE_MS)) !=
      0) {
    conclude(e, QR_FAIL, "escape: cannot write +++ to the module");
    return -1;
  }
  return do_sleep(e, g);
}

static int do_dtr(engine *e, bool up)
{
  qr_case_note(e->r, elapsed(e), "DTR %s", up ? "up" : "down");
  if (qh_transport_set_dtr(e->env->t, up) < 0) {
    char msg[160];
    int err = errno;
    bool none = err == ENOTTY || err == ENOTSUP || err == EINVAL;
    snprintf(msg, sizeof msg, "dtr: %s %.100s (%s)",
             none ? "no DTR line on" : "cannot set DTR on",
             e->env->t->target[0] ? e->env->t->target : "this line",
             strerror(err));
    conclude(e, QR_ERROR, msg);
    return -1;
  }
  return 0;
}

/* A line to the simulator's control channel (the network deactivating a
 * context, ...): the simulator answers "ok" at once. A target without
 * that channel (--device) is the environment's lack, not the module's
 * fault: the case should carry needs:sim-control and be skipped there. */
static int do_sim_control(engine *e, const char *line)
{
  qr_case_note(e->r, elapsed(e), "simulator control: %s", line);
  char err[256];
  if (qh_transport_sim_control(e->env->t, line, err, sizeof err) != 0) {
    char msg[320];
    snprintf(msg, sizeof msg, "sim_control: %s", err);
    conclude(e, QR_ERROR, msg);
    return -1;
  }
  return 0;
}

/* What step s wants, as its failure record shows it (text: its own text,
 * expanded). */
static void step_wants(engine *e, const qh_step *s, const char *text)
{
  e->want = NULL;
  switch (s->kind) {
  case QH_STEP_SEND:
  case QH_STEP_SEND_RAW:
  case QH_STEP_EXPECT:
  case QH_STEP_EXPECT_MATCH:
  case QH_STEP_WAIT_FOR:
  case QH_STEP_WAIT_MATCH:
    e->want = text;
    return;
  case QH_STEP_SILENCE:
    wants(e, "silence for %.2f s",
          s->scaled ? s->seconds * e->env->time_scale : s->seconds);
    return;
  case QH_STEP_SEND_DATA:
  case QH_STEP_EXPECT_DATA:
    if (!s->has_payload)
      e->want = text;
    else if (s->offset)
      wants(e, "%llu bytes, seed %u, from byte %llu",
            (unsigned long long)s->size, (unsigned)s->seed,
            (unsigned long long)s->offset);
    else
      wants(e, "%llu bytes, seed %u", (unsigned long long)s->size,
            (unsigned)s->seed);
    return;
  case QH_STEP_READ_LISTING:
    wants(e, "a listing ended by OK");
    return;
  case QH_STEP_ESCAPE:
    wants(e, "+++ between %.2f s guard times", s->seconds);
    return;
  case QH_STEP_DTR:
    wants(e, "DTR %s", s->up ? "up" : "down");
    return;
  case QH_STEP_SIM_CONTROL:
    wants(e, "the simulator's ok to `%s`", text);
    return;
  case QH_STEP_SLEEP:
    return;
  }
}

static int run_step(engine *e, const qh_step *s)
{
  char *text = e->m->text;
  char err[256];
  e->seen[0] = '\0';
  e->seen_line = -1;
  e->want = NULL;
  if (s->text && qh_vars_expand(e->env->vars, s->text, text, ENGINE_TEXT_MAX, err,
                                sizeof err) < 0) {
    conclude(e, QR_ERROR, err);
    return -1;
  }
  step_wants(e, s, s->text ? text : "");
  switch (s->kind) {
  case QH_STEP_SEND:
    return do_send(e, text, false);
  case QH_STEP_SEND_RAW:
    return do_send(e, text, true);
  case QH_STEP_EXPECT:
  case QH_STEP_EXPECT_MATCH:
    return do_expect(e, s, text);
  case QH_STEP_WAIT_FOR:
  case QH_STEP_WAIT_MATCH:
    return do_wait_for(e, s, text);
  case QH_STEP_SILENCE:
    /* A silence that is the subject of a case (before a module timer runs
     * out) is module time and scales; others are real time. */
    return do_silence(e, s->scaled ? s->seconds * e->env->time_scale
                                   : s->seconds);
  case QH_STEP_SLEEP:
    return do_sleep(e, s->seconds * e->env->time_scale); /* module time */
  case QH_STEP_SEND_DATA:
    return do_send_data(e, s, s->text ? text : NULL);
  case QH_STEP_EXPECT_DATA:
    return do_expect_data(e, s, s->text ? text : NULL);
  case QH_STEP_READ_LISTING:
    return do_read_listing(e, s);
  case QH_STEP_ESCAPE:
    return do_escape(e, s->seconds);
  case QH_STEP_DTR:
    return do_dtr(e, s->up);
  case QH_STEP_SIM_CONTROL:
    return do_sim_control(e, text);
  }
  conclude(e, QR_ERROR, "unknown step kind"); /* a broken case model */
  return -1;
}

static void engine_init(engine *e, qh_engine *m, const qh_case *c,
                        qh_engine_env *env, qr_case_result *r)
{
  *e = (engine){.m = m, .c = c, .env = env, .r = r,
                .t0 = env->t0 ? env->t0 : qc_now_ms(),
                .last_in = -1, .seen_line = -1};
  qh_chat_init(&e->chat, env->t, env->lines, record, e);
  e->chat.interrupted = env->interrupted;
  e->chat.interrupt_level = env->interrupt_level;
}

/* The steps in order; false when one failed (an optional one goes on).
 * With a verdict, each step's status goes into r's steps (first0: the
 * index of the case's first one there) and the transcript entries are
 * stamped with the step. */
static bool run_steps(engine *e, size_t first0)
{
  bool own = !e->no_verdict;
  for (size_t i = 0; i < e->c->nsteps; i++) {
    e->step = i + 1;
    const qh_step *s = &e->c->steps[i];
    double t = elapsed(e);
    if (s->if_sent && !sent_matches(e, s->if_sent)) {
      e->skipped++;
      if (own)
        qr_case_step_status(e->r, first0 + i, QR_STEP_SKIPPED, t);
      continue;
    }
    if (own) {
      char rel[PATH_MAX];
      e->r->cur_step = (int)e->step;
      qr_case_note(e->r, t, "step %zu: %s (%s:%d)", e->step,
                   qh_step_kind_name(s->kind),
                   qh_path_from_home(e->env->home, s->where.file, rel,
                                     sizeof rel),
                   s->where.line);
    }
    if (run_step(e, s) < 0) {
      bool goes_on = s->optional && !e->busy && !interrupted(e);
      if (own)
        qr_case_step_status(e->r, first0 + i,
                            goes_on ? QR_STEP_OPTIONAL_FAILED : QR_STEP_FAIL,
                            t);
      if (!goes_on)
        return false;
    } else if (own) {
      qr_case_step_status(e->r, first0 + i, QR_STEP_PASS, t);
    }
  }
  return true;
}

/* One "steps" entry per step of the case, not run yet. */
static size_t list_steps(engine *e)
{
  size_t first0 = e->r->nsteps;
  for (size_t i = 0; i < e->c->nsteps; i++) {
    const qh_step *s = &e->c->steps[i];
    char where[PATH_MAX + 32], frag[128];
    step_where(e, s, where, sizeof where);
    qr_case_add_step(e->r, qh_step_kind_name(s->kind), where,
                     step_fragment(e, s, frag, sizeof frag));
  }
  return first0;
}

void qh_engine_run(qh_engine *m, const qh_case *c, qh_engine_env *env,
                   qr_case_result *r)
{
  engine e;
  engine_init(&e, m, c, env, r);
  m->sent_len = 0;
  m->sent_all = false;
  size_t first0 = list_steps(&e);
  if (!qh_transport_is_open(env->t)) {
    conclude(&e, QR_ERROR, "the module's line is not open");
    return;
  }
  bool ok = run_steps(&e, first0);
  r->cur_step = 0; /* what comes after the last step is no step's */
  if (!ok)
    return;
  r->verdict = QR_PASS;
  r->failed_step = 0;
  qr_case_clear_failure(r);
}

qh_engine_end qh_engine_play(qh_engine *m, const qh_case *c,
                             qh_engine_env *env, qr_case_result *r, char *busy,
                             size_t busylen)
{
  engine e;
  engine_init(&e, m, c, env, r);
  e.no_verdict = true;
  bool done = run_steps(&e, 0);
  if (e.skipped)
    qr_case_note(r, elapsed(&e), "%zu step%s not played: the case sent no "
                 "line they reset (if_sent)", e.skipped,
                 e.skipped == 1 ? "" : "s");
  if (done)
    return QH_ENGINE_DONE;
  if (!e.busy)
    return QH_ENGINE_FAILED;
  if (busy && busylen)
    snprintf(busy, busylen, "%s", e.busy_line);
  return QH_ENGINE_BUSY;
}
