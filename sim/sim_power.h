/* sim_power: the module's power-on state. Built once at start and built
 * again by a reset (main.c, --control-fd): after a reset the context is
 * exactly what a fresh process has, so the harness can bring a busy
 * module back without restarting the simulator. */
#ifndef SIM_POWER_H
#define SIM_POWER_H

#include "sim_ctx.h"

/* Creates the session engines (FTP, transfers) of an initialised context
 * whose process fields (write, prof, time_scale, quirks, root) are set.
 * 0, or -1 (out of memory). */
int sim_power_on(sim_ctx *c);
/* Ends what runs: an AT+QFUPL, a transfer and its data connection, the
 * FTP session and its control connection (sockets closed, no URC). */
void sim_power_off(sim_ctx *c);
/* sim_power_off, then every setting back to its power-on value (echo,
 * AT+QFTPCFG, AT+QSSLCFG, PDP contexts, pending URCs and quirk state),
 * then sim_power_on. What lives in the process and not in the module
 * stays: the output sink, profile, time scale, quirks, --slow rules (what
 * they hold is main.c's to drop), the stored files
 * under root (a restart keeps them too). 0, or -1. */
int sim_power_reset(sim_ctx *c);

#endif
