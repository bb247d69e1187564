/* run_priv: what the runner's files share (runner.c: the run's lifecycle;
 * run_case.c: one case's phases; run_module.c: the module between cases;
 * run_servers.c: a case's FTP server and fault proxy; run_evidence.c: the
 * capture and the server's side; run_teardown.c: after a case). Internal:
 * only harness/run*.c include it. */
#ifndef QH_RUN_PRIV_H
#define QH_RUN_PRIV_H

#include "case.h"
#include "case_engine.h"
#include "at_lines.h"
#include "module_id.h"
#include "proxy_ctl.h"
#include "qc_profile.h"
#include "qr_result.h"
#include "run_waivers.h"
#include "runner.h"
#include "srv_ftp.h"
#include "transport.h"
#include "vars.h"
#include "wire_capture.h"

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

enum {
  RUN_MAX_SERVERS = 8, /* profiles one run may start: plain, 3 FTPS, mlsd */
  RUN_TEARDOWN_MS = 3000,
  RUN_HURRY_WAIT_MS = 5000, /* the longest teardown wait after a Ctrl-C */
  RUN_SENTINEL_MS = 1000, /* a module in command mode answers AT by then */
  RUN_DEVICE_BACKOFF_MIN_MS = 250, /* reopen/reconnect polling */
  RUN_DEVICE_BACKOFF_MAX_MS = 2000,
};

/* The sentinel's marker line (rn_sentinel). */
#define RUN_SENTINEL "AT+GMR"

/* A host name that can never resolve (RFC 6761 reserves .invalid). */
#define RUN_BAD_HOST "qftp-no-such-host.invalid"

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
  wire_capture *capture; /* the run's, from the first case that starts it */
  char work_dir[64]; /* servers' files, under /tmp: reachable by vsftpd */
  char sim_log[PATH_MAX];
  char pending_note[512];  /* what the runner restarted before this case */
  /* Why the teardown wants the module started again before the next
   * case (NULL: it does not). */
  const char *restart_module;
  char restart_buf[192]; /* restart_module when it is composed */
  const qh_case *teardown; /* cases/_fragments/teardown.yaml */
  qh_engine *engine;       /* its buffers, for every case and teardown */
  /* The run's signal flag (runner.c): 1 after a first Ctrl-C, 2 after a
   * second. */
  volatile sig_atomic_t *interrupted;
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

void rn_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strdup that aborts when memory is out, as the result model does
 * (qr_result.h): a run cannot report without memory. */
char *rn_xstrdup(const char *s);

/* The failure record of a case that failed outside its steps (kind
 * "environment", "wire", "server"): what was wanted and seen is read off
 * msg when it says "expected X, saw Y" (or "seen Y"); else seen is msg.
 * Leaves a step's record alone (the first failure stays). */
void rn_fail_record(qr_case_result *cr, const char *kind, const char *msg);

/* run_case.c: runs one case, from its result entry to its console line. */
void rn_run_case(run *r, const qh_case *c, qr_run_result *res);
/* The console line of the case rn_run_case added last ("[ 3/40] id  pass
 * 0.21 s", its reason, its waiver): printed once results.json holds it. */
void rn_case_line(const run *r, const qr_run_result *res, size_t idx,
                  size_t total);

/* run_servers.c */
/* Says why the world may have broken a step (qh_engine_env.explain). */
void rn_explain(void *ctx, char *buf, size_t len);
srv_ftp *rn_server_for(run *r, const char *profile, char *err, size_t errlen);
int rn_ensure_server(run *r, srv_ftp *srv, char *err, size_t errlen);
server_slot *rn_slot_of(run *r, const srv_ftp *srv);
int rn_proxy_for(run *r, srv_ftp *srv, const qh_case *c, char *err,
                 size_t errlen);
void rn_set_vars(run *r, srv_ftp *srv, qh_vars *v);
int rn_atoi_port(const char *s);

/* run_module.c */
int rn_preflight_baud(const run *r);
int rn_ensure_module(run *r, qr_case_result *cr, int64_t t0, char *err,
                     size_t errlen);

/* run_teardown.c */
bool rn_sentinel(run *r, qr_case_result *cr, double t0s, int ms);
void rn_teardown_module(run *r, qr_case_result *cr, int64_t t0);

/* run_evidence.c */
int rn_start_capture(run *r, srv_ftp *srv, int proxy_port,
                     const char *pcap, wire_capture **cap, char *err,
                     size_t errlen);
void rn_stop_capture(run *r);
/* t0_real: when the case started, realtime seconds (the capture's
 * clock): the wire evidence's times are rebased to the case's clock. */
void rn_finish_wire(run *r, const qh_case *c, qr_case_result *cr,
                    wire_capture *cap, const char *pcap, int ctrl_port,
                    const qh_vars *v, double t0_real);
void rn_finish_server(const qh_case *c, qr_case_result *cr, srv_ftp *srv,
                      uint64_t log_off, double t0_real);

#endif
