/* Unit tests: qr_path_norm, the absolute paths of a reason made
 * independent of the workspace (qr_path_norm.h's rules, one row each). */
#include "qr_path_norm.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const char *const dirs[] = {"/tmp/A", "/tmp/A/sub", "/srv/r2"};

static const struct {
  const char *in, *want;
} rows[] = {
    /* 1. from the last component "cases" */
    {"step 4 (/ws/a/proj/cases/get/com.yaml:12:5): x",
     "step 4 (cases/get/com.yaml:12:5): x"},
    {"see /tmp/A/cases/get.com/server.log", "see cases/get.com/server.log"},
    {"/srv/cases/proj/cases/x.yaml", "cases/x.yaml"},
    {"x=/a/b/cases", "x=cases"},
    {"(/mycases/x/y)", "(.../x/y)"},
    /* 2. the report directories, the longest that matches */
    {"/tmp/A/workers/w1/sim.log: gone", "<report>/workers/w1/sim.log: gone"},
    {"cannot write /tmp/A: full", "cannot write <report>: full"},
    {"/tmp/A/sub/f", "<report>/f"},
    {"'/srv/r2/preflight.txt'", "'<report>/preflight.txt'"},
    {"/tmp/AB/x", ".../AB/x"}, /* not under /tmp/A */
    /* 3. the last two components */
    {"cannot open /home/ci/x/fixtures/a.pem: No such file",
     "cannot open .../fixtures/a.pem: No such file"},
    {"AT+QFTPCWD=\"/a/b/c\"", "AT+QFTPCWD=\".../b/c\""},
    {"`/a/b/c`, `/d/e/f`", "`.../b/c`, `.../e/f`"},
    /* 4. left alone */
    {"/dev/ttyUSB0 vanished", "/dev/ttyUSB0 vanished"},
    {"expected `+QFTPPWD: 0,\"/\"`", "expected `+QFTPPWD: 0,\"/\"`"},
    {"rfc2217://host:4000/a/b/c", "rfc2217://host:4000/a/b/c"},
    {"a/b/c/d and 10/20/30", "a/b/c/d and 10/20/30"},
    {"got `+QFTPGET: 625` after 1.2 s", "got `+QFTPGET: 625` after 1.2 s"},
    {"/", "/"},
    {"", ""},
};

START_TEST(test_path_norm)
{
  qc_buf b;
  qc_buf_init(&b, 1 << 16);
  qr_path_norm(rows[_i].in, strlen(rows[_i].in), dirs,
               sizeof dirs / sizeof dirs[0], &b);
  ck_assert_str_eq(qc_buf_data(&b), rows[_i].want);
  qc_buf_free(&b);
}
END_TEST

/* A NUL inside the text (JSON allows it) is copied, not the end of the
 * text: it separates two paths. */
START_TEST(test_path_norm_nul)
{
  static const char in[] = "/a/b/c\0/d/e/f";
  qc_buf b;
  qc_buf_init(&b, 1 << 16);
  qr_path_norm(in, sizeof in - 1, NULL, 0, &b);
  ck_assert_uint_eq(qc_buf_len(&b), 15);
  ck_assert_int_eq(memcmp(qc_buf_data(&b), ".../b/c\0.../e/f", 15), 0);
  qc_buf_free(&b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("reports.diff_path");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_path_norm, 0,
                      (int)(sizeof rows / sizeof rows[0]));
  tcase_add_test(tc, test_path_norm_nul);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
