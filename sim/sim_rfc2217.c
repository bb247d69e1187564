/* sim_rfc2217: RFC 2217 server in front of the simulator's pty. */
#include "sim_rfc2217.h"

#include "qc_buf.h"
#include "qc_io.h"
#include "qc_telnet.h"
#include "sim_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

enum {
  RAW_READ = 4096,            /* one read of the socket or the line */
  TO_LINE_MAX = 4 * RAW_READ, /* decoded payload the line has not taken */
  TO_SOCK_HIGH = 64 * 1024,   /* above it the line is not read */
  TO_SOCK_MAX = 1024 * 1024,  /* a client this far behind is dropped */
};

static const char busy_line[] =
    "qftp-sim: the AT port already has a client; try again later\r\n";
static const char signature[] = "qftp-sim";

/* SET-CONTROL (RFC 2217): its values fall in groups of one setting each,
 * with one value that asks for the setting and the ones that set it. */
typedef enum { CT_OUTFLOW, CT_BREAK, CT_DTR, CT_RTS, CT_INFLOW, CT_N } ct_group;

typedef struct {
  ct_group group;
  bool ask;
} ct_value;

static const ct_value ct_values[] = {
    [0] = {CT_OUTFLOW, true},   [1] = {CT_OUTFLOW, false},
    [2] = {CT_OUTFLOW, false},  [3] = {CT_OUTFLOW, false},
    [4] = {CT_BREAK, true},     [5] = {CT_BREAK, false},
    [6] = {CT_BREAK, false},    [7] = {CT_DTR, true},
    [8] = {CT_DTR, false},      [9] = {CT_DTR, false},
    [10] = {CT_RTS, true},      [11] = {CT_RTS, false},
    [12] = {CT_RTS, false},     [13] = {CT_INFLOW, true},
    [14] = {CT_INFLOW, false},  [15] = {CT_INFLOW, false},
    [16] = {CT_INFLOW, false},  [17] = {CT_OUTFLOW, false}, /* DCD flow */
    [18] = {CT_INFLOW, false},                              /* DTR flow */
    [19] = {CT_OUTFLOW, false},                             /* DSR flow */
};

/* Power-on values: no flow control, no break, DTR and RTS off until the
 * client raises them. */
static const uint8_t ct_initial[CT_N] = {
    [CT_OUTFLOW] = 1, [CT_BREAK] = 6,   [CT_DTR] = 9,
    [CT_RTS] = 12,    [CT_INFLOW] = 14,
};

/* SET-DATASIZE, -PARITY, -STOPSIZE: the values a serial port takes. A
 * value outside them is answered with the one in effect (RFC 2217: the
 * answer is what the port really uses). */
typedef struct {
  uint8_t cmd, lo, hi, initial;
} line_row;

static const line_row line_rows[] = {
    {QC_CPO_SET_DATASIZE, 5, 8, 8},
    {QC_CPO_SET_PARITY, QC_CPO_PARITY_NONE, QC_CPO_PARITY_SPACE,
     QC_CPO_PARITY_NONE},
    {QC_CPO_SET_STOPSIZE, QC_CPO_STOPSIZE_1, QC_CPO_STOPSIZE_15,
     QC_CPO_STOPSIZE_1},
};
enum { LINE_ROWS = sizeof line_rows / sizeof line_rows[0] };

struct sim_rfc2217 {
  sim_rfc2217_cfg cfg;
  int lfd; /* listening socket */
  int cfd; /* the client, or -1 */
  int port;
  qc_tn_dec dec;
  qc_tn_neg neg;
  qc_buf to_sock; /* escaped payload and Telnet replies for the client */
  qc_buf to_line; /* the client's payload for the module */
  bool suspended; /* the client said FLOWCONTROL-SUSPEND */
  bool last_cr;   /* the last payload byte was CR (RFC 854 CR NUL) */
  uint32_t baud;
  uint8_t line[LINE_ROWS];
  uint8_t ctl[CT_N];
  uint8_t masks[2];      /* SET-LINESTATE-MASK, SET-MODEMSTATE-MASK */
  unsigned long ignored; /* commands and options we do not act on */
};

/* ---- the client's socket ----------------------------------------------------
 */

static void flush_line(sim_rfc2217 *s);

static void set_dtr(sim_rfc2217 *s, bool up)
{
  bool was = s->ctl[CT_DTR] == QC_CPO_CONTROL_DTR_ON;
  s->ctl[CT_DTR] = up ? QC_CPO_CONTROL_DTR_ON : QC_CPO_CONTROL_DTR_OFF;
  if (was == up)
    return;
  sim_trace("rfc2217: DTR %s", up ? "on" : "off");
  /* The payload sent before the change reaches the line first (the hook
   * lets the module read it before it acts). */
  flush_line(s);
  if (s->cfg.on_dtr)
    s->cfg.on_dtr(s->cfg.ctx, up);
}

static void reset_session(sim_rfc2217 *s)
{
  qc_tn_dec_init(&s->dec);
  qc_tn_neg_init(&s->neg);
  qc_buf_reset(&s->to_sock);
  qc_buf_reset(&s->to_line);
  s->suspended = false;
  s->last_cr = false;
  s->baud = 115200;
  for (size_t i = 0; i < LINE_ROWS; i++)
    s->line[i] = line_rows[i].initial;
  memcpy(s->ctl, ct_initial, sizeof s->ctl);
  s->masks[0] = s->masks[1] = 0;
}

static void drop_client(sim_rfc2217 *s, const char *why)
{
  if (s->cfd < 0)
    return;
  sim_log("rfc2217: client gone (%s)", why);
  close(s->cfd);
  s->cfd = -1;
  /* A closed serial port drops DTR (HUPCL): the module sees it go. */
  set_dtr(s, false);
  reset_session(s);
}

static void sock_add(sim_rfc2217 *s, const void *b, size_t n)
{
  if (qc_buf_add(&s->to_sock, b, n) < 0)
    drop_client(s, "it reads nothing while we have 1 MiB for it");
}

static void flush_sock(sim_rfc2217 *s)
{
  while (s->cfd >= 0 && qc_buf_len(&s->to_sock) > 0) {
    ssize_t w = send(s->cfd, qc_buf_data(&s->to_sock), qc_buf_len(&s->to_sock),
                     MSG_NOSIGNAL);
    if (w > 0) {
      qc_buf_consume(&s->to_sock, (size_t)w);
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    drop_client(s, w < 0 ? strerror(errno) : "write failed");
  }
}

/* ---- COM-PORT-OPTION commands
 * ------------------------------------------------ */

static void answer8(sim_rfc2217 *s, uint8_t cmd, uint8_t value)
{
  uint8_t m[16];
  size_t k = qc_cpo_cmd8(m, sizeof m, (uint8_t)(cmd + QC_CPO_SERVER), value);
  sock_add(s, m, k);
}

static void on_set_control(sim_rfc2217 *s, uint8_t v)
{
  if (v >= sizeof ct_values / sizeof ct_values[0]) {
    s->ignored++; /* no such value: nothing to answer */
    return;
  }
  const ct_value *c = &ct_values[v];
  if (!c->ask) {
    if (c->group == CT_DTR)
      set_dtr(s, v == QC_CPO_CONTROL_DTR_ON);
    else
      s->ctl[c->group] = v;
  }
  answer8(s, QC_CPO_SET_CONTROL, s->ctl[c->group]);
}

static void on_line_setting(sim_rfc2217 *s, uint8_t cmd, uint8_t v)
{
  for (size_t i = 0; i < LINE_ROWS; i++) {
    if (line_rows[i].cmd != cmd)
      continue;
    if (v >= line_rows[i].lo && v <= line_rows[i].hi)
      s->line[i] = v; /* 0 asks: the current one is the answer */
    answer8(s, cmd, s->line[i]);
    return;
  }
}

static void on_purge(sim_rfc2217 *s, uint8_t v, int line_fd)
{
  /* 1: what the port received (the module's output not yet relayed),
   * 2: what it is to transmit (the client's payload not yet written). */
  if (v == 1 || v == 3)
    tcflush(line_fd, TCIFLUSH);
  if (v == 2 || v == 3) {
    qc_buf_reset(&s->to_line);
    tcflush(line_fd, TCOFLUSH);
  }
  if (v >= 1 && v <= 3)
    answer8(s, QC_CPO_PURGE_DATA, v);
  else
    s->ignored++;
}

static void on_comport(sim_rfc2217 *s, const qc_tn_event *ev)
{
  qc_cpo_msg m;
  /* RFC 2217: commands count only once the client said WILL. */
  if (s->neg.him[QC_TN_OPT_COMPORT] != QC_TN_YES ||
      qc_cpo_parse_client(ev, &m) < 0) {
    s->ignored++;
    return;
  }
  uint8_t v = (uint8_t)m.value;
  uint8_t out[32];
  size_t k;
  switch (m.cmd) {
  case QC_CPO_SIGNATURE:
    if (ev->len == 1) { /* asked for ours; a text is the client's own */
      uint8_t d[sizeof signature];
      d[0] = QC_CPO_SERVER + QC_CPO_SIGNATURE;
      memcpy(d + 1, signature, sizeof signature - 1);
      k = qc_tn_subneg(out, sizeof out, QC_TN_OPT_COMPORT, d, sizeof d);
      sock_add(s, out, k);
    }
    return;
  case QC_CPO_SET_BAUDRATE:
    if (m.value) /* a pty has no speed: any rate is the rate */
      s->baud = m.value;
    k = qc_cpo_cmd32(out, sizeof out, QC_CPO_SET_BAUDRATE + QC_CPO_SERVER,
                     s->baud);
    sock_add(s, out, k);
    return;
  case QC_CPO_SET_DATASIZE:
  case QC_CPO_SET_PARITY:
  case QC_CPO_SET_STOPSIZE:
    on_line_setting(s, m.cmd, v);
    return;
  case QC_CPO_SET_CONTROL:
    on_set_control(s, v);
    return;
  case QC_CPO_FLOWCONTROL_SUSPEND:
  case QC_CPO_FLOWCONTROL_RESUME:
    s->suspended = m.cmd == QC_CPO_FLOWCONTROL_SUSPEND;
    return;
  case QC_CPO_SET_LINESTATE_MASK:
  case QC_CPO_SET_MODEMSTATE_MASK:
    s->masks[m.cmd - QC_CPO_SET_LINESTATE_MASK] = v;
    answer8(s, m.cmd, v);
    return;
  case QC_CPO_PURGE_DATA:
    on_purge(s, v, s->cfg.line_fd);
    return;
  case QC_CPO_NOTIFY_LINESTATE:
  case QC_CPO_NOTIFY_MODEMSTATE:
    s->ignored++; /* the server's to send, not the client's */
    return;
  }
  s->ignored++;
}

static void on_event(sim_rfc2217 *s, const qc_tn_event *ev)
{
  uint8_t reply[3];
  switch (ev->kind) {
  case QC_TN_EV_VERB: {
    size_t k = qc_tn_neg_event(&s->neg, ev, reply);
    if (k)
      sock_add(s, reply, k);
    return;
  }
  case QC_TN_EV_SB:
    if (ev->opt == QC_TN_OPT_COMPORT)
      on_comport(s, ev);
    else
      s->ignored++;
    return;
  case QC_TN_EV_CMD:
    s->ignored++; /* NOP, BRK, AYT...: a pty has no break to send */
    return;
  }
}

/* Payload for the module. Without BINARY from the client, RFC 854's CR
 * NUL is a bare CR: the NUL goes. */
static void line_add(sim_rfc2217 *s, const uint8_t *b, size_t n)
{
  bool binary = s->neg.him[QC_TN_OPT_BINARY] == QC_TN_YES;
  char *dst = qc_buf_space(&s->to_line, n);
  if (!dst)
    return; /* cannot happen: reads are bounded by the room left */
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!binary && s->last_cr && b[i] == 0) {
      s->last_cr = false;
      continue;
    }
    s->last_cr = b[i] == '\r';
    dst[k++] = (char)b[i];
  }
  qc_buf_commit(&s->to_line, k);
}

static bool can_read_sock(const sim_rfc2217 *s)
{
  return s->cfd >= 0 && qc_buf_len(&s->to_line) + RAW_READ <= TO_LINE_MAX &&
         qc_buf_len(&s->to_sock) < TO_SOCK_HIGH;
}

static void read_sock(sim_rfc2217 *s)
{
  uint8_t raw[RAW_READ], out[RAW_READ];
  ssize_t r = recv(s->cfd, raw, sizeof raw, 0);
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (r <= 0) {
    drop_client(s, r == 0 ? "closed" : strerror(errno));
    return;
  }
  size_t off = 0;
  while (off < (size_t)r && s->cfd >= 0) {
    size_t outlen;
    bool got;
    qc_tn_event ev;
    off += qc_tn_decode(&s->dec, raw + off, (size_t)r - off, out, &outlen, &ev,
                        &got);
    line_add(s, out, outlen);
    if (got)
      on_event(s, &ev);
  }
}

/* ---- the line
 * ------------------------------------------------------------------ */

static bool can_read_line(const sim_rfc2217 *s)
{
  if (s->cfd < 0)
    return true; /* nobody listens: read and drop */
  return !s->suspended && qc_buf_len(&s->to_sock) < TO_SOCK_HIGH;
}

static void read_line(sim_rfc2217 *s)
{
  char in[RAW_READ];
  ssize_t r = read(s->cfg.line_fd, in, sizeof in);
  if (r <= 0 || s->cfd < 0)
    return;
  uint8_t *dst = (uint8_t *)qc_buf_space(&s->to_sock, 2 * (size_t)r);
  if (!dst) {
    drop_client(s, "it reads nothing while we have 1 MiB for it");
    return;
  }
  size_t used;
  size_t k =
      qc_tn_escape((const uint8_t *)in, (size_t)r, dst, 2 * (size_t)r, &used);
  qc_buf_commit(&s->to_sock, k);
}

static void flush_line(sim_rfc2217 *s)
{
  while (qc_buf_len(&s->to_line) > 0) {
    ssize_t w = write(s->cfg.line_fd, qc_buf_data(&s->to_line),
                      qc_buf_len(&s->to_line));
    if (w > 0) {
      qc_buf_consume(&s->to_line, (size_t)w);
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      sim_log("rfc2217: line write: %s; %zu bytes lost", strerror(errno),
              qc_buf_len(&s->to_line));
      qc_buf_reset(&s->to_line);
    }
    return;
  }
}

/* ---- lifecycle
 * ------------------------------------------------------------------ */

int sim_rfc2217_adopt(sim_rfc2217 *s, int fd)
{
  if (s->cfd >= 0) {
    /* Best effort: one short line into an empty socket buffer. */
    if (send(fd, busy_line, sizeof busy_line - 1, MSG_NOSIGNAL | MSG_DONTWAIT) <
        0)
      sim_trace("rfc2217: notice to a second client: %s", strerror(errno));
    close(fd);
    sim_log("rfc2217: a second client refused");
    return -1;
  }
  qc_set_nonblock(fd, 1);
  qc_set_cloexec(fd);
  /* AT commands are small and "+++" has guard times: no Nagle delay
   * (fails harmlessly on a socketpair). */
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  reset_session(s);
  s->cfd = fd;
  /* What a ser2net telnet(rfc2217) accepter offers: 8-bit clean both
   * ways, no go-aheads, and the COM port option on the client's side. */
  uint8_t req[15];
  size_t k = 0;
  k += qc_tn_neg_ask_us(&s->neg, QC_TN_OPT_BINARY, req + k);
  k += qc_tn_neg_ask_him(&s->neg, QC_TN_OPT_BINARY, req + k);
  k += qc_tn_neg_ask_us(&s->neg, QC_TN_OPT_SGA, req + k);
  k += qc_tn_neg_ask_him(&s->neg, QC_TN_OPT_SGA, req + k);
  k += qc_tn_neg_ask_him(&s->neg, QC_TN_OPT_COMPORT, req + k);
  sock_add(s, req, k);
  flush_sock(s);
  sim_log("rfc2217: client connected");
  return 0;
}

static void on_accept(sim_rfc2217 *s)
{
  int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      sim_log("rfc2217: accept: %s", strerror(errno));
    return;
  }
  sim_rfc2217_adopt(s, fd);
}

static int listen_on(const char *addr, int port, int *bound, char *err,
                     size_t errlen)
{
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sl;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    sl = sizeof *v4;
  } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    sl = sizeof *v6;
  } else {
    snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", addr);
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, errlen, "socket: %s", strerror(errno));
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 4) != 0) {
    snprintf(err, errlen, "%s port %d: %s", addr, port, strerror(errno));
    close(fd);
    return -1;
  }
  sl = sizeof ss;
  getsockname(fd, (struct sockaddr *)&ss, &sl);
  *bound = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  return fd;
}

sim_rfc2217 *sim_rfc2217_new(const sim_rfc2217_cfg *cfg, char *err,
                             size_t errlen)
{
  if (cfg->port < 0 || cfg->port > 65535) {
    snprintf(err, errlen, "port %d: wants 0..65535", cfg->port);
    return NULL;
  }
  sim_rfc2217 *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  s->cfg = *cfg;
  s->cfd = -1;
  qc_buf_init(&s->to_sock, TO_SOCK_MAX);
  qc_buf_init(&s->to_line, TO_LINE_MAX);
  reset_session(s);
  s->lfd = listen_on(cfg->addr, cfg->port, &s->port, err, errlen);
  if (s->lfd < 0 || qc_set_nonblock(cfg->line_fd, 1) != 0) {
    if (s->lfd >= 0)
      snprintf(err, errlen, "line: O_NONBLOCK: %s", strerror(errno));
    sim_rfc2217_free(s);
    return NULL;
  }
  return s;
}

void sim_rfc2217_free(sim_rfc2217 *s)
{
  if (!s)
    return;
  if (s->cfd >= 0) {
    flush_sock(s); /* what is queued, if the socket takes it now */
    close(s->cfd);
  }
  if (s->lfd >= 0)
    close(s->lfd);
  qc_buf_free(&s->to_sock);
  qc_buf_free(&s->to_line);
  free(s);
}

int sim_rfc2217_port(const sim_rfc2217 *s)
{
  return s->port;
}

bool sim_rfc2217_connected(const sim_rfc2217 *s)
{
  return s->cfd >= 0;
}

bool sim_rfc2217_dtr(const sim_rfc2217 *s)
{
  return s->ctl[CT_DTR] == QC_CPO_CONTROL_DTR_ON;
}

void sim_rfc2217_poll_fds(const sim_rfc2217 *s, struct pollfd *p)
{
  p[0] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
  p[1] = (struct pollfd){.fd = s->cfd};
  if (s->cfd >= 0)
    p[1].events = (short)((can_read_sock(s) ? POLLIN : 0) |
                          (qc_buf_len(&s->to_sock) ? POLLOUT : 0));
  p[2] = (struct pollfd){.fd = s->cfg.line_fd,
                         .events =
                             (short)((can_read_line(s) ? POLLIN : 0) |
                                     (qc_buf_len(&s->to_line) ? POLLOUT : 0))};
  for (int i = 1; i < SIM_RFC2217_NFDS; i++)
    if (!p[i].events)
      p[i].fd = -1;
}

void sim_rfc2217_on_poll(sim_rfc2217 *s, const struct pollfd *p)
{
  if (p[1].fd >= 0 && p[1].fd == s->cfd) {
    short re = p[1].revents;
    if (re & POLLOUT)
      flush_sock(s);
    if ((re & POLLIN) && s->cfd >= 0 && can_read_sock(s))
      read_sock(s);
    else if (re & (POLLERR | POLLHUP))
      drop_client(s, "connection reset");
  }
  if (p[2].fd >= 0) {
    if (p[2].revents & POLLOUT)
      flush_line(s);
    if ((p[2].revents & POLLIN) && can_read_line(s))
      read_line(s);
  }
  /* What the events above queued goes out now, not a poll round later. */
  flush_line(s);
  flush_sock(s);
  if (p[0].revents & POLLIN)
    on_accept(s);
}
