/* End to end: the built qftp-proxy between a scripted fake FTP server
 * (a thread) and a test client, all on loopback. Every wait has a
 * deadline. */
#include "px_frame.h"
#include "qc_io.h"
#include "qc_payload.h"
#include "qc_proc.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PX_PROXY_BIN
#error "PX_PROXY_BIN must name the built qftp-proxy"
#endif

enum { STEP_MS = 3000, PAYLOAD_SIZE = 5000, PAYLOAD_SEED = 7 };

/* ---- the fake server: one session at a time, commands recorded ---- */
typedef struct fake {
  int lfd;
  unsigned port;
  pthread_t th;
  volatile int stop;
  pthread_mutex_t mu;
  char seen[4096]; /* commands received, "\n"-separated */
} fake;

static int listen_any(unsigned *port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(fd, 4), 0);
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  *port = ntohs(a.sin_port);
  return fd;
}

static int accept_by(int lfd, int64_t deadline)
{
  if (qc_wait_readable(lfd, deadline) != 1)
    return -1;
  return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

static void say(int fd, const char *s)
{
  qc_write_all(fd, s, strlen(s), qc_deadline_in(STEP_MS));
}

static void serve_session(fake *f, int c)
{
  char buf[4096];
  size_t have = 0;
  int dl = -1;
  say(c, "220 fake ready\r\n");
  while (!f->stop) {
    size_t len;
    while (px_frame_command(buf, have, &len) != PX_FRAME_DONE) {
      ssize_t r =
          qc_read_some(c, buf + have, sizeof buf - have, qc_deadline_in(200));
      if (r == QC_IO_TIMEOUT && !f->stop)
        continue;
      if (r <= 0)
        goto out;
      have += (size_t)r;
    }
    char line[512];
    size_t l = len < sizeof line ? len : sizeof line - 1;
    memcpy(line, buf, l);
    line[l] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    memmove(buf, buf + len, have - len);
    have -= len;
    pthread_mutex_lock(&f->mu);
    size_t sl = strlen(f->seen);
    snprintf(f->seen + sl, sizeof f->seen - sl, "%s\n", line);
    pthread_mutex_unlock(&f->mu);
    char verb[16];
    px_frame_verb(line, strlen(line), verb, sizeof verb);
    if (!strcmp(verb, "USER")) {
      say(c, "331 Please specify the password.\r\n");
    } else if (!strcmp(verb, "PASS")) {
      say(c, "230 Login successful.\r\n");
    } else if (!strcmp(verb, "FEAT")) {
      say(c, "211-Features:\r\n EPSV\r\n PASV\r\n211 End\r\n");
    } else if (!strcmp(verb, "PASV")) {
      unsigned p;
      if (dl >= 0)
        close(dl);
      dl = listen_any(&p);
      char r[96];
      snprintf(r, sizeof r, "227 Entering Passive Mode (127,0,0,1,%u,%u).\r\n",
               p >> 8, p & 255);
      say(c, r);
    } else if (!strcmp(verb, "RETR")) {
      int d = dl >= 0 ? accept_by(dl, qc_deadline_in(1500)) : -1;
      if (d < 0) {
        say(c, "425 Failed to establish connection.\r\n");
        continue;
      }
      say(c, "150 Opening BINARY mode data connection.\r\n");
      int w = qc_payload_write_fd(d, PAYLOAD_SEED, PAYLOAD_SIZE);
      close(d);
      say(c, w == 0 ? "226 Transfer complete.\r\n"
                    : "426 Failure writing network stream.\r\n");
    } else if (!strcmp(verb, "QUIT")) {
      say(c, "221 Goodbye.\r\n");
      break;
    } else {
      say(c, "250 OK.\r\n");
    }
  }
out:
  if (dl >= 0)
    close(dl);
  close(c);
}

static void *fake_main(void *arg)
{
  fake *f = arg;
  while (!f->stop) {
    int c = accept_by(f->lfd, qc_deadline_in(100));
    if (c >= 0)
      serve_session(f, c);
  }
  return NULL;
}

static bool fake_saw(fake *f, const char *verb)
{
  pthread_mutex_lock(&f->mu);
  bool r = strstr(f->seen, verb) != NULL;
  pthread_mutex_unlock(&f->mu);
  return r;
}

/* ---- the proxy under test ---- */
static fake F;
static pid_t proxy_pid = -1;
static unsigned proxy_port;
static char tmpdir[64];

/* dports: --data-ports LO-HI, or NULL for none. */
static void start_with(const char *rules, const char *dports)
{
  signal(SIGPIPE, SIG_IGN);
  memset(&F, 0, sizeof F);
  pthread_mutex_init(&F.mu, NULL);
  F.lfd = listen_any(&F.port);
  ck_assert_int_eq(pthread_create(&F.th, NULL, fake_main, &F), 0);

  snprintf(tmpdir, sizeof tmpdir, "/tmp/pxe2eXXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
  char rpath[128], lpath[128], listen[32], up[32];
  snprintf(rpath, sizeof rpath, "%s/rules.json", tmpdir);
  snprintf(lpath, sizeof lpath, "%s/proxy.log", tmpdir);
  FILE *rf = fopen(rpath, "w");
  ck_assert_ptr_nonnull(rf);
  fputs(rules, rf);
  fclose(rf);
  snprintf(listen, sizeof listen, "127.0.0.1:0");
  snprintf(up, sizeof up, "127.0.0.1:%u", F.port);
  char *argv[] = {PX_PROXY_BIN, "--listen", listen, "--upstream", up,
                  "--rules",    rpath,      "--log",  lpath,       NULL,
                  NULL,         NULL};
  if (dports) {
    argv[9] = "--data-ports";
    argv[10] = (char *)dports;
  }
  int pfd[2];
  ck_assert_int_eq(pipe(pfd), 0);
  char err[256];
  proxy_pid = qc_spawn(argv, -1, pfd[1], -1, err, sizeof err);
  close(pfd[1]);
  ck_assert_msg(proxy_pid > 0, "%s", err);
  char line[64];
  size_t n = 0;
  int64_t dl = qc_deadline_in(STEP_MS);
  while (n < sizeof line - 1 && !memchr(line, '\n', n)) {
    ssize_t r = qc_read_some(pfd[0], line + n, sizeof line - 1 - n, dl);
    ck_assert_msg(r > 0, "no \"listening\" line from the proxy");
    n += (size_t)r;
  }
  line[n] = '\0';
  close(pfd[0]);
  ck_assert_int_eq(sscanf(line, "listening %u", &proxy_port), 1);
  ck_assert_uint_gt(proxy_port, 0);
}

static void start_all(const char *rules)
{
  start_with(rules, NULL);
}

static void stop_all(void)
{
  if (proxy_pid > 0) {
    int st = qc_stop(proxy_pid, SIGTERM, 2000);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                  "proxy did not exit 0 on SIGTERM");
  }
  proxy_pid = -1;
  F.stop = 1;
  pthread_join(F.th, NULL);
  close(F.lfd);
  char p[128];
  snprintf(p, sizeof p, "%s/rules.json", tmpdir);
  unlink(p);
  snprintf(p, sizeof p, "%s/proxy.log", tmpdir);
  unlink(p);
  rmdir(tmpdir);
}

/* ---- the test client ---- */
typedef struct client {
  int fd;
  char buf[8192];
  size_t have;
} client;

static int connect_port(unsigned port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* The next whole reply into out; returns its code (0 on timeout/EOF). */
static int reply(client *c, char *out, size_t cap)
{
  int64_t dl = qc_deadline_in(STEP_MS);
  for (;;) {
    size_t len;
    int code;
    if (px_frame_reply(c->buf, c->have, &len, &code) == PX_FRAME_DONE) {
      size_t l = len < cap ? len : cap - 1;
      memcpy(out, c->buf, l);
      out[l] = '\0';
      memmove(c->buf, c->buf + len, c->have - len);
      c->have -= len;
      return code;
    }
    ssize_t r =
        qc_read_some(c->fd, c->buf + c->have, sizeof c->buf - c->have, dl);
    if (r <= 0)
      return 0;
    c->have += (size_t)r;
  }
}

static int cmd(client *c, const char *line, char *out, size_t cap)
{
  char l[256];
  snprintf(l, sizeof l, "%s\r\n", line);
  ck_assert_int_eq(qc_write_all(c->fd, l, strlen(l), qc_deadline_in(STEP_MS)),
                   0);
  return reply(c, out, cap);
}

static void login(client *c)
{
  char r[512];
  c->have = 0;
  c->fd = connect_port(proxy_port);
  ck_assert_int_ge(c->fd, 0);
  ck_assert_int_eq(reply(c, r, sizeof r), 220);
  ck_assert_int_eq(cmd(c, "USER test", r, sizeof r), 331);
  ck_assert_int_eq(cmd(c, "PASS test", r, sizeof r), 230);
}

static unsigned pasv_port(const char *r, char *host, size_t hcap)
{
  unsigned h[4], p1, p2;
  const char *lp = strchr(r, '(');
  ck_assert_ptr_nonnull(lp);
  ck_assert_int_eq(
      sscanf(lp, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1], &h[2], &h[3], &p1, &p2),
      6);
  snprintf(host, hcap, "%u.%u.%u.%u", h[0], h[1], h[2], h[3]);
  return p1 << 8 | p2;
}

/* Reads a data connection to its end; returns the count, checks bytes. */
static size_t read_all(int fd, bool *exact)
{
  char b[4096], want[4096];
  size_t total = 0;
  *exact = true;
  int64_t dl = qc_deadline_in(STEP_MS);
  for (;;) {
    ssize_t r = qc_read_some(fd, b, sizeof b, dl);
    if (r <= 0)
      return total;
    qc_payload_fill(PAYLOAD_SEED, total, want, (size_t)r);
    if (memcmp(b, want, (size_t)r) != 0)
      *exact = false;
    total += (size_t)r;
  }
}

/* ---- the tests ---- */
START_TEST(test_relay_login)
{
  start_all("");
  client c;
  char r[512];
  login(&c);
  /* a multi-line reply arrives whole */
  ck_assert_int_eq(cmd(&c, "FEAT", r, sizeof r), 211);
  ck_assert_str_eq(r, "211-Features:\r\n EPSV\r\n PASV\r\n211 End\r\n");
  ck_assert_int_eq(cmd(&c, "QUIT", r, sizeof r), 221);
  close(c.fd);
  ck_assert(fake_saw(&F, "USER test\nPASS test\nFEAT\nQUIT\n"));
  stop_all();
}
END_TEST

START_TEST(test_reply_injected)
{
  start_all("{\"faults\":[{\"kind\":\"reply\",\"on\":\"STOR\",\"nth\":1,"
            "\"reply\":\"452 Insufficient storage space\"},"
            "{\"kind\":\"reply\",\"on\":\"cwd\",\"nth\":1,"
            "\"reply\":\"550-No such\\n550 directory\"}]}");
  client c;
  char r[512];
  login(&c);
  ck_assert_int_eq(cmd(&c, "STOR x.bin", r, sizeof r), 452);
  ck_assert_str_eq(r, "452 Insufficient storage space\r\n");
  ck_assert_int_eq(cmd(&c, "CWD nowhere", r, sizeof r), 550);
  ck_assert_str_eq(r, "550-No such\r\n550 directory\r\n");
  ck_assert_int_eq(cmd(&c, "CWD again", r, sizeof r), 250); /* nth 1 only */
  ck_assert_int_eq(cmd(&c, "NOOP", r, sizeof r), 250);
  ck_assert(!fake_saw(&F, "STOR"));
  ck_assert(!fake_saw(&F, "CWD nowhere"));
  ck_assert(fake_saw(&F, "CWD again"));
  close(c.fd);
  stop_all();
}
END_TEST

START_TEST(test_greeting_and_sequence)
{
  start_all("{\"faults\":[{\"kind\":\"reply\",\"on\":\"greeting\","
            "\"reply\":\"220-Hi\\n200 not the end\\n 220 nor this\\n220 "
            "Ready\"},{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":"
            "\"150 Opening\\n451 Local error\"}]}");
  client c = {.have = 0};
  char r[512];
  c.fd = connect_port(proxy_port);
  ck_assert_int_ge(c.fd, 0);
  /* the server's "220 fake ready" is replaced, the body is not the end */
  ck_assert_int_eq(reply(&c, r, sizeof r), 220);
  ck_assert_str_eq(r, "220-Hi\r\n200 not the end\r\n 220 nor this\r\n220 "
                      "Ready\r\n");
  ck_assert_int_eq(cmd(&c, "USER test", r, sizeof r), 331);
  ck_assert_int_eq(cmd(&c, "PASS test", r, sizeof r), 230);
  /* a preliminary and a final reply, both injected */
  ck_assert_int_eq(cmd(&c, "RETR x.bin", r, sizeof r), 150);
  ck_assert_int_eq(reply(&c, r, sizeof r), 451);
  ck_assert_str_eq(r, "451 Local error\r\n");
  ck_assert_int_eq(cmd(&c, "NOOP", r, sizeof r), 250);
  ck_assert(!fake_saw(&F, "RETR"));
  close(c.fd);
  /* each session has its own greeting: replaced again */
  c.have = 0;
  c.fd = connect_port(proxy_port);
  ck_assert_int_ge(c.fd, 0);
  ck_assert_int_eq(reply(&c, r, sizeof r), 220);
  ck_assert_ptr_nonnull(strstr(r, "220 Ready"));
  close(c.fd);
  stop_all();
}
END_TEST

START_TEST(test_delay)
{
  start_all("{\"faults\":[{\"kind\":\"delay\",\"on\":\"NOOP\",\"nth\":1,"
            "\"delay_ms\":300}]}");
  client c;
  char r[512];
  login(&c);
  int64_t t0 = qc_now_ms();
  ck_assert_int_eq(cmd(&c, "NOOP", r, sizeof r), 250);
  int64_t el = qc_now_ms() - t0;
  ck_assert_msg(el >= 300, "reply after %lld ms, want >= 300", (long long)el);
  t0 = qc_now_ms();
  ck_assert_int_eq(cmd(&c, "NOOP", r, sizeof r), 250);
  el = qc_now_ms() - t0;
  ck_assert_msg(el < 250, "second NOOP delayed %lld ms", (long long)el);
  close(c.fd);
  stop_all();
}
END_TEST

START_TEST(test_close_and_reset)
{
  start_all("{\"faults\":[{\"kind\":\"close\",\"on\":\"CWD\",\"nth\":1},"
            "{\"kind\":\"reset\",\"on\":\"CWD\",\"nth\":2}]}");
  client c;
  char r[512];
  login(&c);
  ck_assert_int_eq(cmd(&c, "CWD a", r, sizeof r), 0);
  char b[16];
  ssize_t n = qc_read_some(c.fd, b, sizeof b, qc_deadline_in(STEP_MS));
  ck_assert_int_eq(n, 0); /* FIN */
  close(c.fd);
  /* a new session counts from 1 again: its first CWD closes too */
  login(&c);
  ck_assert_int_eq(cmd(&c, "CWD a", r, sizeof r), 0);
  close(c.fd);
  login(&c);
  ck_assert_int_eq(cmd(&c, "NOOP", r, sizeof r), 250);
  close(c.fd);
  stop_all();
  ck_assert(!fake_saw(&F, "CWD"));
}
END_TEST

START_TEST(test_reset)
{
  start_all("{\"faults\":[{\"kind\":\"reset\",\"on\":\"CWD\",\"nth\":1}]}");
  client c;
  char r[512];
  login(&c);
  const char *l = "CWD a\r\n";
  ck_assert_int_eq(qc_write_all(c.fd, l, strlen(l), qc_deadline_in(STEP_MS)),
                   0);
  char b[16];
  errno = 0;
  ssize_t n = qc_read_some(c.fd, b, sizeof b, qc_deadline_in(STEP_MS));
  ck_assert_int_eq(n, QC_IO_ERR);
  ck_assert_int_eq(errno, ECONNRESET);
  close(c.fd);
  (void)r;
  stop_all();
}
END_TEST

static int pasv_connect(client *c, char *host, size_t hcap, unsigned *port)
{
  char r[512];
  ck_assert_int_eq(cmd(c, "PASV", r, sizeof r), 227);
  *port = pasv_port(r, host, hcap);
  return connect_port(*port);
}

START_TEST(test_pasv_download)
{
  start_all("");
  client c;
  char r[512], host[32];
  unsigned port;
  login(&c);
  int d = pasv_connect(&c, host, sizeof host, &port);
  ck_assert_str_eq(host, "127.0.0.1");
  ck_assert_int_ge(d, 0);
  ck_assert_int_eq(cmd(&c, "RETR f", r, sizeof r), 150);
  bool exact;
  ck_assert_uint_eq(read_all(d, &exact), PAYLOAD_SIZE);
  ck_assert(exact);
  close(d);
  ck_assert_int_eq(reply(&c, r, sizeof r), 226);
  close(c.fd);
  stop_all();
}
END_TEST

START_TEST(test_data_close)
{
  start_all("{\"faults\":[{\"kind\":\"data_close\",\"nth\":1,"
            "\"bytes\":500}]}");
  client c;
  char r[512], host[32];
  unsigned port;
  login(&c);
  int d = pasv_connect(&c, host, sizeof host, &port);
  ck_assert_int_ge(d, 0);
  ck_assert_int_eq(cmd(&c, "RETR f", r, sizeof r), 150);
  bool exact;
  ck_assert_uint_eq(read_all(d, &exact), 500);
  ck_assert(exact);
  close(d);
  close(c.fd);
  stop_all();
}
END_TEST

START_TEST(test_data_refuse)
{
  start_all("{\"faults\":[{\"kind\":\"data_refuse\",\"nth\":1}]}");
  client c;
  char host[32];
  unsigned port;
  login(&c);
  int d = pasv_connect(&c, host, sizeof host, &port);
  ck_assert_int_lt(d, 0);
  ck_assert_int_eq(errno, ECONNREFUSED);
  close(c.fd);
  stop_all();
}
END_TEST

START_TEST(test_rewrite_pasv)
{
  start_all("{\"faults\":[{\"kind\":\"rewrite_pasv\","
            "\"address\":\"10.255.255.1\"}]}");
  client c;
  char r[512], host[32];
  login(&c);
  ck_assert_int_eq(cmd(&c, "PASV", r, sizeof r), 227);
  unsigned port = pasv_port(r, host, sizeof host);
  ck_assert_str_eq(host, "10.255.255.1");
  ck_assert_uint_gt(port, 0);
  close(c.fd);
  stop_all();
}
END_TEST

/* n consecutive ports of 127.0.0.1 free now (each bound for a moment). */
static unsigned free_block(unsigned n)
{
  for (int tries = 0; tries < 100; tries++) {
    unsigned lo;
    int z = listen_any(&lo);
    close(z);
    if (lo + n - 1 > 65535)
      continue;
    int fds[8];
    unsigned got = 0;
    while (got < n && got < 8) {
      fds[got] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      struct sockaddr_in a = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)(lo + got)),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
      if (bind(fds[got], (struct sockaddr *)&a, sizeof a) < 0) {
        close(fds[got]);
        break;
      }
      got++;
    }
    for (unsigned i = 0; i < got; i++)
      close(fds[i]);
    if (got == n)
      return lo;
  }
  ck_abort_msg("no %u free consecutive ports", n);
  return 0;
}

/* --data-ports: each passive listener the client is offered lies in the
 * range, one after another, and the data still flows. */
START_TEST(test_data_ports_range)
{
  unsigned lo = free_block(3);
  char dports[32];
  snprintf(dports, sizeof dports, "%u-%u", lo, lo + 2);
  start_with("", dports);
  client c;
  char r[512], host[32];
  unsigned first = 0;
  login(&c);
  for (int i = 0; i < 2; i++) {
    unsigned port;
    int d = pasv_connect(&c, host, sizeof host, &port);
    ck_assert_int_ge(d, 0);
    ck_assert_uint_ge(port, lo);
    ck_assert_uint_le(port, lo + 2);
    if (i == 0)
      first = port;
    else
      ck_assert_uint_ne(port, first); /* the cursor moved on */
    ck_assert_int_eq(cmd(&c, "RETR f", r, sizeof r), 150);
    bool exact;
    ck_assert_uint_eq(read_all(d, &exact), PAYLOAD_SIZE);
    ck_assert(exact);
    close(d);
    ck_assert_int_eq(reply(&c, r, sizeof r), 226);
  }
  close(c.fd);
  stop_all();
}
END_TEST

/* Every port of the range in use: the PASV gets 425, not the server's 227
 * (which would take the data around the proxy); freed, it works again. */
START_TEST(test_data_ports_exhausted)
{
  unsigned p;
  int busy = listen_any(&p);
  char dports[32];
  snprintf(dports, sizeof dports, "%u-%u", p, p);
  start_with("", dports);
  client c;
  char r[512], host[32];
  login(&c);
  ck_assert_int_eq(cmd(&c, "PASV", r, sizeof r), 425);
  ck_assert_ptr_nonnull(strstr(r, "no free data port"));
  ck_assert(fake_saw(&F, "PASV"));
  close(busy);
  ck_assert_int_eq(cmd(&c, "PASV", r, sizeof r), 227);
  ck_assert_uint_eq(pasv_port(r, host, sizeof host), p);
  close(c.fd);
  stop_all();
}
END_TEST

/* A bad --data-ports is a usage error (exit 2, the option named). */
START_TEST(test_data_ports_usage)
{
  static const char *const bad[] = {"0-10", "10-5", "1-65536", "5000", "x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *argv[] = {PX_PROXY_BIN, "--listen", "127.0.0.1:0", "--upstream",
                    "127.0.0.1:21", "--rules", "/nonexistent.json",
                    "--data-ports", (char *)bad[i], NULL};
    int efd[2];
    ck_assert_int_eq(pipe(efd), 0);
    char err[256];
    pid_t pid = qc_spawn(argv, -1, -1, efd[1], err, sizeof err);
    close(efd[1]);
    ck_assert_msg(pid > 0, "%s", err);
    char text[1024];
    size_t n = 0;
    int64_t dl = qc_deadline_in(STEP_MS);
    ssize_t k;
    while (n < sizeof text - 1 &&
           (k = qc_read_some(efd[0], text + n, sizeof text - 1 - n, dl)) > 0)
      n += (size_t)k;
    text[n] = '\0';
    close(efd[0]);
    int st = qc_stop(pid, SIGTERM, STEP_MS);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2,
                  "--data-ports %s: not exit 2", bad[i]);
    ck_assert_msg(strstr(text, "--data-ports wants LO-HI"), "%s: %s", bad[i],
                  text);
  }
}
END_TEST

START_TEST(test_bad_rules_refused)
{
  start_all("{\"faults\":[{\"kind\":\"explode\"}]}");
  client c = {.have = 0};
  char r[512];
  c.fd = connect_port(proxy_port);
  ck_assert_int_ge(c.fd, 0);
  ck_assert_int_eq(reply(&c, r, sizeof r), 421);
  close(c.fd);
  stop_all();
  ck_assert(!fake_saw(&F, "USER"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("proxy_e2e");
  TCase *tc = tcase_create("e2e");
  tcase_set_timeout(tc, 15);
  tcase_add_test(tc, test_relay_login);
  tcase_add_test(tc, test_reply_injected);
  tcase_add_test(tc, test_greeting_and_sequence);
  tcase_add_test(tc, test_delay);
  tcase_add_test(tc, test_close_and_reset);
  tcase_add_test(tc, test_reset);
  tcase_add_test(tc, test_pasv_download);
  tcase_add_test(tc, test_data_close);
  tcase_add_test(tc, test_data_refuse);
  tcase_add_test(tc, test_rewrite_pasv);
  tcase_add_test(tc, test_bad_rules_refused);
  tcase_add_test(tc, test_data_ports_range);
  tcase_add_test(tc, test_data_ports_exhausted);
  tcase_add_test(tc, test_data_ports_usage);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
