/* wire_pkt: link, IP (RFC 791, RFC 8200) and TCP (RFC 793 3.1) headers. */
#include "wire_pkt.h"

#include <pcap/pcap.h>
#include <string.h>

static uint16_t be16(const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

int wire_pkt_linktype_ok(int lt)
{
  return lt == DLT_EN10MB || lt == DLT_NULL || lt == DLT_LOOP ||
         lt == DLT_LINUX_SLL || lt == DLT_RAW;
}

/* Finds the network header: *ethertype 0x0800 / 0x86dd. -1: unknown. */
static int link_skip(int lt, const uint8_t *p, size_t n, size_t *off,
                     uint16_t *ethertype)
{
  if (lt == DLT_EN10MB) {
    if (n < 14)
      return -1;
    size_t o = 12;
    uint16_t t = be16(p + o);
    while ((t == 0x8100 || t == 0x88a8) && o + 6 <= n) { /* 802.1Q tags */
      o += 4;
      t = be16(p + o);
    }
    *off = o + 2;
    *ethertype = t;
    return 0;
  }
  if (lt == DLT_NULL || lt == DLT_LOOP) {
    if (n < 4)
      return -1;
    /* The family is in host order for NULL, network order for LOOP; AF_INET
     * is 2 everywhere, AF_INET6 is 10, 24, 28 or 30 depending on the OS. */
    uint32_t fam = p[0] ? p[0] : p[3];
    *off = 4;
    *ethertype = fam == 2 ? 0x0800 : 0x86dd;
    return 0;
  }
  if (lt == DLT_LINUX_SLL) {
    if (n < 16)
      return -1;
    *off = 16;
    *ethertype = be16(p + 14);
    return 0;
  }
  if (lt == DLT_RAW) {
    if (n < 1)
      return -1;
    *off = 0;
    *ethertype = (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
    return 0;
  }
  return -1;
}

int wire_pkt_decode(int lt, const uint8_t *p, size_t n, double ts,
                    wire_tcp_seg *s)
{
  size_t o;
  uint16_t et;
  if (link_skip(lt, p, n, &o, &et) < 0)
    return -1;
  memset(s, 0, sizeof *s);
  s->ts = ts;
  size_t end; /* end of the IP datagram (Ethernet may pad short frames) */
  if (et == 0x0800) {
    if (n < o + 20 || (p[o] >> 4) != 4)
      return -1;
    size_t ihl = (size_t)(p[o] & 0x0f) * 4;
    size_t tot = be16(p + o + 2);
    if (ihl < 20 || tot < ihl)
      return -1;
    if (p[o + 9] != 6)
      return 0;
    if ((be16(p + o + 6) & 0x3fff) != 0) /* MF or a fragment offset */
      return 0;
    s->src.family = s->dst.family = 4;
    memcpy(s->src.addr, p + o + 12, 4);
    memcpy(s->dst.addr, p + o + 16, 4);
    end = o + tot;
    o += ihl;
  } else if (et == 0x86dd) {
    if (n < o + 40 || (p[o] >> 4) != 6)
      return -1;
    if (p[o + 6] != 6)
      return 0;
    s->src.family = s->dst.family = 6;
    memcpy(s->src.addr, p + o + 8, 16);
    memcpy(s->dst.addr, p + o + 24, 16);
    end = o + 40 + be16(p + o + 4);
    o += 40;
  } else {
    return 0;
  }
  /* Snapped (caplen < len): the headers must be whole; the payload past
   * the snap length is counted from the IP length, not captured. */
  size_t wire_end = end;
  if (end > n)
    end = n;
  if (end < o + 20)
    return -1;
  size_t doff = (size_t)(p[o + 12] >> 4) * 4;
  if (doff < 20 || o + doff > end || o + doff > wire_end)
    return -1;
  s->src.port = be16(p + o);
  s->dst.port = be16(p + o + 2);
  s->seq = be32(p + o + 4);
  s->ack = be32(p + o + 8);
  s->flags = p[o + 13] & 0x1f;
  s->payload = p + o + doff;
  s->len = end - o - doff;
  s->cut = wire_end - end;
  return 1;
}
