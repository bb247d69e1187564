#include "qc_io.h"
#include "qc_time.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

static int wait_event(int fd, short ev, int64_t deadline)
{
  for (;;) {
    struct pollfd p = {.fd = fd, .events = ev};
    int n = poll(&p, 1, qc_remaining_ms(deadline));
    if (n > 0) {
      if (p.revents & POLLNVAL) {
        errno = EBADF;
        return QC_IO_ERR;
      }
      return 1;
    }
    if (n == 0)
      return QC_IO_TIMEOUT;
    if (errno != EINTR)
      return QC_IO_ERR;
  }
}

int qc_wait_readable(int fd, int64_t deadline)
{
  return wait_event(fd, POLLIN, deadline);
}

ssize_t qc_read_some(int fd, void *buf, size_t n, int64_t deadline)
{
  for (;;) {
    int w = wait_event(fd, POLLIN, deadline);
    if (w != 1)
      return w;
    ssize_t r = read(fd, buf, n);
    if (r >= 0)
      return r;
    if (errno == EIO) /* pty master after the slave side closed */
      return 0;
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      return QC_IO_ERR;
  }
}

ssize_t qc_read_nb(int fd, void *buf, size_t n, int64_t deadline)
{
  for (;;) {
    ssize_t r = read(fd, buf, n);
    if (r >= 0)
      return r;
    if (errno == EIO)
      return 0;
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      return QC_IO_ERR;
    if (errno == EINTR)
      continue;
    int w = wait_event(fd, POLLIN, deadline);
    if (w != 1)
      return w;
  }
}

int qc_write_all(int fd, const void *buf, size_t n, int64_t deadline)
{
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
      continue;
    }
    if (w < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      return QC_IO_ERR;
    if (w < 0 && errno == EINTR)
      continue;
    int r = wait_event(fd, POLLOUT, deadline);
    if (r != 1)
      return r;
  }
  return 0;
}

int qc_set_nonblock(int fd, int on)
{
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0)
    return -1;
  fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  return fcntl(fd, F_SETFL, fl);
}

int qc_set_cloexec(int fd)
{
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0)
    return -1;
  return fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}
