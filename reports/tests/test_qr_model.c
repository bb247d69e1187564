/* The result model: transcript escaping, bounds, verdicts, counts. */
#include "qr_test_util.h"

#include "qc_buf.h"
#include "qr_file.h"
#include "qr_escape.h"

static const struct {
  const char *in;
  size_t n; /* bytes of in; (size_t)-1: up to the NUL */
  const char *out;
} esc_table[] = {
    {"OK", (size_t)-1, "OK"},
    {"OK\r\n", (size_t)-1, "OK\\r\\n"},
    {"a\tb", (size_t)-1, "a\\tb"},
    {"a\0b", 3, "a\\x00b"},
    {"\xff\xfe", (size_t)-1, "\\xff\\xfe"},
    {"\x7f", (size_t)-1, "\\x7f"},
    {"\x1b[0m", (size_t)-1, "\\x1b[0m"},
    {"caf\xc3\xa9", (size_t)-1, "caf\\xc3\\xa9"}, /* UTF-8 is bytes here */
    {"\xe4\xb8\xad", (size_t)-1, "\\xe4\\xb8\\xad"},
    {"\\r stays", (size_t)-1, "\\r stays"}, /* printable: kept as is */
    {"+QFTPGET: 0,500", (size_t)-1, "+QFTPGET: 0,500"},
    {"", (size_t)-1, ""},
    {"cut here", 3, "cut"},
};

START_TEST(test_escape_table)
{
  qr_run_result *r = qr_run_result_new("sim", "p", 1.0);
  qr_case_result *c = qr_run_add_case(r, "x", "t", "s", "f", NULL, 0);
  qr_case_add_line(c, 0.25, '<', esc_table[_i].in, esc_table[_i].n);
  ck_assert_uint_eq(c->nlines, 1);
  ck_assert_str_eq(c->lines[0].text, esc_table[_i].out);
  ck_assert_int_eq(c->lines[0].dir, '<');
  ck_assert_double_eq(c->lines[0].t, 0.25);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_escape_is_idempotent_on_output)
{
  /* Escaped text is printable ASCII, so escaping it again changes
   * nothing: transcript.txt may escape defensively. */
  qc_buf a, b;
  qc_buf_init(&a, QR_FILE_MAX);
  qc_buf_init(&b, QR_FILE_MAX);
  qr_escape_text(&a, "x\r\n\x01\xff", 5);
  qr_escape_text(&b, qc_buf_data(&a), qc_buf_len(&a));
  ck_assert_str_eq(qc_buf_data(&a), qc_buf_data(&b));
  qc_buf_free(&a);
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_unexpected_escaped)
{
  qr_run_result *r = qr_run_result_new("sim", "p", 1.0);
  qr_case_result *c = qr_run_add_case(r, "x", "t", "s", "f", NULL, 0);
  qr_case_add_unexpected(c, "+QIURC: \"closed\"\r");
  ck_assert_uint_eq(c->nunexpected, 1);
  ck_assert_str_eq(c->unexpected[0], "+QIURC: \"closed\"\\r");
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_long_line_is_cut)
{
  size_t n = QR_TEXT_MAX + 100;
  char *big = malloc(n);
  ck_assert_ptr_nonnull(big);
  memset(big, 'A', n);
  qr_run_result *r = qr_run_result_new("sim", "p", 1.0);
  qr_case_result *c = qr_run_add_case(r, "x", "t", "s", "f", NULL, 0);
  qr_case_add_line(c, 0, '<', big, n);
  const char *t = c->lines[0].text;
  ck_assert_uint_eq(strspn(t, "A"), QR_TEXT_MAX);
  ck_assert_str_eq(t + QR_TEXT_MAX, "... (100 bytes cut)");
  free(big);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_transcript_capped)
{
  qr_run_result *r = qr_run_result_new("sim", "p", 1.0);
  qr_case_result *c = qr_run_add_case(r, "x", "t", "s", "f", NULL, 0);
  for (size_t i = 0; i < QR_LINES_MAX + 50; i++)
    qr_case_add_line(c, 0, '<', "x", 1);
  ck_assert_uint_eq(c->nlines, QR_LINES_MAX);
  ck_assert_int_eq(c->lines[QR_LINES_MAX - 1].dir, '#');
  ck_assert_ptr_nonnull(strstr(c->lines[QR_LINES_MAX - 1].text, "cut"));
  for (size_t i = 0; i < QR_UNEXPECTED_MAX + 5; i++)
    qr_case_add_unexpected(c, "u");
  ck_assert_uint_eq(c->nunexpected, QR_UNEXPECTED_MAX);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_case_fields_copied)
{
  char tag0[] = "qftpget";
  char *tags[] = {tag0, "smoke"};
  char id[] = "get.ok";
  qr_run_result *r = qr_run_result_new("device:/dev/ttyUSB0", "ec200", 0.5);
  ck_assert_str_eq(r->target, "device:/dev/ttyUSB0");
  ck_assert_str_eq(r->profile, "ec200");
  ck_assert_double_eq(r->time_scale, 0.5);
  ck_assert_uint_eq(strlen(r->started_at), 24); /* YYYY-MM-DDTHH:MM:SS.mmmZ */
  ck_assert_int_eq(r->started_at[23], 'Z');
  qr_case_result *c = qr_run_add_case(r, id, "T", "2.9", "f.yaml", tags, 2);
  id[0] = 'X';
  tag0[0] = 'X';
  ck_assert_str_eq(c->id, "get.ok");
  ck_assert_uint_eq(c->ntags, 2);
  ck_assert_str_eq(c->tags[0], "qftpget");
  ck_assert_str_eq(c->tags[1], "smoke");
  ck_assert_ptr_null(c->dir);
  ck_assert_int_eq(c->verdict, QR_PASS);
  /* Adding cases moves the array: earlier pointers are not kept, ids are. */
  for (int i = 0; i < 40; i++)
    qr_run_add_case(r, "more", "T", "2.9", "f.yaml", NULL, 0);
  ck_assert_str_eq(r->cases[0].id, "get.ok");
  ck_assert_uint_eq(r->ncases, 41);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_verdict_and_reason)
{
  qr_run_result *r = qr_run_result_new("sim", "p", 1.0);
  qr_case_result *c = qr_run_add_case(r, "x", "t", "s", "f", NULL, 0);
  qr_case_set_verdict(c, QR_FAIL, 4, "step %d (%s:%d:%d): expected %s", 4,
                      "c.yaml", 12, 5, "OK");
  ck_assert_int_eq(c->verdict, QR_FAIL);
  ck_assert_int_eq(c->failed_step, 4);
  ck_assert_str_eq(c->reason, "step 4 (c.yaml:12:5): expected OK");
  qr_case_set_verdict(c, QR_ERROR, 0, "server: %s", "down");
  ck_assert_str_eq(c->reason, "server: down");
  ck_assert_int_eq(c->failed_step, 0);
  qr_case_set_verdict(c, QR_PASS, 0, NULL);
  ck_assert_ptr_null(c->reason);
  qr_case_note(c, 1.5, "restart %d of %d", 1, 3);
  ck_assert_int_eq(c->lines[0].dir, '#');
  ck_assert_str_eq(c->lines[0].text, "restart 1 of 3");
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_verdict_names)
{
  static const char *const names[] = {"pass", "fail", "error", "skip"};
  for (int v = 0; v < 4; v++) {
    ck_assert_str_eq(qr_verdict_name((qr_verdict)v), names[v]);
    ck_assert_int_eq(qr_verdict_parse(names[v]), v);
  }
  ck_assert_int_eq(qr_verdict_parse("PASS"), -1);
  ck_assert_int_eq(qr_verdict_parse(""), -1);
  ck_assert_int_eq(qr_verdict_parse(NULL), -1);
}
END_TEST

START_TEST(test_counts)
{
  qr_run_result *r = tu_sample_run();
  qr_case_set_verdict(qr_run_add_case(r, "f2", "t", "s", "f", NULL, 0), QR_FAIL,
                      1, "again");
  qr_case_result *w = qr_run_add_case(r, "f3", "t", "s", "f", NULL, 0);
  qr_case_set_verdict(w, QR_FAIL, 2, "known");
  qr_case_waive(w, "f*", "bug", "https://bugs/1", NULL);
  size_t n[QR_VERDICTS];
  qr_run_counts(r, n);
  ck_assert_uint_eq(n[QR_PASS], 1);
  ck_assert_uint_eq(n[QR_FAIL], 2);
  ck_assert_uint_eq(n[QR_ERROR], 1);
  ck_assert_uint_eq(n[QR_SKIP], 1);
  ck_assert_uint_eq(n[QR_WAIVED], 1);
  /* Waiving keeps the failure's reason and step. */
  ck_assert_str_eq(w->reason, "known");
  ck_assert_int_eq(w->failed_step, 2);
  ck_assert_str_eq(w->waiver->reference, "https://bugs/1");
  ck_assert_ptr_null(w->waiver->revision);
  qr_run_result_free(r);
  qr_run_result_free(NULL);
}
END_TEST

START_TEST(test_buf_max)
{
  qc_buf b;
  qc_buf_init(&b, 8);
  qc_buf_adds(&b, "1234567");
  ck_assert(!qc_buf_failed(&b));
  qc_buf_adds(&b, "89");
  ck_assert(qc_buf_failed(&b));
  /* The refused append left nothing behind, and the flag stays set, so a
   * renderer checks once at the end. */
  ck_assert_uint_eq(qc_buf_len(&b), 7);
  ck_assert_str_eq(qc_buf_data(&b), "1234567");
  qc_buf_adds(&b, "x");
  ck_assert(qc_buf_failed(&b));
  qc_buf_free(&b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_model");
  TCase *tc = tcase_create("model");
  size_t n = sizeof esc_table / sizeof esc_table[0];
  tcase_add_loop_test(tc, test_escape_table, 0, (int)n);
  tcase_add_test(tc, test_escape_is_idempotent_on_output);
  tcase_add_test(tc, test_unexpected_escaped);
  tcase_add_test(tc, test_long_line_is_cut);
  tcase_add_test(tc, test_transcript_capped);
  tcase_add_test(tc, test_case_fields_copied);
  tcase_add_test(tc, test_verdict_and_reason);
  tcase_add_test(tc, test_verdict_names);
  tcase_add_test(tc, test_counts);
  tcase_add_test(tc, test_buf_max);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
