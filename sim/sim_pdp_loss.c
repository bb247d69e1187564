#include "sim_pdp_loss.h"

#include "sim_err.h"
#include "sim_ftp.h"
#include "sim_log.h"
#include "sim_quirk.h"
#include "sim_xfer.h"

#include <errno.h>
#include <stdlib.h>

void sim_pdp_lost(sim_ctx *c, int id, bool by_network)
{
  bool was = sim_pdp_is_active(&c->pdp, id);
  if (sim_pdp_deactivate(&c->pdp, id) != 0)
    return;
  if (by_network && was)
    sim_out_line(c, "+QIURC: \"pdpdeact\",%d", id);
  if (id != c->cfg.contextid || (c->quirks & SIM_QUIRK_IGNORE_PDP_DEACT))
    return;
  if (!c->ftp)
    return;
  if (sim_ftp_get_phase(c->ftp) == SIM_FTP_PH_CLOSED) {
    sim_ftp_abort(c->ftp, 0); /* a lost session is no session now */
    return;
  }
  int err = (int)sim_ctx_prof_long(c, "pdp_deact_err", SIM_ERR_NETWORK);
  sim_log("pdp: context %d under the FTP session is gone: err %d", id, err);
  bool xfer = c->xfer && sim_xfer_active(c->xfer);
  if (xfer)
    sim_xfer_kill(c->xfer, err); /* its URC; the RETR/STOR is ended below */
  if (!sim_ftp_abort(c->ftp, err) && !xfer)
    sim_out_line(c, "+QFTPCLOSE: %d,0", err); /* idle: the session ends */
}

int sim_pdp_drop_request(sim_ctx *c, const char *arg)
{
  if (*arg < '0' || *arg > '9')
    return -1;
  char *end;
  errno = 0;
  long id = strtol(arg, &end, 10);
  if (errno || *end || id > SIM_PDP_CTX_MAX || !sim_pdp_valid_id((int)id))
    return -1;
  sim_log("control: the network deactivates context %ld", id);
  sim_pdp_lost(c, (int)id, true);
  return 0;
}
