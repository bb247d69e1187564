/* runner: one run — find cases, start what the run owns, run each case,
 * restart what died, always tear down, write the reports.
 *
 * Exit status (DESIGN.md): 0 every case passed (or was skipped or waived;
 * a stale waiver is a warning only), 1 some case
 * failed, 2 usage, case-file or environment error (a server or the module
 * could not be started, a case could not run — verdict error —, the run
 * was interrupted or stopped because the module's device went away). */
#ifndef QH_RUNNER_H
#define QH_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "shard.h"

enum { QH_EXIT_PASS = 0, QH_EXIT_FAIL = 1, QH_EXIT_ENV = 2 };

typedef struct qh_run_opts {
  const char *const *paths; /* case files or directories; none = cases/ */
  size_t npaths;
  const char *home;         /* holds cases/, fixtures/, servers/ */
  const char *device;       /* NULL: spawn the simulator; a tty path,
                               rfc2217://HOST:PORT or tcp://HOST:PORT */
  int baud;
  bool rtscts;
  int device_wait_s;        /* how long a lost device is waited for */
  int max_module_errors;    /* consecutive module errors that stop the run */
  const char *report_dir;
  const char *filter;       /* see qh_filter_match */
  const char *profile;
  const char *const *quirks;
  size_t nquirks;
  const char *const *slows; /* --sim-slow CMD=MS: qftp-sim --slow */
  size_t nslows;
  double time_scale;        /* < 0: 0.05 for the simulator, 1 for a device */
  const char *server_addr;  /* vsftpd listens here; ${host} */
  const char *sim_binary;   /* qftp-sim */
  const char *proxy_binary; /* qftp-proxy */
  const char *capture_binary; /* qftp-capture */
  const char *capture_if;   /* interface the capture listens on */
  const char *module_addr;  /* --module-addr: the module's IP, for the
                               capture filter; NULL: the simulator's
                               source address, any with a device */
  bool verbose;
  bool list_tags;           /* list: "tag<TAB>cases" instead of cases */
  const char *waivers_path; /* --waivers FILE (harness/waivers.h); NULL */
  const char *module_revision; /* --module-revision; NULL: the revision
                                  the preflight reads */
  const char *sim_revision;    /* --sim-revision: qftp-sim --revision */
  qh_shard shard;           /* --shard K/N: this slice of the selection */
  int jobs;                 /* -j N: workers (run_par.h); 0 or 1: none */
  /* -j with hardware: --device, --server-addr and --module-addr given
   * once per worker (or the last two once for all); empty otherwise. */
  const char *const *devices;
  size_t ndevices;
  const char *const *server_addrs;
  size_t nserver_addrs;
  const char *const *module_addrs;
  size_t nmodule_addrs;
} qh_run_opts;

/* A run; with jobs > 1, one of N workers (run_par.h). */
int qh_run(const qh_run_opts *o);

/* `check`: loads every case, prints each error; 0 or 2. */
int qh_check(const qh_run_opts *o);

/* `list`: prints "id<TAB>spec<TAB>tags<TAB>title" of the selected cases;
 * with list_tags, each of their tags and how many of them carry it. */
int qh_list(const qh_run_opts *o);

#endif
