/* px_rules: parsing (every kind, malformed input) and matching. */
#include "px_rules.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *json;
  int ok;              /* 0 parses, -1 rejected */
  const char *errpart; /* part of the message when rejected */
  px_kind kind;        /* the first rule's kind when it parses */
} parse_case;

static const parse_case parse_cases[] = {
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"retr\",\"nth\":1,"
     "\"reply\":\"452 Insufficient storage space\"}]}",
     0, NULL, PX_KIND_REPLY},
    {"{\"faults\":[{\"kind\":\"delay\",\"on\":\"PASS\",\"nth\":1,"
     "\"delay_ms\":2000}]}",
     0, NULL, PX_KIND_DELAY},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":\"CWD\",\"nth\":1}]}", 0, NULL,
     PX_KIND_CLOSE},
    {"{\"faults\":[{\"kind\":\"reset\",\"on\":\"CWD\",\"nth\":2}]}", 0, NULL,
     PX_KIND_RESET},
    {"{\"faults\":[{\"kind\":\"data_close\",\"nth\":1,\"bytes\":500}]}", 0,
     NULL, PX_KIND_DATA_CLOSE},
    {"{\"faults\":[{\"kind\":\"data_reset\",\"nth\":1}]}", 0, NULL,
     PX_KIND_DATA_RESET},
    {"{\"faults\":[{\"kind\":\"data_stall\",\"nth\":1}]}", 0, NULL,
     PX_KIND_DATA_STALL},
    {"{\"faults\":[{\"kind\":\"data_refuse\",\"nth\":0}]}", 0, NULL,
     PX_KIND_DATA_REFUSE},
    {"{\"faults\":[{\"kind\":\"rewrite_pasv\",\"address\":\"10.255.255.1\"}]}",
     0, NULL, PX_KIND_REWRITE_PASV},
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"STOR\",\"reply\":"
     "\"150-a\\n150 b\"}]}",
     0, NULL, PX_KIND_REPLY},
    /* whole replies: code-like and plain body lines, a 1xx then a final */
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"greeting\",\"reply\":"
     "\"220-Hi\\n200 not the end\\n text\\n220-more\\n220 Ready\"}]}",
     0, NULL, PX_KIND_REPLY},
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":"
     "\"150 Opening\\n451 Local error\"}]}",
     0, NULL, PX_KIND_REPLY},
    /* malformed */
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":"
     "\"220-a\\n200 b\"}]}",
     -1, "whole replies", 0},
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":"
     "\"220-a\\n\\n220 b\"}]}",
     -1, "whole replies", 0},
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":"
     "\"220 a\\ntext\"}]}",
     -1, "whole replies", 0},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":\"GREETING\"}]}", -1,
     "kind reply only", 0},
    {"{\"faults\":[", -1, "line", 0},
    {"[1,2]", -1, "top level", 0},
    {"{\"faults\":{}}", -1, "array", 0},
    {"{\"faults\":[],\"x\":1}", -1, "top level", 0},
    {"{\"faults\":[42]}", -1, "not an object", 0},
    {"{\"faults\":[{\"kind\":\"explode\"}]}", -1, "unknown kind", 0},
    {"{\"faults\":[{\"kind\":1}]}", -1, "kind", 0},
    {"{\"faults\":[{\"kind\":\"close\"}]}", -1, "\"on\"", 0},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":5}]}", -1, "\"on\"", 0},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":\"CW D\"}]}", -1, "\"on\"", 0},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":\"CWD\",\"nth\":\"1\"}]}", -1,
     "nth", 0},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":\"CWD\",\"nth\":-1}]}", -1, "nth",
     0},
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\"}]}", -1, "reply", 0},
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":\"oops\"}]}",
     -1, "reply", 0},
    {"{\"faults\":[{\"kind\":\"reply\",\"on\":\"RETR\",\"reply\":\"652 x\"}]}",
     -1, "reply", 0},
    {"{\"faults\":[{\"kind\":\"delay\",\"on\":\"PASS\"}]}", -1, "delay_ms", 0},
    {"{\"faults\":[{\"kind\":\"delay\",\"on\":\"PASS\",\"delay_ms\":1.5}]}", -1,
     "delay_ms", 0},
    {"{\"faults\":[{\"kind\":\"data_close\"}]}", -1, "bytes", 0},
    {"{\"faults\":[{\"kind\":\"data_close\",\"bytes\":\"9\"}]}", -1, "bytes",
     0},
    {"{\"faults\":[{\"kind\":\"data_reset\",\"on\":\"RETR\"}]}", -1, "\"on\"",
     0},
    {"{\"faults\":[{\"kind\":\"rewrite_pasv\"}]}", -1, "address", 0},
    {"{\"faults\":[{\"kind\":\"rewrite_pasv\",\"address\":\"10.1\"}]}", -1,
     "address", 0},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":\"CWD\",\"color\":1}]}", -1,
     "unknown key", 0},
    {"{\"faults\":[{\"kind\":\"delay\",\"on\":\"PWD\",\"delay_ms\":5,"
     "\"after_ms\":100}]}", -1, "after_ms", 0},
    {"{\"faults\":[{\"kind\":\"close\",\"on\":\"PWD\",\"after_ms\":-1}]}",
     -1, "after_ms", 0},
    {"{\"faults\":[{\"kind\":\"reset\",\"on\":\"PWD\",\"after_ms\":250}]}",
     0, NULL, PX_KIND_RESET},
};

START_TEST(test_parse_table)
{
  const parse_case *c = &parse_cases[_i];
  px_rules r;
  char err[256] = "";
  int rc = px_rules_parse(c->json, strlen(c->json), &r, err, sizeof err);
  ck_assert_msg(rc == c->ok, "case %d (%s): rc %d err %s", _i, c->json, rc,
                err);
  if (rc == 0) {
    ck_assert_uint_eq(r.n, 1);
    ck_assert_int_eq(r.v[0].kind, c->kind);
  } else {
    ck_assert_uint_eq(r.n, 0);
    ck_assert_msg(strstr(err, c->errpart), "case %d: \"%s\" lacks \"%s\"", _i,
                  err, c->errpart);
  }
  px_rules_free(&r);
}
END_TEST

START_TEST(test_parse_values)
{
  const char *j = "{\"faults\":[{\"kind\":\"reply\",\"on\":\"retr\",\"nth\":3,"
                  "\"reply\":\"452 No room\"},{\"kind\":\"delay\",\"on\":"
                  "\"Pass\",\"delay_ms\":250},{\"kind\":\"data_close\","
                  "\"nth\":2,\"bytes\":500},{\"kind\":\"rewrite_pasv\","
                  "\"address\":\"10.255.255.1\"}]}";
  px_rules r;
  char err[128];
  ck_assert_int_eq(px_rules_parse(j, strlen(j), &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.n, 4);
  ck_assert_str_eq(r.v[0].on, "RETR");
  ck_assert_int_eq(r.v[0].nth, 3);
  ck_assert_str_eq(r.v[0].reply, "452 No room");
  ck_assert_str_eq(r.v[1].on, "PASS");
  ck_assert_int_eq(r.v[1].nth, 1); /* absent nth: first occurrence */
  ck_assert_int_eq(r.v[1].delay_ms, 250);
  ck_assert_uint_eq(r.v[2].bytes, 500);
  ck_assert_str_eq(px_rules_pasv_address(&r), "10.255.255.1");
  px_rules_free(&r);
}
END_TEST

START_TEST(test_empty_and_missing)
{
  px_rules r;
  char err[128];
  ck_assert_int_eq(px_rules_parse(" \n", 2, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.n, 0);
  ck_assert_int_eq(px_rules_parse("{}", 2, &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.n, 0);
  ck_assert_int_eq(
      px_rules_load("/nonexistent-dir-px/rules.json", &r, err, sizeof err), 0);
  ck_assert_uint_eq(r.n, 0);
  ck_assert_ptr_null(px_rules_pasv_address(&r));
}
END_TEST

static px_rules parse_ok(const char *j)
{
  px_rules r;
  char err[256];
  ck_assert_msg(px_rules_parse(j, strlen(j), &r, err, sizeof err) == 0, "%s",
                err);
  return r;
}

START_TEST(test_match_nth)
{
  px_rules r = parse_ok("{\"faults\":[{\"kind\":\"reply\",\"on\":\"CWD\","
                        "\"nth\":2,\"reply\":\"550 no\"}]}");
  px_counts c;
  memset(&c, 0, sizeof c);
  /* verbs are counted per session and case-insensitively */
  ck_assert_ptr_null(px_rules_on_command(&r, &c, "cwd"));
  ck_assert_ptr_null(px_rules_on_command(&r, &c, "PWD"));
  const px_rule *f = px_rules_on_command(&r, &c, "Cwd");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->kind, PX_KIND_REPLY);
  ck_assert_ptr_null(px_rules_on_command(&r, &c, "CWD"));
  /* a new session starts counting again */
  px_counts c2;
  memset(&c2, 0, sizeof c2);
  ck_assert_ptr_null(px_rules_on_command(&r, &c2, "CWD"));
  ck_assert_ptr_nonnull(px_rules_on_command(&r, &c2, "CWD"));
  px_rules_free(&r);
}
END_TEST

START_TEST(test_match_every_and_priority)
{
  px_rules r =
      parse_ok("{\"faults\":[{\"kind\":\"delay\",\"on\":\"LIST\",\"nth\":0,"
               "\"delay_ms\":5},{\"kind\":\"reply\",\"on\":\"LIST\",\"nth\":2,"
               "\"reply\":\"450 busy\"},{\"kind\":\"reset\",\"on\":\"LIST\","
               "\"nth\":3}]}");
  px_counts c;
  memset(&c, 0, sizeof c);
  px_kind want[] = {PX_KIND_DELAY, PX_KIND_REPLY, PX_KIND_RESET, PX_KIND_DELAY};
  for (int i = 0; i < 4; i++) {
    const px_rule *f = px_rules_on_command(&r, &c, "LIST");
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(f->kind == want[i], "LIST #%d: %s", i + 1,
                  px_kind_name(f->kind));
  }
  ck_assert_ptr_null(px_rules_on_command(&r, &c, "NLST"));
  px_rules_free(&r);
}
END_TEST

START_TEST(test_match_data)
{
  px_rules r = parse_ok("{\"faults\":[{\"kind\":\"data_close\",\"nth\":2,"
                        "\"bytes\":10},{\"kind\":\"close\",\"on\":\"RETR\"}]}");
  ck_assert_ptr_null(px_rules_on_data(&r, 1));
  ck_assert_ptr_nonnull(px_rules_on_data(&r, 2));
  ck_assert_ptr_null(px_rules_on_data(&r, 3));
  px_rules_free(&r);
  r = parse_ok("{\"faults\":[{\"kind\":\"data_stall\",\"nth\":0}]}");
  ck_assert_ptr_nonnull(px_rules_on_data(&r, 1));
  ck_assert_ptr_nonnull(px_rules_on_data(&r, 7));
  px_rules_free(&r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("proxy_rules");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_parse_table, 0,
                      sizeof parse_cases / sizeof parse_cases[0]);
  tcase_add_test(tc, test_parse_values);
  tcase_add_test(tc, test_empty_and_missing);
  tcase_add_test(tc, test_match_nth);
  tcase_add_test(tc, test_match_every_and_priority);
  tcase_add_test(tc, test_match_data);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
