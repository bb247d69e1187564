/* srv_user: the pure parts — random names and which users are ours. */
#include "srv_user.h"

#include <check.h>
#include <string.h>

typedef struct owner_case {
  const char *name, *gecos;
  pid_t pid;
} owner_case;

static const owner_case cases[] = {
    {"qftpab12cd", "qftp-harness pid 1234", 1234},
    {"qftp000000", "qftp-harness pid 1", 1},
    {"qftpab12cd", "qftp-harness pid 12x", 0},
    {"qftpab12cd", "qftp-harness pid ", 0},
    {"qftpab12cd", "qftp-harness pid -5", 0},
    {"qftpab12cd", "someone else", 0},
    {"qftpAB12cd", "qftp-harness pid 7", 0}, /* upper case: not generated */
    {"qftpab12c", "qftp-harness pid 7", 0},  /* too short */
    {"qftpab12cde", "qftp-harness pid 7", 0},
    {"ftpuserxyz", "qftp-harness pid 7", 0},
    {"qftpab12cd", "qftp-harness pid 99999999999", 0},
    {"qftpab12cd", NULL, 0},
};

START_TEST(test_owner_table)
{
  const owner_case *c = &cases[_i];
  ck_assert_msg(srv_user_owner_pid(c->name, c->gecos) == c->pid,
                "case %d: %s / %s", _i, c->name, c->gecos ? c->gecos : "");
}
END_TEST

START_TEST(test_random_alphabet)
{
  char a[SRV_USER_PASS_LEN + 1], b[SRV_USER_PASS_LEN + 1];
  int seen[36] = {0};
  for (int round = 0; round < 200; round++) {
    ck_assert_int_eq(srv_user_random(a, SRV_USER_PASS_LEN), 0);
    ck_assert_uint_eq(strlen(a), SRV_USER_PASS_LEN);
    for (const char *c = a; *c; c++) {
      const char *k = strchr("abcdefghijklmnopqrstuvwxyz0123456789", *c);
      ck_assert_msg(k && *c, "bad char %d", *c);
      seen[k - "abcdefghijklmnopqrstuvwxyz0123456789"]++;
    }
  }
  for (int i = 0; i < 36; i++) /* 3200 draws: each ~89 expected */
    ck_assert_msg(seen[i] > 20, "char %d drawn %d times", i, seen[i]);
  ck_assert_int_eq(srv_user_random(b, SRV_USER_PASS_LEN), 0);
  ck_assert_str_ne(a, b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_user");
  TCase *tc = tcase_create("pure");
  tcase_add_loop_test(tc, test_owner_table, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_random_alphabet);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
