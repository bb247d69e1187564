/* The AT command dispatcher end to end (sim_cmd.c and every command
 * table), on a context without network: random AT lines and a random
 * profile (values the loader would refuse included: the simulator must
 * not trust them) never crash, every write and every line's answer is
 * bounded, and after every line each setting is within its limits.
 *
 * Input: [profile selector bytes] then lines separated by CR. Lines that
 * open a connection (+QFTPOPEN) are skipped: this target has no network. */
#include "sim_cmd.h"
#include "sim_cmd_ftp.h"
#include "sim_ctx.h"
#include "sim_ftp.h"
#include "sim_xfer.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ANSWER_MAX = 64 * 1024 };

/* Profile keys the simulator reads, and values to give them. */
static const char *const keys[] = {
    "max_account_len", "account_mask", "cfg_invalid", "stat_initial",
    "pwd_quote",       "mdtm_quote",   "nlst_alias",  "open_refused_err",
    "sim.revision",    "name",         "busy_after_data_fail",
};
enum { NKEYS = sizeof keys / sizeof keys[0] };
static const char *const values[] = {
    NULL, "-1", "0", "1", "255", "256", "4096", "-2147483648",
    "9223372036854775807", "true", "false", "\"", "+CME ERROR: 1",
    "+CME ERROR: 99999999999", "%s%n%s", "abc",
};
static const char *prof[NKEYS];

static const char *prof_get(const void *p, const char *key)
{
  (void)p;
  for (size_t i = 0; i < NKEYS; i++)
    if (strcmp(keys[i], key) == 0)
      return prof[i];
  return NULL;
}

static size_t answered;

static void capture(void *w, const char *buf, size_t n)
{
  (void)w;
  (void)buf;
  if (n > SIM_OUT_LINE_MAX + 4)
    abort(); /* "\r\n" + line + "\r\n" */
  answered += n;
}

static char root[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  const char *t = getenv("TMPDIR");
  snprintf(root, sizeof root, "%s/fuzz-sim-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(root))
    abort();
  return 0;
}

static void in_range(long v, long lo, long hi)
{
  if (v < lo || v > hi)
    abort();
}

static void check(const sim_ctx *c)
{
  const sim_ftpcfg *f = &c->cfg;
  if (strnlen(f->user, sizeof f->user) > SIM_FTPCFG_STR_MAX ||
      strnlen(f->pass, sizeof f->pass) > SIM_FTPCFG_STR_MAX)
    abort();
  in_range(f->filetype, 0, 1);
  in_range(f->transmode, 0, 1);
  in_range(f->contextid, 1, 15);
  in_range(f->rsptimeout, 20, 180);
  in_range(f->ssltype, 0, 2);
  in_range(f->sslctxid, 0, 5);
  in_range(f->data_type, 0, 2);
  in_range(f->data_timeout, 15, 50);
  in_range(f->restenable, 0, 1);
  in_range(f->cache, 0, 2);
  in_range((long)sim_pdp_active_count(&c->pdp), 0, SIM_PDP_ACTIVE_MAX);
  for (int i = 1; i <= SIM_PDP_CTX_MAX; i++) {
    const sim_pdp_ctx *p = &c->pdp.ctx[i];
    if (strnlen(p->apn, sizeof p->apn) > SIM_PDP_APN_MAX ||
        strnlen(p->user, sizeof p->user) > SIM_PDP_CRED_MAX ||
        strnlen(p->pass, sizeof p->pass) > SIM_PDP_CRED_MAX)
      abort();
  }
  for (int i = 0; i < SIM_SSL_CTX_COUNT; i++) {
    const sim_sslcfg *s = &c->ssl[i];
    in_range(s->sslversion, 0, 4);
    in_range(s->seclevel, 0, 2);
    if (strnlen(s->ciphers, sizeof s->ciphers) > SIM_SSL_CIPHERS_MAX)
      abort();
  }
}

/* Whether the line names a command that reaches the network. */
static bool networked(const char *l, size_t n)
{
  static const char *const deny[] = {"+QFTPOPEN"};
  char up[32];
  size_t k = n < sizeof up - 1 ? n : sizeof up - 1;
  for (size_t i = 0; i < k; i++)
    up[i] = (char)toupper((unsigned char)l[i]);
  up[k] = '\0';
  for (size_t i = 0; i < sizeof deny / sizeof deny[0]; i++)
    if (strstr(up, deny[i]))
      return true;
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 4)
    return 0;
  /* 4 bytes pick values for the keys, two keys per byte. */
  for (size_t i = 0; i < NKEYS; i++)
    prof[i] = values[(d[i / 3 % 4] >> (i % 2 * 4)) & 15];
  d += 4;
  n -= 4;
  sim_ctx c;
  sim_ctx_init(&c);
  c.write = capture;
  c.prof_get = prof_get;
  c.time_scale = 0.001;
  c.root = root;
  sim_ftp_hooks h = {.done = sim_cmd_ftp_done,
                     .prelim = sim_cmd_ftp_prelim,
                     .map_reply = sim_cmd_ftp_map_reply,
                     .ctx = &c,
                     .refused_err = 606};
  c.ftp = sim_ftp_new(&h);
  c.xfer = sim_xfer_new(&c);
  if (!c.ftp || !c.xfer)
    abort();
  static sim_at_framer f;
  sim_at_framer_init(&f);
  for (size_t i = 0; i < n; i++) {
    if (sim_at_framer_byte(&f, d[i]) != SIM_AT_EV_LINE)
      continue;
    size_t len;
    const char *l = sim_at_framer_line(&f, &len);
    if (networked(l, len))
      continue;
    answered = 0;
    sim_cmd_dispatch(&c, l, len);
    if (answered > ANSWER_MAX)
      abort();
    check(&c);
  }
  sim_xfer_free(c.xfer);
  sim_ftp_free(c.ftp);
  return 0;
}
