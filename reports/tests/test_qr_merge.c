/* Unit tests: qr_merge joins the results.json of shards or workers. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "qr_merge.h"

static json_t *doc(const char *text)
{
  json_error_t je;
  json_t *d = json_loads(text, 0, &je);
  ck_assert_msg(d != NULL, "bad test JSON: %s", je.text);
  return d;
}


static json_t *part(const char *target, const char *profile, int sec,
                    const char *rest)
{
  char text[2048];
  snprintf(text, sizeof text,
           "{\"schema\": 1, \"started_at\": \"2024-01-01T00:00:0%d\", "
           "\"target\": \"%s\", \"profile\": \"%s\", \"time_scale\": 0.05, %s}",
           sec, target, profile, rest);
  return doc(text);
}

static const char *const names[] = {"A", "B", "C"};

static json_t *merge2(json_t *a, json_t *b, char *err, size_t errlen)
{
  json_t *d[2] = {a, b};
  json_t *m = qr_merge_docs(d, names, 2, NULL, err, errlen);
  json_decref(a);
  json_decref(b);
  return m;
}

static const char *id_at(const json_t *m, size_t i)
{
  return json_string_value(
      json_object_get(json_array_get(json_object_get(m, "cases"), i), "id"));
}

static json_int_t num(const json_t *o, const char *k)
{
  return json_integer_value(json_object_get(o, k));
}

START_TEST(cases_sorted_counted)
{
  char err[256];
  json_t *m = merge2(
      part("sim", "note", 2,
           "\"duration_s\": 3.5, \"planned\": 2, \"interrupted\": false, "
           "\"cases\": [{\"id\": \"b.one\", \"verdict\": \"pass\"}, "
           "{\"id\": \"d.two\", \"verdict\": \"fail\"}]"),
      part("sim", "note", 1,
           "\"duration_s\": 4.25, \"planned\": 2, \"interrupted\": false, "
           "\"cases\": [{\"id\": \"a.x\", \"verdict\": \"skip\"}, "
           "{\"id\": \"c.y\", \"verdict\": \"pass\"}]"),
      err, sizeof err);
  ck_assert_msg(m != NULL, "%s", err);
  ck_assert_str_eq(id_at(m, 0), "a.x");
  ck_assert_str_eq(id_at(m, 1), "b.one");
  ck_assert_str_eq(id_at(m, 2), "c.y");
  ck_assert_str_eq(id_at(m, 3), "d.two");
  ck_assert_int_eq(num(m, "planned"), 4);
  ck_assert(json_is_false(json_object_get(m, "interrupted")));
  ck_assert_double_eq_tol(json_number_value(json_object_get(m, "duration_s")),
                          4.25, 1e-9);
  ck_assert_str_eq(json_string_value(json_object_get(m, "started_at")),
                   "2024-01-01T00:00:01");
  ck_assert_str_eq(json_string_value(json_object_get(m, "target")), "sim");
  const json_t *s = json_object_get(m, "summary");
  ck_assert_int_eq(num(s, "total"), 4);
  ck_assert_int_eq(num(s, "pass"), 2);
  ck_assert_int_eq(num(s, "fail"), 1);
  ck_assert_int_eq(num(s, "skip"), 1);
  json_decref(m);
}
END_TEST

START_TEST(duplicate_id_names_both)
{
  char err[256] = "";
  json_t *m = merge2(
      part("sim", "note", 1,
           "\"cases\": [{\"id\": \"open.x\", \"verdict\": \"pass\"}]"),
      part("sim", "note", 1,
           "\"cases\": [{\"id\": \"open.x\", \"verdict\": \"pass\"}]"),
      err, sizeof err);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(err, "case id \"open.x\" is in both A and B");
}
END_TEST

START_TEST(profile_differs_refused)
{
  char err[256] = "";
  json_t *m = merge2(part("sim", "note", 1, "\"cases\": []"),
                     part("sim", "other", 1, "\"cases\": []"), err, sizeof err);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(err, "profile differs: A \"note\", B \"other\"");
}
END_TEST

START_TEST(targets_listed)
{
  char err[256];
  json_t *m = merge2(part("device:/dev/ttyUSB0", "note", 1, "\"cases\": []"),
                     part("device:/dev/ttyUSB1", "note", 1, "\"cases\": []"),
                     err, sizeof err);
  ck_assert_msg(m != NULL, "%s", err);
  ck_assert_str_eq(json_string_value(json_object_get(m, "target")),
                   "device:/dev/ttyUSB0, device:/dev/ttyUSB1");
  json_decref(m);
}
END_TEST

START_TEST(interrupted_carried)
{
  char err[256];
  json_t *m = merge2(
      part("sim", "note", 1,
           "\"planned\": 3, \"interrupted\": false, \"stop_reason\": null, "
           "\"cases\": [{\"id\": \"a\", \"verdict\": \"pass\"}]"),
      part("sim", "note", 1,
           "\"planned\": 5, \"interrupted\": true, \"stop_reason\": "
           "\"interrupted\", \"stop_detail\": \"by a signal\", "
           "\"cases\": [{\"id\": \"b\", \"verdict\": \"pass\"}]"),
      err, sizeof err);
  ck_assert_msg(m != NULL, "%s", err);
  ck_assert(json_is_true(json_object_get(m, "interrupted")));
  ck_assert_int_eq(num(m, "planned"), 8);
  ck_assert_str_eq(json_string_value(json_object_get(m, "stop_reason")),
                   "interrupted");
  ck_assert_str_eq(json_string_value(json_object_get(m, "stop_detail")),
                   "by a signal");
  json_decref(m);
}
END_TEST

START_TEST(waivers_strongest_status)
{
  char err[256];
  json_t *m = merge2(
      part("sim", "note", 1,
           "\"waivers\": [{\"case\": \"x.*\", \"where\": \"w.yaml:2:5\", "
           "\"status\": \"not-run\", \"cases\": []}, {\"case\": \"y\", "
           "\"where\": \"w.yaml:6:5\", \"status\": \"stale\", \"cases\": "
           "[\"y\"]}], \"cases\": [{\"id\": \"y\", \"verdict\": \"pass\"}]"),
      part("sim", "note", 1,
           "\"waivers\": [{\"case\": \"x.*\", \"where\": \"w.yaml:2:5\", "
           "\"status\": \"applied\", \"cases\": [\"x.1\"]}, {\"case\": \"y\", "
           "\"where\": \"w.yaml:6:5\", \"status\": \"not-run\", \"cases\": "
           "[]}], \"cases\": [{\"id\": \"x.1\", \"verdict\": \"waived\"}]"),
      err, sizeof err);
  ck_assert_msg(m != NULL, "%s", err);
  const json_t *w = json_object_get(m, "waivers");
  ck_assert_int_eq(json_array_size(w), 2);
  const json_t *w0 = json_array_get(w, 0), *w1 = json_array_get(w, 1);
  ck_assert_str_eq(json_string_value(json_object_get(w0, "status")),
                   "applied");
  ck_assert_int_eq(json_array_size(json_object_get(w0, "cases")), 1);
  ck_assert_str_eq(json_string_value(json_object_get(w1, "status")), "stale");
  const json_t *s = json_object_get(m, "summary");
  ck_assert_int_eq(num(s, "stale_waivers"), 1);
  ck_assert_int_eq(num(s, "waived"), 1);
  json_decref(m);
}
END_TEST

START_TEST(write_doc_roundtrip)
{
  char dir[] = "/tmp/qr-merge-XXXXXX", path[64], err[256];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/results.json", dir);
  json_t *d = doc("{\"schema\": 1, \"b\": 0.25, \"a\": [1]}");
  ck_assert_int_eq(qr_write_doc(d, path, err, sizeof err), 0);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  char buf[256] = "";
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* insertion order kept, two-space indent, a final newline */
  ck_assert_str_eq(buf, "{\n  \"schema\": 1,\n  \"b\": 0.25,\n  \"a\": [\n"
                        "    1\n  ]\n}\n");
  json_decref(d);
  remove(path);
  rmdir(dir);
}
END_TEST

START_TEST(nothing_to_merge)
{
  char err[64] = "";
  ck_assert_ptr_null(qr_merge_docs(NULL, names, 0, NULL, err, sizeof err));
  ck_assert_str_eq(err, "nothing to merge");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_merge");
  TCase *tc = tcase_create("merge");
  tcase_add_test(tc, cases_sorted_counted);
  tcase_add_test(tc, duplicate_id_names_both);
  tcase_add_test(tc, profile_differs_refused);
  tcase_add_test(tc, targets_listed);
  tcase_add_test(tc, interrupted_carried);
  tcase_add_test(tc, waivers_strongest_status);
  tcase_add_test(tc, write_doc_roundtrip);
  tcase_add_test(tc, nothing_to_merge);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
