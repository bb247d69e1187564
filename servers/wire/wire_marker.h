/* wire_marker: how qftp-capture -C knows a case window's last packet is in
 * hand (wire_session.h, `end`).
 *
 * The kernel hands a TPACKET_V3 ring block to user space only when it is
 * full or its timer fires, and the packets of one ring come in the order
 * the kernel took them. So on `end` the capture sends itself a marker
 * frame on the capture interface and reads until the marker arrives:
 * every packet taken before it is then in hand. No fixed wait.
 *
 * The marker is a raw Ethernet frame of the IEEE local experimental
 * ethertype 0x88B5 sent through a packet socket of its own, from and to
 * the interface's own MAC address: it never reaches an IP stack (the
 * module's flows and the servers never see it) and on loopback it comes
 * back as received. On a NIC it is seen as it leaves (the run's server
 * address is local, so a datagram to it would cross lo, not the NIC); a
 * switch does not send a frame back to the port it came from. It carries
 * an id (the capture's pid) that the kernel filter matches, so one
 * capture never takes another's markers, and a sequence number per `end`.
 * Link types other than Ethernet (Linux gives lo an Ethernet one) get no
 * marker: the caller falls back to a bounded wait and says so. */
#ifndef WIRE_MARKER_H
#define WIRE_MARKER_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_MARKER_ETHERTYPE 0x88B5u
#define WIRE_MARKER_LEN 60 /* the shortest Ethernet frame, without FCS */
#define WIRE_MARKER_EXPR_MAX 96

/* The libpcap expression taking id's markers (and nothing else). 0, or -1
 * when len is short. */
int wire_marker_expr(uint32_t id, char *buf, size_t len);

/* The kernel filters of a window with the markers added: filter' =
 * (filter) or (marker); whole' = (whole) or (marker), or the marker alone
 * when whole is empty, so the marker is kept whole. 0, or -1 when a
 * buffer is short. */
int wire_marker_compose(const char *filter, const char *whole, uint32_t id,
                        char *f, size_t flen, char *w, size_t wlen);

/* Builds id's marker number seq from and to mac into out
 * (WIRE_MARKER_LEN bytes). */
void wire_marker_frame(const uint8_t mac[6], uint32_t id, uint32_t seq,
                       uint8_t out[WIRE_MARKER_LEN]);

/* 1 with *seq when the captured bytes (of link type dlt) are a marker of
 * id, else 0. */
int wire_marker_parse(int dlt, const uint8_t *bytes, size_t caplen,
                      uint32_t id, uint32_t *seq);

/* A sender on one interface. */
typedef struct wire_marker_tx {
  int fd; /* -1: none */
  int ifindex;
  uint8_t mac[6];
  /* How many copies of a marker the kernel's counters take for each one
   * read: on loopback a packet socket sees a frame leaving and coming back
   * and libpcap passes on the second only (so it is with every loopback
   * packet); on a NIC it sees it leaving. */
  unsigned copies;
} wire_marker_tx;

/* Opens a sender on iface for a capture of link type dlt. 0, or -1 with
 * why (not Ethernet, no such interface, no packet socket). */
int wire_marker_open(wire_marker_tx *tx, const char *iface, int dlt,
                     char *why, size_t whylen);

/* Sends id's marker number seq. 0, or -1 with why. */
int wire_marker_send(const wire_marker_tx *tx, uint32_t id, uint32_t seq,
                     char *why, size_t whylen);

/* Closes the sender (a closed one is fine). */
void wire_marker_close(wire_marker_tx *tx);

#endif
