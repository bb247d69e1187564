/* sim_outq: host output, queued behind a full pty. */
#include "sim_outq.h"

#include "qc_io.h"
#include "qc_time.h"
#include "sim_log.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sim_outq_init(sim_outq *q, int fd)
{
  memset(q, 0, sizeof *q);
  q->fd = fd;
  return qc_set_nonblock(fd, 1);
}

size_t sim_outq_pending(const sim_outq *q)
{
  return q->len;
}

size_t sim_outq_flush(sim_outq *q)
{
  size_t done = 0;
  while (done < q->len) {
    ssize_t w = write(q->fd, q->buf + done, q->len - done);
    if (w > 0) {
      done += (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      /* EIO: the host closed its side; what is queued has nowhere to go. */
      sim_log("at: output lost (%s)", strerror(errno));
      done = q->len;
    }
    break;
  }
  memmove(q->buf, q->buf + done, q->len - done);
  q->len -= done;
  return q->len;
}

void sim_outq_write(sim_outq *q, const char *buf, size_t n)
{
  if (q->len + n > SIM_OUTQ_MAX) {
    if (!q->dropped)
      sim_log("at: output dropped (host not reading, %zu bytes queued)",
              q->len);
    q->dropped = true;
    return;
  }
  q->dropped = false;
  if (q->len + n > q->cap) {
    size_t cap = q->cap ? q->cap : 4096;
    while (cap < q->len + n)
      cap *= 2;
    char *b = realloc(q->buf, cap);
    if (!b) {
      sim_log("at: output dropped (out of memory)");
      return;
    }
    q->buf = b;
    q->cap = cap;
  }
  memcpy(q->buf + q->len, buf, n);
  q->len += n;
  sim_outq_flush(q);
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
  free(q->buf);
  memset(q, 0, sizeof *q);
  q->fd = -1;
}
