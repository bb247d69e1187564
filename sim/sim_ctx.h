/* sim_ctx: the simulated module's whole state, shared by the command
 * handlers, and the helpers that answer on the AT port (1.2 framing:
 * "\r\n<text>\r\n"). main owns the one instance; nothing a handler
 * keeps lives outside it, so two contexts share nothing. */
#ifndef SIM_CTX_H
#define SIM_CTX_H

#include "sim_ftpcfg.h"
#include "sim_pdp.h"
#include "sim_sslcfg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_ftp sim_ftp;
typedef struct sim_xfer sim_xfer;
typedef struct sim_upl sim_upl;
typedef struct sim_slow sim_slow;

/* Longest response line we format (a +QFTPCFG account line is ~530). */
#define SIM_OUT_LINE_MAX 1100
/* <file_name>, <folder_name>, <old_name>, <new_name> (2.7-2.15). */
#define SIM_REMOTE_NAME_MAX 255

/* What the FTP session commands (sim_cmd_ftp.c) carry between a command
 * and its completion. */
typedef struct {
  char rename_to[SIM_REMOTE_NAME_MAX + 1]; /* RNTO's argument, RNFR in flight */
  /* quirk late-urc: the one result URC held back, and when it goes out
   * (INT64_MAX: none held). */
  char late_line[SIM_OUT_LINE_MAX + 1];
  int64_t late_at;
} sim_ftp_pending;

typedef struct sim_ctx {
  /* Where responses go (the pty master); must not block for long. */
  void (*write)(void *wctx, const char *buf, size_t n);
  void *wctx;
  /* Profile lookup (qc_profile_get); NULL means none: note defaults. */
  const char *(*prof_get)(const void *prof, const char *key);
  const void *prof;
  double time_scale; /* 0 < F <= 1, applied to every mandated wait */
  unsigned quirks;   /* sim_quirk bits */
  bool echo;         /* ATE1 */
  int amp_d;         /* AT&D: what a DTR drop does (sim_dtr.h) */
  sim_pdp pdp;
  sim_ftpcfg cfg;
  sim_sslcfg ssl[SIM_SSL_CTX_COUNT]; /* AT+QSSLCFG per <SSL_ctxID> */
  sim_ftp *ftp;
  sim_xfer *xfer;   /* the transfer engine (sim_xfer.h) */
  sim_upl *upl;     /* AT+QFUPL in progress, or NULL (sim_file.h) */
  const char *root; /* holds UFS/ and SD/ (--root) */
  bool ftp_used; /* an AT+QFTPOPEN was accepted since start */
  sim_slow *slow;   /* --slow: output held after slow commands, or NULL */
  sim_ftp_pending pend;
} sim_ctx;

/* Sets defaults (echo on, scale 1, no profile, note defaults for 2.1,
 * nothing pending); write/prof/ftp are left for the caller. */
void sim_ctx_init(sim_ctx *c);

void sim_out_raw(sim_ctx *c, const char *buf, size_t n);
/* "\r\n<formatted>\r\n"; cut at SIM_OUT_LINE_MAX. */
void sim_out_line(sim_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sim_out_ok(sim_ctx *c);
void sim_out_error(sim_ctx *c);
void sim_out_cme(sim_ctx *c, int err);

const char *sim_ctx_prof(const sim_ctx *c, const char *key);
long sim_ctx_prof_long(const sim_ctx *c, const char *key, long dflt);
bool sim_ctx_prof_bool(const sim_ctx *c, const char *key, bool dflt);

/* ms scaled by --time-scale, at least 1. */
int64_t sim_ctx_scaled_ms(const sim_ctx *c, int64_t ms);
/* The scaled rsptimeout of 2.1 in ms. */
int64_t sim_ctx_rsptimeout_ms(const sim_ctx *c);

#endif
