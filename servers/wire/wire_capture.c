/* wire_capture: start and stop qftp-capture with deadlines. */
#include "wire_capture.h"

#include "qc_io.h"
#include "qc_proc.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUT_MAX 512 /* what we keep of the tool's stdout / stderr */

struct wire_capture {
  pid_t pid;
  int in_fd; /* -C: the command pipe; -1 otherwise */
  int out_fd, err_fd;
  bool broken; /* -C: a command went unanswered */
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
  if (c->in_fd >= 0)
    close(c->in_fd);
  if (c->out_fd >= 0)
    close(c->out_fd);
  if (c->err_fd >= 0)
    close(c->err_fd);
  free(c);
}

/* Spawns argv with pipes on stdout and stderr (and stdin when `ctl`) and
 * waits for "ready". */
static int spawn(char **argv, bool ctl, wire_capture **out, char *err,
                 size_t errlen)
{
  *out = NULL;
  int pi[2] = {-1, -1}, po[2] = {-1, -1}, pe[2] = {-1, -1};
  wire_capture *c = NULL;
  if ((ctl && pipe2(pi, O_CLOEXEC) < 0) || pipe2(po, O_CLOEXEC) < 0 ||
      pipe2(pe, O_CLOEXEC) < 0 || !(c = calloc(1, sizeof *c))) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    int fds[] = {pi[0], pi[1], po[0], po[1], pe[0], pe[1]};
    for (size_t i = 0; i < 6; i++)
      if (fds[i] >= 0)
        close(fds[i]);
    return -1;
  }
  c->in_fd = pi[1];
  c->out_fd = po[0];
  c->err_fd = pe[0];
  c->pid = qc_spawn(argv, pi[0], po[1], pe[1], err, errlen);
  if (pi[0] >= 0)
    close(pi[0]);
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
             argv[0], WIRE_CAPTURE_READY_MS, sts, why[0] ? why : "no message");
    cap_free(c);
    return -1;
  }
  c->nout = 0;
  *out = c;
  return 0;
}

int wire_capture_start(const char *binary, const char *iface,
                       const char *filter, const char *whole, unsigned snap,
                       const char *pcap_path, wire_capture **out, char *err,
                       size_t errlen)
{
  char snaps[16];
  snprintf(snaps, sizeof snaps, "%u", snap);
  char *argv[12] = {(char *)binary, "-i", (char *)iface, "-f", (char *)filter,
                    "-w", (char *)pcap_path};
  size_t na = 7;
  if (snap) {
    argv[na++] = "-s";
    argv[na++] = snaps;
    if (whole && *whole) {
      argv[na++] = "-c";
      argv[na++] = (char *)whole;
    }
  }
  argv[na] = NULL;
  return spawn(argv, false, out, err, errlen);
}

int wire_capture_open(const char *binary, const char *iface, unsigned snap,
                      wire_capture **out, char *err, size_t errlen)
{
  char snaps[16];
  snprintf(snaps, sizeof snaps, "%u", snap);
  char *argv[8] = {(char *)binary, "-i", (char *)iface, "-C"};
  size_t na = 4;
  if (snap) {
    argv[na++] = "-s";
    argv[na++] = snaps;
  }
  argv[na] = NULL;
  return spawn(argv, true, out, err, errlen);
}

/* One command, one answer line (in c->out, its newline cut). 0, or -1
 * with err when the tool did not answer: it is then of no more use. */
static int command(wire_capture *c, const char *cmd, int ms, char *err,
                   size_t errlen)
{
  if (c->broken) {
    snprintf(err, errlen, "the capture tool failed before");
    return -1;
  }
  c->nout = 0;
  c->out[0] = '\0';
  int64_t dl = qc_deadline_in(ms);
  if (qc_write_all(c->in_fd, cmd, strlen(cmd), dl) < 0 ||
      !read_until(c, "\n", dl)) {
    char why[256];
    read_stderr(c, why, sizeof why);
    snprintf(err, errlen, "capture tool gave no answer within %d ms: %s", ms,
             why[0] ? why : "no message");
    c->broken = true;
    return -1;
  }
  *strchr(c->out, '\n') = '\0';
  return 0;
}

bool wire_capture_broken(const wire_capture *c)
{
  return c->broken;
}

int wire_capture_begin(wire_capture *c, const char *filter, const char *whole,
                       const char *pcap_path, char *err, size_t errlen)
{
  if (strpbrk(pcap_path, "\t\n") || strpbrk(filter, "\t\n") ||
      (whole && strpbrk(whole, "\t\n"))) {
    snprintf(err, errlen, "a tab or a newline in a path or a filter");
    return -1;
  }
  size_t n = strlen(pcap_path) + strlen(filter) + (whole ? strlen(whole) : 0);
  char *cmd = malloc(n + 16);
  if (!cmd) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  sprintf(cmd, "begin\t%s\t%s\t%s\n", pcap_path, filter, whole ? whole : "");
  int rc = command(c, cmd, WIRE_CAPTURE_READY_MS, err, errlen);
  free(cmd);
  if (rc < 0)
    return -1;
  if (strcmp(c->out, "ok") != 0) {
    snprintf(err, errlen, "%s",
             strncmp(c->out, "error ", 6) == 0 ? c->out + 6 : c->out);
    return -1;
  }
  return 0;
}

static uint64_t field(const char *s, const char *key)
{
  const char *p = strstr(s, key);
  return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* The stats line in c->out: rc as wire_capture_stop. */
static int judge(wire_capture *c, wire_capture_stats *st, char *err,
                 size_t errlen)
{
  const char *line = strstr(c->out, "stats ");
  if (!line)
    return -1;
  st->received = field(line, "received=");
  st->dropped = field(line, "dropped=");
  st->ifdropped = field(line, "ifdropped=");
  st->waited = strstr(line, " end=waited") != NULL;
  st->late = strstr(line, " end=late") != NULL;
  if (st->late) {
    /* The tool cannot tell which packets it is still owed. */
    snprintf(err, errlen, "capture window's end not confirmed (its marker "
             "did not come back): packets may be missing");
    return WIRE_CAPTURE_DROPPED;
  }
  if (st->dropped || st->ifdropped) {
    /* A capture with holes cannot support a wire verdict. */
    snprintf(err, errlen, "capture dropped %llu packets",
             (unsigned long long)(st->dropped + st->ifdropped));
    return WIRE_CAPTURE_DROPPED;
  }
  return 0;
}

int wire_capture_end(wire_capture *c, wire_capture_stats *st, char *err,
                     size_t errlen)
{
  memset(st, 0, sizeof *st);
  if (command(c, "end\n", WIRE_CAPTURE_STOP_MS, err, errlen) < 0)
    return -1;
  int rc = judge(c, st, err, errlen);
  if (rc < 0)
    snprintf(err, errlen, "%s",
             strncmp(c->out, "error ", 6) == 0 ? c->out + 6 : c->out);
  return rc;
}

int wire_capture_close(wire_capture *c, char *err, size_t errlen)
{
  if (!c)
    return 0;
  close(c->in_fd); /* end of input: the tool ends */
  c->in_fd = -1;
  /* Its stdout closes as it exits. */
  int64_t dl = qc_deadline_in(WIRE_CAPTURE_STOP_MS);
  char sink[256];
  while (qc_read_some(c->out_fd, sink, sizeof sink, dl) > 0)
    ;
  int status = qc_stop(c->pid, SIGTERM, 1000);
  int rc = 0;
  if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char sts[64], why[256];
    qc_status_str(status, sts, sizeof sts);
    read_stderr(c, why, sizeof why);
    snprintf(err, errlen, "capture %s%s%s", sts, why[0] ? ": " : "", why);
    rc = -1;
  }
  cap_free(c);
  return rc;
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
  int rc = judge(c, st, err, errlen);
  if (rc < 0) {
    snprintf(err, errlen, "capture gave no stats (%s): %s", sts,
             why[0] ? why : "no message");
  } else if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    snprintf(err, errlen, "capture %s", sts);
    rc = -1;
  }
  cap_free(c);
  return rc;
}

int wire_flows_add(wire_flows *f, bool whole, int lo, int hi)
{
  if (!hi)
    hi = lo;
  size_t *n = whole ? &f->nwhole : &f->ndata;
  wire_port_range *r = whole ? f->whole : f->data;
  if (lo < 1 || hi < lo || hi > 65535 || *n >= WIRE_FLOWS_MAX)
    return -1;
  r[*n].lo = lo;
  r[*n].hi = hi;
  (*n)++;
  return 0;
}

static bool is_literal(const char *a)
{
  unsigned char b[16];
  return a && (inet_pton(AF_INET, a, b) == 1 || inet_pton(AF_INET6, a, b) == 1);
}

/* "(src|dst) port P or (src|dst) portrange A-B ..." of one side. */
static int ports(char *b, size_t len, const char *side,
                 const wire_port_range *r, size_t n)
{
  size_t o = 0;
  for (size_t i = 0; i < n && o < len; i++) {
    int k = r[i].lo == r[i].hi
                ? snprintf(b + o, len - o, "%s%s port %d", i ? " or " : "",
                           side, r[i].lo)
                : snprintf(b + o, len - o, "%s%s portrange %d-%d",
                           i ? " or " : "", side, r[i].lo, r[i].hi);
    if (k < 0)
      return -1;
    o += (size_t)k;
  }
  return o < len ? 0 : -1;
}

/* tcp [and host M] and ((src host S and (src ports)) or (dst host S and
 * (dst ports))) over the ranges r[0..n). */
static int expr(char *buf, size_t len, const wire_flows *f,
                const wire_port_range *r, size_t n)
{
  char sp[WIRE_FILTER_MAX / 2], dp[WIRE_FILTER_MAX / 2];
  if (ports(sp, sizeof sp, "src", r, n) < 0 ||
      ports(dp, sizeof dp, "dst", r, n) < 0)
    return -1;
  char m[80] = "";
  if (f->module_addr)
    snprintf(m, sizeof m, " and host %s", f->module_addr);
  int k = snprintf(buf, len,
                   "tcp%s and ((src host %s and (%s)) or (dst host %s and "
                   "(%s)))",
                   m, f->server_addr, sp, f->server_addr, dp);
  return k < 0 || (size_t)k >= len ? -1 : 0;
}

int wire_filter_build(const wire_flows *f, char *filter, size_t flen,
                      char *whole, size_t wlen)
{
  if (!is_literal(f->server_addr) ||
      (f->module_addr && !is_literal(f->module_addr)) ||
      f->nwhole + f->ndata == 0 || f->nwhole > WIRE_FLOWS_MAX ||
      f->ndata > WIRE_FLOWS_MAX || wlen == 0)
    return -1;
  wire_port_range all[2 * WIRE_FLOWS_MAX];
  memcpy(all, f->whole, f->nwhole * sizeof *all);
  memcpy(all + f->nwhole, f->data, f->ndata * sizeof *all);
  whole[0] = '\0';
  if (expr(filter, flen, f, all, f->nwhole + f->ndata) < 0)
    return -1;
  return f->nwhole ? expr(whole, wlen, f, f->whole, f->nwhole) : 0;
}

int wire_source_addr(const char *dst, char *buf, size_t len)
{
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  socklen_t sl;
  if (inet_pton(AF_INET, dst, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(9); /* any: a UDP connect sends nothing */
    sl = sizeof *a4;
  } else if (inet_pton(AF_INET6, dst, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(9);
    sl = sizeof *a6;
  } else {
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  struct sockaddr_storage me;
  socklen_t ml = sizeof me;
  int rc = connect(fd, (struct sockaddr *)&ss, sl) == 0 &&
                   getsockname(fd, (struct sockaddr *)&me, &ml) == 0
               ? 0
               : -1;
  close(fd);
  if (rc == 0) {
    const void *src = me.ss_family == AF_INET
                          ? (const void *)&((struct sockaddr_in *)&me)->sin_addr
                          : (const void *)&((struct sockaddr_in6 *)&me)->sin6_addr;
    if (!inet_ntop(me.ss_family, src, buf, (socklen_t)len))
      rc = -1;
  }
  return rc;
}
