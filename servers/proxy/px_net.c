#include "px_net.h"
#include "px_addr.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int px_net_listen(const struct sockaddr_storage *a, int backlog)
{
  int fd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (const struct sockaddr *)a, px_addr_len(a)) < 0 ||
      listen(fd, backlog) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int px_net_connect(const struct sockaddr_storage *a)
{
  int fd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (const struct sockaddr *)a, px_addr_len(a)) < 0 &&
      errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int px_net_connect_result(int fd)
{
  int e = 0;
  socklen_t l = sizeof e;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
    return errno;
  return e;
}

int px_net_accept(int lfd, struct sockaddr_storage *peer)
{
  socklen_t l = sizeof *peer;
  for (;;) {
    int fd =
        accept4(lfd, (struct sockaddr *)peer, &l, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0 || errno != EINTR)
      return fd;
  }
}

void px_net_reset(int fd)
{
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

int px_net_local(int fd, struct sockaddr_storage *out)
{
  socklen_t l = sizeof *out;
  memset(out, 0, sizeof *out);
  return getsockname(fd, (struct sockaddr *)out, &l);
}

int px_net_peer(int fd, struct sockaddr_storage *out)
{
  socklen_t l = sizeof *out;
  memset(out, 0, sizeof *out);
  return getpeername(fd, (struct sockaddr *)out, &l);
}

ssize_t px_net_read_buf(qc_buf *b, int fd, size_t max)
{
  size_t room = qc_buf_room(b);
  if (max > room)
    max = room;
  if (max == 0)
    return -2;
  char *at = qc_buf_space(b, max);
  if (!at)
    return -1; /* out of memory (errno) */
  for (;;) {
    ssize_t r = read(fd, at, max);
    if (r > 0)
      qc_buf_commit(b, (size_t)r);
    if (r >= 0)
      return r;
    if (errno == EINTR)
      continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
  }
}

ssize_t px_net_send_buf(qc_buf *b, int fd)
{
  if (qc_buf_len(b) == 0)
    return 0;
  for (;;) {
    /* send, not write: MSG_NOSIGNAL spares us SIGPIPE from a gone peer. */
    ssize_t w = send(fd, qc_buf_data(b), qc_buf_len(b), MSG_NOSIGNAL);
    if (w > 0) {
      qc_buf_consume(b, (size_t)w);
      return w;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return -2;
    return -1;
  }
}
