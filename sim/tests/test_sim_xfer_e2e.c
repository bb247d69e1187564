/* End to end transfers: the built qftp-sim on its pty link against a
 * scripted FTP server with passive data connections on loopback. */
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


/* The scripted server: PASV, RETR/STOR/LIST of one payload in memory. */
typedef struct {
  int lfd, port;
  pthread_t th;
  const char *payload; /* RETR and LIST send it */
  size_t payload_len;
  char stored[4096];   /* what STOR received */
  size_t stored_len;
  char rest[32];       /* last REST argument */
  int dfd_listen;
} xsrv;

static int data_accept(xsrv *f)
{
  struct pollfd p = {.fd = f->dfd_listen, .events = POLLIN};
  if (poll(&p, 1, 2000) <= 0)
    return -1;
  int d = accept(f->dfd_listen, NULL, NULL);
  close(f->dfd_listen);
  f->dfd_listen = -1;
  return d;
}

static void say(int c, const char *s)
{
  if (write(c, s, strlen(s)) < 0)
    return;
}

static void on_cmd(xsrv *f, int c, const char *line)
{
  if (!strncmp(line, "USER", 4)) {
    say(c, "331 Password please.\r\n");
  } else if (!strncmp(line, "PASS", 4)) {
    say(c, "230 Login successful.\r\n");
  } else if (!strncmp(line, "TYPE", 4)) {
    say(c, "200 Switching mode.\r\n");
  } else if (!strncmp(line, "REST ", 5)) {
    snprintf(f->rest, sizeof f->rest, "%s", line + 5);
    say(c, "350 Restart position accepted.\r\n");
  } else if (!strncmp(line, "PASV", 4)) {
    f->dfd_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    bind(f->dfd_listen, (struct sockaddr *)&a, sizeof a);
    listen(f->dfd_listen, 1);
    getsockname(f->dfd_listen, (struct sockaddr *)&a, &al);
    int p = ntohs(a.sin_port);
    char r[96];
    snprintf(r, sizeof r, "227 Entering Passive Mode (127,0,0,1,%d,%d).\r\n",
             p >> 8, p & 255);
    say(c, r);
  } else if (!strncmp(line, "RETR missing", 12)) {
    close(f->dfd_listen);
    say(c, "550 Failed to open file.\r\n");
  } else if (!strncmp(line, "RETR", 4) || !strncmp(line, "LIST", 4)) {
    int d = data_accept(f);
    say(c, "150 Here comes the data.\r\n");
    if (write(d, f->payload, f->payload_len) < 0)
      say(c, "426 Failure writing.\r\n");
    close(d);
    say(c, "226 Transfer complete.\r\n");
  } else if (!strncmp(line, "STOR", 4)) {
    int d = data_accept(f);
    say(c, "150 Ok to send data.\r\n");
    f->stored_len = 0;
    ssize_t r;
    while ((r = read(d, f->stored + f->stored_len,
                     sizeof f->stored - f->stored_len)) > 0)
      f->stored_len += (size_t)r;
    close(d);
    say(c, "226 Transfer complete.\r\n");
  } else if (!strncmp(line, "SIZE missing", 12)) {
    say(c, "550 Could not get file size.\r\n");
  } else if (!strncmp(line, "SIZE", 4)) {
    say(c, "213 1000\r\n");
  } else if (!strncmp(line, "MDTM", 4)) {
    say(c, "213 20200621093626\r\n");
  } else if (!strncmp(line, "QUIT", 4)) {
    say(c, "221 Goodbye.\r\n");
  } else {
    say(c, "500 Unknown command.\r\n");
  }
}

static void *xsrv_run(void *arg)
{
  xsrv *f = arg;
  int c = accept(f->lfd, NULL, NULL);
  if (c < 0)
    return NULL;
  say(c, "220 ready\r\n");
  char line[512];
  size_t n = 0;
  for (;;) {
    struct pollfd p = {.fd = c, .events = POLLIN};
    if (poll(&p, 1, 5000) <= 0 || read(c, line + n, 1) != 1)
      break;
    if (line[n] != '\n') {
      if (n < sizeof line - 1)
        n++;
      continue;
    }
    line[n > 0 && line[n - 1] == '\r' ? n - 1 : n] = '\0';
    n = 0;
    on_cmd(f, c, line);
    if (!strncmp(line, "QUIT", 4))
      break;
  }
  close(c);
  return NULL;
}

static void xsrv_start(xsrv *f)
{
  f->dfd_listen = -1;
  f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(f->lfd, 1), 0);
  getsockname(f->lfd, (struct sockaddr *)&a, &al);
  f->port = ntohs(a.sin_port);
  ck_assert_int_eq(pthread_create(&f->th, NULL, xsrv_run, f), 0);
}

static void xsrv_join(xsrv *f)
{
  shutdown(f->lfd, SHUT_RDWR);
  pthread_join(f->th, NULL);
  close(f->lfd);
}

/* Logged in, passive mode (the fake server only does PASV). */
static void session(sim *s, xsrv *f)
{
  xsrv_start(f);
  ck_assert(chat(s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(chat(s, "AT+QFTPCFG=\"transmode\",1\r", "OK\r\n"));
  char cmd[96];
  snprintf(cmd, sizeof cmd, "AT+QFTPOPEN=\"127.0.0.1\",%d\r", f->port);
  ck_assert(chat(s, cmd, "+QFTPOPEN: 0,0\r\n"));
}

static void end_session(sim *s, xsrv *f)
{
  ck_assert(chat(s, "AT+QFTPCLOSE\r", "+QFTPCLOSE: 0,0\r\n"));
  xsrv_join(f);
  sim_stop(s);
}

/* Reads exactly n bytes after `CONNECT\r\n`. */
static void read_exact(sim *s, char *out, size_t n)
{
  size_t got = s->len < n ? s->len : n;
  memcpy(out, s->buf, got);
  memmove(s->buf, s->buf + got, s->len - got);
  s->len -= got;
  int64_t dl = qc_deadline_in(WAIT_MS);
  while (got < n && qc_now_ms() < dl) {
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    poll(&p, 1, qc_remaining_ms(dl));
    ssize_t r = read(s->fd, out + got, n - got);
    if (r > 0)
      got += (size_t)r;
  }
  ck_assert_uint_eq(got, n);
}

static const char tricky[] = "line\r\nOK\r\n+QFTPGET: 0,5\r\n+++\0bin\xff";

START_TEST(test_get_com_byte_exact)
{
  sim s;
  sim_start(&s, "note");
  xsrv f = {.payload = tricky, .payload_len = sizeof tricky};
  session(&s, &f);
  ck_assert(chat(&s, "AT+QFTPGET=\"a.bin\",\"COM:\"\r", "\r\nCONNECT\r\n"));
  char got[sizeof tricky];
  read_exact(&s, got, sizeof got);
  ck_assert(memcmp(got, tricky, sizeof tricky) == 0);
  char tail[64];
  snprintf(tail, sizeof tail, "\r\nOK\r\n\r\n+QFTPGET: 0,%zu\r\n", sizeof tricky);
  ck_assert(expect(&s, tail));
  ck_assert(chat(&s, "AT+QFTPLEN\r", "+QFTPLEN: 0,34\r\n"));
  /* downloadlen: 4 bytes from startpos 2 (REST 2) */
  ck_assert(chat(&s, "AT+QFTPGET=\"a.bin\",\"COM:\",2,4\r", "CONNECT\r\n"));
  read_exact(&s, got, 4);
  ck_assert(memcmp(got, tricky, 4) == 0); /* the fake ignores REST */
  ck_assert(expect(&s, "\r\nOK\r\n\r\n+QFTPGET: 0,4\r\n"));
  ck_assert_str_eq(f.rest, "2");
  /* a 550 before CONNECT is an immediate failure */
  ck_assert(chat(&s, "AT+QFTPGET=\"missing\",\"COM:\"\r", "+CME ERROR: 627\r\n"));
  end_session(&s, &f);
}
END_TEST

START_TEST(test_list_size_mdtm)
{
  sim s;
  sim_start(&s, "firmware");
  static const char listing[] = "-rw-r--r-- 1 ftp ftp 5 Jan 1 a.txt\r\n";
  xsrv f = {.payload = listing, .payload_len = sizeof listing - 1};
  session(&s, &f);
  ck_assert(chat(&s, "AT+QFTPLIST=\".\"\r", "\r\nCONNECT\r\n"));
  char got[sizeof listing];
  read_exact(&s, got, sizeof listing - 1);
  ck_assert(memcmp(got, listing, sizeof listing - 1) == 0);
  ck_assert(expect(&s, "\r\nOK\r\n\r\n+QFTPLIST: 0,36\r\n"));
  ck_assert(chat(&s, "AT+QFTPSIZE=\"a.txt\"\r", "OK\r\n\r\n+QFTPSIZE: 0,1000\r\n"));
  ck_assert(chat(&s, "AT+QFTPSIZE=\"missing\"\r", "+QFTPSIZE: 627,550\r\n"));
  ck_assert(chat(&s, "AT+QFTPMDTM=\"a.txt\"\r",
                 "+QFTPMDTM: 0,\"20200621093626\"\r\n"));
  ck_assert(chat(&s, "AT+QFTPSIZE=?\r", "+QFTPSIZE: <file_name>\r\n\r\nOK"));
  end_session(&s, &f);
}
END_TEST

START_TEST(test_put_uploadlen_and_plus)
{
  sim s;
  sim_start(&s, "note"); /* +++ ends the upload normally */
  xsrv f = {.payload = "", .payload_len = 0};
  session(&s, &f);
  ck_assert(chat(&s, "AT+QFTPPUT=\"u.bin\",\"COM:\",0,10,1\r", "CONNECT\r\n"));
  send_bytes(&s, "ab+++\r\nOK\r", 10);
  ck_assert(expect(&s, "\r\nOK\r\n\r\n+QFTPPUT: 0,10\r\n"));
  ck_assert_uint_eq(f.stored_len, 10);
  ck_assert(memcmp(f.stored, "ab+++\r\nOK\r", 10) == 0);
  /* guard times at scale 0.01: 10 ms silence, +++, 10 ms silence */
  ck_assert(chat(&s, "AT+QFTPPUT=\"u.bin\",\"COM:\"\r", "CONNECT\r\n"));
  send_bytes(&s, "xy+++z", 6); /* no guard: payload */
  usleep(50000);
  send_bytes(&s, "+++", 3);
  ck_assert(expect(&s, "\r\nOK\r\n\r\n+QFTPPUT: 0,6\r\n"));
  ck_assert_uint_eq(f.stored_len, 6);
  ck_assert(memcmp(f.stored, "xy+++z", 6) == 0);
  ck_assert(chat(&s, "ATO\r", "NO CARRIER\r\n"));
  end_session(&s, &f);
}
END_TEST

START_TEST(test_local_files)
{
  sim s;
  sim_start(&s, "note");
  ck_assert(chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFUPL=\"UFS:t.txt\",5\r", "CONNECT\r\n"));
  send_bytes(&s, "ABC\r\n", 5);
  /* 0x4142 ^ 0x430d ^ 0x0a00 = 0x084f */
  ck_assert(expect(&s, "+QFUPL: 5,84f\r\n\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+QFLST\r", "+QFLST: \"UFS:t.txt\",5\r\n\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+QFREAD=\"UFS:t.txt\"\r", "CONNECT 5\r\n"));
  char got[5];
  read_exact(&s, got, 5);
  ck_assert(memcmp(got, "ABC\r\n", 5) == 0);
  ck_assert(expect(&s, "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+QFUPL=\"UFS:../x\",5\r", "+CME ERROR: 610\r\n"));
  ck_assert(chat(&s, "AT+QFREAD=\"UFS:../../etc/passwd\"\r",
                 "+CME ERROR: 610\r\n"));
  ck_assert(chat(&s, "AT+QFTPGET=\"a\",\"UFS:../x\"\r", "+CME ERROR: 610\r\n"));
  ck_assert(chat(&s, "AT+QFDEL=\"UFS:*\"\r", "OK\r\n"));
  ck_assert(chat(&s, "AT+QFLST\r", "\r\nOK\r\n"));
  ck_assert(chat(&s, "AT+QFDEL=\"UFS:t.txt\"\r", "+CME ERROR: 611\r\n"));
  sim_stop(&s);
}
END_TEST

START_TEST(test_get_to_ufs)
{
  sim s;
  sim_start(&s, "note");
  xsrv f = {.payload = tricky, .payload_len = sizeof tricky};
  session(&s, &f);
  ck_assert(chat(&s, "AT+QFTPGET=\"a.bin\",\"UFS:a.bin\"\r",
                 "OK\r\n\r\n+QFTPGET: 0,34\r\n"));
  ck_assert(chat(&s, "AT+QFLST=\"UFS:*\"\r", "+QFLST: \"UFS:a.bin\",34\r\n"));
  ck_assert(chat(&s, "AT+QFTPPUT=\"b.bin\",\"UFS:a.bin\"\r",
                 "OK\r\n\r\n+QFTPPUT: 0,34\r\n"));
  ck_assert_uint_eq(f.stored_len, sizeof tricky);
  ck_assert(memcmp(f.stored, tricky, sizeof tricky) == 0);
  ck_assert(chat(&s, "AT+QFTPPUT=\"b.bin\",\"UFS:nope\"\r", "+CME ERROR: 611\r\n"));
  ck_assert(chat(&s, "AT+QFDEL=\"UFS:*\"\r", "OK\r\n"));
  end_session(&s, &f);
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("sim_xfer_e2e");
  TCase *tc = tcase_create("xfer");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_get_com_byte_exact);
  tcase_add_test(tc, test_list_size_mdtm);
  tcase_add_test(tc, test_put_uploadlen_and_plus);
  tcase_add_test(tc, test_local_files);
  tcase_add_test(tc, test_get_to_ufs);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
