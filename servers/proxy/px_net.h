/* px_net: the proxy's socket calls, all non-blocking and close-on-exec. */
#ifndef PX_NET_H
#define PX_NET_H

#include "qc_buf.h"

#include <sys/socket.h>
#include <sys/types.h>

/* A listening socket bound to `a` (port 0: any free one). fd or -1. */
int px_net_listen(const struct sockaddr_storage *a, int backlog);

/* Starts a non-blocking connect: fd (connected or in progress) or -1. */
int px_net_connect(const struct sockaddr_storage *a);

/* After POLLOUT on a connecting fd: 0 connected, or the errno value. */
int px_net_connect_result(int fd);

/* Accepts one connection, non-blocking: fd, or -1 (errno; EAGAIN when
 * none is pending). */
int px_net_accept(int lfd, struct sockaddr_storage *peer);

/* Closes with SO_LINGER 0, so the peer gets RST. */
void px_net_reset(int fd);

/* Local / peer address of a socket: 0 or -1. */
int px_net_local(int fd, struct sockaddr_storage *out);
int px_net_peer(int fd, struct sockaddr_storage *out);

/* The relay's two moves between a socket and a bounded queue (qc_buf.h).
 * The queue's maximum is the backpressure: a side is read only while its
 * queue has room, so a fast peer cannot grow our memory.
 *
 * One non-blocking read of at most `max` bytes into b's room:
 * > 0 bytes, 0 end of file, -1 error (errno), -2 would block or no room. */
ssize_t px_net_read_buf(qc_buf *b, int fd, size_t max);
/* One non-blocking send from b's head: > 0 bytes sent (consumed),
 * -1 error (errno), -2 would block; 0 when b is empty. */
ssize_t px_net_send_buf(qc_buf *b, int fd);

#endif
