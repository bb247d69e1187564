/* px_net: the proxy's socket calls, all non-blocking and close-on-exec. */
#ifndef PX_NET_H
#define PX_NET_H

#include <sys/socket.h>

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

#endif
