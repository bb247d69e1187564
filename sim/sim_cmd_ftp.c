/* AT+QFTPOPEN/CWD/PWD/STAT/CLOSE (2.2-2.4, 2.17, 2.18). Every choice the
 * note leaves open is in sim/README.md ("Choices"). */
#include "sim_cmd_ftp.h"

#include "sim_cmd.h"
#include "sim_err.h"
#include "sim_ftp.h"
#include "sim_log.h"
#include "sim_quirk.h"
#include "sim_reply.h"
#include "sim_tls.h"
#include "sim_xfer.h"

#include "qc_ftpcodes.h"
#include "qc_time.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define HOST_MAX 255 /* <hostname> (2.2) */
#define CWD_MAX 128  /* <path_name> of CWD (2.3) */
#define PWD_MAX 255  /* <path_name> of PWD (2.4) */
#define NAME_MAX_ SIM_REMOTE_NAME_MAX

/* Operation tags handed to sim_ftp, and the URC each one ends with. */
typedef enum {
  OP_OPEN,
  OP_CWD,
  OP_PWD,
  OP_CLOSE,
  OP_SIZE,
  OP_MDTM,
  OP_DEL,
  OP_MKDIR,
  OP_RMDIR,
  OP_RNFR, /* 2.15: RNFR, then RNTO from its 350 */
  OP_RNTO,
} op_tag;

static const char *const op_urc[] = {
    [OP_OPEN] = "+QFTPOPEN",
    [OP_CWD] = "+QFTPCWD",
    [OP_PWD] = "+QFTPPWD",
    [OP_CLOSE] = "+QFTPCLOSE",
    [OP_SIZE] = "+QFTPSIZE",
    [OP_MDTM] = "+QFTPMDTM",
    [OP_DEL] = "+QFTPDEL",
    [OP_MKDIR] = "+QFTPMKDIR",
    [OP_RMDIR] = "+QFTPRMDIR",
    [OP_RNFR] = "+QFTPRENAME",
    [OP_RNTO] = "+QFTPRENAME",
};

int sim_cmd_ftp_map_reply(void *ctx, int reply)
{
  sim_ctx *c = ctx;
  if (c->quirks & SIM_QUIRK_WRONG_ERR)
    return SIM_ERR_UNKNOWN; /* quirk: 550 -> 601,550 */
  return sim_err_for_reply(reply, c->prof_get, c->prof);
}

/* A command's result URC; quirk late-urc holds it until rsptimeout plus
 * one (scaled) second has passed, when a host must have given up. */
static void urc(sim_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void urc(sim_ctx *c, const char *fmt, ...)
{
  char line[SIM_OUT_LINE_MAX + 1];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (!(c->quirks & SIM_QUIRK_LATE_URC)) {
    sim_out_line(c, "%s", line);
    return;
  }
  sim_ftp_pending *p = &c->pend;
  if (p->late_at != INT64_MAX) /* one held at a time: the older goes now */
    sim_out_line(c, "%s", p->late_line);
  memcpy(p->late_line, line, sizeof line);
  p->late_at = qc_deadline_in(sim_ctx_rsptimeout_ms(c) +
                           sim_ctx_scaled_ms(c, 1000));
}

int64_t sim_cmd_ftp_next_deadline(const sim_ctx *c)
{
  return c->pend.late_at;
}

void sim_cmd_ftp_tick(sim_ctx *c)
{
  sim_ftp_pending *p = &c->pend;
  if (p->late_at == INT64_MAX || qc_now_ms() < p->late_at)
    return;
  p->late_at = INT64_MAX;
  sim_out_line(c, "%s", p->late_line);
}

static void pwd_result(sim_ctx *c, const char *text)
{
  char path[PWD_MAX + 1];
  if (sim_reply_quoted_path(text, path, sizeof path) != 0) {
    sim_log("ftp: 257 reply without a usable path");
    urc(c, "+QFTPPWD: %d,%d", SIM_ERR_UNKNOWN, QC_FTP_PATH_CREATED);
    return;
  }
  const char *q = sim_ctx_prof(c, "pwd_quote");
  if (!q)
    q = "";
  if (c->quirks & SIM_QUIRK_PWD_UNQUOTED)
    q = "";
  if (c->quirks & SIM_QUIRK_PWD_QUOTED)
    q = "\"";
  urc(c, "+QFTPPWD: 0,%s%s%s", q, path, q);
}

/* The first word of a 213 reply (SIZE, MDTM: RFC 3659 4, 3). */
static void word(const char *text, char *out, size_t len)
{
  size_t n = strcspn(text, " \t");
  if (n >= len)
    n = len - 1;
  memcpy(out, text, n);
  out[n] = '\0';
}

void sim_cmd_ftp_prelim(void *ctx, int tag, int reply)
{
  sim_ctx *c = ctx;
  if (tag == SIM_XFER_TAG)
    sim_xfer_on_prelim(c->xfer, reply);
}

void sim_cmd_ftp_done(void *ctx, int tag, int err, int reply, const char *text)
{
  sim_ctx *c = ctx;
  char w[64];
  if (tag == SIM_XFER_TAG) {
    sim_xfer_on_done(c->xfer, err, reply, text);
    return;
  }
  if (err == 0 && tag == OP_RNFR) {
    char line[8 + NAME_MAX_];
    snprintf(line, sizeof line, "RNTO %s", c->pend.rename_to);
    sim_ftp_command(c->ftp, OP_RNTO, line, sim_ctx_rsptimeout_ms(c));
    return;
  }
  if (err == 0 && tag == OP_SIZE) {
    word(text, w, sizeof w);
    urc(c, "+QFTPSIZE: 0,%s", w);
  } else if (err == 0 && tag == OP_MDTM) {
    const char *q = sim_ctx_prof(c, "mdtm_quote");
    word(text, w, sizeof w);
    urc(c, "+QFTPMDTM: 0,%s%s%s", q ? q : "", w, q ? q : "");
  } else if (err == 0 && tag == OP_PWD)
    pwd_result(c, text);
  else if (err == 0)
    urc(c, "%s: 0,0", op_urc[tag]);
  else
    urc(c, "%s: %d,%d", op_urc[tag], err, reply);
}

/* What the session's state lets an FTP command do: 0 go, else the
 * +CME ERROR to answer. */
static int session_gate(const sim_ctx *c)
{
  if (c->xfer && sim_xfer_active(c->xfer))
    return SIM_ERR_BUSY;
  return sim_ftp_gate(c->ftp);
}

/* Answers the gate's +CME ERROR; true when the session takes a command. */
static bool session_ready(sim_ctx *c)
{
  int gate = session_gate(c);
  if (gate)
    sim_out_cme(c, gate);
  return gate == 0;
}

/* OK, then the command; its URC comes from sim_cmd_ftp_done(). */
static void send_command(sim_ctx *c, int tag, const char *line)
{
  sim_out_ok(c);
  sim_ftp_command(c->ftp, tag, line, sim_ctx_rsptimeout_ms(c));
}

/* A remote name parameter: present, within max, one line. */
static bool name_ok(const char *s, size_t max)
{
  return s && *s && strlen(s) <= max && !strpbrk(s, "\r\n");
}

static void at_qftpopen(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "+QFTPOPEN: <hostname>,<port>");
    sim_out_ok(c);
    return;
  }
  const char *host = sim_at_param_cstr(ps, 0);
  long long port = 21;
  if (!host || !*host || strlen(host) > HOST_MAX || ps->n > 2 ||
      !sim_at_param_opt_int(ps, 1, 1, 65535, &port)) {
    sim_out_cme(c, SIM_ERR_INVALID_PARAM);
    return;
  }
  if (sim_ftp_get_state(c->ftp) != SIM_FTP_CLOSED ||
      sim_ftp_resolver_busy(c->ftp)) {
    sim_out_cme(c, SIM_ERR_BUSY);
    return;
  }
  /* 2.1: FTPS requires passive mode; refused before anything is sent. */
  if (c->cfg.ssltype != 0 && c->cfg.transmode == 0) {
    sim_log("ftp: FTPS needs transmode 1 (2.1)");
    sim_out_cme(c, SIM_ERR_INVALID_PARAM);
    return;
  }
  sim_out_ok(c);
  c->ftp_used = true;
  if (!sim_pdp_is_active(&c->pdp, c->cfg.contextid)) {
    sim_log("ftp: context %d is not active", c->cfg.contextid);
    sim_out_line(c, "+QFTPOPEN: %d,0", SIM_ERR_NETWORK);
    return;
  }
  if (c->cfg.ssltype != 0) {
    /* FTPS (2.1 "ssltype", "SSL_ctxID"): the context's AT+QSSLCFG. */
    char why[256];
    SSL_CTX *ctx = sim_tls_ctx_new(&c->ssl[c->cfg.sslctxid], why, sizeof why);
    if (!ctx) {
      sim_log("ftp: SSL context %d unusable: %s", c->cfg.sslctxid, why);
      sim_out_line(c, "+QFTPOPEN: %d,0", SIM_ERR_SSL_AUTH);
      return;
    }
    sim_ftp_set_tls(c->ftp, c->cfg.ssltype, ctx,
                    !(c->quirks & SIM_QUIRK_PROT_C));
  } else {
    sim_ftp_set_tls(c->ftp, 0, NULL, true);
  }
  sim_log("ftp: open %s:%lld as %s%s", host, port, c->cfg.user,
          c->cfg.ssltype == 1   ? " (implicit FTPS)"
          : c->cfg.ssltype == 2 ? " (explicit FTPS)"
                                : "");
  sim_ftp_open(c->ftp, OP_OPEN, host, (int)port, c->cfg.user, c->cfg.pass,
               sim_ctx_rsptimeout_ms(c));
}

static void at_qftppwd(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  if (form == SIM_AT_FORM_TEST) {
    sim_out_ok(c);
    return;
  }
  if (session_ready(c))
    send_command(c, OP_PWD, "PWD");
}

/* <ftpstat> of 2.17 for the session's state. */
static int ftpstat(const sim_ctx *c)
{
  if (!c->ftp_used)
    return (int)sim_ctx_prof_long(c, "stat_initial", 4);
  if (c->xfer && sim_xfer_active(c->xfer)) /* transferring, paused, held */
    return (c->quirks & SIM_QUIRK_WRONG_STAT) ? 1 : 2;
  switch (sim_ftp_get_phase(c->ftp)) {
  case SIM_FTP_PH_DIALING:
  case SIM_FTP_PH_LOGIN:
    return 0;
  case SIM_FTP_PH_IDLE:
  case SIM_FTP_PH_BUSY:
    return 1; /* 2 (transferring) comes with the data connection */
  case SIM_FTP_PH_QUITTING:
    return 3;
  case SIM_FTP_PH_CLOSED:
    return 4;
  }
  return 4;
}

static void at_qftpstat(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  if (form == SIM_AT_FORM_TEST) {
    sim_out_ok(c);
    return;
  }
  if (c->quirks & SIM_QUIRK_STAT_BEFORE_OK) {
    sim_out_line(c, "+QFTPSTAT: 0,%d", ftpstat(c));
    sim_out_ok(c);
    return;
  }
  sim_out_ok(c);
  sim_out_line(c, "+QFTPSTAT: 0,%d", ftpstat(c));
}

static void at_qftpclose(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  (void)ps;
  if (form == SIM_AT_FORM_TEST) {
    sim_out_ok(c);
    return;
  }
  sim_ftp_state st = sim_ftp_get_state(c->ftp);
  if (st == SIM_FTP_CLOSED) {
    /* Nothing to close: succeed at once, and forget a lost session. */
    bool early = (c->quirks & SIM_QUIRK_URC_BEFORE_OK) != 0;
    if (!early)
      sim_out_ok(c);
    sim_ftp_clear_lost(c->ftp);
    sim_out_line(c, "+QFTPCLOSE: 0,0");
    if (early)
      sim_out_ok(c);
    return;
  }
  if (st != SIM_FTP_IDLE || sim_xfer_active(c->xfer)) {
    sim_out_cme(c, SIM_ERR_BUSY);
    return;
  }
  sim_out_ok(c);
  if (c->quirks & SIM_QUIRK_NO_QUIT) { /* quirk: TCP close, no QUIT */
    sim_ftp_drop(c->ftp);
    sim_ftp_clear_lost(c->ftp);
    sim_out_line(c, "+QFTPCLOSE: 0,0");
    return;
  }
  sim_ftp_quit(c->ftp, OP_CLOSE, sim_ctx_rsptimeout_ms(c));
}

/* One remote name (at most max bytes), one FTP command, one URC (2.3,
 * 2.7-2.10, 2.14). */
static void one_name(sim_ctx *c, sim_at_form form, const sim_at_params *ps,
                     const char *test, const char *verb, int tag, size_t max)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "%s", test);
    sim_out_ok(c);
    return;
  }
  const char *name = sim_at_param_cstr(ps, 0);
  if (!name_ok(name, max) || ps->n != 1) {
    sim_out_cme(c, SIM_ERR_INVALID_PARAM);
    return;
  }
  if (!session_ready(c))
    return;
  char line[8 + NAME_MAX_];
  snprintf(line, sizeof line, "%s %s", verb, name);
  send_command(c, tag, line);
}

static void at_qftpcwd(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  one_name(c, f, ps, "+QFTPCWD: <path_name>", "CWD", OP_CWD, CWD_MAX);
}

static void at_qftpsize(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  one_name(c, f, ps, "+QFTPSIZE: <file_name>", "SIZE", OP_SIZE, NAME_MAX_);
}

static void at_qftpmdtm(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  one_name(c, f, ps, "+QFTPMDTM: <file_name>", "MDTM", OP_MDTM, NAME_MAX_);
}

static void at_qftpdel(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  one_name(c, f, ps, "+QFTPDEL: <file_name>", "DELE", OP_DEL, NAME_MAX_);
}

static void at_qftpmkdir(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  one_name(c, f, ps, "+QFTPMKDIR: <folder_name>", "MKD", OP_MKDIR,
           NAME_MAX_);
}

static void at_qftprmdir(sim_ctx *c, sim_at_form f, const sim_at_params *ps)
{
  one_name(c, f, ps, "+QFTPRMDIR: <folder_name>", "RMD", OP_RMDIR,
           NAME_MAX_);
}

static void at_qftprename(sim_ctx *c, sim_at_form form,
                          const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "+QFTPRENAME: <old_name>,<new_name>");
    sim_out_ok(c);
    return;
  }
  const char *from = sim_at_param_cstr(ps, 0), *to = sim_at_param_cstr(ps, 1);
  if (ps->n != 2 || !name_ok(from, NAME_MAX_) || !name_ok(to, NAME_MAX_)) {
    sim_out_cme(c, SIM_ERR_INVALID_PARAM);
    return;
  }
  if (!session_ready(c))
    return; /* rename_to may belong to an RNFR in flight */
  memcpy(c->pend.rename_to, to, strlen(to) + 1);
  char line[8 + NAME_MAX_];
  snprintf(line, sizeof line, "RNFR %s", from);
  send_command(c, OP_RNFR, line);
}

enum {
  T = SIM_AT_FORM_TEST,
  S = SIM_AT_FORM_SET,
  X = SIM_AT_FORM_EXEC,
};

static const sim_cmd_row rows[] = {
    {"+QFTPOPEN", T | S, at_qftpopen, SIM_ERR_INVALID_PARAM},
    {"+QFTPCWD", T | S, at_qftpcwd, SIM_ERR_INVALID_PARAM},
    {"+QFTPPWD", T | X, at_qftppwd, SIM_ERR_INVALID_PARAM},
    {"+QFTPSTAT", T | X, at_qftpstat, SIM_ERR_INVALID_PARAM},
    {"+QFTPCLOSE", T | X, at_qftpclose, SIM_ERR_INVALID_PARAM},
    {"+QFTPSIZE", T | S, at_qftpsize, SIM_ERR_INVALID_PARAM},
    {"+QFTPMDTM", T | S, at_qftpmdtm, SIM_ERR_INVALID_PARAM},
    {"+QFTPDEL", T | S, at_qftpdel, SIM_ERR_INVALID_PARAM},
    {"+QFTPMKDIR", T | S, at_qftpmkdir, SIM_ERR_INVALID_PARAM},
    {"+QFTPRMDIR", T | S, at_qftprmdir, SIM_ERR_INVALID_PARAM},
    {"+QFTPRENAME", T | S, at_qftprename, SIM_ERR_INVALID_PARAM},
};

const sim_cmd_table sim_cmd_ftp_table = {rows, sizeof rows / sizeof rows[0]};
