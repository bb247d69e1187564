/* runner: the run's lifecycle. Everything started here is stopped here,
 * whatever happens in between (a case fails, the module or vsftpd dies,
 * Ctrl-C). */
#include "runner.h"

#include "at_chat.h"
#include "at_lines.h"
#include "case_engine.h"
#include "case_fragment.h"
#include "case_set.h"
#include "fsutil.h"
#include "proxy_ctl.h"
#include "qc_io.h"
#include "qc_profile.h"
#include "qc_time.h"
#include "qr_report.h"
#include "report_dir.h"
#include "run_waivers.h"
#include "qr_result.h"
#include "silent_port.h"
#include "srv_ftp.h"
#include "srv_user.h"
#include "module_id.h"
#include "preflight.h"
#include "reconnect_check.h"
#include "transport.h"
#include "vars.h"
#include "wire_analyze.h"
#include "wire_capture.h"
#include "wire_check.h"
#include "work_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef QFTP_VERSION
#define QFTP_VERSION "0.1.0"
#endif

enum {
  RUN_MAX_SERVERS = 8, /* profiles one run may start: plain, 3 FTPS, mlsd */
  RUN_TEARDOWN_MS = 3000,
  RUN_HURRY_WAIT_MS = 5000, /* the longest teardown wait after a Ctrl-C */
  RUN_DRAIN_QUIET_MS = 50,
  RUN_DRAIN_MAX_MS = 1000,
  RUN_DEVICE_BACKOFF_MIN_MS = 250, /* reopen/reconnect polling */
  RUN_DEVICE_BACKOFF_MAX_MS = 2000,
};

/* A host name that can never resolve (RFC 6761 reserves .invalid). */
#define RUN_BAD_HOST "qftp-no-such-host.invalid"

/* The one file-scope variable: a signal handler can only reach the run
 * through a volatile sig_atomic_t of static storage (C11 7.14.1.1). */
static volatile sig_atomic_t run_interrupted;

/* 1 after the first Ctrl-C (the case ends, a short teardown runs), 2
 * after the second (the teardown stops too). */
static void on_signal(int sig)
{
  (void)sig;
  if (run_interrupted < 2)
    run_interrupted++;
}

typedef struct server_slot {
  char profile[32];
  srv_ftp *srv;
  qh_proxy *proxy; /* in front of srv during a case with faults */
  char dir[PATH_MAX];
} server_slot;

typedef struct run {
  const qh_run_opts *o;
  qc_profile *profile;
  qh_transport *t;
  qh_lines lines;
  server_slot servers[RUN_MAX_SERVERS];
  size_t nservers;
  srv_ftp *cur_srv; /* the server of the current case, for explain() */
  int silent_fd, silent_port, refused_port;
  char work_dir[64]; /* servers' files, under /tmp: reachable by vsftpd */
  char sim_log[PATH_MAX];
  char pending_note[512];  /* what the runner restarted before this case */
  /* Why the teardown wants the module started again before the next
   * case (NULL: it does not). */
  const char *restart_module;
  char restart_buf[192]; /* restart_module when it is composed */
  const qh_case *teardown; /* cases/_fragments/teardown.yaml */
  qh_engine *engine;       /* its buffers, for every case and teardown */
  bool tearing_down;       /* a first Ctrl-C does not stop the teardown */
  /* The current case's error came from the module's line (the device went
   * away, did not come back, could not be restarted): counted against
   * --max-module-errors. */
  bool module_error;
  /* Why the run stops before its last case (the device did not come
   * back, too many module errors); "" while it goes on. stop_code is its
   * results.json stop_reason ("device-lost", "max-module-errors"). */
  char stop_reason[512];
  const char *stop_code;
  qh_module_id id;       /* what the preflight read before the first case */
  /* The revision waivers match: --module-revision, else the one the
   * preflight read; NULL when neither. */
  const char *revision;
  char preflight_path[PATH_MAX];
  int64_t t_start;
  const qh_waivers *waivers;     /* --waivers; NULL without */
  const qh_waiver **waived_by;   /* per case result: the waiver applied */
} run;

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fflush(stdout);
}

static void explain(void *ctx, char *buf, size_t len)
{
  run *r = ctx;
  char why[256];
  size_t o = 0;
  buf[0] = '\0';
  if (!qh_transport_alive(r->t, why, sizeof why))
    o += (size_t)snprintf(buf + o, len - o, "%s", why);
  if (o < len && r->cur_srv && !srv_ftp_alive(r->cur_srv, why, sizeof why))
    snprintf(buf + o, len - o, "%s%s", o ? "; " : "", why);
}

/* The servers are started lazily, one per profile a case names. */
static srv_ftp *server_for(run *r, const char *profile, char *err,
                           size_t errlen)
{
  for (size_t i = 0; i < r->nservers; i++)
    if (strcmp(r->servers[i].profile, profile) == 0)
      return r->servers[i].srv;
  if (r->nservers == RUN_MAX_SERVERS) {
    snprintf(err, errlen, "too many server profiles in one run");
    return NULL;
  }
  server_slot *s = &r->servers[r->nservers];
  snprintf(s->profile, sizeof s->profile, "%s", profile);
  snprintf(s->dir, sizeof s->dir, "%s/srv-%s", r->work_dir, profile);
  char tdir[PATH_MAX];
  snprintf(tdir, sizeof tdir, "%s/servers/vsftpd", r->o->home);
  srv_ftp_opts so = {.run_dir = s->dir,
                     .template_dir = tdir,
                     .profile = profile,
                     .listen_addr = r->o->server_addr,
                     .port = 0};
  if (srv_ftp_start(&so, &s->srv, err, errlen) < 0)
    return NULL;
  progress("server %s: %s on %s:%d, user %s\n", profile,
           srv_ftp_server_name(s->srv),
           srv_ftp_host(s->srv), srv_ftp_port(s->srv), srv_ftp_user(s->srv));
  r->nservers++;
  return s->srv;
}

static int atoi_port(const char *s)
{
  long v = s ? strtol(s, NULL, 10) : 0;
  return v > 0 && v < 65536 ? (int)v : 0;
}

static server_slot *slot_of(run *r, const srv_ftp *srv)
{
  for (size_t i = 0; i < r->nservers; i++)
    if (r->servers[i].srv == srv)
      return &r->servers[i];
  return NULL;
}

/* Puts the fault proxy in front of the case's server and loads its faults.
 * Its data listeners get a range of the run's own beside the server's
 * passive range (qh_proxy_data_range), which the capture names. Returns
 * the port the module must use. */
static int proxy_for(run *r, srv_ftp *srv, const qh_case *c, char *err,
                     size_t errlen)
{
  server_slot *sl = slot_of(r, srv);
  char why[128];
  if (sl->proxy && !qh_proxy_alive(sl->proxy, why, sizeof why)) {
    progress("  restarting the proxy (%s)\n", why);
    qh_proxy_stop(sl->proxy);
    sl->proxy = NULL;
  }
  if (!sl->proxy) {
    char bin[PATH_MAX];
    snprintf(bin, sizeof bin, "%s", r->o->proxy_binary);
    int plo, phi, dlo, dhi, port = srv_ftp_port(srv);
    srv_ftp_pasv_range(srv, &plo, &phi);
    const int avoid[] = {port, port - 1, r->silent_port, r->refused_port};
    if (qh_proxy_data_range(plo, phi, avoid, sizeof avoid / sizeof avoid[0],
                            &dlo, &dhi) < 0) {
      snprintf(err, errlen, "no data port range beside the server's passive "
               "range %d-%d", plo, phi);
      return -1;
    }
    if (qh_proxy_start(bin, sl->dir, r->o->server_addr, srv_ftp_host(srv),
                       port, dlo, dhi, &sl->proxy, err, errlen) < 0)
      return -1;
  }
  if (qh_proxy_set_faults(sl->proxy, c->faults, c->nfaults, r->o->time_scale,
                          err, errlen) < 0)
    return -1;
  return qh_proxy_port(sl->proxy);
}

static void set_vars(run *r, srv_ftp *srv, qh_vars *v)
{
  memset(v, 0, sizeof *v);
  v->profile = r->profile;
  qh_vars_set(v, "host", r->o->server_addr);
  qh_vars_set(v, "bad_host", RUN_BAD_HOST);
  qh_vars_setf(v, "refused_port", "%d", r->refused_port);
  qh_vars_setf(v, "silent_port", "%d", r->silent_port);
  if (srv) {
    qh_vars_setf(v, "port", "%d", srv_ftp_port(srv));
    qh_vars_set(v, "user", srv_ftp_user(srv));
    qh_vars_set(v, "pass", srv_ftp_pass(srv));
  }
}

/* The line speed a diagnosis names: the one set on a tty or an RFC 2217
 * port; none for tcp:// and the simulator's pty. */
static int preflight_baud(const run *r)
{
  return qh_transport_has(r->t, QH_CAP_LINE) ? r->o->baud : 0;
}

/* A device that came back with another module (or firmware) than the run
 * started with: the cases after it test something else; said on the
 * console and before the next case. */
static void identity_check(run *r, const qh_module_id *now)
{
  if (strcmp(now->model, r->id.model) == 0 &&
      strcmp(now->revision, r->id.revision) == 0)
    return;
  char was[300], is[300];
  qh_module_short(&r->id, was, sizeof was);
  qh_module_short(now, is, sizeof is);
  progress("  warning: the module that came back is %s, the run started "
           "with %s\n", is, was);
  size_t o = strlen(r->pending_note);
  snprintf(r->pending_note + o, sizeof r->pending_note - o,
           "%sthe module that came back is %s, the run started with %s",
           o ? "; " : "", is, was);
}

/* Hardware cannot be restarted by the harness: when its device went away
 * (USB re-enumeration, ser2net restarted, a cable), the runner waits for
 * it, reopening or reconnecting with a bounded backoff, up to
 * --device-wait seconds. Then the module must answer AT (the hook of the
 * preflight). Returns 0, or -1 with err. */
static int wait_for_device(run *r, const char *why, char *err, size_t errlen)
{
  int wait_s = r->o->device_wait_s;
  progress("  %s\n  waiting for the device (%s) up to %d s ", why,
           r->t->target, wait_s);
  int64_t start = qc_now_ms();
  int64_t end = qc_deadline_in((int64_t)wait_s * 1000);
  int backoff = RUN_DEVICE_BACKOFF_MIN_MS;
  char last[512] = "";
  bool back = false;
  for (;;) {
    if (run_interrupted) {
      progress("\n");
      snprintf(err, errlen, "interrupted while waiting for the device (%s)",
               r->t->target);
      return -1;
    }
    /* Reopen until the line is there, then ask until the module answers:
     * a module re-enumerated on USB may still be booting. */
    bool open = qh_transport_is_open(r->t) && !qh_transport_lost(r->t);
    if (!open && qh_transport_restart(r->t, last, sizeof last) == 0) {
      qh_lines_init(&r->lines);
      open = true;
      if (!back) {
        back = true;
        progress(" back after %.1f s", (double)(qc_now_ms() - start) / 1000.0);
      }
    }
    if (open) {
      char why_not[256];
      qh_preflight_opts po = {.time_scale = r->o->time_scale,
                              .baud = preflight_baud(r),
                              .transcript = r->preflight_path,
                              .heading = "after the device came back"};
      qh_module_id id;
      if (qh_reconnect_check(r->t, &r->lines, &po, &id, why_not,
                             sizeof why_not) == 0) {
        progress(", the module answers\n");
        identity_check(r, &id);
        return 0;
      }
      snprintf(last, sizeof last, "%s", why_not);
    }
    if (qc_remaining_ms(end) <= 0)
      break;
    progress(".");
    int64_t d = qc_deadline_in(backoff);
    qc_sleep_until(d < end ? d : end);
    backoff = backoff * 2 > RUN_DEVICE_BACKOFF_MAX_MS ? RUN_DEVICE_BACKOFF_MAX_MS
                                                       : backoff * 2;
  }
  progress("\n");
  if (back)
    snprintf(err, errlen, "the device (%s) came back, the module did not "
             "answer within %d s: %s", r->t->target, wait_s, last);
  else
    snprintf(err, errlen, "the device (%s) did not come back within %d s: %s",
             r->t->target, wait_s, last);
  snprintf(r->stop_reason, sizeof r->stop_reason, "%s", err);
  r->stop_code = "device-lost";
  return -1;
}

/* Makes sure the module answers before a case: restarts the simulator the
 * harness owns, reopens a device that stopped answering, waits for a
 * device that went away. Returns 0, or -1 with err. */
static void teardown_module(run *r, qr_case_result *cr, int64_t t0);

static int ensure_module(run *r, qr_case_result *cr, int64_t t0, char *err,
                         size_t errlen)
{
  char why[256];
  bool alive = qh_transport_alive(r->t, why, sizeof why);
  if (alive && qh_transport_is_open(r->t) && !r->lines.eof &&
      !r->restart_module)
    return 0;
  if (alive)
    snprintf(why, sizeof why, "%s",
             r->restart_module ? r->restart_module
                               : "the module's line hung up");
  r->restart_module = NULL;
  if (!qh_transport_has(r->t, QH_CAP_OWNED) && !alive) {
    if (wait_for_device(r, why, err, errlen) < 0)
      return -1;
    /* The module kept what the lost case left (a session, an active
     * context): the teardown that case could not do happens now, in this
     * case's transcript before its steps. */
    teardown_module(r, cr, t0);
    if (r->restart_module) {
      snprintf(err, errlen, "the device (%s) came back, the module could "
               "not be reset: %s", r->t->target, r->restart_module);
      r->restart_module = NULL;
      return -1;
    }
  } else {
    bool owned = qh_transport_has(r->t, QH_CAP_OWNED);
    progress("  %s the module (%s)\n", owned ? "restarting" : "reopening",
             why);
    if (qh_transport_restart(r->t, err, errlen) < 0)
      return -1;
    qh_lines_init(&r->lines);
  }
  size_t o = strlen(r->pending_note);
  snprintf(r->pending_note + o, sizeof r->pending_note - o, "%s%s (%s)",
           o ? "; " : "",
           qh_transport_has(r->t, QH_CAP_OWNED) ? "module restarted"
                                                : "device reopened",
           why);
  return 0;
}

static int ensure_server(run *r, srv_ftp *srv, char *err, size_t errlen)
{
  char why[256];
  if (srv_ftp_alive(srv, why, sizeof why))
    return 0;
  progress("  restarting vsftpd (%s)\n", why);
  if (srv_ftp_restart(srv, err, errlen) < 0)
    return -1;
  size_t o = strlen(r->pending_note);
  snprintf(r->pending_note + o, sizeof r->pending_note - o,
           "%svsftpd restarted (%s)", o ? "; " : "", why);
  return 0;
}

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
  ch->interrupted = &run_interrupted;
  ch->interrupt_level = r->tearing_down ? 2 : 1;
}

/* Sends one line; true when a final result code answers within ms. */
static bool chat_ok(qh_chat *ch, const char *line, int ms, qh_chat_reply *a)
{
  qh_chat_cmd(ch, line, qc_deadline_in(ms), a);
  return a->rc == 1;
}

/* Reads what the module still says until `quiet_ms` of silence (at most
 * max_ms) and keeps it in the transcript: nothing it prints is lost, even
 * between steps. */
static void drain_recorded(run *r, qr_case_result *cr, double t0s,
                           int quiet_ms, int max_ms)
{
  qh_chat ch;
  rec_ctx rc = {cr, t0s};
  chat_open(r, &ch, &rc);
  size_t rest = qh_chat_drain(&ch, quiet_ms, max_ms);
  if (rest)
    qr_case_note(cr, (double)qc_now_ms() / 1000.0 - t0s,
                 "%zu bytes without a line end discarded", rest);
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
  bool hurry = run_interrupted != 0;
  qr_case_note(cr, (double)qc_now_ms() / 1000.0 - t0s, "%s",
               hurry ? "teardown (interrupted: short; Ctrl-C again skips it)"
                     : "teardown");
  qh_chat ch;
  qh_chat_reply a;
  rec_ctx rc = {cr, t0s};
  chat_open(r, &ch, &rc);
  /* What a failed step left unread (the rest of a download, its URC). */
  drain_recorded(r, cr, t0s, 100, RUN_TEARDOWN_MS);
  if (!chat_ok(&ch, "AT", 1000, &a)) {
    if (run_interrupted) {
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
    drain_recorded(r, cr, t0s, 200, RUN_TEARDOWN_MS);
    if (!chat_ok(&ch, "AT", 1000, &a)) {
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
  set_vars(r, NULL, &vars);
  qh_engine_env env = {
      .t = r->t,
      .lines = &r->lines,
      .vars = &vars,
      .time_scale = r->o->time_scale,
      .min_timeout = 0,
      .expect_timeout = RUN_TEARDOWN_MS / 1000.0,
      .urc_timeout = RUN_TEARDOWN_MS / 1000.0,
      .interrupted = &run_interrupted,
      .interrupt_level = 2,
      .timeout_margin = RUN_TEARDOWN_MS / 1000.0,
      .max_timeout = hurry ? RUN_HURRY_WAIT_MS / 1000.0 : 0,
      .t0 = t0,
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
                 "the module is busy: it will be restarted");
    return;
  }
  }
  drain_recorded(r, cr, t0s, RUN_DRAIN_QUIET_MS, RUN_DRAIN_MAX_MS);
}

static void teardown_module(run *r, qr_case_result *cr, int64_t t0)
{
  if (!qh_transport_is_open(r->t) || r->lines.eof)
    return;
  r->tearing_down = true;
  teardown_steps(r, cr, t0);
  r->tearing_down = false;
}

/* The case's wire assertions with ${...} substituted in the globs. The
 * copy borrows everything else from the case. Strings are freed by
 * wire_expanded_free. */
static int wire_expand(const wire_expect *in, const qh_vars *v, wire_expect *out,
                       char *err, size_t errlen)
{
  *out = *in;
  out->commands = calloc(in->ncommands + 1, sizeof *out->commands);
  out->forbidden = calloc(in->nforbidden + 1, sizeof *out->forbidden);
  if (!out->commands || !out->forbidden) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  char buf[1024];
  for (size_t i = 0; i < in->ncommands; i++) {
    if (qh_vars_expand(v, in->commands[i], buf, sizeof buf, err, errlen) < 0)
      return -1;
    out->commands[i] = strdup(buf);
  }
  for (size_t i = 0; i < in->nforbidden; i++) {
    if (qh_vars_expand(v, in->forbidden[i], buf, sizeof buf, err, errlen) < 0)
      return -1;
    out->forbidden[i] = strdup(buf);
  }
  return 0;
}

static void wire_expanded_free(wire_expect *w)
{
  for (size_t i = 0; w->commands && i < w->ncommands; i++)
    free(w->commands[i]);
  for (size_t i = 0; w->forbidden && i < w->nforbidden; i++)
    free(w->forbidden[i]);
  free(w->commands);
  free(w->forbidden);
}

/* The case's flows, by the server's side (wire_capture.h): the control
 * ports kept whole (the case's server, the fault proxy, the silent and
 * the refused port), the data ports snapped (the server's passive range
 * and its active-mode source port, control port - 1: vsftpd's
 * ftp_data_port, ProFTPD's L-1; the fault proxy's data port range, given
 * it by proxy_for). The module's end is --module-addr, or
 * with the simulator the address this host connects from; with a device
 * and no --module-addr, any. */
static int capture_flows(const run *r, srv_ftp *srv, int proxy_port,
                         wire_flows *f, char *mod, size_t modlen)
{
  memset(f, 0, sizeof *f);
  f->server_addr = r->o->server_addr;
  if (r->o->module_addr)
    f->module_addr = r->o->module_addr;
  else if (!r->o->device &&
           wire_source_addr(r->o->server_addr, mod, modlen) == 0)
    f->module_addr = mod;
  int rc = 0;
  rc |= wire_flows_add(f, true, r->silent_port, 0);
  rc |= wire_flows_add(f, true, r->refused_port, 0);
  if (srv) {
    int lo, hi, port = srv_ftp_port(srv);
    srv_ftp_pasv_range(srv, &lo, &hi);
    rc |= wire_flows_add(f, true, port, 0);
    if (port > 1)
      rc |= wire_flows_add(f, false, port - 1, 0);
    if (lo > 0)
      rc |= wire_flows_add(f, false, lo, hi);
  }
  if (proxy_port > 0) {
    int lo = 0, hi = 0;
    for (size_t i = 0; i < r->nservers; i++)
      if (r->servers[i].srv == srv && r->servers[i].proxy)
        qh_proxy_data_ports(r->servers[i].proxy, &lo, &hi);
    rc |= wire_flows_add(f, true, proxy_port, 0);
    /* A proxy without a range would put its data anywhere: no filter. */
    rc |= lo > 0 ? wire_flows_add(f, false, lo, hi) : -1;
  }
  return rc ? -1 : 0;
}

/* Starts the case's capture into pcap: its own flows only (see
 * capture_flows), data payloads snapped after WIRE_CAPTURE_SNAP bytes. */
static int start_capture(const run *r, srv_ftp *srv, int proxy_port,
                         const char *pcap, wire_capture **cap, char *err,
                         size_t errlen)
{
  wire_flows f;
  char mod[64], filter[WIRE_FILTER_MAX], whole[WIRE_FILTER_MAX];
  if (capture_flows(r, srv, proxy_port, &f, mod, sizeof mod) < 0 ||
      wire_filter_build(&f, filter, sizeof filter, whole, sizeof whole) < 0) {
    snprintf(err, errlen, "no capture filter for server %s%s%s",
             r->o->server_addr, f.module_addr ? " and module " : "",
             f.module_addr ? f.module_addr : "");
    return -1;
  }
  if (r->o->verbose)
    progress("  capture filter: %s\n  kept whole: %s\n", filter, whole);
  return wire_capture_start(r->o->capture_binary, r->o->capture_if, filter,
                            whole, WIRE_CAPTURE_SNAP, pcap, cap, err, errlen);
}

/* After the steps: the capture is closed, checked for drops, analysed;
 * the analysis becomes evidence and the case's wire assertions are held
 * against it. Only turns a pass into a fail (the first failure stays).
 * The capture's own trouble is never the module's: a failed capture tool
 * or dropped packets make wire assertions inconclusive (error); a case
 * without any keeps its verdict, with a note. */
static void finish_wire(run *r, const qh_case *c, qr_case_result *cr,
                        wire_capture *cap, const char *pcap, int ctrl_port,
                        const qh_vars *v)
{
  (void)r;
  char err[1024];
  wire_capture_stats st = {0};
  int stop = wire_capture_stop(cap, &st, err, sizeof err);
  if (stop < 0) {
    qr_case_note(cr, 0, "capture: %s", err);
    if (c->wire.present && cr->verdict == QR_PASS)
      qr_case_set_verdict(cr, QR_ERROR, 0, "capture: %s", err);
    return;
  }
  bool dropped = stop == WIRE_CAPTURE_DROPPED;
  if (dropped && c->wire.present) {
    qr_case_note(cr, 0, "%s: wire assertions not checked", err);
    if (cr->verdict == QR_PASS)
      qr_case_set_verdict(cr, QR_ERROR, 0, "%s: wire assertions not checked",
                          err);
  } else if (dropped) {
    qr_case_note(cr, 0, "%s (the case has no wire assertions)", err);
  }
  if (ctrl_port <= 0)
    return; /* no FTP server in this case: the pcap is the evidence */
  wire_analysis *a = NULL;
  if (wire_analyze_file(pcap, ctrl_port, &a, err, sizeof err) < 0) {
    qr_case_note(cr, 0, "wire analysis: %s", err);
    if (c->wire.present && cr->verdict == QR_PASS)
      qr_case_set_verdict(cr, QR_ERROR, 0, "wire analysis: %s", err);
    return;
  }
  char *json = wire_analysis_to_json(a);
  qr_case_set_evidence(cr, NULL, json);
  free(json);
  /* Our own capture cut short (disk full, killed writer): assertions on
   * part of the exchange prove nothing either way. */
  if (a->truncated) {
    qr_case_note(cr, 0, "capture damaged: %s", a->capture_error);
    if (c->wire.present && cr->verdict == QR_PASS)
      qr_case_set_verdict(cr, QR_ERROR, 0, "capture damaged: %s",
                          a->capture_error);
  }
  if (c->wire.present && !a->truncated && !dropped) {
    wire_expect w;
    char msg[2048];
    if (wire_expand(&c->wire, v, &w, err, sizeof err) < 0) {
      if (cr->verdict == QR_PASS)
        qr_case_set_verdict(cr, QR_ERROR, 0, "wire: %s", err);
    } else if (wire_check(a, &w, msg, sizeof msg) < 0) {
      /* Also when a step failed first: what the wire shows (TYPE A, no
       * REST) often explains the failed step. */
      qr_case_note(cr, 0, "%s", msg);
      if (cr->verdict == QR_PASS) {
        qr_case_set_verdict(cr, QR_FAIL, 0, "%s", msg);
      } else if (cr->reason) {
        char *first = strdup(cr->reason);
        if (first)
          qr_case_set_verdict(cr, cr->verdict, cr->failed_step, "%s; and %s",
                              first, msg);
        free(first);
      }
    } else {
      qr_case_note(cr, 0, "wire assertions hold");
    }
    wire_expanded_free(&w);
  }
  wire_analysis_free(a);
}

/* The server's side of the case: what it saw and stored becomes evidence,
 * and the case's server_expect is held against its home and log. Only
 * turns a pass into a fail. */
static void finish_server(const qh_case *c, qr_case_result *cr, srv_ftp *srv,
                          uint64_t log_off)
{
  char err[1024];
  char *json = NULL;
  if (srv_ftp_summary_json(srv, log_off, &json, err, sizeof err) == 0) {
    qr_case_set_evidence(cr, json, NULL);
    free(json);
  } else {
    qr_case_note(cr, 0, "server summary: %s", err);
  }
  bool any = c->expect.nfiles || c->expect.nlog;
  if (!any || cr->verdict != QR_PASS)
    return;
  char msg[2048];
  if (srv_ftp_check_expect(srv, log_off, &c->expect, msg, sizeof msg) < 0)
    qr_case_set_verdict(cr, QR_FAIL, 0, "%s", msg);
  else
    qr_case_note(cr, 0, "server assertions hold");
}

/* Capability tags (cases/FORMAT.md): a case that needs what this target
 * lacks is skipped, with the reason, rather than failed. */
static const char *skip_reason(const run *r, const qh_case *c)
{
  bool device = r->o->device != NULL;
  if (!qh_transport_has(r->t, QH_CAP_MODEM) && qh_case_has_tag(c, "needs:dtr"))
    return device ? "needs:dtr: tcp:// carries bytes only, no DTR line (use "
                    "rfc2217:// or the tty)"
                  : "needs:dtr: the simulator's pty has no DTR line";
  if (device && qh_case_has_tag(c, "sim-only"))
    return "sim-only: exercises the simulator itself";
  /* only-profile:NAME — behaviour one profile defines and another does
   * differently (e.g. what +++ does to an upload). */
  bool has_only = false;
  for (size_t i = 0; i < c->ntags; i++)
    if (strncmp(c->tags[i], "only-profile:", 13) == 0) {
      has_only = true;
      if (strcmp(c->tags[i] + 13, r->o->profile) == 0)
        return NULL;
    }
  if (has_only)
    return "only-profile: not for this module profile";
  /* profile:KEY:VALUE — behaviour that depends on one profile key (the
   * loader checked the key and the value's type). */
  for (size_t i = 0; i < c->ntags; i++) {
    char key[128];
    const char *want;
    if (!qh_case_profile_tag(c->tags[i], key, sizeof key, &want))
      continue;
    const char *v = qc_profile_get(r->profile, key);
    if (!v || strcmp(v, want) != 0)
      return "profile: this module profile has another value";
  }
  return NULL;
}

static void run_case(run *r, const qh_case *c, qr_run_result *res,
                     size_t idx, size_t total)
{
  qr_case_result *cr = qr_run_add_case(res, c->id, c->title, c->spec, c->path,
                                       c->tags, c->ntags);
  int64_t t0 = qc_now_ms();
  cr->started = (double)(t0 - r->t_start) / 1000.0;
  char err[1024] = "";
  char case_dir[PATH_MAX];
  snprintf(case_dir, sizeof case_dir, "%s/cases/%s", r->o->report_dir, c->id);
  qh_mkdirs(case_dir, 0755);

  srv_ftp *srv = NULL;
  const char *skip = skip_reason(r, c);
  if (skip) {
    qr_case_set_verdict(cr, QR_SKIP, 0, "%s", skip);
    goto done;
  }
  const char *sp = c->server ? c->server : "plain";
  bool need_srv = strcmp(sp, "none") != 0;
  r->pending_note[0] = '\0';
  r->module_error = false;
  if (ensure_module(r, cr, t0, err, sizeof err) < 0) {
    qr_case_set_verdict(cr, QR_ERROR, 0, "module: %s", err);
    r->module_error = true;
    goto done;
  }
  if (need_srv) {
    srv = server_for(r, sp, err, sizeof err);
    if (!srv || ensure_server(r, srv, err, sizeof err) < 0 ||
        srv_ftp_seed_home(srv, c->files, c->nfiles, err, sizeof err) < 0) {
      qr_case_set_verdict(cr, QR_ERROR, 0, "server %s: %s", sp, err);
      goto done;
    }
  }
  if (r->pending_note[0])
    qr_case_note(cr, 0, "before this case: %s", r->pending_note);
  r->cur_srv = srv;
  uint64_t log_off = srv ? srv_ftp_log_offset(srv) : 0;
  struct stat st;
  uint64_t sim_off = stat(r->sim_log, &st) == 0 ? (uint64_t)st.st_size : 0;
  qh_silent_port_flush(r->silent_fd);
  /* Whatever the module says before the first step (a late URC of the
   * case before) is kept, and kept apart from the steps. */
  drain_recorded(r, cr, (double)t0 / 1000.0, RUN_DRAIN_QUIET_MS,
                 RUN_DRAIN_MAX_MS);

  qh_vars vars;
  set_vars(r, srv, &vars);
  uint64_t proxy_off = 0;
  server_slot *sl = srv ? slot_of(r, srv) : NULL;
  if (srv && c->nfaults) {
    int pport = proxy_for(r, srv, c, err, sizeof err);
    if (pport < 0) {
      qr_case_set_verdict(cr, QR_ERROR, 0, "fault proxy: %s", err);
      goto done;
    }
    qh_vars_setf(&vars, "port", "%d", pport);
    qr_case_note(cr, 0, "through the fault proxy on port %d (%zu fault%s)",
                 pport, c->nfaults, c->nfaults == 1 ? "" : "s");
    struct stat pst;
    if (stat(qh_proxy_log_path(sl->proxy), &pst) == 0)
      proxy_off = (uint64_t)pst.st_size;
  }
  /* Every case is captured: the server side of the wire, as the module's
   * traffic reaches it (wire.pcap in the case directory). */
  char pcap[PATH_MAX + 16];
  snprintf(pcap, sizeof pcap, "%s/wire.pcap", case_dir);
  wire_capture *cap = NULL;
  if (start_capture(r, srv, c->nfaults ? atoi_port(qh_vars_get(&vars, "port"))
                                       : 0,
                    pcap, &cap, err, sizeof err) < 0) {
    qr_case_set_verdict(cr, QR_ERROR, 0, "capture on %s: %s",
                        r->o->capture_if, err);
    goto done;
  }
  int ctrl_port = srv ? atoi_port(qh_vars_get(&vars, "port")) : 0;
  qh_engine_env env = {
      .t = r->t,
      .lines = &r->lines,
      .vars = &vars,
      .time_scale = r->o->time_scale,
      .min_timeout = 2.0,
      .expect_timeout =
          (double)qc_profile_get_long(r->profile, "timeouts.expect", 5),
      .urc_timeout = (double)qc_profile_get_long(r->profile, "timeouts.urc", 10),
      .interrupted = &run_interrupted,
      .t0 = t0,
      .explain = explain,
      .ctx = r,
  };
  qh_engine_run(r->engine, c, &env, cr);
  if (qh_transport_lost(r->t)) {
    /* The engine made it an error with the reason; no teardown on a line
     * that is gone. */
    r->module_error = true;
    qr_case_note(cr, (double)(qc_now_ms() - t0) / 1000.0, "%s",
                 qh_transport_lost(r->t));
  }
  teardown_module(r, cr, t0);
  if (sl && sl->proxy && c->nfaults) {
    /* A fault may still hold traffic (a delayed reply the module gave up
     * on): it belongs to this case, not to the next one's capture. */
    char ppath[PATH_MAX + 32];
    snprintf(ppath, sizeof ppath, "%s/proxy.log", case_dir);
    qh_copy_file_from(qh_proxy_log_path(sl->proxy), proxy_off, ppath);
    qh_proxy_stop(sl->proxy);
    sl->proxy = NULL;
  }
  finish_wire(r, c, cr, cap, pcap, ctrl_port, &vars);

  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/server.log", case_dir);
  if (srv) {
    if (srv_ftp_copy_log_since(srv, log_off, path, err, sizeof err) < 0)
      qr_case_note(cr, 0, "server log not copied: %s", err);
    finish_server(c, cr, srv, log_off);
  } else {
    /* Every case directory has the same files: this one says why it is
     * empty rather than leaving a reader to wonder. */
    FILE *f = fopen(path, "w");
    if (f) {
      fputs("# no FTP server in this case (server profile none)\n", f);
      fclose(f);
    }
  }
  if (r->sim_log[0]) {
    snprintf(path, sizeof path, "%s/module.log", case_dir);
    qh_copy_file_from(r->sim_log, sim_off, path);
  }

done:
  r->cur_srv = NULL;
  cr->duration_s = (double)(qc_now_ms() - t0) / 1000.0;
  const qh_waiver *wv = qh_run_waive(r->waivers, r->revision, cr);
  if (r->waived_by)
    r->waived_by[res->ncases - 1] = wv;
  progress("[%*zu/%zu] %-40s %-6s %6.2f s%s%s\n", total > 99 ? 3 : 2, idx,
           total, c->id, qr_verdict_name(cr->verdict), cr->duration_s,
           cr->reason ? "\n        " : "", cr->reason ? cr->reason : "");
  if (wv)
    progress("        waived: %s (%s)\n", wv->reason, wv->reference);
}

static void install_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: waits wake up and look */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

/* Loads and filters the cases; *all_ids (when given) gets the id of every
 * case loaded, before the filter (a waiver is judged against the suite,
 * not the selection). */
static int load_set(const qh_run_opts *o, qh_case_set *set, char ***all_ids,
                    size_t *nall)
{
  char cases_dir[PATH_MAX], frag[PATH_MAX];
  snprintf(cases_dir, sizeof cases_dir, "%s/cases", o->home);
  snprintf(frag, sizeof frag, "%s/cases/_fragments", o->home);
  const char *def[] = {cases_dir};
  const char *const *paths = o->npaths ? o->paths : def;
  size_t n = o->npaths ? o->npaths : 1;
  size_t errors = qh_case_set_load(set, paths, n, frag, cases_dir, stderr);
  if (errors) {
    fprintf(stderr, "qftp-harness: %zu case file error%s\n", errors,
            errors == 1 ? "" : "s");
    return -1;
  }
  /* Nothing to check is an error: a mistyped path must not pass a gate. */
  if (set->n == 0) {
    fprintf(stderr, "qftp-harness: no case files (*.yaml) in %s%s\n",
            paths[0], n > 1 ? " and the other paths" : "");
    return -1;
  }
  char term[256];
  size_t bad = qh_case_set_dead_term(set, o->filter, term, sizeof term);
  if (bad) {
    fprintf(stderr,
            "qftp-harness: --filter term %zu '%s' matches no case (of %zu "
            "loaded)\n",
            bad, term, set->n);
    return -1;
  }
  if (all_ids) {
    *all_ids = calloc(set->n, sizeof **all_ids);
    for (size_t i = 0; *all_ids && i < set->n; i++)
      if (!((*all_ids)[i] = strdup(set->cases[i]->id)))
        break;
    *nall = *all_ids ? set->n : 0;
    if (!*all_ids || (set->n && !(*all_ids)[set->n - 1])) {
      fprintf(stderr, "qftp-harness: out of memory\n");
      return -1;
    }
  }
  qh_case_set_filter(set, o->filter);
  if (set->n == 0) {
    fprintf(stderr, "qftp-harness: no case selected by --filter '%s'\n",
            o->filter);
    return -1;
  }
  return 0;
}

/* The teardown fragment, loaded once: a bad one stops the run (or check)
 * like a bad case file. */
static int load_teardown(const qh_run_opts *o, qh_case **out)
{
  char frag[PATH_MAX], err[1024];
  snprintf(frag, sizeof frag, "%s/cases/_fragments", o->home);
  if (qh_fragment_load(frag, "teardown", out, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: teardown: %s\n", err);
    return -1;
  }
  return 0;
}

int qh_check(const qh_run_opts *o)
{
  qh_case_set set = {0};
  qh_case *td = NULL;
  int rc = load_set(o, &set, NULL, NULL);
  if (rc == 0)
    rc = load_teardown(o, &td);
  qh_case_free(td);
  if (rc == 0 && o->waivers_path) { /* check validates a waivers file too */
    qh_waivers w;
    char err[1024];
    rc = qh_waivers_load(o->waivers_path, &w, err, sizeof err);
    if (rc < 0)
      fprintf(stderr, "qftp-harness: waivers: %s\n", err);
    qh_waivers_free(&w);
  }
  if (rc == 0)
    printf("%zu case%s OK\n", set.n, set.n == 1 ? "" : "s");
  qh_case_set_free(&set);
  return rc == 0 ? QH_EXIT_PASS : QH_EXIT_ENV;
}

int qh_list(const qh_run_opts *o)
{
  qh_case_set set = {0};
  if (load_set(o, &set, NULL, NULL) < 0) {
    qh_case_set_free(&set);
    return QH_EXIT_ENV;
  }
  if (o->list_tags) {
    const char **tags;
    size_t *counts;
    size_t n = qh_case_set_tags(&set, &tags, &counts);
    if (n == (size_t)-1) {
      fprintf(stderr, "qftp-harness: out of memory\n");
      qh_case_set_free(&set);
      return QH_EXIT_ENV;
    }
    for (size_t i = 0; i < n; i++)
      printf("%s\t%zu\n", tags[i], counts[i]);
    free(tags);
    free(counts);
    qh_case_set_free(&set);
    return QH_EXIT_PASS;
  }
  for (size_t i = 0; i < set.n; i++) {
    const qh_case *c = set.cases[i];
    printf("%s\t%s\t", c->id, c->spec);
    for (size_t k = 0; k < c->ntags; k++)
      printf("%s%s", k ? "," : "", c->tags[k]);
    printf("\t%s\n", c->title);
  }
  qh_case_set_free(&set);
  return QH_EXIT_PASS;
}

static int open_module(run *r, char *err, size_t errlen)
{
  const qh_run_opts *o = r->o;
  if (o->device) {
    qh_tty_opts to = {.baud = o->baud, .rtscts = o->rtscts, .dtr = true};
    r->t = qh_transport_device_new(o->device, &to, err, errlen);
    return r->t ? 0 : -1;
  }
  char link[PATH_MAX], root[PATH_MAX], pdir[PATH_MAX];
  snprintf(link, sizeof link, "%s/module.tty", r->work_dir);
  snprintf(root, sizeof root, "%s/module-fs", r->work_dir);
  snprintf(r->sim_log, sizeof r->sim_log, "%s/qftp-sim.log", o->report_dir);
  snprintf(pdir, sizeof pdir, "%s/fixtures/profiles", o->home);
  qh_mkdirs(root, 0755);
  unlink(r->sim_log);
  qh_sim_opts so = {.binary = o->sim_binary,
                    .link = link,
                    .root = root,
                    .log_path = r->sim_log,
                    .profile = o->profile,
                    .profile_dir = pdir,
                    .time_scale = o->time_scale,
                    .revision = o->sim_revision,
                    .quirks = o->quirks,
                    .nquirks = o->nquirks};
  r->t = qh_transport_sim_new(&so, err, errlen);
  return r->t ? 0 : -1;
}

/* Before the first case: the module answers, has a SIM and the FTP(S)
 * commands; its identity goes into the results and on the console. On
 * failure the run stops with the diagnosis (stop_reason "preflight"). */
static bool preflight(run *r, qr_run_result *res)
{
  const qh_run_opts *o = r->o;
  snprintf(r->preflight_path, sizeof r->preflight_path, "%s/preflight.txt",
           o->report_dir);
  unlink(r->preflight_path);
  qh_preflight_opts po = {.time_scale = o->time_scale,
                          .baud = preflight_baud(r),
                          .transcript = r->preflight_path,
                          .heading = "before the first case"};
  char err[512];
  qh_preflight_fail f = qh_preflight(r->t, &r->lines, &po, &r->id, err,
                                     sizeof err);
  if (f != QH_PF_OK) {
    fprintf(stderr, "qftp-harness: preflight: %s\n(the exchange: %s)\n", err,
            r->preflight_path);
    snprintf(r->stop_reason, sizeof r->stop_reason, "%s", err);
    r->stop_code = "preflight";
    r->revision = o->module_revision;
    return false;
  }
  const qh_module_id *id = &r->id;
  char sum[512];
  qh_module_summary(id, sum, sizeof sum);
  progress("module: %s\n", sum);
  if (!id->echo)
    progress("warning: the module does not echo after ATE1 (the harness "
             "expects echo on)\n");
  const char *ati[QH_MODULE_ATI_MAX];
  for (size_t i = 0; i < id->nati; i++)
    ati[i] = id->ati[i];
  qr_module_info *m = qr_run_set_module(
      res, id->manufacturer, id->model, id->revision, id->imei_masked, ati,
      id->nati, id->echo, id->sim_ready, id->sim);
  for (size_t i = 0; i < id->npdp; i++)
    qr_module_add_pdp(m, id->pdp[i].ctx, id->pdp[i].state, id->pdp[i].type,
                      id->pdp[i].addr);
  /* Waivers match --module-revision when given (a lab may name a build
   * the module does not report), else what the module says. */
  r->revision = o->module_revision ? o->module_revision
                : id->revision[0]  ? id->revision
                                   : NULL;
  if (o->module_revision && id->revision[0] &&
      strcmp(o->module_revision, id->revision) != 0)
    progress("warning: --module-revision %s, the module reports %s; waivers "
             "match %s\n",
             o->module_revision, id->revision, o->module_revision);
  return true;
}

static void stop_all(run *r)
{
  if (r->t) {
    qh_transport_close(r->t);
    r->t = NULL;
  }
  for (size_t i = 0; i < r->nservers; i++) {
    qh_proxy_stop(r->servers[i].proxy);
    r->servers[i].proxy = NULL;
    srv_ftp_stop(r->servers[i].srv);
    r->servers[i].srv = NULL;
  }
  r->nservers = 0;
  if (r->silent_fd >= 0)
    close(r->silent_fd);
  r->silent_fd = -1;
}

int qh_run(const qh_run_opts *o)
{
  run r;
  memset(&r, 0, sizeof r);
  r.o = o;
  r.silent_fd = -1;
  qh_lines_init(&r.lines);
  int64_t t_start = qc_now_ms();
  r.t_start = t_start;
  char err[1024];

  qh_case_set set = {0};
  qh_case *teardown = NULL;
  char **all_ids = NULL;
  size_t nall = 0;
  qh_waivers waivers = {0};
  int rc = QH_EXIT_ENV;
  qr_run_result *res = NULL;
  if (load_set(o, &set, &all_ids, &nall) < 0 ||
      load_teardown(o, &teardown) < 0)
    goto out_cases;
  r.teardown = teardown;
  /* A bad waivers file stops the run before anything starts, like a bad
   * case file. */
  if (o->waivers_path) {
    if (qh_waivers_load(o->waivers_path, &waivers, err, sizeof err) < 0) {
      fprintf(stderr, "qftp-harness: waivers: %s\n", err);
      goto out_cases;
    }
    r.waivers = &waivers;
  }
  r.waived_by = calloc(set.n ? set.n : 1, sizeof *r.waived_by);
  r.engine = qh_engine_new();
  if (!r.waived_by || !r.engine) {
    fprintf(stderr, "qftp-harness: out of memory\n");
    goto out_cases;
  }

  char pdir[PATH_MAX];
  snprintf(pdir, sizeof pdir, "%s/fixtures/profiles", o->home);
  if (qc_profile_load_named(pdir, o->profile, &r.profile, err, sizeof err) <
      0) {
    fprintf(stderr, "qftp-harness: profile: %s\n", err);
    goto out_cases;
  }

  if (qh_report_dir_prepare(o->report_dir, o->home, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: %s\n", err);
    goto out;
  }
  /* A run killed with SIGKILL left its FTP user behind: gone now, not
   * only when a case first starts a server. */
  char reap_err[256];
  int reaped = srv_user_reap_stale(reap_err, sizeof reap_err);
  if (reaped > 0)
    progress("removed %d FTP user%s left by killed runs\n", reaped,
             reaped == 1 ? "" : "s");
  int swept = qh_work_dir_sweep("/tmp");
  if (swept > 0)
    progress("removed %d work director%s left by killed runs\n", swept,
             swept == 1 ? "y" : "ies");
  /* vsftpd serves homes under here as the generated user: /tmp is
   * reachable by everyone, a report dir under /root may not be. */
  if (qh_work_dir_create("/tmp", r.work_dir, sizeof r.work_dir) < 0) {
    fprintf(stderr, "qftp-harness: cannot create a work directory: %s\n",
            strerror(errno));
    r.work_dir[0] = '\0';
    goto out;
  }
  install_signals();
  r.silent_fd = qh_silent_port_open(o->server_addr, &r.silent_port);
  r.refused_port = srv_free_port(o->server_addr);
  if (r.silent_fd < 0 || r.refused_port == 0) {
    fprintf(stderr, "qftp-harness: cannot reserve local ports on %s\n",
            o->server_addr);
    goto out;
  }
  if (open_module(&r, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: module: %s\n", err);
    goto out;
  }
  progress("module: %s, profile %s, time scale %g\n", r.t->desc, o->profile,
           o->time_scale);

  res = qr_run_result_new(o->device ? o->device : "sim", o->profile,
                          o->time_scale);
  res->planned = set.n;
  bool preflight_ok = preflight(&r, res);
  qr_run_set_waiver_info(res, r.revision, o->waivers_path);
  int module_errors = 0; /* consecutive */
  for (size_t i = 0; preflight_ok && i < set.n && !run_interrupted; i++) {
    run_case(&r, set.cases[i], res, i + 1, set.n);
    qr_case_result *cr = &res->cases[res->ncases - 1];
    if (cr->verdict == QR_ERROR && r.module_error)
      module_errors++;
    else if (cr->verdict != QR_SKIP)
      module_errors = 0;
    if (!r.stop_reason[0] && module_errors >= o->max_module_errors) {
      snprintf(r.stop_reason, sizeof r.stop_reason,
               "%d consecutive cases in error because of the module's line "
               "(--max-module-errors %d)",
               module_errors, o->max_module_errors);
      r.stop_code = "max-module-errors";
    }
    if (r.stop_reason[0] && i + 1 < set.n) {
      /* Like an interrupted run: the rest is not run; the reason is in
       * the last case's transcript and on the console. */
      qr_case_note(cr, cr->duration_s,
                   "run stopped: %s; the %zu remaining case%s not run",
                   r.stop_reason, set.n - i - 1,
                   set.n - i - 1 == 1 ? " is" : "s are");
      progress("stopping the run: %s; %zu case%s not run\n", r.stop_reason,
               set.n - i - 1, set.n - i - 1 == 1 ? "" : "s");
      break;
    }
  }
  res->duration_s = (double)(qc_now_ms() - t_start) / 1000.0;
  /* interrupted: the run did not run all it planned, whatever the cause;
   * stop_reason: the cause. A Ctrl-C wins over what it cut short. */
  res->interrupted = run_interrupted != 0 || res->ncases < set.n;
  if (run_interrupted)
    qr_run_set_stop(res, "interrupted",
                    "interrupted by a signal (Ctrl-C, SIGTERM)");
  else if (res->interrupted && r.stop_code)
    qr_run_set_stop(res, r.stop_code, r.stop_reason);
  else if (res->interrupted)
    qr_run_set_stop(res, "interrupted", r.stop_reason);

  stop_all(&r);
  /* Warnings after the last case's line, before the summary. */
  printf("\n");
  qh_run_waivers_report(r.waivers, r.revision,
                        (const char *const *)all_ids, nall,
                        (const qh_waiver *const *)r.waived_by, res, stdout);
  if (qr_write_all(res, o->report_dir, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: reports: %s\n", err);
    goto out;
  }
  size_t counts[QR_VERDICTS], stale = 0;
  qr_run_counts(res, counts);
  for (size_t i = 0; i < res->nwaivers; i++)
    stale += strcmp(res->waivers[i].status, "stale") == 0;
  char waived[64] = "", stale_s[64] = "";
  if (r.waivers)
    snprintf(waived, sizeof waived, ", %zu waived", counts[QR_WAIVED]);
  if (stale)
    snprintf(stale_s, sizeof stale_s, " (%zu stale waiver%s)", stale,
             stale == 1 ? "" : "s");
  progress("%zu case%s: %zu passed, %zu failed, %zu errors, %zu skipped%s "
           "in %.1f s%s%s\n",
           res->ncases, res->ncases == 1 ? "" : "s", counts[QR_PASS],
           counts[QR_FAIL], counts[QR_ERROR], counts[QR_SKIP], waived,
           res->duration_s,
           run_interrupted     ? " (interrupted)"
           : !preflight_ok    ? " (preflight failed)"
           : r.stop_reason[0] ? " (stopped early)"
                              : "",
           stale_s);
  progress("reports: %s/results.json\n         %s/junit.xml\n"
           "         %s/report.html\n         %s/results.tap\n",
           o->report_dir, o->report_dir, o->report_dir, o->report_dir);
  /* A case that could not run (server, capture, a bad variable) is an
   * environment or case-file error, whatever the others did. A waived
   * case counts as passed; a stale waiver is only a warning. */
  if (res->interrupted || counts[QR_ERROR])
    rc = QH_EXIT_ENV;
  else if (counts[QR_FAIL])
    rc = QH_EXIT_FAIL;
  else
    rc = QH_EXIT_PASS;
out:
  stop_all(&r);
  if (r.work_dir[0])
    qh_remove_tree(r.work_dir);
  qr_run_result_free(res);
  qc_profile_free(r.profile);
out_cases:
  qh_case_set_free(&set);
  qh_case_free(teardown);
  for (size_t i = 0; i < nall; i++)
    free(all_ids[i]);
  free(all_ids);
  free(r.waived_by);
  qh_engine_free(r.engine);
  qh_waivers_free(&waivers);
  return rc;
}
