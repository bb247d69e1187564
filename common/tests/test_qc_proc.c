/* Unit tests: qc_proc — spawning, watching, stopping, reaping. */
#include "qc_proc.h"
#include "qc_time.h"

#include "qc_test_util.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Waits (bounded) for pid to end; its wait status, or -1 on timeout. */
static int wait_end(pid_t pid, int ms)
{
  int64_t end = qc_deadline_in(ms);
  int st;
  while (qc_alive(pid, &st))
    if (qc_remaining_ms(end) <= 0)
      return -1;
    else
      qc_sleep_until(qc_deadline_in(5));
  return st;
}

/* Processes of group pgid that are not zombies, from /proc/<pid>/stat. */
static int live_in_group(pid_t pgid)
{
  DIR *d = opendir("/proc");
  ck_assert_ptr_nonnull(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    char path[300], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    FILE *f = fopen(path, "r");
    if (!f)
      continue;
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    char *p = strrchr(buf, ')'); /* after "pid (comm" */
    char state;
    int ppid, pgrp;
    if (p && sscanf(p + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 &&
        pgrp == pgid && state != 'Z')
      n++;
  }
  closedir(d);
  return n;
}

START_TEST(test_spawn_missing_program)
{
  char err[256] = "";
  char *argv[] = {"/nonexistent/qftp-nothing", NULL};
  ck_assert_int_eq(qc_spawn(argv, -1, -1, -1, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "cannot run /nonexistent/qftp-nothing"));
  ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

START_TEST(test_spawn_exit_status)
{
  char err[256];
  char *argv[] = {"sh", "-c", "exit 3", NULL};
  pid_t pid = qc_spawn(argv, -1, -1, -1, err, sizeof err);
  ck_assert_int_gt(pid, 0);
  int st = wait_end(pid, 2000);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 3);
  char s[64];
  qc_status_str(st, s, sizeof s);
  ck_assert_str_eq(s, "exited 3");
}
END_TEST

START_TEST(test_fds_not_inherited)
{
  /* An fd of ours without close-on-exec must not reach the child. */
  int fd = open("/dev/null", O_RDONLY);
  ck_assert_int_gt(fd, 2);
  char script[64], err[256];
  snprintf(script, sizeof script, "test -e /proc/self/fd/%d", fd);
  char *argv[] = {"sh", "-c", script, NULL};
  pid_t pid = qc_spawn(argv, -1, -1, -1, err, sizeof err);
  ck_assert_int_gt(pid, 0);
  int st = wait_end(pid, 2000);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 1);
  close(fd);
}
END_TEST

/* A passed fd (close-on-exec, as a socketpair end should be) is open in
 * the child at QC_SPAWN_PASS_FD and carries bytes; nothing else leaks. */
START_TEST(test_spawn_passes_one_fd)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  int other = open("/dev/null", O_RDONLY);
  ck_assert_int_gt(other, 2);
  char script[128], err[256];
  snprintf(script, sizeof script,
           "test ! -e /proc/self/fd/%d && echo hi >&%d", other,
           QC_SPAWN_PASS_FD);
  char *argv[] = {"sh", "-c", script, NULL};
  pid_t pid = qc_spawn_fd(argv, -1, -1, -1, sv[1], err, sizeof err);
  ck_assert_int_gt(pid, 0);
  close(sv[1]);
  int st = wait_end(pid, 2000);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 0);
  char buf[8] = "";
  ck_assert_int_eq(read(sv[0], buf, sizeof buf - 1), 3);
  ck_assert_str_eq(buf, "hi\n");
  close(sv[0]);
  close(other);
}
END_TEST

START_TEST(test_stop_group)
{
  /* The child's own children die with it: qc_stop signals the group. */
  char err[256];
  char *argv[] = {"sh", "-c", "sleep 30 & sleep 30; wait", NULL};
  pid_t pid = qc_spawn(argv, -1, -1, -1, err, sizeof err);
  ck_assert_int_gt(pid, 0);
  qc_sleep_until(qc_deadline_in(100));
  int64_t t0 = qc_now_ms();
  int st = qc_stop(pid, SIGTERM, 500);
  ck_assert_int_lt(qc_now_ms() - t0, 2000);
  ck_assert(WIFSIGNALED(st));
  /* No one left running in the group: the orphaned sleep is killed too
   * (a zombie until its new parent reaps it, which a container's PID 1 may
   * never do, so zombies count as gone). */
  int64_t end = qc_deadline_in(2000);
  while (live_in_group(pid) && qc_remaining_ms(end) > 0)
    qc_sleep_until(qc_deadline_in(10));
  ck_assert_int_eq(live_in_group(pid), 0);
  ck_assert_int_eq(qc_stop(pid, SIGTERM, 100), -1); /* already reaped */
}
END_TEST

int main(void)
{
  Suite *s = suite_create("common.proc");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_spawn_missing_program);
  tcase_add_test(tc, test_spawn_exit_status);
  tcase_add_test(tc, test_fds_not_inherited);
  tcase_add_test(tc, test_spawn_passes_one_fd);
  tcase_add_test(tc, test_stop_group);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
