#include "sim_ftp.h"

#include "qc_ftpcodes.h"
#include "qc_io.h"
#include "qc_time.h"
#include "sim_err.h"
#include "sim_log.h"
#include "sim_reply.h"
#include "sim_tls.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HOST_MAX 255       /* <hostname> (2.2) */
#define CRED_MAX 255       /* <username>, <password> (2.1) */
#define CMD_MAX 600        /* one command line we send, CRLF included */
#define RBUF_SIZE 2048     /* bytes read from the server not yet framed */
#define RESOLVE_POLL_MS 10 /* how often a running lookup is checked */

struct sim_ftp {
  sim_ftp_hooks h;
  sim_ftp_state st;
  int fd;
  sim_io io; /* plain or TLS over fd (sim_tls.h) */
  SSL_CTX *tls_ctx;
  int tls_mode; /* 2.1 "ssltype": 0 FTP, 1 implicit, 2 explicit */
  bool prot_p;  /* PROT P after login; false: PROT C */
  int tag;
  int64_t deadline;
  char host[HOST_MAX + 1];
  char port[8];
  char user[CRED_MAX + 1];
  char pass[CRED_MAX + 1];
  struct addrinfo hints;
  struct gaicb gcb;
  bool gai_pending; /* gcb belongs to glibc until gai_error != INPROGRESS */
  struct addrinfo *ai_list, *ai_next;
  int connect_errno;
  bool lost;
  bool wedged; /* busy_after_data_fail: 603 to every command until CLOSE */
  sim_reply_reader rr;
  char rbuf[RBUF_SIZE];
  size_t rlen;
};

/* One row per state: its name in traces, its phase, and the <err> that
 * ends the open when the server goes away in it. */
typedef struct {
  const char *name;
  sim_ftp_phase phase;
  int gone_err;
} state_row;

static const state_row states[] = {
    [SIM_FTP_CLOSED] = {"CLOSED", SIM_FTP_PH_CLOSED, 0},
    [SIM_FTP_RESOLVING] = {"RESOLVING", SIM_FTP_PH_DIALING, 0},
    [SIM_FTP_CONNECTING] = {"CONNECTING", SIM_FTP_PH_DIALING, 0},
    [SIM_FTP_GREETING] = {"GREETING", SIM_FTP_PH_LOGIN, SIM_ERR_CTRL_CLOSED},
    [SIM_FTP_AUTH] = {"AUTH", SIM_FTP_PH_LOGIN, SIM_ERR_CTRL_CLOSED},
    /* a failed handshake; vsftpd: alert, "500 OOPS", FIN */
    [SIM_FTP_HANDSHAKE] = {"HANDSHAKE", SIM_FTP_PH_LOGIN, SIM_ERR_SSL_AUTH},
    [SIM_FTP_USER] = {"USER", SIM_FTP_PH_LOGIN, SIM_ERR_CTRL_CLOSED},
    [SIM_FTP_PASS] = {"PASS", SIM_FTP_PH_LOGIN, SIM_ERR_CTRL_CLOSED},
    [SIM_FTP_PBSZ] = {"PBSZ", SIM_FTP_PH_LOGIN, SIM_ERR_CTRL_CLOSED},
    [SIM_FTP_PROT] = {"PROT", SIM_FTP_PH_LOGIN, SIM_ERR_CTRL_CLOSED},
    [SIM_FTP_IDLE] = {"IDLE", SIM_FTP_PH_IDLE, 0},
    [SIM_FTP_BUSY] = {"BUSY", SIM_FTP_PH_BUSY, 0},
    [SIM_FTP_QUITTING] = {"QUITTING", SIM_FTP_PH_QUITTING, 0},
};
_Static_assert(sizeof states / sizeof states[0] == SIM_FTP_QUITTING + 1,
               "one row per sim_ftp_state");

const char *sim_ftp_state_name(sim_ftp_state s)
{
  return states[s].name;
}

static sim_ftp_phase phase(const sim_ftp *f)
{
  return states[f->st].phase;
}

/* Phases where something is awaited, so a deadline runs. */
static bool awaiting(sim_ftp_phase p)
{
  return p != SIM_FTP_PH_CLOSED && p != SIM_FTP_PH_IDLE;
}

static void set_state(sim_ftp *f, sim_ftp_state s)
{
  if (f->st != s)
    sim_trace("ftp: %s -> %s", states[f->st].name, states[s].name);
  f->st = s;
}

sim_ftp *sim_ftp_new(const sim_ftp_hooks *hooks)
{
  sim_ftp *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->h = *hooks;
  f->fd = -1;
  f->st = SIM_FTP_CLOSED;
  return f;
}

static void drop_addrs(sim_ftp *f)
{
  if (f->ai_list)
    freeaddrinfo(f->ai_list);
  f->ai_list = f->ai_next = NULL;
}

static void drop_conn(sim_ftp *f)
{
  sim_io_close(&f->io, false); /* TLS: close_notify first */
  if (f->fd >= 0)
    close(f->fd);
  f->fd = -1;
  SSL_CTX_free(f->tls_ctx); /* data connections hold their own refs */
  f->tls_ctx = NULL;
  f->tls_mode = 0;
  f->rlen = 0;
  sim_reply_init(&f->rr);
  drop_addrs(f);
}

void sim_ftp_free(sim_ftp *f)
{
  if (!f)
    return;
  drop_conn(f);
  /* A lookup glibc cannot cancel keeps using gcb: leak f rather than free
   * memory a resolver thread still writes (at exit, or a reset during a
   * lookup: rare and bounded). */
  if (f->gai_pending && gai_cancel(&f->gcb) != EAI_CANCELED)
    return;
  free(f);
}

sim_ftp_state sim_ftp_get_state(const sim_ftp *f)
{
  return f->st;
}

sim_ftp_phase sim_ftp_get_phase(const sim_ftp *f)
{
  return phase(f);
}

bool sim_ftp_resolver_busy(const sim_ftp *f)
{
  return f->gai_pending;
}

bool sim_ftp_lost(const sim_ftp *f)
{
  return f->lost;
}

void sim_ftp_clear_lost(sim_ftp *f)
{
  f->lost = false;
  f->wedged = false;
}

void sim_ftp_wedge(sim_ftp *f)
{
  f->wedged = true;
}

int sim_ftp_gate(const sim_ftp *f)
{
  switch (phase(f)) {
  case SIM_FTP_PH_IDLE:
    return f->wedged ? SIM_ERR_BUSY : 0;
  case SIM_FTP_PH_CLOSED:
    return f->lost ? SIM_ERR_CTRL_CLOSED : SIM_ERR_UNKNOWN;
  case SIM_FTP_PH_DIALING:
  case SIM_FTP_PH_LOGIN:
  case SIM_FTP_PH_BUSY:
  case SIM_FTP_PH_QUITTING:
    return SIM_ERR_BUSY;
  }
  return SIM_ERR_UNKNOWN;
}

/* Ends the current operation: state first, so done() sees the new one. */
static void finish(sim_ftp *f, sim_ftp_state next, int err, int reply,
                   const char *text)
{
  if (next == SIM_FTP_CLOSED)
    drop_conn(f);
  set_state(f, next);
  f->h.done(f->h.ctx, f->tag, err, reply, text ? text : "");
}

/* The server is gone (EOF, reset, a write failed) in the current state. */
static void conn_gone(sim_ftp *f)
{
  switch (phase(f)) {
  case SIM_FTP_PH_CLOSED:
  case SIM_FTP_PH_DIALING:
    return;
  case SIM_FTP_PH_LOGIN:
    finish(f, SIM_FTP_CLOSED, states[f->st].gone_err, 0, NULL);
    return;
  case SIM_FTP_PH_IDLE:
    sim_log("ftp: server closed the control connection");
    drop_conn(f);
    set_state(f, SIM_FTP_CLOSED);
    f->lost = true;
    return;
  case SIM_FTP_PH_BUSY:
    f->lost = true;
    finish(f, SIM_FTP_CLOSED, SIM_ERR_CTRL_CLOSED, 0, NULL);
    return;
  case SIM_FTP_PH_QUITTING:
    finish(f, SIM_FTP_CLOSED, 0, 0, NULL);
    return;
  }
}

static int send_line(sim_ftp *f, const char *line)
{
  char buf[CMD_MAX];
  int n = snprintf(buf, sizeof buf, "%s\r\n", line);
  if (n < 0 || (size_t)n >= sizeof buf)
    return -1;
  if (strncmp(line, "PASS ", 5) == 0)
    sim_trace("ftp> PASS ****");
  else
    sim_trace("ftp> %s", line);
  if (sim_io_write_all(&f->io, buf, (size_t)n, f->deadline) != 0)
    return -1;
  return 0;
}

/* Sends "VERB arg" and moves to `next`; a failed write ends the session. */
static void send_and_go(sim_ftp *f, const char *verb, const char *arg,
                        sim_ftp_state next)
{
  char line[CMD_MAX];
  snprintf(line, sizeof line, "%s %s", verb, arg);
  if (send_line(f, line) != 0) {
    conn_gone(f);
    return;
  }
  set_state(f, next);
}

static int failed_open_err(const sim_ftp *f)
{
  return f->connect_errno == ECONNREFUSED ? f->h.refused_err : SIM_ERR_NETWORK;
}

/* Tries the remaining addresses in order (localhost may list ::1 first). */
static void connect_next(sim_ftp *f)
{
  while (f->ai_next) {
    struct addrinfo *a = f->ai_next;
    f->ai_next = a->ai_next;
    int fd =
        socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      f->connect_errno = errno;
      continue;
    }
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      f->fd = fd;
      sim_io_plain(&f->io, fd);
      set_state(f, SIM_FTP_CONNECTING);
      return;
    }
    f->connect_errno = errno;
    close(fd);
  }
  sim_log("ftp: connect to %s:%s failed: %s", f->host, f->port,
          strerror(f->connect_errno));
  finish(f, SIM_FTP_CLOSED, failed_open_err(f), 0, NULL);
}

static void start_connect(sim_ftp *f, struct addrinfo *list)
{
  f->ai_list = f->ai_next = list;
  f->connect_errno = ECONNREFUSED;
  connect_next(f);
}

int sim_ftp_open(sim_ftp *f, int tag, const char *host, int port,
                 const char *user, const char *pass, int64_t timeout_ms)
{
  if (f->st != SIM_FTP_CLOSED || f->gai_pending)
    return -1;
  f->tag = tag;
  f->lost = false;
  f->wedged = false;
  f->deadline = qc_deadline_in(timeout_ms);
  snprintf(f->host, sizeof f->host, "%s", host);
  snprintf(f->port, sizeof f->port, "%d", port);
  snprintf(f->user, sizeof f->user, "%s", user);
  snprintf(f->pass, sizeof f->pass, "%s", pass);
  memset(&f->hints, 0, sizeof f->hints);
  f->hints.ai_socktype = SOCK_STREAM;
  f->hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  struct addrinfo *list = NULL;
  if (getaddrinfo(f->host, f->port, &f->hints, &list) == 0) {
    start_connect(f, list);
    return 0;
  }
  /* A name: ask the system resolver without blocking the loop. */
  f->hints.ai_flags = AI_NUMERICSERV;
  memset(&f->gcb, 0, sizeof f->gcb);
  f->gcb.ar_name = f->host;
  f->gcb.ar_service = f->port;
  f->gcb.ar_request = &f->hints;
  struct gaicb *reqs[1] = {&f->gcb};
  if (getaddrinfo_a(GAI_NOWAIT, reqs, 1, NULL) != 0) {
    finish(f, SIM_FTP_CLOSED, SIM_ERR_DNS, 0, NULL);
    return 0;
  }
  f->gai_pending = true;
  set_state(f, SIM_FTP_RESOLVING);
  return 0;
}

void sim_ftp_set_tls(sim_ftp *f, int mode, SSL_CTX *ctx, bool prot_p)
{
  SSL_CTX_free(f->tls_ctx);
  f->tls_ctx = ctx;
  f->tls_mode = ctx ? mode : 0;
  f->prot_p = prot_p;
}

SSL_CTX *sim_ftp_data_tls(const sim_ftp *f, SSL_SESSION **session)
{
  *session = NULL;
  if (!f->tls_mode || !f->prot_p || !sim_io_is_tls(&f->io))
    return NULL;
  /* RFC 4217 10.2: the data connection resumes the control session, with
   * a ticket not used before (TLS 1.3 tickets may be single-use); the
   * control connection's own session when none is left (TLS 1.2). */
  *session = sim_tls_pool_take(f->tls_ctx);
  if (!*session)
    *session = SSL_get1_session(f->io.ssl);
  return f->tls_ctx;
}

/* One step of the control handshake (implicit: before 220; explicit:
 * after 234). */
static void handshake_step(sim_ftp *f)
{
  switch (sim_io_handshake(&f->io)) {
  case SIM_IO_AGAIN:
    return;
  case SIM_IO_FAILED:
    finish(f, SIM_FTP_CLOSED, SIM_ERR_SSL_AUTH, 0, NULL); /* 631 (5) */
    return;
  case SIM_IO_DONE:
    if (f->tls_mode == 1)
      set_state(f, SIM_FTP_GREETING);
    else
      send_and_go(f, "USER", f->user, SIM_FTP_USER);
    return;
  }
}

static void start_tls(sim_ftp *f)
{
  if (sim_io_tls(&f->io, f->fd, f->tls_ctx, NULL) != 0) {
    finish(f, SIM_FTP_CLOSED, SIM_ERR_SSL_AUTH, 0, NULL);
    return;
  }
  set_state(f, SIM_FTP_HANDSHAKE);
  handshake_step(f);
}

/* Logged in: FTPS still needs PBSZ and PROT (RFC 4217 8, 9). */
static void logged_in(sim_ftp *f)
{
  if (f->tls_mode)
    send_and_go(f, "PBSZ", "0", SIM_FTP_PBSZ);
  else
    finish(f, SIM_FTP_IDLE, 0, 0, NULL);
}

int sim_ftp_command(sim_ftp *f, int tag, const char *line, int64_t timeout_ms)
{
  if (f->st != SIM_FTP_IDLE)
    return -1;
  f->tag = tag;
  f->deadline = qc_deadline_in(timeout_ms);
  set_state(f, SIM_FTP_BUSY);
  if (send_line(f, line) != 0)
    conn_gone(f); /* reported like a server gone mid-command */
  return 0;
}

int sim_ftp_quit(sim_ftp *f, int tag, int64_t timeout_ms)
{
  if (f->st != SIM_FTP_IDLE)
    return -1;
  f->tag = tag;
  f->lost = false;
  f->wedged = false;
  f->deadline = qc_deadline_in(timeout_ms);
  if (send_line(f, "QUIT") != 0)
    finish(f, SIM_FTP_CLOSED, 0, 0, NULL);
  else
    set_state(f, SIM_FTP_QUITTING);
  return 0;
}

/* The server refused a login step: the session ends with the reply's err
 * (a 2xx/3xx out of sequence has none: 601). */
static void refused(sim_ftp *f, int err, int code, const char *text)
{
  finish(f, SIM_FTP_CLOSED, err ? err : SIM_ERR_UNKNOWN, code, text);
}

/* A failure reply, 4yz or 5yz (sim_reply gives codes 100-599 only). */
static bool negative(int code)
{
  return QC_FTP_TRANSIENT(code) || QC_FTP_PERMANENT(code);
}

/* One complete reply in the current state (RFC 959 5.4 sequencing). */
static void on_reply(sim_ftp *f, int code, const char *text)
{
  sim_trace("ftp< %d %s", code, text);
  if (QC_FTP_PRELIM(code) && f->st != SIM_FTP_QUITTING) {
    if (f->st == SIM_FTP_BUSY && f->h.prelim)
      f->h.prelim(f->h.ctx, f->tag, code);
    return; /* preliminary: the real answer follows */
  }
  int err = negative(code) ? f->h.map_reply(f->h.ctx, code) : 0;
  switch (f->st) {
  case SIM_FTP_CLOSED:
  case SIM_FTP_RESOLVING:
  case SIM_FTP_CONNECTING:
    return;
  case SIM_FTP_GREETING:
    if (code == QC_FTP_READY && f->tls_mode == 2)
      send_and_go(f, "AUTH", "TLS", SIM_FTP_AUTH);
    else if (code == QC_FTP_READY)
      send_and_go(f, "USER", f->user, SIM_FTP_USER);
    else
      refused(f, err, code, text);
    return;
  case SIM_FTP_AUTH: /* a server without TLS: README, 631 */
    if (code == QC_FTP_AUTH_OK)
      start_tls(f);
    else
      finish(f, SIM_FTP_CLOSED, SIM_ERR_SSL_AUTH, code, text);
    return;
  case SIM_FTP_HANDSHAKE:
    return;
  case SIM_FTP_PBSZ:
    if (!negative(code))
      send_and_go(f, "PROT", f->prot_p ? "P" : "C", SIM_FTP_PROT);
    else
      refused(f, err, code, text);
    return;
  case SIM_FTP_PROT:
    if (!negative(code))
      finish(f, SIM_FTP_IDLE, 0, 0, NULL);
    else
      refused(f, err, code, text);
    return;
  case SIM_FTP_USER:
    if (code == QC_FTP_LOGGED_IN)
      logged_in(f);
    else if (code == QC_FTP_NEED_PASSWORD)
      send_and_go(f, "PASS", f->pass, SIM_FTP_PASS);
    else
      refused(f, err, code, text);
    return;
  case SIM_FTP_PASS:
    if (code == QC_FTP_LOGGED_IN || code == QC_FTP_SUPERFLUOUS)
      logged_in(f);
    else
      refused(f, err, code, text);
    return;
  case SIM_FTP_IDLE:
    /* the server is closing on us (timeout, shutdown) */
    if (code == QC_FTP_UNAVAILABLE)
      conn_gone(f);
    return;
  case SIM_FTP_BUSY:
    if (code == QC_FTP_UNAVAILABLE) {
      f->lost = true;
      finish(f, SIM_FTP_CLOSED, err, code, text);
    } else if (!negative(code)) {
      finish(f, SIM_FTP_IDLE, 0, code, text);
    } else {
      finish(f, SIM_FTP_IDLE, err, code, text);
    }
    return;
  case SIM_FTP_QUITTING:
    finish(f, SIM_FTP_CLOSED, 0, 0, NULL);
    return;
  }
}

/* Garbage from the server: the conversation cannot continue. */
static void on_garbage(sim_ftp *f)
{
  sim_log("ftp: malformed reply from the server, closing");
  switch (phase(f)) {
  case SIM_FTP_PH_CLOSED:
  case SIM_FTP_PH_DIALING:
    return;
  case SIM_FTP_PH_LOGIN:
  case SIM_FTP_PH_BUSY:
    finish(f, SIM_FTP_CLOSED, SIM_ERR_UNKNOWN, 0, NULL);
    return;
  case SIM_FTP_PH_IDLE:
    conn_gone(f);
    return;
  case SIM_FTP_PH_QUITTING:
    finish(f, SIM_FTP_CLOSED, 0, 0, NULL);
    return;
  }
}

/* Frames what rbuf holds; false when the connection went away. */
static bool frame_replies(sim_ftp *f);

static void on_readable(sim_ftp *f)
{
  /* TLS may hold decrypted bytes poll cannot see: read them all. */
  do {
    ssize_t r = sim_io_read(&f->io, f->rbuf + f->rlen,
                            sizeof f->rbuf - f->rlen);
    if (r < 0 && errno == EAGAIN)
      return;
    if (r <= 0) {
      conn_gone(f);
      return;
    }
    f->rlen += (size_t)r;
    if (!frame_replies(f))
      return;
  } while (f->fd >= 0 && f->st != SIM_FTP_HANDSHAKE &&
           sim_io_pending(&f->io) > 0);
}

static bool frame_replies(sim_ftp *f)
{
  while (f->rlen > 0 && f->fd >= 0) {
    size_t used;
    sim_reply_status st = sim_reply_feed(&f->rr, f->rbuf, f->rlen, &used);
    memmove(f->rbuf, f->rbuf + used, f->rlen - used);
    f->rlen -= used;
    if (st == SIM_REPLY_MORE)
      return true;
    if (st == SIM_REPLY_BAD) {
      on_garbage(f);
      return false;
    }
    char text[SIM_REPLY_LINE_MAX + 1];
    snprintf(text, sizeof text, "%s", sim_reply_text(&f->rr));
    on_reply(f, sim_reply_code(&f->rr), text);
    if (f->st == SIM_FTP_HANDSHAKE) /* the rest is TLS, not replies */
      return false;
  }
  return f->fd >= 0;
}

static void on_connected(sim_ftp *f)
{
  int e = 0;
  socklen_t len = sizeof e;
  if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
    e = errno;
  if (e == 0) {
    drop_addrs(f);
    sim_log("ftp: connected to %s:%s", f->host, f->port);
    if (f->tls_mode == 1) /* implicit FTPS: TLS from the first byte */
      start_tls(f);
    else
      set_state(f, SIM_FTP_GREETING);
    return;
  }
  f->connect_errno = e;
  close(f->fd);
  f->fd = -1;
  connect_next(f);
}

int sim_ftp_poll_fd(const sim_ftp *f, short *events)
{
  *events = f->st == SIM_FTP_CONNECTING ? POLLOUT
                                         : sim_io_events(&f->io, POLLIN);
  return f->fd;
}

int64_t sim_ftp_next_deadline(const sim_ftp *f)
{
  int64_t d = INT64_MAX;
  if (awaiting(phase(f)))
    d = f->deadline;
  if (f->gai_pending) { /* glibc gives no fd to wait on: look often */
    int64_t soon = qc_deadline_in(RESOLVE_POLL_MS);
    if (soon < d)
      d = soon;
  }
  return d;
}

void sim_ftp_on_event(sim_ftp *f, short revents)
{
  if (f->fd < 0)
    return;
  if (f->st == SIM_FTP_CONNECTING) {
    if (revents & (POLLOUT | POLLERR | POLLHUP))
      on_connected(f);
    return;
  }
  if (f->st == SIM_FTP_HANDSHAKE) {
    handshake_step(f);
    return;
  }
  if (revents & (POLLIN | POLLERR | POLLHUP))
    on_readable(f);
}

/* A lookup finished (or was abandoned earlier and finished now). */
static void resolver_check(sim_ftp *f)
{
  int e = gai_error(&f->gcb);
  if (e == EAI_INPROGRESS)
    return;
  f->gai_pending = false;
  if (f->st != SIM_FTP_RESOLVING) { /* abandoned after a timeout */
    if (e == 0 && f->gcb.ar_result)
      freeaddrinfo(f->gcb.ar_result);
    return;
  }
  if (e != 0 || !f->gcb.ar_result) {
    sim_log("ftp: cannot resolve %s: %s", f->host, gai_strerror(e));
    finish(f, SIM_FTP_CLOSED, SIM_ERR_DNS, 0, NULL);
    return;
  }
  start_connect(f, f->gcb.ar_result);
}

void sim_ftp_tick(sim_ftp *f)
{
  if (f->gai_pending)
    resolver_check(f);
  if (!awaiting(phase(f)) || qc_now_ms() < f->deadline)
    return;
  sim_log("ftp: no answer in time in state %s", states[f->st].name);
  switch (phase(f)) {
  case SIM_FTP_PH_CLOSED:
  case SIM_FTP_PH_IDLE:
    return;
  case SIM_FTP_PH_DIALING:
  case SIM_FTP_PH_LOGIN:
    if (f->st == SIM_FTP_RESOLVING && gai_cancel(&f->gcb) == EAI_CANCELED)
      f->gai_pending = false;
    finish(f, SIM_FTP_CLOSED, SIM_ERR_TIMEOUT, 0, NULL);
    return;
  case SIM_FTP_PH_BUSY:
    /* A late reply would be taken for the next command's: close. */
    f->lost = true;
    finish(f, SIM_FTP_CLOSED, SIM_ERR_TIMEOUT, 0, NULL);
    return;
  case SIM_FTP_PH_QUITTING:
    finish(f, SIM_FTP_CLOSED, 0, 0, NULL);
    return;
  }
}

void sim_ftp_touch(sim_ftp *f, int64_t timeout_ms)
{
  if (f->st == SIM_FTP_BUSY)
    f->deadline = qc_deadline_in(timeout_ms);
}

void sim_ftp_drop(sim_ftp *f)
{
  if (f->st == SIM_FTP_CLOSED || f->st == SIM_FTP_RESOLVING)
    return;
  drop_conn(f);
  set_state(f, SIM_FTP_CLOSED);
  f->lost = true;
}

bool sim_ftp_abort(sim_ftp *f, int err)
{
  sim_ftp_phase p = phase(f);
  f->lost = false; /* closed by the module itself, not lost: 601 after */
  f->wedged = false;
  switch (p) {
  case SIM_FTP_PH_CLOSED:
    return false;
  case SIM_FTP_PH_IDLE:
    drop_conn(f);
    set_state(f, SIM_FTP_CLOSED);
    return false;
  case SIM_FTP_PH_DIALING:
  case SIM_FTP_PH_LOGIN:
  case SIM_FTP_PH_BUSY:
  case SIM_FTP_PH_QUITTING:
    break;
  }
  finish(f, SIM_FTP_CLOSED, err, 0, NULL);
  return true;
}

int sim_ftp_fd(const sim_ftp *f)
{
  return f->fd;
}
