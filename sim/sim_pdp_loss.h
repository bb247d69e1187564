/* sim_pdp_loss: the PDP context under the FTP session goes away, by
 * AT+QIDEACT or by the network (the control channel's "pdp-drop N",
 * main.c). The note only hints what follows (4.2, 4.3: a context that is
 * not active gives 605 / 604 at AT+QFTPOPEN); the err is the profile's
 * pdp_deact_err. */
#ifndef SIM_PDP_LOSS_H
#define SIM_PDP_LOSS_H

#include "sim_ctx.h"

#include <stdbool.h>

/* Deactivates context id; by_network prints +QIURC: "pdpdeact",<id>
 * first (when it was active). When it is the FTP session's context
 * (2.1 "contextid"), the session ends: a transfer with its own URC, a
 * command in flight (open, CWD, ... close) with its URC, an idle session
 * with +QFTPCLOSE: <err>,0; each with the profile's pdp_deact_err and
 * protocol error 0. Then AT+QFTPSTAT shows 4 and FTP commands answer
 * +CME ERROR: 601 (no session) until an AT+QFTPOPEN on an active
 * context. Quirk ignore-pdp-deact: the session is left alone. */
void sim_pdp_lost(sim_ctx *c, int id, bool by_network);

/* The control channel's request "pdp-drop <id>" (the text after
 * "pdp-drop "): 0 done, -1 not a context id 1-15. */
int sim_pdp_drop_request(sim_ctx *c, const char *arg);

#endif
