/* Unit tests: work_dir creation and the sweep of dead runs' directories. */
#include "work_dir.h"

#include "fsutil.h"

#include "qc_test_util.h"

#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char base[] = "/tmp/qh-test-workdir-XXXXXX";

static void setup(void)
{
  strcpy(base, "/tmp/qh-test-workdir-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(base));
}

static void teardown(void) { qh_remove_tree(base); }

static bool exists(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0;
}

/* A pid that certainly names no process: a child already reaped. */
static pid_t dead_pid(void)
{
  pid_t p = fork();
  ck_assert_int_ge(p, 0);
  if (p == 0)
    _exit(0);
  ck_assert_int_eq(waitpid(p, NULL, 0), p);
  return p;
}

static void make_dir_with_pid(const char *name, const char *pid_text)
{
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/%s", base, name);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  snprintf(p, sizeof p, "%s/%s/sub", base, name);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  if (!pid_text)
    return;
  snprintf(p, sizeof p, "%s/%s/runner.pid", base, name);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs(pid_text, f);
  fclose(f);
}

START_TEST(test_create_records_pid)
{
  char dir[PATH_MAX];
  ck_assert_int_eq(qh_work_dir_create(base, dir, sizeof dir), 0);
  ck_assert_int_eq(strncmp(dir, base, strlen(base)), 0);
  ck_assert_ptr_nonnull(strstr(dir, "/" QH_WORK_DIR_PREFIX));
  struct stat st;
  ck_assert_int_eq(stat(dir, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0755);
  /* Our own directory survives a sweep: we are alive. */
  ck_assert_int_eq(qh_work_dir_sweep(base), 0);
  ck_assert(exists(dir));
}
END_TEST

START_TEST(test_sweep_removes_only_dead_runs)
{
  char text[64];
  struct stat ns;
  ck_assert_int_eq(stat("/proc/self/ns/pid", &ns), 0);
  snprintf(text, sizeof text, "%ld %llu\n", (long)dead_pid(),
           (unsigned long long)ns.st_ino);
  make_dir_with_pid(QH_WORK_DIR_PREFIX "dead01", text);
  /* A dead pid of another pid namespace: that run may live elsewhere. */
  char other[64];
  snprintf(other, sizeof other, "%ld %llu\n", (long)dead_pid(),
           (unsigned long long)ns.st_ino + 1);
  make_dir_with_pid(QH_WORK_DIR_PREFIX "otherns", other);
  snprintf(text, sizeof text, "%ld %llu\n", (long)getpid(),
           (unsigned long long)ns.st_ino);
  make_dir_with_pid(QH_WORK_DIR_PREFIX "live01", text);
  make_dir_with_pid(QH_WORK_DIR_PREFIX "nopid1", NULL);
  make_dir_with_pid(QH_WORK_DIR_PREFIX "junk01", "not a pid\n");
  make_dir_with_pid("other-dead", text); /* not ours by name */

  ck_assert_int_eq(qh_work_dir_sweep(base), 1);
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "dead01", base);
  ck_assert(!exists(p));
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "live01", base);
  ck_assert(exists(p));
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "otherns", base);
  ck_assert(exists(p));
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "nopid1", base);
  ck_assert(exists(p));
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "junk01", base);
  ck_assert(exists(p));
  snprintf(p, sizeof p, "%s/other-dead", base);
  ck_assert(exists(p));
}
END_TEST

/* As root: a directory (or pid record) another user made is never ours to
 * remove, whatever pid it names. */
START_TEST(test_sweep_ignores_other_users)
{
  if (geteuid() != 0)
    return; /* chown needs root; the rule is the same for everyone */
  struct stat ns;
  ck_assert_int_eq(stat("/proc/self/ns/pid", &ns), 0);
  char text[64];
  snprintf(text, sizeof text, "%ld %llu\n", (long)dead_pid(),
           (unsigned long long)ns.st_ino);
  make_dir_with_pid(QH_WORK_DIR_PREFIX "theirs", text);
  make_dir_with_pid(QH_WORK_DIR_PREFIX "planted", text);
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "theirs", base);
  ck_assert_int_eq(chown(p, 65534, 65534), 0);
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "planted/runner.pid", base);
  ck_assert_int_eq(chown(p, 65534, 65534), 0);
  ck_assert_int_eq(qh_work_dir_sweep(base), 0);
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "theirs", base);
  ck_assert(exists(p));
  snprintf(p, sizeof p, "%s/" QH_WORK_DIR_PREFIX "planted", base);
  ck_assert(exists(p));
}
END_TEST

START_TEST(test_sweep_missing_base)
{
  ck_assert_int_eq(qh_work_dir_sweep("/nonexistent/qh-work-dir-base"), 0);
}
END_TEST

START_TEST(test_create_name_too_long)
{
  char dir[16];
  ck_assert_int_eq(qh_work_dir_create(base, dir, sizeof dir), -1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("work_dir");
  TCase *tc = tcase_create("work_dir");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_create_records_pid);
  tcase_add_test(tc, test_sweep_removes_only_dead_runs);
  tcase_add_test(tc, test_sweep_ignores_other_users);
  tcase_add_test(tc, test_sweep_missing_base);
  tcase_add_test(tc, test_create_name_too_long);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
