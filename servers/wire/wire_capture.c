/* wire_capture: start and stop qftp-capture with deadlines. */
#include "wire_capture.h"

#include "qc_io.h"
#include "qc_proc.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUT_MAX 512 /* what we keep of the tool's stdout / stderr */

struct wire_capture {
  pid_t pid;
  int out_fd, err_fd;
  char out[OUT_MAX];
  size_t nout;
};

/* Reads into c->out until `word` appears, end of file or the deadline.
 * 1 found, 0 EOF/timeout without it. */
static int read_until(wire_capture *c, const char *word, int64_t deadline)
{
  for (;;) {
    c->out[c->nout] = '\0';
    if (strstr(c->out, word))
      return 1;
    if (c->nout + 1 >= sizeof c->out)
      return 0;
    ssize_t r = qc_read_some(c->out_fd, c->out + c->nout,
                             sizeof c->out - 1 - c->nout, deadline);
    if (r <= 0)
      return 0;
    c->nout += (size_t)r;
  }
}

/* The tool's stderr (what it said before failing), one line's worth. */
static void read_stderr(wire_capture *c, char *buf, size_t len)
{
  size_t n = 0;
  int64_t dl = qc_deadline_in(200);
  while (n + 1 < len) {
    ssize_t r = qc_read_some(c->err_fd, buf + n, len - 1 - n, dl);
    if (r <= 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
}

static void cap_free(wire_capture *c)
{
  if (c->out_fd >= 0)
    close(c->out_fd);
  if (c->err_fd >= 0)
    close(c->err_fd);
  free(c);
}

int wire_capture_start(const char *binary, const char *iface,
                       const char *filter, const char *pcap_path,
                       wire_capture **out, char *err, size_t errlen)
{
  *out = NULL;
  int po[2], pe[2];
  if (pipe2(po, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return -1;
  }
  if (pipe2(pe, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    close(po[0]);
    close(po[1]);
    return -1;
  }
  wire_capture *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
    return -1;
  }
  c->out_fd = po[0];
  c->err_fd = pe[0];
  char *argv[] = {(char *)binary, "-i", (char *)iface, "-f", (char *)filter,
                  "-w", (char *)pcap_path, NULL};
  c->pid = qc_spawn(argv, -1, po[1], pe[1], err, errlen);
  close(po[1]);
  close(pe[1]);
  if (c->pid < 0) {
    cap_free(c);
    return -1;
  }
  if (!read_until(c, "ready\n", qc_deadline_in(WIRE_CAPTURE_READY_MS))) {
    char why[256];
    read_stderr(c, why, sizeof why);
    int st = qc_stop(c->pid, SIGKILL, 1000);
    char sts[64];
    qc_status_str(st, sts, sizeof sts);
    snprintf(err, errlen, "%s did not get ready within %d ms (%s): %s",
             binary, WIRE_CAPTURE_READY_MS, sts, why[0] ? why : "no message");
    cap_free(c);
    return -1;
  }
  c->nout = 0;
  *out = c;
  return 0;
}

static uint64_t field(const char *s, const char *key)
{
  const char *p = strstr(s, key);
  return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int wire_capture_stop(wire_capture *c, wire_capture_stats *st, char *err,
                      size_t errlen)
{
  memset(st, 0, sizeof *st);
  kill(c->pid, SIGTERM);
  int found = read_until(c, "\n", qc_deadline_in(WIRE_CAPTURE_STOP_MS)) &&
              strstr(c->out, "stats ");
  if (found && !strchr(strstr(c->out, "stats "), '\n'))
    found = read_until(c, "\n", qc_deadline_in(1000));
  char why[256] = "";
  if (!found)
    read_stderr(c, why, sizeof why);
  int status = qc_stop(c->pid, SIGTERM, 2000);
  char sts[64];
  qc_status_str(status, sts, sizeof sts);
  int rc = 0;
  const char *line = strstr(c->out, "stats ");
  if (line) {
    st->received = field(line, "received=");
    st->dropped = field(line, "dropped=");
    st->ifdropped = field(line, "ifdropped=");
  }
  if (!line) {
    snprintf(err, errlen, "capture gave no stats (%s): %s", sts,
             why[0] ? why : "no message");
    rc = -1;
  } else if (st->dropped || st->ifdropped) {
    /* A capture with holes cannot support a wire verdict. */
    snprintf(err, errlen, "capture dropped %llu packets (%llu by the "
             "interface) of %llu", (unsigned long long)st->dropped,
             (unsigned long long)st->ifdropped,
             (unsigned long long)st->received);
    rc = -1;
  } else if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    snprintf(err, errlen, "capture %s", sts);
    rc = -1;
  }
  cap_free(c);
  return rc;
}

int wire_filter_build(char *buf, size_t len, const char *server_addr,
                      int ctrl_port, int pasv_lo, int pasv_hi,
                      bool any_tcp_to_server)
{
  unsigned char a[16];
  if (!server_addr || (inet_pton(AF_INET, server_addr, a) != 1 &&
                       inet_pton(AF_INET6, server_addr, a) != 1))
    return -1;
  int n;
  if (any_tcp_to_server)
    n = snprintf(buf, len, "tcp and host %s", server_addr);
  else if (ctrl_port < 1 || ctrl_port > 65535)
    return -1;
  else if (pasv_lo > 0 && pasv_hi >= pasv_lo && pasv_hi <= 65535)
    n = snprintf(buf, len, "tcp and host %s and (port %d or portrange %d-%d)",
                 server_addr, ctrl_port, pasv_lo, pasv_hi);
  else
    n = snprintf(buf, len, "tcp and host %s and port %d", server_addr,
                 ctrl_port);
  return n < 0 || (size_t)n >= len ? -1 : 0;
}
