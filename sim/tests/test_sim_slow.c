/* sim_slow (qftp-sim --slow CMD=MS): the rule parser and the hold logic
 * on a context of our own, then the built simulator answering a slow
 * command late while the others answer at once. */
#include "qc_proc.h"
#include "qc_time.h"
#include "sim_ctx.h"
#include "sim_e2e_util.h"
#include "sim_slow.h"

#include <check.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
  const char *arg;
  int rc;
} rule_cases[] = {
    {"AT+QFTPCFG=300", 0},
    {"at+qftpopen=125000", 0},
    {"AT+QFTPCFG=0", 0},
    {"AT+QFTPCFG=600000", 0},
    {"ATE=10", 0},
    {"+QFTPCFG=300", -1},
    {"AT+NOSUCH=300", -1},
    {"AT+QFTPCFG", -1},
    {"AT+QFTPCFG=", -1},
    {"AT+QFTPCFG=-1", -1},
    {"AT+QFTPCFG=+5", -1},
    {"AT+QFTPCFG=600001", -1},
    {"AT+QFTPCFG=12x", -1},
    {"=300", -1},
};

START_TEST(test_rules)
{
  sim_slow s;
  sim_slow_init(&s);
  char why[160] = "";
  int rc = sim_slow_add(&s, rule_cases[_i].arg, why, sizeof why);
  ck_assert_msg(rc == rule_cases[_i].rc, "%s: rc %d (%s)", rule_cases[_i].arg,
                rc, why);
  if (rc != 0)
    ck_assert_msg(strstr(why, rule_cases[_i].arg), "why names the argument");
  sim_slow_free(&s);
}
END_TEST

START_TEST(test_rule_replaced)
{
  sim_slow s;
  sim_slow_init(&s);
  char why[160];
  ck_assert_int_eq(sim_slow_add(&s, "AT+QFTPCFG=300", why, sizeof why), 0);
  ck_assert_int_eq(sim_slow_add(&s, "at+qftpcfg=500", why, sizeof why), 0);
  ck_assert_uint_eq(s.n, 1);
  ck_assert_str_eq(s.rules[0].name, "+QFTPCFG");
  ck_assert_int_eq(s.rules[0].ms, 500);
  sim_slow_free(&s);
}
END_TEST

typedef struct {
  char out[256];
  size_t len;
} sink;

static void to_sink(void *w, const char *b, size_t n)
{
  sink *k = w;
  ck_assert_uint_le(k->len + n, sizeof k->out - 1);
  memcpy(k->out + k->len, b, n);
  k->len += n;
  k->out[k->len] = '\0';
}

/* Output after a slow command waits for its time (scaled), in order,
 * behind it; a command that is not slow passes straight through. */
START_TEST(test_hold)
{
  static sim_ctx c;
  sim_ctx_init(&c);
  sink k = {.len = 0};
  c.write = to_sink;
  c.wctx = &k;
  c.time_scale = 0.5;
  sim_slow s;
  sim_slow_init(&s);
  c.slow = &s;
  char why[160];
  ck_assert_int_eq(sim_slow_add(&s, "AT+QFTPCFG=400", why, sizeof why), 0);

  sim_slow_begin(&c, "+QFTPSTAT", 1000);
  sim_out_ok(&c);
  ck_assert_str_eq(k.out, "\r\nOK\r\n");
  ck_assert_int_eq(sim_slow_deadline(&c), INT64_MAX);

  k.len = 0;
  k.out[0] = '\0';
  sim_slow_begin(&c, "+QFTPCFG", 1000);
  ck_assert_int_eq(sim_slow_deadline(&c), 1200); /* 400 ms * 0.5 */
  sim_out_line(&c, "+QFTPCFG: \"filetype\",0");
  sim_out_ok(&c);
  sim_slow_begin(&c, "", 1050); /* a plain AT meanwhile queues behind */
  sim_out_ok(&c);
  ck_assert_uint_eq(k.len, 0);
  ck_assert_uint_eq(sim_slow_pending(&c),
                    strlen("\r\n+QFTPCFG: \"filetype\",0\r\n\r\nOK\r\n"
                           "\r\nOK\r\n"));
  sim_slow_tick(&c, 1199);
  ck_assert_uint_eq(k.len, 0);
  sim_slow_tick(&c, 1200);
  ck_assert_str_eq(k.out, "\r\n+QFTPCFG: \"filetype\",0\r\n\r\nOK\r\n\r\nOK\r\n");
  ck_assert_uint_eq(sim_slow_pending(&c), 0);
  ck_assert_int_eq(sim_slow_deadline(&c), INT64_MAX);

  /* A reset forgets what was held. */
  sim_slow_begin(&c, "+QFTPCFG", 2000);
  sim_out_ok(&c);
  sim_slow_discard(&c);
  sim_slow_tick(&c, 5000);
  ck_assert_str_eq(k.out, "\r\n+QFTPCFG: \"filetype\",0\r\n\r\nOK\r\n\r\nOK\r\n");
  sim_slow_free(&s);
}
END_TEST

/* The built simulator at time scale 0.01: AT+QFTPCFG=30000 answers after
 * 300 ms; AT, not slow, at once; a line sent meanwhile answers behind. */
START_TEST(test_e2e_slow)
{
  e2e_sim s;
  e2e_sim_start_opt(&s, "note", "--slow", "AT+QFTPCFG=30000");
  ck_assert(e2e_chat(&s, "ATE0\r", "\r\nOK\r\n"));
  int64_t t0 = qc_now_ms();
  ck_assert(e2e_chat(&s, "AT\r", "\r\nOK\r\n"));
  ck_assert_int_lt(qc_now_ms() - t0, 250);

  t0 = qc_now_ms();
  e2e_send(&s, "AT+QFTPCFG=\"filetype\"\r", 22);
  ck_assert(e2e_expect(&s, "+QFTPCFG: \"filetype\",0\r\n\r\nOK\r\n"));
  int64_t took = qc_now_ms() - t0;
  ck_assert_msg(took >= 290 && took < 2000, "answered after %lld ms",
                (long long)took);

  t0 = qc_now_ms();
  e2e_send(&s, "AT+QFTPCFG=\"filetype\",1\rAT+QFTPCFG=\"filetype\"\r", 47);
  ck_assert(e2e_expect(&s, "\r\nOK\r\n\r\n+QFTPCFG: \"filetype\",1\r\n\r\nOK\r\n"));
  took = qc_now_ms() - t0;
  ck_assert_msg(took >= 290 && took < 2000, "answered after %lld ms",
                (long long)took);
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_e2e_bad_option)
{
  /* A bad --slow ends the simulator at once with status 2. */
  char *argv[] = {QFTP_SIM_BIN, "--link", "/nonexistent/tty", "--slow",
                  "AT+NOSUCH=5", NULL};
  char err[128];
  pid_t pid = qc_spawn(argv, -1, -1, -1, err, sizeof err);
  ck_assert_msg(pid > 0, "spawn: %s", err);
  int st = 0;
  int64_t dl = qc_deadline_in(3000);
  while (qc_alive(pid, &st) && qc_now_ms() < dl)
    usleep(5000);
  if (qc_now_ms() >= dl)
    st = qc_stop(pid, SIGKILL, 100);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 2);
}
END_TEST

int main(void)
{
  Suite *su = suite_create("sim_slow");
  TCase *tc = tcase_create("slow");
  tcase_set_timeout(tc, 30);
  tcase_add_loop_test(tc, test_rules, 0,
                      (int)(sizeof rule_cases / sizeof rule_cases[0]));
  tcase_add_test(tc, test_rule_replaced);
  tcase_add_test(tc, test_hold);
  tcase_add_test(tc, test_e2e_slow);
  tcase_add_test(tc, test_e2e_bad_option);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
