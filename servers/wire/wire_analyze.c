/* wire_analyze: pcap -> control sessions and data connections.
 *
 * Each TCP connection gets a role: data when its receiving port was
 * announced by a 227/229 reply or a PORT/EPRT command of a control session
 * seen before it (RFC 959 4.1.2, RFC 2428), whatever it carries; control
 * by the server port when it is given, else by what it carries (a 220
 * greeting, a first command, or a ClientHello to a port nobody announced:
 * implicit FTPS); under TLS, whose announcements cannot be read, a new
 * connection between a TLS session's hosts not to its control port is its
 * data; anything else is other. Each direction is sniffed once for TLS: at its start, and again
 * on the control connection after "234" answers AUTH (RFC 4217 4). Under
 * TLS no FTP line can be read; only the hellos' versions are (offered by
 * the ClientHello, chosen by the ServerHello). */
#include "wire_analyze.h"
#include "qc_ftpcodes.h"
#include "qc_grow.h"
#include "qc_reply.h"
#include "wire_ftp.h"
#include "wire_pkt.h"
#include "wire_reasm.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum conn_role { ROLE_UNKNOWN, ROLE_CONTROL, ROLE_DATA, ROLE_OTHER }
    conn_role;
static const char *const role_names[] = {"unknown", "control", "data",
                                         "other"};

typedef enum sniff_state { SNIFF_PENDING, SNIFF_PLAIN, SNIFF_TLS }
    sniff_state;

typedef struct announce {
  wire_endpoint ep; /* family 0: port only (EPSV) */
  bool passive;
} announce;

/* Per TCP connection, hung on wire_conn.user. */
typedef struct cstate {
  conn_role role;
  int idx;  /* index into sessions or data */
  int mdir; /* direction the module (FTP client) sends in */
  bool after_auth;
  sniff_state sn[2];
  uint8_t pre[2][3];
  size_t npre[2];
  uint8_t *hello[2]; /* ClientHello accumulator while parsing */
  size_t nhello[2];
  bool hello_done[2];
  wire_ftp_lines lines[2];
  wire_ftp_reply reply;
  bool auth_pending;
  announce *ann; /* control: data ports announced */
  size_t nann;
} cstate;

typedef struct actx {
  wire_analysis *a;
  wire_reasm *r;
  int ctrl_port;
  double t0;
  bool failed; /* out of memory */
  size_t cap_sessions, cap_data, cap_events, cap_notes, cap_plain;
} actx;

static void role_set(cstate *s, conn_role to, unsigned conn)
{
  if (getenv("QFTP_WIRE_TRACE"))
    fprintf(stderr, "wire: connection %u [%s] -> [%s]\n", conn,
            role_names[s->role], role_names[to]);
  s->role = to;
}

/* Grows *p (element size sz) to hold n + 1 elements; false on failure. */
static bool grow(actx *x, void **p, size_t *cap, size_t n, size_t sz)
{
  if (qc_grow(p, cap, n + 1, sz, 0) == 0)
    return true;
  x->failed = true;
  return false;
}

static char *xstrdup(actx *x, const char *s)
{
  char *d = strdup(s);
  if (!d)
    x->failed = true;
  return d;
}

static void add_event(actx *x, double ts, wire_event_kind k, unsigned conn,
                      bool from_client, const char *text)
{
  wire_analysis *a = x->a;
  if (a->nevents >= WIRE_EVENTS_MAX) {
    a->events_truncated = true;
    return;
  }
  if (!grow(x, (void **)&a->events, &x->cap_events, a->nevents,
            sizeof *a->events))
    return;
  wire_event *e = &a->events[a->nevents++];
  e->t = ts - x->t0;
  e->kind = k;
  e->conn = conn;
  e->from_client = from_client;
  e->text = text ? xstrdup(x, text) : NULL;
}

static void add_note(actx *x, char ***arr, size_t *n, size_t *cap,
                     const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add_note(actx *x, char ***arr, size_t *n, size_t *cap,
                     const char *fmt, ...)
{
  if (*n >= WIRE_ISSUES_MAX || !grow(x, (void **)arr, cap, *n, sizeof **arr))
    return;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  (*arr)[(*n)++] = xstrdup(x, buf);
}

static const wire_endpoint *mod_ep(const wire_conn *c, const cstate *s)
{
  return s->mdir == WIRE_C2S ? &c->cli : &c->srv;
}

static const wire_endpoint *srv_ep(const wire_conn *c, const cstate *s)
{
  return s->mdir == WIRE_C2S ? &c->srv : &c->cli;
}

static void make_control(actx *x, wire_conn *c, cstate *s, int mdir)
{
  wire_analysis *a = x->a;
  if (!grow(x, (void **)&a->sessions, &x->cap_sessions, a->nsessions,
            sizeof *a->sessions))
    return;
  role_set(s, ROLE_CONTROL, c->id);
  s->mdir = mdir;
  s->idx = (int)a->nsessions++;
  wire_session *ss = &a->sessions[s->idx];
  ss->conn = c->id;
  ss->t_open = c->t_first - x->t0;
  wire_endpoint_str(mod_ep(c, s), ss->client, sizeof ss->client);
  wire_endpoint_str(srv_ep(c, s), ss->server, sizeof ss->server);
  add_event(x, c->t_first, WIRE_EV_OPEN, c->id, mdir == WIRE_C2S,
            "control connection");
}

/* Port only: a proxy's rewritten 227 or a NAT changes the address, and on
 * loopback every address is the same anyway. */
static bool ep_match(const announce *an, const wire_endpoint *e)
{
  return an->ep.port == e->port;
}

/* Looks for the latest announcement naming one of c's endpoints. */
static bool make_data(actx *x, wire_conn *c, cstate *s)
{
  wire_analysis *a = x->a;
  for (size_t i = a->nsessions; i-- > 0;) {
    wire_conn *cc = wire_reasm_conn(x->r, a->sessions[i].conn - 1);
    cstate *cs = cc ? cc->user : NULL;
    if (!cs)
      continue;
    for (size_t j = cs->nann; j-- > 0;) {
      const announce *an = &cs->ann[j];
      /* The announced port is the one that accepts: the server's when
       * passive, the module's when active. */
      bool on_srv = ep_match(an, &c->srv);
      if (!on_srv && !(c->no_syn && ep_match(an, &c->cli)))
        continue;
      if (!grow(x, (void **)&a->data, &x->cap_data, a->ndata,
                sizeof *a->data))
        return false;
      role_set(s, ROLE_DATA, c->id);
      s->mdir = (an->passive == on_srv) ? WIRE_C2S : WIRE_S2C;
      s->idx = (int)a->ndata++;
      wire_data_conn *d = &a->data[s->idx];
      d->conn = c->id;
      d->session = (int)i;
      d->passive = an->passive;
      d->t_open = c->t_first - x->t0;
      if (!c->no_syn)
        d->opened_by = s->mdir == WIRE_C2S ? WIRE_SIDE_CLIENT
                                           : WIRE_SIDE_SERVER;
      wire_endpoint_str(mod_ep(c, s), d->client, sizeof d->client);
      wire_endpoint_str(srv_ep(c, s), d->server, sizeof d->server);
      char t[160];
      snprintf(t, sizeof t, "data connection %s -> %s (%s)",
               s->mdir == WIRE_C2S ? d->client : d->server,
               s->mdir == WIRE_C2S ? d->server : d->client,
               an->passive ? "passive" : "active");
      add_event(x, c->t_first, WIRE_EV_OPEN, c->id, s->mdir == WIRE_C2S, t);
      return true;
    }
  }
  return false;
}

static bool same_hosts(const wire_endpoint *a, const wire_endpoint *b,
                       const wire_conn *cc)
{
  size_t n = a->family == 6 ? 16 : 4;
  const wire_endpoint *e[2] = {&cc->cli, &cc->srv};
  for (int i = 0; i < 2; i++)
    if (a->family == e[i]->family && b->family == e[!i]->family &&
        !memcmp(a->addr, e[i]->addr, n) && !memcmp(b->addr, e[!i]->addr, n))
      return true;
  return false;
}

/* A control session's connection and its state, or NULL. */
static cstate *session_state(actx *x, size_t i, wire_conn **cc)
{
  *cc = wire_reasm_conn(x->r, x->a->sessions[i].conn - 1);
  return *cc ? (*cc)->user : NULL;
}

/* c goes to the server port of a control session seen before it: a second
 * control connection to the same service (a reconnect), never its data. */
static bool to_control_port(actx *x, const wire_conn *c)
{
  for (size_t i = 0; i < x->a->nsessions; i++) {
    wire_conn *cc;
    cstate *cs = session_state(x, i, &cc);
    if (cs && c->srv.port == srv_ep(cc, cs)->port &&
        same_hosts(&c->cli, &c->srv, cc))
      return true;
  }
  return false;
}

/* Whether a TLS control session runs between c's hosts. */
static bool tls_session_between(actx *x, const wire_conn *c)
{
  for (size_t i = 0; i < x->a->nsessions; i++) {
    wire_conn *cc;
    if (session_state(x, i, &cc) && x->a->sessions[i].tls.tls &&
        same_hosts(&c->cli, &c->srv, cc))
      return true;
  }
  return false;
}

/* Under TLS the 227/PORT lines cannot be read: a new connection between
 * the hosts of a TLS control session, not to its control port, is taken
 * as its data connection; active if it comes from the port below the
 * control port (RFC 959 3.2, L-1), else passive. */
static bool make_tls_data(actx *x, wire_conn *c, cstate *s)
{
  wire_analysis *a = x->a;
  for (size_t i = a->nsessions; i-- > 0;) {
    wire_conn *cc;
    cstate *cs = session_state(x, i, &cc);
    if (!cs || !a->sessions[i].tls.tls ||
        !same_hosts(&c->cli, &c->srv, cc))
      continue;
    int ctrl = srv_ep(cc, cs)->port;
    if (c->srv.port == ctrl)
      continue;
    announce an;
    memset(&an, 0, sizeof an);
    an.passive = !(c->cli.port + 1 == ctrl);
    an.ep = c->srv;
    if (cs->nann >= WIRE_ANNOUNCE_MAX)
      return false;
    announce *n = realloc(cs->ann, (cs->nann + 1) * sizeof *n);
    if (!n) {
      x->failed = true;
      return false;
    }
    cs->ann = n;
    cs->ann[cs->nann++] = an;
    return make_data(x, c, s);
  }
  return false;
}

/* With the control port known, by port. Without it (ctrl_port 0), by
 * what the connection carries: at its opening only an announced data port
 * (data), the well-known ports 21 and 990 or the port of a control session
 * seen before (control) decide; anything else waits for its first bytes
 * (guess_control). */
static void classify_open(actx *x, wire_conn *c, cstate *s)
{
  int p = x->ctrl_port;
  if (p > 0) {
    if (c->srv.port == p)
      make_control(x, c, s, WIRE_C2S);
    else if (c->no_syn && c->cli.port == p)
      make_control(x, c, s, WIRE_S2C);
    else if (!make_data(x, c, s) && !make_tls_data(x, c, s))
      role_set(s, ROLE_OTHER, c->id);
    return;
  }
  if (make_data(x, c, s))
    return;
  if (c->srv.port == 21 || c->srv.port == 990 || to_control_port(x, c))
    make_control(x, c, s, WIRE_C2S);
}

static void on_open(void *ctx, wire_conn *c, double ts)
{
  actx *x = ctx;
  (void)ts;
  cstate *s = calloc(1, sizeof *s);
  if (!s) {
    x->failed = true;
    return;
  }
  c->user = s;
  classify_open(x, c, s);
}

/* ctrl_port 0, a connection whose port was not announced: control if it
 * opens like FTP — the server's 220 greeting (RFC 959 4.2), a first
 * command, or (implicit FTPS) a TLS ClientHello from the side that opened
 * it while no TLS control session runs between these hosts. Else, between
 * the hosts of a TLS control session, that session's data (its PASV/PORT
 * could not be read); else other. */
static void guess_control(actx *x, wire_conn *c, cstate *s, int dir,
                          const uint8_t *p, size_t n)
{
  bool client_hello = n >= 6 && wire_tls_is_record(p, 3) && p[5] == 1;
  char sep = '\0';
  bool greeting =
      qc_reply_line_code((const char *)p, n, &sep) == 220 && sep != '\0';
  /* First commands of a session (RFC 959, RFC 4217, RFC 2389). */
  static const char *const first_verbs[] = {"USER ", "AUTH ", "FEAT\r",
                                            "SYST\r", "HOST ", "OPTS "};
  bool command = false;
  for (size_t i = 0; i < sizeof first_verbs / sizeof first_verbs[0]; i++)
    command |= n >= 5 && memcmp(p, first_verbs[i], 5) == 0;
  if (greeting)
    make_control(x, c, s, !dir);
  else if (command)
    make_control(x, c, s, dir);
  else if (client_hello && dir == WIRE_C2S && !tls_session_between(x, c))
    make_control(x, c, s, dir);
  else if (!make_tls_data(x, c, s))
    role_set(s, ROLE_OTHER, c->id);
}

static wire_tls_info *tls_info(actx *x, cstate *s)
{
  return s->role == ROLE_CONTROL ? &x->a->sessions[s->idx].tls
                                 : &x->a->data[s->idx].tls;
}

/* A ServerHello in the accumulated start b[0..nb) of a stream. */
static int server_hello(actx *x, wire_conn *c, cstate *s, int dir,
                        double ts, const uint8_t *b, size_t nb, char *t,
                        size_t tlen)
{
  wire_tls_info *ti = tls_info(x, s);
  wire_tls_server_hello sh;
  int rc = wire_tls_parse_server_hello(b, nb, &sh);
  if (sh.hrr && !ti->hrr) {
    /* RFC 8446 4.1.4: the client answers with a second ClientHello; the
     * ServerHello after it is the one that counts. */
    ti->hrr = true;
    add_event(x, ts, WIRE_EV_TLS, c->id, dir == s->mdir,
              "TLS HelloRetryRequest");
  }
  if (rc == 1) {
    char vb[16];
    ti->server_hello = true;
    ti->sh = sh;
    snprintf(t, tlen, "TLS ServerHello %s",
             wire_tls_version_name(sh.version, vb, sizeof vb));
  }
  return rc;
}

/* A ClientHello in b[0..nb). */
static int client_hello(actx *x, cstate *s, const uint8_t *b, size_t nb,
                        char *t, size_t tlen)
{
  wire_tls_hello h;
  int rc = wire_tls_parse_hello(b, nb, &h);
  if (rc != 1)
    return rc;
  wire_tls_info *ti = tls_info(x, s);
  ti->hello = true;
  ti->h = h;
  char vb[16];
  size_t o = (size_t)snprintf(t, tlen, "TLS ClientHello %s",
                              wire_tls_version_name(h.legacy_version, vb,
                                                    sizeof vb));
  for (size_t i = 0; i < h.nversions && o < tlen; i++)
    o += (size_t)snprintf(t + o, tlen - o, "%s%s", i ? "," : ", offers ",
                          wire_tls_version_name(h.versions[i], vb, sizeof vb));
  return 1;
}

/* Feeds the hello accumulator of direction dir: the start of a TLS
 * stream, kept until its first handshake message is read. That message's
 * type says which hello it is (1 ClientHello, 2 ServerHello), whichever
 * side opened the TCP connection. */
static void hello_feed(actx *x, wire_conn *c, cstate *s, int dir,
                       const uint8_t *p, size_t n, double ts)
{
  if (s->hello_done[dir])
    return;
  if (!s->hello[dir] && !(s->hello[dir] = malloc(WIRE_TLS_HELLO_MAX + 5))) {
    x->failed = true;
    return;
  }
  size_t room = WIRE_TLS_HELLO_MAX + 5 - s->nhello[dir];
  size_t k = n < room ? n : room;
  memcpy(s->hello[dir] + s->nhello[dir], p, k);
  s->nhello[dir] += k;
  const uint8_t *b = s->hello[dir];
  size_t nb = s->nhello[dir];
  bool full = nb >= WIRE_TLS_HELLO_MAX + 5;
  if (nb < 6)
    return; /* record header + handshake type */
  char t[160] = "";
  bool client = b[5] != 2;
  int rc = !client ? server_hello(x, c, s, dir, ts, b, nb, t, sizeof t)
                   : client_hello(x, s, b, nb, t, sizeof t);
  if (rc == 0 && !full)
    return;
  s->hello_done[dir] = true;
  free(s->hello[dir]);
  s->hello[dir] = NULL;
  if (rc == 1 && client)
    tls_info(x, s)->t_hello = ts - x->t0;
  if (rc == 1)
    add_event(x, ts, WIRE_EV_TLS, c->id, dir == s->mdir, t);
}

static void on_reply(actx *x, wire_conn *c, cstate *s, double ts)
{
  wire_session *ss = &x->a->sessions[s->idx];
  const wire_ftp_reply *r = &s->reply;
  add_event(x, ts, WIRE_EV_REPLY, c->id, false, r->text);
  if (ss->nreplies >= WIRE_CMDS_MAX) {
    ss->truncated = true;
  } else {
    wire_line *n = realloc(ss->replies, (ss->nreplies + 1) * sizeof *n);
    if (!n) {
      x->failed = true;
      return;
    }
    ss->replies = n;
    n[ss->nreplies].t = ts - x->t0;
    n[ss->nreplies].code = r->code;
    n[ss->nreplies].text = xstrdup(x, r->text);
    ss->nreplies++;
  }
  announce an;
  memset(&an, 0, sizeof an);
  if (r->code == QC_FTP_AUTH_OK && s->auth_pending) {
    /* RFC 4217 4: the TLS handshake follows "234" on both sides. */
    ss->auth_tls = true;
    s->after_auth = true;
    s->sn[0] = s->sn[1] = SNIFF_PENDING;
    s->npre[0] = s->npre[1] = 0;
  } else if (wire_ftp_parse_pasv(r->text, &an.ep) == 0 ||
             wire_ftp_parse_epsv(r->text, &an.ep) == 0) {
    an.passive = true;
    ss->passive = true;
    if (s->nann < WIRE_ANNOUNCE_MAX) {
      announce *n = realloc(s->ann, (s->nann + 1) * sizeof *n);
      if (!n) {
        x->failed = true;
        return;
      }
      s->ann = n;
      s->ann[s->nann++] = an;
    }
  }
  if (r->code >= 200)
    s->auth_pending = false;
}

static void on_command(actx *x, wire_conn *c, cstate *s, const char *line,
                       bool cut, double ts)
{
  wire_session *ss = &x->a->sessions[s->idx];
  char verb[16], masked[WIRE_FTP_LINE_MAX + 16];
  wire_ftp_verb(line, verb, sizeof verb);
  wire_ftp_mask(line, masked, sizeof masked);
  add_event(x, ts, WIRE_EV_CMD, c->id, true, masked);
  if (cut)
    ss->truncated = true;
  if (!strcmp(verb, "USER") || !strcmp(verb, "PASS"))
    ss->clear_login++;
  if (!strcmp(verb, "AUTH"))
    s->auth_pending = true;
  if (ss->ncmds >= WIRE_CMDS_MAX) {
    ss->truncated = true;
  } else {
    wire_line *n = realloc(ss->cmds, (ss->ncmds + 1) * sizeof *n);
    if (!n) {
      x->failed = true;
      return;
    }
    ss->cmds = n;
    n[ss->ncmds].t = ts - x->t0;
    n[ss->ncmds].code = 0;
    n[ss->ncmds].text = xstrdup(x, masked);
    ss->ncmds++;
  }
  announce an;
  memset(&an, 0, sizeof an);
  if (wire_ftp_parse_port(line, &an.ep) == 0 ||
      wire_ftp_parse_eprt(line, &an.ep) == 0) {
    ss->active = true;
    if (s->nann < WIRE_ANNOUNCE_MAX) {
      announce *n = realloc(s->ann, (s->nann + 1) * sizeof *n);
      if (!n) {
        x->failed = true;
        return;
      }
      s->ann = n;
      s->ann[s->nann++] = an;
    }
  }
}

typedef struct line_ctx {
  actx *x;
  wire_conn *c;
  cstate *s;
  int dir;
  double ts;
} line_ctx;

static void on_line(void *ctx, const char *line, size_t len, bool cut)
{
  line_ctx *l = ctx;
  (void)len;
  if (l->dir == l->s->mdir) {
    on_command(l->x, l->c, l->s, line, cut, l->ts);
    return;
  }
  if (cut)
    l->x->a->sessions[l->s->idx].truncated = true;
  int rc = wire_ftp_reply_line(&l->s->reply, line);
  if (rc == 1)
    on_reply(l->x, l->c, l->s, l->ts);
  else if (rc == -2) /* a reply past its cap: said, not cut */
    l->x->a->sessions[l->s->idx].truncated = true;
}

/* Bytes of a direction after the TLS sniff. */
static void consume(actx *x, wire_conn *c, cstate *s, int dir,
                    const uint8_t *p, size_t n, double ts)
{
  if (s->sn[dir] == SNIFF_TLS) {
    hello_feed(x, c, s, dir, p, n, ts);
    return;
  }
  if (s->role != ROLE_CONTROL)
    return;
  line_ctx l = {x, c, s, dir, ts};
  wire_ftp_lines_feed(&s->lines[dir], p, n, on_line, &l);
}

static void on_data(void *ctx, wire_conn *c, int dir, uint64_t off,
                    const uint8_t *p, size_t n, double ts)
{
  actx *x = ctx;
  cstate *s = c->user;
  (void)off;
  if (!s || x->failed)
    return;
  if (s->role == ROLE_UNKNOWN)
    guess_control(x, c, s, dir, p, n);
  if (s->role == ROLE_OTHER || s->role == ROLE_UNKNOWN)
    return;
  if (s->role == ROLE_DATA) {
    wire_data_conn *d = &x->a->data[s->idx];
    if (dir == s->mdir)
      d->to_server += n;
    else
      d->to_client += n;
  }
  if (s->sn[dir] != SNIFF_PENDING) {
    consume(x, c, s, dir, p, n, ts);
    return;
  }
  size_t k = 3 - s->npre[dir];
  if (k > n)
    k = n;
  memcpy(s->pre[dir] + s->npre[dir], p, k);
  s->npre[dir] += k;
  if (s->npre[dir] < 3)
    return; /* a record header needs three bytes */
  if (wire_tls_is_record(s->pre[dir], 3)) {
    s->sn[dir] = SNIFF_TLS;
    wire_tls_info *ti = tls_info(x, s);
    if (!ti->tls)
      ti->implicit = !s->after_auth;
    ti->tls = true;
  } else {
    s->sn[dir] = SNIFF_PLAIN;
  }
  consume(x, c, s, dir, s->pre[dir], 3, ts);
  consume(x, c, s, dir, p + k, n - k, ts);
}

/* Bytes past the capture's snap length: they count (byte counts follow
 * the sequence numbers), but nothing after them can be parsed in order. */
static void on_cut(void *ctx, wire_conn *c, int dir, uint64_t off, uint64_t n)
{
  actx *x = ctx;
  cstate *s = c->user;
  (void)off;
  x->a->uncaptured += n;
  if (!s || s->role == ROLE_OTHER || s->role == ROLE_UNKNOWN)
    return;
  if (s->role == ROLE_DATA) {
    wire_data_conn *d = &x->a->data[s->idx];
    if (dir == s->mdir)
      d->to_server += n;
    else
      d->to_client += n;
  }
  /* A hello not complete by now never will be: its version stays out. */
  s->hello_done[dir] = true;
  free(s->hello[dir]);
  s->hello[dir] = NULL;
  if (s->sn[dir] == SNIFF_PENDING)
    s->sn[dir] = SNIFF_PLAIN;
  /* The control channel is captured whole; if it was not, the line in
   * progress is broken, as after a hole. */
  if (s->role == ROLE_CONTROL)
    s->lines[dir].cut = true;
}

static void on_gap(void *ctx, wire_conn *c, int dir, uint64_t off, uint64_t n)
{
  actx *x = ctx;
  cstate *s = c->user;
  if (!s || s->role == ROLE_OTHER || s->role == ROLE_UNKNOWN)
    return;
  char t[96];
  snprintf(t, sizeof t, "missing %llu bytes at offset %llu",
           (unsigned long long)n, (unsigned long long)off);
  add_event(x, c->t_last, WIRE_EV_GAP, c->id, dir == s->mdir, t);
  /* A hole in the control stream breaks the line in progress. */
  if (s->role == ROLE_CONTROL)
    s->lines[dir].cut = true;
}

static void on_close(void *ctx, wire_conn *c, int dir, bool rst, double ts)
{
  actx *x = ctx;
  cstate *s = c->user;
  /* Closed before a byte: between the hosts of a TLS session, its data
   * connection (an aborted transfer); else nothing to say. */
  if (s && s->role == ROLE_UNKNOWN && !make_tls_data(x, c, s))
    role_set(s, ROLE_OTHER, c->id);
  if (!s || s->role == ROLE_OTHER || s->role == ROLE_UNKNOWN)
    return;
  char t[96];
  if (s->role == ROLE_DATA) {
    wire_data_conn *d = &x->a->data[s->idx];
    snprintf(t, sizeof t, "%s (to server %llu, to client %llu bytes)",
             rst ? "RST" : "FIN", (unsigned long long)d->to_server,
             (unsigned long long)d->to_client);
  } else {
    snprintf(t, sizeof t, "%s", rst ? "RST" : "FIN");
  }
  add_event(x, ts, WIRE_EV_CLOSE, c->id, dir == s->mdir, t);
  x->a->events[x->a->nevents - 1].rst = rst;
}

static wire_close_how how(const wire_reasm_dir *d)
{
  return d->rst ? WIRE_CLOSE_RST : d->fin ? WIRE_CLOSE_FIN : WIRE_CLOSE_NONE;
}

static void finish_conn(actx *x, wire_conn *c)
{
  wire_analysis *a = x->a;
  cstate *s = c->user;
  for (int dir = 0; dir < 2; dir++) {
    const wire_reasm_dir *d = &c->d[dir];
    if (!d->missing)
      continue;
    char from[64], to[64];
    wire_endpoint_str(dir == WIRE_C2S ? &c->cli : &c->srv, from, sizeof from);
    wire_endpoint_str(dir == WIRE_C2S ? &c->srv : &c->cli, to, sizeof to);
    a->missing += d->missing;
    add_note(x, &a->missing_notes, &a->nmissing_notes, &x->cap_notes,
             "connection %u (%s -> %s): missing %llu bytes at offset %llu",
             c->id, from, to, (unsigned long long)d->missing,
             (unsigned long long)d->first_gap);
  }
  if (!s)
    return;
  wire_close_how mhow = how(&c->d[s->mdir]), show = how(&c->d[!s->mdir]);
  if (s->role == ROLE_CONTROL) {
    wire_session *ss = &a->sessions[s->idx];
    ss->t_close = c->t_last - x->t0;
    ss->module_close = mhow;
    ss->server_close = show;
  } else if (s->role == ROLE_DATA) {
    wire_data_conn *d = &a->data[s->idx];
    d->t_close = c->t_last - x->t0;
    d->module_close = mhow;
    d->server_close = show;
    if (c->first_closer >= 0)
      d->first_closer =
          c->first_closer == s->mdir ? WIRE_SIDE_CLIENT : WIRE_SIDE_SERVER;
    d->missing = c->d[0].missing + c->d[1].missing;
    if (d->to_client > d->to_server) {
      d->direction = WIRE_XFER_DOWNLOAD;
      d->bytes = d->to_client;
    } else if (d->to_server > 0) {
      d->direction = WIRE_XFER_UPLOAD;
      d->bytes = d->to_server;
    }
  } else {
    a->other_conns++;
  }
  for (int dir = 0; dir < 2; dir++)
    free(s->hello[dir]);
  free(s->ann);
  free(s);
  c->user = NULL;
}

/* Mode from the data connections; without any, from the announcements. */
static void finish_mode(wire_analysis *a)
{
  bool pas = false, act = false;
  for (size_t i = 0; i < a->ndata; i++) {
    pas |= a->data[i].passive;
    act |= !a->data[i].passive;
  }
  if (!a->ndata)
    for (size_t i = 0; i < a->nsessions; i++) {
      pas |= a->sessions[i].passive;
      act |= a->sessions[i].active;
    }
  a->mode = pas && act ? WIRE_MODE_MIXED
            : pas      ? WIRE_MODE_PASSIVE
            : act      ? WIRE_MODE_ACTIVE
                       : WIRE_MODE_NONE;
}

/* FTPS (a control session under TLS): login and payload must not be in
 * clear (RFC 4217 9). */
static void finish_plaintext(actx *x)
{
  wire_analysis *a = x->a;
  for (size_t i = 0; i < a->nsessions; i++) {
    const wire_session *s = &a->sessions[i];
    if (s->tls.tls && s->clear_login)
      add_note(x, &a->plaintext, &a->nplaintext, &x->cap_plain,
               "control connection %u: %u USER/PASS line(s) in clear",
               s->conn, s->clear_login);
  }
  for (size_t i = 0; i < a->ndata; i++) {
    const wire_data_conn *d = &a->data[i];
    bool ftps = d->session >= 0 && a->sessions[d->session].tls.tls;
    if (ftps && !d->tls.tls && d->to_server + d->to_client > 0)
      add_note(x, &a->plaintext, &a->nplaintext, &x->cap_plain,
               "data connection %u: %llu payload bytes in clear", d->conn,
               (unsigned long long)(d->to_server + d->to_client));
  }
}

int wire_analyze_file(const char *pcap_path, int ctrl_port,
                      wire_analysis **out, char *err, size_t errlen)
{
  *out = NULL;
  /* fopen first: "cannot open" and "not a capture" are different faults. */
  FILE *f = fopen(pcap_path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: %s", pcap_path, strerror(errno));
    return -1;
  }
  return wire_analyze_stream(f, pcap_path, ctrl_port, out, err, errlen);
}

int wire_analyze_stream(FILE *f, const char *pcap_path, int ctrl_port,
                        wire_analysis **out, char *err, size_t errlen)
{
  *out = NULL;
  char perr[PCAP_ERRBUF_SIZE] = "";
  pcap_t *pc = pcap_fopen_offline(f, perr);
  if (!pc) {
    fclose(f); /* libpcap closes it only on success (pcap_close) */
    snprintf(err, errlen, "%s: not a pcap or pcapng capture (libpcap: %s)",
             pcap_path, perr);
    return -1;
  }
  int lt = pcap_datalink(pc);
  if (!wire_pkt_linktype_ok(lt)) {
    snprintf(err, errlen, "%s: link type %s not supported", pcap_path,
             pcap_datalink_val_to_name(lt) ? pcap_datalink_val_to_name(lt)
                                           : "?");
    pcap_close(pc);
    return -1;
  }
  actx x;
  memset(&x, 0, sizeof x);
  x.a = calloc(1, sizeof *x.a);
  wire_reasm_ops ops = {on_open, on_data, on_gap, on_close, on_cut};
  x.r = x.a ? wire_reasm_new(&ops, &x) : NULL;
  if (!x.r) {
    free(x.a);
    pcap_close(pc);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  x.ctrl_port = ctrl_port;
  x.a->linktype = lt;
  struct pcap_pkthdr *h;
  const u_char *p;
  int rc = 0;
  double last = 0;
  char rerr[128] = "";
  while (!x.failed && (rc = pcap_next_ex(pc, &h, &p)) == 1) {
    double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
    if (x.a->packets++ == 0)
      x.t0 = x.a->t_first = ts;
    last = ts;
    x.a->bytes += h->caplen;
    wire_tcp_seg s;
    int d = wire_pkt_decode(lt, p, h->caplen, ts, &s);
    if (d < 0)
      x.a->undecoded++;
    if (d <= 0)
      continue;
    x.a->tcp_packets++;
    if (wire_reasm_feed(x.r, &s, rerr, sizeof rerr) < 0) {
      x.failed = true;
      break;
    }
  }
  if (!x.failed && rc == PCAP_ERROR) {
    /* A cut or damaged record: keep what came before, say so (tcpdump:
     * "truncated dump file"). PCAP_ERROR_BREAK is the clean end. */
    x.a->truncated = true;
    const char *pe = pcap_geterr(pc);
    snprintf(x.a->capture_error, sizeof x.a->capture_error, "%s",
             pe && *pe ? pe : "unreadable record");
  }
  pcap_close(pc);
  x.a->duration = x.a->packets ? last - x.t0 : 0;
  if (!x.failed)
    wire_reasm_finish(x.r);
  for (size_t i = 0; i < wire_reasm_count(x.r); i++)
    finish_conn(&x, wire_reasm_conn(x.r, i));
  wire_reasm_free(x.r);
  finish_mode(x.a);
  finish_plaintext(&x);
  if (x.failed) {
    snprintf(err, errlen, "%s: %s", pcap_path,
             rerr[0] ? rerr : "out of memory");
    wire_analysis_free(x.a);
    return -1;
  }
  *out = x.a;
  return 0;
}

static void free_lines(wire_line *l, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(l[i].text);
  free(l);
}

static void free_strs(char **s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(s[i]);
  free(s);
}

void wire_analysis_free(wire_analysis *a)
{
  if (!a)
    return;
  for (size_t i = 0; i < a->nsessions; i++) {
    free_lines(a->sessions[i].cmds, a->sessions[i].ncmds);
    free_lines(a->sessions[i].replies, a->sessions[i].nreplies);
  }
  free(a->sessions);
  free(a->data);
  free_strs(a->missing_notes, a->nmissing_notes);
  free_strs(a->plaintext, a->nplaintext);
  for (size_t i = 0; i < a->nevents; i++)
    free(a->events[i].text);
  free(a->events);
  free(a);
}
