/* Unit tests: qr_diff pairs cases of two results.json files by id. */
#include "qr_diff.h"
#include "qr_test_util.h"

static char dir[64];
static char po[128], pn[128];

static void setup(void)
{
  tu_mkdtemp(dir, sizeof dir);
  snprintf(po, sizeof po, "%s/old.json", dir);
  snprintf(pn, sizeof pn, "%s/new.json", dir);
}

static void teardown(void)
{
  tu_rmtree(dir);
}

/* A results.json at path with top-level members head (e.g. "\"profile\":
 * \"note\", ") and the given cases, "id:verdict[:reason]" each. */
static void write_run(const char *path, const char *head,
                      const char *const *cases, size_t n)
{
  char body[4096];
  size_t o = (size_t)snprintf(body, sizeof body,
                              "{\"schema\": 1, %s\"cases\": [", head);
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
  tu_spit(path, body);
}

/* Runs qr_diff on po and pn; returns its output (caller frees). */
static char *run_diff(qr_diff_counts *c)
{
  char err[256] = "", *text = NULL;
  size_t tlen = 0;
  FILE *out = open_memstream(&text, &tlen);
  ck_assert_ptr_nonnull(out);
  int rc = qr_diff(po, pn, out, c, err, sizeof err);
  fclose(out);
  ck_assert_msg(rc == 0, "%s", err);
  return text;
}

START_TEST(test_diff_classifies)
{
  const char *old[] = {"a:pass", "b:fail:x", "c:pass", "d:fail:old reason",
                       "e:pass", "gone:pass"};
  const char *new[] = {"a:pass",          "b:pass",
                       "c:fail:TYPE A",   "d:fail:new reason",
                       "e:skip:not here", "fresh:fail:boom"};
  write_run(po, "", old, 6);
  write_run(pn, "", new, 6);
  qr_diff_counts c;
  char *text = run_diff(&c);
  ck_assert_uint_eq(c.regressed, 1); /* c; e (pass -> skip) is not one */
  ck_assert_uint_eq(c.skipped, 1);
  ck_assert_uint_eq(c.fixed, 1);
  ck_assert_uint_eq(c.changed, 1);
  ck_assert_uint_eq(c.added, 1);
  ck_assert_uint_eq(c.removed, 1);
  ck_assert_uint_eq(c.notrun, 0);
  ck_assert_uint_eq(c.same, 1);
  ck_assert_ptr_nonnull(strstr(text, "regressed  c: pass -> fail: TYPE A\n"));
  ck_assert_ptr_nonnull(strstr(text, "skipped    e: pass -> skip: not here\n"));
  ck_assert_ptr_nonnull(strstr(text, "fixed      b: fail -> pass\n"));
  ck_assert_ptr_nonnull(
      strstr(text, "changed    d: fail -> fail: new reason\n"));
  ck_assert_ptr_nonnull(strstr(text, "new        fresh: fail: boom\n"));
  ck_assert_ptr_nonnull(strstr(text, "removed    gone: pass\n"));
  ck_assert_ptr_nonnull(
      strstr(text, "1 regressed, 1 fixed, 1 changed, 1 skipped, 0 waived, "
                   "1 new, 1 removed, 0 not run, 1 unchanged\n"));
  ck_assert_ptr_null(strstr(text, "warning:"));
  free(text);
}
END_TEST

/* One case each way; what the verdict pair counts as. */
static const struct {
  const char *old, *new;
  const char *what; /* the line's first word; NULL: unchanged */
  int regressed;
} pairs[] = {
    {"x:pass", "x:fail:r", "regressed", 1},
    {"x:pass", "x:error:r", "regressed", 1},
    {"x:pass", "x:skip:r", "skipped", 0},
    {"x:fail:r", "x:skip:r", "changed", 0},
    {"x:skip:r", "x:skip:r", NULL, 0},
    {"x:error:r", "x:pass", "fixed", 0},
    {"x:pass", "x:pass", NULL, 0},
    /* A waived failure is known: not a regression, but listed. */
    {"x:pass", "x:waived:r", "waived", 0},
    {"x:fail:r", "x:waived:r", "changed", 0},
    {"x:waived:r", "x:pass", "fixed", 0},
    {"x:waived:r", "x:fail:r", "changed", 0},
    {"x:waived:r", "x:waived:r", NULL, 0},
};

START_TEST(test_diff_pairs)
{
  write_run(po, "", &pairs[_i].old, 1);
  write_run(pn, "", &pairs[_i].new, 1);
  qr_diff_counts c;
  char *text = run_diff(&c);
  ck_assert_uint_eq(c.regressed, (size_t)pairs[_i].regressed);
  if (pairs[_i].what) {
    char want[32];
    snprintf(want, sizeof want, "%-10s x:", pairs[_i].what);
    /* After the modules' line. */
    const char *body = strchr(text, '\n');
    ck_assert_ptr_nonnull(body);
    ck_assert_msg(strncmp(body + 1, want, strlen(want)) == 0, "%s", text);
  } else {
    ck_assert_uint_eq(c.same, 1);
  }
  free(text);
}
END_TEST

/* Warnings in the header: run properties that differ, interrupted runs. */
static const struct {
  const char *old_head, *new_head;
  const char *want[2]; /* warning lines expected (NULL: fewer) */
} headers[] = {
    {"\"profile\": \"note\", \"target\": \"sim\", ",
     "\"profile\": \"note\", \"target\": \"sim\", ",
     {NULL, NULL}},
    {"\"profile\": \"note\", ",
     "\"profile\": \"bg95\", ",
     {"warning: profile differs: OLD \"note\", NEW \"bg95\"\n", NULL}},
    {"\"target\": \"sim\", ",
     "\"target\": \"device:/dev/ttyUSB0\", ",
     {"warning: target differs: OLD \"sim\", NEW \"device:/dev/ttyUSB0\"\n",
      NULL}},
    {"\"module\": {\"model\": \"EC25\", \"revision\": \"A\"}, ",
     "\"module\": {\"model\": \"EG800K\", \"revision\": \"B\"}, ",
     {"warning: the models differ: OLD \"EC25\", NEW \"EG800K\"\n", NULL}},
    {"\"interrupted\": true, \"planned\": 9, \"stop_reason\": "
     "\"device-lost\", ",
     "\"interrupted\": true, \"planned\": 3, ",
     {"warning: OLD run was interrupted after 2 of 9 cases (device-lost); "
      "cases it lacks are listed as not run\n",
      "warning: NEW run was interrupted after 2 of 3 cases; cases it lacks "
      "are listed as not run\n"}},
    {"\"interrupted\": true, \"planned\": 9, ",
     "\"interrupted\": true, \"planned\": 3, ",
     {"warning: OLD run was interrupted after 2 of 9 cases; cases it lacks "
      "are listed as not run\n",
      "warning: NEW run was interrupted after 2 of 3 cases; cases it lacks "
      "are listed as not run\n"}},
};

START_TEST(test_diff_warnings)
{
  const char *cases[] = {"a:pass", "b:fail:r"};
  write_run(po, headers[_i].old_head, cases, 2);
  write_run(pn, headers[_i].new_head, cases, 2);
  qr_diff_counts c;
  char *text = run_diff(&c);
  size_t nwarn = 0;
  for (const char *p = text; (p = strstr(p, "warning: ")); p++)
    nwarn++;
  size_t want = 0;
  for (size_t k = 0; k < 2 && headers[_i].want[k]; k++, want++) {
    /* Before any case line: a header. */
    ck_assert_msg(strstr(text, headers[_i].want[k]) != NULL, "%s", text);
    ck_assert(strstr(text, headers[_i].want[k]) < strstr(text, "regressed,"));
  }
  ck_assert_uint_eq(nwarn, want);
  ck_assert_uint_eq(c.same, 2);
  free(text);
}
END_TEST

/* The two modules on top: two firmware builds named. */
START_TEST(test_diff_identities)
{
  const char *cases[] = {"a:pass"};
  write_run(po,
            "\"module\": {\"manufacturer\": \"Quectel\", \"model\": "
            "\"EC200U\", \"revision\": \"EC200UCNAAR02A01M08\"}, ",
            cases, 1);
  write_run(pn,
            "\"module\": {\"manufacturer\": \"Quectel\", \"model\": "
            "\"EC200U\", \"revision\": \"EC200UCNAAR03A03M08\"}, ",
            cases, 1);
  qr_diff_counts c;
  char *text = run_diff(&c);
  const char *want = "module: EC200U rev EC200UCNAAR02A01M08 vs EC200U rev "
                     "EC200UCNAAR03A03M08\n";
  ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", text);
  ck_assert_ptr_null(strstr(text, "warning:"));
  free(text);
  /* A run that did not read its module (an older file) says so. */
  write_run(po, "", cases, 1);
  text = run_diff(&c);
  want = "module: module unknown vs EC200U rev EC200UCNAAR03A03M08\n";
  ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", text);
  free(text);
}
END_TEST

START_TEST(test_diff_interrupted_new)
{
  const char *old[] = {"a:pass", "b:pass", "c:fail:r"};
  const char *new[] = {"a:pass"};
  write_run(po, "", old, 3);
  write_run(pn, "\"interrupted\": true, \"planned\": 3, ", new, 1);
  qr_diff_counts c;
  char *text = run_diff(&c);
  ck_assert_uint_eq(c.removed, 0);
  ck_assert_uint_eq(c.notrun, 2);
  ck_assert_uint_eq(c.regressed, 0);
  ck_assert_ptr_nonnull(strstr(text, "not run    b: pass -> (not run)\n"));
  ck_assert_ptr_nonnull(strstr(text, "not run    c: fail -> (not run)\n"));
  ck_assert_ptr_null(strstr(text, "removed "));
  free(text);
}
END_TEST

START_TEST(test_diff_interrupted_old)
{
  const char *old[] = {"a:pass"};
  const char *new[] = {"a:pass", "b:fail:boom"};
  write_run(po, "\"interrupted\": true, \"planned\": 2, ", old, 1);
  write_run(pn, "", new, 2);
  qr_diff_counts c;
  char *text = run_diff(&c);
  ck_assert_uint_eq(c.added, 0);
  ck_assert_uint_eq(c.notrun, 1);
  ck_assert_ptr_nonnull(
      strstr(text, "not run    b: (not run) -> fail: boom\n"));
  free(text);
}
END_TEST

START_TEST(test_diff_duplicate_id)
{
  const char *ok[] = {"a:pass"};
  const char *dup[] = {"a:pass", "b:pass", "a:fail:again"};
  write_run(po, "", ok, 1);
  write_run(pn, "", dup, 3);
  char err[256] = "", want[256];
  qr_diff_counts c;
  FILE *out = fopen("/dev/null", "w");
  ck_assert_int_eq(qr_diff(po, pn, out, &c, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s: case id \"a\" occurs more than once", pn);
  ck_assert_str_eq(err, want);
  /* Either side. */
  ck_assert_int_eq(qr_diff(pn, po, out, &c, err, sizeof err), -1);
  ck_assert_str_eq(err, want);
  fclose(out);
}
END_TEST

START_TEST(test_diff_bad_file)
{
  char missing[128], err[256] = "", want[256];
  snprintf(missing, sizeof missing, "%s/missing.json", dir);
  const char *ok[] = {"a:pass"};
  write_run(pn, "", ok, 1);
  qr_diff_counts c;
  FILE *out = fopen("/dev/null", "w");
  ck_assert_int_eq(qr_diff(missing, pn, out, &c, err, sizeof err), -1);
  snprintf(want, sizeof want, "cannot read %s: No such file or directory",
           missing);
  ck_assert_str_eq(err, want);
  tu_spit(po, "{\"schema\": 1,\n");
  ck_assert_int_eq(qr_diff(pn, po, out, &c, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s:2:1: string or '}' expected near end of file",
           po);
  ck_assert_str_eq(err, want);
  fclose(out);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("reports.diff");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_diff_classifies);
  tcase_add_loop_test(tc, test_diff_pairs, 0,
                      (int)(sizeof pairs / sizeof pairs[0]));
  tcase_add_loop_test(tc, test_diff_warnings, 0,
                      (int)(sizeof headers / sizeof headers[0]));
  tcase_add_test(tc, test_diff_identities);
  tcase_add_test(tc, test_diff_interrupted_new);
  tcase_add_test(tc, test_diff_interrupted_old);
  tcase_add_test(tc, test_diff_duplicate_id);
  tcase_add_test(tc, test_diff_bad_file);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
