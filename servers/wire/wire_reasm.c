/* wire_reasm: TCP reassembly (RFC 793 3.3 sequence space, modulo 2^32). */
#include "wire_reasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 4096

/* A buffered out-of-order segment. */
typedef struct wire_ooo {
  struct wire_ooo *next;
  uint64_t off;
  size_t len; /* captured bytes in data */
  size_t cut; /* then this many uncaptured ones */
  uint8_t data[];
} wire_ooo;

struct wire_reasm {
  wire_reasm_ops ops;
  void *ctx;
  wire_conn *buckets[NBUCKETS];
  wire_conn **conns; /* in order of first sight */
  size_t nconns, cap;
};

static bool ep_eq(const wire_endpoint *a, const wire_endpoint *b)
{
  return a->family == b->family && a->port == b->port &&
         memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

static uint32_t ep_hash(const wire_endpoint *e)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  size_t n = e->family == 6 ? 16 : 4;
  for (size_t i = 0; i < n; i++)
    h = (h ^ e->addr[i]) * 16777619u;
  return (h ^ e->port) * 16777619u;
}

/* Symmetric, so both directions land in the same bucket. */
static size_t tuple_bucket(const wire_endpoint *a, const wire_endpoint *b)
{
  return (ep_hash(a) ^ ep_hash(b)) % NBUCKETS;
}

void wire_endpoint_str(const wire_endpoint *e, char *buf, size_t len)
{
  if (e->family == 6) {
    char a[48];
    size_t o = 0;
    for (int i = 0; i < 16 && o + 6 < sizeof a; i += 2)
      o += (size_t)snprintf(a + o, sizeof a - o, "%s%x", i ? ":" : "",
                            (unsigned)(e->addr[i] << 8 | e->addr[i + 1]));
    snprintf(buf, len, "[%s]:%u", a, (unsigned)e->port);
  } else {
    snprintf(buf, len, "%u.%u.%u.%u:%u", e->addr[0], e->addr[1], e->addr[2],
             e->addr[3], (unsigned)e->port);
  }
}

wire_reasm *wire_reasm_new(const wire_reasm_ops *ops, void *ctx)
{
  wire_reasm *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  if (ops)
    r->ops = *ops;
  r->ctx = ctx;
  return r;
}

size_t wire_reasm_count(const wire_reasm *r)
{
  return r->nconns;
}

wire_conn *wire_reasm_conn(const wire_reasm *r, size_t i)
{
  return i < r->nconns ? r->conns[i] : NULL;
}

static void ooo_free(wire_ooo *o)
{
  while (o) {
    wire_ooo *n = o->next;
    free(o);
    o = n;
  }
}

void wire_reasm_free(wire_reasm *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->nconns; i++) {
    ooo_free(r->conns[i]->d[0].ooo);
    ooo_free(r->conns[i]->d[1].ooo);
    free(r->conns[i]);
  }
  free(r->conns);
  free(r);
}

static bool conn_done(const wire_conn *c)
{
  return c->d[0].rst || c->d[1].rst || (c->d[0].fin && c->d[1].fin);
}

/* Finds the connection of s, or creates it; *dir gets the direction. */
static wire_conn *conn_get(wire_reasm *r, const wire_tcp_seg *s, int *dir,
                           char *err, size_t errlen)
{
  size_t b = tuple_bucket(&s->src, &s->dst);
  bool pure_syn = (s->flags & WIRE_TCP_SYN) && !(s->flags & WIRE_TCP_ACK);
  for (wire_conn *c = r->buckets[b]; c; c = c->hnext) {
    int d;
    if (ep_eq(&c->cli, &s->src) && ep_eq(&c->srv, &s->dst))
      d = WIRE_C2S;
    else if (ep_eq(&c->srv, &s->src) && ep_eq(&c->cli, &s->dst))
      d = WIRE_S2C;
    else
      continue;
    /* A new SYN on a finished 4-tuple is a new connection (port reuse). */
    if (pure_syn && conn_done(c) && !(d == WIRE_C2S && c->d[0].syn &&
                                      c->d[0].base == s->seq + 1))
      break;
    *dir = d;
    return c;
  }
  if (r->nconns >= WIRE_REASM_CONN_MAX) {
    snprintf(err, errlen, "more than %d TCP connections", WIRE_REASM_CONN_MAX);
    return NULL;
  }
  if (r->nconns == r->cap) {
    size_t ncap = r->cap ? r->cap * 2 : 64;
    wire_conn **n = realloc(r->conns, ncap * sizeof *n);
    if (!n) {
      snprintf(err, errlen, "out of memory");
      return NULL;
    }
    r->conns = n;
    r->cap = ncap;
  }
  wire_conn *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  /* A SYN-ACK first means we missed the SYN: its receiver is the client. */
  bool synack = (s->flags & WIRE_TCP_SYN) && (s->flags & WIRE_TCP_ACK);
  c->cli = synack ? s->dst : s->src;
  c->srv = synack ? s->src : s->dst;
  c->no_syn = !pure_syn;
  c->first_closer = -1;
  c->t_first = s->ts;
  c->id = (unsigned)r->nconns + 1;
  c->hnext = r->buckets[b];
  r->buckets[b] = c;
  r->conns[r->nconns++] = c;
  *dir = synack ? WIRE_S2C : WIRE_C2S;
  if (r->ops.on_open)
    r->ops.on_open(r->ctx, c, s->ts);
  return c;
}

/* Stream offset of sequence number seq, relative to what was delivered
 * (so streams longer than 4 GiB keep counting). May be negative. */
static int64_t seq_off(const wire_reasm_dir *d, uint32_t seq)
{
  int32_t delta = (int32_t)(seq - (d->base + (uint32_t)d->next));
  return (int64_t)d->next + delta;
}

/* n captured bytes, then cut uncaptured ones, at d->next; skip of them
 * (from the front) were delivered already. */
static void deliver(wire_reasm *r, wire_conn *c, int dir, const uint8_t *p,
                    size_t n, size_t cut, uint64_t skip, double ts)
{
  wire_reasm_dir *d = &c->d[dir];
  if (skip >= (uint64_t)n + cut)
    return;
  if (skip <= n) {
    p += skip;
    n -= (size_t)skip;
  } else {
    cut -= (size_t)(skip - n);
    n = 0;
  }
  if (n && r->ops.on_data)
    r->ops.on_data(r->ctx, c, dir, d->next, p, n, ts);
  d->next += n;
  if (cut) {
    if (r->ops.on_cut)
      r->ops.on_cut(r->ctx, c, dir, d->next, cut);
    d->uncaptured += cut;
    d->next += cut;
  }
}

static void declare_gap(wire_reasm *r, wire_conn *c, int dir, uint64_t to)
{
  wire_reasm_dir *d = &c->d[dir];
  if (to <= d->next)
    return;
  if (!d->missing)
    d->first_gap = d->next;
  d->missing += to - d->next;
  if (r->ops.on_gap)
    r->ops.on_gap(r->ctx, c, dir, d->next, to - d->next);
  d->next = to;
}

/* Delivers buffered segments that have become contiguous. */
static void drain(wire_reasm *r, wire_conn *c, int dir, double ts)
{
  wire_reasm_dir *d = &c->d[dir];
  while (d->ooo && d->ooo->off <= d->next) {
    wire_ooo *o = d->ooo;
    d->ooo = o->next;
    d->ooo_bytes -= o->len;
    uint64_t end = o->off + o->len + o->cut;
    if (end > d->next) {
      uint64_t skip = d->next - o->off;
      d->dups += skip;
      deliver(r, c, dir, o->data, o->len, o->cut, skip, ts);
    } else {
      d->dups += o->len + o->cut;
    }
    free(o);
  }
}

static int buffer_seg(wire_reasm *r, wire_conn *c, int dir, uint64_t off,
                      const uint8_t *p, size_t n, size_t cut, double ts)
{
  wire_reasm_dir *d = &c->d[dir];
  /* Over budget: the hole before the first buffered segment is taken as
   * lost, so memory stays bounded whatever the capture holds. */
  while (d->ooo && d->ooo_bytes + n > WIRE_REASM_OOO_MAX) {
    declare_gap(r, c, dir, d->ooo->off);
    drain(r, c, dir, ts);
  }
  if (n > WIRE_REASM_OOO_MAX || off <= d->next) {
    declare_gap(r, c, dir, off);
    deliver(r, c, dir, p, n, cut, off < d->next ? d->next - off : 0, ts);
    return 0;
  }
  wire_ooo *o = malloc(sizeof *o + n);
  if (!o)
    return -1;
  o->off = off;
  o->len = n;
  o->cut = cut;
  memcpy(o->data, p, n);
  wire_ooo **pp = &d->ooo;
  while (*pp && (*pp)->off <= off)
    pp = &(*pp)->next;
  o->next = *pp;
  *pp = o;
  d->ooo_bytes += n;
  return 0;
}

static void note_close(wire_reasm *r, wire_conn *c, int dir, bool rst,
                       double ts)
{
  if (c->first_closer < 0) {
    c->first_closer = dir;
    c->first_close_rst = rst;
  }
  if (r->ops.on_close)
    r->ops.on_close(r->ctx, c, dir, rst, ts);
}

int wire_reasm_feed(wire_reasm *r, const wire_tcp_seg *s, char *err,
                    size_t errlen)
{
  int dir;
  wire_conn *c = conn_get(r, s, &dir, err, errlen);
  if (!c)
    return -1;
  c->t_last = s->ts;
  wire_reasm_dir *d = &c->d[dir];
  wire_reasm_dir *peer = &c->d[!dir];

  if (s->flags & WIRE_TCP_RST) {
    /* 3.4: an RST carries no data for the stream; it ends the connection. */
    if (!d->rst) {
      d->rst = true;
      d->rst_ts = s->ts;
      note_close(r, c, dir, true, s->ts);
    }
    return 0;
  }
  uint32_t seq = s->seq;
  if (s->flags & WIRE_TCP_SYN) {
    if (!d->started) {
      d->started = d->syn = true;
      d->base = s->seq + 1; /* the SYN takes one sequence number */
    }
    seq = s->seq + 1;
  } else if (!d->started) {
    d->started = true; /* mid-stream: offset 0 is the first byte seen */
    d->base = s->seq;
    c->no_syn = true;
  }
  if ((s->flags & WIRE_TCP_ACK) && peer->started) {
    int64_t a = seq_off(peer, s->ack);
    if (a > 0 && (uint64_t)a > peer->acked)
      peer->acked = (uint64_t)a;
  }

  int64_t off = seq_off(d, seq);
  const uint8_t *p = s->payload;
  size_t n = s->len, cut = s->cut;
  uint64_t total = (uint64_t)n + cut;
  if (off < (int64_t)d->next) { /* retransmission: trim what we have */
    uint64_t have = d->next - (uint64_t)(off < 0 ? 0 : off);
    if (off < 0)
      have = d->next + (uint64_t)(-off);
    uint64_t skip = have < total ? have : total;
    d->dups += skip;
    if (skip <= n) {
      p += skip;
      n -= (size_t)skip;
    } else {
      cut -= (size_t)(skip - n);
      n = 0;
    }
    off = (int64_t)d->next;
  }
  if (n + cut) {
    if ((uint64_t)off == d->next) {
      deliver(r, c, dir, p, n, cut, 0, s->ts);
      drain(r, c, dir, s->ts);
    } else if (buffer_seg(r, c, dir, (uint64_t)off, p, n, cut, s->ts) < 0) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  if ((s->flags & WIRE_TCP_FIN) && !d->fin) {
    d->fin = true;
    d->fin_ts = s->ts;
    d->fin_off = (uint64_t)off + n + cut;
    note_close(r, c, dir, false, s->ts);
  }
  return 0;
}

void wire_reasm_finish(wire_reasm *r)
{
  for (size_t i = 0; i < r->nconns; i++) {
    wire_conn *c = r->conns[i];
    for (int dir = 0; dir < 2; dir++) {
      wire_reasm_dir *d = &c->d[dir];
      while (d->ooo) {
        declare_gap(r, c, dir, d->ooo->off);
        drain(r, c, dir, c->t_last);
      }
      /* What the peer acknowledged (the FIN takes one number) or what
       * precedes a FIN must have been sent: absent bytes were dropped. */
      uint64_t end = d->acked;
      if (d->fin) {
        if (end > d->fin_off)
          end = d->fin_off;
        if (d->fin_off > end)
          end = d->fin_off;
      }
      if (d->started)
        declare_gap(r, c, dir, end);
    }
  }
}
