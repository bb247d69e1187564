/* sim_outq: what the simulator writes to the host, queued when the pty is
 * full instead of dropped. A host that stops reading (a UART with flow
 * control held off) must see every byte once it reads again, and the
 * poll loop must not stall meanwhile: the loop flushes on POLLOUT and
 * stops reading a COM: download's data socket while the queue is high
 * (back-pressure, as on a real module). */
#ifndef SIM_OUTQ_H
#define SIM_OUTQ_H

#include "qc_buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Above this many queued bytes, downloads stop reading their socket. */
#define SIM_OUTQ_HIGH (256 * 1024)
/* A host that sends this much without reading a byte is not a host:
 * beyond it, output is dropped (and logged). */
#define SIM_OUTQ_MAX (16 * 1024 * 1024)

typedef struct {
  int fd;       /* non-blocking */
  qc_buf buf;   /* at most SIM_OUTQ_MAX; written from the front */
  bool dropped; /* logged once per overflow */
} sim_outq;

/* Makes fd non-blocking and the queue empty. 0 or -1. */
int sim_outq_init(sim_outq *q, int fd);
/* Queues n bytes after what is queued, then writes what the fd takes. */
void sim_outq_write(sim_outq *q, const char *buf, size_t n);
/* Writes what the fd takes now; returns what is still queued. */
size_t sim_outq_flush(sim_outq *q);
size_t sim_outq_pending(const sim_outq *q);
/* Forgets what is queued (a reset: a fresh module has said nothing). */
void sim_outq_discard(sim_outq *q);
/* Last chance before exit: flush until empty or deadline (qc_time). */
void sim_outq_drain(sim_outq *q, int64_t deadline);
void sim_outq_free(sim_outq *q);

#endif
