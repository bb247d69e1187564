/* sim_dtr: AT&D and the host's DTR. */
#include "sim_dtr.h"

#include "sim_log.h"
#include "sim_quirk.h"
#include "sim_xfer.h"

void sim_dtr_changed(sim_ctx *c, bool up)
{
  sim_trace("dtr: %s (AT&D%d)", up ? "on" : "off", c->amp_d);
  if (up || (c->quirks & SIM_QUIRK_IGNORE_DTR) || !c->xfer)
    return;
  switch (c->amp_d) {
  case SIM_DTR_COMMAND:
    sim_xfer_dtr_off(c->xfer, false);
    return;
  case SIM_DTR_CLEAR: /* the profile may make &D2 act as &D1 */
    sim_xfer_dtr_off(c->xfer, sim_ctx_prof_bool(c, "dtr_d2_aborts", true));
    return;
  default: /* AT&D0: ignored */
    return;
  }
}
