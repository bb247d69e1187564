/* wire_split: flows to case windows (see wire_split.h). */
#include "wire_split.h"

#include <string.h>

void wire_split_init(wire_split *s)
{
  memset(s, 0, sizeof *s);
  s->end = INT64_MIN;
}

void wire_split_begin(wire_split *s, int64_t t_us)
{
  s->window++;
  s->begin = t_us;
  s->end = INT64_MAX;
}

void wire_split_end(wire_split *s, int64_t t_us)
{
  if (t_us < s->end)
    s->end = t_us;
}

/* The latest window when t_us falls in it, else 0. */
static uint32_t window_at(const wire_split *s, int64_t t_us)
{
  return s->window && t_us >= s->begin && t_us < s->end ? s->window : 0;
}

static int cmp_end(const wire_endpoint *a, const wire_endpoint *b)
{
  int c = memcmp(a->addr, b->addr, sizeof a->addr);
  return c ? c : (int)a->port - (int)b->port;
}

static void put_end(uint8_t *k, const wire_endpoint *e)
{
  memcpy(k, e->addr, 16);
  k[16] = (uint8_t)(e->port >> 8);
  k[17] = (uint8_t)e->port;
}

/* Both directions of a connection share one key. */
static void flow_key(const wire_tcp_seg *g, uint8_t key[38])
{
  bool swap = cmp_end(&g->src, &g->dst) > 0;
  put_end(key, swap ? &g->dst : &g->src);
  put_end(key + 18, swap ? &g->src : &g->dst);
  key[36] = (uint8_t)g->src.family;
  key[37] = 0;
}

static uint32_t hash(const uint8_t key[38])
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < 38; i++)
    h = (h ^ key[i]) * 16777619u;
  return h;
}

/* The key's slot, or the free slot where it would go; NULL when the
 * table is full and the key is not in it. */
static wire_split_flow *lookup(wire_split *s, const uint8_t key[38])
{
  uint32_t mask = WIRE_SPLIT_SLOTS - 1;
  for (uint32_t i = hash(key) & mask, n = 0; n < WIRE_SPLIT_SLOTS;
       i = (i + 1) & mask, n++) {
    wire_split_flow *f = &s->slot[i];
    if (!f->used || memcmp(f->key, key, 38) == 0)
      return f;
  }
  return NULL;
}

/* Keeps only the flows of windows newer than `oldest` (rehashed: linear
 * probing cannot leave holes). */
static void keep_from(wire_split *s, uint32_t oldest)
{
  static wire_split_flow old[WIRE_SPLIT_SLOTS]; /* one capture per process */
  memcpy(old, s->slot, sizeof old);
  memset(s->slot, 0, sizeof s->slot);
  s->nused = 0;
  for (size_t i = 0; i < WIRE_SPLIT_SLOTS; i++) {
    if (!old[i].used)
      continue;
    if (old[i].window < oldest) {
      s->forgotten++;
      continue;
    }
    *lookup(s, old[i].key) = old[i];
    s->nused++;
  }
}

/* Room for one more flow: at three quarters full, the flows of windows
 * closed more than WIRE_SPLIT_KEEP windows ago go (a late packet of one
 * is then taken as a new flow's first), then those of every closed
 * window. */
static void make_room(wire_split *s)
{
  if (s->nused < WIRE_SPLIT_SLOTS / 4 * 3)
    return;
  if (s->window > WIRE_SPLIT_KEEP)
    keep_from(s, s->window - WIRE_SPLIT_KEEP);
  if (s->nused >= WIRE_SPLIT_SLOTS / 4 * 3)
    keep_from(s, s->window);
}

bool wire_split_take(wire_split *s, const wire_tcp_seg *seg, int64_t t_us)
{
  uint32_t now = window_at(s, t_us);
  if (!seg)
    return now != 0;
  uint8_t key[38];
  flow_key(seg, key);
  wire_split_flow *f = lookup(s, key);
  bool syn = (seg->flags & (WIRE_TCP_SYN | WIRE_TCP_ACK)) == WIRE_TCP_SYN;
  if (!f || !f->used) {
    make_room(s);
    f = lookup(s, key);
    if (!f) /* full of the open window's flows: judged by time alone */
      return now != 0;
    memcpy(f->key, key, sizeof f->key);
    f->used = true;
    /* Seen first without its SYN: it began before we looked (the tail of
     * a server's start-up probe, a flow of a window forgotten): no case's.
     * A case's own connections all open inside its window. */
    f->window = syn ? now : 0;
    s->nused++;
  } else if (syn) {
    f->window = now; /* the 4-tuple used again: a new connection */
  }
  return now != 0 && f->window == now;
}
