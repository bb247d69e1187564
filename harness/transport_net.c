/* transport_net: a serial port served over the network — RFC 2217
 * (Telnet COM-PORT-OPTION, ser2net's telnet(rfc2217) accepter, labgrid's
 * NetworkSerialPort) or raw TCP (ser2net's tcp accepter).
 *
 * The protocol is common/qc_telnet's; this file owns the socket, the bounded
 * connect and negotiation, and the state the server reports (modem and
 * line state, flow control suspend). A connection closed by the peer, or
 * reset, is the device going away: t->lost says so and a restart
 * reconnects. */
#include "transport.h"

#include "qc_io.h"
#include "qc_time.h"
#include "qc_telnet.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
  NET_CONNECT_MS = 5000,   /* TCP connect */
  NET_NEGOTIATE_MS = 5000, /* Telnet options, then the SET-* answers */
  NET_CONTROL_MS = 2000,   /* a SET-CONTROL's answer (DTR, RTS) */
  NET_RAW = 4096,
  NET_PEND = 4 * NET_RAW,
};

typedef struct net_priv {
  bool rfc2217;
  char host[128], port[8];
  qh_tty_opts opts;
  qc_tn_dec dec;
  qc_tn_neg neg;
  uint8_t raw[NET_RAW]; /* received, not yet decoded */
  size_t raw_off, raw_len;
  uint8_t pend[NET_PEND]; /* decoded payload not yet read */
  size_t pend_off, pend_len;
  /* What the server said (RFC 2217): answers to our SET-* commands, the
   * modem and line state it notifies, flow control it asks for. */
  unsigned ack_count[16];
  uint32_t ack_value[16];
  uint8_t modemstate, linestate;
  bool have_modemstate;
  bool suspended;
  unsigned long ignored_cmds;
} net_priv;

/* ---- socket ------------------------------------------------------------------- */

static void mark_lost(qh_transport *t, const char *why)
{
  if (!t->lost[0])
    snprintf(t->lost, sizeof t->lost, "%s: %s", t->target, why);
}

static void net_disconnect(qh_transport *t)
{
  if (t->fd >= 0)
    close(t->fd);
  t->fd = -1;
}

static int net_connect(qh_transport *t, char *err, size_t errlen)
{
  net_priv *p = t->priv;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo *ai = NULL;
  int g = getaddrinfo(p->host, p->port, &hints, &ai);
  if (g != 0) {
    snprintf(err, errlen, "%s: %s: %s", t->target, p->host, gai_strerror(g));
    return -1;
  }
  int64_t deadline = qc_deadline_in(NET_CONNECT_MS);
  int fd = -1, e = ETIMEDOUT;
  for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                a->ai_protocol);
    if (fd < 0) {
      e = errno;
      continue;
    }
    if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS) {
      e = errno;
      close(fd);
      fd = -1;
      continue;
    }
    struct pollfd pf = {.fd = fd, .events = POLLOUT};
    int pr;
    do
      pr = poll(&pf, 1, qc_remaining_ms(deadline));
    while (pr < 0 && errno == EINTR);
    int soerr = ETIMEDOUT;
    socklen_t sl = sizeof soerr;
    if (pr > 0)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr != 0) {
      e = soerr;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(ai);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot connect: %s", t->target, strerror(e));
    return -1;
  }
  /* AT commands are small and +++ has guard times: no Nagle delay. */
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  t->fd = fd;
  return 0;
}

static bool gone_errno(int e)
{
  return e == ECONNRESET || e == EPIPE || e == ENOTCONN || e == ETIMEDOUT ||
         e == EHOSTUNREACH || e == ENETUNREACH;
}

/* Reads raw bytes from the socket; a close by the peer marks the device
 * lost. */
static long sock_read(qh_transport *t, void *buf, size_t n, int64_t deadline)
{
  if (t->fd < 0)
    return 0;
  ssize_t r = qc_read_some(t->fd, buf, n, deadline);
  if (r == 0)
    mark_lost(t, "connection closed by peer");
  else if (r == QC_IO_ERR && gone_errno(errno)) {
    int e = errno;
    mark_lost(t, strerror(e));
    errno = e;
  }
  return (long)r;
}

static int sock_write(qh_transport *t, const void *buf, size_t n,
                      int64_t deadline)
{
  if (t->fd < 0) {
    errno = EPIPE;
    return QC_IO_ERR;
  }
  int r = qc_write_all(t->fd, buf, n, deadline);
  if (r == QC_IO_ERR && gone_errno(errno)) {
    int e = errno;
    mark_lost(t, e == EPIPE ? "connection closed by peer" : strerror(e));
    errno = e;
  }
  return r;
}

/* ---- RFC 2217 events ------------------------------------------------------------ */

static void on_comport(qh_transport *t, const qc_tn_event *ev)
{
  net_priv *p = t->priv;
  qc_cpo_msg m;
  if (qc_cpo_parse(ev, &m) < 0) {
    p->ignored_cmds++;
    return;
  }
  switch (m.cmd) {
  case QC_CPO_NOTIFY_MODEMSTATE:
    /* Recorded: a lost DCD or DSR is not fatal by itself (many adapters
     * do not wire them); the bytes decide. */
    p->modemstate = (uint8_t)m.value;
    p->have_modemstate = true;
    break;
  case QC_CPO_NOTIFY_LINESTATE:
    p->linestate = (uint8_t)m.value;
    break;
  case QC_CPO_FLOWCONTROL_SUSPEND:
    p->suspended = true;
    break;
  case QC_CPO_FLOWCONTROL_RESUME:
    p->suspended = false;
    break;
  default:
    if (m.cmd < 16) {
      p->ack_count[m.cmd]++;
      p->ack_value[m.cmd] = m.value;
    }
    break;
  }
}

static void on_event(qh_transport *t, const qc_tn_event *ev)
{
  net_priv *p = t->priv;
  uint8_t reply[3];
  switch (ev->kind) {
  case QC_TN_EV_VERB: {
    size_t k = qc_tn_neg_event(&p->neg, ev, reply);
    if (k)
      sock_write(t, reply, k, qc_deadline_in(1000));
    break;
  }
  case QC_TN_EV_SB:
    if (ev->opt == QC_TN_OPT_COMPORT)
      on_comport(t, ev);
    else
      p->ignored_cmds++; /* an option we refused: nothing to say */
    break;
  case QC_TN_EV_CMD:
    p->ignored_cmds++; /* NOP, GA, BRK...: not for a serial line */
    break;
  }
}

/* Decodes what is queued in raw while pend has room for it. */
static void decode_queued(qh_transport *t)
{
  net_priv *p = t->priv;
  if (p->pend_off && p->pend_off == p->pend_len)
    p->pend_off = p->pend_len = 0;
  while (p->raw_off < p->raw_len && NET_PEND - p->pend_len >= NET_RAW) {
    size_t outlen;
    bool got;
    qc_tn_event ev;
    size_t used = qc_tn_decode(&p->dec, p->raw + p->raw_off,
                               p->raw_len - p->raw_off,
                               p->pend + p->pend_len, &outlen, &ev, &got);
    p->raw_off += used;
    p->pend_len += outlen;
    if (got)
      on_event(t, &ev);
  }
}

/* Reads once from the socket and decodes: 1, or what sock_read said. */
static int pump(qh_transport *t, int64_t deadline)
{
  net_priv *p = t->priv;
  decode_queued(t);
  if (p->raw_off < p->raw_len)
    return 1; /* pend is full: read it first */
  long r = sock_read(t, p->raw, sizeof p->raw, deadline);
  if (r <= 0)
    return (int)r;
  p->raw_off = 0;
  p->raw_len = (size_t)r;
  decode_queued(t);
  return 1;
}

static long take_pend(net_priv *p, void *buf, size_t n)
{
  size_t k = p->pend_len - p->pend_off;
  if (k > n)
    k = n;
  memcpy(buf, p->pend + p->pend_off, k);
  p->pend_off += k;
  if (p->pend_off == p->pend_len)
    p->pend_off = p->pend_len = 0;
  return (long)k;
}

/* ---- ops ------------------------------------------------------------------- */

static long net_read(qh_transport *t, void *buf, size_t n, int64_t deadline)
{
  net_priv *p = t->priv;
  if (!p->rfc2217)
    return sock_read(t, buf, n, deadline);
  for (;;) {
    if (p->pend_len > p->pend_off)
      return take_pend(p, buf, n);
    int r = pump(t, deadline);
    if (r <= 0)
      return r;
  }
}

static int net_write(qh_transport *t, const void *buf, size_t n,
                     int64_t deadline)
{
  net_priv *p = t->priv;
  if (!p->rfc2217)
    return sock_write(t, buf, n, deadline);
  /* What the server said meanwhile (a FLOWCONTROL-SUSPEND among it) is
   * taken in without waiting. */
  if (pump(t, qc_now_ms()) == 0) {
    errno = EPIPE;
    return QC_IO_ERR;
  }
  /* FLOWCONTROL-SUSPEND: the server's buffer is full; wait for RESUME. */
  while (p->suspended) {
    if (qc_remaining_ms(deadline) <= 0)
      return QC_IO_TIMEOUT;
    int r = pump(t, deadline);
    if (r == 0) {
      errno = EPIPE;
      return QC_IO_ERR;
    }
    if (r < 0)
      return r;
  }
  const uint8_t *in = buf;
  uint8_t out[2 * NET_RAW];
  while (n > 0) {
    size_t used;
    size_t k = qc_tn_escape(in, n, out, sizeof out, &used);
    int r = sock_write(t, out, k, deadline);
    if (r != 0)
      return r;
    in += used;
    n -= used;
  }
  return 0;
}

/* Sends a COM-PORT command and waits for the server's answer to it. */
static int control(qh_transport *t, const uint8_t *msg, size_t len,
                   uint8_t cmd, int64_t deadline, char *err, size_t errlen)
{
  net_priv *p = t->priv;
  unsigned before = p->ack_count[cmd];
  if (sock_write(t, msg, len, deadline) != 0) {
    snprintf(err, errlen, "%s: cannot send a COM-PORT command: %s",
             t->target, t->lost[0] ? t->lost : strerror(errno));
    return -1;
  }
  while (p->ack_count[cmd] == before) {
    int r = pump(t, deadline);
    if (r == QC_IO_TIMEOUT || (r > 0 && qc_remaining_ms(deadline) <= 0)) {
      snprintf(err, errlen,
               "%s: no answer to COM-PORT command %u within %d ms", t->target,
               cmd, NET_NEGOTIATE_MS);
      return -1;
    }
    if (r <= 0) {
      snprintf(err, errlen, "%s: %s", t->target,
               t->lost[0] ? t->lost : strerror(errno));
      return -1;
    }
  }
  return 0;
}

static int net_set_line(qh_transport *t, const qh_tty_opts *o, char *err,
                        size_t errlen)
{
  net_priv *p = t->priv;
  if (!p->rfc2217) {
    snprintf(err, errlen, "%s: raw TCP has no line settings", t->target);
    return -1;
  }
  int64_t dl = qc_deadline_in(NET_NEGOTIATE_MS);
  uint8_t m[32];
  size_t k = qc_cpo_set_baud(m, sizeof m, (uint32_t)o->baud);
  if (control(t, m, k, QC_CPO_SET_BAUDRATE, dl, err, errlen) < 0)
    return -1;
  if (p->ack_value[QC_CPO_SET_BAUDRATE] != (uint32_t)o->baud)
    fprintf(stderr,
            "qftp-harness: warning: %s: asked for %d baud, the server says "
            "%u\n",
            t->target, o->baud, (unsigned)p->ack_value[QC_CPO_SET_BAUDRATE]);
  static const struct {
    uint8_t cmd, value;
  } line8n1[] = {{QC_CPO_SET_DATASIZE, 8},
                 {QC_CPO_SET_PARITY, QC_CPO_PARITY_NONE},
                 {QC_CPO_SET_STOPSIZE, QC_CPO_STOPSIZE_1}};
  for (size_t i = 0; i < sizeof line8n1 / sizeof line8n1[0]; i++) {
    k = qc_cpo_cmd8(m, sizeof m, line8n1[i].cmd, line8n1[i].value);
    if (control(t, m, k, line8n1[i].cmd, dl, err, errlen) < 0)
      return -1;
  }
  k = qc_cpo_cmd8(m, sizeof m, QC_CPO_SET_CONTROL,
                  o->rtscts ? QC_CPO_CONTROL_HWFLOW : QC_CPO_CONTROL_NOFLOW);
  if (control(t, m, k, QC_CPO_SET_CONTROL, dl, err, errlen) < 0)
    return -1;
  p->opts = *o;
  return 0;
}

static int net_set_modem(qh_transport *t, qh_modem_line line, bool up)
{
  net_priv *p = t->priv;
  if (!p->rfc2217) {
    errno = ENOTSUP; /* raw TCP carries bytes only */
    return -1;
  }
  uint8_t v = line == QH_LINE_DTR
                  ? (up ? QC_CPO_CONTROL_DTR_ON : QC_CPO_CONTROL_DTR_OFF)
                  : (up ? QC_CPO_CONTROL_RTS_ON : QC_CPO_CONTROL_RTS_OFF);
  uint8_t m[16];
  size_t k = qc_cpo_cmd8(m, sizeof m, QC_CPO_SET_CONTROL, v);
  char err[256];
  if (control(t, m, k, QC_CPO_SET_CONTROL, qc_deadline_in(NET_CONTROL_MS),
              err, sizeof err) < 0) {
    errno = t->lost[0] ? EPIPE : ETIMEDOUT;
    return -1;
  }
  return 0;
}

/* Telnet options, then the line: BINARY both ways (0xFF and CR pass as
 * they are) and COM-PORT-OPTION on our side; anything else is refused. */
static int negotiate(qh_transport *t, char *err, size_t errlen)
{
  net_priv *p = t->priv;
  uint8_t req[9];
  size_t k = 0;
  k += qc_tn_neg_ask_us(&p->neg, QC_TN_OPT_BINARY, req + k);
  k += qc_tn_neg_ask_him(&p->neg, QC_TN_OPT_BINARY, req + k);
  k += qc_tn_neg_ask_us(&p->neg, QC_TN_OPT_COMPORT, req + k);
  int64_t dl = qc_deadline_in(NET_NEGOTIATE_MS);
  if (sock_write(t, req, k, dl) != 0) {
    snprintf(err, errlen, "%s: %s", t->target,
             t->lost[0] ? t->lost : strerror(errno));
    return -1;
  }
  for (;;) {
    const qc_tn_neg *n = &p->neg;
    if (n->us_refused[QC_TN_OPT_COMPORT]) {
      snprintf(err, errlen,
               "%s: the server refused COM-PORT-OPTION (RFC 2217); is the "
               "port a telnet(rfc2217) accepter? (tcp:// for a raw one)",
               t->target);
      return -1;
    }
    if (n->us_refused[QC_TN_OPT_BINARY] || n->him_refused[QC_TN_OPT_BINARY]) {
      snprintf(err, errlen, "%s: the server refused Telnet BINARY",
               t->target);
      return -1;
    }
    if (n->us[QC_TN_OPT_COMPORT] == QC_TN_YES &&
        n->us[QC_TN_OPT_BINARY] == QC_TN_YES &&
        n->him[QC_TN_OPT_BINARY] == QC_TN_YES)
      break;
    int r = pump(t, dl);
    if (r == QC_IO_TIMEOUT || (r > 0 && qc_remaining_ms(dl) <= 0)) {
      snprintf(err, errlen,
               "%s: no Telnet COM-PORT-OPTION negotiation within %d ms (not "
               "an RFC 2217 server?)",
               t->target, NET_NEGOTIATE_MS);
      return -1;
    }
    if (r <= 0) {
      snprintf(err, errlen, "%s: during negotiation: %s", t->target,
               t->lost[0] ? t->lost : strerror(errno));
      return -1;
    }
  }
  if (net_set_line(t, &p->opts, err, errlen) < 0)
    return -1;
  /* DTR and RTS up without waiting for the answer: a server whose port
   * has no modem lines (ser2net on a pty) does not answer, and the line
   * works without them. A dtr step does wait (net_set_modem). */
  uint8_t m[32];
  size_t k1 = qc_cpo_cmd8(m, sizeof m, QC_CPO_SET_CONTROL,
                          p->opts.dtr ? QC_CPO_CONTROL_DTR_ON
                                      : QC_CPO_CONTROL_DTR_OFF);
  size_t k2 = qc_cpo_cmd8(m + k1, sizeof m - k1, QC_CPO_SET_CONTROL,
                          QC_CPO_CONTROL_RTS_ON);
  if (sock_write(t, m, k1 + k2, qc_deadline_in(NET_CONTROL_MS)) != 0) {
    snprintf(err, errlen, "%s: %s", t->target,
             t->lost[0] ? t->lost : strerror(errno));
    return -1;
  }
  return 0;
}

static int net_open(qh_transport *t, char *err, size_t errlen)
{
  net_priv *p = t->priv;
  qc_tn_dec_init(&p->dec);
  qc_tn_neg_init(&p->neg);
  p->raw_off = p->raw_len = p->pend_off = p->pend_len = 0;
  p->suspended = false;
  t->lost[0] = '\0';
  if (net_connect(t, err, errlen) < 0)
    return -1;
  if (p->rfc2217 && negotiate(t, err, errlen) < 0) {
    net_disconnect(t);
    t->lost[0] = '\0';
    return -1;
  }
  return 0;
}

static bool net_alive(qh_transport *t, char *why, size_t len)
{
  if (t->lost[0]) {
    snprintf(why, len, "%s", t->lost);
    return false;
  }
  if (t->fd < 0) {
    snprintf(why, len, "%s: not connected", t->target);
    return false;
  }
  /* Never blocks, never consumes: an error or a hang-up is visible. */
  struct pollfd pf = {.fd = t->fd, .events = POLLRDHUP};
  if (poll(&pf, 1, 0) > 0 && (pf.revents & (POLLERR | POLLHUP | POLLRDHUP))) {
    mark_lost(t, "connection closed by peer");
    snprintf(why, len, "%s: connection closed", t->target);
    return false;
  }
  return true;
}

static int net_restart(qh_transport *t, char *err, size_t errlen)
{
  net_disconnect(t);
  return net_open(t, err, errlen);
}

static void net_close(qh_transport *t)
{
  net_disconnect(t);
  free(t->priv);
  free(t);
}

static const qh_transport_ops net_ops = {
    .read = net_read,
    .write = net_write,
    .set_modem = net_set_modem,
    .set_line = net_set_line,
    .alive = net_alive,
    .restart = net_restart,
    .close = net_close,
};

/* "HOST:PORT" or "[V6]:PORT" into p. */
static int parse_hostport(const char *s, net_priv *p)
{
  const char *colon;
  if (*s == '[') {
    const char *end = strchr(s, ']');
    if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof p->host)
      return -1;
    snprintf(p->host, sizeof p->host, "%.*s", (int)(end - s - 1), s + 1);
    colon = end + 1;
  } else {
    colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof p->host)
      return -1;
    snprintf(p->host, sizeof p->host, "%.*s", (int)(colon - s), s);
  }
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || end == colon + 1 || port < 1 || port > 65535)
    return -1;
  snprintf(p->port, sizeof p->port, "%ld", port);
  return 0;
}

qh_transport *qh_transport_net_new(const char *url, const qh_tty_opts *o,
                                   char *err, size_t errlen)
{
  bool rfc = strncmp(url, "rfc2217://", 10) == 0;
  const char *rest = url + (rfc ? 10 : 6);
  qh_transport *t = calloc(1, sizeof *t);
  net_priv *p = calloc(1, sizeof *p);
  if (!t || !p) {
    free(t);
    free(p);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (parse_hostport(rest, p) < 0) {
    snprintf(err, errlen, "%s: expected %s://HOST:PORT", url,
             rfc ? "rfc2217" : "tcp");
    free(t);
    free(p);
    return NULL;
  }
  p->rfc2217 = rfc;
  p->opts = *o;
  t->ops = &net_ops;
  t->fd = -1;
  t->priv = p;
  t->caps = rfc ? QH_CAP_MODEM | QH_CAP_LINE : 0;
  snprintf(t->target, sizeof t->target, "%s", url);
  if (rfc)
    snprintf(t->desc, sizeof t->desc, "%s (RFC 2217) @%d%s", url, o->baud,
             o->rtscts ? " rts/cts" : "");
  else
    snprintf(t->desc, sizeof t->desc, "%s (raw TCP)", url);
  if (net_open(t, err, errlen) < 0) {
    free(p);
    free(t);
    return NULL;
  }
  return t;
}
