/* Unit tests: qr_diff pairs cases of two results.json files by id. */
#include "qr_diff.h"
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

/* A results.json with the given cases, "id:verdict[:reason]" each. */
static void write_run(const char *name, const char *const *cases, size_t n)
{
  char path[128], body[4096];
  size_t o = (size_t)snprintf(body, sizeof body,
                              "{\"schema\": 1, \"cases\": [");
  for (size_t i = 0; i < n; i++) {
    char id[64], verdict[16], reason[64] = "";
    if (sscanf(cases[i], "%63[^:]:%15[^:]:%63[^\n]", id, verdict, reason) < 2)
      ck_abort_msg("bad test row %s", cases[i]);
    o += (size_t)snprintf(body + o, sizeof body - o,
                          "%s{\"id\": \"%s\", \"verdict\": \"%s\", "
                          "\"reason\": %s%s%s}",
                          i ? ", " : "", id, verdict, reason[0] ? "\"" : "",
                          reason[0] ? reason : "null", reason[0] ? "\"" : "");
  }
  snprintf(body + o, sizeof body - o, "]}");
  snprintf(path, sizeof path, "%s/%s", dir, name);
  tu_spit(path, body);
}

START_TEST(test_diff_classifies)
{
  const char *old[] = {"a:pass", "b:fail:x", "c:pass", "d:fail:old reason",
                       "e:pass", "gone:pass"};
  const char *new[] = {"a:pass", "b:pass", "c:fail:TYPE A", "d:fail:new reason",
                       "e:skip:not here", "fresh:fail:boom"};
  write_run("old.json", old, 6);
  write_run("new.json", new, 6);
  char po[128], pn[128], err[256], *text = NULL;
  size_t tlen = 0;
  snprintf(po, sizeof po, "%s/old.json", dir);
  snprintf(pn, sizeof pn, "%s/new.json", dir);
  FILE *out = open_memstream(&text, &tlen);
  qr_diff_counts c;
  ck_assert_int_eq(qr_diff(po, pn, out, &c, err, sizeof err), 0);
  fclose(out);
  ck_assert_uint_eq(c.regressed, 2); /* c, and e (pass -> skip) */
  ck_assert_uint_eq(c.fixed, 1);
  ck_assert_uint_eq(c.changed, 1);
  ck_assert_uint_eq(c.added, 1);
  ck_assert_uint_eq(c.removed, 1);
  ck_assert_uint_eq(c.same, 1);
  ck_assert_ptr_nonnull(strstr(text, "regressed  c: pass -> fail: TYPE A\n"));
  ck_assert_ptr_nonnull(strstr(text, "fixed      b: fail -> pass\n"));
  ck_assert_ptr_nonnull(
      strstr(text, "changed    d: fail -> fail: new reason\n"));
  ck_assert_ptr_nonnull(strstr(text, "new        fresh: fail: boom\n"));
  ck_assert_ptr_nonnull(strstr(text, "removed    gone: pass\n"));
  free(text);
}
END_TEST

START_TEST(test_diff_bad_file)
{
  char po[128], err[256] = "";
  snprintf(po, sizeof po, "%s/missing.json", dir);
  qr_diff_counts c;
  FILE *out = fopen("/dev/null", "w");
  ck_assert_int_eq(qr_diff(po, po, out, &c, err, sizeof err), -1);
  fclose(out);
  ck_assert_ptr_nonnull(strstr(err, "missing.json"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("reports.diff");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_diff_classifies);
  tcase_add_test(tc, test_diff_bad_file);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
