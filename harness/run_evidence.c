/* run_evidence: what a case leaves besides its transcript: the capture
 * and its wire assertions, the server's log, home and assertions. */
#include "run_priv.h"

#include "wire_analyze.h"
#include "wire_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds since the case started, for a note: the evidence comes after
 * the steps and the teardown, and its notes sort after them. */
static double case_now(double t0_real)
{
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  double t = (double)rt.tv_sec + (double)rt.tv_nsec / 1e9 - t0_real;
  return t > 0 ? t : 0;
}

void rn_fail_record(qr_case_result *cr, const char *kind, const char *msg)
{
  if (cr->failure && cr->failure->step > 0)
    return;
  if (!msg)
    msg = "";
  const char *x = strstr(msg, "expected ");
  const char *y = NULL;
  size_t cut = 0;
  for (const char *q = x; q && (q = strstr(q, ", s")) != NULL; q++) {
    if (strncmp(q, ", saw ", 6) == 0)
      y = q, cut = 6;
    else if (strncmp(q, ", seen ", 7) == 0)
      y = q, cut = 7;
  }
  if (!x || !y) {
    qr_case_set_failure(cr, 0, kind, NULL, NULL, "", msg, -1);
    return;
  }
  x += strlen("expected ");
  char *want = strndup(x, (size_t)(y - x));
  qr_case_set_failure(cr, 0, kind, NULL, NULL, want ? want : "", y + cut, -1);
  free(want);
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
    if (!(out->commands[i] = strdup(buf))) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  for (size_t i = 0; i < in->nforbidden; i++) {
    if (qh_vars_expand(v, in->forbidden[i], buf, sizeof buf, err, errlen) < 0)
      return -1;
    if (!(out->forbidden[i] = strdup(buf))) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
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
 * capture_flows), data payloads snapped after WIRE_CAPTURE_SNAP bytes.
 * One qftp-capture serves the run, started by the first case (a process
 * per case cost more than many a case); each case is a window of it
 * (wire_capture_begin), which also holds out the flows of cases before. */
int rn_start_capture(run *r, srv_ftp *srv, int proxy_port,
                     const char *pcap, wire_capture **cap, char *err,
                     size_t errlen)
{
  *cap = NULL;
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
    rn_progress("  capture filter: %s\n  kept whole: %s\n", filter, whole);
  if (r->capture && wire_capture_broken(r->capture)) {
    char why[256];
    if (wire_capture_close(r->capture, why, sizeof why) < 0)
      rn_progress("  restarting the capture (%s)\n", why);
    r->capture = NULL;
  }
  if (!r->capture &&
      wire_capture_open(r->o->capture_binary, r->o->capture_if,
                        WIRE_CAPTURE_SNAP, &r->capture, err, errlen) < 0)
    return -1;
  if (wire_capture_begin(r->capture, filter, whole, pcap, err, errlen) < 0)
    return -1;
  *cap = r->capture;
  return 0;
}

void rn_stop_capture(run *r)
{
  char err[512];
  if (r->capture && wire_capture_close(r->capture, err, sizeof err) < 0)
    rn_progress("warning: %s\n", err);
  r->capture = NULL;
}


/* After the steps: the case's window is closed, checked for drops, analysed;
 * the analysis becomes evidence and the case's wire assertions are held
 * against it. Only turns a pass into a fail (the first failure stays).
 * The capture's own trouble is never the module's: a failed capture tool
 * or dropped packets make wire assertions inconclusive (error); a case
 * without any keeps its verdict, with a note. */
void rn_finish_wire(run *r, const qh_case *c, qr_case_result *cr,
                        wire_capture *cap, const char *pcap, int ctrl_port,
                        const qh_vars *v, double t0_real)
{
  (void)r;
  char err[1024];
  wire_capture_stats st = {0};
  int stop = wire_capture_end(cap, &st, err, sizeof err);
  if (stop < 0) {
    qr_case_note(cr, case_now(t0_real), "capture: %s", err);
    if (c->wire.present && cr->verdict == QR_PASS) {
      qr_case_set_verdict(cr, QR_ERROR, 0, "capture: %s", err);
      rn_fail_record(cr, "environment", cr->reason);
    }
    return;
  }
  if (st.waited)
    qr_case_note(cr, case_now(t0_real), "capture: no end marker on this interface: the "
                        "window's end was waited for, not confirmed");
  bool dropped = stop == WIRE_CAPTURE_DROPPED;
  if (dropped && c->wire.present) {
    qr_case_note(cr, case_now(t0_real), "%s: wire assertions not checked", err);
    if (cr->verdict == QR_PASS) {
      qr_case_set_verdict(cr, QR_ERROR, 0, "%s: wire assertions not checked",
                          err);
      rn_fail_record(cr, "environment", cr->reason);
    }
  } else if (dropped) {
    qr_case_note(cr, case_now(t0_real), "%s (the case has no wire assertions)", err);
  }
  if (ctrl_port <= 0)
    return; /* no FTP server in this case: the pcap is the evidence */
  wire_analysis *a = NULL;
  if (wire_analyze_file(pcap, ctrl_port, &a, err, sizeof err) < 0) {
    qr_case_note(cr, case_now(t0_real), "wire analysis: %s", err);
    if (c->wire.present && cr->verdict == QR_PASS) {
      qr_case_set_verdict(cr, QR_ERROR, 0, "wire analysis: %s", err);
      rn_fail_record(cr, "environment", cr->reason);
    }
    return;
  }
  /* On the transcript's clock: seconds since the case started. */
  char *json = wire_analysis_to_json_at(a, t0_real);
  qr_case_set_evidence(cr, NULL, json);
  free(json);
  /* Our own capture cut short (disk full, killed writer): assertions on
   * part of the exchange prove nothing either way. */
  if (a->truncated) {
    qr_case_note(cr, case_now(t0_real), "capture damaged: %s", a->capture_error);
    if (c->wire.present && cr->verdict == QR_PASS) {
      qr_case_set_verdict(cr, QR_ERROR, 0, "capture damaged: %s",
                          a->capture_error);
      rn_fail_record(cr, "environment", cr->reason);
    }
  }
  if (c->wire.present && !a->truncated && !dropped) {
    wire_expect w;
    char msg[2048];
    if (wire_expand(&c->wire, v, &w, err, sizeof err) < 0) {
      if (cr->verdict == QR_PASS) {
        qr_case_set_verdict(cr, QR_ERROR, 0, "wire: %s", err);
        rn_fail_record(cr, "environment", cr->reason);
      }
    } else if (wire_check(a, &w, msg, sizeof msg) < 0) {
      /* Also when a step failed first: what the wire shows (TYPE A, no
       * REST) often explains the failed step. */
      qr_case_note(cr, case_now(t0_real), "%s", msg);
      if (cr->verdict == QR_PASS) {
        qr_case_set_verdict(cr, QR_FAIL, 0, "%s", msg);
        rn_fail_record(cr, "wire", msg);
      } else if (cr->reason) {
        /* The reason is replaced while it is formatted: a copy first. */
        char *first = rn_xstrdup(cr->reason);
        qr_case_set_verdict(cr, cr->verdict, cr->failed_step, "%s; and %s",
                            first, msg);
        free(first);
      }
    } else {
      qr_case_note(cr, case_now(t0_real), "wire assertions hold");
    }
    wire_expanded_free(&w);
  }
  wire_analysis_free(a);
}


/* The server's side of the case: what it saw and stored becomes evidence,
 * and the case's server_expect is held against its home and log. Only
 * turns a pass into a fail. */
void rn_finish_server(const qh_case *c, qr_case_result *cr, srv_ftp *srv,
                      uint64_t log_off, double t0_real)
{
  char err[1024];
  char *json = NULL;
  if (srv_ftp_summary_json(srv, log_off, &json, err, sizeof err) == 0) {
    qr_case_set_evidence(cr, json, NULL);
    free(json);
  } else {
    qr_case_note(cr, case_now(t0_real), "server summary: %s", err);
  }
  bool any = c->expect.nfiles || c->expect.nlog;
  if (!any || cr->verdict != QR_PASS)
    return;
  char msg[2048];
  if (srv_ftp_check_expect(srv, log_off, &c->expect, msg, sizeof msg) < 0) {
    qr_case_set_verdict(cr, QR_FAIL, 0, "%s", msg);
    rn_fail_record(cr, "server", msg);
  }
  else
    qr_case_note(cr, case_now(t0_real), "server assertions hold");
}
