#include "px_session.h"
#include "px_addr.h"
#include "qc_buf.h"
#include "px_frame.h"
#include "px_log.h"
#include "px_net.h"
#include "px_rules.h"
#include "qc_ftpcodes.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Switches over this enum have no default, so a new state is flagged. */
typedef enum px_sess_state {
  PX_SESS_CONNECTING, /* connecting to the server */
  PX_SESS_RELAY,      /* relaying the control channel */
  PX_SESS_CLOSING,    /* handing the last bytes to the client */
  PX_SESS_DONE,       /* all closed */
  PX_SESS_STATE_COUNT
} px_sess_state;

static const char *const state_names[PX_SESS_STATE_COUNT] = {
    [PX_SESS_CONNECTING] = "CONNECTING",
    [PX_SESS_RELAY] = "RELAY",
    [PX_SESS_CLOSING] = "CLOSING",
    [PX_SESS_DONE] = "DONE",
};

enum {
  PX_CIN_BUF = PX_CMD_MAX,
  PX_SOUT_BUF = 2 * PX_CMD_MAX,
  PX_SIN_BUF = PX_REPLY_MAX,
  PX_COUT_BUF = 2 * PX_REPLY_MAX,
  PX_SLACK = 160 /* room a rewritten line may need beyond the original */
};

struct px_session {
  unsigned id;
  px_sess_state state;
  int cfd, sfd;
  qc_buf cin, sout, sin, cout;
  bool c_eof, s_eof, s_shut;
  px_rules rules;
  px_counts counts;
  int delay_next_ms;  /* delay fault armed for the next reply; -1 none */
  int64_t hold_until; /* a reply is held until then; 0 none */
  /* A close/reset fault with after_ms: armed by its command, timed from
   * that command's final reply (idle_at), carried out in step(). */
  const px_rule *idle_drop;
  bool idle_armed;
  int64_t idle_at;
  int64_t deadline;   /* CONNECTING / CLOSING */
  unsigned ndata;     /* data channels set up so far */
  px_ports *ports;    /* where data listeners bind (the server's) */
  bool greeted;       /* the server's first reply (greeting) was handled */
  px_data data[PX_SESS_DATA];
};

/* The one place a session changes state, traced old -> new. */
static void set_state(px_session *s, px_sess_state st)
{
  if (s->state != st)
    px_log(s->id, "state %s -> %s", state_names[s->state], state_names[st]);
  s->state = st;
}

static void close_fd(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

static void finish(px_session *s, const char *why)
{
  if (s->state == PX_SESS_DONE)
    return;
  px_log(s->id, "session close (%s)", why);
  close_fd(&s->cfd);
  close_fd(&s->sfd);
  for (int i = 0; i < PX_SESS_DATA; i++)
    px_data_close(&s->data[i], "session closed");
  set_state(s, PX_SESS_DONE);
}

static void start_closing(px_session *s, const char *why)
{
  px_log(s->id, "closing (%s)", why);
  close_fd(&s->sfd);
  s->deadline = qc_deadline_in(PX_SESS_FLUSH_MS);
  set_state(s, PX_SESS_CLOSING);
}

px_session *px_session_new(unsigned sid, int cfd,
                           const struct sockaddr_storage *upstream,
                           const char *rules_path, px_ports *ports)
{
  px_session *s = calloc(1, sizeof *s);
  if (!s) {
    close(cfd);
    return NULL;
  }
  qc_buf_init(&s->cin, PX_CIN_BUF);
  qc_buf_init(&s->sout, PX_SOUT_BUF);
  qc_buf_init(&s->sin, PX_SIN_BUF);
  qc_buf_init(&s->cout, PX_COUT_BUF);
  s->id = sid;
  s->cfd = cfd;
  s->sfd = -1;
  s->delay_next_ms = -1;
  s->ports = ports;
  for (int i = 0; i < PX_SESS_DATA; i++)
    px_data_init(&s->data[i]);
  s->state = PX_SESS_CONNECTING;

  struct sockaddr_storage peer;
  char a[64] = "?";
  if (px_net_peer(cfd, &peer) == 0)
    px_addr_str(&peer, a, sizeof a);
  px_log(sid, "session open from %s", a);

  char err[512];
  if (px_rules_load(rules_path, &s->rules, err, sizeof err)) {
    /* A broken rules file must not pass as "no faults". */
    px_log(sid, "rules rejected: %s", err);
    static const char msg[] = "421 Proxy rules file invalid, session "
                              "refused.\r\n";
    qc_buf_add(&s->cout, msg, sizeof msg - 1);
    start_closing(s, "bad rules");
    return s;
  }
  px_log(sid, "rules: %zu fault(s)", s->rules.n);
  s->sfd = px_net_connect(upstream);
  if (s->sfd < 0) {
    px_log(sid, "upstream connect: %s", strerror(errno));
    static const char msg[] = "421 Proxy cannot reach the server.\r\n";
    qc_buf_add(&s->cout, msg, sizeof msg - 1);
    start_closing(s, "upstream unreachable");
    return s;
  }
  s->deadline = qc_deadline_in(PX_SESS_CONNECT_MS);
  return s;
}

bool px_session_done(const px_session *s)
{
  return s->state == PX_SESS_DONE;
}

void px_session_free(px_session *s)
{
  if (!s)
    return;
  finish(s, "freed");
  qc_buf_free(&s->cin);
  qc_buf_free(&s->sout);
  qc_buf_free(&s->sin);
  qc_buf_free(&s->cout);
  px_rules_free(&s->rules);
  free(s);
}

void px_session_prep(const px_session *s, struct pollfd *p, int64_t *next)
{
  for (int i = 0; i < PX_SESS_NFDS; i++) {
    p[i].fd = -1;
    p[i].events = 0;
    p[i].revents = 0;
  }
  short ce = 0, se = 0;
  switch (s->state) {
  case PX_SESS_CONNECTING:
    se = POLLOUT;
    if (!s->c_eof && qc_buf_room(&s->cin))
      ce = POLLIN;
    if (s->deadline < *next)
      *next = s->deadline;
    break;
  case PX_SESS_RELAY:
    if (!s->c_eof && qc_buf_room(&s->cin))
      ce |= POLLIN;
    if (qc_buf_len(&s->cout))
      ce |= POLLOUT;
    if (!s->s_eof && qc_buf_room(&s->sin) && !s->hold_until)
      se |= POLLIN;
    if (qc_buf_len(&s->sout))
      se |= POLLOUT;
    if (s->hold_until && s->hold_until < *next)
      *next = s->hold_until;
    if (s->idle_at && s->idle_at < *next)
      *next = s->idle_at;
    break;
  case PX_SESS_CLOSING:
    ce = POLLOUT;
    if (s->deadline < *next)
      *next = s->deadline;
    break;
  case PX_SESS_DONE:
  case PX_SESS_STATE_COUNT:
    return;
  }
  p[0].fd = ce ? s->cfd : -1;
  p[0].events = ce;
  p[1].fd = se ? s->sfd : -1;
  p[1].events = se;
  for (int i = 0; i < PX_SESS_DATA; i++)
    px_data_prep(&s->data[i], p + 2 + i * PX_DATA_NFDS, next);
}

/* A data channel the proxy cannot listen for fails: the client gets 425
 * (RFC 959 4.2.1: "Can't open data connection") in place of the 227/229
 * or as the answer to its PORT/EPRT, which is not forwarded. Relaying the
 * original instead would route the data around the proxy, past its
 * faults and outside its data ports. Writes the reply line to out. */
static void no_listener(px_session *s, unsigned n, int err, char *out,
                        size_t cap)
{
  char range[32];
  px_ports_str(s->ports, range, sizeof range);
  if (err == EADDRINUSE && px_ports_ranged(s->ports))
    px_log(s->id, "data%u: no free port in %s (every one in use): 425 to "
           "client", n, range);
  else
    px_log(s->id, "data%u: cannot listen (ports %s): %s: 425 to client", n,
           range, strerror(err));
  snprintf(out, cap, "425 Can't open data connection (proxy: %s).\r\n",
           err == EADDRINUSE ? "no free data port" : strerror(err));
}

/* A free data slot, or the oldest channel (lowest n) replaced. */
static px_data *data_slot(px_session *s)
{
  px_data *old = &s->data[0];
  for (int i = 0; i < PX_SESS_DATA; i++) {
    if (s->data[i].state == PX_DATA_IDLE)
      return &s->data[i];
    if (s->data[i].n < old->n)
      old = &s->data[i];
  }
  return old;
}

/* PORT h,p / EPRT |af|a|p| from the client (RFC 959 4.1.2, RFC 2428 2):
 * the server is sent our own listener instead, or the client 425 when
 * there is none (no_listener). false: pass it as it is. */
static bool rewrite_active(px_session *s, const char *verb, const char *line,
                           size_t len)
{
  size_t vl = strlen(verb);
  if (len <= vl + 1)
    return false;
  const char *arg = line + vl + 1;
  size_t al = len - vl - 1;
  while (al && (arg[al - 1] == '\r' || arg[al - 1] == '\n'))
    al--;
  struct sockaddr_storage client, local, offer;
  bool ok = strcmp(verb, "PORT") == 0 ? px_addr_parse_hp(arg, al, &client)
                                      : px_addr_parse_eprt(arg, al, &client);
  if (!ok || px_net_local(s->sfd, &local) < 0)
    return false;
  unsigned n = ++s->ndata;
  const px_rule *f = px_rules_on_data(&s->rules, n);
  if (px_data_active(data_slot(s), s->id, n, s->ports, &local, &client, f,
                     &offer)) {
    char out[192];
    no_listener(s, n, errno, out, sizeof out);
    return qc_buf_add(&s->cout, out, strlen(out)) == 0;
  }
  char a[128], out[192];
  if (strcmp(verb, "PORT") == 0 && px_addr_format_hp(&offer, a, sizeof a))
    snprintf(out, sizeof out, "PORT %s\r\n", a);
  else if (px_addr_format_eprt(&offer, a, sizeof a))
    snprintf(out, sizeof out, "EPRT %s\r\n", a);
  else
    return false;
  px_log(s->id, "to server: %.*s", (int)strlen(out) - 2, out);
  return qc_buf_add(&s->sout, out, strlen(out)) == 0;
}

/* Appends an injected reply: "\n"-joined lines become CRLF lines. */
static void inject_reply(px_session *s, const char *text)
{
  const char *p = text;
  for (;;) {
    const char *nl = strchr(p, '\n');
    size_t l = nl ? (size_t)(nl - p) : strlen(p);
    qc_buf_add(&s->cout, p, l);
    qc_buf_add(&s->cout, "\r\n", 2);
    if (!nl)
      return;
    p = nl + 1;
  }
}

/* A close or reset fault carried out: FIN or RST (the table's drop) to
 * the client, and the session ends. on: the command, or NULL when idle. */
static void drop_client(px_session *s, const px_rule *f, const char *on)
{
  px_fault_drop drop = px_fault_of(f->kind)->drop;
  const char *name = px_kind_name(f->kind);
  char why[64];
  if (on)
    px_log(s->id, "fault %s on %s: %s", name, on,
           drop == PX_DROP_RST ? "RST to client" : "FIN both sides");
  else
    px_log(s->id, "fault %s: %s to client, session idle", name,
           px_drop_name(drop));
  if (drop == PX_DROP_RST) {
    px_net_reset(s->cfd);
    s->cfd = -1;
  } else {
    shutdown(s->cfd, SHUT_RDWR);
  }
  snprintf(why, sizeof why, "fault %s%s", name, on ? "" : " (idle)");
  finish(s, why);
}

/* Handles whole commands in cin. Returns false when the session ended. */
static bool on_commands(px_session *s)
{
  for (;;) {
    size_t len;
    px_frame_rc rc =
        px_frame_command(qc_buf_data(&s->cin), qc_buf_len(&s->cin), &len);
    if (rc == PX_FRAME_MORE)
      return true;
    if (rc == PX_FRAME_ERR) {
      finish(s, "command line too long");
      return false;
    }
    /* Room first: a command is counted once, when it is acted on. */
    if (qc_buf_room(&s->sout) < len + PX_SLACK ||
        qc_buf_room(&s->cout) < PX_REPLY_TEXT_MAX + PX_SLACK)
      return true;
    char verb[PX_VERB_MAX];
    px_frame_verb(qc_buf_data(&s->cin), len, verb, sizeof verb);
    if (strcmp(verb, "PASS") == 0)
      px_log(s->id, "cmd PASS ****");
    else
      px_log(s->id, "cmd %.*s", (int)len, qc_buf_data(&s->cin));
    const px_rule *f = px_rules_on_command(&s->rules, &s->counts, verb);
    if (f) {
      switch (f->kind) {
      case PX_KIND_CLOSE:
      case PX_KIND_RESET:
        if (f->after_ms > 0) {
          px_log(s->id, "fault %s on %s: relayed; %s %d ms after its reply",
                 px_kind_name(f->kind), verb,
                 px_drop_name(px_fault_of(f->kind)->drop), f->after_ms);
          s->idle_drop = f;
          s->idle_armed = true;
          s->idle_at = 0;
          break;
        }
        drop_client(s, f, verb);
        return false;
      case PX_KIND_REPLY:
        px_log(s->id, "fault reply on %s (not forwarded): %s", verb, f->reply);
        inject_reply(s, f->reply);
        qc_buf_consume(&s->cin, len);
        continue;
      case PX_KIND_DELAY:
        px_log(s->id, "fault delay on %s: next reply held %d ms", verb,
               f->delay_ms);
        s->delay_next_ms = f->delay_ms;
        break;
      case PX_KIND_DATA_CLOSE:
      case PX_KIND_DATA_RESET:
      case PX_KIND_DATA_STALL:
      case PX_KIND_DATA_REFUSE:
      case PX_KIND_REWRITE_PASV:
      case PX_KIND_COUNT:
        break;
      }
    }
    bool active = strcmp(verb, "PORT") == 0 || strcmp(verb, "EPRT") == 0;
    if (!active || !rewrite_active(s, verb, qc_buf_data(&s->cin), len))
      qc_buf_add(&s->sout, qc_buf_data(&s->cin), len);
    qc_buf_consume(&s->cin, len);
  }
}

/* 227 / 229 (RFC 959 4.2.2, RFC 2428 3): the client is sent our listener,
 * or 425 when there is none (no_listener). Writes the new reply to out;
 * false: relay the original. */
static bool rewrite_passive(px_session *s, int code, const char *r, size_t len,
                            char *out, size_t cap)
{
  struct sockaddr_storage server, local, offer;
  if (px_net_peer(s->sfd, &server) < 0 || px_net_local(s->cfd, &local) < 0)
    return false;
  if (code == QC_FTP_PASSIVE) {
    struct sockaddr_storage given;
    if (!px_addr_parse_hp(r + 3, len - 3, &given))
      return false;
    /* A server behind NAT may name an address we cannot reach; 0.0.0.0
     * certainly is not one: then its control peer address is used. */
    if (((struct sockaddr_in *)&given)->sin_addr.s_addr != htonl(0))
      server = given;
    else
      px_addr_set_port(&server, px_addr_port(&given));
  } else {
    unsigned port;
    if (!px_addr_parse_229(r, len, &port))
      return false;
    px_addr_set_port(&server, port);
  }
  unsigned n = ++s->ndata;
  const px_rule *f = px_rules_on_data(&s->rules, n);
  if (px_data_passive(data_slot(s), s->id, n, s->ports, &local, &server, f,
                      &offer)) {
    no_listener(s, n, errno, out, cap);
    return true;
  }
  if (code == QC_FTP_EXT_PASSIVE) {
    snprintf(out, cap, "229 Entering Extended Passive Mode (|||%u|)\r\n",
             px_addr_port(&offer));
    return true;
  }
  const char *to = px_rules_pasv_address(&s->rules);
  if (to) {
    struct sockaddr_in *v4 = (struct sockaddr_in *)&offer;
    unsigned port = px_addr_port(&offer);
    memset(&offer, 0, sizeof offer);
    v4->sin_family = AF_INET;
    inet_pton(AF_INET, to, &v4->sin_addr);
    px_addr_set_port(&offer, port);
    px_log(s->id, "fault rewrite_pasv: 227 names %s", to);
  }
  char hp[64];
  if (!px_addr_format_hp(&offer, hp, sizeof hp))
    return false;
  snprintf(out, cap, "227 Entering Passive Mode (%s).\r\n", hp);
  return true;
}

/* Handles whole replies in sin. Returns false when the session ended. */
static bool on_replies(px_session *s, int64_t now)
{
  for (;;) {
    if (s->hold_until && now < s->hold_until)
      return true;
    size_t len;
    int code;
    px_frame_rc rc =
        px_frame_reply(qc_buf_data(&s->sin), qc_buf_len(&s->sin), &len, &code);
    if (rc == PX_FRAME_MORE)
      return true;
    if (rc == PX_FRAME_ERR) {
      finish(s, "server reply too long");
      return false;
    }
    if (s->delay_next_ms >= 0 && !s->hold_until) {
      s->hold_until = now + s->delay_next_ms;
      s->delay_next_ms = -1;
      px_log(s->id, "holding reply %d", code);
      continue;
    }
    if (qc_buf_room(&s->cout) < len + PX_SLACK ||
        (!s->greeted && qc_buf_room(&s->cout) < 2 * PX_REPLY_TEXT_MAX))
      return true;
    s->hold_until = 0;
    if (!s->greeted) {
      s->greeted = true;
      const px_rule *g =
          px_rules_on_command(&s->rules, &s->counts, PX_ON_GREETING);
      if (g && px_fault_of(g->kind)->greeting) {
        px_log(s->id, "fault reply on greeting (was %.*s): %s", (int)len,
               qc_buf_data(&s->sin), g->reply);
        inject_reply(s, g->reply);
        qc_buf_consume(&s->sin, len);
        continue;
      }
    }
    char out[192];
    const char *src = qc_buf_data(&s->sin);
    size_t n = len;
    if ((code == QC_FTP_PASSIVE || code == QC_FTP_EXT_PASSIVE) &&
        rewrite_passive(s, code, qc_buf_data(&s->sin), len, out, sizeof out)) {
      src = out;
      n = strlen(out);
      px_log(s->id, "reply %.*s (was %.*s)", (int)n, out, (int)len,
             qc_buf_data(&s->sin));
    } else {
      px_log(s->id, "reply %.*s", (int)len, qc_buf_data(&s->sin));
    }
    qc_buf_add(&s->cout, src, n);
    qc_buf_consume(&s->sin, len);
    if (s->idle_armed && code >= 200) { /* the armed command's final reply */
      s->idle_armed = false;
      s->idle_at = now + s->idle_drop->after_ms;
    }
  }
}

/* The idle drop, once its time has come and its reply has gone out. */
static bool idle_drop_due(px_session *s, int64_t now)
{
  if (!s->idle_at || now < s->idle_at || qc_buf_len(&s->cout))
    return false;
  drop_client(s, s->idle_drop, NULL);
  return true;
}

static void relay(px_session *s, const struct pollfd *p, int64_t now)
{
  short cr = p[0].fd >= 0 ? p[0].revents : 0;
  short sr = p[1].fd >= 0 ? p[1].revents : 0;
  if ((cr & (POLLIN | POLLHUP | POLLERR)) && !s->c_eof) {
    ssize_t r = px_net_read_buf(&s->cin, s->cfd, PX_CIN_BUF);
    if (r == 0)
      s->c_eof = true;
    if (r == -1) {
      finish(s, "client error");
      return;
    }
  }
  if (s->state == PX_SESS_RELAY && !on_commands(s))
    return;
  if ((sr & (POLLIN | POLLHUP | POLLERR)) && !s->s_eof) {
    ssize_t r = px_net_read_buf(&s->sin, s->sfd, PX_SIN_BUF);
    if (r == 0 || r == -1)
      s->s_eof = true;
  }
  if (!on_replies(s, now))
    return;
  if (qc_buf_len(&s->sout) && px_net_send_buf(&s->sout, s->sfd) == -1)
    s->s_eof = true; /* the server is gone; what it said still goes out */
  if (qc_buf_len(&s->cout) && px_net_send_buf(&s->cout, s->cfd) == -1) {
    finish(s, "client gone");
    return;
  }
  if (s->c_eof && !qc_buf_len(&s->sout) && !s->s_shut) {
    shutdown(s->sfd, SHUT_WR); /* pass the client's FIN on */
    s->s_shut = true;
  }
  if (s->s_eof && !s->hold_until) {
    size_t len;
    int code;
    if (qc_buf_len(&s->sin) &&
        px_frame_reply(qc_buf_data(&s->sin), qc_buf_len(&s->sin), &len,
                       &code) == PX_FRAME_MORE)
      qc_buf_add(&s->cout, qc_buf_data(&s->sin),
                 qc_buf_len(&s->sin)); /* a torn tail */
    qc_buf_consume(&s->sin, qc_buf_len(&s->sin));
    start_closing(s, "server closed");
    return;
  }
  if (s->c_eof && s->s_shut && s->s_eof)
    finish(s, "both closed");
}

void px_session_step(px_session *s, const struct pollfd *p, int64_t now)
{
  switch (s->state) {
  case PX_SESS_CONNECTING:
    if (p[1].fd >= 0 && p[1].revents) {
      int e = px_net_connect_result(s->sfd);
      if (e) {
        px_log(s->id, "upstream connect: %s", strerror(e));
        static const char msg[] = "421 Proxy cannot reach the server.\r\n";
        qc_buf_add(&s->cout, msg, sizeof msg - 1);
        start_closing(s, "upstream unreachable");
        return;
      }
      set_state(s, PX_SESS_RELAY);
      relay(s, p, now);
    } else if (now >= s->deadline) {
      static const char msg[] = "421 Proxy: server did not answer.\r\n";
      qc_buf_add(&s->cout, msg, sizeof msg - 1);
      start_closing(s, "upstream connect timed out");
    } else if (p[0].fd >= 0 && p[0].revents && !s->c_eof) {
      ssize_t r = px_net_read_buf(&s->cin, s->cfd, PX_CIN_BUF);
      if (r == 0 || r == -1)
        finish(s, "client left before the server answered");
    }
    break;
  case PX_SESS_RELAY:
    relay(s, p, now);
    if (s->state == PX_SESS_RELAY && idle_drop_due(s, now))
      return;
    break;
  case PX_SESS_CLOSING: {
    ssize_t w = px_net_send_buf(&s->cout, s->cfd);
    if (qc_buf_len(&s->cout) == 0 || w == -1 || now >= s->deadline)
      finish(s, qc_buf_len(&s->cout) ? "client not reading" : "flushed");
    break;
  }
  case PX_SESS_DONE:
  case PX_SESS_STATE_COUNT:
    return;
  }
  if (s->state == PX_SESS_DONE)
    return;
  for (int i = 0; i < PX_SESS_DATA; i++)
    px_data_step(&s->data[i], p + 2 + i * PX_DATA_NFDS, now);
}
