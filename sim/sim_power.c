#include "sim_power.h"

#include "sim_cmd_ftp.h"
#include "sim_file.h"
#include "sim_ftp.h"
#include "sim_xfer.h"

int sim_power_on(sim_ctx *c)
{
  sim_ftp_hooks hooks = {
      .done = sim_cmd_ftp_done,
      .prelim = sim_cmd_ftp_prelim,
      .map_reply = sim_cmd_ftp_map_reply,
      .ctx = c,
      .refused_err = (int)sim_ctx_prof_long(c, "open_refused_err", 606),
  };
  c->ftp = sim_ftp_new(&hooks);
  c->xfer = sim_xfer_new(c);
  return c->ftp && c->xfer ? 0 : -1;
}

void sim_power_off(sim_ctx *c)
{
  sim_file_shutdown(c);
  sim_xfer_free(c->xfer); /* before the session its data belongs to */
  c->xfer = NULL;
  sim_ftp_free(c->ftp);
  c->ftp = NULL;
}

int sim_power_reset(sim_ctx *c)
{
  sim_power_off(c);
  sim_ctx keep = *c;
  sim_ctx_init(c);
  c->write = keep.write;
  c->wctx = keep.wctx;
  c->prof_get = keep.prof_get;
  c->prof = keep.prof;
  c->time_scale = keep.time_scale;
  c->quirks = keep.quirks;
  c->root = keep.root;
  c->slow = keep.slow; /* its held output is main.c's to discard */
  return sim_power_on(c);
}
