#include "sim_pdp.h"

#include "sim_log.h"

#include <string.h>

void sim_pdp_init(sim_pdp *p)
{
  memset(p, 0, sizeof *p);
  for (int i = 1; i <= SIM_PDP_CTX_MAX; i++)
    p->ctx[i].type = 1;
  p->attached = true; /* a module in a test rack is registered */
}

bool sim_pdp_valid_id(int id)
{
  return id >= 1 && id <= SIM_PDP_CTX_MAX;
}

bool sim_pdp_is_active(const sim_pdp *p, int id)
{
  return sim_pdp_valid_id(id) && p->ctx[id].active;
}

size_t sim_pdp_active_count(const sim_pdp *p)
{
  size_t n = 0;
  for (int i = 1; i <= SIM_PDP_CTX_MAX; i++)
    n += p->ctx[i].active;
  return n;
}

int sim_pdp_activate(sim_pdp *p, int id)
{
  if (!sim_pdp_valid_id(id) || p->ctx[id].active || !p->attached ||
      sim_pdp_active_count(p) >= SIM_PDP_ACTIVE_MAX)
    return -1;
  p->ctx[id].active = true;
  sim_log("pdp: context %d active", id);
  return 0;
}

int sim_pdp_deactivate(sim_pdp *p, int id)
{
  if (!sim_pdp_valid_id(id))
    return -1;
  if (p->ctx[id].active)
    sim_log("pdp: context %d inactive", id);
  p->ctx[id].active = false;
  return 0;
}

void sim_pdp_set_attached(sim_pdp *p, bool on)
{
  p->attached = on;
  if (!on)
    for (int i = 1; i <= SIM_PDP_CTX_MAX; i++)
      sim_pdp_deactivate(p, i);
}
