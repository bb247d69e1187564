/* AT+QFTPCFG (2.1): ten settings, each set or queried by its key. */
#include "sim_cmd.h"
#include "sim_err.h"
#include "sim_quirk.h"
#include "sim_strict.h"

#include <stdio.h>
#include <stddef.h>
#include <string.h>

void sim_ftpcfg_defaults(sim_ftpcfg *c)
{
  memset(c, 0, sizeof *c);
  /* The note gives no default account; anonymous login is the useful one. */
  memcpy(c->user, "anonymous", sizeof "anonymous");
  memcpy(c->pass, "user@example.com", sizeof "user@example.com");
  c->filetype = 0;
  c->transmode = 0;
  c->contextid = 1;
  c->rsptimeout = 90;
  c->ssltype = 0;
  c->sslctxid = 0;
  c->data_type = 0;
  c->data_timeout = 25;
  c->restenable = 0;
  c->cache = 0;
}

/* The integer settings: one row each, range from 2.1; the key as 2.1
 * spells it, and the other spelling the note uses (3.2), if any. */
static const struct {
  const char *key;
  const char *alt;
  size_t off;
  int lo, hi;
  const char *range; /* as the test form lists it */
} int_keys[] = {
    {"filetype", NULL, offsetof(sim_ftpcfg, filetype), 0, 1, "(0,1)"},
    {"transmode", NULL, offsetof(sim_ftpcfg, transmode), 0, 1, "(0,1)"},
    {"contextid", NULL, offsetof(sim_ftpcfg, contextid), 1, 15, "(1-15)"},
    {"rsptimeout", NULL, offsetof(sim_ftpcfg, rsptimeout), 20, 180, "(20-180)"},
    {"ssltype", NULL, offsetof(sim_ftpcfg, ssltype), 0, 2, "(0-2)"},
    {"SSL_ctxID", "sslctxid", offsetof(sim_ftpcfg, sslctxid), 0, 5, "(0-5)"},
    {"restenable", NULL, offsetof(sim_ftpcfg, restenable), 0, 1, "(0,1)"},
    {"cache", NULL, offsetof(sim_ftpcfg, cache), 0, 2, "(0-2)"},
};
#define N_INT_KEYS (sizeof int_keys / sizeof int_keys[0])

static int *field(sim_ftpcfg *c, size_t i)
{
  return (int *)((char *)c + int_keys[i].off);
}

/* Only the note's spellings, unless the profile or a quirk is looser
 * (sim_strict.h). */
static bool key_is(const sim_ctx *c, const char *given, const char *key,
                   const char *alt)
{
  const char *const spellings[] = {key, alt, NULL};
  return sim_strict_cfg_key(c, given, spellings);
}

static void cfg_test(sim_ctx *c)
{
  sim_out_line(c, "+QFTPCFG: \"account\",<username>,<password>");
  for (size_t i = 0; i < N_INT_KEYS; i++) {
    if (strcmp(int_keys[i].key, "restenable") == 0)
      sim_out_line(c, "+QFTPCFG: \"data_address\",(0-2),(15-50)");
    sim_out_line(c, "+QFTPCFG: \"%s\",%s", int_keys[i].key, int_keys[i].range);
  }
  sim_out_ok(c);
}

static bool cfg_account(sim_ctx *c, const sim_at_params *ps)
{
  if (ps->n == 1) {
    bool mask = sim_ctx_prof_bool(c, "account_mask", false);
    sim_out_line(c, "+QFTPCFG: \"account\",\"%s\",\"%s\"", c->cfg.user,
                 mask ? "*****" : c->cfg.pass);
    return true;
  }
  long max = sim_ctx_prof_long(c, "max_account_len", SIM_FTPCFG_STR_MAX);
  if (max > SIM_FTPCFG_STR_MAX)
    max = SIM_FTPCFG_STR_MAX;
  const char *u = sim_at_param_cstr(ps, 1), *p = sim_at_param_cstr(ps, 2);
  if (ps->n != 3 || !u || !p || strlen(u) > (size_t)max ||
      strlen(p) > (size_t)max)
    return false;
  memcpy(c->cfg.user, u, strlen(u) + 1);
  memcpy(c->cfg.pass, p, strlen(p) + 1);
  return true;
}

static bool cfg_data_address(sim_ctx *c, const sim_at_params *ps)
{
  if (ps->n == 1) {
    if (c->cfg.data_type == 2)
      sim_out_line(c, "+QFTPCFG: \"data_address\",2,%d", c->cfg.data_timeout);
    else
      sim_out_line(c, "+QFTPCFG: \"data_address\",%d", c->cfg.data_type);
    return true;
  }
  long long type, tmo = c->cfg.data_timeout;
  if (ps->n > 3 || !sim_at_param_int(ps, 1, 0, 2, &type) ||
      !sim_at_param_opt_int(ps, 2, 15, 50, &tmo))
    return false;
  c->cfg.data_type = (int)type;
  c->cfg.data_timeout = (int)tmo;
  return true;
}

static bool cfg_int(sim_ctx *c, size_t k, const sim_at_params *ps)
{
  int *f = field(&c->cfg, k);
  if (ps->n == 1) {
    sim_out_line(c, "+QFTPCFG: \"%s\",%d", int_keys[k].key, *f);
    return true;
  }
  long long v;
  int lo = int_keys[k].lo, hi = int_keys[k].hi;
  if (f == &c->cfg.rsptimeout && (c->quirks & SIM_QUIRK_BAD_RSPTIMEOUT)) {
    lo = 1; /* quirk: 10 and 500 slip through (2.1 says 20-180) */
    hi = 1000;
  }
  if (ps->n != 2 || !sim_at_param_int(ps, 1, lo, hi, &v))
    return false;
  /* 1.4: the context must be active before it is named (README). */
  if (f == &c->cfg.contextid && !sim_pdp_is_active(&c->pdp, (int)v))
    return false;
  *f = (int)v;
  return true;
}

/* A setting refused (2.1: "OK or ERROR"): the profile's cfg_invalid line,
 * "ERROR" or "+CME ERROR: <err>". */
static void cfg_rejected(sim_ctx *c)
{
  const char *r = sim_ctx_prof(c, "cfg_invalid");
  int err;
  if (r && sscanf(r, "+CME ERROR: %d", &err) == 1)
    sim_out_cme(c, err);
  else
    sim_out_error(c);
}

static void at_qftpcfg(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    cfg_test(c);
    return;
  }
  const char *key = sim_at_param_cstr(ps, 0);
  bool ok = false;
  if (!key)
    ok = false;
  else if (key_is(c, key, "account", NULL))
    ok = cfg_account(c, ps);
  else if (key_is(c, key, "data_address", NULL))
    ok = cfg_data_address(c, ps);
  else
    for (size_t i = 0; i < N_INT_KEYS; i++)
      if (key_is(c, key, int_keys[i].key, int_keys[i].alt)) {
        ok = cfg_int(c, i, ps);
        break;
      }
  if (ok)
    sim_out_ok(c);
  else
    cfg_rejected(c);
}

/* A malformed line is ERROR, as 2.1 says for every setting. */
static const sim_cmd_row rows[] = {
    {"+QFTPCFG", SIM_AT_FORM_TEST | SIM_AT_FORM_SET, at_qftpcfg, 0},
};

const sim_cmd_table sim_cmd_ftpcfg_table = {rows, sizeof rows / sizeof rows[0]};
