/* Unit tests: the coverage inventory (the note's ranges and forms), the
 * model (cases covering items), the reasons file and the exit logic. */
#include "coverage.h"

#include "qc_test_util.h"

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_inventory_keys_unique)
{
  size_t n;
  qh_cov_item *it = qh_cov_items(&n);
  ck_assert_ptr_nonnull(it);
  ck_assert_uint_gt(n, 200);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      ck_assert_msg(strcmp(it[i].key, it[j].key) != 0, "twice: %s",
                    it[i].key);
  free(it);
}
END_TEST

static const qh_cov_param *cfg_param(const char *key, size_t p)
{
  const qh_cov_cfgkey *k = qh_cov_cfgkey_find(key, strlen(key));
  ck_assert_msg(k != NULL, "no key %s", key);
  ck_assert_uint_lt(p, k->nparams);
  return &k->params[p];
}

static const qh_cov_param *cmd_param(const char *cmd, size_t p)
{
  const qh_cov_command *c = qh_cov_command_find(cmd, strlen(cmd));
  ck_assert_msg(c != NULL, "no command %s", cmd);
  ck_assert_uint_lt(p, c->nparams);
  return &c->params[p];
}

/* The note's ranges (2.1, 2.2, 2.3). */
START_TEST(test_inventory_ranges)
{
  static const struct {
    const char *cfg, *cmd;
    size_t p;
    qh_cov_vtype type;
    long min, max;
  } r[] = {
      {"contextid", NULL, 0, QH_VT_INT, 1, 15},
      {"rsptimeout", NULL, 0, QH_VT_INT, 20, 180},
      {"SSL_ctxID", NULL, 0, QH_VT_INT, 0, 5},
      {"sslctxid", NULL, 0, QH_VT_INT, 0, 5},
      {"data_address", NULL, 0, QH_VT_INT, 0, 2},
      {"data_address", NULL, 1, QH_VT_INT, 15, 50},
      {"filetype", NULL, 0, QH_VT_INT, 0, 1},
      {"transmode", NULL, 0, QH_VT_INT, 0, 1},
      {"ssltype", NULL, 0, QH_VT_INT, 0, 2},
      {"restenable", NULL, 0, QH_VT_INT, 0, 1},
      {"cache", NULL, 0, QH_VT_INT, 0, 2},
      {"account", NULL, 0, QH_VT_STRING, 0, 255},
      {"account", NULL, 1, QH_VT_STRING, 0, 255},
      {NULL, "QFTPOPEN", 0, QH_VT_STRING, 0, 255},
      {NULL, "QFTPOPEN", 1, QH_VT_INT, 1, 65535},
      {NULL, "QFTPCWD", 0, QH_VT_STRING, 0, 128},
      {NULL, "QFTPPUT", 4, QH_VT_INT, 0, 1},
  };
  for (size_t i = 0; i < sizeof r / sizeof *r; i++) {
    const qh_cov_param *p =
        r[i].cfg ? cfg_param(r[i].cfg, r[i].p) : cmd_param(r[i].cmd, r[i].p);
    ck_assert_msg(p->type == r[i].type && p->min == r[i].min &&
                      p->max == r[i].max,
                  "%s/%zu: %ld-%ld", r[i].cfg ? r[i].cfg : r[i].cmd, r[i].p,
                  p->min, p->max);
  }
  ck_assert_uint_eq(qh_cov_ncommands, 18);
  ck_assert_uint_eq(qh_cov_nerrs, 30); /* 601-629 and 631 */
}
END_TEST

static qh_cov_entry *must(qh_cov_model *m, const char *key)
{
  qh_cov_entry *e = qh_cov_model_find(m, key);
  ck_assert_msg(e != NULL, "no item %s", key);
  return e;
}

START_TEST(test_required_forms)
{
  qh_cov_model m;
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  ck_assert(must(&m, "form:QFTPPWD:exec")->item.required);
  ck_assert(must(&m, "form:QFTPPWD:test")->item.required);
  ck_assert(!must(&m, "form:QFTPPWD:set")->item.required);
  ck_assert(!must(&m, "form:QFTPCFG:query")->item.required);
  ck_assert(must(&m, "form:QFTPRENAME:set")->item.required);
  ck_assert(!must(&m, "form:QFTPCLOSE:set")->item.required);
  ck_assert(must(&m, "reply:550:directory")->item.required);
  ck_assert(!must(&m, "reply:550:login")->item.required); /* RFC 959 */
  ck_assert(must(&m, "reply:503:login")->item.required);
  ck_assert(must(&m, "cfg:account.username:too_long")->item.required);
  ck_assert_ptr_null(qh_cov_model_find(&m, "cfg:rsptimeout:too_long"));
  ck_assert_ptr_null(qh_cov_model_find(&m, "err:630"));
  ck_assert(!must(&m, "arg:QFTPOPEN.port:above")->item.required);
  ck_assert(must(&m, "section:2.4")->item.required);
  ck_assert_ptr_null(qh_cov_model_find(&m, "section:1.1"));
  qh_cov_model_free(&m);
}
END_TEST

#define SEND(t) {.kind = QH_STEP_SEND, .text = (char *)(t)}
#define EXPECT(t) {.kind = QH_STEP_EXPECT, .text = (char *)(t)}

static qh_step steps_610[] = {SEND("AT+QFTPOPEN=\"h\",0"),
                              EXPECT("+CME ERROR: 610")};
static qh_case case_610 = {.id = (char *)"a.610", .steps = steps_610,
                           .nsteps = 2};

START_TEST(test_add_case)
{
  qh_cov_model m;
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  ck_assert_int_eq(qh_cov_exit_status(&m), 1);
  qh_cov_model_add_case(&m, &case_610, NULL);
  qh_cov_model_add_case(&m, &case_610, NULL); /* counted once per id */
  qh_cov_entry *e = must(&m, "err:610");
  ck_assert_uint_eq(e->ncovered, 1);
  ck_assert_str_eq(e->covered_by[0], "a.610");
  ck_assert(!qh_cov_entry_missing(e));
  ck_assert(qh_cov_entry_missing(must(&m, "post:610"))); /* nothing after */
  ck_assert_uint_eq(must(&m, "arg:QFTPOPEN.port:below")->ncovered, 1);
  qh_cov_model_free(&m);
}
END_TEST

/* A reasons file for every required item but `except`, written to s. */
static void write_all_reasons(qc_test_scratch *s, const char *except)
{
  qh_cov_model m;
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  size_t cap = 64 + m.n * 128, o = 0;
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  o += (size_t)snprintf(text, cap, "uncovered:\n");
  for (size_t i = 0; i < m.n; i++)
    if (m.e[i].item.required && strcmp(m.e[i].item.key, except) != 0)
      o += (size_t)snprintf(text + o, cap - o, "  \"%s\": test reason\n",
                            m.e[i].item.key);
  qc_test_write(s->path, text, o);
  free(text);
  qh_cov_model_free(&m);
}

START_TEST(test_exit_logic)
{
  qc_test_scratch s;
  qc_test_scratch_make(&s, "cov-model", "reasons.yaml");
  write_all_reasons(&s, "err:610");
  qh_cov_model m;
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  char err[512] = "";
  ck_assert_msg(qh_cov_reasons_load(&m, s.path, err, sizeof err) == 0, "%s",
                err);
  qh_cov_model_inherit(&m);
  /* One required item has neither a case nor a reason: exit 1. */
  ck_assert_int_eq(qh_cov_exit_status(&m), 1);
  qh_cov_counts c = qh_cov_model_counts(&m);
  ck_assert_uint_eq(c.uncovered, 1);
  ck_assert(qh_cov_entry_missing(must(&m, "err:610")));
  /* Its case passes: every required item is covered or reasoned. */
  qh_cov_model_add_case(&m, &case_610, NULL);
  ck_assert_int_eq(qh_cov_exit_status(&m), 0);
  c = qh_cov_model_counts(&m);
  ck_assert_uint_eq(c.uncovered, 0);
  /* It also covers form:QFTPOPEN:set, which has a reason: now stale. */
  ck_assert_uint_eq(c.covered, 2);
  ck_assert_uint_eq(c.reasoned, c.required - 2);
  ck_assert_uint_eq(c.stale, 1);
  qh_cov_model_free(&m);
  qc_test_scratch_remove(&s);
}
END_TEST

START_TEST(test_reason_inherited_and_stale)
{
  static const char text[] = "uncovered:\n"
                             "  \"err:602\": the note gives no condition\n"
                             "  \"arg:QFTPOPEN.port:below\": x\n";
  qc_test_scratch s;
  qc_test_scratch_make(&s, "cov-model", "reasons.yaml");
  qc_test_write(s.path, text, sizeof text - 1);
  qh_cov_model m;
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  char err[512] = "";
  /* An optional item needs no reason: refused, with where. */
  ck_assert_int_eq(qh_cov_reasons_load(&m, s.path, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "reasons.yaml:3:3: ") != NULL, "%s", err);
  ck_assert_msg(strstr(err, "not a required item") != NULL, "%s", err);
  qh_cov_model_free(&m);

  static const char text2[] = "uncovered:\n"
                              "  \"err:602\": the note gives no condition\n"
                              "  \"err:610\": stale\n";
  qc_test_write(s.path, text2, sizeof text2 - 1);
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  ck_assert_msg(qh_cov_reasons_load(&m, s.path, err, sizeof err) == 0, "%s",
                err);
  qh_cov_model_add_case(&m, &case_610, NULL);
  qh_cov_model_inherit(&m);
  qh_cov_entry *post = must(&m, "post:602");
  ck_assert(post->inherited);
  ck_assert_str_eq(post->reason, "as err:602: the note gives no condition");
  ck_assert(!qh_cov_entry_missing(post));
  /* post:610 does not inherit: err:610 is covered, so a case could follow
   * it with a command. */
  ck_assert(qh_cov_entry_missing(must(&m, "post:610")));
  ck_assert_uint_eq(qh_cov_model_counts(&m).stale, 1);
  qh_cov_model_free(&m);
  qc_test_scratch_remove(&s);
}
END_TEST

static const struct {
  const char *text;
  const char *err; /* substring of the message */
} bad_reasons[] = {
    {"uncovered:\n  \"err:999\": x\n", "reasons.yaml:2:3: uncovered: unknown "
                                       "item \"err:999\""},
    {"uncovered:\n  \"err:602\": \"\"\n", "reasons.yaml:2:14: uncovered: "
                                          "\"err:602\": the reason must be"},
    {"uncovered:\n  \"err:602\": a\n  \"err:602\": b\n",
     "reasons.yaml:3:3: uncovered: \"err:602\" is given twice"},
    {"covered:\n  \"err:602\": a\n", "reasons.yaml:1:1: unknown key covered"},
    {"uncovered: [a]\n", "reasons.yaml:1:12: uncovered: expected a mapping"},
    {"uncovered:\n  \"err:602\": [a]\n", "the reason must be"},
};

START_TEST(test_bad_reasons)
{
  qc_test_scratch s;
  qc_test_scratch_make(&s, "cov-model", "reasons.yaml");
  qc_test_write(s.path, bad_reasons[_i].text, strlen(bad_reasons[_i].text));
  qh_cov_model m;
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  char err[512] = "";
  ck_assert_int_eq(qh_cov_reasons_load(&m, s.path, err, sizeof err), -1);
  ck_assert_msg(strstr(err, bad_reasons[_i].err) != NULL, "got: %s", err);
  qh_cov_model_free(&m);
  qc_test_scratch_remove(&s);
}
END_TEST

START_TEST(test_render_json)
{
  qh_cov_model m;
  ck_assert_int_eq(qh_cov_model_init(&m), 0);
  qh_cov_model_add_case(&m, &case_610, NULL);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(qh_cov_render_json(&m, "r.json", "note", f), 0);
  fclose(f);
  json_error_t je;
  json_t *doc = json_loads(buf, 0, &je);
  ck_assert_msg(doc != NULL, "%s", je.text);
  ck_assert_int_eq(json_integer_value(json_object_get(doc, "schema")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(doc, "cases_counted")),
                   1);
  json_t *items = json_object_get(doc, "items");
  ck_assert_uint_eq(json_array_size(items), m.n);
  size_t i;
  json_t *it;
  bool seen = false;
  json_array_foreach(items, i, it)
  {
    if (strcmp(json_string_value(json_object_get(it, "key")), "err:610"))
      continue;
    seen = true;
    ck_assert_str_eq(json_string_value(json_object_get(it, "kind")), "err");
    ck_assert(json_is_true(json_object_get(it, "required")));
    ck_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(it, "covered_by"), 0)),
                     "a.610");
    ck_assert(json_is_null(json_object_get(it, "reason")));
  }
  ck_assert(seen);
  /* "uncovered" names the missing required items, err:610 not among them. */
  json_t *unc = json_object_get(doc, "uncovered");
  ck_assert_uint_eq(json_array_size(unc), qh_cov_model_counts(&m).uncovered);
  json_array_foreach(unc, i, it)
      ck_assert_str_ne(json_string_value(it), "err:610");
  json_decref(doc);
  free(buf);
  qh_cov_model_free(&m);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("coverage_model");
  TCase *tc = tcase_create("model");
  tcase_add_test(tc, test_inventory_keys_unique);
  tcase_add_test(tc, test_inventory_ranges);
  tcase_add_test(tc, test_required_forms);
  tcase_add_test(tc, test_add_case);
  tcase_add_test(tc, test_exit_logic);
  tcase_add_test(tc, test_reason_inherited_and_stale);
  tcase_add_loop_test(tc, test_bad_reasons, 0,
                      sizeof bad_reasons / sizeof bad_reasons[0]);
  tcase_add_test(tc, test_render_json);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
