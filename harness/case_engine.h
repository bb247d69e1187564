/* case_engine: runs one case's steps against the module, records evidence.
 *
 * The engine owns no process and no server: it reads and writes the
 * transport, substitutes variables, applies each step (send, expect,
 * wait_for, silence, sleep) with a deadline, and writes the transcript and
 * the verdict into a qr_case_result. The runner (runner.c) owns everything
 * around it: servers, restarts, reports. */
#ifndef QH_CASE_ENGINE_H
#define QH_CASE_ENGINE_H

#include <signal.h>
#include <stdint.h>

#include "at_lines.h"
#include "case.h"
#include "qr_result.h"
#include "transport.h"
#include "vars.h"

typedef struct qh_engine_env {
  qh_transport *t;
  qh_lines *lines;     /* framing state of t; reset when t restarts */
  qh_vars *vars;       /* data steps set ${data_len} */
  double time_scale;   /* step `timeout:` values are module time: scaled */
  double min_timeout;  /* ...but never below this (seconds) */
  double expect_timeout; /* default for expect*, seconds (profile) */
  double urc_timeout;    /* default for wait_for, seconds (profile) */
  volatile sig_atomic_t *interrupted; /* set by SIGINT/SIGTERM; may be NULL */
  int interrupt_level; /* the flag value that interrupts (0 counts as 1) */
  /* Waits with a `timeout:` get this much more real time (the teardown's
   * margin) and at most max_timeout seconds (0: no cap). */
  double timeout_margin;
  double max_timeout;
  int64_t t0;          /* transcript times count from here; 0 = now */
  /* Step files in reasons, notes and the steps' "where" are shown
   * relative to it when under it (qh_path_from_home); NULL: as given. */
  const char *home;
  /* Says why the world may have broken a step ("qftp-sim exited 1",
   * "vsftpd killed by SIGKILL"); empty when all is well. May be NULL. */
  void (*explain)(void *ctx, char *buf, size_t len);
  void *ctx;
} qh_engine_env;

/* The engine's buffers (a step's text, data chunks, a listing up to
 * 4 MiB): one per runner, reused case after case. NULL when out of
 * memory. */
typedef struct qh_engine qh_engine;
qh_engine *qh_engine_new(void);
void qh_engine_free(qh_engine *m);

/* Runs c's steps; fills r (transcript, verdict, reason, failed_step, the
 * failure record, one "steps" entry per step) and stamps each transcript
 * entry with the step it belongs to (r->cur_step: 1..n during the steps,
 * 0 after). */
void qh_engine_run(qh_engine *m, const qh_case *c, qh_engine_env *env,
                   qr_case_result *r);

/* How steps played without a verdict ended. */
typedef enum qh_engine_end {
  QH_ENGINE_DONE,   /* every step held (an optional one may have failed) */
  QH_ENGINE_FAILED, /* a step failed: the module did not answer as asked */
  QH_ENGINE_BUSY,   /* a step's `busy:` line came */
} qh_engine_end;

/* Plays c's steps (the teardown fragment) without a verdict: r gets the
 * lines and a note for a step that failed, never a verdict, a failure
 * record, steps or an unexpected line; r->cur_step is left as it is. With QH_ENGINE_BUSY, busy (if given) gets the line. */
qh_engine_end qh_engine_play(qh_engine *m, const qh_case *c,
                             qh_engine_env *env, qr_case_result *r, char *busy,
                             size_t busylen);

/* The effective wait of a step in seconds (see qh_engine_env). */
double qh_engine_step_timeout(const qh_engine_env *env, const qh_step *s);

#endif
