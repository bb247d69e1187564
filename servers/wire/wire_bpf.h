/* wire_bpf: the capture's kernel filter, with a snap length per packet.
 *
 * libpcap gives one snap length per handle, but a classic BPF program's
 * return value is the number of bytes the kernel keeps of that packet
 * (Linux packet(7), SO_ATTACH_FILTER). wire_bpf_build compiles two
 * libpcap expressions and joins them into one program:
 *   - a packet matching `whole` (the control connections) is kept whole;
 *   - else a packet matching `filter` (every flow of the run) keeps its
 *     headers and `snap` bytes of TCP payload, or WIRE_BPF_HELLO_SNAP
 *     bytes when its payload starts a TLS record of type handshake (22)
 *     or change_cipher_spec (20): the hellos a TLS analysis reads;
 *   - else it is not captured.
 * The snapped returns are computed from the packet's own IPv4/IPv6 and
 * TCP header lengths and returned through the accumulator (`ret a`):
 * libpcap rewrites constant returns to its maximum on memory-mapped
 * captures, never a returned A. Link types with a known header length
 * (EN10MB: 14, RAW: 0) get the per-packet lengths; others keep
 * WIRE_BPF_HELLO_SNAP payload bytes of every non-whole packet. */
#ifndef WIRE_BPF_H
#define WIRE_BPF_H

#include <pcap/pcap.h>
#include <stddef.h>

#define WIRE_BPF_WHOLE 262144u            /* a whole packet (libpcap max) */
#define WIRE_BPF_HELLO_SNAP (16384u + 5u) /* WIRE_TLS_HELLO_MAX + header */
#define WIRE_BPF_SNAP_MAX 65535u          /* largest `snap` accepted */

/* Builds the program into *out (free it with pcap_freecode). whole may be
 * NULL or "" (nothing is kept whole); snap 0 keeps every matching packet
 * whole (filter alone, libpcap's program). 0, or -1 with err (libpcap's
 * message naming the bad expression). */
int wire_bpf_build(pcap_t *p, const char *filter, const char *whole,
                   unsigned snap, struct bpf_program *out, char *err,
                   size_t errlen);

#endif
