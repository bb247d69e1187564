#include "sim_resume.h"

#include "qc_ftpcodes.h"
#include "sim_err.h"
#include "sim_quirk.h"

void sim_resume_init(sim_resume *r, const sim_ctx *c, const sim_xfer_req *req)
{
  r->base = req->startpos;
  r->left = 0;
  if (c->cfg.cache != 2 || req->kind != SIM_XFER_GET || req->com ||
      (c->quirks & SIM_QUIRK_NO_RESUME))
    return;
  r->left = (int)sim_ctx_prof_long(c, "resume_attempts",
                                   SIM_RESUME_ATTEMPTS_DEFAULT);
}

/* What a broken data connection looks like; anything else (550, a timeout,
 * a lost control connection, a full disk) is no reason to try again. */
static bool is_break(int err, int reply)
{
  if (reply == QC_FTP_TRANSFER_ABORTED || reply == QC_FTP_LOCAL_ERROR)
    return true;
  return reply == 0 &&
         (err == SIM_ERR_DATA_CLOSED || err == SIM_ERR_PEER_CLOSED);
}

bool sim_resume_take(sim_resume *r, int err, int reply)
{
  if (r->left <= 0 || !is_break(err, reply))
    return false;
  r->left--;
  return true;
}

long long sim_resume_offset(const sim_resume *r, long long stored)
{
  return r->base + stored;
}
