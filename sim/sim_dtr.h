/* sim_dtr: what the module does when the host drops DTR (V.24 circuit
 * 108/2), after AT&D (V.250 6.2.9):
 *   AT&D0  DTR is ignored;
 *   AT&D1  in data mode, an on-to-off change leaves it as "+++" does
 *          (note 1.5: "or with DTR (after AT&D1)"), the transfer kept;
 *   AT&D2  (the default) the transfer is cleared down, in data mode or
 *          paused by "+++": the simulator ends it as firmware whose "+++"
 *          aborts does (OK in data mode, no URC, STAT back to 1, ATO has
 *          nothing to resume; sim/README.md).
 * Raising DTR does nothing. The line itself is the transport's
 * (sim_rfc2217.h); a pty has none. AT+QFUPL's input is not watched. */
#ifndef SIM_DTR_H
#define SIM_DTR_H

#include "sim_ctx.h"

#include <stdbool.h>

enum {
  SIM_DTR_IGNORE = 0,  /* AT&D0 */
  SIM_DTR_COMMAND = 1, /* AT&D1 */
  SIM_DTR_CLEAR = 2,   /* AT&D2 */
  SIM_DTR_DEFAULT = SIM_DTR_CLEAR,
};

/* The host's DTR is now `up`. */
void sim_dtr_changed(sim_ctx *c, bool up);

#endif
