/* run_case: one case, as a sequence of named phases: its result entry,
 * the module and server it needs, the evidence started, the steps, the
 * teardown, the evidence collected, its console line. */
#include "run_priv.h"

#include "fsutil.h"
#include "qc_time.h"
#include "resp_time.h"
#include "silent_port.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* What one case's phases share. */
typedef struct case_run {
  run *r;
  const qh_case *c;
  qr_case_result *cr;
  int64_t t0;
  double t0_real;         /* t0 on the realtime clock, seconds: the
                             capture's timestamps are realtime */
  int64_t t_mark;         /* when the current phase started */
  char dir[PATH_MAX];     /* its report directory */
  srv_ftp *srv;           /* NULL: server profile none */
  server_slot *sl;        /* srv's slot (its proxy) */
  qh_vars vars;
  uint64_t log_off, sim_off, proxy_off; /* where its share of logs starts */
  char pcap[PATH_MAX + 16];
  wire_capture *cap;
  int ctrl_port;
  char err[1024];
} case_run;

/* Capability tags (cases/FORMAT.md): a case that needs what this target
 * lacks is skipped, with the reason, rather than failed. */
static const char *skip_reason(const run *r, const qh_case *c)
{
  bool device = r->o->device != NULL;
  if (!qh_transport_has(r->t, QH_CAP_MODEM) && qh_case_has_tag(c, "needs:dtr"))
    return device ? "needs:dtr: tcp:// carries bytes only, no DTR line (use "
                    "rfc2217:// or the tty)"
                  : "needs:dtr: the simulator's pty has no DTR line";
  if (device && qh_case_has_tag(c, "needs:sim-control"))
    return "needs:sim-control: a device has no simulator control channel";
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
  /* profile:KEY:VALUE (profile-not:KEY:VALUE) — behaviour that depends on
   * one profile key (the loader checked the key and the value's type). */
  for (size_t i = 0; i < c->ntags; i++) {
    char key[128];
    const char *want;
    bool negated;
    if (!qh_case_profile_tag(c->tags[i], key, sizeof key, &want, &negated))
      continue;
    const char *v = qc_profile_get(r->profile, key);
    bool same = v && strcmp(v, want) == 0;
    if (same == negated)
      return negated ? "profile-not: this module profile has that value"
                     : "profile: this module profile has another value";
  }
  return NULL;
}



static uint64_t file_size(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* The module answers, and the case's server runs with its files. */
static int prepare(case_run *k)
{
  run *r = k->r;
  const qh_case *c = k->c;
  const char *sp = c->server ? c->server : "plain";
  r->pending_note[0] = '\0';
  r->module_error = false;
  if (rn_ensure_module(r, k->cr, k->t0, k->err, sizeof k->err) < 0) {
    qr_case_set_verdict(k->cr, QR_ERROR, 0, "module: %s", k->err);
    rn_fail_record(k->cr, "environment", k->cr->reason);
    r->module_error = true;
    return -1;
  }
  if (strcmp(sp, "none") != 0) {
    k->srv = rn_server_for(r, sp, k->err, sizeof k->err);
    if (!k->srv || rn_ensure_server(r, k->srv, k->err, sizeof k->err) < 0 ||
        srv_ftp_seed_home(k->srv, c->files, c->nfiles, k->err,
                          sizeof k->err) < 0) {
      qr_case_set_verdict(k->cr, QR_ERROR, 0, "server %s: %s", sp, k->err);
      rn_fail_record(k->cr, "environment", k->cr->reason);
      return -1;
    }
  }
  if (r->pending_note[0])
    qr_case_note(k->cr, 0, "before this case: %s", r->pending_note);
  r->cur_srv = k->srv;
  return 0;
}

/* Where the case's share of each log starts, the proxy with its faults,
 * the capture: everything the case leaves besides its transcript. */
static int start_evidence(case_run *k)
{
  run *r = k->r;
  const qh_case *c = k->c;
  k->log_off = k->srv ? srv_ftp_log_offset(k->srv) : 0;
  k->sim_off = file_size(r->sim_log);
  qh_silent_port_flush(r->silent_fd);
  /* Whatever the module says before the first step (a late URC of the
   * case before) is kept, and kept apart from the steps: it is read up to
   * the answer to a sentinel, which comes after it by construction. */
  if (!rn_sentinel(r, k->cr, (double)k->t0 / 1000.0, RUN_SENTINEL_MS))
    qr_case_note(k->cr, (double)(qc_now_ms() - k->t0) / 1000.0,
                 "no answer to the sentinel AT before the first step");
  rn_set_vars(r, k->srv, &k->vars);
  k->sl = k->srv ? rn_slot_of(r, k->srv) : NULL;
  if (k->srv && c->nfaults) {
    int pport = rn_proxy_for(r, k->srv, c, k->err, sizeof k->err);
    if (pport < 0) {
      qr_case_set_verdict(k->cr, QR_ERROR, 0, "fault proxy: %s", k->err);
      rn_fail_record(k->cr, "environment", k->cr->reason);
      return -1;
    }
    qh_vars_setf(&k->vars, "port", "%d", pport);
    qr_case_note(k->cr, 0, "through the fault proxy on port %d (%zu fault%s)",
                 pport, c->nfaults, c->nfaults == 1 ? "" : "s");
    k->proxy_off = file_size(qh_proxy_log_path(k->sl->proxy));
  }
  /* Every case is captured: the server side of the wire, as the module's
   * traffic reaches it (wire.pcap in the case directory). */
  snprintf(k->pcap, sizeof k->pcap, "%s/wire.pcap", k->dir);
  int port = rn_atoi_port(qh_vars_get(&k->vars, "port"));
  if (rn_start_capture(r, k->srv, c->nfaults ? port : 0, k->pcap, &k->cap,
                       k->err, sizeof k->err) < 0) {
    qr_case_set_verdict(k->cr, QR_ERROR, 0, "capture on %s: %s",
                        r->o->capture_if, k->err);
    rn_fail_record(k->cr, "environment", k->cr->reason);
    return -1;
  }
  k->ctrl_port = k->srv ? port : 0;
  return 0;
}

static void run_steps(case_run *k)
{
  run *r = k->r;
  qh_engine_env env = {
      .t = r->t,
      .lines = &r->lines,
      .vars = &k->vars,
      .time_scale = r->o->time_scale,
      .min_timeout = 2.0,
      .expect_timeout =
          (double)qc_profile_get_long(r->profile, "timeouts.expect", 5),
      .urc_timeout = (double)qc_profile_get_long(r->profile, "timeouts.urc", 10),
      .interrupted = r->interrupted,
      .t0 = k->t0,
      .home = r->o->home,
      .explain = rn_explain,
      .ctx = r,
  };
  qh_engine_run(r->engine, k->c, &env, k->cr);
  if (qh_transport_lost(r->t)) {
    /* The engine made it an error with the reason; no teardown on a line
     * that is gone. */
    r->module_error = true;
    qr_case_note(k->cr, (double)(qc_now_ms() - k->t0) / 1000.0, "%s",
                 qh_transport_lost(r->t));
  }
}

/* After the teardown: the proxy's, the capture's, the server's and the
 * module's share of the case. */
static void collect_evidence(case_run *k)
{
  run *r = k->r;
  const qh_case *c = k->c;
  if (k->sl && k->sl->proxy && c->nfaults) {
    /* A fault may still hold traffic (a delayed reply the module gave up
     * on): it belongs to this case, not to the next one's capture. */
    char ppath[PATH_MAX + 32];
    snprintf(ppath, sizeof ppath, "%s/proxy.log", k->dir);
    qh_copy_file_from(qh_proxy_log_path(k->sl->proxy), k->proxy_off, ppath);
    qh_proxy_stop(k->sl->proxy);
    k->sl->proxy = NULL;
  }
  rn_finish_wire(r, c, k->cr, k->cap, k->pcap, k->ctrl_port, &k->vars,
                 k->t0_real);

  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/server.log", k->dir);
  if (k->srv) {
    if (srv_ftp_copy_log_since(k->srv, k->log_off, path, k->err,
                               sizeof k->err) < 0)
      qr_case_note(k->cr, 0, "server log not copied: %s", k->err);
    rn_finish_server(c, k->cr, k->srv, k->log_off, k->t0_real);
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
    snprintf(path, sizeof path, "%s/module.log", k->dir);
    qh_copy_file_from(r->sim_log, k->sim_off, path);
  }
  /* Last: a case that otherwise passed fails on a slow command. */
  qh_rt_limits lim;
  qh_rt_limits_from_profile(r->profile, r->o->time_scale, &lim);
  qh_rt_check_case(k->cr, &lim);
}

/* Where the case's time goes (results.json "phases"): one phase ends
 * where the next starts. */
static void phase_done(case_run *k, qr_phase p)
{
  int64_t now = qc_now_ms();
  k->cr->phase_s[p] = (double)(now - k->t_mark) / 1000.0;
  k->t_mark = now;
}

/* The duration, a waiver, whether a Ctrl-C cut it short (the console
 * line is the runner's, once results.json holds the case). */
static void finish(case_run *k, qr_run_result *res)
{
  run *r = k->r;
  qr_case_result *cr = k->cr;
  r->cur_srv = NULL;
  cr->duration_s = (double)(qc_now_ms() - k->t0) / 1000.0;
  /* A Ctrl-C that ended the case in error cut it short: not run, for
   * diff, rather than a regression. */
  cr->interrupted = *r->interrupted != 0 && cr->verdict == QR_ERROR;
  const qh_waiver *wv = qh_run_waive(r->waivers, r->revision, cr);
  if (r->waived_by)
    r->waived_by[res->ncases - 1] = wv;
}

void rn_case_line(const run *r, const qr_run_result *res, size_t idx,
                  size_t total)
{
  const qr_case_result *cr = &res->cases[res->ncases - 1];
  const qh_waiver *wv = r->waived_by ? r->waived_by[res->ncases - 1] : NULL;
  rn_progress("[%*zu/%zu] %-40s %-6s %6.2f s%s%s\n", total > 99 ? 3 : 2, idx,
              total, cr->id, qr_verdict_name(cr->verdict), cr->duration_s,
              cr->reason ? "\n        " : "", cr->reason ? cr->reason : "");
  if (wv)
    rn_progress("        waived: %s (%s)\n", wv->reason, wv->reference);
}

void rn_run_case(run *r, const qh_case *c, qr_run_result *res)
{
  case_run kr;
  case_run *k = &kr;
  memset(k, 0, sizeof *k);
  k->r = r;
  k->c = c;
  k->cr = qr_run_add_case(res, c->id, c->title, c->spec, c->path, c->tags,
                          c->ntags);
  k->t0 = k->t_mark = qc_now_ms();
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  k->t0_real = (double)rt.tv_sec + (double)rt.tv_nsec / 1e9;
  k->cr->started = (double)(k->t0 - r->t_start) / 1000.0;
  snprintf(k->dir, sizeof k->dir, "%s/cases/%s", r->o->report_dir, c->id);
  qh_mkdirs(k->dir, 0755);

  const char *skip = skip_reason(r, c);
  if (skip)
    qr_case_set_verdict(k->cr, QR_SKIP, 0, "%s", skip);
  else {
    int rc = prepare(k);
    phase_done(k, QR_PHASE_PREPARE);
    if (rc == 0) {
      rc = start_evidence(k);
      phase_done(k, QR_PHASE_START_EVIDENCE);
    }
    if (rc == 0) {
      run_steps(k);
      phase_done(k, QR_PHASE_STEPS);
      rn_teardown_module(r, k->cr, k->t0);
      phase_done(k, QR_PHASE_TEARDOWN);
      collect_evidence(k);
      phase_done(k, QR_PHASE_EVIDENCE);
    }
  }
  k->t_mark = qc_now_ms(); /* a skipped case's finish: its own time only */
  finish(k, res);
  phase_done(k, QR_PHASE_FINISH);
}
