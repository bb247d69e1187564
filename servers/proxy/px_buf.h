/* px_buf: a byte queue with a fixed capacity, between a read and a write.
 *
 * The capacity is the backpressure: a side is read only while its queue has
 * room, so a fast peer cannot grow our memory. */
#ifndef PX_BUF_H
#define PX_BUF_H

#include <stddef.h>
#include <sys/types.h>

typedef struct px_buf {
  char *data;
  size_t len, cap;
} px_buf;

int px_buf_init(px_buf *b, size_t cap); /* 0 or -1 (ENOMEM) */
void px_buf_free(px_buf *b);
size_t px_buf_room(const px_buf *b);
/* Appends all n bytes or nothing: 0, or -1 when there is no room. */
int px_buf_append(px_buf *b, const void *p, size_t n);
void px_buf_consume(px_buf *b, size_t n);

/* One non-blocking read of at most `max` bytes into the free room:
 * > 0 bytes, 0 end of file, -1 error (errno), -2 would block. */
ssize_t px_buf_read(px_buf *b, int fd, size_t max);
/* One non-blocking write from the head: > 0 bytes sent (consumed),
 * -1 error (errno), -2 would block; 0 when the buffer is empty. */
ssize_t px_buf_write(px_buf *b, int fd);

#endif
