#include "sim_e2e_util.h"

#include "qc_proc.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the simulator under test ---- */

void e2e_sim_start(e2e_sim *s, const char *profile, const char *quirk)
{
  e2e_sim_start_rev(s, profile, quirk, NULL);
}

static void start(e2e_sim *s, const char *profile, const char *quirk,
                  const char *revision, bool control, const char *opt,
                  const char *val)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/test_sim_e2e.XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(s->dir));
  snprintf(s->link, sizeof s->link, "%s/tty", s->dir);
  snprintf(s->log, sizeof s->log, "%s/sim.log", s->dir);
  char *argv[20] = {QFTP_SIM_BIN, "--link",       s->link, "--root",
                    s->dir,       "--time-scale", "0.01"};
  int n = 7;
  int sv[2] = {-1, -1};
  s->ctl = -1;
  if (control) {
    static char num[16];
    ck_assert_int_eq(
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    snprintf(num, sizeof num, "%d", QC_SPAWN_PASS_FD);
    argv[n++] = "--control-fd";
    argv[n++] = num;
    s->ctl = sv[0];
  }
  if (profile) {
    argv[n++] = "--profile";
    argv[n++] = (char *)profile;
  }
  if (quirk) {
    argv[n++] = "--quirk";
    argv[n++] = (char *)quirk;
  }
  if (revision) {
    argv[n++] = "--revision";
    argv[n++] = (char *)revision;
  }
  if (opt) {
    argv[n++] = (char *)opt;
    argv[n++] = (char *)val;
  }
  if (getenv("E2E_VERBOSE")) /* traces in the log shown on failure */
    argv[n++] = "--verbose";
  argv[n] = NULL;
  int log = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ck_assert_int_ge(log, 0);
  char err[256];
  s->pid = qc_spawn_fd(argv, -1, -1, log, sv[1], err, sizeof err);
  close(log);
  if (sv[1] >= 0)
    close(sv[1]);
  ck_assert_msg(s->pid > 0, "spawn: %s", err);
  int64_t dl = qc_deadline_in(E2E_WAIT_MS);
  struct stat st;
  while (lstat(s->link, &st) != 0 && qc_now_ms() < dl)
    usleep(5000);
  s->fd = open(s->link, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  ck_assert_int_ge(s->fd, 0);
  s->len = 0;
}

void e2e_sim_start_rev(e2e_sim *s, const char *profile, const char *quirk,
                       const char *revision)
{
  start(s, profile, quirk, revision, false, NULL, NULL);
}

void e2e_sim_start_ctl(e2e_sim *s, const char *profile)
{
  start(s, profile, NULL, NULL, true, NULL, NULL);
}

void e2e_sim_start_opt(e2e_sim *s, const char *profile, const char *opt,
                       const char *val)
{
  start(s, profile, NULL, NULL, false, opt, val);
}

bool e2e_sim_reset(e2e_sim *s)
{
  ck_assert_int_ge(s->ctl, 0);
  if (write(s->ctl, "reset\n", 6) != 6)
    return false;
  char got[8] = "";
  size_t n = 0;
  int64_t dl = qc_deadline_in(E2E_WAIT_MS);
  while (n < 3 && qc_remaining_ms(dl) > 0) {
    struct pollfd p = {.fd = s->ctl, .events = POLLIN};
    if (poll(&p, 1, qc_remaining_ms(dl)) <= 0)
      break;
    ssize_t r = read(s->ctl, got + n, 3 - n);
    if (r <= 0)
      break;
    n += (size_t)r;
  }
  s->len = 0; /* what was read before the reset is of the old module */
  return n == 3 && memcmp(got, "ok\n", 3) == 0;
}

static int rm_entry(const char *p, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  remove(p); /* best effort: keep going */
  return 0;
}

static size_t read_log(const char *path, char *out, size_t len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  size_t n = 0;
  if (fd >= 0) {
    ssize_t r;
    while (n + 1 < len && (r = read(fd, out + n, len - 1 - n)) > 0)
      n += (size_t)r;
    close(fd);
  }
  out[n] = '\0';
  return n;
}

void e2e_sim_stop_log(e2e_sim *s, char *log, size_t cap)
{
  close(s->fd);
  if (s->ctl >= 0)
    close(s->ctl);
  s->ctl = -1;
  int st = qc_stop(s->pid, SIGTERM, 2000);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 0);
  struct stat sb;
  ck_assert_int_ne(lstat(s->link, &sb), 0); /* link removed at exit */
  if (log && cap > 0)
    read_log(s->log, log, cap);
  nftw(s->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

void e2e_sim_stop(e2e_sim *s)
{
  e2e_sim_stop_log(s, NULL, 0);
}

void e2e_send(e2e_sim *s, const void *b, size_t n)
{
  const char *p = b;
  size_t off = 0;
  int64_t dl = qc_deadline_in(E2E_WAIT_MS);
  while (off < n && qc_now_ms() < dl) {
    ssize_t w = write(s->fd, p + off, n - off);
    if (w > 0)
      off += (size_t)w;
    else
      usleep(1000);
  }
  ck_assert_uint_eq(off, n);
}

static size_t read_log(const char *path, char *out, size_t len);

/* A failed expectation: what came instead, and the simulator's log tail. */
static void explain(const e2e_sim *s, const char *want)
{
  static char log[8192];
  size_t n = read_log(s->log, log, sizeof log);
  fprintf(stderr, "expected %s; got %zu bytes: %.*s\n--- log tail:\n%s\n",
          want, s->len, (int)(s->len < 300 ? s->len : 300), s->buf,
          log + (n > 3000 ? n - 3000 : 0));
}

bool e2e_expect_skip(e2e_sim *s, const char *want, char *skipped, size_t cap)
{
  int64_t dl = qc_deadline_in(E2E_WAIT_MS);
  for (;;) {
    char *hit = memmem(s->buf, s->len, want, strlen(want));
    if (hit) {
      size_t cut = (size_t)(hit - s->buf) + strlen(want);
      if (skipped && cap > 0) {
        size_t k = (size_t)(hit - s->buf) < cap - 1 ? (size_t)(hit - s->buf)
                                                     : cap - 1;
        memcpy(skipped, s->buf, k);
        skipped[k] = '\0';
      }
      memmove(s->buf, s->buf + cut, s->len - cut);
      s->len -= cut;
      return true;
    }
    if (qc_now_ms() >= dl) {
      explain(s, want);
      return false;
    }
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    poll(&p, 1, qc_remaining_ms(dl));
    ssize_t r = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
    if (r > 0)
      s->len += (size_t)r;
    if (s->len == sizeof s->buf - 1) { /* keep the tail only */
      memmove(s->buf, s->buf + s->len / 2, s->len - s->len / 2);
      s->len -= s->len / 2;
    }
  }
}

bool e2e_expect(e2e_sim *s, const char *want)
{
  return e2e_expect_skip(s, want, NULL, 0);
}

bool e2e_chat(e2e_sim *s, const char *line, const char *want)
{
  e2e_send(s, line, strlen(line));
  return e2e_expect(s, want);
}

void e2e_read_exact(e2e_sim *s, char *out, size_t n)
{
  size_t got = s->len < n ? s->len : n;
  memcpy(out, s->buf, got);
  memmove(s->buf, s->buf + got, s->len - got);
  s->len -= got;
  int64_t dl = qc_deadline_in(E2E_WAIT_MS);
  while (got < n && qc_now_ms() < dl) {
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    poll(&p, 1, qc_remaining_ms(dl));
    ssize_t r = read(s->fd, out + got, n - got);
    if (r > 0)
      got += (size_t)r;
  }
  ck_assert_uint_eq(got, n);
}

/* ---- the scripted FTP server ---- */

static void timeouts(int fd)
{
  struct timeval tv = {.tv_sec = 3};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void e2e_reset(int fd)
{
  struct linger l = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

void e2e_srv_say(e2e_srv *f, const char *s)
{
  if (f->ssl)
    SSL_write(f->ssl, s, (int)strlen(s));
  else if (write(f->cfd, s, strlen(s)) < 0)
    return;
}

static SSL *accept_tls(SSL_CTX *ctx, int fd)
{
  SSL *s = SSL_new(ctx);
  SSL_set_fd(s, fd);
  if (SSL_accept(s) != 1) {
    SSL_free(s);
    return NULL;
  }
  return s;
}

bool e2e_srv_auth_tls(e2e_srv *f)
{
  e2e_srv_say(f, "234 Proceed with negotiation.\r\n");
  f->ssl = accept_tls(f->tls, f->cfd);
  if (!f->ssl)
    f->stop = true;
  return f->ssl != NULL;
}

void e2e_srv_pasv(e2e_srv *f, const char *host)
{
  if (f->dlfd >= 0)
    close(f->dlfd);
  f->active = false;
  unsigned h[4] = {127, 0, 0, 1};
  if (host && sscanf(host, "%u,%u,%u,%u", &h[0], &h[1], &h[2], &h[3]) != 4)
    h[0] = 0;
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr =
      h[0] == 127 ? htonl((uint32_t)(h[0] << 24 | h[1] << 16 | h[2] << 8 |
                                     h[3]))
                  : htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  f->dlfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (bind(f->dlfd, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(f->dlfd, 1) != 0 ||
      getsockname(f->dlfd, (struct sockaddr *)&a, &al) != 0) {
    e2e_srv_say(f, "425 cannot listen\r\n");
    return;
  }
  int p = ntohs(a.sin_port);
  char r[128];
  snprintf(r, sizeof r, "227 Entering Passive Mode (%s,%d,%d).\r\n",
           host ? host : "127,0,0,1", p >> 8, p & 255);
  e2e_srv_say(f, r);
}

void e2e_srv_port(e2e_srv *f, const char *arg)
{
  unsigned v[6];
  int used = 0;
  if (sscanf(arg, "%u,%u,%u,%u,%u,%u%n", &v[0], &v[1], &v[2], &v[3], &v[4],
             &v[5], &used) != 6 ||
      arg[used] != '\0') {
    e2e_srv_say(f, "501 Illegal PORT command.\r\n");
    return;
  }
  memset(&f->port_to, 0, sizeof f->port_to);
  f->port_to.sin_family = AF_INET;
  f->port_to.sin_addr.s_addr =
      htonl((uint32_t)(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]));
  f->port_to.sin_port = htons((uint16_t)(v[4] << 8 | v[5]));
  f->active = true;
  e2e_srv_say(f, "200 PORT command successful.\r\n");
}

int e2e_srv_data_open(e2e_srv *f)
{
  int d = -1;
  if (f->active) {
    f->active = false;
    d = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (d >= 0 &&
        connect(d, (struct sockaddr *)&f->port_to, sizeof f->port_to) != 0) {
      close(d);
      d = -1;
    }
  } else if (f->dlfd >= 0) {
    struct pollfd p = {.fd = f->dlfd, .events = POLLIN};
    if (poll(&p, 1, 2000) > 0)
      d = accept(f->dlfd, NULL, NULL);
    close(f->dlfd);
    f->dlfd = -1;
  }
  if (d >= 0) {
    timeouts(d);
    f->data_conns++;
  }
  return d;
}

static int get_byte(e2e_srv *f, char *b)
{
  struct pollfd p = {.fd = f->cfd, .events = POLLIN};
  if (!(f->ssl && SSL_pending(f->ssl) > 0) && poll(&p, 1, 5000) <= 0)
    return -1;
  if (f->ssl)
    return SSL_read(f->ssl, b, 1) == 1 ? 1 : -1;
  return read(f->cfd, b, 1) == 1 ? 1 : -1;
}

static void session(e2e_srv *f)
{
  if (f->silent) {
    char b[256];
    struct pollfd p = {.fd = f->cfd, .events = POLLIN};
    while (poll(&p, 1, 3000) > 0 && read(f->cfd, b, sizeof b) > 0) {
    }
    return;
  }
  if (f->implicit && !(f->ssl = accept_tls(f->tls, f->cfd)))
    return;
  e2e_srv_say(f, f->greeting ? f->greeting : "220 ready\r\n");
  char line[512];
  size_t n = 0;
  while (!f->stop && get_byte(f, line + n) == 1) {
    if (line[n] != '\n') {
      if (n < sizeof line - 1)
        n++;
      continue;
    }
    line[n > 0 && line[n - 1] == '\r' ? n - 1 : n] = '\0';
    n = 0;
    f->on_cmd(f, line);
    if (!strncmp(line, "QUIT", 4))
      break;
  }
}

static void *run(void *arg)
{
  e2e_srv *f = arg;
  f->cfd = accept(f->lfd, NULL, NULL);
  if (f->cfd < 0)
    return NULL;
  timeouts(f->cfd);
  session(f);
  if (f->ssl) {
    SSL_shutdown(f->ssl);
    SSL_free(f->ssl);
    f->ssl = NULL;
  }
  close(f->cfd);
  f->cfd = -1;
  return NULL;
}

void e2e_srv_start(e2e_srv *f)
{
  f->dlfd = -1;
  f->cfd = -1;
  f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(f->lfd, 1), 0);
  getsockname(f->lfd, (struct sockaddr *)&a, &al);
  f->port = ntohs(a.sin_port);
  ck_assert_int_eq(pthread_create(&f->th, NULL, run, f), 0);
}

void e2e_srv_join(e2e_srv *f)
{
  shutdown(f->lfd, SHUT_RDWR);
  pthread_join(f->th, NULL);
  close(f->lfd);
  if (f->dlfd >= 0)
    close(f->dlfd);
  f->dlfd = -1;
}
