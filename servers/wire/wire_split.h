/* wire_split: which case window a captured packet belongs to.
 *
 * One capture serves a whole run; each case gets a window [begin, end)
 * of capture time. A packet belongs to the open window when its TCP flow
 * started in that window: a flow starts with its SYN (without ACK); a
 * flow first seen without its SYN began before anyone looked (the tail of
 * a server's start-up probe, whose FIN can come late under load) and
 * belongs to no window. A flow keeps the window it started in, so a
 * connection that outlives its case (a late FIN, a retransmission) never
 * lands in the next case's file, and one that started before a case (the
 * previous case's, or before the run) never joins it. Packets are fed in capture order with their time
 * stamps; pure (no pcap, no I/O). Memory is fixed: WIRE_SPLIT_SLOTS flow
 * entries; when they run short the flows of windows long closed are
 * forgotten first (see wire_split.c). */
#ifndef WIRE_SPLIT_H
#define WIRE_SPLIT_H

#include "wire_reasm.h"

#include <stdbool.h>
#include <stdint.h>

#define WIRE_SPLIT_SLOTS 8192 /* flow entries (a power of two) */
#define WIRE_SPLIT_KEEP 8     /* windows whose flows outlive a clean-up */

typedef struct wire_split_flow {
  uint8_t key[38]; /* lower endpoint then higher: addr(16) port(2) each, fam */
  bool used;
  uint32_t window; /* the window it started in; 0: none */
} wire_split_flow;

typedef struct wire_split {
  wire_split_flow slot[WIRE_SPLIT_SLOTS];
  uint32_t nused;
  uint32_t window;      /* the latest window's number (1, 2, ...); 0: none */
  int64_t begin, end;   /* its bounds, microseconds; end INT64_MAX: open */
  uint64_t forgotten;   /* flows dropped from the table to make room */
} wire_split;

/* An empty table, no window. */
void wire_split_init(wire_split *s);

/* Opens the next window at t_us (capture time, microseconds). */
void wire_split_begin(wire_split *s, int64_t t_us);

/* Closes the window at t_us: packets stamped from t_us on are outside. */
void wire_split_end(wire_split *s, int64_t t_us);

/* true when the packet stamped t_us belongs to the latest window. seg
 * NULL: not a TCP packet (nothing to track): it belongs to the window
 * its time falls in. Every TCP packet is tracked, in the window or not,
 * so that its flow's start is known. */
bool wire_split_take(wire_split *s, const wire_tcp_seg *seg, int64_t t_us);

#endif
