/* wire_synth: test-only pcap synthesis (pcap_open_dead + pcap_dump): TCP
 * flows over IPv4 on Ethernet, as loopback captures look. Header-only so
 * each test program stays one file. */
#ifndef WIRE_SYNTH_H
#define WIRE_SYNTH_H

#include "wire_reasm.h"

#include <pcap/pcap.h>
#include <stdint.h>
#include <string.h>

typedef struct synth {
  pcap_t *p;
  pcap_dumper_t *d;
  double t;
  /* As qftp-capture snaps: with snap > 0, a frame keeps at most snap
   * payload bytes unless one of its ports is whole_port (the control
   * port); its IP length stays the wire's. */
  size_t snap;
  unsigned whole_port;
} synth;

typedef struct flow {
  synth *s;
  wire_endpoint c, v; /* client (SYN sender), server */
  uint32_t seq[2];    /* next sequence number: 0 client, 1 server */
} flow;

static inline int synth_open(synth *s, const char *path)
{
  s->p = pcap_open_dead(DLT_EN10MB, 262144);
  s->d = s->p ? pcap_dump_open(s->p, path) : NULL;
  s->t = 1000.0;
  s->snap = 0;
  s->whole_port = 0;
  return s->d ? 0 : -1;
}

static inline void synth_close(synth *s)
{
  pcap_dump_close(s->d);
  pcap_close(s->p);
}

static inline void put16(uint8_t *p, unsigned v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}

/* One frame. Payload at most 1460 bytes. */
static inline void synth_pkt(synth *s, const wire_endpoint *src,
                             const wire_endpoint *dst, uint32_t seq,
                             uint32_t ack, uint8_t flags, const void *pl,
                             size_t n)
{
  uint8_t f[14 + 20 + 20 + 1460];
  memset(f, 0, 54);
  put16(f + 12, 0x0800);
  uint8_t *ip = f + 14;
  ip[0] = 0x45;
  put16(ip + 2, (unsigned)(40 + n));
  ip[8] = 64;
  ip[9] = 6;
  memcpy(ip + 12, src->addr, 4);
  memcpy(ip + 16, dst->addr, 4);
  uint8_t *tcp = ip + 20;
  put16(tcp, src->port);
  put16(tcp + 2, dst->port);
  put32(tcp + 4, seq);
  put32(tcp + 8, ack);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  put16(tcp + 14, 65535);
  if (n)
    memcpy(tcp + 20, pl, n);
  struct pcap_pkthdr h;
  s->t += 0.001;
  h.ts.tv_sec = (time_t)s->t;
  h.ts.tv_usec = (suseconds_t)((s->t - (double)h.ts.tv_sec) * 1e6);
  h.caplen = h.len = (bpf_u_int32)(54 + n);
  if (s->snap && n > s->snap && src->port != s->whole_port &&
      dst->port != s->whole_port)
    h.caplen = (bpf_u_int32)(54 + s->snap);
  pcap_dump((u_char *)s->d, &h, f);
}

static inline wire_endpoint synth_ep(unsigned a, unsigned b, unsigned c,
                                     unsigned d, unsigned port)
{
  wire_endpoint e;
  memset(&e, 0, sizeof e);
  e.family = 4;
  e.addr[0] = (uint8_t)a, e.addr[1] = (uint8_t)b;
  e.addr[2] = (uint8_t)c, e.addr[3] = (uint8_t)d;
  e.port = (uint16_t)port;
  return e;
}

/* Three-way handshake from c to v. */
static inline void flow_open(flow *f, synth *s, wire_endpoint c,
                             wire_endpoint v, uint32_t isn_c, uint32_t isn_v)
{
  f->s = s;
  f->c = c;
  f->v = v;
  synth_pkt(s, &c, &v, isn_c, 0, WIRE_TCP_SYN, NULL, 0);
  synth_pkt(s, &v, &c, isn_v, isn_c + 1, WIRE_TCP_SYN | WIRE_TCP_ACK, NULL,
            0);
  f->seq[0] = isn_c + 1;
  f->seq[1] = isn_v + 1;
  synth_pkt(s, &c, &v, f->seq[0], f->seq[1], WIRE_TCP_ACK, NULL, 0);
}

/* dir 0: client sends; in segments of 1400 bytes. */
static inline void flow_send(flow *f, int dir, const void *data, size_t n)
{
  const uint8_t *p = data;
  const wire_endpoint *src = dir ? &f->v : &f->c, *dst = dir ? &f->c : &f->v;
  while (n) {
    size_t k = n < 1400 ? n : 1400;
    synth_pkt(f->s, src, dst, f->seq[dir], f->seq[!dir],
              WIRE_TCP_ACK | WIRE_TCP_PSH, p, k);
    f->seq[dir] += (uint32_t)k;
    p += k;
    n -= k;
  }
}

static inline void flow_str(flow *f, int dir, const char *s)
{
  flow_send(f, dir, s, strlen(s));
}

static inline void flow_fin(flow *f, int dir)
{
  const wire_endpoint *src = dir ? &f->v : &f->c, *dst = dir ? &f->c : &f->v;
  synth_pkt(f->s, src, dst, f->seq[dir], f->seq[!dir],
            WIRE_TCP_FIN | WIRE_TCP_ACK, NULL, 0);
  f->seq[dir]++;
}

static inline void flow_rst(flow *f, int dir)
{
  const wire_endpoint *src = dir ? &f->v : &f->c, *dst = dir ? &f->c : &f->v;
  synth_pkt(f->s, src, dst, f->seq[dir], f->seq[!dir],
            WIRE_TCP_RST | WIRE_TCP_ACK, NULL, 0);
}

#endif
