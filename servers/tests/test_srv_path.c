/* srv_path: which home-relative paths a case may use. */
#include "srv_path.h"

#include <check.h>
#include <string.h>

typedef struct path_case {
  const char *path;
  const char *err; /* NULL: accepted; else a fragment of the error */
} path_case;

static const path_case cases[] = {
    {"a.txt", NULL},
    {"dir/sub/file.bin", NULL},
    {"..a/b..", NULL}, /* dots inside names are fine */
    {".hidden", NULL},
    {"with space.txt", NULL},
    {"", "is empty"},
    {"/etc/passwd", "leading '/'"},
    {"..", "'..' component"},
    {"a/../../etc", "'..' component"},
    {"a/..", "'..' component"},
    {".", "'.' component"},
    {"a/./b", "'.' component"},
    {"a//b", "empty component"},
    {"dir/", "empty component"},
    {"a\r\nDELE b", "control character"},
    {"tab\there", "control character"},
};

START_TEST(test_path_table)
{
  const path_case *c = &cases[_i];
  char err[256] = "";
  int rc = srv_path_check(c->path, err, sizeof err);
  if (!c->err) {
    ck_assert_msg(rc == 0, "\"%s\" rejected: %s", c->path, err);
    return;
  }
  ck_assert_msg(rc == -1, "\"%s\" accepted", c->path);
  ck_assert_msg(strstr(err, c->err) != NULL, "\"%s\": \"%s\" lacks \"%s\"",
                c->path, err, c->err);
  ck_assert_msg(strncmp(err, "file path \"", 11) == 0, "%s", err);
}
END_TEST

START_TEST(test_path_too_long_and_null)
{
  char big[SRV_PATH_MAX + 2], err[512];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ck_assert_int_eq(srv_path_check(big, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "too long"));
  big[SRV_PATH_MAX] = '\0';
  ck_assert_int_eq(srv_path_check(big, err, sizeof err), 0);
  ck_assert_int_eq(srv_path_check(NULL, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "missing"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_path");
  TCase *tc = tcase_create("check");
  tcase_add_loop_test(tc, test_path_table, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_path_too_long_and_null);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
