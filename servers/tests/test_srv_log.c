/* srv_log: a case's slice of the protocol log. */
#include "srv_log.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64], log_path[96], dest[96];

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/test_srv_log.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(log_path, sizeof log_path, "%s/vsftpd.log", dir);
  snprintf(dest, sizeof dest, "%s/server.log", dir);
}

static void teardown(void)
{
  unlink(log_path);
  unlink(dest);
  rmdir(dir);
}

static void append(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

static void assert_file(const char *path, const char *want)
{
  char buf[4096];
  int fd = open(path, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  ck_assert_int_ge(n, 0);
  buf[n] = '\0';
  ck_assert_str_eq(buf, want);
}

typedef struct slice_case {
  const char *before, *during; /* log text before and during the case */
} slice_case;

static const slice_case cases[] = {
    {"", "[pid 1] CONNECT: Client \"127.0.0.1\"\n"},
    {"old line\n", "FTP command: Client \"127.0.0.1\", \"PWD\"\n"
                   "FTP response: Client \"127.0.0.1\", \"257 \\\"/\\\"\"\n"},
    {"old line\n", ""},
    {"partial", " line end\n"}, /* a case can begin mid-line */
};

START_TEST(test_slice_table)
{
  const slice_case *c = &cases[_i];
  char err[256];
  append(log_path, c->before);
  uint64_t off = srv_log_size(log_path);
  ck_assert_uint_eq(off, strlen(c->before));
  append(log_path, c->during);
  ck_assert_msg(srv_log_copy_since(log_path, off, dest, err, sizeof err) == 0,
                "%s", err);
  assert_file(dest, c->during);
}
END_TEST

START_TEST(test_missing_log_is_empty)
{
  char err[256];
  ck_assert_uint_eq(srv_log_size(log_path), 0);
  append(dest, "stale content");
  ck_assert_int_eq(srv_log_copy_since(log_path, 0, dest, err, sizeof err), 0);
  assert_file(dest, "");
}
END_TEST

START_TEST(test_offset_past_end_copies_whole)
{
  char err[256];
  append(log_path, "new log\n");
  ck_assert_int_eq(srv_log_copy_since(log_path, 1000, dest, err, sizeof err),
                   0);
  assert_file(dest, "new log\n");
}
END_TEST

START_TEST(test_bad_dest)
{
  char err[256];
  append(log_path, "x\n");
  ck_assert_int_eq(srv_log_copy_since(log_path, 0, "/nonexistent/dir/s.log",
                                      err, sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/s.log"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_log");
  TCase *tc = tcase_create("slice");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, test_slice_table, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_missing_log_is_empty);
  tcase_add_test(tc, test_offset_past_end_copies_whole);
  tcase_add_test(tc, test_bad_dest);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
