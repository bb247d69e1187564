/* wire_reasm: segments in any order, duplicated, overlapping, cut by the
 * snap length or missing, give each direction's stream exactly once: every
 * offset up to the end is delivered (with the bytes that were sent),
 * cut or declared missing, once and in order; no byte some segment
 * carried is declared missing. Input: ISNs, then 6-byte segments
 * (direction and flags, offset, length, cut, acknowledgement). */
#include "wire_reasm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { SPAN = 4096 }; /* stream offsets the segments reach */

static uint8_t byte_at(int dir, uint64_t off)
{
  return (uint8_t)(off * 7 + (off >> 8) * 13 + (unsigned)dir * 101);
}

typedef struct state {
  uint64_t next[2];        /* offset the next callback must start at */
  uint64_t end[2];         /* one past the last offset covered */
  uint8_t covered[2][SPAN + 512]; /* some segment carried it (1) or cut (2) */
} state;

static state st;

static void at(int dir, uint64_t off, uint64_t n)
{
  if (dir < 0 || dir > 1 || off != st.next[dir] || n == 0)
    abort(); /* out of order, overlapping or empty */
  st.next[dir] = off + n;
}

static void on_data(void *ctx, wire_conn *c, int dir, uint64_t off,
                    const uint8_t *p, size_t n, double ts)
{
  (void)ctx, (void)c, (void)ts;
  at(dir, off, n);
  for (size_t i = 0; i < n; i++)
    if (off + i >= sizeof st.covered[0] || st.covered[dir][off + i] != 1 ||
        p[i] != byte_at(dir, off + i))
      abort(); /* a byte nobody sent, or the wrong one */
}

static void on_gap(void *ctx, wire_conn *c, int dir, uint64_t off, uint64_t n)
{
  (void)ctx, (void)c;
  at(dir, off, n);
  for (uint64_t i = 0; i < n; i++)
    if (off + i < sizeof st.covered[0] && st.covered[dir][off + i])
      abort(); /* a byte that came is declared lost */
}

static void on_cut(void *ctx, wire_conn *c, int dir, uint64_t off, uint64_t n)
{
  (void)ctx, (void)c;
  at(dir, off, n);
  for (uint64_t i = 0; i < n; i++)
    if (off + i >= sizeof st.covered[0] || !st.covered[dir][off + i])
      abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 8)
    return 0;
  /* Only what the last input marked needs clearing (the loops over the
   * whole array were most of a run's time). */
  for (int dir = 0; dir < 2; dir++)
    memset(st.covered[dir], 0, st.end[dir]);
  memset(st.next, 0, sizeof st.next);
  memset(st.end, 0, sizeof st.end);
  uint32_t isn[2];
  memcpy(&isn[0], data, 4);
  memcpy(&isn[1], data + 4, 4);
  data += 8;
  size -= 8;
  wire_reasm_ops ops = {.on_data = on_data, .on_gap = on_gap,
                        .on_cut = on_cut};
  wire_reasm *r = wire_reasm_new(&ops, NULL);
  if (!r)
    return 0;
  wire_tcp_seg s = {0};
  s.src.family = s.dst.family = 4;
  s.src.addr[0] = s.dst.addr[0] = 127;
  s.src.port = 40000;
  s.dst.port = 21;
  char err[128];
  /* the handshake: both ISNs known, offset 0 is the byte after the SYN */
  s.flags = WIRE_TCP_SYN;
  s.seq = isn[0];
  if (wire_reasm_feed(r, &s, err, sizeof err))
    abort();
  wire_tcp_seg b = s;
  b.src = s.dst;
  b.dst = s.src;
  b.flags = WIRE_TCP_SYN | WIRE_TCP_ACK;
  b.seq = isn[1];
  b.ack = isn[0] + 1;
  if (wire_reasm_feed(r, &b, err, sizeof err))
    abort();
  static uint8_t payload[256];
  uint64_t acked[2] = {0, 0};
  for (; size >= 6; data += 6, size -= 6) {
    int dir = data[0] & 1;
    uint64_t off = ((unsigned)data[1] << 8 | data[2]) % SPAN;
    size_t len = data[3], cut = data[4] & 0x80 ? data[4] & 0x3f : 0;
    for (size_t i = 0; i < len; i++)
      payload[i] = byte_at(dir, off + i);
    wire_tcp_seg g = dir ? b : s;
    g.flags = WIRE_TCP_ACK | (data[0] & 2 ? WIRE_TCP_PSH : 0);
    g.seq = isn[dir] + 1 + (uint32_t)off;
    /* what this side acknowledges of the peer's stream */
    uint64_t ackoff = (uint64_t)data[5] * 16;
    g.ack = isn[!dir] + 1 + (uint32_t)ackoff;
    if (ackoff > acked[!dir])
      acked[!dir] = ackoff;
    g.payload = payload;
    g.len = len;
    g.cut = cut;
    for (size_t i = 0; i < len + cut; i++)
      if (!st.covered[dir][off + i])
        st.covered[dir][off + i] = i < len ? 1 : 2;
    if (len + cut > 0 && off + len + cut > st.end[dir])
      st.end[dir] = off + len + cut;
    /* a byte carried once counts as carried, whatever a cut said later */
    for (size_t i = 0; i < len; i++)
      st.covered[dir][off + i] = 1;
    if (wire_reasm_feed(r, &g, err, sizeof err))
      abort();
  }
  wire_reasm_finish(r);
  if (wire_reasm_count(r) != 1)
    abort();
  wire_conn *c = wire_reasm_conn(r, 0);
  for (int dir = 0; dir < 2; dir++) {
    /* everything up to the last byte sent is accounted for */
    uint64_t end = st.end[dir];
    if (acked[dir] > end)
      end = acked[dir]; /* acknowledged but never seen: missing */
    if (st.next[dir] != end || c->d[dir].next != end || c->d[dir].ooo ||
        c->d[dir].ooo_bytes)
      abort();
  }
  wire_reasm_free(r);
  return 0;
}
