/* bench_tty: see bench_tty.h. */
#include "bench_tty.h"

#include "qc_io.h"
#include "qc_time.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

volatile sig_atomic_t bench_stop;

/* Longest single wait, so a stop request is noticed within it. */
#define SLICE_MS 250
/* Payload read size: larger than what a pty hands out at once. */
#define CHUNK (64 * 1024)

static int64_t slice(int64_t deadline)
{
  int64_t s = qc_deadline_in(SLICE_MS);
  return s < deadline ? s : deadline;
}

int bench_tty_open(bench_tty *t, const char *link, int64_t deadline, char *err,
                   size_t errlen)
{
  struct stat st;
  t->fd = -1;
  t->len = 0;
  while (lstat(link, &st) != 0) {
    if (bench_stop || qc_now_ms() >= deadline) {
      snprintf(err, errlen, "%s did not appear", link);
      return -1;
    }
    qc_sleep_until(qc_deadline_in(10));
  }
  t->fd = open(link, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (t->fd < 0) {
    snprintf(err, errlen, "open %s: %s", link, strerror(errno));
    return -1;
  }
  /* The simulator sets raw mode on its side; termios is shared, but say
   * so here too rather than rely on it. */
  struct termios tio;
  if (tcgetattr(t->fd, &tio) != 0 ||
      (cfmakeraw(&tio), tcsetattr(t->fd, TCSANOW, &tio)) != 0) {
    snprintf(err, errlen, "%s: raw mode: %s", link, strerror(errno));
    close(t->fd);
    t->fd = -1;
    return -1;
  }
  return 0;
}

void bench_tty_close(bench_tty *t)
{
  if (t->fd >= 0)
    close(t->fd);
  t->fd = -1;
}

int bench_tty_send(bench_tty *t, const char *line, int64_t deadline)
{
  if (qc_write_all(t->fd, line, strlen(line), deadline) != 0)
    return -1;
  return qc_write_all(t->fd, "\r", 1, deadline);
}

/* One bounded read into the window; the oldest half goes when it is full.
 * 0 (data or nothing yet), -1 error or hang-up. */
static int fill(bench_tty *t, int64_t deadline)
{
  if (t->len == sizeof t->buf) {
    size_t keep = t->len / 2;
    memmove(t->buf, t->buf + t->len - keep, keep);
    t->len = keep;
  }
  ssize_t r = qc_read_some(t->fd, t->buf + t->len, sizeof t->buf - t->len,
                           slice(deadline));
  if (r > 0)
    t->len += (size_t)r;
  return r == 0 || r == QC_IO_ERR ? -1 : 0;
}

/* The last bytes seen, printable, for a mismatch message. */
static void tail(const bench_tty *t, char *out, size_t len)
{
  size_t n = t->len < 120 ? t->len : 120, o = 0;
  const char *s = t->buf + t->len - n;
  for (size_t i = 0; i < n && o + 5 < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\r' || c == '\n')
      o += (size_t)snprintf(out + o, len - o, "%s", c == '\r' ? "\\r" : "\\n");
    else
      out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
  }
  if (len)
    out[o < len ? o : len - 1] = '\0';
}

int bench_tty_expect(bench_tty *t, const char *want, int64_t deadline,
                     char *err, size_t errlen)
{
  size_t wl = strlen(want);
  for (;;) {
    char *hit = memmem(t->buf, t->len, want, wl);
    if (hit) {
      size_t cut = (size_t)(hit - t->buf) + wl;
      memmove(t->buf, t->buf + cut, t->len - cut);
      t->len -= cut;
      return 0;
    }
    if (bench_stop || qc_now_ms() >= deadline || fill(t, deadline) != 0) {
      char seen[256];
      tail(t, seen, sizeof seen);
      snprintf(err, errlen, "expected \"%s\", %s; last seen \"%s\"", want,
               bench_stop ? "stopped" : "timed out or hung up", seen);
      return -1;
    }
  }
}

int bench_tty_read_payload(bench_tty *t, uint64_t n, EVP_MD_CTX *md,
                           bench_progress *p, int64_t deadline)
{
  static unsigned char chunk[CHUNK];
  p->got = 0;
  p->mark_ms = 0;
  size_t first = t->len < n ? t->len : (size_t)n;
  EVP_DigestUpdate(md, t->buf, first);
  memmove(t->buf, t->buf + first, t->len - first);
  t->len -= first;
  p->got = first;
  while (p->got < n) {
    if (p->mark && !p->mark_ms && p->got >= p->mark)
      p->mark_ms = qc_now_ms();
    if (bench_stop || qc_now_ms() >= deadline)
      return -1;
    uint64_t want = n - p->got < CHUNK ? n - p->got : CHUNK;
    ssize_t r = qc_read_some(t->fd, chunk, (size_t)want, slice(deadline));
    if (r == 0 || r == QC_IO_ERR)
      return -1;
    if (r > 0) {
      EVP_DigestUpdate(md, chunk, (size_t)r);
      p->got += (uint64_t)r;
    }
  }
  if (p->mark && !p->mark_ms && p->got >= p->mark)
    p->mark_ms = qc_now_ms();
  return 0;
}
