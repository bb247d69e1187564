/* case_cost: the hand-out order of -j puts the long cases first. */
#include "case_cost.h"

#include <check.h>
#include <stdlib.h>

static qh_case one(qh_step *steps, size_t n)
{
  qh_case c = {0};
  c.steps = steps;
  c.nsteps = n;
  return c;
}

START_TEST(test_cost)
{
  qh_step big[] = {{.kind = QH_STEP_SEND, .text = "AT"},
                   {.kind = QH_STEP_SEND_DATA, .size = 64u << 20}};
  qh_step quiet[] = {{.kind = QH_STEP_SILENCE, .seconds = 0.5}};
  qh_step scaled[] = {{.kind = QH_STEP_SILENCE, .seconds = 10, .scaled = true}};
  qh_step sleepy[] = {{.kind = QH_STEP_SLEEP, .seconds = 10}};
  qh_case a = one(big, 2), b = one(quiet, 1), c = one(scaled, 1),
          d = one(sleepy, 1), e = one(NULL, 0);
  ck_assert(qh_case_cost(&a, 0.05) > 1.0);
  ck_assert(qh_case_cost(&b, 0.05) == 0.5);   /* real time */
  ck_assert(qh_case_cost(&c, 0.05) == 0.5);   /* module time */
  ck_assert(qh_case_cost(&d, 0.01) < 0.11);
  ck_assert(qh_case_cost(&e, 0.05) == 0.0);
}
END_TEST

START_TEST(test_order)
{
  qh_step big[] = {{.kind = QH_STEP_EXPECT_DATA, .size = 64u << 20}};
  qh_step quiet[] = {{.kind = QH_STEP_SILENCE, .seconds = 0.2}};
  qh_case t1 = one(NULL, 0), q = one(quiet, 1), t2 = one(NULL, 0),
          g = one(big, 1);
  qh_case *cases[] = {&t1, &q, &t2, &g};
  size_t order[4];
  qh_case_cost_order(cases, 4, 0.05, order);
  /* Longest first; the two free cases keep their case order. */
  ck_assert_uint_eq(order[0], 3);
  ck_assert_uint_eq(order[1], 1);
  ck_assert_uint_eq(order[2], 0);
  ck_assert_uint_eq(order[3], 2);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("case_cost");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_cost);
  tcase_add_test(tc, test_order);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
