/* px_frame and px_addr: reply framing, split reads, address rewrites. */
#include "px_addr.h"
#include "px_frame.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *in;
  int rc;     /* px_frame_rc */
  size_t len; /* framed length when DONE */
  int code;
} reply_case;

static const reply_case reply_cases[] = {
    {"220 ready\r\n", PX_FRAME_DONE, 11, 220},
    {"220 ready\r\n230 next\r\n", PX_FRAME_DONE, 11, 220},
    {"220 ready", PX_FRAME_MORE, 0, 0},
    {"211-Features:\r\n EPRT\r\n PASV\r\n211 End\r\n", PX_FRAME_DONE, 38, 211},
    {"211-Features:\r\n EPRT\r\n", PX_FRAME_MORE, 0, 0},
    /* 4.2: an inner line starting with another code does not end it */
    {"150-a\r\n226 inner\r\n150-b\r\n150 end\r\n", PX_FRAME_DONE, 34, 150},
    /* "150-" again is not the end */
    {"150-a\r\n150-b\r\n", PX_FRAME_MORE, 0, 0},
    {"220\r\n", PX_FRAME_DONE, 5, 220},
    {"junk line\r\n", PX_FRAME_DONE, 11, 0},
    {"230 bare lf\n", PX_FRAME_DONE, 12, 230},
};

START_TEST(test_reply_table)
{
  const reply_case *c = &reply_cases[_i];
  size_t len = 0;
  int code = -1;
  px_frame_rc rc = px_frame_reply(c->in, strlen(c->in), &len, &code);
  ck_assert_msg((int)rc == c->rc, "case %d: rc %d", _i, rc);
  if (rc == PX_FRAME_DONE) {
    ck_assert_uint_eq(len, c->len);
    ck_assert_int_eq(code, c->code);
  }
}
END_TEST

START_TEST(test_reply_split_reads)
{
  /* Feed a multi-line reply a byte at a time: only the whole is framed. */
  const char *r = "230-Welcome\r\n230-to here\r\n230 Login ok\r\n";
  size_t n = strlen(r), len = 0;
  int code = 0;
  for (size_t k = 1; k < n; k++)
    ck_assert_int_eq(px_frame_reply(r, k, &len, &code), PX_FRAME_MORE);
  ck_assert_int_eq(px_frame_reply(r, n, &len, &code), PX_FRAME_DONE);
  ck_assert_uint_eq(len, n);
  ck_assert_int_eq(code, 230);
}
END_TEST

START_TEST(test_reply_too_long)
{
  char *big = malloc(PX_REPLY_MAX + 10);
  memset(big, 'x', PX_REPLY_MAX + 10);
  memcpy(big, "220-", 4);
  size_t len;
  int code;
  ck_assert_int_eq(px_frame_reply(big, PX_REPLY_MAX + 10, &len, &code),
                   PX_FRAME_ERR);
  ck_assert_int_eq(px_frame_reply(big, 100, &len, &code), PX_FRAME_MORE);
  free(big);
}
END_TEST

START_TEST(test_command_frame)
{
  size_t len;
  ck_assert_int_eq(px_frame_command("USER a\r\nPASS", 12, &len), PX_FRAME_DONE);
  ck_assert_uint_eq(len, 8);
  ck_assert_int_eq(px_frame_command("USER a\r", 7, &len), PX_FRAME_MORE);
  char *big = malloc(PX_CMD_MAX);
  memset(big, 'A', PX_CMD_MAX);
  ck_assert_int_eq(px_frame_command(big, PX_CMD_MAX, &len), PX_FRAME_ERR);
  free(big);
  char v[16];
  px_frame_verb("retr file\r\n", 11, v, sizeof v);
  ck_assert_str_eq(v, "RETR");
  px_frame_verb("Noop\r\n", 6, v, sizeof v);
  ck_assert_str_eq(v, "NOOP");
}
END_TEST

typedef struct {
  const char *in;
  int ok;
  const char *addr; /* "a.b.c.d:port" */
} hp_case;

static const hp_case hp_cases[] = {
    {"227 Entering Passive Mode (127,0,0,1,195,80).", 1, "127.0.0.1:50000"},
    {"227 =10,1,2,3,0,21", 1, "10.1.2.3:21"},
    {"192,168,1,2,4,1", 1, "192.168.1.2:1025"},
    {"227 Entering Passive Mode (127,0,0,1,256,0).", 0, NULL},
    {"227 Entering Passive Mode (127,0,0,1,195).", 0, NULL},
    {"227 nothing here", 0, NULL},
};

START_TEST(test_hp_table)
{
  const hp_case *c = &hp_cases[_i];
  struct sockaddr_storage a;
  int ok = px_addr_parse_hp(c->in, strlen(c->in), &a);
  ck_assert_msg(ok == c->ok, "case %d", _i);
  if (ok) {
    char s[64];
    px_addr_str(&a, s, sizeof s);
    ck_assert_str_eq(s, c->addr);
    char back[64];
    ck_assert(px_addr_format_hp(&a, back, sizeof back));
    struct sockaddr_storage b;
    ck_assert(px_addr_parse_hp(back, strlen(back), &b));
    ck_assert_int_eq(memcmp(&a, &b, sizeof(struct sockaddr_in)), 0);
  }
}
END_TEST

typedef struct {
  const char *in;
  int ok;
  unsigned port;
} epsv_case;

static const epsv_case epsv_cases[] = {
    {"229 Entering Extended Passive Mode (|||50001|)", 1, 50001},
    {"229 ok (!!!21!)", 1, 21},
    {"229 Entering Extended Passive Mode (||50001|)", 0, 0},
    {"229 Entering Extended Passive Mode (|||70000|)", 0, 0},
    {"229 Entering Extended Passive Mode (|||0|)", 0, 0},
    {"229 no parens", 0, 0},
};

START_TEST(test_229_table)
{
  const epsv_case *c = &epsv_cases[_i];
  unsigned port = 0;
  int ok = px_addr_parse_229(c->in, strlen(c->in), &port);
  ck_assert_msg(ok == c->ok, "case %d", _i);
  if (ok)
    ck_assert_uint_eq(port, c->port);
}
END_TEST

typedef struct {
  const char *in;
  int ok;
  const char *addr;
  const char *out; /* formatted back */
} eprt_case;

static const eprt_case eprt_cases[] = {
    {"|1|127.0.0.1|6446|", 1, "127.0.0.1:6446", "|1|127.0.0.1|6446|"},
    {"|2|::1|6446|", 1, "[::1]:6446", "|2|::1|6446|"},
    {"!1!10.0.0.9!21!", 1, "10.0.0.9:21", "|1|10.0.0.9|21|"},
    {"|3|127.0.0.1|6446|", 0, NULL, NULL},
    {"|1|127.0.0.1|99999|", 0, NULL, NULL},
    {"|1|not-an-ip|21|", 0, NULL, NULL},
    {"|1|127.0.0.1|", 0, NULL, NULL},
};

START_TEST(test_eprt_table)
{
  const eprt_case *c = &eprt_cases[_i];
  struct sockaddr_storage a;
  int ok = px_addr_parse_eprt(c->in, strlen(c->in), &a);
  ck_assert_msg(ok == c->ok, "case %d", _i);
  if (ok) {
    char s[64], back[80];
    px_addr_str(&a, s, sizeof s);
    ck_assert_str_eq(s, c->addr);
    ck_assert(px_addr_format_eprt(&a, back, sizeof back));
    ck_assert_str_eq(back, c->out);
  }
}
END_TEST

START_TEST(test_hostport)
{
  struct sockaddr_storage a;
  ck_assert(px_addr_parse_hostport("127.0.0.1:0", &a));
  ck_assert_uint_eq(px_addr_port(&a), 0);
  ck_assert(px_addr_parse_hostport("[::1]:2121", &a));
  ck_assert_int_eq(a.ss_family, AF_INET6);
  ck_assert_uint_eq(px_addr_port(&a), 2121);
  ck_assert(!px_addr_parse_hostport("127.0.0.1", &a));
  ck_assert(!px_addr_parse_hostport("127.0.0.1:65536", &a));
  ck_assert(!px_addr_parse_hostport("localhost:21", &a));
  ck_assert(!px_addr_parse_hostport(":21", &a));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("proxy_frame");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_reply_table, 0,
                      sizeof reply_cases / sizeof reply_cases[0]);
  tcase_add_test(tc, test_reply_split_reads);
  tcase_add_test(tc, test_reply_too_long);
  tcase_add_test(tc, test_command_frame);
  tcase_add_loop_test(tc, test_hp_table, 0,
                      sizeof hp_cases / sizeof hp_cases[0]);
  tcase_add_loop_test(tc, test_229_table, 0,
                      sizeof epsv_cases / sizeof epsv_cases[0]);
  tcase_add_loop_test(tc, test_eprt_table, 0,
                      sizeof eprt_cases / sizeof eprt_cases[0]);
  tcase_add_test(tc, test_hostport);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
