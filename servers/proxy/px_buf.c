#include "px_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int px_buf_init(px_buf *b, size_t cap)
{
  b->data = malloc(cap);
  b->len = 0;
  b->cap = b->data ? cap : 0;
  return b->data ? 0 : -1;
}

void px_buf_free(px_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

size_t px_buf_room(const px_buf *b)
{
  return b->cap - b->len;
}

int px_buf_append(px_buf *b, const void *p, size_t n)
{
  if (n > px_buf_room(b))
    return -1;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

void px_buf_consume(px_buf *b, size_t n)
{
  if (n >= b->len) {
    b->len = 0;
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

ssize_t px_buf_read(px_buf *b, int fd, size_t max)
{
  size_t room = px_buf_room(b);
  if (max > room)
    max = room;
  if (max == 0)
    return -2;
  for (;;) {
    ssize_t r = read(fd, b->data + b->len, max);
    if (r > 0)
      b->len += (size_t)r;
    if (r >= 0)
      return r;
    if (errno == EINTR)
      continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
  }
}

ssize_t px_buf_write(px_buf *b, int fd)
{
  if (b->len == 0)
    return 0;
  for (;;) {
    /* send, not write: MSG_NOSIGNAL spares us SIGPIPE from a gone peer. */
    ssize_t w = send(fd, b->data, b->len, MSG_NOSIGNAL);
    if (w > 0) {
      px_buf_consume(b, (size_t)w);
      return w;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return -2;
    return -1;
  }
}
