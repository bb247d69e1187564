/* Unit tests: qc_reply — the FTP reply reader (RFC 959 §4.2). */
#include "qc_reply.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

enum { LINE_MAX_T = 32, REPLY_MAX_T = 96 };

/* Feeds `in` in chunks of `chunk` bytes (0: all at once) and describes each
 * result: "<code><m|s>[<len>];" for a reply, "J[<len>];" for a junk line,
 * "BAD;" / "LONG;" for the errors (which end the description), "+<n>" for
 * bytes left in a reply in progress. */
static void read_all(qc_reply_mode mode, const char *in, size_t chunk,
                     char *out, size_t outlen)
{
  static char store[REPLY_MAX_T + 1];
  qc_reply r;
  qc_reply_init(&r, mode, LINE_MAX_T, REPLY_MAX_T, store);
  size_t n = strlen(in), off = 0, o = 0, pend = 0;
  out[0] = '\0';
  while (off < n) {
    size_t end = chunk && off + chunk < n ? off + chunk : n;
    while (off < end) {
      size_t used;
      qc_reply_status st = qc_reply_feed(&r, in + off, end - off, &used);
      ck_assert_uint_le(used, end - off);
      off += used;
      if (st == QC_REPLY_MORE) {
        pend += used;
        break;
      }
      if (st == QC_REPLY_BAD || st == QC_REPLY_TOO_LONG) {
        snprintf(out + o, outlen - o, st == QC_REPLY_BAD ? "BAD;" : "LONG;");
        return;
      }
      ck_assert_uint_eq(qc_reply_len(&r), pend + used);
      ck_assert_int_eq(memcmp(qc_reply_text(&r), in + off - qc_reply_len(&r),
                              qc_reply_len(&r)),
                       0);
      pend = 0;
      if (st == QC_REPLY_JUNK)
        o += (size_t)snprintf(out + o, outlen - o, "J%zu;", qc_reply_len(&r));
      else
        o +=
            (size_t)snprintf(out + o, outlen - o, "%d%c%zu;", qc_reply_code(&r),
                             qc_reply_multi(&r) ? 'm' : 's', qc_reply_len(&r));
    }
  }
  if (pend)
    snprintf(out + o, outlen - o, "+%zu", pend);
}

static const struct {
  qc_reply_mode mode;
  const char *in;
  const char *out;
} cases[] = {
    {QC_REPLY_STRICT, "220 ready\r\n", "220s11;"},
    {QC_REPLY_STRICT, "220 ready\n", "220s10;"}, /* bare LF */
    {QC_REPLY_STRICT, "200\r\n", "200s5;"},
    /* body lines that look like codes, even the same code with '-', and an
     * indented one, do not end the block */
    {QC_REPLY_STRICT, "123-First\r\n234 not end\r\n123 End\r\n", "123m33;"},
    {QC_REPLY_STRICT, "123-a\r\n123-b\r\n 123 c\r\n123\r\n", "123m27;"},
    {QC_REPLY_STRICT, "331 pw\r\n230 in\r\n", "331s8;230s8;"}, /* two */
    {QC_REPLY_STRICT, "257 \"/\"\r\n226 x", "257s9;+5"},
    {QC_REPLY_STRICT, "hello\r\n", "BAD;"},
    {QC_REPLY_STRICT, "99 x\r\n", "BAD;"},
    {QC_REPLY_STRICT, "600 x\r\n", "BAD;"},
    {QC_REPLY_STRICT, "220x\r\n", "BAD;"},
    {QC_REPLY_STRICT, "\r\n", "BAD;"},
    {QC_REPLY_STRICT, "220 a\r\nhello\r\n200 b\r\n", "220s7;BAD;"},
    {QC_REPLY_STRICT, "22", "+2"},
    /* lenient: a stray line is given alone and reading goes on */
    {QC_REPLY_LENIENT, "hello\r\n220 x\r\n", "J7;220s7;"},
    {QC_REPLY_LENIENT, "\n600 x\n", "J1;J6;"},
    {QC_REPLY_LENIENT, "211-a\r\nnot a code\r\n211 b\r\n", "211m26;"},
    /* caps: a line of LINE_MAX_T bytes passes, one more does not; the
     * reply is capped in all */
    {QC_REPLY_STRICT, "200 4567890123456789012345678901\r\n", "200s34;"},
    {QC_REPLY_STRICT, "200 45678901234567890123456789012\r\n", "LONG;"},
    {QC_REPLY_LENIENT, "200 456789012345678901234567890123\n", "LONG;"},
    {QC_REPLY_STRICT,
     "211-a\r\n211-0123456789012345678901234\r\n"
     "211-0123456789012345678901234\r\n211-0123456789012345678901234\r\n",
     "LONG;"},
};

START_TEST(test_whole)
{
  char out[128];
  read_all(cases[_i].mode, cases[_i].in, 0, out, sizeof out);
  ck_assert_msg(strcmp(out, cases[_i].out) == 0, "case %d: %s", _i, out);
}
END_TEST

START_TEST(test_byte_at_a_time)
{
  char out[128];
  read_all(cases[_i].mode, cases[_i].in, 1, out, sizeof out);
  ck_assert_msg(strcmp(out, cases[_i].out) == 0, "case %d: %s", _i, out);
}
END_TEST

START_TEST(test_split_across_feeds)
{
  char out[128];
  for (size_t chunk = 2; chunk < 12; chunk++) {
    read_all(cases[_i].mode, cases[_i].in, chunk, out, sizeof out);
    ck_assert_msg(strcmp(out, cases[_i].out) == 0, "case %d/%zu: %s", _i, chunk,
                  out);
  }
}
END_TEST

START_TEST(test_sticky_and_reset)
{
  char store[64];
  qc_reply r;
  qc_reply_init(&r, QC_REPLY_STRICT, 0, 63, store);
  size_t used;
  ck_assert_int_eq(qc_reply_feed(&r, "junk\n", 5, &used), QC_REPLY_BAD);
  ck_assert_int_eq(qc_reply_feed(&r, "200 ok\n", 7, &used), QC_REPLY_BAD);
  ck_assert_uint_eq(used, 0);
  qc_reply_reset(&r);
  ck_assert_int_eq(qc_reply_feed(&r, "200 ok\n", 7, &used), QC_REPLY_DONE);
  ck_assert_int_eq(qc_reply_code(&r), 200);
  char t[8];
  qc_reply_first_text(&r, t, sizeof t);
  ck_assert_str_eq(t, "ok");
}
END_TEST

START_TEST(test_full_without_end)
{
  /* reply_max bytes and no end: an error at once, not a wait for more. */
  char store[9];
  qc_reply r;
  qc_reply_init(&r, QC_REPLY_LENIENT, 0, 8, store);
  size_t used;
  ck_assert_int_eq(qc_reply_feed(&r, "220-abc\n", 8, &used), QC_REPLY_TOO_LONG);
  qc_reply_init(&r, QC_REPLY_LENIENT, 0, 8, store);
  ck_assert_int_eq(qc_reply_feed(&r, "220 abc\n", 8, &used), QC_REPLY_DONE);
  ck_assert_uint_eq(used, 8);
}
END_TEST

START_TEST(test_lines)
{
  /* The line interface: lines kept with "\n"; same rules. */
  char store[64];
  qc_reply r;
  qc_reply_init(&r, QC_REPLY_LENIENT, 16, 63, store);
  ck_assert_int_eq(qc_reply_line(&r, "garbage", 7), QC_REPLY_JUNK);
  ck_assert_int_eq(qc_reply_line(&r, "230-Welcome", 11), QC_REPLY_MORE);
  ck_assert_int_eq(qc_reply_line(&r, "230-more", 8), QC_REPLY_MORE);
  ck_assert_int_eq(qc_reply_line(&r, "230 done", 8), QC_REPLY_DONE);
  ck_assert_str_eq(qc_reply_text(&r), "230-Welcome\n230-more\n230 done\n");
  ck_assert_int_eq(qc_reply_line(&r, "2", 1), QC_REPLY_JUNK);
  ck_assert_int_eq(qc_reply_line(&r, "200 0123456789abcdef", 20),
                   QC_REPLY_TOO_LONG);
}
END_TEST

START_TEST(test_line_code)
{
  static const struct {
    const char *line;
    int code;
    char sep;
  } lc[] = {
      {"220 ready", 220, ' '},
      {"211-Features", 211, '-'},
      {"599", 599, 0},
      {"100 ", 100, ' '},
      {"220", 220, 0},
      {"22", 0, 0},
      {"", 0, 0},
      {"099 x", 0, 0},
      {"600 x", 0, 0},
      {"2a0 x", 0, 0},
      {"220x", 0, 0},
      {"220\r", 0, 0},
      {" 220 x", 0, 0},
  };
  for (size_t i = 0; i < sizeof lc / sizeof lc[0]; i++) {
    char sep = 'x';
    int code = qc_reply_line_code(lc[i].line, strlen(lc[i].line), &sep);
    ck_assert_msg(code == lc[i].code, "%s: %d", lc[i].line, code);
    if (code)
      ck_assert_msg(sep == lc[i].sep, "%s: sep %d", lc[i].line, sep);
  }
  /* Only len bytes count: the start of a line still arriving. */
  ck_assert_int_eq(qc_reply_line_code("220 x", 3, NULL), 220);
  ck_assert_int_eq(qc_reply_line_code("22", 1, NULL), 0);
}
END_TEST

static const struct {
  const char *in;
  qc_reply_status st;
  int code;
  size_t used;
} scans[] = {
    {"220 ready", QC_REPLY_DONE, 220, 9}, /* the text's end ends the line */
    {"220 ready\r\n", QC_REPLY_DONE, 220, 11},
    {"150 a\n226 b", QC_REPLY_DONE, 150, 6}, /* the next one stays */
    {"211-a\n200 no\n\n211-b\n211", QC_REPLY_DONE, 211, 23},
    {"211-a\n211 b\n226 c", QC_REPLY_DONE, 211, 12},
    {"211-a\n211-b", QC_REPLY_MORE, 211, 11},
    {"211-a\n", QC_REPLY_MORE, 211, 6},
    {"211-a\n210 b\n", QC_REPLY_MORE, 211, 12},
    {"hello\n220 x", QC_REPLY_BAD, 0, 0},
    {"\n220 x", QC_REPLY_BAD, 0, 0},
    {"", QC_REPLY_BAD, 0, 0},
    {"220 x\r", QC_REPLY_DONE, 220, 6}, /* a CR ends no line by itself */
    {"220\r", QC_REPLY_BAD, 0, 0},
};

START_TEST(test_scan)
{
  int code = -1;
  size_t used = 99;
  const char *in = scans[_i].in;
  qc_reply_status st = qc_reply_scan(in, strlen(in), &code, &used);
  ck_assert_msg(st == scans[_i].st, "case %d: status %d", _i, st);
  ck_assert_msg(code == scans[_i].code, "case %d: code %d", _i, code);
  ck_assert_msg(used == scans[_i].used, "case %d: used %zu", _i, used);
}
END_TEST

START_TEST(test_scan_agrees_with_reader)
{
  /* Every stream case that ends in a line end: the first unit the reader
   * gives is what scan finds in the same bytes. */
  static char store[REPLY_MAX_T + 1];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *in = cases[i].in;
    size_t n = strlen(in), used, sused;
    if (cases[i].mode != QC_REPLY_STRICT || n == 0 || in[n - 1] != '\n')
      continue;
    qc_reply r;
    qc_reply_init(&r, QC_REPLY_STRICT, 0, REPLY_MAX_T, store);
    qc_reply_status st = qc_reply_feed(&r, in, n, &used);
    if (st == QC_REPLY_TOO_LONG)
      continue; /* the reader's caps; scan has none */
    int code;
    qc_reply_status sst = qc_reply_scan(in, n, &code, &sused);
    ck_assert_msg(sst == st, "case %zu: %d vs %d", i, sst, st);
    if (st == QC_REPLY_DONE) {
      ck_assert_int_eq(code, qc_reply_code(&r));
      ck_assert_uint_eq(sused, used);
    }
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qc_reply");
  TCase *tc = tcase_create("core");
  int n = (int)(sizeof cases / sizeof cases[0]);
  tcase_add_loop_test(tc, test_whole, 0, n);
  tcase_add_loop_test(tc, test_byte_at_a_time, 0, n);
  tcase_add_loop_test(tc, test_split_across_feeds, 0, n);
  tcase_add_test(tc, test_sticky_and_reset);
  tcase_add_test(tc, test_full_without_end);
  tcase_add_test(tc, test_lines);
  tcase_add_test(tc, test_line_code);
  tcase_add_loop_test(tc, test_scan, 0, (int)(sizeof scans / sizeof scans[0]));
  tcase_add_test(tc, test_scan_agrees_with_reader);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
