/* bench_pty: see bench_pty.h. */
#include "bench_pty.h"

#include "bench_tty.h" /* bench_stop */
#include "qc_io.h"
#include "qc_time.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* cat's buffer size (coreutils uses 128 KiB). */
#define CHUNK (128 * 1024)
#define SLICE_MS 250

/* The writer: blocking writes, as cat does; dies with its parent. It
 * keeps the master open until the reader closes `done`: closing it
 * earlier hangs the slave up and drops what the reader has not read. */
static void writer(int m, int done, const unsigned char *data, uint64_t n)
{
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  uint64_t off = 0;
  while (off < n) {
    size_t len = n - off < CHUNK ? (size_t)(n - off) : CHUNK;
    ssize_t w = write(m, data + off, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      _exit(1);
    off += (uint64_t)w;
  }
  char c;
  while (read(done, &c, 1) < 0 && errno == EINTR)
    ;
  _exit(0);
}

static int open_pair(int *m, int *s, char *err, size_t errlen)
{
  char name[64];
  *m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*m < 0 || grantpt(*m) != 0 || unlockpt(*m) != 0 ||
      ptsname_r(*m, name, sizeof name) != 0) {
    snprintf(err, errlen, "pty: %s", strerror(errno));
    if (*m >= 0)
      close(*m);
    return -1;
  }
  *s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  struct termios t;
  if (*s < 0 || tcgetattr(*s, &t) != 0) {
    snprintf(err, errlen, "pty %s: %s", name, strerror(errno));
    close(*m);
    if (*s >= 0)
      close(*s);
    return -1;
  }
  cfmakeraw(&t);
  if (tcsetattr(*s, TCSANOW, &t) != 0) {
    snprintf(err, errlen, "pty %s: raw mode: %s", name, strerror(errno));
    close(*m);
    close(*s);
    return -1;
  }
  return 0;
}

/* Reaps the writer: at once if it is done, killed otherwise. */
static void reap(pid_t pid, int64_t deadline)
{
  int st;
  while (waitpid(pid, &st, WNOHANG) == 0) {
    if (qc_now_ms() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &st, 0);
      return;
    }
    qc_sleep_until(qc_deadline_in(5));
  }
}

int bench_pty_run(const unsigned char *data, uint64_t n, EVP_MD_CTX *md,
                  int64_t deadline, int64_t *ms, uint64_t *got, char *err,
                  size_t errlen)
{
  static unsigned char buf[CHUNK];
  int m, s, done[2];
  *got = 0;
  if (pipe2(done, O_CLOEXEC) != 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return -1;
  }
  if (open_pair(&m, &s, err, errlen) != 0) {
    close(done[0]);
    close(done[1]);
    return -1;
  }
  qc_set_nonblock(s, 1);
  int64_t t0 = qc_now_ms();
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    close(m);
    close(s);
    close(done[0]);
    close(done[1]);
    return -1;
  }
  if (pid == 0) {
    close(s);
    close(done[1]);
    writer(m, done[0], data, n);
  }
  close(m);
  close(done[0]);
  int rc = 0;
  while (*got < n) {
    if (bench_stop || qc_now_ms() >= deadline) {
      snprintf(err, errlen, "raw pty: %llu of %llu bytes before %s",
               (unsigned long long)*got, (unsigned long long)n,
               bench_stop ? "stop" : "the deadline");
      rc = -1;
      break;
    }
    int64_t sl = qc_deadline_in(SLICE_MS);
    ssize_t r = qc_read_some(s, buf, sizeof buf, sl < deadline ? sl : deadline);
    if (r == 0 || r == QC_IO_ERR) {
      snprintf(err, errlen, "raw pty: writer gone after %llu bytes",
               (unsigned long long)*got);
      rc = -1;
      break;
    }
    if (r > 0) {
      size_t use = (uint64_t)r > n - *got ? (size_t)(n - *got) : (size_t)r;
      EVP_DigestUpdate(md, buf, use);
      *got += use;
    }
  }
  *ms = qc_now_ms() - t0;
  close(done[1]); /* the writer may go now */
  close(s);
  reap(pid, rc == 0 ? qc_deadline_in(2000) : qc_now_ms());
  return rc;
}
