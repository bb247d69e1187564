/* Unit tests: qc_redact — secrets and PASS arguments out of written text. */
#include "qc_redact.h"

#include "qc_test_util.h"

#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* in redacted with secrets, compared with want. */
static void check_with(const char *const *sec, size_t nsec, const char *in,
                       const char *want)
{
  size_t len = 0;
  char *out = qc_redact_with(sec, nsec, in, strlen(in), &len);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, want);
  ck_assert_uint_eq(len, strlen(want));
  free(out);
}

START_TEST(test_secret_anywhere)
{
  const char *s[] = {"k3y9pw0rd1234567"};
  check_with(s, 1, "AT+QFTPCFG=\"account\",\"u\",\"k3y9pw0rd1234567\"",
             "AT+QFTPCFG=\"account\",\"u\",\"********\"");
  /* At the start and at the end of a line, and of the text. */
  check_with(s, 1, "k3y9pw0rd1234567\nx k3y9pw0rd1234567",
             "********\nx ********");
  check_with(s, 1, "k3y9pw0rd1234567", "********");
}
END_TEST

START_TEST(test_overlaps)
{
  /* Overlapping occurrences are one run, hidden whole: nothing of the
   * secret is left. */
  const char *s[] = {"abab"};
  check_with(s, 1, "xabababy", "x********y");
  const char *t[] = {"aaaa"};
  check_with(t, 1, "aaaaaa-aaa", "********-aaa");
}
END_TEST

START_TEST(test_several_and_prefix)
{
  /* One secret a prefix of another: the longer is hidden whole, whichever
   * order they were given in. */
  const char *s[] = {"secret", "secret-longer"};
  const char *r[] = {"secret-longer", "secret"};
  check_with(s, 2, "a secret-longer b secret c", "a ******** b ******** c");
  check_with(r, 2, "a secret-longer b secret c", "a ******** b ******** c");
  const char *two[] = {"first1", "second2"};
  check_with(two, 2, "first1 second2", "******** ********");
  check_with(two, 2, "first1second2", "********");
}
END_TEST

START_TEST(test_empty)
{
  const char *s[] = {"", NULL, "pw12"};
  check_with(s, 3, "", "");
  check_with(s, 3, "nothing here", "nothing here");
  check_with(NULL, 0, "plain", "plain");
  size_t len = 7;
  char *out = qc_redact_with(s, 3, NULL, 0, &len);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "");
  ck_assert_uint_eq(len, 0);
  free(out);
}
END_TEST

START_TEST(test_pass_argument)
{
  check_with(NULL, 0, "PASS hunter2\r\n", "PASS ****\r\n");
  check_with(NULL, 0,
             "Fri [pid 3] FTP command: Client \"::1\", \"PASS hunter2\"\n",
             "Fri [pid 3] FTP command: Client \"::1\", \"PASS ****\"\n");
  check_with(NULL, 0, "> PASS a b c\n< 230 ok\n", "> PASS ****\n< 230 ok\n");
  /* Escaped in JSON: the argument ends at the backslash. */
  check_with(NULL, 0, "\"text\": \"\\\"PASS pw\\\"\"", "\"text\": \"\\\"PASS ****\\\"\"");
  /* Not a command: inside a word, lower case, no argument. */
  check_with(NULL, 0, "BYPASS x", "BYPASS x");
  check_with(NULL, 0, "the case will pass here", "the case will pass here");
  check_with(NULL, 0, "PASS \n", "PASS \n");
  /* A PASS argument that is a secret takes the secret's mask. */
  const char *s[] = {"hunter2"};
  check_with(s, 1, "PASS hunter2\nUSER hunter2\n",
             "PASS ********\nUSER ********\n");
}
END_TEST

START_TEST(test_registry)
{
  qc_redact_clear();
  ck_assert_int_eq(qc_redact_add_secret("abc"), 0); /* too short: ignored */
  ck_assert_int_eq(qc_redact_add_secret(""), 0);
  ck_assert_int_eq(qc_redact_add_secret(NULL), 0);
  ck_assert_int_eq(qc_redact_add_secret("zq81mvb2"), 0);
  ck_assert_int_eq(qc_redact_add_secret("zq81mvb2"), 0);
  char *out = qc_redact_text("abc zq81mvb2", (size_t)-1, NULL);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "abc ********");
  free(out);
  for (int i = 0; i < QC_REDACT_SECRETS_MAX - 1; i++) {
    char v[32];
    snprintf(v, sizeof v, "secret-%02d", i);
    ck_assert_int_eq(qc_redact_add_secret(v), 0);
  }
  ck_assert_int_eq(qc_redact_add_secret("one-too-many"), -1);
  qc_redact_clear();
  out = qc_redact_text("zq81mvb2", (size_t)-1, NULL);
  ck_assert_str_eq(out, "zq81mvb2");
  free(out);
}
END_TEST

/* A copy through a pipe written one byte at a time, so the secret and the
 * PASS line arrive split across reads. */
START_TEST(test_copy_split_reads)
{
  qc_redact_clear();
  ck_assert_int_eq(qc_redact_add_secret("splitsecret99"), 0);
  const char *text = "one splitsecret99 two\n\"PASS x1\"\nlast splitsecret99";
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  qc_test_scratch sc;
  qc_test_scratch_make(&sc, "redact", "out.txt");
  int out = open(sc.path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_ge(out, 0);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    close(p[0]);
    for (const char *c = text; *c; c++) {
      if (write(p[1], c, 1) != 1)
        _exit(1);
      usleep(200);
    }
    _exit(0);
  }
  close(p[1]);
  ck_assert_int_eq(qc_redact_copy_fd(p[0], UINT64_MAX, out), 0);
  close(p[0]);
  close(out);
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  FILE *f = fopen(sc.path, "r");
  ck_assert_ptr_nonnull(f);
  char got[256] = "";
  size_t n = fread(got, 1, sizeof got - 1, f);
  got[n] = '\0';
  fclose(f);
  ck_assert_str_eq(got, "one ******** two\n\"PASS ****\"\nlast ********");
  /* A bounded copy stops at max bytes. */
  int in = open(sc.path, O_RDONLY);
  ck_assert_int_ge(in, 0);
  char p2[600];
  snprintf(p2, sizeof p2, "%s.2", sc.path);
  int o2 = open(p2, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_eq(qc_redact_copy_fd(in, 3, o2), 0);
  close(in);
  close(o2);
  f = fopen(p2, "r");
  n = fread(got, 1, sizeof got - 1, f);
  got[n] = '\0';
  fclose(f);
  ck_assert_str_eq(got, "one");
  unlink(p2);
  unlink(sc.path);
  rmdir(sc.dir);
  qc_redact_clear();
}
END_TEST

/* A line far longer than the copy's buffer, the secret past its first
 * 64 KiB: the buffer grows, the line is redacted whole. */
START_TEST(test_copy_long_line)
{
  qc_redact_clear();
  ck_assert_int_eq(qc_redact_add_secret("longlinesecret"), 0);
  qc_test_scratch sc;
  qc_test_scratch_make(&sc, "redact-long", "in.bin");
  size_t pad = 200000;
  FILE *f = fopen(sc.path, "wb");
  ck_assert_ptr_nonnull(f);
  for (size_t i = 0; i < pad; i++)
    fputc('a', f);
  fputs("longlinesecret\nend", f);
  fclose(f);
  char outp[600];
  snprintf(outp, sizeof outp, "%s.out", sc.path);
  int in = open(sc.path, O_RDONLY), out = open(outp, O_WRONLY | O_CREAT, 0600);
  ck_assert_int_ge(in, 0);
  ck_assert_int_ge(out, 0);
  ck_assert_int_eq(qc_redact_copy_fd(in, UINT64_MAX, out), 0);
  close(in);
  close(out);
  f = fopen(outp, "rb");
  ck_assert_ptr_nonnull(f);
  char *got = malloc(pad + 64);
  size_t n = fread(got, 1, pad + 63, f);
  fclose(f);
  ck_assert_uint_eq(n, pad + strlen("********\nend"));
  ck_assert_int_eq(memcmp(got + pad, "********\nend", n - pad), 0);
  free(got);
  unlink(outp);
  unlink(sc.path);
  rmdir(sc.dir);
  qc_redact_clear();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qc_redact");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_secret_anywhere);
  tcase_add_test(tc, test_overlaps);
  tcase_add_test(tc, test_several_and_prefix);
  tcase_add_test(tc, test_empty);
  tcase_add_test(tc, test_pass_argument);
  tcase_add_test(tc, test_registry);
  tcase_add_test(tc, test_copy_split_reads);
  tcase_add_test(tc, test_copy_long_line);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
