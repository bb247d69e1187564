/* sim_ftp: the FTP client's control connection as a non-blocking state
 * machine driven by the simulator's poll loop (2.2-2.4, 2.17, 2.18).
 *
 * Nothing here blocks: host names resolve with getaddrinfo_a (numeric
 * addresses at once), connect(2) is non-blocking, and every phase has a
 * deadline (the caller's rsptimeout, already scaled). Each operation ends
 * with exactly one call of hooks.done(tag, err, reply, text): err is 0 or
 * a chapter 5 code, reply the FTP reply that decided it (0 if none), text
 * that reply's first line. The tag is the caller's and opaque here, so new
 * AT commands add tags, not states. */
#ifndef SIM_FTP_H
#define SIM_FTP_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct sim_ftp sim_ftp;

typedef enum {
  SIM_FTP_CLOSED,
  SIM_FTP_RESOLVING,
  SIM_FTP_CONNECTING,
  SIM_FTP_GREETING,  /* waiting for 220 */
  SIM_FTP_AUTH,      /* AUTH TLS sent (explicit FTPS, RFC 4217 4) */
  SIM_FTP_HANDSHAKE, /* TLS handshake on the control connection */
  SIM_FTP_USER,      /* USER sent */
  SIM_FTP_PASS,      /* PASS sent */
  SIM_FTP_PBSZ,      /* PBSZ 0 sent (FTPS, RFC 4217 8) */
  SIM_FTP_PROT,      /* PROT P (or C) sent (FTPS, RFC 4217 9) */
  SIM_FTP_IDLE,     /* logged in */
  SIM_FTP_BUSY,     /* one command in flight */
  SIM_FTP_QUITTING, /* QUIT sent */
} sim_ftp_state;

/* What a state means to everyone outside its own transitions (the gate,
 * AT+QFTPSTAT, timeouts, a lost connection): each state has one phase,
 * in one table in sim_ftp.c. */
typedef enum {
  SIM_FTP_PH_CLOSED,   /* no session */
  SIM_FTP_PH_DIALING,  /* RESOLVING, CONNECTING: no server to hear yet */
  SIM_FTP_PH_LOGIN,    /* GREETING to PROT: the open under way */
  SIM_FTP_PH_IDLE,     /* logged in, nothing in flight */
  SIM_FTP_PH_BUSY,     /* one command in flight */
  SIM_FTP_PH_QUITTING, /* QUIT sent */
} sim_ftp_phase;

typedef struct {
  void (*done)(void *ctx, int tag, int err, int reply, const char *text);
  /* A 1xx to the command in flight (150 before a transfer); may be NULL. */
  void (*prelim)(void *ctx, int tag, int reply);
  int (*map_reply)(void *ctx, int reply); /* FTP reply -> <err> */
  void *ctx;
  int refused_err; /* <err> when the TCP connect is refused */
} sim_ftp_hooks;

/* NULL on allocation failure. The hooks are copied. */
sim_ftp *sim_ftp_new(const sim_ftp_hooks *hooks);
void sim_ftp_free(sim_ftp *f);

const char *sim_ftp_state_name(sim_ftp_state s);
sim_ftp_state sim_ftp_get_state(const sim_ftp *f);
sim_ftp_phase sim_ftp_get_phase(const sim_ftp *f);

/* true when an abandoned name lookup still runs: a new open must wait. */
bool sim_ftp_resolver_busy(const sim_ftp *f);
/* true when the server went away while no operation was in flight; reset
 * by the next open or quit. */
bool sim_ftp_lost(const sim_ftp *f);
void sim_ftp_clear_lost(sim_ftp *f);

/* Firmware that answers 603 to every FTP command after a data connection
 * failed to open (profile busy_after_data_fail), until AT+QFTPCLOSE ends
 * the session. */
void sim_ftp_wedge(sim_ftp *f);

/* What the session lets a new command do: 0 (logged in, idle), else the
 * +CME ERROR to answer: 606 after a lost session, 601 with none, 603
 * while opening, busy or closing. */
int sim_ftp_gate(const sim_ftp *f);

/* FTPS for the next open (2.1 "ssltype"): mode 0 plain, 1 implicit (TLS
 * from the first byte), 2 explicit (AUTH TLS after 220); after login
 * PBSZ 0 and PROT P, or PROT C when prot_p is false. f takes ctx (freed
 * when the session ends); NULL with mode 0. */
void sim_ftp_set_tls(sim_ftp *f, int mode, SSL_CTX *ctx, bool prot_p);
/* The control connection's TLS context and a new reference to its session
 * for data connections (NULL, NULL when data goes in clear: plain FTP or
 * PROT C). The caller frees the session (SSL_SESSION_free). */
SSL_CTX *sim_ftp_data_tls(const sim_ftp *f, SSL_SESSION **session);

/* Starts resolve + connect + login. 0 started (done() follows, possibly
 * before this returns), -1 when not CLOSED or the resolver is busy. */
int sim_ftp_open(sim_ftp *f, int tag, const char *host, int port,
                 const char *user, const char *pass, int64_t timeout_ms);

/* Sends one command line (no CRLF) when IDLE; a 1xx is skipped, 2xx/3xx
 * succeed, anything else fails with the mapped err. -1 when not IDLE. */
int sim_ftp_command(sim_ftp *f, int tag, const char *line, int64_t timeout_ms);

/* Sends QUIT when IDLE; done(tag, 0, 0) after any reply, EOF or the
 * timeout. -1 when not IDLE. */
int sim_ftp_quit(sim_ftp *f, int tag, int64_t timeout_ms);

/* Moves the deadline of the command in flight to timeout_ms from now (a
 * transfer that is still moving data is not late). */
void sim_ftp_touch(sim_ftp *f, int64_t timeout_ms);

/* Closes the control connection without calling done() (the caller
 * reports the operation itself); sim_ftp_lost() becomes true. */
void sim_ftp_drop(sim_ftp *f);

/* The network under the session is gone (its PDP context): the session
 * ends now. An operation in flight (open, command, QUIT) ends with
 * done(tag, err, 0); an idle session closes silently. Afterwards there is
 * no session (gate 601, not 606: the module ended it itself). true when
 * done() was called. */
bool sim_ftp_abort(sim_ftp *f, int err);

/* The control socket (-1 when none): its addresses for the data
 * connection (2.1 "data_address", active mode). */
int sim_ftp_fd(const sim_ftp *f);

/* For the poll loop: the fd and events to wait for (-1: none), the next
 * deadline (INT64_MAX: none), and the handlers. */
int sim_ftp_poll_fd(const sim_ftp *f, short *events);
int64_t sim_ftp_next_deadline(const sim_ftp *f);
void sim_ftp_on_event(sim_ftp *f, short revents);
void sim_ftp_tick(sim_ftp *f);

#endif
