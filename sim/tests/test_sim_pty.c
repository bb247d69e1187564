/* The pty set-up: raw mode on something that is no terminal fails with a
 * message naming it and the errno; a real pty comes out raw. */
#include "sim_pty.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

START_TEST(test_raw_on_pipe_fails)
{
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  char err[256] = "";
  ck_assert_int_eq(sim_pty_raw(p[0], "the-pipe", err, sizeof err), -1);
  ck_assert_msg(strstr(err, "the-pipe"), "no name in '%s'", err);
  ck_assert_msg(strstr(err, strerror(ENOTTY)), "no errno in '%s'", err);
  close(p[0]);
  close(p[1]);
}
END_TEST

START_TEST(test_raw_on_closed_fd_fails)
{
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  close(p[0]);
  close(p[1]);
  char err[256] = "";
  ck_assert_int_eq(sim_pty_raw(p[0], "gone", err, sizeof err), -1);
  ck_assert_msg(strstr(err, "gone") && strstr(err, strerror(EBADF)), "'%s'",
                err);
}
END_TEST

START_TEST(test_open_gives_raw_slave)
{
  int m = -1, s = -1;
  char name[128], err[256] = "";
  ck_assert_msg(sim_pty_open(&m, &s, name, sizeof name, err, sizeof err) == 0,
                "%s", err);
  ck_assert_str_eq(err, "");
  ck_assert_int_eq(strncmp(name, "/dev/pts/", 9), 0);
  struct termios t;
  ck_assert_int_eq(tcgetattr(s, &t), 0);
  ck_assert_uint_eq(t.c_lflag & (ICANON | ECHO | ISIG), 0);
  ck_assert_uint_eq(t.c_oflag & OPOST, 0);
  ck_assert_int_ne(fcntl(m, F_GETFL) & O_NONBLOCK, 0);
  /* bytes pass unchanged: no CR -> LF on input */
  ck_assert_int_eq(write(m, "AT\r", 3), 3);
  char buf[8];
  ck_assert_int_eq(read(s, buf, sizeof buf), 3);
  ck_assert_int_eq(memcmp(buf, "AT\r", 3), 0);
  close(s);
  close(m);
}
END_TEST

int main(void)
{
  Suite *su = suite_create("sim_pty");
  TCase *tc = tcase_create("pty");
  tcase_add_test(tc, test_raw_on_pipe_fails);
  tcase_add_test(tc, test_raw_on_closed_fd_fails);
  tcase_add_test(tc, test_open_gives_raw_slave);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
