/* qc_regex: patterns regcomp would blow up on are refused, ordinary ones
 * pass, and what passes compiles in bounded memory. */
#include <check.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "qc_regex.h"

static int check(const char *re)
{
  char why[256];
  return qc_regex_check(re, why, sizeof why);
}

START_TEST(ordinary_patterns_pass)
{
  static const char *const ok[] = {
      "^\\+QFTPOPEN: 0,0$", "^OK$", "[0-9]+", "^\\+QFTPSTAT: [0-4]$",
      "(a|b)*c", "x{3}", "x{2,5}", "x{1,}", "[]a]+", "[[:digit:]]{1,10}",
      "^\\+CME ERROR: (60[1-9]|6[12][0-9]|63[01])$", "a\\{5", "{", "a{",
      "(((a)))", "^+", "[*+]{2}",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    ck_assert_msg(check(ok[i]) == 0, "%s refused", ok[i]);
}
END_TEST

START_TEST(adjacent_repetitions_refused)
{
  char why[256];
  ck_assert_int_eq(qc_regex_check("a++", why, sizeof why), -1);
  ck_assert_ptr_nonnull(strstr(why, "byte 2"));
  ck_assert_int_eq(check("a*{3}"), -1);
  ck_assert_int_eq(check("a{2}*"), -1);
  ck_assert_int_eq(check("x+?"), -1);
  /* the shape a fuzzer found: a long run of + */
  char p[300] = "wait_";
  memset(p + 5, '+', 200);
  p[205] = '\0';
  ck_assert_int_eq(check(p), -1);
}
END_TEST

START_TEST(bounds_and_size_refused)
{
  char why[256];
  ck_assert_int_eq(qc_regex_check("a{256}", why, sizeof why), -1);
  ck_assert_ptr_nonnull(strstr(why, "255"));
  ck_assert_int_eq(check("a{1,99999999999}"), -1);
  ck_assert_int_eq(check("((a{100}){100}){100}"), -1);
  ck_assert_int_eq(check("(a{100}){100}"), 0); /* 10 000 nodes */
  char deep[80];
  memset(deep, '(', 40);
  deep[40] = 'a';
  memset(deep + 41, ')', 38);
  deep[79] = '\0';
  ck_assert_int_eq(check(deep), -1);
  char *longp = malloc(QC_REGEX_MAX_LEN + 2);
  memset(longp, 'a', QC_REGEX_MAX_LEN + 1);
  longp[QC_REGEX_MAX_LEN + 1] = '\0';
  ck_assert_int_eq(check(longp), -1);
  free(longp);
  /* no room for the reason: still refused */
  ck_assert_int_eq(qc_regex_check("a++", NULL, 0), -1);
}
END_TEST

START_TEST(what_passes_compiles)
{
  static const char *const ok[] = {"(a{100}){100}", "([0-9]{1,255}x){30}"};
  for (size_t i = 0; i < 2; i++) {
    ck_assert_int_eq(check(ok[i]), 0);
    regex_t re;
    ck_assert_int_eq(regcomp(&re, ok[i], REG_EXTENDED | REG_NOSUB), 0);
    regfree(&re);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qc_regex");
  TCase *tc = tcase_create("regex");
  tcase_add_test(tc, ordinary_patterns_pass);
  tcase_add_test(tc, adjacent_repetitions_refused);
  tcase_add_test(tc, bounds_and_size_refused);
  tcase_add_test(tc, what_passes_compiles);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int f = srunner_ntests_failed(r);
  srunner_free(r);
  return f ? EXIT_FAILURE : EXIT_SUCCESS;
}
