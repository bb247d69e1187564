/* transcript.txt and the whole report directory (qr_write_all). */
#include "qr_test_util.h"

#include <jansson.h>

static char dir[64];

static void setup(void)
{
  tu_mkdtemp(dir, sizeof dir);
}

static void teardown(void)
{
  tu_rmtree(dir);
}

START_TEST(test_transcript_txt)
{
  qr_run_result *r = tu_sample_run();
  char cdir[160], file[192], err[256] = "";
  snprintf(cdir, sizeof cdir, "%s/a/b/open.ok", dir); /* parents made */
  ck_assert_msg(qr_write_case_files(&r->cases[0], cdir, err, sizeof err) == 0,
                "%s", err);
  snprintf(file, sizeof file, "%s/transcript.txt", cdir);
  char *t = tu_slurp(file);
  ck_assert_ptr_nonnull(t);
  ck_assert_str_eq(t, "   0.000 > AT+QFTPOPEN=\"127.0.0.1\",2121\n"
                      "   0.500 < OK\\r\\n\n"
                      "   0.600 # step 1 done\n");
  free(t);
  /* Hand-filled text with raw control bytes still gives one line each. */
  qr_case_result *c = &r->cases[2];
  c->lines = malloc(sizeof *c->lines);
  c->cap = 1;
  c->lines[0] = (qr_tline){.t = 12.345, .dir = '<', .text = strdup("a\nb")};
  c->nlines = 1;
  ck_assert_int_eq(qr_write_case_files(c, cdir, err, sizeof err), 0);
  t = tu_slurp(file);
  ck_assert_str_eq(t, "  12.345 < a\\nb\n");
  free(t);
  ck_assert_int_eq(tu_count_names(cdir, ".tmp"), 0);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_write_all)
{
  qr_run_result *r = tu_sample_run();
  r->cases[1].dir = strdup("cases/custom");
  char rep[128], p[256], err[256] = "";
  snprintf(rep, sizeof rep, "%s/deep/report", dir);
  ck_assert_msg(qr_write_all(r, rep, err, sizeof err) == 0, "%s", err);
  static const char *const files[] = {"results.json",
                                      "junit.xml",
                                      "report.html",
                                      "results.tap",
                                      "cases/open.ok/transcript.txt",
                                      "cases/custom/transcript.txt",
                                      "cases/srv.error/transcript.txt",
                                      "cases/sd.skip/transcript.txt"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", rep, files[i]);
    ck_assert_msg(access(p, R_OK) == 0, "%s missing", files[i]);
  }
  ck_assert_str_eq(r->cases[0].dir, "cases/open.ok");
  ck_assert_str_eq(r->cases[1].dir, "cases/custom"); /* kept */
  ck_assert_int_eq(tu_count_names(rep, ".tmp"), 0);
  /* The JSON records where each case's files went. */
  snprintf(p, sizeof p, "%s/results.json", rep);
  json_t *doc = json_load_file(p, 0, NULL);
  ck_assert_ptr_nonnull(doc);
  json_t *c0 = json_array_get(json_object_get(doc, "cases"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(c0, "dir")),
                   "cases/open.ok");
  json_decref(doc);
  /* A second run over the same dir replaces, never appends. */
  ck_assert_int_eq(qr_write_all(r, rep, err, sizeof err), 0);
  qr_run_result_free(r);
}
END_TEST

static const struct {
  const char *id, *dir;
} dir_names[] = {
    {"open.ok", "cases/open.ok"},
    {"../../etc", "cases/.._.._etc"},
    {"..", "cases/_.."},
    {".", "cases/_."},
    {"", "cases/_"},
    {"a b/c", "cases/a_b_c"},
};

START_TEST(test_case_dir_names)
{
  qr_run_result *r = qr_run_result_new("sim", "p", 1.0);
  qr_run_add_case(r, dir_names[_i].id, "t", "s", "f", NULL, 0);
  char err[256] = "";
  ck_assert_msg(qr_write_all(r, dir, err, sizeof err) == 0, "%s", err);
  ck_assert_str_eq(r->cases[0].dir, dir_names[_i].dir);
  char p[256];
  snprintf(p, sizeof p, "%s/%s/transcript.txt", dir, dir_names[_i].dir);
  ck_assert_int_eq(access(p, F_OK), 0);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_write_all_unwritable)
{
  qr_run_result *r = tu_sample_run();
  char file[128], bad[192], err[256] = "";
  snprintf(file, sizeof file, "%s/plainfile", dir);
  tu_spit(file, "x");
  snprintf(bad, sizeof bad, "%s/report", file);
  ck_assert_int_eq(qr_write_all(r, bad, err, sizeof err), -1);
  ck_assert_msg(strstr(err, file) != NULL, "err does not name %s: %s", file,
                err);
  ck_assert_ptr_nonnull(strstr(err, "Not a directory"));
  /* The report dir itself a file. */
  ck_assert_int_eq(qr_write_all(r, file, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, file));
  /* A case dir blocked by a file: the case path is named. */
  char rep[128], blocker[192];
  snprintf(rep, sizeof rep, "%s/rep", dir);
  snprintf(blocker, sizeof blocker, "%s/rep/cases", dir);
  ck_assert_int_eq(mkdir(rep, 0755), 0);
  tu_spit(blocker, "x");
  ck_assert_int_eq(qr_write_all(r, rep, err, sizeof err), -1);
  ck_assert_msg(strstr(err, blocker) != NULL, "%s", err);
  char small[8];
  ck_assert_int_eq(qr_write_all(r, rep, small, sizeof small), -1);
  ck_assert_uint_eq(strlen(small), sizeof small - 1); /* cut, terminated */
  qr_run_result_free(r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_files");
  TCase *tc = tcase_create("files");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_transcript_txt);
  tcase_add_test(tc, test_write_all);
  tcase_add_loop_test(tc, test_case_dir_names, 0,
                      (int)(sizeof dir_names / sizeof dir_names[0]));
  tcase_add_test(tc, test_write_all_unwritable);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
