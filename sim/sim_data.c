#include "sim_data.h"

#include "qc_time.h"
#include "sim_log.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long a clean close waits for the server's TLS 1.3 ticket when no
 * session is left for the next data connection (real time, not scaled). */
#define SIM_DATA_TICKET_WAIT_MS 200

static const char *const names[] = {
    [SIM_DATA_NONE] = "NONE",
    [SIM_DATA_LISTENING] = "LISTENING",
    [SIM_DATA_CONNECTING] = "CONNECTING",
    [SIM_DATA_HANDSHAKE] = "HANDSHAKE",
    [SIM_DATA_OPEN] = "OPEN",
    [SIM_DATA_FAILED] = "FAILED",
};

const char *sim_data_state_name(sim_data_state s)
{
  return names[s];
}

static void set_state(sim_data *d, sim_data_state s)
{
  if (d->st != s)
    sim_trace("data: %s -> %s", names[d->st], names[s]);
  d->st = s;
}

void sim_data_init(sim_data *d, int bufsize)
{
  memset(d, 0, sizeof *d);
  d->fd = d->lfd = -1;
  d->bufsize = bufsize;
}

static void size_buffers(const sim_data *d, int fd)
{
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &d->bufsize, sizeof d->bufsize);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &d->bufsize, sizeof d->bufsize);
}

static void fail(sim_data *d, const char *why)
{
  sim_log("data: cannot open the data connection: %s", why);
  sim_data_close(d, false);
  set_state(d, SIM_DATA_FAILED);
}

void sim_data_use_tls(sim_data *d, SSL_CTX *ctx, SSL_SESSION *session)
{
  d->tls = ctx;
  d->session = session;
}

static void handshake_step(sim_data *d)
{
  switch (sim_io_handshake(&d->io)) {
  case SIM_IO_AGAIN:
    return;
  case SIM_IO_FAILED:
    fail(d, "TLS handshake failed");
    d->tls_failed = true;
    return;
  case SIM_IO_DONE:
    set_state(d, SIM_DATA_OPEN);
    return;
  }
}

/* The socket is connected (or accepted): TLS first when asked. */
static void connected(sim_data *d)
{
  sim_io_plain(&d->io, d->fd);
  if (!d->tls) {
    set_state(d, SIM_DATA_OPEN);
    return;
  }
  if (sim_io_tls(&d->io, d->fd, d->tls, d->session) != 0) {
    fail(d, "SSL_new failed");
    d->tls_failed = true;
    return;
  }
  set_state(d, SIM_DATA_HANDSHAKE);
  if (d->tls_go)
    handshake_step(d);
}

void sim_data_tls_go(sim_data *d, int64_t ms)
{
  if (d->tls_go || !d->tls)
    return;
  d->tls_go = true;
  if (d->st == SIM_DATA_HANDSHAKE) {
    d->deadline = qc_deadline_in(ms);
    handshake_step(d);
  }
}

ssize_t sim_data_read(sim_data *d, void *b, size_t n)
{
  return sim_io_read(&d->io, b, n);
}

ssize_t sim_data_write(sim_data *d, const void *b, size_t n)
{
  return sim_io_write(&d->io, b, n);
}

short sim_data_events(const sim_data *d, short dflt)
{
  return sim_io_events(&d->io, dflt);
}

size_t sim_data_pending(const sim_data *d)
{
  return d->st == SIM_DATA_OPEN ? sim_io_pending(&d->io) : 0;
}

int sim_data_listen(sim_data *d, int ctrl_fd, int64_t timeout_ms,
                    struct sockaddr_in *bound)
{
  struct sockaddr_in a;
  socklen_t al = sizeof a;
  if (getsockname(ctrl_fd, (struct sockaddr *)&a, &al) != 0 ||
      a.sin_family != AF_INET) {
    fail(d, "control connection is not IPv4");
    return -1;
  }
  a.sin_port = 0;
  d->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  al = sizeof a;
  if (d->lfd < 0 || bind(d->lfd, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(d->lfd, 1) != 0 ||
      getsockname(d->lfd, (struct sockaddr *)&a, &al) != 0) {
    fail(d, strerror(errno));
    return -1;
  }
  *bound = a;
  d->deadline = qc_deadline_in(timeout_ms);
  set_state(d, SIM_DATA_LISTENING);
  return 0;
}

static int start_connect(sim_data *d, const struct sockaddr_in *to,
                         int64_t ms)
{
  d->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (d->fd < 0)
    return -1;
  size_buffers(d, d->fd);
  if (connect(d->fd, (const struct sockaddr *)to, sizeof *to) != 0 &&
      errno != EINPROGRESS) {
    close(d->fd);
    d->fd = -1;
    return -1;
  }
  d->deadline = qc_deadline_in(ms);
  set_state(d, SIM_DATA_CONNECTING);
  return 0;
}

/* The first target failed: the second (data_address 2), else FAILED. */
static void try_alt(sim_data *d, const char *why)
{
  if (d->fd >= 0)
    close(d->fd);
  d->fd = -1;
  if (d->have_alt) {
    sim_log("data: first address failed (%s), trying the 227 address", why);
    d->have_alt = false;
    if (start_connect(d, &d->alt, d->alt_ms) == 0)
      return;
  }
  fail(d, why);
}

int sim_data_connect(sim_data *d, const struct sockaddr_in *to,
                     int64_t first_ms, const struct sockaddr_in *alt,
                     int64_t alt_ms)
{
  d->have_alt = alt != NULL;
  if (alt) {
    d->alt = *alt;
    d->alt_ms = alt_ms;
  }
  if (start_connect(d, to, first_ms) != 0)
    try_alt(d, strerror(errno));
  return d->st == SIM_DATA_FAILED ? -1 : 0;
}

int sim_data_poll_fd(const sim_data *d, short *events)
{
  switch (d->st) {
  case SIM_DATA_LISTENING:
    *events = POLLIN;
    return d->lfd;
  case SIM_DATA_CONNECTING:
    *events = POLLOUT;
    return d->fd;
  case SIM_DATA_HANDSHAKE:
    if (!d->tls_go)
      break;
    *events = sim_io_events(&d->io, POLLIN);
    return d->fd;
  case SIM_DATA_NONE:
  case SIM_DATA_OPEN:
  case SIM_DATA_FAILED:
    break;
  }
  *events = 0;
  return -1;
}

int64_t sim_data_next_deadline(const sim_data *d)
{
  return d->st == SIM_DATA_LISTENING || d->st == SIM_DATA_CONNECTING ||
                 d->st == SIM_DATA_HANDSHAKE
             ? d->deadline
             : INT64_MAX;
}

void sim_data_on_event(sim_data *d, short revents)
{
  bool late = qc_now_ms() >= d->deadline;
  switch (d->st) {
  case SIM_DATA_LISTENING: {
    int fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      close(d->lfd);
      d->lfd = -1;
      d->fd = fd;
      size_buffers(d, fd);
      connected(d);
    } else if (late) {
      fail(d, "the server did not connect in time");
    }
    return;
  }
  case SIM_DATA_CONNECTING:
    if (revents & (POLLOUT | POLLERR | POLLHUP)) {
      int e = 0;
      socklen_t l = sizeof e;
      getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &e, &l);
      if (e == 0) {
        connected(d);
        return;
      }
      try_alt(d, strerror(e));
    } else if (late) {
      try_alt(d, "timeout");
    }
    return;
  case SIM_DATA_HANDSHAKE:
    if (late) {
      fail(d, "TLS handshake timed out");
      d->tls_failed = true;
    } else if (revents) {
      handshake_step(d);
    }
    return;
  case SIM_DATA_NONE:
  case SIM_DATA_OPEN:
  case SIM_DATA_FAILED:
    return;
  }
}

void sim_data_close(sim_data *d, bool rst)
{
  if (!rst)
    sim_tls_pool_collect(&d->io, SIM_DATA_TICKET_WAIT_MS);
  sim_io_close(&d->io, rst); /* close_notify unless RST */
  SSL_SESSION_free(d->session);
  d->session = NULL;
  SSL_CTX_free(d->tls);
  d->tls = NULL;
  if (d->fd >= 0) {
    if (rst) {
      struct linger l = {.l_onoff = 1, .l_linger = 0};
      setsockopt(d->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else {
      /* Bytes left unread make close(2) send RST instead of FIN, and a
       * server then fails the transfer (vsftpd: 426). Under TLS 1.3 the
       * server's session tickets arrive after the handshake and are never
       * read by an upload: take them off the socket first. */
      shutdown(d->fd, SHUT_WR);
      char junk[4096];
      for (int i = 0; i < 64; i++)
        if (recv(d->fd, junk, sizeof junk, MSG_DONTWAIT) <= 0)
          break;
    }
    close(d->fd);
  }
  if (d->lfd >= 0)
    close(d->lfd);
  d->fd = d->lfd = -1;
  if (d->st != SIM_DATA_FAILED)
    set_state(d, SIM_DATA_NONE);
}
