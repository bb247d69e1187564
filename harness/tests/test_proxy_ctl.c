/* Unit tests: proxy_ctl's placement of the fault proxy's data ports beside
 * the server's passive range, and the rules file it writes, read back by
 * the proxy's own parser. */
#include "proxy_ctl.h"
#include "px_rules.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

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

/* One fault per kind, as the loader fills it from a case file. */
static const qh_fault every_kind[] = {
    {.kind = PX_KIND_REPLY, .on = "RETR", .nth = 2, .reply = "452 full"},
    {.kind = PX_KIND_DELAY, .on = "PASS", .nth = 1, .delay_ms = 2000},
    {.kind = PX_KIND_CLOSE, .on = "CWD", .nth = 1, .after_ms = 300},
    {.kind = PX_KIND_RESET, .on = "RETR", .nth = 0},
    {.kind = PX_KIND_DATA_CLOSE, .nth = 2, .bytes = 500},
    {.kind = PX_KIND_DATA_RESET, .nth = 1, .bytes = 7},
    {.kind = PX_KIND_DATA_STALL, .nth = 1},
    {.kind = PX_KIND_DATA_REFUSE, .nth = 0},
    {.kind = PX_KIND_REWRITE_PASV, .nth = 1, .address = "10.255.255.1"},
};

/* What the harness writes, the proxy reads back as the same faults (times
 * scaled by 2). */
START_TEST(test_rules_round_trip)
{
  size_t n = sizeof every_kind / sizeof every_kind[0];
  ck_assert_uint_eq(n, PX_KIND_COUNT);
  char *text = qh_proxy_rules_json(every_kind, n, 2.0);
  ck_assert_ptr_nonnull(text);
  px_rules r;
  char err[256] = "";
  ck_assert_msg(px_rules_parse(text, strlen(text), &r, err, sizeof err) == 0,
                "%s\n%s", err, text);
  ck_assert_uint_eq(r.n, n);
  for (size_t i = 0; i < n; i++) {
    const qh_fault *f = &every_kind[i];
    const px_rule *x = &r.v[i];
    ck_assert_int_eq(x->kind, f->kind);
    ck_assert_str_eq(x->on, f->on ? f->on : "");
    ck_assert_int_eq(x->nth, f->nth);
    ck_assert_str_eq(x->reply ? x->reply : "", f->reply ? f->reply : "");
    ck_assert_int_eq(x->delay_ms, 2 * f->delay_ms);
    ck_assert_int_eq(x->after_ms, 2 * f->after_ms);
    ck_assert_uint_eq(x->bytes, f->bytes);
    ck_assert_str_eq(x->address, f->address ? f->address : "");
  }
  px_rules_free(&r);
  free(text);
}
END_TEST

/* The file's spelling is unchanged: key order and which keys appear. */
START_TEST(test_rules_text)
{
  char *text = qh_proxy_rules_json(every_kind, 3, 1.0);
  ck_assert_ptr_nonnull(text);
  const char *want =
      "{\n  \"faults\": [\n"
      "    {\n      \"kind\": \"reply\",\n      \"on\": \"RETR\",\n"
      "      \"nth\": 2,\n      \"reply\": \"452 full\"\n    },\n"
      "    {\n      \"kind\": \"delay\",\n      \"on\": \"PASS\",\n"
      "      \"nth\": 1,\n      \"delay_ms\": 2000\n    },\n"
      "    {\n      \"kind\": \"close\",\n      \"on\": \"CWD\",\n"
      "      \"nth\": 1,\n      \"after_ms\": 300\n    }\n  ]\n}";
  ck_assert_str_eq(text, want);
  free(text);
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
  TCase *tr = tcase_create("rules");
  tcase_add_test(tr, test_rules_round_trip);
  tcase_add_test(tr, test_rules_text);
  suite_add_tcase(s, tr);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
