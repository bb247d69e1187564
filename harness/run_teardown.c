/* run_teardown: after a case, the module back as the next case expects
 * it; the protocol is cases/_fragments/teardown.yaml. */
#include "run_priv.h"

#include "at_chat.h"
#include "qc_io.h"
#include "qc_time.h"

#include <stdio.h>
#include <string.h>

/* Where the teardown's lines go: the case's transcript, timed from t0. */
typedef struct rec_ctx {
  qr_case_result *cr;
  double t0s;
} rec_ctx;

static void record_line(void *ctx, char dir, const char *text, size_t len,
                        bool cut)
{
  rec_ctx *rc = ctx;
  (void)cut;
  qr_case_add_line(rc->cr, (double)qc_now_ms() / 1000.0 - rc->t0s, dir, text,
                   len);
}


static void chat_open(run *r, qh_chat *ch, rec_ctx *rc)
{
  qh_chat_init(ch, r->t, &r->lines, record_line, rc);
  /* A first Ctrl-C does not stop the teardown; a second does. */
  ch->interrupted = r->interrupted;
  ch->interrupt_level = r->tearing_down ? 2 : 1;
}


/* A line of the marker's own answer: its echo, or (a module whose echo
 * cannot be turned on) the revision the preflight read. The echo may end
 * a line of leftover bytes that had no line end of their own. */
static bool is_marker_line(const run *r, const qh_line *ln)
{
  size_t n = strlen(RUN_SENTINEL);
  if (ln->len >= n && strcmp(ln->text + ln->len - n, RUN_SENTINEL) == 0)
    return true;
  return r->id.revision[0] && strcmp(ln->text, r->id.revision) == 0;
}

/* Reads up to the module's answer to a line of ours: by construction that
 * answer comes after everything it said before, so no wait for silence is
 * needed and nothing it printed is lost (leftovers go to the transcript).
 * ATE1 first, to its final result code (a stale final code of the case may
 * pass for it); then the marker AT+GMR, whose echo or revision line
 * followed by a final result code cannot be stale. false: no answer within
 * ms (data mode, a silent module). */
bool rn_sentinel(run *r, qr_case_result *cr, double t0s, int ms)
{
  qh_chat ch;
  qh_chat_reply a;
  rec_ctx rc = {cr, t0s};
  chat_open(r, &ch, &rc);
  int64_t deadline = qc_deadline_in(ms);
  qh_chat_cmd(&ch, "ATE1", deadline, &a);
  if (a.rc != 1)
    return false;
  if (qh_chat_send(&ch, RUN_SENTINEL, deadline) != 0)
    return false;
  ch.echo_pending = false; /* the echo is what we look for */
  bool marker = false;
  for (;;) {
    qh_line ln;
    if (qh_chat_next(&ch, deadline, &ln) != 1)
      return false;
    if (marker && qh_chat_final_of(ln.text) != QH_FINAL_NONE)
      return true;
    if (is_marker_line(r, &ln))
      marker = true;
  }
}


/* Leaves the module as a case expects to find it: in command mode, no FTP
 * session, no PDP context. A failed case may have left it in data mode
 * (note 1.5), so the first thing is to get an OK to a plain AT, with +++ and
 * its guard times if need be. What it says goes into the transcript after
 * a '#' marker; it never changes the verdict. After a Ctrl-C the
 * teardown is short: no +++ rescue, a capped wait for the close; a second
 * Ctrl-C ends it. */
static void teardown_steps(run *r, qr_case_result *cr, int64_t t0)
{
  double t0s = (double)t0 / 1000.0;
  bool hurry = *r->interrupted != 0;
  qr_case_note(cr, (double)qc_now_ms() / 1000.0 - t0s, "%s",
               hurry ? "teardown (interrupted: short; Ctrl-C again skips it)"
                     : "teardown");
  /* What a failed step left unread (the rest of a download, its URC) is
   * read up to the sentinel's answer. */
  if (!rn_sentinel(r, cr, t0s, RUN_SENTINEL_MS)) {
    if (*r->interrupted) {
      qr_case_note(cr, (double)qc_now_ms() / 1000.0 - t0s,
                   "no OK to AT: interrupted, the module is left as it is");
      r->restart_module = "it stopped answering AT";
      return;
    }
    /* Still in data mode: +++ between guard times (1 s, scaled). */
    int64_t guard = (int64_t)(r->o->time_scale * 1500) + 20;
    qr_case_note(cr, (double)qc_now_ms() / 1000.0 - t0s,
                 "no OK to AT: leaving data mode with +++");
    qc_sleep_until(qc_deadline_in(guard));
    qh_transport_write(r->t, "+++", 3, qc_deadline_in(1000));
    qc_sleep_until(qc_deadline_in(guard));
    if (!rn_sentinel(r, cr, t0s, RUN_SENTINEL_MS)) {
      /* A module that answers nothing is not torn down command by
       * command: the next case starts it again (or reopens the line). */
      qr_case_note(cr, (double)qc_now_ms() / 1000.0 - t0s,
                   "the module does not answer AT: it will be restarted");
      r->restart_module = "it stopped answering AT";
      return;
    }
  }
  /* The protocol is the fragment's; a step that fails means the module
   * must start again before the next case. Its `timeout:` waits get
   * RUN_TEARDOWN_MS of margin (the close: time_scale * 90 s + 3 s), other
   * waits RUN_TEARDOWN_MS; after a Ctrl-C none is longer than 5 s. */
  qh_vars vars;
  rn_set_vars(r, NULL, &vars);
  qh_engine_env env = {
      .t = r->t,
      .lines = &r->lines,
      .vars = &vars,
      .time_scale = r->o->time_scale,
      .min_timeout = 0,
      .expect_timeout = RUN_TEARDOWN_MS / 1000.0,
      .urc_timeout = RUN_TEARDOWN_MS / 1000.0,
      .interrupted = r->interrupted,
      .interrupt_level = 2,
      .timeout_margin = RUN_TEARDOWN_MS / 1000.0,
      .max_timeout = hurry ? RUN_HURRY_WAIT_MS / 1000.0 : 0,
      .t0 = t0,
      .home = r->o->home,
  };
  char busy[128];
  switch (qh_engine_play(r->engine, r->teardown, &env, cr, busy, sizeof busy)) {
  case QH_ENGINE_DONE:
    break;
  case QH_ENGINE_FAILED:
    r->restart_module = "it stopped answering AT";
    return;
  case QH_ENGINE_BUSY: {
    /* "+CME ERROR: 603" says (603): the code, not the whole line. */
    const char *code = strrchr(busy, ' ');
    snprintf(r->restart_buf, sizeof r->restart_buf,
             "it was still busy after the case (%s)", code ? code + 1 : busy);
    r->restart_module = r->restart_buf;
    qr_case_note(cr, (double)qc_now_ms() / 1000.0 - t0s,
                 "the module is busy: it will be reset or restarted");
    return;
  }
  }
  /* No wait for silence here: the fragment's last answer is the module's
   * last word, and the next case's sentinel reads anything later. */
}


void rn_teardown_module(run *r, qr_case_result *cr, int64_t t0)
{
  if (!qh_transport_is_open(r->t) || r->lines.eof)
    return;
  r->tearing_down = true;
  cr->cur_step = -1; /* the transcript's teardown entries */
  teardown_steps(r, cr, t0);
  cr->cur_step = 0;
  r->tearing_down = false;
}
