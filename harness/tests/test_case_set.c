/* Unit tests: the --filter expression (case_filter.c): selection, tag
 * globs, the check that refuses a malformed filter before a run starts,
 * terms that match nothing, and the tag counts of list --tags. */
#include "case_set.h"

#include "qc_test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static char *tags_a[] = {"get", "ftps", "reply:421"};
static char *tags_b[] = {"put", "reply:550"};
static qh_case case_a = {.id = "ftps.explicit", .tags = tags_a, .ntags = 3};
static qh_case case_b = {.id = "put.com", .tags = tags_b, .ntags = 2};

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
    /* tag: takes a glob */
    {"tag:reply:4*", true, false},
    {"tag:reply:*", true, true},
    {"tag:reply:[45]5?", false, true},
    {"tag:p*", false, true},
    {"!tag:reply:5*", true, false},
    {"tag:reply", false, false}, /* a glob matches the whole tag */
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

/* A term that matches no case of the set: named, with its position. */
static qh_case *set_cases[] = {&case_a, &case_b};
static const qh_case_set set = {.cases = set_cases, .n = 2, .cap = 2};

static const struct {
  const char *expr;
  size_t dead; /* 1-based term that matches nothing; 0: none */
  const char *term;
} deads[] = {
    {NULL, 0, ""},
    {"ftps.*,tag:put", 0, ""},
    {"ftps.*,nosuch", 2, "nosuch"},
    {"!nosuch.*", 1, "!nosuch.*"},
    {"tag:reply:6*", 1, "tag:reply:6*"},
    {"*,!tag:ftps,!tag:zzz", 3, "!tag:zzz"},
};

START_TEST(test_dead_term)
{
  char term[64] = "";
  ck_assert_uint_eq(qh_case_set_dead_term(&set, deads[_i].expr, term,
                                          sizeof term),
                    deads[_i].dead);
  if (deads[_i].dead)
    ck_assert_str_eq(term, deads[_i].term);
}
END_TEST

START_TEST(test_tag_counts)
{
  const char **tags;
  size_t *counts;
  size_t n = qh_case_set_tags(&set, &tags, &counts);
  ck_assert_uint_eq(n, 5);
  static const char *const want[] = {"ftps", "get", "put", "reply:421",
                                     "reply:550"};
  for (size_t i = 0; i < n; i++) {
    ck_assert_str_eq(tags[i], want[i]);
    ck_assert_uint_eq(counts[i], 1);
  }
  free(tags);
  free(counts);
  /* Two cases with the same tag count twice. */
  static char *tb[] = {"get"};
  qh_case c3 = {.id = "get.x", .tags = tb, .ntags = 1};
  qh_case *three[] = {&case_a, &case_b, &c3};
  qh_case_set s3 = {.cases = three, .n = 3, .cap = 3};
  n = qh_case_set_tags(&s3, &tags, &counts);
  ck_assert_uint_eq(n, 5);
  ck_assert_str_eq(tags[1], "get");
  ck_assert_uint_eq(counts[1], 2);
  free(tags);
  free(counts);
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
  tcase_add_loop_test(tc, test_dead_term, 0, sizeof deads / sizeof deads[0]);
  tcase_add_test(tc, test_tag_counts);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
