/* Unit tests: the --filter expression (case_set.c): selection and the
 * check that refuses a malformed filter before a run starts. */
#include "case_set.h"

#include "../common/tests/qc_test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *tags_a[] = {"get", "ftps"};
static char *tags_b[] = {"put"};
static qh_case case_a = {.id = "ftps.explicit", .tags = tags_a, .ntags = 2};
static qh_case case_b = {.id = "put.com", .tags = tags_b, .ntags = 1};

static const struct {
  const char *expr;
  bool a, b; /* selects case_a, case_b */
} matches[] = {
    {NULL, true, true},
    {"ftps.*", true, false},
    {"tag:put", false, true},
    {"!tag:ftps", false, true},
    {"put.*,ftps.explicit", true, true},
    {"tag:get,!ftps.*", false, false},
    {"*,!put.com", true, false},
    {"nosuch", false, false},
};

START_TEST(test_filter_match)
{
  ck_assert_msg(qh_filter_match(matches[_i].expr, &case_a) == matches[_i].a,
                "%s on a", matches[_i].expr);
  ck_assert_msg(qh_filter_match(matches[_i].expr, &case_b) == matches[_i].b,
                "%s on b", matches[_i].expr);
}
END_TEST

static const struct {
  const char *expr;
  const char *err; /* NULL: well-formed */
} checks[] = {
    {NULL, NULL},
    {"open.*", NULL},
    {"tag:ftps,!get.*", NULL},
    {"", "empty filter"},
    {",", "term 1 is empty"},
    {"open.*,", "term 2 is empty"},
    {"a,,b", "term 2 is empty"},
    {"!", "term 1 is \"!\" without a term to exclude"},
    {"a,!", "term 2 is \"!\" without a term to exclude"},
    {"tag:", "term 1 is \"tag:\" without a tag name"},
    {"!tag:", "term 1 is \"tag:\" without a tag name"},
};

START_TEST(test_filter_check)
{
  char err[128] = "";
  int rc = qh_filter_check(checks[_i].expr, err, sizeof err);
  if (!checks[_i].err) {
    ck_assert_msg(rc == 0, "%s: %s", checks[_i].expr, err);
  } else {
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(err, checks[_i].err);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("case_set");
  TCase *tc = tcase_create("filter");
  tcase_add_loop_test(tc, test_filter_match, 0,
                      sizeof matches / sizeof matches[0]);
  tcase_add_loop_test(tc, test_filter_check, 0,
                      sizeof checks / sizeof checks[0]);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
