/* Unit tests of shard: K/N parsing, and a split that covers every case
 * exactly once with shards of near-equal size and every family spread. */
#include "shard.h"

#include <check.h>
#include <string.h>

START_TEST(parse_good)
{
  qh_shard s;
  char err[128];
  ck_assert_int_eq(qh_shard_parse("1/1", &s, err, sizeof err), 0);
  ck_assert_uint_eq(s.k, 1);
  ck_assert_uint_eq(s.n, 1);
  ck_assert_int_eq(qh_shard_parse("3/4", &s, err, sizeof err), 0);
  ck_assert_uint_eq(s.k, 3);
  ck_assert_uint_eq(s.n, 4);
}
END_TEST

static const char *const bad[] = {
    "", "1", "0/2", "3/2", "1/0", "-1/2", "1/-2", "1/2x", "a/b", " 1/2",
    "1/ 2", "1/1001", "99999999999999999999/2", "1//2",
};

START_TEST(parse_bad)
{
  qh_shard s = {7, 9};
  char err[128] = "";
  ck_assert_int_eq(qh_shard_parse(bad[_i], &s, err, sizeof err), -1);
  ck_assert_msg(strstr(err, bad[_i]) != NULL, "'%s' not named in '%s'",
                bad[_i], err);
  ck_assert_uint_eq(s.k, 7); /* untouched */
}
END_TEST

/* 343 cases in 2..8 shards: each once, sizes within one, and a family of
 * 10 consecutive ids spread over min(10, N) shards. */
START_TEST(split_covers_and_balances)
{
  for (unsigned n = 1; n <= 8; n++) {
    size_t count[8] = {0};
    for (size_t i = 0; i < 343; i++) {
      unsigned owners = 0;
      for (unsigned k = 1; k <= n; k++)
        if (qh_shard_has((qh_shard){k, n}, i)) {
          owners++;
          count[k - 1]++;
        }
      ck_assert_uint_eq(owners, 1);
    }
    size_t lo = 343, hi = 0;
    for (unsigned k = 0; k < n; k++) {
      lo = count[k] < lo ? count[k] : lo;
      hi = count[k] > hi ? count[k] : hi;
    }
    ck_assert_uint_le(hi - lo, 1);
    unsigned seen = 0;
    for (unsigned k = 1; k <= n; k++)
      for (size_t i = 100; i < 110; i++)
        if (qh_shard_has((qh_shard){k, n}, i)) {
          seen++;
          break;
        }
    ck_assert_uint_eq(seen, n < 10 ? n : 10);
  }
  ck_assert(qh_shard_has((qh_shard){0, 0}, 12345)); /* no shard: all */
}
END_TEST

int main(void)
{
  Suite *s = suite_create("shard");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, parse_good);
  tcase_add_loop_test(tc, parse_bad, 0, (int)(sizeof bad / sizeof bad[0]));
  tcase_add_test(tc, split_covers_and_balances);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
