/* px_fault: the table of fault kinds is whole and every spelling leads back
 * to its kind. */
#include "px_fault.h"
#include "px_rules.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

/* Every kind: case spelling -> kind -> rules-file spelling -> kind. */
START_TEST(test_round_trip)
{
  px_kind k = (px_kind)_i;
  const px_fault_def *d = px_fault_of(k);
  ck_assert_ptr_nonnull(d);
  ck_assert_int_eq(d->kind, k);
  const px_fault_def *c = px_fault_by_case(d->case_key, d->case_value);
  ck_assert_msg(c && c->kind == k, "kind %d: case %s: %s", _i, d->case_key,
                d->case_value ? d->case_value : "(value)");
  const px_fault_def *j = px_fault_by_json(px_kind_name(c->kind));
  ck_assert_msg(j && j->kind == k, "kind %d: json %s", _i, d->json);
  /* The rules file accepts the spelling, with what the kind needs. */
  char text[512];
  snprintf(text, sizeof text, "{\"faults\":[{\"kind\":\"%s\"%s%s%s%s%s}]}",
           d->json, d->needs & PX_P(PX_PARAM_ON) ? ",\"on\":\"RETR\"" : "",
           d->needs & PX_P(PX_PARAM_REPLY) ? ",\"reply\":\"452 x\"" : "",
           d->needs & PX_P(PX_PARAM_DELAY) ? ",\"delay_ms\":5" : "",
           d->needs & PX_P(PX_PARAM_BYTES) ? ",\"bytes\":5" : "",
           d->needs & PX_P(PX_PARAM_ADDRESS) ? ",\"address\":\"10.0.0.1\"" : "");
  px_rules r;
  char err[256] = "";
  ck_assert_msg(px_rules_parse(text, strlen(text), &r, err, sizeof err) == 0,
                "%s: %s", text, err);
  ck_assert_int_eq(r.v[0].kind, k);
  px_rules_free(&r);
}
END_TEST

/* Spellings are unique, a kind needs only what it takes, and the trigger
 * agrees with `on`. */
START_TEST(test_consistent)
{
  for (int a = 0; a < PX_KIND_COUNT; a++) {
    const px_fault_def *d = &px_faults[a];
    ck_assert_msg((d->needs & ~d->takes) == 0, "%s needs what it does not take",
                  d->json);
    ck_assert_msg(((d->takes & PX_P(PX_PARAM_ON)) != 0) ==
                      (d->trigger == PX_ON_COMMAND),
                  "%s: on vs trigger", d->json);
    ck_assert_msg((d->case_value == NULL) == (d->value_param != PX_PARAM_NONE),
                  "%s: the case value names the kind or carries a parameter",
                  d->json);
    for (int b = a + 1; b < PX_KIND_COUNT; b++) {
      const px_fault_def *e = &px_faults[b];
      ck_assert_str_ne(d->json, e->json);
      ck_assert_msg(strcmp(d->case_key, e->case_key) != 0 ||
                        (d->case_value && e->case_value &&
                         strcmp(d->case_value, e->case_value) != 0),
                    "%s and %s share a case spelling", d->json, e->json);
    }
  }
}
END_TEST

START_TEST(test_unknown)
{
  ck_assert_ptr_null(px_fault_of(PX_KIND_COUNT));
  ck_assert_ptr_null(px_fault_by_json("explode"));
  ck_assert_ptr_null(px_fault_by_json("close_after"));
  ck_assert_ptr_null(px_fault_by_case("data", "close"));
  ck_assert_ptr_null(px_fault_by_case("data", NULL));
  ck_assert_ptr_null(px_fault_by_case("close", "data"));
  ck_assert_ptr_null(px_fault_by_case("on", "RETR"));
  ck_assert_str_eq(px_kind_name(PX_KIND_COUNT), "?");
  ck_assert_int_eq(px_fault_by_case("reply", "452 x")->kind, PX_KIND_REPLY);
  ck_assert_int_eq(px_fault_by_case("data", "stall")->kind,
                   PX_KIND_DATA_STALL);
}
END_TEST

/* A parameter the kind does not take is refused, naming who takes it. */
START_TEST(test_refuses_foreign_params)
{
  static const struct {
    const char *json, *errpart;
  } c[] = {
      {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":\"452 x\","
       "\"bytes\":1}]}",
       "\"bytes\" applies to data_close, data_reset and data_stall only"},
      {"{\"faults\":[{\"kind\":\"close\",\"on\":\"RETR\",\"delay_ms\":1}]}",
       "\"delay_ms\" applies to delay only"},
      {"{\"faults\":[{\"kind\":\"data_stall\",\"reply\":\"452 x\"}]}",
       "\"reply\" applies to reply only"},
      {"{\"faults\":[{\"kind\":\"data_refuse\",\"on\":\"RETR\"}]}",
       "\"on\" applies to reply, delay, close and reset only"},
      {"{\"faults\":[{\"kind\":\"delay\",\"on\":\"PWD\",\"delay_ms\":5,"
       "\"after_ms\":0}]}",
       "\"after_ms\" applies to close and reset only"},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    px_rules r;
    char err[256] = "";
    ck_assert_int_eq(px_rules_parse(c[i].json, strlen(c[i].json), &r, err,
                                    sizeof err),
                     -1);
    ck_assert_msg(strstr(err, c[i].errpart), "%s: \"%s\"", c[i].json, err);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("proxy_fault");
  TCase *tc = tcase_create("table");
  tcase_add_loop_test(tc, test_round_trip, 0, PX_KIND_COUNT);
  tcase_add_test(tc, test_consistent);
  tcase_add_test(tc, test_unknown);
  tcase_add_test(tc, test_refuses_foreign_params);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
