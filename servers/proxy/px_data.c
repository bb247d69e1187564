#include "px_data.h"
#include "px_addr.h"
#include "px_log.h"
#include "px_net.h"
#include "qc_time.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const state_names[PX_DATA_STATE_COUNT] = {
    [PX_DATA_IDLE] = "IDLE",
    [PX_DATA_LISTENING] = "LISTENING",
    [PX_DATA_CONNECTING] = "CONNECTING",
    [PX_DATA_RELAY] = "RELAY",
    [PX_DATA_STALLED] = "STALLED",
};

const char *px_data_state_name(px_data_state s)
{
  return s < PX_DATA_STATE_COUNT ? state_names[s] : "?";
}

/* The one place a channel changes state, traced old -> new. */
static void set_state(px_data *d, px_data_state s)
{
  if (d->state != s)
    px_log(d->sid, "data%u state %s -> %s", d->n, state_names[d->state],
           state_names[s]);
  d->state = s;
}

void px_data_init(px_data *d)
{
  memset(d, 0, sizeof *d);
  d->state = PX_DATA_IDLE;
  d->lfd = d->cfd = d->sfd = -1;
}

static void close_fd(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

void px_data_close(px_data *d, const char *why)
{
  if (d->state == PX_DATA_IDLE)
    return;
  if (d->cfd >= 0 || d->sfd >= 0)
    px_log(d->sid, "data%u close (%s) client->server %llu server->client %llu",
           d->n, why, (unsigned long long)d->n_c2s,
           (unsigned long long)d->n_s2c);
  else
    px_log(d->sid, "data%u close (%s)", d->n, why);
  close_fd(&d->lfd);
  close_fd(&d->cfd);
  close_fd(&d->sfd);
  qc_buf_free(&d->c2s);
  qc_buf_free(&d->s2c);
  set_state(d, PX_DATA_IDLE);
}

static int setup(px_data *d, unsigned sid, unsigned n, bool passive,
                 px_ports *ports, const struct sockaddr_storage *local,
                 const struct sockaddr_storage *target, const px_rule *fault,
                 struct sockaddr_storage *offer)
{
  px_data_close(d, "replaced");
  px_data_init(d);
  d->sid = sid;
  d->n = n;
  d->passive = passive;
  d->target = *target;
  d->fault = fault;
  d->lfd = px_ports_listen(ports, local, 1);
  if (d->lfd < 0 || px_net_local(d->lfd, offer) < 0) {
    int e = errno;
    close_fd(&d->lfd);
    errno = e;
    return -1;
  }
  char a[64], t[64];
  px_addr_str(offer, a, sizeof a);
  px_addr_str(target, t, sizeof t);
  px_log(sid, "data%u %s listen %s for %s, then connect %s", n,
         passive ? "passive" : "active", a, passive ? "client" : "server", t);
  d->deadline = qc_deadline_in(PX_DATA_ACCEPT_MS);
  set_state(d, PX_DATA_LISTENING);
  if (fault && fault->kind == PX_KIND_DATA_REFUSE) {
    /* The port was real a moment ago; closed now, a connect to it is
     * refused (passive) and the server's connect fails (active). */
    px_log(sid, "fault data_refuse data%u: listener closed", n);
    close_fd(&d->lfd);
    set_state(d, PX_DATA_IDLE);
  }
  return 0;
}

int px_data_passive(px_data *d, unsigned sid, unsigned n, px_ports *ports,
                    const struct sockaddr_storage *local,
                    const struct sockaddr_storage *server, const px_rule *fault,
                    struct sockaddr_storage *offer)
{
  return setup(d, sid, n, true, ports, local, server, fault, offer);
}

int px_data_active(px_data *d, unsigned sid, unsigned n, px_ports *ports,
                   const struct sockaddr_storage *local,
                   const struct sockaddr_storage *client, const px_rule *fault,
                   struct sockaddr_storage *offer)
{
  return setup(d, sid, n, false, ports, local, client, fault, offer);
}

/* close_after, and a stall or reset after some bytes: forward that many,
 * then act. */
static bool limited(const px_data *d)
{
  if (!d->fault)
    return false;
  px_kind k = d->fault->kind;
  return k == PX_KIND_DATA_CLOSE ||
         ((k == PX_KIND_DATA_STALL || k == PX_KIND_DATA_RESET) &&
          d->fault->bytes);
}

static size_t read_max(const px_data *d)
{
  if (!limited(d))
    return PX_DATA_BUF;
  uint64_t left = d->fault->bytes - d->taken;
  return left < PX_DATA_BUF ? (size_t)left : PX_DATA_BUF;
}

void px_data_prep(const px_data *d, struct pollfd p[PX_DATA_NFDS],
                  int64_t *next)
{
  p[0].fd = p[1].fd = -1;
  p[0].events = p[1].events = 0;
  switch (d->state) {
  case PX_DATA_IDLE:
  case PX_DATA_STALLED:
    return;
  case PX_DATA_LISTENING:
    p[0].fd = d->lfd;
    p[0].events = POLLIN;
    break;
  case PX_DATA_CONNECTING:
    /* The side we connect is the one not yet accepted. */
    p[0].fd = d->passive ? d->sfd : d->cfd;
    p[0].events = POLLOUT;
    break;
  case PX_DATA_RELAY: {
    bool more = read_max(d) > 0;
    short ce = 0, se = 0;
    if (!d->c_eof && more && qc_buf_room(&d->c2s))
      ce |= POLLIN;
    if (qc_buf_len(&d->s2c))
      ce |= POLLOUT;
    if (!d->s_eof && more && qc_buf_room(&d->s2c))
      se |= POLLIN;
    if (qc_buf_len(&d->c2s))
      se |= POLLOUT;
    /* An fd with no interest stays out of poll, or a hang-up we cannot
     * act on yet would wake us in a loop. */
    p[0].fd = ce ? d->cfd : -1;
    p[0].events = ce;
    p[1].fd = se ? d->sfd : -1;
    p[1].events = se;
    return;
  }
  case PX_DATA_STATE_COUNT:
    return;
  }
  if (d->deadline < *next)
    *next = d->deadline;
}

static void on_accept(px_data *d)
{
  struct sockaddr_storage peer;
  int fd = px_net_accept(d->lfd, &peer);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      px_data_close(d, strerror(errno));
    return;
  }
  close_fd(&d->lfd); /* one connection per channel (RFC 959 3.2) */
  char a[64];
  px_addr_str(&peer, a, sizeof a);
  px_log(d->sid, "data%u open: %s connected from %s", d->n,
         d->passive ? "client" : "server", a);
  int c = px_net_connect(&d->target);
  if (d->passive) {
    d->cfd = fd;
    d->sfd = c;
  } else {
    d->sfd = fd;
    d->cfd = c;
  }
  if (c < 0) {
    px_data_close(d, "connect failed");
    return;
  }
  d->deadline = qc_deadline_in(PX_DATA_CONNECT_MS);
  set_state(d, PX_DATA_CONNECTING);
}

static void on_connected(px_data *d)
{
  int e = px_net_connect_result(d->passive ? d->sfd : d->cfd);
  if (e) {
    px_data_close(d, strerror(e));
    return;
  }
  px_log(d->sid, "data%u connected to %s", d->n,
         d->passive ? "server" : "client");
  qc_buf_init(&d->c2s, PX_DATA_BUF);
  qc_buf_init(&d->s2c, PX_DATA_BUF);
  const px_rule *f = d->fault;
  if (f && f->kind == PX_KIND_DATA_RESET && !f->bytes) {
    px_log(d->sid, "fault data_reset data%u: RST to client", d->n);
    px_net_reset(d->cfd);
    d->cfd = -1;
    px_data_close(d, "data_reset");
    return;
  }
  if (f && f->kind == PX_KIND_DATA_STALL && !f->bytes) {
    px_log(d->sid, "fault data_stall data%u: nothing forwarded", d->n);
    set_state(d, PX_DATA_STALLED);
    return;
  }
  set_state(d, PX_DATA_RELAY);
}

/* A failed side: the other one is reset too, so the failure shows. */
static void abort_relay(px_data *d, bool client_failed, int err)
{
  int *other = client_failed ? &d->sfd : &d->cfd;
  if (*other >= 0)
    px_net_reset(*other);
  *other = -1;
  char why[96];
  snprintf(why, sizeof why, "%s side: %s", client_failed ? "client" : "server",
           strerror(err));
  px_data_close(d, why);
}

/* Moves bytes one way: read `from` into b, write b to `to`. false when the
 * channel was closed. */
static bool pump(px_data *d, int from, short frev, qc_buf *b, int to,
                 short torev, bool *eof, bool from_client, uint64_t *count)
{
  if ((frev & (POLLIN | POLLHUP | POLLERR)) && !*eof) {
    ssize_t r = px_net_read_buf(b, from, read_max(d));
    if (r > 0)
      d->taken += (uint64_t)r;
    else if (r == 0)
      *eof = true;
    else if (r == -1) {
      abort_relay(d, from_client, errno);
      return false;
    }
  }
  if ((torev & (POLLOUT | POLLERR | POLLHUP)) || qc_buf_len(b)) {
    size_t before = qc_buf_len(b);
    ssize_t w = px_net_send_buf(b, to);
    if (w == -1) {
      abort_relay(d, !from_client, errno);
      return false;
    }
    *count += before - qc_buf_len(b);
  }
  return true;
}

static void relay(px_data *d, const struct pollfd p[PX_DATA_NFDS])
{
  short cr = p[0].fd >= 0 ? p[0].revents : 0;
  short sr = p[1].fd >= 0 ? p[1].revents : 0;
  if (!pump(d, d->cfd, cr, &d->c2s, d->sfd, sr, &d->c_eof, true, &d->n_c2s))
    return;
  if (!pump(d, d->sfd, sr, &d->s2c, d->cfd, cr, &d->s_eof, false, &d->n_s2c))
    return;
  bool flushed = qc_buf_len(&d->c2s) == 0 && qc_buf_len(&d->s2c) == 0;
  if (limited(d) && d->taken >= d->fault->bytes && flushed &&
      d->fault->kind == PX_KIND_DATA_RESET) {
    px_log(d->sid, "fault data_reset data%u: RST after %llu bytes", d->n,
           (unsigned long long)d->taken);
    px_net_reset(d->cfd);
    px_net_reset(d->sfd);
    d->cfd = d->sfd = -1;
    px_data_close(d, "data_reset");
    return;
  }
  if (limited(d) && d->taken >= d->fault->bytes && flushed &&
      d->fault->kind == PX_KIND_DATA_STALL) {
    px_log(d->sid, "fault data_stall data%u: nothing forwarded after %llu "
           "bytes", d->n, (unsigned long long)d->taken);
    set_state(d, PX_DATA_STALLED);
    return;
  }
  if (limited(d) && d->taken >= d->fault->bytes && flushed) {
    px_log(d->sid, "fault data_close data%u: FIN after %llu bytes", d->n,
           (unsigned long long)d->taken);
    shutdown(d->cfd, SHUT_WR);
    shutdown(d->sfd, SHUT_WR);
    px_data_close(d, "data_close");
    return;
  }
  /* A data connection carries one direction (RFC 959 3.3): once an end of
   * file has been passed on, the transfer is over. */
  if (flushed && (d->c_eof || d->s_eof))
    px_data_close(d, d->s_eof ? "server closed" : "client closed");
}

void px_data_step(px_data *d, const struct pollfd p[PX_DATA_NFDS], int64_t now)
{
  switch (d->state) {
  case PX_DATA_IDLE:
  case PX_DATA_STALLED:
    return;
  case PX_DATA_LISTENING:
    if (p[0].fd >= 0 && p[0].revents)
      on_accept(d);
    else if (now >= d->deadline)
      px_data_close(d, "nobody connected in time");
    return;
  case PX_DATA_CONNECTING:
    if (p[0].fd >= 0 && p[0].revents)
      on_connected(d);
    else if (now >= d->deadline)
      px_data_close(d, "connect timed out");
    return;
  case PX_DATA_RELAY:
    relay(d, p);
    return;
  case PX_DATA_STATE_COUNT:
    return;
  }
}
