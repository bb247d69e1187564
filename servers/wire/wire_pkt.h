/* wire_pkt: one captured frame -> one TCP segment (no state, no pcap I/O).
 *
 * Link types: DLT_EN10MB (with 802.1Q tags), DLT_NULL, DLT_LOOP,
 * DLT_LINUX_SLL, DLT_RAW. Network: IPv4 (no fragments reassembled) and
 * IPv6 (no extension headers other than none). */
#ifndef WIRE_PKT_H
#define WIRE_PKT_H

#include "wire_reasm.h"

/* 1: out holds the segment (payload points into p; out->len bytes of it
 * captured, out->cut more on the wire past the snap length, from the IP
 * length); 0: not TCP over IP, or a fragment (ignored); -1: malformed, or
 * cut inside its IP or TCP header. */
int wire_pkt_decode(int linktype, const uint8_t *p, size_t caplen, double ts,
                    wire_tcp_seg *out);

/* true if the link type is one wire_pkt_decode understands. */
int wire_pkt_linktype_ok(int linktype);

#endif
