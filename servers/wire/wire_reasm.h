/* wire_reasm: TCP stream reassembly, both directions of every connection.
 *
 * Pure (no pcap, no I/O): the caller decodes packets into wire_tcp_seg and
 * feeds them in capture order; callbacks deliver each direction's bytes in
 * order, exactly once. Out-of-order segments are buffered (at most
 * WIRE_REASM_OOO_MAX bytes per direction), duplicates and retransmissions
 * are dropped, overlaps trimmed. A hole that never fills (a capture drop)
 * is reported through on_gap and counted as missing bytes. A segment cut
 * by the capture's snap length (caplen < len) keeps its place in the
 * sequence space: its uncaptured tail goes to on_cut, counts in `next`
 * and in `uncaptured`, never in `missing`. The "client"
 * of a connection is the side that sent the SYN; without a SYN in the
 * capture the sender of the first segment is taken and the connection is
 * flagged (no_syn). All connections are kept until wire_reasm_free. */
#ifndef WIRE_REASM_H
#define WIRE_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_REASM_OOO_MAX (8u << 20) /* buffered bytes per direction */
#define WIRE_REASM_CONN_MAX 65536     /* connections per capture */

enum { WIRE_TCP_FIN = 0x01, WIRE_TCP_SYN = 0x02, WIRE_TCP_RST = 0x04,
       WIRE_TCP_PSH = 0x08, WIRE_TCP_ACK = 0x10 };

typedef struct wire_endpoint {
  int family;       /* 4 or 6 */
  uint8_t addr[16]; /* IPv4 in the first 4 bytes */
  uint16_t port;
} wire_endpoint;

typedef struct wire_tcp_seg {
  double ts; /* capture time, seconds */
  wire_endpoint src, dst;
  uint32_t seq, ack;
  uint8_t flags; /* WIRE_TCP_* */
  const uint8_t *payload;
  size_t len; /* payload bytes captured */
  size_t cut; /* payload bytes on the wire after them, not captured (the
                 capture's snap length); they count in the stream */
} wire_tcp_seg;

/* Direction index: 0 client -> server, 1 server -> client. */
enum { WIRE_C2S = 0, WIRE_S2C = 1 };

typedef struct wire_reasm_dir {
  bool started;       /* ISN (or first seq) known */
  bool syn;           /* started from a SYN */
  uint32_t base;      /* sequence number of stream offset 0 */
  uint64_t next;      /* next in-order stream offset = bytes delivered */
  uint64_t missing;   /* bytes declared lost */
  uint64_t first_gap; /* stream offset of the first loss */
  uint64_t dups;      /* retransmitted / duplicate bytes dropped */
  uint64_t uncaptured; /* bytes sent but cut by the snap length */
  bool fin, rst;      /* this side sent FIN / RST */
  double fin_ts, rst_ts;
  uint64_t fin_off;   /* stream offset of the FIN */
  uint64_t acked;     /* highest offset the peer acknowledged (0: none) */
  struct wire_ooo *ooo; /* sorted by offset; owned */
  size_t ooo_bytes;
} wire_reasm_dir;

typedef struct wire_conn {
  unsigned id;              /* 1-based, in order of first sight */
  wire_endpoint cli, srv;   /* cli sent the SYN (or the first segment) */
  bool no_syn;              /* started mid-stream */
  double t_first, t_last;
  wire_reasm_dir d[2];      /* WIRE_C2S, WIRE_S2C */
  int first_closer;         /* -1 none, else WIRE_C2S/WIRE_S2C sender */
  bool first_close_rst;
  void *user;               /* for the caller; never touched here */
  struct wire_conn *hnext;  /* hash chain */
} wire_conn;

typedef struct wire_reasm_ops {
  /* A connection was seen for the first time (before any of its data). */
  void (*on_open)(void *ctx, wire_conn *c, double ts);
  /* n in-order bytes at stream offset off of direction dir. */
  void (*on_data)(void *ctx, wire_conn *c, int dir, uint64_t off,
                  const uint8_t *p, size_t n, double ts);
  /* n bytes at offset off of direction dir will never come. */
  void (*on_gap)(void *ctx, wire_conn *c, int dir, uint64_t off, uint64_t n);
  /* The sender of direction dir sent FIN (rst false) or RST. */
  void (*on_close)(void *ctx, wire_conn *c, int dir, bool rst, double ts);
  /* n in-order bytes at stream offset off were on the wire but are not
   * in the capture (snap length): not lost, only unseen. */
  void (*on_cut)(void *ctx, wire_conn *c, int dir, uint64_t off, uint64_t n);
} wire_reasm_ops;

typedef struct wire_reasm wire_reasm;

/* ops is copied; any callback may be NULL. NULL on allocation failure. */
wire_reasm *wire_reasm_new(const wire_reasm_ops *ops, void *ctx);

/* Feeds one segment. 0, or -1 when the connection table is full or memory
 * ran out (the segment is ignored; err says why). */
int wire_reasm_feed(wire_reasm *r, const wire_tcp_seg *s, char *err,
                    size_t errlen);

/* End of capture: flushes buffered segments past their holes and counts
 * bytes acknowledged by a peer but never seen, as missing. */
void wire_reasm_finish(wire_reasm *r);

/* Connections in order of first sight (valid until wire_reasm_free). */
size_t wire_reasm_count(const wire_reasm *r);
wire_conn *wire_reasm_conn(const wire_reasm *r, size_t i);

void wire_reasm_free(wire_reasm *r);

/* "127.0.0.1:2121" or "[::1]:2121" into buf. */
void wire_endpoint_str(const wire_endpoint *e, char *buf, size_t len);

#endif
