/* The streaming writer and reader: results.json written case by case
 * (sealed cases copied from the spill file) is byte for byte what one
 * json_dumps of the whole document gives; the renderers read it one case
 * at a time, whatever its layout; and a long run's memory stays that of
 * one case. */
#include "qr_test_util.h"

#include <jansson.h>
#include <malloc.h>

#include "qr_doc.h"
#include "qr_json.h"

static char dir[64];
static char path[128];

static void setup(void)
{
  tu_mkdtemp(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/results.json", dir);
}

static void teardown(void)
{
  tu_rmtree(dir);
}

/* What the writer produced before it streamed: the whole tree, dumped. */
static char *reference(const qr_run_result *r)
{
  json_t *tree = qr_json_run_tree(r);
  ck_assert_ptr_nonnull(tree);
  char *text = json_dumps(tree, QR_JSON_FLAGS);
  json_decref(tree);
  ck_assert_ptr_nonnull(text);
  size_t n = strlen(text);
  char *out = malloc(n + 2);
  memcpy(out, text, n);
  out[n] = '\n';
  out[n + 1] = '\0';
  free(text);
  return out;
}

static char *written(const qr_run_result *r)
{
  char err[256] = "";
  ck_assert_msg(qr_write_json(r, path, err, sizeof err) == 0, "%s", err);
  return tu_slurp(path);
}

/* The sample run plus a waived case with evidence, unexpected lines and
 * text jansson must escape. */
static qr_run_result *rich_run(void)
{
  qr_run_result *r = tu_sample_run();
  qr_run_add_waiver(r, "replies.*", "known", "https://bugs/1", NULL, "applied",
                    "w.yaml:2:5");
  qr_waiver_note_add_case(&r->waivers[0], "replies.x");
  char *tags[] = {"replies", "quirk"};
  qr_case_result *c =
      qr_run_add_case(r, "replies.x", "T \"q\"\n", "2.9", "f.yaml", tags, 2);
  for (int i = 0; i < 50; i++)
    qr_case_add_line(c, i * 0.001, i % 2 ? '<' : '>', "line\twith \x01\xff",
                     (size_t)-1);
  /* Stamped with steps, and a command's latency to read off. */
  c->cur_step = 2;
  qr_case_add_line(c, 0.100, '>', "AT+QFTPOPEN=\"h\",21", (size_t)-1);
  qr_case_add_line(c, 0.112, '<', "OK", (size_t)-1);
  c->cur_step = -1;
  qr_case_add_line(c, 0.350, '<', "+QFTPOPEN: 0,0", (size_t)-1);
  qr_case_add_step(c, "send", "cases/_fragments/login.yaml:4:5", "login");
  qr_case_add_step(c, "expect", "f.yaml:9:5", NULL);
  qr_case_add_step(c, "expect", "f.yaml:10:5", NULL);
  qr_case_step_status(c, 0, QR_STEP_PASS, 0.005);
  qr_case_step_status(c, 1, QR_STEP_FAIL, 0.1);
  qr_case_add_unexpected(c, "+QIURC: \"closed\",0");
  qr_case_set_verdict(c, QR_FAIL, 3, "step 3: \xc3\xa9 and \xff");
  qr_case_set_failure(c, 2, "expect", "f.yaml:9:5", NULL, "OK", "ERR\xff",
                      51);
  c->interrupted = true;
  qr_case_waive(c, "replies.*", "known", "https://bugs/1", NULL);
  qr_case_set_evidence(c,
                       "{\"commands\": [\"USER a\", \"PASS b\"], \"n\": 2.5}",
                       "not json at all");
  c->started = 1.0005;
  c->duration_s = 0.25;
  c->phase_s[QR_PHASE_STEPS] = 0.2;
  return r;
}

START_TEST(test_same_bytes_as_one_tree)
{
  qr_run_result *r = rich_run();
  char *want = reference(r);
  char *got = written(r);
  ck_assert_str_eq(got, want);
  free(got);
  /* Sealed (every other case), the same bytes again, and the heavy parts
   * gone from memory. */
  char err[256] = "";
  for (size_t i = 0; i < r->ncases; i += 2)
    ck_assert_msg(qr_case_seal(r, &r->cases[i], dir, err, sizeof err) == 0,
                  "%s", err);
  /* c->dir was set by the seal: the reference must carry it too. */
  free(want);
  for (size_t i = 1; i < r->ncases; i += 2)
    ck_assert_int_eq(qr_write_case_dir(&r->cases[i], dir, err, sizeof err), 0);
  qr_run_result *copy = rich_run(); /* unsealed, with the same dirs */
  free(copy->started_at);
  copy->started_at = strdup(r->started_at);
  for (size_t i = 0; i < copy->ncases; i++) {
    free(copy->cases[i].dir);
    copy->cases[i].dir = strdup(r->cases[i].dir);
  }
  want = reference(copy);
  got = written(r);
  ck_assert_str_eq(got, want);
  ck_assert(r->cases[0].sealed);
  ck_assert_ptr_null(r->cases[0].lines);
  ck_assert_uint_eq(r->cases[0].nlines, 0);
  ck_assert(!r->cases[1].sealed);
  ck_assert_uint_gt(r->cases[1].nlines, 0);
  /* The seal wrote the case's transcript. */
  char tp[256];
  snprintf(tp, sizeof tp, "%s/%s/transcript.txt", dir, r->cases[0].dir);
  char *t = tu_slurp(tp);
  ck_assert_ptr_nonnull(strstr(t, "AT+QFTPOPEN"));
  free(t);
  free(got);
  free(want);
  qr_run_result_free(copy);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_same_bytes_no_cases)
{
  qr_run_result *r = qr_run_result_new("sim", "note", 1.0);
  char *want = reference(r);
  char *got = written(r);
  ck_assert_str_eq(got, want);
  ck_assert_ptr_nonnull(strstr(got, "\"cases\": []\n}\n"));
  free(got);
  free(want);
  qr_run_result_free(r);
}
END_TEST

static char *render_file(int (*fn)(const char *, const char *, char *, size_t),
                         const char *json, const char *name)
{
  char out[256], err[256] = "";
  snprintf(out, sizeof out, "%s/%s", dir, name);
  ck_assert_msg(fn(json, out, err, sizeof err) == 0, "%s", err);
  return tu_slurp(out);
}

/* The reader walks any layout of the same document: compact, "cases"
 * first, odd white space; the rendered reports are the same. */
START_TEST(test_reader_takes_any_layout)
{
  qr_run_result *r = rich_run();
  char err[256];
  ck_assert_int_eq(qr_write_json(r, path, err, sizeof err), 0);
  json_t *doc = json_load_file(path, 0, NULL);
  ck_assert_ptr_nonnull(doc);
  /* "cases" first, then the rest. */
  json_t *moved = json_object();
  json_object_set(moved, "cases", json_object_get(doc, "cases"));
  const char *k;
  json_t *v;
  json_object_foreach(doc, k, v)
  {
    if (strcmp(k, "cases") != 0)
      json_object_set(moved, k, v);
  }
  char compact[160], first[160];
  snprintf(compact, sizeof compact, "%s/compact.json", dir);
  snprintf(first, sizeof first, "%s/first.json", dir);
  ck_assert_int_eq(
      json_dump_file(doc, compact, JSON_COMPACT | JSON_PRESERVE_ORDER), 0);
  char *text = json_dumps(moved, JSON_INDENT(7) | JSON_PRESERVE_ORDER);
  char *spaced = malloc(strlen(text) + 16);
  sprintf(spaced, "\r\n\t %s \n\n", text);
  tu_spit(first, spaced);
  free(spaced);
  free(text);
  int (*fns[])(const char *, const char *, char *,
               size_t) = {qr_render_junit, qr_render_tap, qr_render_html};
  for (size_t i = 0; i < 3; i++) {
    char *a = render_file(fns[i], path, "a.out");
    char *b = render_file(fns[i], compact, "b.out");
    char *c = render_file(fns[i], first, "c.out");
    ck_assert_str_eq(a, b);
    ck_assert_str_eq(a, c);
    ck_assert_ptr_nonnull(strstr(a, "replies.x"));
    free(a);
    free(b);
    free(c);
  }
  json_decref(moved);
  json_decref(doc);
  qr_run_result_free(r);
}
END_TEST

/* A file the walk refuses gets the whole-file loader's message. */
START_TEST(test_reader_errors_as_loader)
{
  static const char *const bad[] = {
      "{\"schema\": 1, \"cases\": [{\"id\": \"a\", \"verdict\": \"pass\"},]}\n",
      "{\"schema\": 1, \"cases\": [], \"cases\": []}\n",
      "{\"schema\": 2, \"cases\": []}\n",
      "[1, 2]\n",
      "{\"schema\": 1, \"cases\": [{\"id\": \"a\", \"verdict\": \"nope\"}]}\n",
      "{\"schema\": 1, \"cases\": [], \"planned\": -1}\n",
      "{\"schema\": 1}\n",
      "{\"schema\": 1, \"cases\": []} x\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    tu_spit(path, bad[i]);
    char e1[512] = "", e2[512] = "";
    ck_assert_ptr_null(qr_doc_load(path, e1, sizeof e1));
    ck_assert_ptr_null(qr_doc_open(path, e2, sizeof e2));
    ck_assert_str_eq(e2, e1);
  }
}
END_TEST

enum { BIG_CASES = 2000, BIG_LINES = 100 };

/* 2000 cases of 100 transcript lines (~25 MB of results.json): sealed as
 * they finish, the model's heap stays that of a few cases, and neither
 * the writer nor the renderers ever hold more than one case's tree. */
START_TEST(test_long_run_bounded)
{
  json_set_alloc_funcs(tu_count_malloc, tu_count_free);
  qr_run_result *r = qr_run_result_new("sim", "note", 1.0);
  char text[120];
  memset(text, 'x', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  char err[256] = "";
  struct mallinfo2 m0 = mallinfo2();
  size_t heap_peak = 0;
  for (int i = 0; i < BIG_CASES; i++) {
    char id[32];
    snprintf(id, sizeof id, "big.%04d", i);
    qr_case_result *c = qr_run_add_case(r, id, "t", "1", "f.yaml", NULL, 0);
    for (int k = 0; k < BIG_LINES; k++)
      qr_case_add_line(c, k * 0.01, '<', text, (size_t)-1);
    qr_case_set_evidence(c, "{\"commands\": [\"USER u\"]}", NULL);
    c->duration_s = 0.5;
    ck_assert_msg(qr_case_seal(r, c, dir, err, sizeof err) == 0, "%s", err);
    struct mallinfo2 m = mallinfo2();
    size_t used = m.uordblks > m0.uordblks ? m.uordblks - m0.uordblks : 0;
    if (used > heap_peak)
      heap_peak = used;
  }
  /* Unsealed, the cases alone would be over 25 MB. */
  ck_assert_msg(heap_peak < 2 * 1024 * 1024, "model heap grew to %zu bytes",
                heap_peak);
  tu_peak = tu_live = 0;
  ck_assert_msg(qr_write_all(r, dir, err, sizeof err) == 0, "%s", err);
  ck_assert_msg(tu_peak < 1024 * 1024, "jansson held %zu bytes at once", tu_peak);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_gt(st.st_size, 25 * 1000 * 1000);
  qr_run_result_free(r);
  json_set_alloc_funcs(malloc, free);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_stream");
  TCase *tc = tcase_create("stream");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_same_bytes_as_one_tree);
  tcase_add_test(tc, test_same_bytes_no_cases);
  tcase_add_test(tc, test_reader_takes_any_layout);
  tcase_add_test(tc, test_reader_errors_as_loader);
  tcase_add_test(tc, test_long_run_bounded);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
