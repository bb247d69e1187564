/* wire_capture: the harness's side of qftp-capture (a child process).
 *
 * Capturing needs root (or CAP_NET_RAW); the tool runs as its own process
 * so a crash or a hang in libpcap cannot take the runner with it, and so
 * SIGTERM gives a clean flush. Protocol on its stdout: "ready" once the
 * filter is set, "stats received=N dropped=N ifdropped=N" at the end. */
#ifndef WIRE_CAPTURE_H
#define WIRE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_CAPTURE_READY_MS 5000 /* wait for "ready" */
#define WIRE_CAPTURE_STOP_MS 5000  /* wait for "stats" after SIGTERM */
#define WIRE_FILTER_MAX 256        /* a filter built by wire_filter_build */

typedef struct wire_capture wire_capture;

typedef struct wire_capture_stats {
  uint64_t received, dropped, ifdropped;
} wire_capture_stats;

/* Spawns `binary -i iface -f filter -w pcap_path` and waits (5 s) for
 * "ready". 0 with *out (owned by the caller until wire_capture_stop), or
 * -1 with err (the tool's stderr, when it said why). */
int wire_capture_start(const char *binary, const char *iface,
                       const char *filter, const char *pcap_path,
                       wire_capture **out, char *err, size_t errlen);

/* SIGTERM, reads the stats line (5 s), reaps, frees c. 0, or -1 when the
 * tool failed, timed out or reported drops (err says which; st is filled
 * whenever the stats line came). Always frees c and reaps the child. */
int wire_capture_stop(wire_capture *c, wire_capture_stats *st, char *err,
                      size_t errlen);

/* A BPF filter for one server. any_tcp_to_server: "tcp and host SERVER" —
 * the safe choice on loopback, where active-mode data connections go from
 * the server's port 20 (or an ephemeral one) to a module port no filter can
 * know in advance. Otherwise the control port and the passive range only
 * (pasv_lo 0: no range). 0, or -1 if it does not fit or the address is not
 * a plain IPv4/IPv6 literal. */
int wire_filter_build(char *buf, size_t len, const char *server_addr,
                      int ctrl_port, int pasv_lo, int pasv_hi,
                      bool any_tcp_to_server);

#endif
