#include "srv_ftp.h"
#include "srv_net.h"
#include "qc_io.h"
#include "qc_reply.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qc_time.h"

static int addr_of(const char *addr, int port, struct sockaddr_in *sa)
{
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)port);
  return inet_pton(AF_INET, addr ? addr : "127.0.0.1", &sa->sin_addr) == 1 ? 0
                                                                           : -1;
}

int srv_free_port(const char *listen_addr)
{
  struct sockaddr_in sa;
  if (addr_of(listen_addr, 0, &sa) < 0)
    return 0;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  socklen_t sl = sizeof sa;
  int port = 0;
  /* Port 0: the kernel picks one from the ephemeral range that nothing
   * uses; it stays free once we close (no listen, no TIME_WAIT). */
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
      getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
    port = ntohs(sa.sin_port);
  close(fd);
  return port;
}

int srv_net_connect(const char *addr, int port, int64_t deadline, int *refused,
                    char *err, size_t errlen)
{
  struct sockaddr_in sa;
  if (refused)
    *refused = 0;
  if (addr_of(addr, port, &sa) < 0) {
    snprintf(err, errlen, "not an IPv4 address: %s", addr);
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    snprintf(err, errlen, "socket: %s", strerror(errno));
    return -1;
  }
  int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
  if (rc < 0 && errno == EINPROGRESS) {
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int n;
    do {
      n = poll(&p, 1, qc_remaining_ms(deadline));
    } while (n < 0 && errno == EINTR);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (n == 0)
      soerr = ETIMEDOUT;
    else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
      soerr = errno;
    rc = soerr ? -1 : 0;
    errno = soerr;
  }
  if (rc < 0) {
    if (refused)
      *refused = errno == ECONNREFUSED;
    snprintf(err, errlen, "connect %s:%d: %s", addr, port, strerror(errno));
    close(fd);
    return -1;
  }
  qc_set_nonblock(fd, 0);
  return fd;
}

int srv_net_read_reply(int fd, int64_t deadline, char *buf, size_t len,
                       char *err, size_t errlen)
{
  char store[SRV_NET_REPLY_MAX + 1];
  qc_reply r;
  qc_reply_init(&r, QC_REPLY_STRICT, SRV_NET_LINE_MAX, SRV_NET_REPLY_MAX,
                store);
  if (len)
    buf[0] = '\0';
  for (;;) {
    /* Byte by byte, so nothing after the reply is consumed. */
    char c;
    ssize_t n = qc_read_some(fd, &c, 1, deadline);
    size_t got = qc_reply_len(&r);
    if (n == QC_IO_TIMEOUT) {
      snprintf(err, errlen, "no complete reply in time (got %zu bytes)", got);
      return -1;
    }
    if (n == 0) {
      const char *t = qc_reply_text(&r);
      snprintf(err, errlen, "connection closed%s",
               !got                 ? ""
               : t[got - 1] != '\n' ? " mid-line"
                                    : " mid-reply");
      return -1;
    }
    if (n < 0) {
      snprintf(err, errlen, "read: %s", strerror(errno));
      return -1;
    }
    size_t used;
    switch (qc_reply_feed(&r, &c, 1, &used)) {
    case QC_REPLY_MORE:
      continue;
    case QC_REPLY_DONE:
      if (len)
        snprintf(buf, len, "%s", qc_reply_text(&r));
      return qc_reply_code(&r);
    case QC_REPLY_JUNK: /* not in strict mode */
    case QC_REPLY_BAD:
      snprintf(err, errlen, "malformed reply line: %.80s", qc_reply_text(&r));
      return -1;
    case QC_REPLY_TOO_LONG:
      snprintf(err, errlen,
               "reply line longer than %d or reply longer than %d "
               "bytes",
               SRV_NET_LINE_MAX, SRV_NET_REPLY_MAX);
      return -1;
    }
  }
}

int srv_net_command(int fd, const char *cmd, int64_t deadline, char *buf,
                    size_t len, char *err, size_t errlen)
{
  char line[SRV_NET_LINE_MAX + 1];
  int n = snprintf(line, sizeof line, "%s\r\n", cmd);
  if (n < 0 || (size_t)n >= sizeof line) {
    snprintf(err, errlen, "command longer than %d bytes", SRV_NET_LINE_MAX);
    return -1;
  }
  if (qc_write_all(fd, line, (size_t)n, deadline) != 0) {
    snprintf(err, errlen, "write: %s", strerror(errno));
    return -1;
  }
  return srv_net_read_reply(fd, deadline, buf, len, err, errlen);
}
