/* Unit tests: the network transport against scripted servers on loopback
 * — RFC 2217 negotiation and line settings, IAC both ways in payload,
 * DTR over SET-CONTROL, a peer's close as device loss; raw TCP. */
#include "qc_telnet.h"
#include "transport.h"

#include "qc_io.h"
#include "qc_time.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int listen_any(int *port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(fd, 1), 0);
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  *port = ntohs(a.sin_port);
  return fd;
}

/* ---- the scripted RFC 2217 server (a child process) ---------------------- */

static void put(int fd, const void *b, size_t n)
{
  if (write(fd, b, n) != (ssize_t)n)
    _exit(10);
}

/* Reads and decodes what the client sends until `want` payload bytes came
 * (answering every SET-* like a server), or 3 s pass. Records the
 * SET-CONTROL values seen. */
static size_t serve(int c, qc_tn_dec *d, uint8_t *payload, size_t want,
                    uint8_t *controls, size_t *ncontrols)
{
  size_t got = 0;
  int64_t dl = qc_deadline_in(3000);
  while (got < want || want == 0) {
    uint8_t in[512], out[512];
    ssize_t r = qc_read_some(c, in, sizeof in, dl);
    if (r <= 0)
      break;
    size_t off = 0;
    while (off < (size_t)r) {
      size_t ol;
      bool ev_got;
      qc_tn_event ev;
      off += qc_tn_decode(d, in + off, (size_t)r - off, out, &ol, &ev,
                          &ev_got);
      memcpy(payload + got, out, ol);
      got += ol;
      if (ev_got && ev.kind == QC_TN_EV_SB && ev.opt == QC_TN_OPT_COMPORT &&
          ev.len >= 2) {
        if (ev.data[0] == QC_CPO_SET_CONTROL && *ncontrols < 16)
          controls[(*ncontrols)++] = ev.data[1];
        uint8_t ans[16];
        memcpy(ans, ev.data, ev.len);
        ans[0] = (uint8_t)(ans[0] + QC_CPO_SERVER);
        uint8_t msg[40];
        size_t k = qc_tn_subneg(msg, sizeof msg, QC_TN_OPT_COMPORT, ans,
                                ev.len);
        put(c, msg, k);
        if (want == 0 && ev.data[0] == QC_CPO_SET_CONTROL &&
            *ncontrols >= 3)
          return got; /* line set: flow, DTR, RTS */
      }
    }
  }
  return got;
}

static void rfc2217_server(int lfd)
{
  int c = accept(lfd, NULL, NULL);
  if (c < 0)
    _exit(11);
  /* Its own offers first: BINARY both ways, COM-PORT, and an option the
   * client must refuse; a modem state notification in the middle. */
  static const uint8_t hello[] = {
      0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00, 0xff, 0xfb, 0x03, 0xff, 0xfd, 0x2c,
      0xff, 0xfa, 0x2c, 107, 0x00, 0xff, 0xf0};
  put(c, hello, sizeof hello);
  qc_tn_dec d;
  qc_tn_dec_init(&d);
  uint8_t payload[256], controls[16];
  size_t nc = 0;
  serve(c, &d, payload, 0, controls, &nc);
  /* Payload with an escaped 0xff split across writes, a NOP inside. */
  put(c, "A\xff", 2);
  usleep(20000);
  put(c, "\xff" "B\xff", 3);
  usleep(20000);
  put(c, "\xf1\r\n", 3);
  size_t before = nc;
  size_t n = serve(c, &d, payload, 3, controls, &nc);
  if (n != 3 || memcmp(payload, "x\xffy", 3) != 0)
    _exit(12);
  /* The DTR drop the client sends next (it may have come with the
   * payload), answered; then the peer closes. */
  if (nc == before)
    serve(c, &d, payload, 1, controls, &nc); /* ends on the answer's wait */
  if (nc != before + 1 || controls[before] != QC_CPO_CONTROL_DTR_OFF)
    _exit(13);
  if (controls[0] != QC_CPO_CONTROL_NOFLOW ||
      controls[1] != QC_CPO_CONTROL_DTR_ON ||
      controls[2] != QC_CPO_CONTROL_RTS_ON)
    _exit(14);
  close(c);
  _exit(0);
}

START_TEST(test_rfc2217)
{
  int port;
  int lfd = listen_any(&port);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    alarm(20);
    rfc2217_server(lfd);
  }
  close(lfd);
  char url[64], err[256] = "";
  snprintf(url, sizeof url, "rfc2217://127.0.0.1:%d", port);
  qh_tty_opts o = {.baud = 115200, .rtscts = false, .dtr = true};
  qh_transport *t = qh_transport_net_new(url, &o, err, sizeof err);
  ck_assert_msg(t != NULL, "%s", err);
  ck_assert(qh_transport_has(t, QH_CAP_MODEM | QH_CAP_LINE));
  uint8_t buf[64];
  size_t got = 0;
  while (got < 5) {
    long r = qh_transport_read(t, buf + got, sizeof buf - got,
                               qc_deadline_in(3000));
    ck_assert_int_gt(r, 0);
    got += (size_t)r;
  }
  ck_assert_uint_eq(got, 5);
  ck_assert_mem_eq(buf, "A\xff" "B\r\n", 5);
  ck_assert_int_eq(qh_transport_write(t, "x\xffy", 3, qc_deadline_in(1000)),
                   0);
  ck_assert_int_eq(qh_transport_set_dtr(t, false), 0);
  /* The server closes: the read says so and the device is lost. */
  long r = qh_transport_read(t, buf, sizeof buf, qc_deadline_in(5000));
  ck_assert_int_eq(r, 0);
  ck_assert_ptr_nonnull(qh_transport_lost(t));
  ck_assert_msg(strstr(qh_transport_lost(t), "connection closed by peer"),
                "%s", qh_transport_lost(t));
  ck_assert(!qh_transport_is_open(t));
  char why[256];
  ck_assert(!qh_transport_alive(t, why, sizeof why));
  qh_transport_close(t);
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server status %d",
                st);
}
END_TEST

/* FLOWCONTROL-SUSPEND holds our writes until RESUME (or the deadline). */
static void suspend_server(int lfd)
{
  int c = accept(lfd, NULL, NULL);
  if (c < 0)
    _exit(11);
  static const uint8_t hello[] = {0xff, 0xfb, 0x00, 0xff, 0xfd, 0x00,
                                  0xff, 0xfd, 0x2c};
  put(c, hello, sizeof hello);
  qc_tn_dec d;
  qc_tn_dec_init(&d);
  uint8_t payload[256], controls[16];
  size_t nc = 0;
  serve(c, &d, payload, 0, controls, &nc);
  put(c, "\xff\xfa\x2c\x6c\xff\xf0", 6); /* SUSPEND */
  usleep(800000);
  put(c, "\xff\xfa\x2c\x6d\xff\xf0", 6); /* RESUME */
  size_t n = serve(c, &d, payload, 1, controls, &nc);
  _exit(n == 1 && payload[0] == 'z' ? 0 : 12);
}

START_TEST(test_rfc2217_suspend)
{
  int port;
  int lfd = listen_any(&port);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    alarm(20);
    suspend_server(lfd);
  }
  close(lfd);
  char url[64], err[256] = "";
  snprintf(url, sizeof url, "rfc2217://127.0.0.1:%d", port);
  qh_tty_opts o = {.baud = 115200, .dtr = true};
  qh_transport *t = qh_transport_net_new(url, &o, err, sizeof err);
  ck_assert_msg(t != NULL, "%s", err);
  usleep(300000); /* the SUSPEND is on its way */
  ck_assert_int_eq(qh_transport_write(t, "z", 1, qc_deadline_in(100)),
                   QC_IO_TIMEOUT);
  ck_assert_int_eq(qh_transport_write(t, "z", 1, qc_deadline_in(5000)), 0);
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server status %d",
                st);
  qh_transport_close(t);
}
END_TEST

/* A server that never negotiates: the connect fails within its deadline
 * with a diagnosis. */
START_TEST(test_rfc2217_silent_server)
{
  int port;
  int lfd = listen_any(&port);
  char url[64], err[256] = "";
  snprintf(url, sizeof url, "rfc2217://127.0.0.1:%d", port);
  qh_tty_opts o = {.baud = 115200, .dtr = true};
  qh_transport *t = qh_transport_net_new(url, &o, err, sizeof err);
  ck_assert_ptr_null(t);
  ck_assert_msg(strstr(err, "no Telnet COM-PORT-OPTION negotiation"), "%s",
                err);
  close(lfd);
}
END_TEST

START_TEST(test_raw_tcp)
{
  int port;
  int lfd = listen_any(&port);
  char url[64], err[256] = "";
  snprintf(url, sizeof url, "tcp://127.0.0.1:%d", port);
  qh_tty_opts o = {.baud = 115200, .dtr = true};
  qh_transport *t = qh_transport_net_new(url, &o, err, sizeof err);
  ck_assert_msg(t != NULL, "%s", err);
  ck_assert(!qh_transport_has(t, QH_CAP_MODEM));
  int c = accept(lfd, NULL, NULL);
  ck_assert_int_ge(c, 0);
  /* Raw: 0xff is a byte like any other, both ways. */
  ck_assert_int_eq(qh_transport_write(t, "\xff\xfb\x01", 3,
                                      qc_deadline_in(1000)), 0);
  uint8_t b[8];
  ck_assert_int_eq(qc_read_some(c, b, sizeof b, qc_deadline_in(1000)), 3);
  ck_assert_mem_eq(b, "\xff\xfb\x01", 3);
  ck_assert_int_eq(write(c, "\xff\xff", 2), 2);
  ck_assert_int_eq(qh_transport_read(t, b, sizeof b, qc_deadline_in(1000)), 2);
  ck_assert_mem_eq(b, "\xff\xff", 2);
  ck_assert_int_eq(qh_transport_set_dtr(t, false), -1);
  close(c);
  ck_assert_int_eq(qh_transport_read(t, b, sizeof b, qc_deadline_in(1000)), 0);
  ck_assert_ptr_nonnull(qh_transport_lost(t));
  qh_transport_close(t);
  close(lfd);
}
END_TEST

START_TEST(test_bad_urls)
{
  char err[256];
  qh_tty_opts o = {.baud = 115200};
  static const char *const bad[] = {"rfc2217://", "rfc2217://host",
                                    "tcp://:80", "tcp://h:0", "tcp://h:99999",
                                    "tcp://h:8x", "rfc2217://[::1:80"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    ck_assert_ptr_null(qh_transport_net_new(bad[i], &o, err, sizeof err));
    ck_assert_msg(strstr(err, "HOST:PORT"), "%s: %s", bad[i], err);
  }
  ck_assert_ptr_null(qh_transport_device_new("ssh://x:1", &o, err, sizeof err));
  ck_assert(strstr(err, "unknown scheme") != NULL);
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("harness.transport_net");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_rfc2217);
  tcase_add_test(tc, test_rfc2217_suspend);
  tcase_add_test(tc, test_rfc2217_silent_server);
  tcase_add_test(tc, test_raw_tcp);
  tcase_add_test(tc, test_bad_urls);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
