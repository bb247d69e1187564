#include "sim_ctx.h"

#include "qc_profile_schema.h"
#include "sim_slow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_ctx_init(sim_ctx *c)
{
  memset(c, 0, sizeof *c);
  c->time_scale = 1.0;
  c->echo = true; /* like real modules after power-up */
  c->amp_d = 2;   /* AT&D2, SIM_DTR_DEFAULT */
  sim_pdp_init(&c->pdp);
  sim_ftpcfg_defaults(&c->cfg);
  for (size_t i = 0; i < SIM_SSL_CTX_COUNT; i++)
    sim_sslcfg_defaults(&c->ssl[i]);
  c->pend.late_at = INT64_MAX;
}

void sim_out_raw(sim_ctx *c, const char *buf, size_t n)
{
  if (sim_slow_hold(c, buf, n))
    return;
  if (c->write)
    c->write(c->wctx, buf, n);
}

void sim_out_line(sim_ctx *c, const char *fmt, ...)
{
  char buf[SIM_OUT_LINE_MAX + 5];
  va_list ap;
  va_start(ap, fmt);
  buf[0] = '\r';
  buf[1] = '\n';
  int n = vsnprintf(buf + 2, SIM_OUT_LINE_MAX + 1, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  size_t len = (size_t)n > SIM_OUT_LINE_MAX ? SIM_OUT_LINE_MAX : (size_t)n;
  buf[2 + len] = '\r';
  buf[3 + len] = '\n';
  sim_out_raw(c, buf, len + 4);
}

void sim_out_ok(sim_ctx *c)
{
  sim_out_line(c, "OK");
}

void sim_out_error(sim_ctx *c)
{
  sim_out_line(c, "ERROR");
}

void sim_out_cme(sim_ctx *c, int err)
{
  sim_out_line(c, "+CME ERROR: %d", err);
}

const char *sim_ctx_prof(const sim_ctx *c, const char *key)
{
  return c->prof_get ? c->prof_get(c->prof, key) : NULL;
}

long sim_ctx_prof_long(const sim_ctx *c, const char *key, long dflt)
{
  const char *v = sim_ctx_prof(c, key);
  if (!v)
    return dflt;
  char *end;
  long x = strtol(v, &end, 10);
  if (end == v || *end != '\0')
    return dflt;
  /* The loader already refuses values out of the schema's range; clamp
   * again here so a limit can never go negative or past a buffer (a
   * negative max_account_len once let a long user name overrun cfg.user). */
  const qc_pkey *k = qc_pschema_find(key);
  if (k && k->type == QC_PT_INT) {
    if (x < k->min)
      x = k->min;
    if (x > k->max)
      x = k->max;
  }
  return x;
}

bool sim_ctx_prof_bool(const sim_ctx *c, const char *key, bool dflt)
{
  const char *v = sim_ctx_prof(c, key);
  if (!v)
    return dflt;
  if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
    return true;
  if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
    return false;
  return dflt;
}

int64_t sim_ctx_scaled_ms(const sim_ctx *c, int64_t ms)
{
  int64_t s = (int64_t)((double)ms * c->time_scale);
  return s < 1 ? 1 : s;
}

int64_t sim_ctx_rsptimeout_ms(const sim_ctx *c)
{
  return sim_ctx_scaled_ms(c, (int64_t)c->cfg.rsptimeout * 1000);
}
