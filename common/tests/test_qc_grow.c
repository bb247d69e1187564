/* Unit tests: qc_grow — one more element in a growing array. */
#include "qc_grow.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

START_TEST(test_grows_and_zeroes)
{
  int *a = NULL;
  size_t cap = 0;
  for (size_t n = 0; n < 1000; n++) {
    ck_assert_int_eq(qc_grow((void **)&a, &cap, n + 1, sizeof *a, 0), 0);
    ck_assert_uint_ge(cap, n + 1);
    ck_assert_int_eq(a[n], 0); /* a fresh slot is zeroed */
    a[n] = (int)n + 1;
  }
  for (size_t n = 0; n < 1000; n++)
    ck_assert_int_eq(a[n], (int)n + 1);
  /* Enough room already: nothing changes. */
  size_t before = cap;
  int *p = a;
  ck_assert_int_eq(qc_grow((void **)&a, &cap, 10, sizeof *a, 0), 0);
  ck_assert_ptr_eq(a, p);
  ck_assert_uint_eq(cap, before);
  free(a);
}
END_TEST

START_TEST(test_max)
{
  int *a = NULL;
  size_t cap = 0;
  ck_assert_int_eq(qc_grow((void **)&a, &cap, 10, sizeof *a, 10), 0);
  ck_assert_uint_eq(cap, 10); /* doubling stops at max */
  errno = 0;
  ck_assert_int_eq(qc_grow((void **)&a, &cap, 11, sizeof *a, 10), -1);
  ck_assert_int_eq(errno, E2BIG);
  ck_assert_uint_eq(cap, 10);
  free(a);
}
END_TEST

START_TEST(test_overflow)
{
  /* need * elem would wrap size_t: refused before any allocation. */
  char *a = NULL;
  size_t cap = 0;
  errno = 0;
  ck_assert_int_eq(qc_grow((void **)&a, &cap, SIZE_MAX / 8 + 1, 16, 0), -1);
  ck_assert_int_eq(errno, E2BIG);
  ck_assert_ptr_null(a);
  ck_assert_uint_eq(cap, 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qc_grow");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_grows_and_zeroes);
  tcase_add_test(tc, test_max);
  tcase_add_test(tc, test_overflow);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
