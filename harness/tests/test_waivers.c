/* Unit tests: the waivers file (waivers.c) — its errors with
 * file:line:col, matching a case by id or glob and revision, the status a
 * waiver gets after a run — and their application to results
 * (run_waivers.c). */
#include "run_waivers.h"
#include "waivers.h"

#include "qc_test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static qc_test_scratch tmp;

static void setup(void)
{
  qc_test_scratch_make(&tmp, "waivers", "waivers.yaml");
}

static void teardown(void)
{
  qc_test_scratch_remove(&tmp);
}

static void load_ok(const char *text, qh_waivers *w)
{
  char err[1024] = "";
  qc_test_write(tmp.path, text, strlen(text));
  ck_assert_msg(qh_waivers_load(tmp.path, w, err, sizeof err) == 0, "%s", err);
}

static const char good[] =
    "waivers:\n"
    "  - case: replies.cwd-421\n"
    "    reason: firmware answers 601\n"
    "    reference: https://bugs.example/FW-1\n"
    "  - case: 'faults.data-*'\n"
    "    reason: data faults hang R07\n"
    "    reference: docs/known-issues.md\n"
    "    revision: R07\n"
    "  - case: 'faults.*'\n"
    "    reason: any revision\n"
    "    reference: FW-3\n";

START_TEST(test_load_and_find)
{
  qh_waivers w;
  load_ok(good, &w);
  ck_assert_uint_eq(w.n, 3);
  ck_assert_str_eq(w.v[0].pattern, "replies.cwd-421");
  ck_assert_str_eq(w.v[0].reference, "https://bugs.example/FW-1");
  ck_assert_ptr_null(w.v[0].revision);
  ck_assert_int_eq(w.v[0].line, 2);
  ck_assert_int_eq(w.v[0].col, 5);
  ck_assert_str_eq(w.v[1].revision, "R07");
  /* An exact id; a glob; nothing for another id. */
  ck_assert_ptr_eq(qh_waivers_find(&w, "replies.cwd-421", NULL), &w.v[0]);
  ck_assert_ptr_null(qh_waivers_find(&w, "replies.cwd-425", NULL));
  /* The revision-bound waiver only with that revision; the first match
   * in file order wins. */
  ck_assert_ptr_eq(qh_waivers_find(&w, "faults.data-close", "R07"), &w.v[1]);
  ck_assert_ptr_eq(qh_waivers_find(&w, "faults.data-close", "R08"), &w.v[2]);
  ck_assert_ptr_eq(qh_waivers_find(&w, "faults.data-close", NULL), &w.v[2]);
  ck_assert(!qh_waiver_for_revision(&w.v[1], NULL));
  ck_assert(qh_waiver_for_revision(&w.v[0], "anything"));
  qh_waivers_free(&w);
  ck_assert_uint_eq(w.n, 0);
}
END_TEST

START_TEST(test_empty_list)
{
  qh_waivers w;
  load_ok("waivers: []\n", &w);
  ck_assert_uint_eq(w.n, 0);
  ck_assert_ptr_null(qh_waivers_find(&w, "a.b", NULL));
  qh_waivers_free(&w);
}
END_TEST

/* Each malformed file and the error it must give, after "<path>:". */
static const struct {
  const char *text, *want;
} bad[] = {
    {"waivers:\n  - case: a.b\n    reason: r\n",
     "2:5: waiver 1: missing required key \"reference\""},
    {"waivers:\n  - case: a.b\n    reason: r\n    reference: x\n    why: y\n",
     "5:5: waiver 1: unknown key \"why\" (expected one of case, reason, "
     "reference, revision)"},
    {"waivers:\n  - {case: a.b, reason: r, reference: x, reason: s}\n",
     "2:42: waiver 1: duplicate key \"reason\" (first at line 2)"},
    {"waivers:\n  - {case: A.B, reason: r, reference: x}\n",
     "2:12: waiver 1: case: must be a case id or a glob of one"},
    {"waivers:\n  - {case: a.b, reason: '', reference: x}\n",
     "2:25: waiver 1: reason: must not be empty"},
    {"waivers:\n  - {case: a.b, reason: [r], reference: x}\n",
     "2:25: waiver 1: reason: expected a string, got a sequence"},
    {"waivers:\n  - {case: a.b, reason: \"a\\nb\", reference: x}\n",
     "2:25: waiver 1: reason: must be one line of text"},
    {"waivers:\n  - a.b\n", "2:5: waiver 1: expected a mapping"},
    {"waivers: a.b\n", "1:10: waivers: expected a list of waivers, got a "
                       "scalar"},
    {"waivers:\n  - {case: a.b, reason: r, reference: x}\n"
     "  - {case: a.b, reason: s, reference: y}\n",
     "3:5: waiver 2: case \"a.b\" is already waived at line 2"},
    {"cases: []\n", "1:1: unknown key \"cases\" (expected waivers)"},
    {"{}\n", "1:1: missing required key \"waivers\""},
    {"- case: a.b\n", "1:1: top level must be a mapping, got a sequence"},
    {"waivers:\n  - {case: a.b\n", "3:1: "},
};

START_TEST(test_bad_file)
{
  char err[1024] = "", want[1024];
  qh_waivers w;
  qc_test_write(tmp.path, bad[_i].text, strlen(bad[_i].text));
  ck_assert_int_eq(qh_waivers_load(tmp.path, &w, err, sizeof err), -1);
  ck_assert_uint_eq(w.n, 0);
  ck_assert_ptr_null(w.v);
  snprintf(want, sizeof want, "%s:%s", tmp.path, bad[_i].want);
  ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got: %s\nwant: %s",
                err, want);
}
END_TEST

START_TEST(test_missing_file)
{
  char err[1024] = "";
  qh_waivers w;
  ck_assert_int_eq(qh_waivers_load("/nonexistent/w.yaml", &w, err, sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/w.yaml: "));
}
END_TEST

/* Statuses after a run: applied, stale, unmatched, not run, other
 * revision, idle. */
START_TEST(test_status)
{
  qh_waivers w;
  load_ok("waivers:\n"
          "  - {case: a.fails, reason: r, reference: x}\n"     /* applied */
          "  - {case: a.passes, reason: r, reference: x}\n"    /* stale */
          "  - {case: a.typo, reason: r, reference: x}\n"      /* unmatched */
          "  - {case: b.other, reason: r, reference: x}\n"     /* not run */
          "  - {case: a.fails, reason: r, reference: x, revision: R9}\n"
          "  - {case: a.errs, reason: r, reference: x}\n"      /* idle */
          "  - {case: 'a.*', reason: r, reference: x}\n",      /* stale */
          &w);
  const char *all[] = {"a.fails", "a.passes", "a.errs", "b.other"};
  const char *ran[] = {"a.fails", "a.passes", "a.errs"};
  const char *verdicts[] = {"waived", "pass", "error"};
  const qh_waiver *by[] = {&w.v[0], NULL, NULL};
  static const qh_waiver_status want[] = {
      QH_WAIVER_APPLIED,        QH_WAIVER_STALE,   QH_WAIVER_UNMATCHED,
      QH_WAIVER_NOT_RUN,        QH_WAIVER_OTHER_REVISION, QH_WAIVER_IDLE,
      QH_WAIVER_STALE};
  for (size_t i = 0; i < w.n; i++)
    ck_assert_msg(qh_waiver_status_of(&w.v[i], "R1", all, 4, ran, verdicts,
                                      by, 3) == want[i],
                  "waiver %zu: %s", i + 1,
                  qh_waiver_status_name(qh_waiver_status_of(
                      &w.v[i], "R1", all, 4, ran, verdicts, by, 3)));
  /* A typo is reported whatever revision it is for. */
  qh_waivers w2;
  qh_waivers_free(&w);
  load_ok("waivers:\n  - {case: a.typo, reason: r, reference: x, "
          "revision: R9}\n",
          &w2);
  ck_assert_int_eq(qh_waiver_status_of(&w2.v[0], NULL, all, 4, ran, verdicts,
                                       by, 0),
                   QH_WAIVER_UNMATCHED);
  qh_waivers_free(&w2);
}
END_TEST

/* Applied to results: only a failure is waived, its reason stays; the
 * report lists the waivers and warns about the stale and unmatched. */
START_TEST(test_apply_and_report)
{
  qh_waivers w;
  load_ok("waivers:\n"
          "  - {case: 'x.*', reason: known, reference: FW-1}\n"
          "  - {case: y.ok, reason: old, reference: FW-2}\n"
          "  - {case: z.none, reason: typo, reference: FW-3}\n"
          "  - {case: y.ok, reason: r, reference: FW-4, revision: R2}\n",
          &w);
  qr_run_result *res = qr_run_result_new("sim", "note", 0.05);
  qr_case_result *f = qr_run_add_case(res, "x.fail", "t", "1", "f", NULL, 0);
  qr_case_set_verdict(f, QR_FAIL, 4, "step 4: expected OK");
  qr_case_result *e = qr_run_add_case(res, "x.err", "t", "1", "f", NULL, 0);
  qr_case_set_verdict(e, QR_ERROR, 0, "server: down");
  qr_run_add_case(res, "y.ok", "t", "1", "f", NULL, 0);
  const qh_waiver *by[3];
  for (size_t i = 0; i < 3; i++)
    by[i] = qh_run_waive(&w, NULL, &res->cases[i]);
  ck_assert_ptr_eq(by[0], &w.v[0]);
  ck_assert_ptr_null(by[1]); /* an error is never waived */
  ck_assert_ptr_null(by[2]);
  ck_assert_int_eq(res->cases[0].verdict, QR_WAIVED);
  ck_assert_str_eq(res->cases[0].reason, "step 4: expected OK");
  ck_assert_str_eq(res->cases[0].waiver->reference, "FW-1");
  ck_assert_int_eq(res->cases[1].verdict, QR_ERROR);
  ck_assert_ptr_null(qh_run_waive(NULL, NULL, &res->cases[1]));

  const char *all[] = {"x.fail", "x.err", "y.ok"};
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  size_t warnings =
      qh_run_waivers_report(&w, NULL, all, 3, by, res, out);
  fclose(out);
  ck_assert_uint_eq(warnings, 3);
  ck_assert_uint_eq(res->nwaivers, 4);
  ck_assert_str_eq(res->waivers[0].status, "applied");
  ck_assert_uint_eq(res->waivers[0].ncases, 1);
  ck_assert_str_eq(res->waivers[0].cases[0], "x.fail");
  ck_assert_str_eq(res->waivers[1].status, "stale");
  ck_assert_str_eq(res->waivers[1].cases[0], "y.ok");
  ck_assert_str_eq(res->waivers[2].status, "unmatched");
  ck_assert_str_eq(res->waivers[3].status, "other-revision");
  char want[1200];
  snprintf(want, sizeof want,
           "warning: %s:3:5: waiver for \"y.ok\" is stale: y.ok passed; "
           "remove the waiver (FW-2)\n"
           "warning: %s:4:5: waiver for \"z.none\" matches no case\n"
           "warning: 1 waiver names a module revision and this run has none "
           "(--module-revision): not applied\n",
           tmp.path, tmp.path);
  ck_assert_str_eq(text, want);
  free(text);
  qr_run_result_free(res);
  qh_waivers_free(&w);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("waivers");
  TCase *tc = tcase_create("waivers");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_load_and_find);
  tcase_add_test(tc, test_empty_list);
  tcase_add_loop_test(tc, test_bad_file, 0, sizeof bad / sizeof bad[0]);
  tcase_add_test(tc, test_missing_file);
  tcase_add_test(tc, test_status);
  tcase_add_test(tc, test_apply_and_report);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
