/* Unit tests: at_lines framing and vars substitution. */
#include "at_lines.h"
#include "case_engine.h"
#include "escape.h"
#include "vars.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qc_io.h"
#include "qc_time.h"

/* Feeds `in` in chunks of `chunk` bytes and collects the lines. */
static size_t frame(const char *in, size_t n, size_t chunk, char out[][64],
                    size_t max)
{
  static qh_lines l;
  qh_lines_init(&l);
  size_t k = 0;
  for (size_t i = 0; i < n; i += chunk) {
    size_t c = n - i < chunk ? n - i : chunk;
    qh_lines_feed(&l, in + i, c);
    qh_line ln;
    while (k < max && qh_lines_pop(&l, &ln)) {
      ck_assert_uint_lt(ln.len, 64);
      memcpy(out[k++], ln.text, ln.len + 1);
    }
  }
  return k;
}

/* A literal and its length (it may hold NUL bytes). */
#define S(lit) lit, sizeof(lit) - 1

static const struct {
  const char *in;
  size_t n;
  const char *lines[4];
} frame_cases[] = {
    {S("\r\nOK\r\n"), {"OK"}},
    {S("AT+X\r\r\nOK\r\n"), {"AT+X", "OK"}},
    {S("\r\n+QFTPOPEN: 0,0\r\n\r\nOK\r\n"), {"+QFTPOPEN: 0,0", "OK"}},
    {S("\n\n\r\r"), {NULL}},
    {S("A\0B\r"), {"A?B"}},
    {S("no end"), {NULL}},
    {S("x\ny\rz\r\n"), {"x", "y", "z"}},
};

START_TEST(test_frame_table)
{
  for (size_t chunk = 1; chunk <= 7; chunk += 3) {
    char got[8][64];
    size_t k = frame(frame_cases[_i].in, frame_cases[_i].n, chunk, got, 8);
    size_t want = 0;
    while (want < 4 && frame_cases[_i].lines[want])
      want++;
    ck_assert_uint_eq(k, want);
    for (size_t j = 0; j < want; j++)
      ck_assert_str_eq(got[j], frame_cases[_i].lines[j]);
  }
}
END_TEST

START_TEST(test_frame_overlong)
{
  static qh_lines l;
  qh_lines_init(&l);
  char chunk[1000];
  memset(chunk, 'A', sizeof chunk);
  for (int i = 0; i < 10; i++)
    ck_assert_uint_eq(qh_lines_feed(&l, chunk, sizeof chunk), sizeof chunk);
  qh_line ln;
  /* 10 000 bytes, no CR: nothing yet, and memory stays bounded. */
  ck_assert(!qh_lines_pop(&l, &ln));
  ck_assert_uint_le(l.cur, QH_LINE_MAX);
  qh_lines_feed(&l, "\r\nOK\r\n", 6);
  ck_assert(qh_lines_pop(&l, &ln));
  ck_assert(ln.cut);
  ck_assert_uint_eq(ln.len, QH_LINE_MAX);
  ck_assert(qh_lines_pop(&l, &ln));
  ck_assert_str_eq(ln.text, "OK");
  ck_assert(!ln.cut);
}
END_TEST

START_TEST(test_lines_next_deadline)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  static qh_lines l;
  qh_lines_init(&l);
  qh_line ln;
  qh_transport *t = qh_transport_fd_new(sv[0], "socketpair");
  ck_assert_ptr_nonnull(t);
  int64_t t0 = qc_now_ms();
  ck_assert_int_eq(qh_lines_next(&l, t, qc_deadline_in(100), &ln),
                   QC_IO_TIMEOUT);
  ck_assert_int_ge(qc_now_ms() - t0, 90);
  ck_assert_int_eq(write(sv[1], "\r\nOK\r\n+QFTP", 11), 11);
  ck_assert_int_eq(qh_lines_next(&l, t, qc_deadline_in(100), &ln), 1);
  ck_assert_str_eq(ln.text, "OK");
  ck_assert(qh_lines_pending(&l));
  close(sv[1]);
  /* The partial "+QFTP" never ends: hang-up is reported as 0. */
  ck_assert_int_eq(qh_lines_next(&l, t, qc_deadline_in(100), &ln), 0);
  qh_transport_close(t);
}
END_TEST

/* Data mode after a line: the LF that frames the line before is not
 * data, whether it is queued or read straight into the caller's buffer. */
START_TEST(test_read_raw_after_line)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  static qh_lines l;
  qh_lines_init(&l);
  qh_line ln;
  qh_transport *t = qh_transport_fd_new(sv[0], "socketpair");
  ck_assert_ptr_nonnull(t);
  char got[64];
  /* Nothing queued after the line: the direct read drops the LF. */
  ck_assert_int_eq(write(sv[1], "CONNECT\r", 8), 8);
  ck_assert_int_eq(qh_lines_next(&l, t, qc_deadline_in(500), &ln), 1);
  ck_assert_str_eq(ln.text, "CONNECT");
  ck_assert(!qh_lines_pending(&l));
  ck_assert_int_eq(write(sv[1], "\nab\r\n", 5), 5);
  ck_assert_int_eq(qh_lines_read_raw(&l, t, got, sizeof got,
                                     qc_deadline_in(500)), 4);
  ck_assert(memcmp(got, "ab\r\n", 4) == 0);
  /* The LF alone, then data: the read goes on for the data. */
  ck_assert_int_eq(write(sv[1], "X\r", 2), 2);
  ck_assert_int_eq(qh_lines_next(&l, t, qc_deadline_in(500), &ln), 1);
  ck_assert_int_eq(write(sv[1], "\n", 1), 1);
  ck_assert_int_eq(qh_lines_read_raw(&l, t, got, 1, qc_deadline_in(50)),
                   QC_IO_TIMEOUT);
  ck_assert_int_eq(write(sv[1], "\ncd", 3), 3);
  ck_assert_int_eq(qh_lines_read_raw(&l, t, got, sizeof got,
                                     qc_deadline_in(500)), 3);
  ck_assert(memcmp(got, "\ncd", 3) == 0); /* only the first LF framed */
  /* Queued after the line: the same LF is dropped from the queue. */
  ck_assert_int_eq(write(sv[1], "OK\r\nxy", 6), 6);
  ck_assert_int_eq(qh_lines_next(&l, t, qc_deadline_in(500), &ln), 1);
  ck_assert_str_eq(ln.text, "OK");
  ck_assert_int_eq(qh_lines_read_raw(&l, t, got, sizeof got,
                                     qc_deadline_in(500)), 2);
  ck_assert(memcmp(got, "xy", 2) == 0);
  /* A hang-up reads as 0, and stays 0. */
  close(sv[1]);
  ck_assert_int_eq(qh_lines_read_raw(&l, t, got, sizeof got,
                                     qc_deadline_in(500)), 0);
  ck_assert_int_eq(qh_lines_read_raw(&l, t, got, sizeof got,
                                     qc_deadline_in(500)), 0);
  qh_transport_close(t);
}
END_TEST

/* qc_read_nb: data at once, a timeout when none comes, 0 at the end. */
START_TEST(test_read_nb)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_eq(qc_set_nonblock(sv[0], 1), 0);
  char got[8];
  int64_t t0 = qc_now_ms();
  ck_assert_int_eq(qc_read_nb(sv[0], got, sizeof got, qc_deadline_in(80)),
                   QC_IO_TIMEOUT);
  ck_assert_int_ge(qc_now_ms() - t0, 70);
  ck_assert_int_eq(write(sv[1], "hi", 2), 2);
  ck_assert_int_eq(qc_read_nb(sv[0], got, sizeof got, qc_deadline_in(500)), 2);
  ck_assert(memcmp(got, "hi", 2) == 0);
  /* Bytes already there are read even past the deadline, as poll would. */
  ck_assert_int_eq(write(sv[1], "x", 1), 1);
  ck_assert_int_eq(qc_read_nb(sv[0], got, sizeof got, qc_now_ms() - 1), 1);
  close(sv[1]);
  ck_assert_int_eq(qc_read_nb(sv[0], got, sizeof got, qc_deadline_in(500)), 0);
  close(sv[0]);
}
END_TEST

START_TEST(test_vars)
{
  static qh_vars v;
  memset(&v, 0, sizeof v);
  qh_vars_set(&v, "host", "127.0.0.1");
  qh_vars_setf(&v, "port", "%d", 2121);
  qh_vars_set(&v, "host", "10.0.0.1"); /* replaces */
  char out[128], err[128];
  ck_assert_int_eq(qh_vars_expand(&v, "AT+QFTPOPEN=\"${host}\",${port}", out,
                                  sizeof out, err, sizeof err),
                   0);
  ck_assert_str_eq(out, "AT+QFTPOPEN=\"10.0.0.1\",2121");
  ck_assert_int_eq(qh_vars_expand(&v, "cost $$5 and $x", out, sizeof out, err,
                                  sizeof err),
                   0);
  ck_assert_str_eq(out, "cost $5 and $x");
  ck_assert_int_eq(
      qh_vars_expand(&v, "${nope}", out, sizeof out, err, sizeof err), -1);
  ck_assert_str_eq(err, "unknown variable ${nope}");
  ck_assert_int_eq(
      qh_vars_expand(&v, "${host", out, sizeof out, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "malformed"));
  ck_assert_int_eq(qh_vars_expand(&v, "${host}${host}", out, 12, err,
                                  sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "too long"));
  /* No profile: profile keys are unknown, not a crash. */
  ck_assert_ptr_null(qh_vars_get(&v, "profile.err.530"));
}
END_TEST

/* A reference broken by a line end gives a one-line error (the loader
 * prefixes it with file:line:col; found by fuzz_vars). */
START_TEST(test_vars_error_one_line)
{
  qh_vars v;
  memset(&v, 0, sizeof v);
  char out[64], err[128];
  ck_assert_int_eq(qh_vars_expand(&v, "${\n", out, sizeof out, err,
                                  sizeof err), -1);
  ck_assert_ptr_null(strchr(err, '\n'));
  ck_assert_str_eq(err, "malformed variable reference at \"${\"");
  ck_assert_int_eq(qh_vars_expand(&v, "${a\nb}", out, sizeof out, err,
                                  sizeof err), -1);
  ck_assert_ptr_null(strchr(err, '\n'));
  ck_assert_str_eq(err, "unknown variable ${a}");
}
END_TEST

START_TEST(test_unescape)
{
  unsigned char b[16];
  ck_assert_int_eq(qh_unescape("AT\\r", b, sizeof b), 3);
  ck_assert_int_eq(b[2], '\r');
  ck_assert_int_eq(qh_unescape("\\x00\\xff\\x4", b, sizeof b), 3);
  ck_assert_int_eq(b[0], 0);
  ck_assert_int_eq(b[1], 0xff);
  ck_assert_int_eq(b[2], 4);
  ck_assert_int_eq(qh_unescape("\\\\n\\n\\t", b, sizeof b), 4);
  ck_assert_int_eq(b[0], '\\');
  ck_assert_int_eq(b[1], 'n');
  ck_assert_int_eq(qh_unescape("\\q", b, sizeof b), -1);
  ck_assert_int_eq(qh_unescape("\\xg", b, sizeof b), -1);
  ck_assert_int_eq(qh_unescape("abc", b, 2), -1);
  ck_assert_int_eq(qh_unescape("a\\", b, sizeof b), -1); /* a lone backslash at the end */
  size_t at = 99;
  ck_assert_int_eq(qh_escape_check("AT\\r\\n\\x1A", &at), 0);
  ck_assert_uint_eq(at, 99);
  ck_assert_int_eq(qh_escape_check("ok\\r\\z", &at), -1);
  ck_assert_uint_eq(at, 4);
  /* Longer than any buffer: checking needs none. */
  ck_assert_int_eq(qh_escape_check("0123456789abcdef0123456789", &at), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("harness.lines");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_frame_table, 0,
                      sizeof frame_cases / sizeof frame_cases[0]);
  tcase_add_test(tc, test_frame_overlong);
  tcase_add_test(tc, test_lines_next_deadline);
  tcase_add_test(tc, test_read_raw_after_line);
  tcase_add_test(tc, test_read_nb);
  tcase_add_test(tc, test_vars);
  tcase_add_test(tc, test_vars_error_one_line);
  tcase_add_test(tc, test_unescape);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
