/* loop_addr: claim a 127.77.x.y for the run by binding a socket to it. */
#include "loop_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void qh_loop_candidate(unsigned index, char *buf, size_t len)
{
  unsigned i = index % QH_LOOP_ADDRS;
  snprintf(buf, len, "127.77.%u.%u", i / 254, i % 254 + 1);
}

/* 0 claimed, else the errno of the bind (or socket). */
static int try_claim(const char *addr, int port, int *fd_out)
{
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
    return EINVAL;
  /* No SO_REUSEADDR: the bind must fail while another run holds it. */
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return errno;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int e = errno;
    close(fd);
    return e;
  }
  *fd_out = fd;
  return 0;
}

int qh_loop_claim(unsigned start, unsigned tries, int port, qh_loop_addr *out,
                  char *err, size_t errlen)
{
  out->fd = -1;
  out->addr[0] = '\0';
  if (port <= 0 || port > 65535) {
    snprintf(err, errlen, "loopback claim: port %d out of range", port);
    return -1;
  }
  char first[16] = "", last[16] = "";
  for (unsigned i = 0; i < tries; i++) {
    char a[16];
    qh_loop_candidate(start + i, a, sizeof a);
    if (i == 0)
      snprintf(first, sizeof first, "%s", a);
    snprintf(last, sizeof last, "%s", a);
    int e = try_claim(a, port, &out->fd);
    if (e == 0) {
      snprintf(out->addr, sizeof out->addr, "%s", a);
      return 0;
    }
    if (e != EADDRINUSE) {
      snprintf(err, errlen, "loopback address %s: cannot claim port %d: %s",
               a, port, strerror(e));
      return -1;
    }
  }
  snprintf(err, errlen,
           "no free loopback address for the run's servers: %u tried (%s to "
           "%s), each has port %d taken (other runs, or something listening "
           "on 0.0.0.0:%d)",
           tries, first, last, port, port);
  return -1;
}

void qh_loop_release(qh_loop_addr *a)
{
  if (a->fd >= 0)
    close(a->fd);
  a->fd = -1;
}
