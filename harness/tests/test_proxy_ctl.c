/* Unit tests: proxy_ctl's placement of the fault proxy's data ports beside
 * the server's passive range. */
#include "proxy_ctl.h"

#include <check.h>
#include <stdlib.h>

enum { W = QH_PROXY_DATA_PORTS };

START_TEST(test_above_the_passive_range)
{
  int lo, hi;
  ck_assert_int_eq(qh_proxy_data_range(40000, 40031, NULL, 0, &lo, &hi), 0);
  ck_assert_int_eq(lo, 40032);
  ck_assert_int_eq(hi, 40032 + W - 1);
}
END_TEST

START_TEST(test_below_at_the_top)
{
  /* srv_ftp caps its range at 65535 - 32: nothing fits above it. */
  int lo, hi;
  ck_assert_int_eq(qh_proxy_data_range(65503, 65534, NULL, 0, &lo, &hi), 0);
  ck_assert_int_eq(hi, 65502);
  ck_assert_int_eq(lo, 65502 - W + 1);
  /* Exactly fits above. */
  ck_assert_int_eq(
      qh_proxy_data_range(65535 - 2 * W + 1, 65535 - W, NULL, 0, &lo, &hi), 0);
  ck_assert_int_eq(hi, 65535);
}
END_TEST

START_TEST(test_avoids_the_runs_ports)
{
  int lo, hi;
  /* The server's active source port (control - 1) above: below then. */
  const int avoid[] = {40050, 40051};
  ck_assert_int_eq(qh_proxy_data_range(40000, 40031, avoid, 2, &lo, &hi), 0);
  ck_assert_int_eq(lo, 40000 - W);
  ck_assert_int_eq(hi, 39999);
  /* Ports on both sides: above all the same (the proxy skips a busy one). */
  const int both[] = {40040, 39990};
  ck_assert_int_eq(qh_proxy_data_range(40000, 40031, both, 2, &lo, &hi), 0);
  ck_assert_int_eq(lo, 40032);
  /* A port next to the block is no reason to move. */
  const int near[] = {40031 + W + 1, 40031};
  ck_assert_int_eq(qh_proxy_data_range(40000, 40031, near, 2, &lo, &hi), 0);
  ck_assert_int_eq(lo, 40032);
  /* Near the top, avoided above and no room: below. */
  const int top[] = {65535};
  ck_assert_int_eq(
      qh_proxy_data_range(65535 - 2 * W + 1, 65535 - W, top, 1, &lo, &hi), 0);
  ck_assert_int_eq(hi, 65535 - 2 * W);
}
END_TEST

START_TEST(test_no_range)
{
  int lo = 7, hi = 7;
  ck_assert_int_eq(qh_proxy_data_range(0, 0, NULL, 0, &lo, &hi), -1);
  ck_assert_int_eq(lo, 0);
  ck_assert_int_eq(hi, 0);
  ck_assert_int_eq(qh_proxy_data_range(500, 400, NULL, 0, &lo, &hi), -1);
  ck_assert_int_eq(qh_proxy_data_range(1, 65535, NULL, 0, &lo, &hi), -1);
  /* Room on neither side. */
  ck_assert_int_eq(qh_proxy_data_range(W, 65535 - W + 1, NULL, 0, &lo, &hi),
                   -1);
  /* Just room below. */
  ck_assert_int_eq(qh_proxy_data_range(W + 1, 65535, NULL, 0, &lo, &hi), 0);
  ck_assert_int_eq(lo, 1);
  ck_assert_int_eq(hi, W);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("proxy_ctl");
  TCase *tc = tcase_create("data_range");
  tcase_add_test(tc, test_above_the_passive_range);
  tcase_add_test(tc, test_below_at_the_top);
  tcase_add_test(tc, test_avoids_the_runs_ports);
  tcase_add_test(tc, test_no_range);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
