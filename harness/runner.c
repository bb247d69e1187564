/* runner: the run's lifecycle. Everything started here is stopped here,
 * whatever happens in between (a case fails, the module or vsftpd dies,
 * Ctrl-C). */
#include "run_priv.h"
#include "run_par.h"

#include "case_fragment.h"
#include "case_set.h"
#include "fsutil.h"
#include "preflight.h"
#include "qc_time.h"
#include "qr_report.h"
#include "report_dir.h"
#include "silent_port.h"
#include "srv_user.h"
#include "work_dir.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef QFTP_VERSION
#define QFTP_VERSION "0.1.0"
#endif

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


char *rn_xstrdup(const char *s)
{
  char *d = strdup(s);
  if (!d) {
    fputs("qftp-harness: out of memory\n", stderr);
    abort();
  }
  return d;
}

void rn_progress(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fflush(stdout);
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
int rn_load_set(const qh_run_opts *o, qh_case_set *set, char ***all_ids,
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
  size_t selected = set->n;
  qh_shard_apply(set, o->shard);
  if (set->n == 0) {
    fprintf(stderr, "qftp-harness: --shard %u/%u holds no case (of %zu "
                    "selected): use fewer shards\n",
            o->shard.k, o->shard.n, selected);
    return -1;
  }
  return 0;
}

void rn_free_ids(char **ids, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(ids[i]);
  free(ids);
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
  int rc = rn_load_set(o, &set, NULL, NULL);
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
  if (rn_load_set(o, &set, NULL, NULL) < 0) {
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
                    .nquirks = o->nquirks,
                    .slows = o->slows,
                    .nslows = o->nslows};
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
                          .baud = rn_preflight_baud(r),
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
  rn_progress("module: %s\n", sum);
  if (!id->echo)
    rn_progress("warning: the module does not echo after ATE1 (the harness "
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
    rn_progress("warning: --module-revision %s, the module reports %s; waivers "
             "match %s\n",
             o->module_revision, id->revision, o->module_revision);
  return true;
}

/* results.json as far as the run got, after every case (atomically: a
 * SIGKILL leaves every finished case's verdict): marked as a run that had
 * not finished, which the final write replaces. */
static void write_progress(const run *r, qr_run_result *res)
{
  char path[PATH_MAX], err[1024], detail[160];
  snprintf(path, sizeof path, "%s/results.json", r->o->report_dir);
  snprintf(detail, sizeof detail,
           "the run had not finished when this file was written (%zu of %zu "
           "cases)",
           res->ncases, res->planned > res->ncases ? res->planned : res->ncases);
  double duration = res->duration_s;
  bool interrupted = res->interrupted;
  res->duration_s = (double)(qc_now_ms() - r->t_start) / 1000.0;
  res->interrupted = true;
  qr_run_set_stop(res, "running", detail);
  if (qr_write_json(res, path, err, sizeof err) < 0)
    rn_progress("warning: reports: %s\n", err);
  res->duration_s = duration;
  res->interrupted = interrupted;
  qr_run_set_stop(res, NULL, NULL);
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
  rn_stop_capture(r);
  if (r->silent_fd >= 0)
    close(r->silent_fd);
  r->silent_fd = -1;
}

/* The run on a loaded selection: every case of set in order, or (w: a
 * worker of `run -j N`) the cases the parent hands out. */
int rn_run_set(const qh_run_opts *o, qh_case_set *setp, char **all_ids,
               size_t nall, const rn_link *w)
{
  qh_case_set set = *setp; /* owned from here */
  memset(setp, 0, sizeof *setp);
  run r;
  memset(&r, 0, sizeof r);
  r.o = o;
  r.interrupted = &run_interrupted;
  r.silent_fd = -1;
  qh_lines_init(&r.lines);
  int64_t t_start = qc_now_ms();
  r.t_start = t_start;
  char err[1024];

  qh_case *teardown = NULL;
  qh_waivers waivers = {0};
  int rc = QH_EXIT_ENV;
  qr_run_result *res = NULL;
  if (load_teardown(o, &teardown) < 0)
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
    rn_progress("removed %d FTP user%s left by killed runs\n", reaped,
             reaped == 1 ? "" : "s");
  int swept = qh_work_dir_sweep("/tmp");
  if (swept > 0)
    rn_progress("removed %d work director%s left by killed runs\n", swept,
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
  rn_progress("module: %s, profile %s, time scale %g\n", r.t->desc, o->profile,
           o->time_scale);

  res = qr_run_result_new(o->device ? o->device : "sim", o->profile,
                          o->time_scale);
  res->planned = set.n;
  bool preflight_ok = preflight(&r, res);
  qr_run_set_waiver_info(res, r.revision, o->waivers_path);
  int module_errors = 0; /* consecutive */
  for (size_t i = 0; preflight_ok && !run_interrupted; i++) {
    size_t at = i; /* the case's index in set */
    if (w ? rn_worker_next(w, set.n, &at, &run_interrupted) < 0 : i >= set.n)
      break;
    rn_run_case(&r, set.cases[at], res);
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
    bool stop = false;
    if (r.stop_reason[0] && w) {
      /* A worker that stops takes no more cases; the others run them. */
      qr_case_note(cr, cr->duration_s,
                   "worker stopped: %s; it takes no more cases",
                   r.stop_reason);
      stop = true;
    } else if (r.stop_reason[0] && i + 1 < set.n) {
      /* Like an interrupted run: the rest is not run; the reason is in
       * the last case's transcript and on the console. */
      qr_case_note(cr, cr->duration_s,
                   "run stopped: %s; the %zu remaining case%s not run",
                   r.stop_reason, set.n - i - 1,
                   set.n - i - 1 == 1 ? " is" : "s are");
      stop = true;
    }
    /* The case is over: its files written, its transcript and evidence
     * out of memory (the run's memory stays that of one case). A case
     * that cannot be sealed stays whole and is written at the end. */
    if (qr_case_seal(res, cr, o->report_dir, err, sizeof err) < 0)
      rn_progress("warning: reports: %s\n", err);
    /* On disk before anyone is told the case is done: whatever the
     * console (or the parent of -j) says finished is in the file. */
    write_progress(&r, res);
    rn_case_line(&r, res, i + 1, set.n);
    if (w)
      rn_worker_done(w, at, cr);
    if (stop && !w)
      rn_progress("stopping the run: %s; %zu case%s not run\n", r.stop_reason,
                  set.n - i - 1, set.n - i - 1 == 1 ? "" : "s");
    if (stop)
      break;
  }
  res->duration_s = (double)(qc_now_ms() - t_start) / 1000.0;
  /* interrupted: the run did not run all it planned, whatever the cause;
   * stop_reason: the cause. A Ctrl-C wins over what it cut short. */
  if (w) /* a worker planned what it was handed; the parent knows more */
    res->planned = res->ncases;
  res->interrupted = run_interrupted != 0 || res->ncases < res->planned ||
                     (w && (r.stop_reason[0] || !preflight_ok));
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
  rn_progress("%zu case%s: %zu passed, %zu failed, %zu errors, %zu skipped%s "
           "in %.1f s%s%s\n",
           res->ncases, res->ncases == 1 ? "" : "s", counts[QR_PASS],
           counts[QR_FAIL], counts[QR_ERROR], counts[QR_SKIP], waived,
           res->duration_s,
           run_interrupted     ? " (interrupted)"
           : !preflight_ok    ? " (preflight failed)"
           : r.stop_reason[0] ? " (stopped early)"
                              : "",
           stale_s);
  rn_progress("reports: %s/results.json\n         %s/junit.xml\n"
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
  rn_free_ids(all_ids, nall);
  free(r.waived_by);
  qh_engine_free(r.engine);
  qh_waivers_free(&waivers);
  return rc;
}

int qh_run(const qh_run_opts *o)
{
  if (o->jobs > 1)
    return rn_par_run(o);
  qh_case_set set = {0};
  char **all_ids = NULL;
  size_t nall = 0;
  if (rn_load_set(o, &set, &all_ids, &nall) < 0) {
    qh_case_set_free(&set);
    rn_free_ids(all_ids, nall);
    return QH_EXIT_ENV;
  }
  return rn_run_set(o, &set, all_ids, nall, NULL);
}
