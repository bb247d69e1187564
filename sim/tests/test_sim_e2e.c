/* End to end: the built qftp-sim on its pty link, and scripted FTP servers
 * on loopback threads (login, 530, a server that never answers). */
#include "qc_proc.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 2000 /* longest wait for one expected answer */

typedef struct {
  char dir[256];
  char link[300];
  pid_t pid;
  int fd;
  char buf[16384]; /* everything read since the last expect() */
  size_t len;
} sim;

static void sim_start(sim *s, const char *profile)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/test_sim_e2e.XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(s->dir));
  snprintf(s->link, sizeof s->link, "%s/tty", s->dir);
  char *argv[] = {QFTP_SIM_BIN, "--link",    s->link,         "--time-scale",
                  "0.01",       "--profile", (char *)profile, NULL};
  char err[256];
  s->pid = qc_spawn(argv, -1, -1, -1, err, sizeof err);
  ck_assert_msg(s->pid > 0, "spawn: %s", err);
  int64_t dl = qc_deadline_in(WAIT_MS);
  struct stat st;
  while (lstat(s->link, &st) != 0 && qc_now_ms() < dl)
    usleep(5000);
  s->fd = open(s->link, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  ck_assert_int_ge(s->fd, 0);
  s->len = 0;
}

static void sim_stop(sim *s)
{
  close(s->fd);
  int st = qc_stop(s->pid, SIGTERM, 2000);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 0);
  struct stat sb;
  ck_assert_int_ne(lstat(s->link, &sb), 0); /* link removed at exit */
  rmdir(s->dir);
}

static void send_bytes(sim *s, const char *b, size_t n)
{
  size_t off = 0;
  int64_t dl = qc_deadline_in(WAIT_MS);
  while (off < n && qc_now_ms() < dl) {
    ssize_t w = write(s->fd, b + off, n - off);
    if (w > 0)
      off += (size_t)w;
    else
      usleep(1000);
  }
  ck_assert_uint_eq(off, n);
}

/* Reads until `want` appears; true when it did. Drops what precedes it. */
static bool expect(sim *s, const char *want)
{
  int64_t dl = qc_deadline_in(WAIT_MS);
  for (;;) {
    s->buf[s->len] = '\0';
    char *hit = memmem(s->buf, s->len, want, strlen(want));
    if (hit) {
      size_t cut = (size_t)(hit - s->buf) + strlen(want);
      memmove(s->buf, s->buf + cut, s->len - cut);
      s->len -= cut;
      return true;
    }
    if (qc_now_ms() >= dl)
      return false;
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

static bool chat(sim *s, const char *line, const char *want)
{
  send_bytes(s, line, strlen(line));
  return expect(s, want);
}

START_TEST(test_line_discipline)
{
  sim s;
  sim_start(&s, "note");
  ck_assert(chat(&s, "ATE0\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "garbage\r", "\r\nERROR\r\n"));
  static char big[10 * 1024];
  memset(big, 'A', sizeof big);
  send_bytes(&s, big, sizeof big);
  ck_assert(chat(&s, "\r", "\r\nERROR\r\n"));
  ck_assert(chat(&s, "AT+NOSUCH\r", "\r\nERROR\r\n"));
  send_bytes(&s, "A\0T\x01\xff\r", 6);
  ck_assert(expect(&s, "\r\nERROR\r\n"));
  ck_assert(chat(&s, "\nat\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+CPIN?\r", "+CPIN: READY\r\n\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+CGATT?\r", "+CGATT: 1\r\n\r\nOK\r\n"));
  /* echo on: bytes come back as they are sent */
  ck_assert(chat(&s, "ATE1\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT\r", "AT\r\r\nOK\r\n"));
  sim_stop(&s);
}
END_TEST

START_TEST(test_cfg_and_pdp)
{
  sim s;
  sim_start(&s, "firmware");
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"contextid\",2\r", "+CME ERROR: 610\r\n"));
  ck_assert(chat(&s, "AT+QIACT=2\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"contextid\",2\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+QIACT?\r", "+QIACT: 2,1,1,\"10.0.0.2\"\r\n\r\nOK"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"sslctxid\",5\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"SSL_ctxID\"\r",
                 "+QFTPCFG: \"SSL_ctxID\",5\r\n\r\nOK"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"filetype\",2\r", "+CME ERROR: 610\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"filetype\"\r", "\"filetype\",0\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"account\",\"u,1\",\"pw\"\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"account\"\r",
                 "+QFTPCFG: \"account\",\"u,1\",\"*****\"\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"data_address\",1\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"data_address\"\r",
                 "+QFTPCFG: \"data_address\",1\r\n\r\nOK"));
  ck_assert(chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
  ck_assert(chat(&s, "AT+QFTPCWD=\"/\"\r", "+CME ERROR: 601\r\n"));
  sim_stop(&s);
}
END_TEST

/* A scripted FTP server: answers each command by its verb; "silent" never
 * says anything. One session, then it ends. */
typedef struct {
  int lfd;
  int port;
  const char *greeting;
  const char *pass_reply;
  bool silent;
  pthread_t th;
} fake_ftp;

static const char *reply_for(const fake_ftp *f, const char *cmd)
{
  if (!strncmp(cmd, "USER", 4))
    return "331 Password please.\r\n";
  if (!strncmp(cmd, "PASS", 4))
    return f->pass_reply;
  if (!strncmp(cmd, "CWD /missing", 12))
    return "550 Failed to change directory.\r\n";
  if (!strncmp(cmd, "CWD", 3))
    return "250 Directory successfully changed.\r\n";
  if (!strncmp(cmd, "PWD", 3))
    return "257 \"/pub/a \"\"b\"\"\" is the current directory\r\n";
  if (!strncmp(cmd, "QUIT", 4))
    return "221 Goodbye.\r\n";
  return "500 Unknown command.\r\n";
}

static void *fake_run(void *arg)
{
  fake_ftp *f = arg;
  int c = accept(f->lfd, NULL, NULL);
  if (c < 0)
    return NULL;
  if (f->silent) {
    char b[256];
    struct pollfd p = {.fd = c, .events = POLLIN};
    while (poll(&p, 1, 3000) > 0 && read(c, b, sizeof b) > 0) {
    }
    close(c);
    return NULL;
  }
  if (write(c, f->greeting, strlen(f->greeting)) < 0) {
    close(c);
    return NULL;
  }
  char line[512];
  size_t n = 0;
  for (;;) {
    struct pollfd p = {.fd = c, .events = POLLIN};
    if (poll(&p, 1, 3000) <= 0 || read(c, line + n, 1) != 1)
      break;
    if (line[n] != '\n') {
      if (n < sizeof line - 1)
        n++;
      continue;
    }
    line[n] = '\0';
    n = 0;
    const char *r = reply_for(f, line);
    if (write(c, r, strlen(r)) < 0 || !strncmp(line, "QUIT", 4))
      break;
  }
  close(c);
  return NULL;
}

static void fake_start(fake_ftp *f)
{
  f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(f->lfd, 1), 0);
  getsockname(f->lfd, (struct sockaddr *)&a, &al);
  f->port = ntohs(a.sin_port);
  ck_assert_int_eq(pthread_create(&f->th, NULL, fake_run, f), 0);
}

static void fake_join(fake_ftp *f)
{
  shutdown(f->lfd, SHUT_RDWR);
  pthread_join(f->th, NULL);
  close(f->lfd);
}

static bool open_to(sim *s, int port, const char *want)
{
  char cmd[96];
  snprintf(cmd, sizeof cmd, "AT+QFTPOPEN=\"127.0.0.1\",%d\r", port);
  return chat(s, cmd, want);
}

START_TEST(test_open_refused)
{
  sim s;
  sim_start(&s, "note");
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  /* a port nobody listens on: bind, note it, close */
  fake_ftp probe = {0};
  probe.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  bind(probe.lfd, (struct sockaddr *)&a, sizeof a);
  getsockname(probe.lfd, (struct sockaddr *)&a, &al);
  close(probe.lfd);
  /* PDP inactive first: our documented choice 605 */
  ck_assert(open_to(&s, ntohs(a.sin_port), "OK\r\n\r\n+QFTPOPEN: 605,0\r\n"));
  ck_assert(chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"rsptimeout\",20\r", "OK\r\n"));
  ck_assert(open_to(&s, ntohs(a.sin_port), "OK\r\n\r\n+QFTPOPEN: 606,0\r\n"));
  ck_assert(chat(&s, "AT+QFTPOPEN=\"\",21\r", "+CME ERROR: 610\r\n"));
  ck_assert(chat(&s, "AT+QFTPOPEN=\"h\",70000\r", "+CME ERROR: 610\r\n"));
  ck_assert(chat(&s, "AT\r", "OK\r\n"));
  sim_stop(&s);
}
END_TEST

START_TEST(test_session)
{
  sim s;
  sim_start(&s, "firmware"); /* quotes PWD */
  fake_ftp f = {.greeting = "220-Welcome\r\n220-200 not the end\r\n220 Go\r\n",
                .pass_reply = "230 Login successful.\r\n"};
  fake_start(&f);
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(open_to(&s, f.port, "OK\r\n\r\n+QFTPOPEN: 0,0\r\n"));
  ck_assert(open_to(&s, f.port, "+CME ERROR: 603\r\n"));
  ck_assert(chat(&s, "AT+QFTPSTAT\r", "OK\r\n\r\n+QFTPSTAT: 0,1\r\n"));
  ck_assert(chat(&s, "AT+QFTPCWD=\"/pub\"\r", "OK\r\n\r\n+QFTPCWD: 0,0\r\n"));
  ck_assert(chat(&s, "AT+QFTPCWD=\"/missing\"\r", "+QFTPCWD: 627,550\r\n"));
  ck_assert(chat(&s, "AT+QFTPPWD\r", "+QFTPPWD: 0,\"/pub/a \"b\"\"\r\n"));
  ck_assert(chat(&s, "AT+QFTPCLOSE\r", "OK\r\n\r\n+QFTPCLOSE: 0,0\r\n"));
  ck_assert(chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
  fake_join(&f);
  sim_stop(&s);
}
END_TEST

START_TEST(test_open_530)
{
  sim s;
  sim_start(&s, "note");
  fake_ftp f = {.greeting = "220 ready\r\n",
                .pass_reply = "530 Login incorrect.\r\n"};
  fake_start(&f);
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(open_to(&s, f.port, "OK\r\n\r\n+QFTPOPEN: 625,530\r\n"));
  ck_assert(chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
  fake_join(&f);
  sim_stop(&s);
}
END_TEST

START_TEST(test_open_timeout)
{
  sim s;
  sim_start(&s, "note");
  fake_ftp f = {.silent = true};
  fake_start(&f);
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFTPCFG=\"rsptimeout\",20\r", "OK\r\n")); /* 0.2 s */
  int64_t t0 = qc_now_ms();
  ck_assert(open_to(&s, f.port, "OK\r\n"));
  /* answered while the open is in progress: 0 = opening (2.17) */
  ck_assert(chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,0\r\n"));
  ck_assert(expect(&s, "+QFTPOPEN: 609,0\r\n"));
  int64_t took = qc_now_ms() - t0;
  ck_assert_int_ge(took, 150);
  ck_assert_int_lt(took, 1500);
  fake_join(&f);
  sim_stop(&s);
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("sim_e2e");
  TCase *tc = tcase_create("e2e");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_line_discipline);
  tcase_add_test(tc, test_cfg_and_pdp);
  tcase_add_test(tc, test_open_refused);
  tcase_add_test(tc, test_session);
  tcase_add_test(tc, test_open_530);
  tcase_add_test(tc, test_open_timeout);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
