/* Shared by the end-to-end tests (test_sim_*e2e.c): the built qftp-sim on
 * its pty link, and a scripted FTP server on a loopback thread (plain or
 * TLS control, PASV or PORT data). Test-only; compiled into each e2e test
 * (sim/CMakeLists.txt). Failures are Check assertions. */
#ifndef SIM_E2E_UTIL_H
#define SIM_E2E_UTIL_H

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define E2E_WAIT_MS 3000 /* longest wait for one expected answer */

/* ---- the simulator under test ---- */

typedef struct {
  char dir[256];  /* --root, removed with its tree by e2e_sim_stop() */
  char link[300]; /* the pty link */
  char log[300];  /* the simulator's stderr, in dir */
  pid_t pid;
  int fd;
  int ctl; /* the control channel (e2e_sim_start_ctl), else -1 */
  char buf[16384]; /* everything read since the last expect() */
  size_t len;
} e2e_sim;

/* Spawns qftp-sim at time scale 0.01; profile and quirk may be NULL. */
void e2e_sim_start(e2e_sim *s, const char *profile, const char *quirk);
/* The same with --revision (NULL: the default). */
void e2e_sim_start_rev(e2e_sim *s, const char *profile, const char *quirk,
                       const char *revision);
/* The same (no quirk, no revision) with a control channel
 * (--control-fd). */
void e2e_sim_start_ctl(e2e_sim *s, const char *profile);
/* The same (no quirk, no revision) with one more option and its value
 * ("--slow", "AT+QFTPCFG=300"). */
void e2e_sim_start_opt(e2e_sim *s, const char *profile, const char *opt,
                       const char *val);
/* "reset" on the control channel; true when "ok" came back in time. */
bool e2e_sim_reset(e2e_sim *s);
/* SIGTERM; asserts exit 0 and the link removed; removes s->dir. */
void e2e_sim_stop(e2e_sim *s);
/* The same, with the simulator's stderr copied to log (cut to cap - 1). */
void e2e_sim_stop_log(e2e_sim *s, char *log, size_t cap);
/* Sends n bytes, writing within E2E_WAIT_MS. */
void e2e_send(e2e_sim *s, const void *b, size_t n);
/* Reads until `want` appears (true) or E2E_WAIT_MS passes (false); drops
 * what precedes it. */
bool e2e_expect(e2e_sim *s, const char *want);
/* e2e_expect() that also copies what preceded `want` (cut to cap - 1). */
bool e2e_expect_skip(e2e_sim *s, const char *want, char *skipped, size_t cap);
bool e2e_chat(e2e_sim *s, const char *line, const char *want);
/* Exactly n bytes of data mode (after the CONNECT expect()ed). */
void e2e_read_exact(e2e_sim *s, char *out, size_t n);

/* ---- the scripted FTP server ---- */

typedef struct e2e_srv e2e_srv;
/* One command line (CR LF removed); answers with e2e_srv_say(). */
typedef void (*e2e_srv_cmd)(e2e_srv *f, const char *line);

struct e2e_srv {
  /* set by the test */
  e2e_srv_cmd on_cmd;
  void *user;
  const char *greeting; /* NULL: "220 ready" */
  bool silent;          /* never answers, reads until the peer closes */
  SSL_CTX *tls;         /* AUTH TLS, data TLS; owned by the test */
  bool implicit;        /* TLS from the first byte */
  /* state */
  int lfd, port;
  pthread_t th;
  int cfd;
  SSL *ssl;    /* control once TLS */
  int dlfd;    /* PASV listener, -1 */
  bool active; /* PORT given: the server connects */
  struct sockaddr_in port_to;
  bool stop;                   /* set by on_cmd: end the session */
  int data_conns;              /* data connections opened */
};

void e2e_srv_start(e2e_srv *f);
void e2e_srv_join(e2e_srv *f);
void e2e_srv_say(e2e_srv *f, const char *s);
/* AUTH TLS: "234" then the handshake; false when it failed. */
bool e2e_srv_auth_tls(e2e_srv *f);
/* PASV: listens on `host` ("h1,h2,h3,h4"; 127.0.0.1 when NULL or not a
 * loopback address) and answers 227 with `host` and the port. */
void e2e_srv_pasv(e2e_srv *f, const char *host);
/* PORT h1,h2,h3,h4,p1,p2: answers 200 (501 when malformed). */
void e2e_srv_port(e2e_srv *f, const char *arg);
/* The data connection of the pending PASV or PORT, within 2 s; -1. */
int e2e_srv_data_open(e2e_srv *f);
/* Closes fd with RST (SO_LINGER 0). */
void e2e_reset(int fd);

#endif
