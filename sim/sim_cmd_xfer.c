/* AT+QFTPPUT/GET/LIST/NLST/MLSD/LEN (2.5, 2.6, 2.11-2.13, 2.16), ATO and
 * AT&D (1.5): parameters judged here, the transfer runs in sim_xfer. */
#include "sim_cmd.h"
#include "sim_err.h"
#include "sim_ftp.h"
#include "sim_jail.h"
#include "sim_quirk.h"
#include "sim_strict.h"
#include "sim_xfer.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Optional non-negative integer parameter i: false when malformed. */
static bool opt_num(const sim_at_params *ps, size_t i, long long *out)
{
  return sim_at_param_opt_int(ps, i, 0, LLONG_MAX, out);
}

/* <local_name> into the request: 0, or the err to answer. */
static int local_name(sim_ctx *c, const char *name, sim_xfer_req *r)
{
  char rel[SIM_JAIL_NAME_MAX + 8];
  switch (sim_jail_local(name, 0, rel, sizeof rel)) {
  case SIM_LOCAL_COM:
    r->com = true;
    return 0;
  case SIM_LOCAL_FILE:
    r->com = false;
    if (!c->root)
      return SIM_ERR_FILE_OPEN;
    snprintf(r->local, sizeof r->local, "%s/%s", c->root, rel);
    return 0;
  case SIM_LOCAL_ALL:
  case SIM_LOCAL_BAD:
    break;
  }
  return SIM_ERR_INVALID_PARAM; /* README: names leaving the root */
}

static bool remote_ok(const char *s)
{
  return s && *s && strlen(s) <= SIM_XFER_NAME_MAX && !strpbrk(s, "\r\n");
}

static void start(sim_ctx *c, const sim_xfer_req *r)
{
  int e = sim_xfer_start(c->xfer, r);
  if (e)
    sim_out_cme(c, e);
}

static void at_qftpput(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "+QFTPPUT: <file_name>,<local_name>,<startpos>,"
                    "<uploadlen>,<beof>");
    sim_out_ok(c);
    return;
  }
  sim_xfer_req r; /* ~4 KB; sim_xfer_start() copies it */
  memset(&r, 0, sizeof r);
  r.kind = SIM_XFER_PUT;
  r.beof = 1;
  const char *remote = sim_at_param_cstr(ps, 0);
  long long beof = 1;
  int e = 0;
  if (ps->n < 2 || ps->n > 5 || !remote_ok(remote) ||
      !opt_num(ps, 2, &r.startpos) || !opt_num(ps, 3, &r.len) ||
      !opt_num(ps, 4, &beof) || beof > 1 ||
      !sim_strict_put_lengths_ok(c, ps)) /* 2.5: the two together */
    e = SIM_ERR_INVALID_PARAM;
  if (!e)
    e = local_name(c, sim_at_param_cstr(ps, 1), &r);
  /* <uploadlen> and <beof> only for "COM:" (2.5) */
  if (!e && !r.com && ps->n > 3)
    e = SIM_ERR_INVALID_PARAM;
  if (e) {
    sim_out_cme(c, e);
    return;
  }
  r.beof = (int)beof;
  snprintf(r.remote, sizeof r.remote, "%s", remote);
  if (r.com && sim_xfer_held_for(c->xfer, r.remote)) {
    sim_xfer_next_part(c->xfer, r.len, r.beof); /* 2.5 example 2 */
    return;
  }
  start(c, &r);
}

static void at_qftpget(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c,
                 "+QFTPGET: <file_name>,<local_name>,<startpos>,<downloadlen>");
    sim_out_ok(c);
    return;
  }
  sim_xfer_req r; /* ~4 KB; sim_xfer_start() copies it */
  memset(&r, 0, sizeof r);
  r.kind = SIM_XFER_GET;
  const char *remote = sim_at_param_cstr(ps, 0);
  int e = 0;
  if (ps->n < 2 || ps->n > 4 || !remote_ok(remote) ||
      !opt_num(ps, 2, &r.startpos) || !opt_num(ps, 3, &r.len))
    e = SIM_ERR_INVALID_PARAM;
  if (!e)
    e = local_name(c, sim_at_param_cstr(ps, 1), &r);
  if (!e && !r.com && ps->n > 3) /* <downloadlen> only for "COM:" (2.6) */
    e = SIM_ERR_INVALID_PARAM;
  if (e) {
    sim_out_cme(c, e);
    return;
  }
  snprintf(r.remote, sizeof r.remote, "%s", remote);
  start(c, &r);
}

/* LIST/NLST/MLSD: <dirname>[,<local_name>] with "COM:" the default. */
static void listing(sim_ctx *c, sim_at_form form, const sim_at_params *ps,
                    sim_xfer_kind kind, const char *urc)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "%s: <dirname>,<local_name>", urc);
    sim_out_ok(c);
    return;
  }
  sim_xfer_req r; /* ~4 KB; sim_xfer_start() copies it */
  memset(&r, 0, sizeof r);
  r.kind = kind;
  r.com = true;
  const char *dir = sim_at_param_cstr(ps, 0);
  int e = 0;
  if (ps->n < 1 || ps->n > 2 || !remote_ok(dir))
    e = SIM_ERR_INVALID_PARAM;
  if (!e && !sim_at_param_omitted(ps, 1))
    e = local_name(c, sim_at_param_cstr(ps, 1), &r);
  if (e) {
    sim_out_cme(c, e);
    return;
  }
  snprintf(r.remote, sizeof r.remote, "%s", dir);
  start(c, &r);
}

static void at_qftplist(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  listing(c, f, ps, SIM_XFER_LIST, "+QFTPLIST");
}

static void at_qftpnlst(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  listing(c, f, ps, SIM_XFER_NLST, "+QFTPNLST");
}

/* AT+QFTPNLIST: the alias some firmware has (profile "nlst_alias"). */
static void at_qftpnlist(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  if (!sim_ctx_prof_bool(c, "nlst_alias", false)) {
    sim_out_error(c);
    return;
  }
  listing(c, f, ps, SIM_XFER_NLST, "+QFTPNLST");
}

static void at_qftpmlsd(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  listing(c, f, ps, SIM_XFER_MLSD, "+QFTPMLSD");
}

static void at_qftplen(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  bool early = (c->quirks & SIM_QUIRK_URC_BEFORE_OK) != 0;
  if (!early)
    sim_out_ok(c);
  if (form == SIM_AT_FORM_EXEC)
    sim_out_line(c, "+QFTPLEN: 0,%lld",
                 sim_xfer_len(c->xfer) +
                     ((c->quirks & SIM_QUIRK_LEN_OFF_BY_ONE) ? 1 : 0));
  if (early)
    sim_out_ok(c);
}

/* ATO (1.5): back to data mode after "+++" left a download. */
static void at_o(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)form;
  (void)ps;
  if (sim_xfer_resume(c->xfer) != 0)
    sim_out_line(c, "NO CARRIER");
}

/* AT&D0/1/2 (V.250 6.2.9): what a DTR drop does (sim_dtr.h); a bare
 * AT&D is AT&D0. */
static void and_d(sim_ctx *c, sim_at_form form, const sim_at_params *ps,
                  int mode)
{
  (void)form;
  (void)ps;
  c->amp_d = mode;
  sim_out_ok(c);
}

static void at_and_d0(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  and_d(c, form, ps, 0);
}

static void at_and_d1(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  and_d(c, form, ps, 1);
}

static void at_and_d2(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  and_d(c, form, ps, 2);
}

enum {
  T = SIM_AT_FORM_TEST,
  S = SIM_AT_FORM_SET,
  X = SIM_AT_FORM_EXEC,
};

static const sim_cmd_row rows[] = {
    {"+QFTPPUT", T | S, at_qftpput, SIM_ERR_INVALID_PARAM},
    {"+QFTPGET", T | S, at_qftpget, SIM_ERR_INVALID_PARAM},
    {"+QFTPLIST", T | S, at_qftplist, SIM_ERR_INVALID_PARAM},
    {"+QFTPNLST", T | S, at_qftpnlst, SIM_ERR_INVALID_PARAM},
    {"+QFTPNLIST", T | S, at_qftpnlist, SIM_ERR_INVALID_PARAM},
    {"+QFTPMLSD", T | S, at_qftpmlsd, SIM_ERR_INVALID_PARAM},
    {"+QFTPLEN", T | X, at_qftplen, SIM_ERR_INVALID_PARAM},
    {"O", X | S, at_o, 0},
    {"&D", X, at_and_d0, 0},
    {"&D0", X, at_and_d0, 0},
    {"&D1", X, at_and_d1, 0},
    {"&D2", X, at_and_d2, 0},
};

const sim_cmd_table sim_cmd_xfer_table = {rows, sizeof rows / sizeof rows[0]};
