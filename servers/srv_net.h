/* srv_net: the few TCP client steps server control needs — a free port, a
 * connect with a deadline, and reading one FTP reply (RFC 959 4.2:
 * "NNN-" opens a multi-line reply that the first "NNN " line closes).
 * IPv4 only, as the rendered vsftpd listens on one IPv4 address. */
#ifndef SRV_NET_H
#define SRV_NET_H

#include <stddef.h>
#include <stdint.h>

enum {
  SRV_NET_LINE_MAX = 512,  /* bytes of one reply line (RFC 959: short) */
  SRV_NET_REPLY_MAX = 4096 /* bytes of a whole (multi-line) reply */
};

/* Connects to addr:port before the deadline. Returns a blocking fd, or -1
 * with a message in err; *refused (may be NULL) tells "nothing listens". */
int srv_net_connect(const char *addr, int port, int64_t deadline, int *refused,
                    char *err, size_t errlen);

/* Reads one complete FTP reply (all its lines, CRLF kept) into buf (cut to
 * len), byte by byte so nothing after it is consumed. Returns the reply
 * code (100-599), or -1 with a message in err (timeout, EOF, malformed,
 * over-long line or reply). */
int srv_net_read_reply(int fd, int64_t deadline, char *buf, size_t len,
                       char *err, size_t errlen);

/* Sends "cmd\r\n" and reads the reply: the code, or -1 with err. */
int srv_net_command(int fd, const char *cmd, int64_t deadline, char *buf,
                    size_t len, char *err, size_t errlen);

#endif
