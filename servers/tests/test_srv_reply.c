/* srv_net: reading FTP replies (RFC 959 4.2) from a socket, and a free
 * port really is free. */
#include "qc_time.h"
#include "srv_ftp.h"
#include "srv_net.h"

#include <check.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct reply_case {
  const char *wire;
  int code;        /* -1: must fail */
  const char *err; /* fragment of the error when failing */
} reply_case;

static const reply_case cases[] = {
    {"220 (vsFTPd 3.0.3)\r\n", 220, NULL},
    {"230 Login successful.\r\nEXTRA", 230, NULL},
    {"211-Features:\r\n EPRT\r\n211 End\r\n", 211, NULL},
    {"211-a\r\n211-b\r\n200 not the end\r\n211 End\r\n", 211, NULL},
    {"257 \"/\" is the current directory\n", 257, NULL}, /* bare LF */
    {"22 short\r\n", -1, "malformed"},
    {"hello\r\n", -1, "malformed"},
    {"220", -1, "closed mid-line"},
    {"", -1, "connection closed"},
    {"211-open\r\n", -1, "connection closed"},
};

START_TEST(test_reply_table)
{
  const reply_case *c = &cases[_i];
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_eq(write(sv[1], c->wire, strlen(c->wire)),
                   (ssize_t)strlen(c->wire));
  shutdown(sv[1], SHUT_WR);
  char buf[SRV_NET_REPLY_MAX + 1], err[256] = "";
  int code = srv_net_read_reply(sv[0], qc_deadline_in(1000), buf, sizeof buf,
                                err, sizeof err);
  ck_assert_msg(code == c->code, "case %d: code %d (%s)", _i, code, err);
  if (code < 0)
    ck_assert_msg(strstr(err, c->err) != NULL, "case %d: %s", _i, err);
  else
    ck_assert_msg(strncmp(buf, c->wire, strlen(buf)) == 0 && buf[0],
                  "case %d: kept \"%s\"", _i, buf);
  close(sv[0]);
  close(sv[1]);
}
END_TEST

START_TEST(test_reply_timeout_and_long_line)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  char buf[128], err[256];
  int64_t t0 = qc_now_ms();
  ck_assert_int_eq(srv_net_read_reply(sv[0], qc_deadline_in(100), buf,
                                      sizeof buf, err, sizeof err),
                   -1);
  ck_assert_int_lt(qc_now_ms() - t0, 1000);
  ck_assert_ptr_nonnull(strstr(err, "in time"));
  char line[SRV_NET_LINE_MAX + 10];
  memset(line, 'x', sizeof line);
  memcpy(line, "220 ", 4);
  ck_assert_int_eq(write(sv[1], line, sizeof line), (ssize_t)sizeof line);
  ck_assert_int_eq(srv_net_read_reply(sv[0], qc_deadline_in(1000), buf,
                                      sizeof buf, err, sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "longer than"));
  close(sv[0]);
  close(sv[1]);
}
END_TEST

START_TEST(test_free_port_refuses)
{
  int port = srv_free_port("127.0.0.1");
  ck_assert_int_gt(port, 0);
  int refused = 0;
  char err[256];
  int fd = srv_net_connect("127.0.0.1", port, qc_deadline_in(1000), &refused,
                           err, sizeof err);
  ck_assert_int_eq(fd, -1);
  ck_assert_int_eq(refused, 1);
  ck_assert_int_eq(srv_free_port("not-an-ip"), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_reply");
  TCase *tc = tcase_create("reply");
  tcase_add_loop_test(tc, test_reply_table, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_reply_timeout_and_long_line);
  tcase_add_test(tc, test_free_port_refuses);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
