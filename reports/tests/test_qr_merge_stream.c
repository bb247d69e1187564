/* Unit tests: the streamed merge (qr_merge_files) writes the bytes the
 * whole-tree merge (qr_merge_docs + qr_write_doc) wrote, refuses what it
 * refused with the same words, and holds one case at a time. */
#include <check.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr_doc.h"
#include "qr_merge.h"
#include "qr_test_util.h"

static char dir[64];

static void setup(void)
{
  tu_mkdtemp(dir, sizeof dir);
}

static void teardown(void)
{
  tu_rmtree(dir);
}

static const char *const names[] = {"A", "B", "C", "D"};

/* parts[i] written to dir/pI.json; their paths into paths. */
static void write_parts(const char *const *parts, size_t n, char paths[][80])
{
  for (size_t i = 0; i < n; i++) {
    snprintf(paths[i], 80, "%s/p%zu.json", dir, i);
    tu_spit(paths[i], parts[i]);
  }
}

/* The old merge's file and warnings, and the new one's, must be equal. */
static void same_as_tree(const char *const *parts, size_t n)
{
  char paths[4][80], err[512] = "", old_path[96], new_path[96];
  const char *p[4];
  write_parts(parts, n, paths);
  json_t *docs[4];
  for (size_t i = 0; i < n; i++) {
    p[i] = paths[i];
    docs[i] = qr_doc_load(paths[i], err, sizeof err);
    ck_assert_msg(docs[i] != NULL, "%s", err);
  }
  char *wold = NULL, *wnew = NULL;
  size_t lold, lnew;
  FILE *fo = open_memstream(&wold, &lold);
  json_t *old = qr_merge_docs(docs, names, n, fo, err, sizeof err);
  fclose(fo);
  ck_assert_msg(old != NULL, "%s", err);
  snprintf(old_path, sizeof old_path, "%s/old.json", dir);
  snprintf(new_path, sizeof new_path, "%s/new.json", dir);
  ck_assert_int_eq(qr_write_doc(old, old_path, err, sizeof err), 0);
  FILE *fn = open_memstream(&wnew, &lnew);
  qr_merge *m = qr_merge_files(p, names, n, fn, err, sizeof err);
  fclose(fn);
  ck_assert_msg(m != NULL, "%s", err);
  ck_assert_msg(qr_merge_write(m, new_path, err, sizeof err) == 0, "%s", err);
  char *a = tu_slurp(old_path), *b = tu_slurp(new_path);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_str_eq(b, a);
  ck_assert_str_eq(wnew, wold);
  ck_assert_uint_eq(qr_merge_state(m).ran,
                    json_array_size(json_object_get(old, "cases")));
  free(a);
  free(b);
  free(wold);
  free(wnew);
  qr_merge_free(m);
  json_decref(old);
  for (size_t i = 0; i < n; i++)
    json_decref(docs[i]);
}

/* Hand-written parts: any layout, "cases" not last, keys missing or in
 * another order, numbers, escapes, NUL, UTF-8, waivers, modules. */
static const char p_compact[] =
    "{\"schema\":1,\"tool\":\"qftp-harness\",\"started_at\":"
    "\"2024-01-01T00:00:02\",\"target\":\"sim\",\"profile\":\"note\","
    "\"time_scale\":0.05,\"duration_s\":3.5,\"cases\":[{\"id\":\"b.one\","
    "\"verdict\":\"pass\",\"dir\":\"cases/b.one\",\"transcript\":[{\"t\":0.1,"
    "\"dir\":\">\",\"text\":\"AT\\u0000x \xc3\xa9 \\\"q\\\" \\/ \\t\"}],"
    "\"n\":1.0,\"big\":12345678901234,\"x\":1e-7,\"y\":0.1234567890123456},"
    "{\"id\":\"d.two\",\"verdict\":\"fail\",\"reason\":\"bad\\n\","
    "\"nested\":{\"a\":[],\"b\":{},\"c\":[[1,2],{\"k\":null}]}}],"
    "\"module\":{\"model\":\"EC25\",\"revision\":\"R1\"},\"waivers\":[{"
    "\"case\":\"x.*\",\"where\":\"w.yaml:2:5\",\"status\":\"not-run\","
    "\"cases\":[]},{\"case\":\"y\",\"where\":\"w.yaml:6:5\",\"status\":"
    "\"stale\",\"cases\":[\"y\"]}],\"summary\":{\"total\":2}}";

static const char p_spread[] =
    "\n\t{ \"schema\" : 1 , \"started_at\": \"2024-01-01T00:00:01\",\r\n"
    "  \"target\": \"device:/dev/ttyUSB1\", \"profile\": \"note\",\n"
    "  \"time_scale\": 0.05, \"duration_s\": 4.25, \"interrupted\": true,\n"
    "  \"planned\": 5, \"stop_reason\": \"device-lost\", \"stop_detail\": "
    "\"gone\",\n  \"module\": {\"model\": \"EC21\", \"revision\": \"R2\"},\n"
    "  \"waivers\": [ {\"case\": \"x.*\", \"where\": \"w.yaml:2:5\", "
    "\"status\": \"applied\", \"cases\": [\"x.1\"]} ],\n"
    "  \"cases\" : [ {\"id\": \"a.x\", \"verdict\": \"skip\"} ,\n"
    "   {\"id\": \"x.1\", \"verdict\": \"waived\", \"waiver\": {\"case\": "
    "\"x.*\"}, \"tags\": [\"a\", \"b\"]}, {\"id\": \"c.3\", \"verdict\": "
    "\"error\", \"duration_s\": 12.5}\n  ] }\n\n";

static const char p_cases_first[] =
    "{\"cases\": [{\"id\": \"e.1\", \"verdict\": \"pass\"}], \"schema\": 1, "
    "\"profile\": \"note\", \"time_scale\": 0.05, \"target\": \"sim\", "
    "\"started_at\": \"\"}";

static const char p_empty[] =
    "{\"schema\": 1, \"profile\": \"note\", \"time_scale\": 0.05, "
    "\"target\": \"device:/dev/ttyUSB2\", \"planned\": 3, \"interrupted\": "
    "false, \"stop_reason\": null, \"cases\": []}";

START_TEST(same_bytes_hand_written)
{
  const char *const four[] = {p_compact, p_spread, p_cases_first, p_empty};
  same_as_tree(four, 4);
  const char *const rev[] = {p_spread, p_compact};
  same_as_tree(rev, 2);
  const char *const first[] = {p_cases_first, p_empty, p_compact};
  same_as_tree(first, 3);
  const char *const one[] = {p_compact};
  same_as_tree(one, 1);
  const char *const none[] = {p_empty, p_empty};
  same_as_tree(none, 2);
}
END_TEST

/* Parts as the writer writes them (one of them with sealed cases). */
START_TEST(same_bytes_written_runs)
{
  char err[256], sub[3][96];
  const char *parts[3];
  for (int k = 0; k < 3; k++) {
    qr_run_result *r = tu_sample_run();
    for (size_t i = 0; i < r->ncases; i++) { /* disjoint ids per part */
      char id[64];
      snprintf(id, sizeof id, "%c.%s", 'a' + (2 - k), r->cases[i].id);
      free(r->cases[i].id);
      r->cases[i].id = strdup(id);
      if (k == 1) {
        ck_assert_msg(qr_case_seal(r, &r->cases[i], dir, err, sizeof err) == 0,
                      "%s", err);
      }
    }
    snprintf(sub[k], sizeof sub[k], "%s/w%d.json", dir, k);
    ck_assert_msg(qr_write_json(r, sub[k], err, sizeof err) == 0, "%s", err);
    qr_run_result_free(r);
    char *t = tu_slurp(sub[k]);
    ck_assert_ptr_nonnull(t);
    parts[k] = t;
  }
  same_as_tree(parts, 3);
  for (int k = 0; k < 3; k++)
    free((char *)parts[k]);
}
END_TEST

/* The refusals, word for word as qr_merge_docs gives them. */
static void refused(const char *a, const char *b, const char *want)
{
  char paths[2][80], err[512] = "";
  const char *const parts[] = {a, b};
  write_parts(parts, 2, paths);
  const char *p[] = {paths[0], paths[1]};
  ck_assert_ptr_null(qr_merge_files(p, names, 2, NULL, err, sizeof err));
  ck_assert_str_eq(err, want);
}

START_TEST(refusals_same_words)
{
  refused(
      "{\"schema\": 1, \"profile\": \"note\", \"cases\": [{\"id\": \"a\", "
      "\"verdict\": \"pass\"}, {\"id\": \"o.x\", \"verdict\": \"pass\"}]}",
      "{\"schema\": 1, \"profile\": \"note\", \"cases\": [{\"id\": \"o.x\", "
      "\"verdict\": \"fail\"}]}",
      "case id \"o.x\" is in both A and B");
  refused("{\"schema\": 1, \"profile\": \"note\", \"cases\": []}",
          "{\"schema\": 1, \"profile\": \"other\", \"cases\": []}",
          "profile differs: A \"note\", B \"other\"");
  refused("{\"schema\": 1, \"profile\": \"note\", \"time_scale\": 0.05, "
          "\"cases\": []}",
          "{\"schema\": 1, \"profile\": \"note\", \"time_scale\": 0.01, "
          "\"cases\": []}",
          "time_scale differs: A 0.05, B 0.01");
  /* The first bad part's own words, as the loader gives them. */
  char want[512], paths[2][80];
  const char *const bad[] = {"{\"schema\": 1, \"cases\": []}",
                             "{\"schema\": 1, \"cases\": [}"};
  write_parts(bad, 2, paths);
  ck_assert_ptr_null(qr_doc_load(paths[1], want, sizeof want));
  refused(bad[0], bad[1], want);
  char err[64] = "";
  ck_assert_ptr_null(qr_merge_files(NULL, names, 0, NULL, err, sizeof err));
  ck_assert_str_eq(err, "nothing to merge");
}
END_TEST

/* A part rewritten between reading and writing is noticed. */
START_TEST(part_changed_refused)
{
  char paths[2][80], err[512] = "", out[96];
  const char *const parts[] = {p_compact, p_spread};
  write_parts(parts, 2, paths);
  const char *p[] = {paths[0], paths[1]};
  qr_merge *m = qr_merge_files(p, names, 2, NULL, err, sizeof err);
  ck_assert_msg(m != NULL, "%s", err);
  ck_assert_uint_eq(qr_merge_state(m).ran, 5);
  ck_assert_str_eq(qr_merge_case_at(m, 0).dir, "cases/b.one");
  ck_assert_uint_eq(qr_merge_case_at(m, 2).part, 1);
  tu_spit(paths[1], "{\"schema\": 1, \"cases\": []}");
  snprintf(out, sizeof out, "%s/out.json", dir);
  ck_assert_int_eq(qr_merge_write(m, out, err, sizeof err), -1);
  char want[256];
  snprintf(want, sizeof want, "cannot read %s: changed while being read",
           paths[1]);
  ck_assert_str_eq(err, want);
  ck_assert_int_eq(access(out, F_OK), -1);
  qr_merge_free(m);
}
END_TEST

enum { BIG_CASES = 1000, BIG_LINES = 100 };

/* Two parts of 1000 cases (~12 MB each) merge holding one case's tree at
 * a time; the whole-tree merge held both documents. */
START_TEST(big_merge_bounded)
{
  char err[256] = "", paths[2][96], out[96];
  char text[120];
  memset(text, 'x', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  for (int k = 0; k < 2; k++) {
    qr_run_result *r = qr_run_result_new("sim", "note", 0.05);
    for (int i = 0; i < BIG_CASES; i++) {
      char id[32];
      snprintf(id, sizeof id, "big.%04d", 2 * i + k);
      qr_case_result *c = qr_run_add_case(r, id, "t", "1", "f.yaml", NULL, 0);
      for (int l = 0; l < BIG_LINES; l++)
        qr_case_add_line(c, l * 0.01, '<', text, (size_t)-1);
      ck_assert_msg(qr_case_seal(r, c, dir, err, sizeof err) == 0, "%s", err);
    }
    snprintf(paths[k], sizeof paths[k], "%s/big%d.json", dir, k);
    ck_assert_msg(qr_write_json(r, paths[k], err, sizeof err) == 0, "%s", err);
    qr_run_result_free(r);
  }
  json_set_alloc_funcs(tu_count_malloc, tu_count_free);
  tu_peak = tu_live = 0;
  const char *p[] = {paths[0], paths[1]};
  qr_merge *m = qr_merge_files(p, names, 2, NULL, err, sizeof err);
  ck_assert_msg(m != NULL, "%s", err);
  snprintf(out, sizeof out, "%s/merged.json", dir);
  ck_assert_msg(qr_merge_write(m, out, err, sizeof err) == 0, "%s", err);
  qr_merge_free(m);
  json_set_alloc_funcs(malloc, free);
  ck_assert_msg(tu_peak < 1024 * 1024, "jansson held %zu bytes at once", tu_peak);
  qr_doc_stream *s = qr_doc_open(out, err, sizeof err);
  ck_assert_msg(s != NULL, "%s", err);
  ck_assert_uint_eq(qr_doc_stream_state(s).ran, 2 * BIG_CASES);
  const json_t *c = qr_doc_next(s);
  ck_assert_str_eq(json_string_value(json_object_get(c, "id")), "big.0000");
  c = qr_doc_next(s);
  ck_assert_str_eq(json_string_value(json_object_get(c, "id")), "big.0001");
  qr_doc_close(s);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_merge_stream");
  TCase *tc = tcase_create("stream");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, same_bytes_hand_written);
  tcase_add_test(tc, same_bytes_written_runs);
  tcase_add_test(tc, refusals_same_words);
  tcase_add_test(tc, part_changed_refused);
  tcase_add_test(tc, big_merge_bounded);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
