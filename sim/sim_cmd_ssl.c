/* AT+QSSLCFG (Quectel's SSL note, named by 1.4 and 3.2): the settings of
 * the SSL context that AT+QFTPCFG="SSL_ctxID" selects for FTPS. Each key
 * takes <SSL_ctxID> (0-5) and a value; without the value it is a query:
 * +QSSLCFG: "<key>",<ctx>,<value>. */
#include "sim_cmd.h"
#include "sim_err.h"
#include "sim_fs.h"
#include "sim_jail.h"
#include "sim_tls.h"

#include <stdio.h>
#include <strings.h>
#include <string.h>

typedef enum { K_INT, K_CIPHERS, K_FILE } key_kind;

/* One row per key; an int key stores into `off`, a file key into its
 * name and resolved path. */
static const struct {
  const char *key;
  key_kind kind;
  size_t off, path_off;
  int lo, hi;
  const char *range;
} keys[] = {
    {"sslversion", K_INT, offsetof(sim_sslcfg, sslversion), 0, 0, 4, "(0-4)"},
    {"ciphersuite", K_CIPHERS, offsetof(sim_sslcfg, ciphers), 0, 0, 0,
     "0xFFFF or \"0x<id>[;0x<id>...]\""},
    {"seclevel", K_INT, offsetof(sim_sslcfg, seclevel), 0, 0, 2, "(0-2)"},
    {"cacert", K_FILE, offsetof(sim_sslcfg, cacert_name),
     offsetof(sim_sslcfg, cacert), 0, 0, "<cacertpath>"},
    {"clientcert", K_FILE, offsetof(sim_sslcfg, clientcert_name),
     offsetof(sim_sslcfg, clientcert), 0, 0, "<client_cert_path>"},
    {"clientkey", K_FILE, offsetof(sim_sslcfg, clientkey_name),
     offsetof(sim_sslcfg, clientkey), 0, 0, "<client_key_path>"},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

static void *at(sim_sslcfg *s, size_t off)
{
  return (char *)s + off;
}

static void query(sim_ctx *c, size_t k, int ctx)
{
  sim_sslcfg *s = &c->ssl[ctx];
  switch (keys[k].kind) {
  case K_INT:
    sim_out_line(c, "+QSSLCFG: \"%s\",%d,%d", keys[k].key, ctx,
                 *(int *)at(s, keys[k].off));
    return;
  case K_CIPHERS:
    sim_out_line(c, "+QSSLCFG: \"%s\",%d,%s", keys[k].key, ctx, s->ciphers);
    return;
  case K_FILE:
    sim_out_line(c, "+QSSLCFG: \"%s\",%d,\"%s\"", keys[k].key, ctx,
                 (const char *)at(s, keys[k].off));
    return;
  }
}

/* A value string: quoted, or unquoted (0xFFFF). */
static const char *raw_or_str(const sim_at_params *ps, size_t i)
{
  if (i >= ps->n ||
      (ps->p[i].kind != SIM_AT_P_STR && ps->p[i].kind != SIM_AT_P_RAW))
    return NULL;
  return ps->p[i].str;
}

static bool set(sim_ctx *c, size_t k, int ctx, const sim_at_params *ps)
{
  sim_sslcfg *s = &c->ssl[ctx];
  if (ps->n != 3)
    return false;
  switch (keys[k].kind) {
  case K_INT: {
    long long v;
    if (!sim_at_param_int(ps, 2, keys[k].lo, keys[k].hi, &v))
      return false;
    *(int *)at(s, keys[k].off) = (int)v;
    return true;
  }
  case K_CIPHERS: {
    const char *v = raw_or_str(ps, 2);
    unsigned ids[64];
    if (!v || strlen(v) > SIM_SSL_CIPHERS_MAX ||
        sim_tls_parse_ciphers(v, ids, 64) < 0)
      return false;
    memcpy(s->ciphers, v, strlen(v) + 1);
    return true;
  }
  case K_FILE: {
    /* "UFS:ca.pem": a file of the simulated storage, under --root. */
    const char *v = sim_at_param_cstr(ps, 2);
    char rel[SIM_JAIL_NAME_MAX + 8], path[SIM_SSL_PATH_MAX];
    if (!v || strlen(v) > SIM_SSL_NAME_MAX || !c->root ||
        sim_jail_local(v, 0, rel, sizeof rel) != SIM_LOCAL_FILE ||
        sim_fs_path(c->root, rel, path, sizeof path) != 0)
      return false;
    memcpy(at(s, keys[k].off), v, strlen(v) + 1);
    memcpy(at(s, keys[k].path_off), path, strlen(path) + 1);
    return true;
  }
  }
  return false;
}

static void at_qsslcfg(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    for (size_t k = 0; k < N_KEYS; k++)
      sim_out_line(c, "+QSSLCFG: \"%s\",(0-%d),%s", keys[k].key,
                   SIM_SSL_CTX_COUNT - 1, keys[k].range);
    sim_out_ok(c);
    return;
  }
  const char *key = sim_at_param_cstr(ps, 0);
  bool ok = false;
  if (key && ps->n >= 2 && ps->p[1].kind == SIM_AT_P_INT &&
      ps->p[1].num >= 0 && ps->p[1].num < SIM_SSL_CTX_COUNT) {
    int ctx = (int)ps->p[1].num;
    for (size_t k = 0; k < N_KEYS; k++) {
      if (strcasecmp(key, keys[k].key) != 0)
        continue;
      if (ps->n == 2 || (ps->n == 3 && sim_at_param_omitted(ps, 2))) {
        query(c, k, ctx);
        ok = true;
      } else {
        ok = set(c, k, ctx, ps);
      }
      break;
    }
  }
  if (ok)
    sim_out_ok(c);
  else
    sim_out_error(c); /* the SSL note answers ERROR to bad parameters */
}

static const sim_cmd_row rows[] = {
    {"+QSSLCFG", SIM_AT_FORM_TEST | SIM_AT_FORM_SET, at_qsslcfg, 0},
};

const sim_cmd_table sim_cmd_ssl_table = {rows, sizeof rows / sizeof rows[0]};
