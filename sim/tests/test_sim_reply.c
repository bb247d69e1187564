/* The FTP reply reader (RFC 959 4.2) and the 257 path unquoting. */
#include "sim_reply.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Feeds `in` in chunks of `chunk` bytes (0: all at once) and describes
 * every reply as "<code>:<text>;" and a BAD as "BAD;". Bytes after the
 * last complete reply are left over and reported as "+<n>". */
static void read_all(const char *in, size_t chunk, char *out, size_t outlen)
{
  sim_reply_reader r;
  sim_reply_init(&r);
  size_t n = strlen(in), off = 0, o = 0, pend = 0;
  out[0] = '\0';
  while (off < n) {
    size_t c = chunk ? chunk : n;
    if (c > n - off)
      c = n - off;
    size_t base = off;
    size_t end = off + c;
    while (base < end) {
      size_t used;
      sim_reply_status st = sim_reply_feed(&r, in + base, end - base, &used);
      base += used;
      if (st == SIM_REPLY_MORE) {
        pend += used;
        break;
      }
      pend = 0;
      if (st == SIM_REPLY_BAD) {
        o += (size_t)snprintf(out + o, outlen - o, "BAD;");
        return;
      }
      o += (size_t)snprintf(out + o, outlen - o, "%d:%s;", sim_reply_code(&r),
                            sim_reply_text(&r));
    }
    off = end;
  }
  if (pend)
    snprintf(out + o, outlen - o, "+%zu", pend);
}

static const struct {
  const char *in;
  const char *out;
} reply_cases[] = {
    {"220 ready\r\n", "220:ready;"},
    {"220 ready\n", "220:ready;"},
    {"200\r\n", "200:;"},
    {"220-Welcome\r\n220-more\r\n220 go\r\n", "220:Welcome;"},
    /* inner lines that look like codes do not end the block */
    {"123-First\r\n234 not end\r\n123-still\r\n 123 indented\r\n123 End\r\n",
     "123:First;"},
    {"230-a\r\n230\r\n", "230:a;"},
    {"331 pw\r\n230 in\r\n", "331:pw;230:in;"},
    {"257 \"/\" is cwd\r\n226 x", "257:\"/\" is cwd;+5"},
    {"hello\r\n", "BAD;"},
    {"99 x\r\n", "BAD;"},
    {"600 x\r\n", "BAD;"},
    {"220x\r\n", "BAD;"},
    {"\r\n", "BAD;"},
    {"22", "+2"},
};

START_TEST(test_reply_whole)
{
  char out[256];
  read_all(reply_cases[_i].in, 0, out, sizeof out);
  ck_assert_str_eq(out, reply_cases[_i].out);
}
END_TEST

START_TEST(test_reply_bytewise)
{
  /* Split into 1-byte reads: same replies (leftovers are counted the same
   * way, so the description must match exactly). */
  char out[256];
  read_all(reply_cases[_i].in, 1, out, sizeof out);
  ck_assert_str_eq(out, reply_cases[_i].out);
}
END_TEST

START_TEST(test_reply_overlong)
{
  static char in[SIM_REPLY_LINE_MAX + 64];
  memset(in, 'x', sizeof in - 1);
  in[sizeof in - 1] = '\0';
  memcpy(in, "220 ", 4);
  char out[64];
  read_all(in, 7, out, sizeof out);
  ck_assert_str_eq(out, "BAD;");
  /* an overlong inner line of a block is refused too */
  memcpy(in, "220-a\r\n", 7);
  read_all(in, 0, out, sizeof out);
  ck_assert_str_eq(out, "BAD;");
}
END_TEST

START_TEST(test_reply_limit_exact)
{
  /* SIM_REPLY_LINE_MAX bytes plus CRLF is accepted. */
  static char in[SIM_REPLY_LINE_MAX + 3];
  memset(in, 'y', SIM_REPLY_LINE_MAX);
  memcpy(in, "200 ", 4);
  memcpy(in + SIM_REPLY_LINE_MAX, "\r\n", 3);
  sim_reply_reader r;
  sim_reply_init(&r);
  size_t used;
  ck_assert_int_eq(sim_reply_feed(&r, in, strlen(in), &used), SIM_REPLY_DONE);
  ck_assert_uint_eq(used, strlen(in));
  ck_assert_uint_eq(strlen(sim_reply_text(&r)), SIM_REPLY_LINE_MAX - 4);
  /* BAD is sticky until init */
  ck_assert_int_eq(sim_reply_feed(&r, "junk\n", 5, &used), SIM_REPLY_BAD);
  ck_assert_int_eq(sim_reply_feed(&r, "200 ok\n", 7, &used), SIM_REPLY_BAD);
  ck_assert_uint_eq(used, 0);
}
END_TEST

START_TEST(test_reply_zeroed)
{
  /* The simulator allocates its reader zeroed and feeds it at once. */
  static sim_reply_reader r;
  memset(&r, 0, sizeof r);
  size_t used;
  ck_assert_int_eq(sim_reply_feed(&r, "220 hi\r\n", 8, &used), SIM_REPLY_DONE);
  ck_assert_int_eq(sim_reply_code(&r), 220);
  ck_assert_str_eq(sim_reply_text(&r), "hi");
}
END_TEST

static const struct {
  const char *text;
  int rc;
  const char *path;
} path_cases[] = {
    {"\"/\" is the current directory", 0, "/"},
    {"\"/home/a b\"", 0, "/home/a b"},
    {"\"/say \"\"hi\"\"\" created", 0, "/say \"hi\""},
    {"\"\"", 0, ""},
    {"no quotes here", -1, ""},
    {"\"/unterminated", -1, ""},
};

START_TEST(test_reply_path)
{
  char out[64];
  int rc = sim_reply_quoted_path(path_cases[_i].text, out, sizeof out);
  ck_assert_int_eq(rc, path_cases[_i].rc);
  if (rc == 0)
    ck_assert_str_eq(out, path_cases[_i].path);
}
END_TEST

START_TEST(test_reply_path_too_long)
{
  char out[4];
  ck_assert_int_eq(sim_reply_quoted_path("\"/abcd\"", out, sizeof out), -1);
  ck_assert_int_eq(sim_reply_quoted_path("\"/ab\"", out, sizeof out), 0);
  ck_assert_str_eq(out, "/ab");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_reply");
  TCase *tc = tcase_create("core");
  size_t nr = sizeof reply_cases / sizeof reply_cases[0];
  tcase_add_loop_test(tc, test_reply_whole, 0, (int)nr);
  tcase_add_loop_test(tc, test_reply_bytewise, 0, (int)nr);
  tcase_add_test(tc, test_reply_overlong);
  tcase_add_test(tc, test_reply_limit_exact);
  tcase_add_test(tc, test_reply_zeroed);
  tcase_add_loop_test(tc, test_reply_path, 0,
                      sizeof path_cases / sizeof path_cases[0]);
  tcase_add_test(tc, test_reply_path_too_long);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
