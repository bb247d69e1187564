/* Unit tests: credentials through the report path — a ${pass}-like case
 * variable becomes a secret (vars.c), and every way text enters the result
 * model (transcript entries, notes, unexpected lines, reasons, evidence)
 * comes out redacted in transcript.txt, results.json, junit.xml,
 * report.html and results.tap; the copies of logs hide them too. */
#include "fsutil.h"
#include "qc_redact.h"
#include "qr_report.h"
#include "srv_log.h"
#include "vars.h"

#include "qc_test_util.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PW "x7k2m9q4w1e8r5t3"

/* Whether any file under dir (recursively) contains needle. */
static bool tree_has(const char *dir, const char *needle)
{
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  struct dirent *e;
  bool found = false;
  while (!found && (e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    if (S_ISDIR(st.st_mode)) {
      found = tree_has(p, needle);
      continue;
    }
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = fread(buf, 1, (size_t)st.st_size, f);
    buf[n] = '\0';
    fclose(f);
    found = memmem(buf, n, needle, strlen(needle)) != NULL;
    free(buf);
  }
  closedir(d);
  return found;
}

static char *read_all(const char *path)
{
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  static char buf[65536];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

START_TEST(test_vars_secret_names)
{
  ck_assert(qh_vars_is_secret("pass"));
  ck_assert(qh_vars_is_secret("password"));
  ck_assert(qh_vars_is_secret("ftp_pass"));
  ck_assert(qh_vars_is_secret("profile.ca.secret"));
  ck_assert(!qh_vars_is_secret("user"));
  ck_assert(!qh_vars_is_secret("port"));
  ck_assert(!qh_vars_is_secret("profile.err.530"));
}
END_TEST

START_TEST(test_report_files)
{
  qc_redact_clear();
  qh_vars v;
  memset(&v, 0, sizeof v);
  ck_assert_int_eq(qh_vars_set(&v, "user", "qftpabc123"), 0);
  ck_assert_int_eq(qh_vars_set(&v, "pass", PW), 0);
  char line[256], err[256];
  ck_assert_int_eq(qh_vars_expand(&v,
                                  "AT+QFTPCFG=\"account\",\"${user}\",\"${pass}\"",
                                  line, sizeof line, err, sizeof err),
                   0);
  /* The expansion itself is the real value: it goes to the module. */
  ck_assert_ptr_nonnull(strstr(line, PW));

  qr_run_result *r = qr_run_result_new("sim", "generic", 1.0);
  qr_case_result *c = qr_run_add_case(r, "open.login", "t", "s", "f.yaml",
                                      NULL, 0);
  qr_case_add_line(c, 0.1, '>', line, (size_t)-1);
  qr_case_add_line(c, 0.2, '<', "PASS " PW "\r", (size_t)-1);
  qr_case_note(c, 0.3, "account %s", PW);
  qr_case_add_unexpected(c, "+X: " PW);
  /* A note longer than a reason's bound, the secret across the cut. */
  char longmsg[QR_REASON_MAX + 64];
  memset(longmsg, 'a', sizeof longmsg);
  memcpy(longmsg + QR_REASON_MAX - 6, PW, strlen(PW));
  longmsg[sizeof longmsg - 1] = '\0';
  qr_case_note(c, 0.4, "%s", longmsg);
  qr_case_set_evidence(c, "{\"text\":\"PASS " PW "\"}", "{\"x\":\"" PW "\"}");
  qr_case_set_verdict(c, QR_FAIL, 1, "expected OK, got \"%s\"", PW);
  ck_assert_ptr_null(strstr(c->reason, PW));
  ck_assert_str_eq(c->reason, "expected OK, got \"********\"");
  ck_assert_str_eq(c->lines[0].text,
                   "AT+QFTPCFG=\"account\",\"qftpabc123\",\"********\"");
  for (size_t i = 0; i < c->nlines; i++)
    ck_assert_ptr_null(strstr(c->lines[i].text, "x7k2m9"));

  qc_test_scratch sc;
  qc_test_scratch_make(&sc, "redact-report", "log");
  ck_assert_int_eq(qr_write_all(r, sc.dir, err, sizeof err), 0);
  ck_assert(!tree_has(sc.dir, PW));
  ck_assert(!tree_has(sc.dir, "x7k2m9")); /* not even a cut half */
  char p[PATH_MAX];
  snprintf(p, sizeof p, "%s/cases/open.login/transcript.txt", sc.dir);
  ck_assert_ptr_nonnull(
      strstr(read_all(p), "> AT+QFTPCFG=\"account\",\"qftpabc123\",\"********\""));

  /* A log copied into the report directory (module.log, proxy.log). */
  FILE *f = fopen(sc.path, "w");
  fputs("old " PW "\n", f);
  fputs("-> PASS " PW "\r\n-> USER qftpabc123\r\n", f);
  fclose(f);
  snprintf(p, sizeof p, "%s/cases/open.login/module.log", sc.dir);
  ck_assert_int_eq(qh_copy_file_from(sc.path, 21, p), 0);
  ck_assert_str_eq(read_all(p), "-> PASS ********\r\n-> USER qftpabc123\r\n");

  /* The server's protocol log, as vsftpd writes it. */
  f = fopen(sc.path, "w");
  fputs("Fri Dec  4 19:46:29 2026 [pid 6] [qftpabc123] FTP command: Client "
        "\"127.0.0.1\", \"PASS " PW "\"\n", f);
  fclose(f);
  snprintf(p, sizeof p, "%s/cases/open.login/server.log", sc.dir);
  ck_assert_int_eq(srv_log_copy_since(sc.path, 0, p, err, sizeof err), 0);
  ck_assert_str_eq(read_all(p),
                   "Fri Dec  4 19:46:29 2026 [pid 6] [qftpabc123] FTP command: "
                   "Client \"127.0.0.1\", \"PASS ********\"\n");
  unlink(sc.path);
  ck_assert(!tree_has(sc.dir, PW));

  qr_run_result_free(r);
  qh_remove_tree(sc.dir);
  qc_redact_clear();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("redact_report");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_vars_secret_names);
  tcase_add_test(tc, test_report_files);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
