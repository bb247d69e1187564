/* sim_outq: host output, queued behind a full pty. */
#include "sim_outq.h"

#include "qc_io.h"
#include "qc_time.h"
#include "sim_log.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

int sim_outq_init(sim_outq *q, int fd)
{
  memset(q, 0, sizeof *q);
  q->fd = fd;
  qc_buf_init(&q->buf, SIM_OUTQ_MAX);
  return qc_set_nonblock(fd, 1);
}

size_t sim_outq_pending(const sim_outq *q)
{
  return qc_buf_len(&q->buf);
}

size_t sim_outq_flush(sim_outq *q)
{
  /* What the fd took is consumed from the front: a partial write moves
   * nothing (qc_buf.h). */
  while (qc_buf_len(&q->buf) > 0) {
    ssize_t w = write(q->fd, qc_buf_data(&q->buf), qc_buf_len(&q->buf));
    if (w > 0) {
      qc_buf_consume(&q->buf, (size_t)w);
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      /* EIO: the host closed its side; what is queued has nowhere to go. */
      sim_log("at: output lost (%s)", strerror(errno));
      qc_buf_consume(&q->buf, qc_buf_len(&q->buf));
    }
    break;
  }
  return qc_buf_len(&q->buf);
}

void sim_outq_write(sim_outq *q, const char *buf, size_t n)
{
  if (qc_buf_add(&q->buf, buf, n) < 0) {
    if (errno == ENOMEM) {
      sim_log("at: output dropped (out of memory)");
    } else {
      if (!q->dropped)
        sim_log("at: output dropped (host not reading, %zu bytes queued)",
                qc_buf_len(&q->buf));
      q->dropped = true;
    }
    return;
  }
  q->dropped = false;
  sim_outq_flush(q);
}

void sim_outq_discard(sim_outq *q)
{
  qc_buf_reset(&q->buf);
  q->dropped = false;
}

void sim_outq_drain(sim_outq *q, int64_t deadline)
{
  while (sim_outq_flush(q) > 0) {
    int ms = qc_remaining_ms(deadline);
    struct pollfd p = {.fd = q->fd, .events = POLLOUT};
    if (ms <= 0 || poll(&p, 1, ms) <= 0)
      return;
  }
}

void sim_outq_free(sim_outq *q)
{
  qc_buf_free(&q->buf);
  q->dropped = false;
  q->fd = -1;
}
