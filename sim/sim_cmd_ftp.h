/* sim_cmd_ftp: the FTP session commands (2.2-2.4, 2.17, 2.18) and the
 * bridge from sim_ftp's completions to result URCs. */
#ifndef SIM_CMD_FTP_H
#define SIM_CMD_FTP_H

#include "sim_ctx.h"

#include <stdint.h>

/* sim_ftp hooks.done: ctx is the sim_ctx. Prints the operation's URC. */
void sim_cmd_ftp_done(void *ctx, int tag, int err, int reply, const char *text);

/* sim_ftp hooks.prelim: a 1xx (transfers wait for it before CONNECT). */
void sim_cmd_ftp_prelim(void *ctx, int tag, int reply);

/* sim_ftp hooks.map_reply: <err> for a reply per the profile (chapter 5). */
int sim_cmd_ftp_map_reply(void *ctx, int reply);

/* A result URC held back by the late-urc quirk: when it is due
 * (INT64_MAX: none) and the tick that prints it. */
int64_t sim_cmd_ftp_next_deadline(const sim_ctx *c);
void sim_cmd_ftp_tick(sim_ctx *c);

#endif
