#include "sim_err.h"

#include "qc_err.h"

#include <stdio.h>
#include <stdlib.h>

/* The tables live in common/qc_err.c, shared with the profile
 * schema and the harness: one pairing of err and reply. */

size_t sim_err_count(void)
{
  return qc_err_code_count();
}

const sim_err_entry *sim_err_at(size_t i)
{
  return qc_err_code_at(i);
}

const char *sim_err_name(int code)
{
  return qc_err_name(code);
}

int sim_err_for_reply(int reply, sim_err_lookup get, const void *ctx)
{
  if (get) {
    char key[32];
    snprintf(key, sizeof key, "err.%d", reply);
    const char *v = get(ctx, key);
    if (v) {
      char *end;
      long e = strtol(v, &end, 10);
      if (end != v && *end == '\0' && e > 0 && e < 1000 && qc_err_name((int)e))
        return (int)e;
    }
  }
  const qc_err_reply *r = qc_err_reply_find(reply);
  return r ? r->err : SIM_ERR_UNKNOWN;
}
