/* wire_capture: the harness's side of qftp-capture (a child process).
 *
 * Capturing needs root (or CAP_NET_RAW); the tool runs as its own process
 * so a crash or a hang in libpcap cannot take the runner with it, and so
 * SIGTERM gives a clean flush. Protocol on its stdout: "ready" once the
 * filter is set, "stats received=N dropped=N ifdropped=N" at the end
 * (counted over the filter's packets only). The harness runs one per run
 * in control mode (-C, wire_session.h): a "stats" line per case window. */
#ifndef WIRE_CAPTURE_H
#define WIRE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_CAPTURE_READY_MS 5000 /* wait for "ready" */
#define WIRE_CAPTURE_STOP_MS 5000  /* wait for "stats" after SIGTERM */
#define WIRE_FILTER_MAX 2048       /* a filter built by wire_filter_build */
#define WIRE_FLOWS_MAX 8           /* port ranges of each kind */
#define WIRE_CAPTURE_SNAP 256      /* TCP payload bytes kept of data packets */
/* wire_capture_stop / _end: the capture worked but packets of the
 * filter's flows may be missing: the kernel dropped some (st says how
 * many), or a window's end was not confirmed (st->late). */
#define WIRE_CAPTURE_DROPPED 1

typedef struct wire_capture wire_capture;

typedef struct wire_capture_stats {
  uint64_t received, dropped, ifdropped;
  /* -C, how `end` knew it had the window's last packet (wire_session.h):
   * waited: no end marker on this interface, the block timer was waited
   * out; late: the marker did not come back in time. Neither: exact. */
  bool waited, late;
} wire_capture_stats;

typedef struct wire_port_range {
  int lo, hi; /* lo == hi: one port */
} wire_port_range;

/* The flows of one case, by the server's side: a TCP packet belongs to
 * them when its server-side end is server_addr and one of the ports, and
 * (when module_addr is known) its other end is module_addr. Ports on the
 * server side only: the module's ports are ephemeral (and on loopback
 * both ends share addresses), the server's are the run's own. */
typedef struct wire_flows {
  const char *server_addr;             /* IPv4/IPv6 literal; required */
  const char *module_addr;             /* NULL: any address */
  wire_port_range whole[WIRE_FLOWS_MAX]; /* control ports: kept whole */
  size_t nwhole;
  wire_port_range data[WIRE_FLOWS_MAX];  /* data ports: snapped */
  size_t ndata;
} wire_flows;

/* Adds a port (hi 0: lo alone) to f->whole or f->data. -1 when full or
 * out of 1..65535. */
int wire_flows_add(wire_flows *f, bool whole, int lo, int hi);

/* The capture's two expressions (tcpdump syntax): `filter`, every packet
 * of the flows; `whole`, those kept whole (the control ports), or "" when
 * there are none. 0, or -1 if an address is not a literal, no port was
 * given, or it does not fit. */
int wire_filter_build(const wire_flows *f, char *filter, size_t flen,
                      char *whole, size_t wlen);

/* The source address this host uses to reach `dst` (what a local client
 * such as the simulator's connects from): a routing lookup, no packet
 * sent. 0, or -1. */
int wire_source_addr(const char *dst, char *buf, size_t len);

/* One-shot: spawns `binary -i iface -f filter -w pcap_path [-c whole -s snap]` and
 * waits (5 s) for "ready". snap 0: every packet whole. 0 with *out (owned
 * by the caller until wire_capture_stop), or -1 with err (the tool's
 * stderr, when it said why). */
int wire_capture_start(const char *binary, const char *iface,
                       const char *filter, const char *whole, unsigned snap,
                       const char *pcap_path, wire_capture **out, char *err,
                       size_t errlen);

/* One capture for a whole run, cut per case (qftp-capture -C,
 * wire_session.h): open it once, then begin/end around each case, close
 * it at the end of the run. */

/* Spawns `binary -i iface -C [-s snap]` and waits (5 s) for "ready". 0
 * with *out, or -1 with err. */
int wire_capture_open(const char *binary, const char *iface, unsigned snap,
                      wire_capture **out, char *err, size_t errlen);

/* Sets the filters (as wire_capture_start's, set again only when they
 * changed) and opens a case window into pcap_path: the packets of flows
 * that start from now on. 0, or -1 with err. */
int wire_capture_begin(wire_capture *c, const char *filter, const char *whole,
                       const char *pcap_path, char *err, size_t errlen);

/* Closes the window (the file is complete on return). Returns and fills
 * st as wire_capture_stop, for this window's packets. */
int wire_capture_end(wire_capture *c, wire_capture_stats *st, char *err,
                     size_t errlen);

/* true once the tool failed to answer: close it and open another. */
bool wire_capture_broken(const wire_capture *c);

/* Ends the tool (end of its input), reaps it (5 s, then SIGTERM), frees
 * c. NULL is fine. 0, or -1 with err when it did not exit cleanly. */
int wire_capture_close(wire_capture *c, char *err, size_t errlen);

/* One-shot (one pcap until stopped): SIGTERM, reads the stats line (5 s), reaps, frees c. 0; or
 * WIRE_CAPTURE_DROPPED when the kernel dropped packets of the flows (err:
 * "capture dropped N packets ..."; the pcap is sound but has holes); or
 * -1 when the tool failed or timed out (err says which). st is filled
 * whenever the stats line came. Always frees c and reaps the child. */
int wire_capture_stop(wire_capture *c, wire_capture_stats *st, char *err,
                      size_t errlen);

#endif
