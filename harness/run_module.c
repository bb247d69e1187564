/* run_module: the module between cases: restarted, reopened, or waited
 * for when its device went away. */
#include "run_priv.h"

#include "qc_time.h"
#include "preflight.h"
#include "reconnect_check.h"

#include <stdio.h>
#include <string.h>

/* The line speed a diagnosis names: the one set on a tty or an RFC 2217
 * port; none for tcp:// and the simulator's pty. */
int rn_preflight_baud(const run *r)
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
  rn_progress("  warning: the module that came back is %s, the run started "
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
  rn_progress("  %s\n  waiting for the device (%s) up to %d s ", why,
           r->t->target, wait_s);
  int64_t start = qc_now_ms();
  int64_t end = qc_deadline_in((int64_t)wait_s * 1000);
  int backoff = RUN_DEVICE_BACKOFF_MIN_MS;
  char last[512] = "";
  bool back = false;
  for (;;) {
    if (*r->interrupted) {
      rn_progress("\n");
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
        rn_progress(" back after %.1f s", (double)(qc_now_ms() - start) / 1000.0);
      }
    }
    if (open) {
      char why_not[256];
      qh_preflight_opts po = {.time_scale = r->o->time_scale,
                              .baud = rn_preflight_baud(r),
                              .transcript = r->preflight_path,
                              .heading = "after the device came back"};
      qh_module_id id;
      if (qh_reconnect_check(r->t, &r->lines, &po, &id, why_not,
                             sizeof why_not) == 0) {
        rn_progress(", the module answers\n");
        identity_check(r, &id);
        return 0;
      }
      snprintf(last, sizeof last, "%s", why_not);
    }
    if (qc_remaining_ms(end) <= 0)
      break;
    rn_progress(".");
    int64_t d = qc_deadline_in(backoff);
    qc_sleep_until(d < end ? d : end);
    backoff = backoff * 2 > RUN_DEVICE_BACKOFF_MAX_MS ? RUN_DEVICE_BACKOFF_MAX_MS
                                                       : backoff * 2;
  }
  rn_progress("\n");
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


int rn_ensure_module(run *r, qr_case_result *cr, int64_t t0, char *err,
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
  bool wanted = alive && r->restart_module; /* by the teardown */
  r->restart_module = NULL;
  if (wanted && qh_transport_has(r->t, QH_CAP_OWNED)) {
    /* The simulator still runs: back to power-on without a new process
     * (what a restart would give, minus the start); restarted only when
     * it does not confirm. */
    char rerr[256];
    if (qh_transport_reset(r->t, rerr, sizeof rerr) == 0) {
      qh_lines_init(&r->lines);
      rn_progress("  resetting the module (%s)\n", why);
      size_t o = strlen(r->pending_note);
      snprintf(r->pending_note + o, sizeof r->pending_note - o,
               "%smodule reset to power-on without a restart (%s)",
               o ? "; " : "", why);
      return 0;
    }
    size_t w = strlen(why);
    snprintf(why + w, sizeof why - w, "; %s", rerr);
  }
  if (!qh_transport_has(r->t, QH_CAP_OWNED) && !alive) {
    if (wait_for_device(r, why, err, errlen) < 0)
      return -1;
    /* The module kept what the lost case left (a session, an active
     * context): the teardown that case could not do happens now, in this
     * case's transcript before its steps. */
    rn_teardown_module(r, cr, t0);
    if (r->restart_module) {
      snprintf(err, errlen, "the device (%s) came back, the module could "
               "not be reset: %s", r->t->target, r->restart_module);
      r->restart_module = NULL;
      return -1;
    }
  } else {
    bool owned = qh_transport_has(r->t, QH_CAP_OWNED);
    rn_progress("  %s the module (%s)\n", owned ? "restarting" : "reopening",
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
