/* sim_slow: a module that is slow to answer (qftp-sim --slow CMD=MS), so
 * a harness can be shown to check maximum response times (the note's
 * command tables: AT+QFTPCFG 300 ms, AT+QFTPOPEN 125 s, ...).
 *
 * A command line naming CMD is executed at once, but everything the
 * module says from then on -- the command's information lines, its final
 * result code, URCs, data -- is held and goes out MS ms of module time
 * (scaled by --time-scale) after the line arrived. The echo of the line
 * itself is not held (it is written before the line is complete). A second
 * slow command while holding holds until the later of the two ends;
 * other commands meanwhile run and their output queues behind, in order.
 * Held output counts as queued output, so a COM: download stops reading
 * its socket (back-pressure) as it does behind a full pty.
 *
 * main.c owns the one sim_slow and points sim_ctx.slow at it; every
 * function below does nothing when that pointer is NULL. */
#ifndef SIM_SLOW_H
#define SIM_SLOW_H

#include "qc_buf.h"
#include "sim_at.h"
#include "sim_ctx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_SLOW_RULES_MAX 32
#define SIM_SLOW_MS_MAX 600000 /* 10 minutes of module time */
/* Most output held at once; beyond it, output is dropped (and logged),
 * as sim_outq does past its own maximum. */
#define SIM_SLOW_HELD_MAX (16 * 1024 * 1024)

typedef struct {
  char name[SIM_AT_NAME_MAX + 1]; /* as sim_at_split() gives it: "+QFTPCFG" */
  int64_t ms;                     /* module time, before --time-scale */
} sim_slow_rule;

struct sim_slow {
  sim_slow_rule rules[SIM_SLOW_RULES_MAX];
  size_t n;
  int64_t until; /* when held output goes out; INT64_MAX: not holding */
  qc_buf held;
  bool dropped; /* logged once per hold */
};

void sim_slow_init(sim_slow *s);
void sim_slow_free(sim_slow *s);

/* One --slow argument, "CMD=MS": CMD an AT command the simulator knows
 * ("AT+QFTPCFG", any letter case, "AT" included), MS 0..SIM_SLOW_MS_MAX
 * decimal. A command given twice takes the later MS. 0, or -1 with a
 * message in why. */
int sim_slow_add(sim_slow *s, const char *arg, char *why, size_t cap);

/* The command line naming `name` (upper case, as sim_at_split() gives
 * it) arrived at `now` (qc_now_ms). */
void sim_slow_begin(sim_ctx *c, const char *name, int64_t now);
/* From sim_out_raw(): true when the bytes were held (not to be written). */
bool sim_slow_hold(sim_ctx *c, const char *buf, size_t n);
/* Releases held output through c->write once its time has come. */
void sim_slow_tick(sim_ctx *c, int64_t now);
/* When sim_slow_tick() has something to do; INT64_MAX: never. */
int64_t sim_slow_deadline(const sim_ctx *c);
/* Bytes held now. */
size_t sim_slow_pending(const sim_ctx *c);
/* Forgets held output (a reset to power-on: a fresh module said nothing). */
void sim_slow_discard(sim_ctx *c);

#endif
