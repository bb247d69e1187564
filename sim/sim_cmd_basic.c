/* Basic and packet-domain commands: AT, ATE, ATI, AT+GMR, AT+CGMM,
 * AT+CGSN, AT+CPIN, AT+CGATT, AT+CGREG, AT+QICSGP, AT+QIACT, AT+QIDEACT
 * (1.4, 4.x). */
#include "sim_cmd.h"
#include "sim_err.h"
#include "sim_pdp_loss.h"

#include <stdio.h>
#include <string.h>

static void at_exec(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)form;
  (void)ps;
  sim_out_ok(c);
}

/* ATE<n>: ATE alone is ATE0, as in V.250. */
static void at_echo(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  long long v = 0;
  if (form == SIM_AT_FORM_SET &&
      (ps->n != 1 || !sim_at_param_int(ps, 0, 0, 1, &v))) {
    sim_out_error(c);
    return;
  }
  c->echo = v == 1;
  sim_out_ok(c);
}

/* The simulated module's identity, answered as a Quectel module does.
 * The revision is qftp-sim's --revision (main.c hands it over as the
 * lookup key "sim.revision"), else "qftp-sim-<profile>": two simulated
 * firmware builds can be told apart in a diff. The IMEI is a made-up one
 * (valid check digit) no network knows. */
#define SIM_MODEL "QFTP-SIM"
#define SIM_IMEI "860000000051234"

static void revision(const sim_ctx *c, char *buf, size_t len)
{
  const char *rev = sim_ctx_prof(c, "sim.revision");
  const char *name = sim_ctx_prof(c, "name");
  if (rev && *rev)
    snprintf(buf, len, "%s", rev);
  else
    snprintf(buf, len, "qftp-sim-%s", name ? name : "note");
}

/* ATI: manufacturer, model, "Revision: ..." (EC25: "Quectel", "EC25",
 * "Revision: EC25EFAR06A06M4G"), each on a line of its own. */
static void at_info(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)form;
  (void)ps;
  char rev[128];
  revision(c, rev, sizeof rev);
  sim_out_raw(c, "\r\n", 2);
  char buf[200];
  int n = snprintf(buf, sizeof buf, "Quectel\r\n" SIM_MODEL
                   "\r\nRevision: %s\r\n", rev);
  sim_out_raw(c, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
  sim_out_ok(c);
}

/* AT+GMR: the revision alone. */
static void at_gmr(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  char rev[128];
  revision(c, rev, sizeof rev);
  if (form == SIM_AT_FORM_EXEC)
    sim_out_line(c, "%s", rev);
  sim_out_ok(c);
}

/* AT+CGMM: the model alone. */
static void at_cgmm(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  if (form == SIM_AT_FORM_EXEC)
    sim_out_line(c, SIM_MODEL);
  sim_out_ok(c);
}

/* AT+CGSN: the IMEI alone. */
static void at_cgsn(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  if (form == SIM_AT_FORM_EXEC)
    sim_out_line(c, SIM_IMEI);
  sim_out_ok(c);
}

static void at_cpin(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  if (form == SIM_AT_FORM_QUERY)
    sim_out_line(c, "+CPIN: READY");
  sim_out_ok(c);
}

static void at_cgatt(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  long long v;
  switch (form) {
  case SIM_AT_FORM_TEST:
    sim_out_line(c, "+CGATT: (0,1)");
    break;
  case SIM_AT_FORM_QUERY:
    sim_out_line(c, "+CGATT: %d", c->pdp.attached ? 1 : 0);
    break;
  case SIM_AT_FORM_SET:
    if (ps->n != 1 || !sim_at_param_int(ps, 0, 0, 1, &v)) {
      sim_out_error(c);
      return;
    }
    sim_pdp_set_attached(&c->pdp, v == 1);
    break;
  case SIM_AT_FORM_EXEC:
    break;
  }
  sim_out_ok(c);
}

static void at_cgreg(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  long long v;
  switch (form) {
  case SIM_AT_FORM_TEST:
    sim_out_line(c, "+CGREG: (0-2)");
    break;
  case SIM_AT_FORM_QUERY:
    /* <stat> 1: registered, home network (whenever attached). */
    sim_out_line(c, "+CGREG: %d,%d", c->pdp.creg_n, c->pdp.attached ? 1 : 0);
    break;
  case SIM_AT_FORM_SET:
    if (ps->n != 1 || !sim_at_param_int(ps, 0, 0, 2, &v)) {
      sim_out_error(c);
      return;
    }
    c->pdp.creg_n = (int)v;
    break;
  case SIM_AT_FORM_EXEC:
    break;
  }
  sim_out_ok(c);
}

/* Copies a quoted parameter of at most max bytes; false if it is not one. */
static bool str_param(const sim_at_params *ps, size_t i, char *out, size_t max)
{
  const char *s = sim_at_param_cstr(ps, i);
  if (!s || strlen(s) > max)
    return false;
  memcpy(out, s, strlen(s) + 1);
  return true;
}

/* AT+QICSGP=<ctx>[,<type>,<apn>[,<user>,<pass>[,<auth>]]] (the TCP/IP
 * note's syntax); =<ctx> queries. */
static void at_qicsgp(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "+QICSGP: (1-15),(1-3),<APN>,<username>,<password>,"
                    "(0-3)");
    sim_out_ok(c);
    return;
  }
  long long id, type, auth = 0;
  if (!sim_at_param_int(ps, 0, 1, SIM_PDP_CTX_MAX, &id)) {
    sim_out_error(c);
    return;
  }
  sim_pdp_ctx *x = &c->pdp.ctx[id];
  if (ps->n == 1) {
    sim_out_line(c, "+QICSGP: %d,\"%s\",\"%s\",\"%s\",%d", x->type, x->apn,
                 x->user, x->pass, x->auth);
    sim_out_ok(c);
    return;
  }
  sim_pdp_ctx n = *x;
  n.user[0] = n.pass[0] = '\0';
  /* The note's own 3.1 line, AT+QICSGP=1,1,"UNINET","",1, has one
   * credential and then the authentication: read as user "" and auth 1. */
  bool note_31 = ps->n == 5 && ps->p[4].kind == SIM_AT_P_INT;
  bool ok = (ps->n == 3 || ps->n == 5 || ps->n == 6) &&
            sim_at_param_int(ps, 1, 1, 3, &type) &&
            str_param(ps, 2, n.apn, SIM_PDP_APN_MAX);
  if (ok && note_31)
    ok = str_param(ps, 3, n.user, SIM_PDP_CRED_MAX) &&
         sim_at_param_int(ps, 4, 0, 3, &auth);
  else if (ok && ps->n >= 5)
    ok = str_param(ps, 3, n.user, SIM_PDP_CRED_MAX) &&
         str_param(ps, 4, n.pass, SIM_PDP_CRED_MAX) &&
         (ps->n == 5 || sim_at_param_int(ps, 5, 0, 3, &auth));
  if (!ok) {
    sim_out_error(c);
    return;
  }
  n.type = (int)type;
  n.auth = (int)auth;
  *x = n;
  sim_out_ok(c);
}

static void at_qiact(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  long long id;
  switch (form) {
  case SIM_AT_FORM_TEST:
    sim_out_line(c, "+QIACT: (1-15)");
    break;
  case SIM_AT_FORM_QUERY:
    for (int i = 1; i <= SIM_PDP_CTX_MAX; i++)
      if (c->pdp.ctx[i].active)
        sim_out_line(c, "+QIACT: %d,1,%d,\"10.0.0.%d\"", i, c->pdp.ctx[i].type,
                     i);
    break;
  case SIM_AT_FORM_SET:
    if (ps->n != 1 || !sim_at_param_int(ps, 0, 1, SIM_PDP_CTX_MAX, &id) ||
        sim_pdp_activate(&c->pdp, (int)id) != 0) {
      sim_out_error(c);
      return;
    }
    break;
  case SIM_AT_FORM_EXEC:
    break;
  }
  sim_out_ok(c);
}

static void at_qideact(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  long long id;
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "+QIDEACT: (1-15)");
  } else if (ps->n != 1 ||
             !sim_at_param_int(ps, 0, 1, SIM_PDP_CTX_MAX, &id)) {
    sim_out_error(c);
    return;
  } else {
    /* OK first: what the loss does to the FTP session comes as URCs. */
    sim_out_ok(c);
    sim_pdp_lost(c, (int)id, false);
    return;
  }
  sim_out_ok(c);
}

enum {
  T = SIM_AT_FORM_TEST,
  Q = SIM_AT_FORM_QUERY,
  S = SIM_AT_FORM_SET,
  X = SIM_AT_FORM_EXEC,
};

static const sim_cmd_row rows[] = {
    {"", X, at_exec, 0},
    {"E", S | X, at_echo, 0},
    {"I", X, at_info, 0},
    {"+GMR", T | X, at_gmr, 0},
    {"+CGMM", T | X, at_cgmm, 0},
    {"+CGSN", T | X, at_cgsn, 0},
    {"+CPIN", T | Q, at_cpin, 0},
    {"+CGATT", T | Q | S, at_cgatt, 0},
    {"+CGREG", T | Q | S, at_cgreg, 0},
    {"+QICSGP", T | S, at_qicsgp, 0},
    {"+QIACT", T | Q | S, at_qiact, 0},
    {"+QIDEACT", T | S, at_qideact, 0},
};

const sim_cmd_table sim_cmd_basic_table = {rows, sizeof rows / sizeof rows[0]};
