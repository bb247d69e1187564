/* Unit tests: report_dir - what a run may create, mark and empty. */
#include "report_dir.h"

#include "fsutil.h"

#include "qc_test_util.h"

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[] = "/tmp/qh-test-reportdir-XXXXXX";
static char home[PATH_MAX]; /* a fake project: base/proj with cases/ */

static void path(char *out, const char *rel)
{
  snprintf(out, PATH_MAX, "%s/%s", base, rel);
}

static bool exists(const char *rel)
{
  char p[PATH_MAX];
  struct stat st;
  path(p, rel);
  return stat(p, &st) == 0;
}

static void make_dir(const char *rel)
{
  char p[PATH_MAX];
  path(p, rel);
  ck_assert_int_eq(qh_mkdirs(p, 0755), 0);
}

static void make_file(const char *rel, const char *text)
{
  char p[PATH_MAX];
  path(p, rel);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static int prepare(const char *rel, char *err, size_t len)
{
  char p[PATH_MAX];
  path(p, rel);
  err[0] = '\0';
  return qh_report_dir_prepare(p, home, err, len);
}

static void setup(void)
{
  strcpy(base, "/tmp/qh-test-reportdir-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(base));
  snprintf(home, sizeof home, "%s/proj", base);
  make_dir("proj/cases/open");
}

static void teardown(void) { qh_remove_tree(base); }

START_TEST(test_new_dir_created_and_marked)
{
  char err[512];
  ck_assert_msg(prepare("out/run1", err, sizeof err) == 0, "%s", err);
  ck_assert(exists("out/run1/" QH_REPORT_MARK));
  /* Run again: ours now, its cases/ goes. */
  make_dir("out/run1/cases/x");
  ck_assert_msg(prepare("out/run1", err, sizeof err) == 0, "%s", err);
  ck_assert(!exists("out/run1/cases"));
}
END_TEST

START_TEST(test_foreign_cases_kept)
{
  char err[512];
  make_dir("other/cases/keep");
  ck_assert_int_eq(prepare("other", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "is not from a report of ours"));
  ck_assert(exists("other/cases/keep"));
  /* Another tool's results.json does not make it ours either. */
  make_file("other/results.json", "{\"tool\": \"something-else\"}\n");
  ck_assert_int_eq(prepare("other", err, sizeof err), -1);
  ck_assert(exists("other/cases/keep"));
  ck_assert(!exists("other/" QH_REPORT_MARK));
}
END_TEST

START_TEST(test_old_report_recognised)
{
  char err[512];
  make_dir("old/cases/open.login");
  make_file("old/results.json",
            "{\n  \"schema\": 1,\n  \"tool\": \"qftp-harness\",\n}\n");
  ck_assert_msg(prepare("old", err, sizeof err) == 0, "%s", err);
  ck_assert(!exists("old/cases"));
}
END_TEST

START_TEST(test_project_refused_untouched)
{
  char err[512];
  ck_assert_int_eq(prepare("proj", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "inside the project's own sources"));
  ck_assert_int_eq(prepare("proj/cases/x/y", err, sizeof err), -1);
  ck_assert(!exists("proj/cases/x")); /* nothing created on the way */
  ck_assert_int_eq(prepare("proj/fixtures", err, sizeof err), -1);
  ck_assert(!exists("proj/fixtures"));
  /* Beside the sources is fine. */
  ck_assert_msg(prepare("proj/qftp-reports", err, sizeof err) == 0, "%s", err);
  ck_assert(exists("proj/cases/open"));
}
END_TEST

START_TEST(test_climbing_back_refused)
{
  char err[512];
  ck_assert_int_eq(prepare("new/../proj/cases", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "no . or .."));
  ck_assert(!exists("new"));
  /* ".." through directories that exist resolves first, and is caught. */
  make_dir("real");
  ck_assert_int_eq(prepare("real/../proj/cases", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "inside the project's own sources"));
}
END_TEST

START_TEST(test_symlink_into_project_refused)
{
  char err[512], target[PATH_MAX], link[PATH_MAX];
  path(target, "proj/cases");
  path(link, "alias");
  ck_assert_int_eq(symlink(target, link), 0);
  ck_assert_int_eq(prepare("alias", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "inside the project's own sources"));
  ck_assert_int_eq(prepare("alias/sub", err, sizeof err), -1);
  ck_assert(!exists("proj/cases/sub"));
}
END_TEST

START_TEST(test_file_refused)
{
  char err[512];
  make_file("afile", "x");
  ck_assert_int_eq(prepare("afile", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "not a directory"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("report_dir");
  TCase *tc = tcase_create("report_dir");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_new_dir_created_and_marked);
  tcase_add_test(tc, test_foreign_cases_kept);
  tcase_add_test(tc, test_old_report_recognised);
  tcase_add_test(tc, test_project_refused_untouched);
  tcase_add_test(tc, test_climbing_back_refused);
  tcase_add_test(tc, test_symlink_into_project_refused);
  tcase_add_test(tc, test_file_refused);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
