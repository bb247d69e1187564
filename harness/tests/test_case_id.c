/* Unit tests: case ids follow their file's place (case_id.c), and the
 * case set refuses a file whose id: says otherwise (case_set.c). */
#include "case_id.h"
#include "case_set.h"

#include "qc_test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
  const char *rel, *id; /* id NULL: no valid id */
} derive[] = {
    {"faults/x.yaml", "faults.x"},
    {"replies/cwd-421.yaml", "replies.cwd-421"},
    {"x.yaml", "x"},
    {"x.yml", "x"},
    {"a/b/c.yaml", "a.b.c"},
    {"./open/login.yaml", "open.login"},
    {"Faults/x.yaml", NULL},   /* upper case */
    {"faults/x y.yaml", NULL}, /* a space */
    {"faults/x.txt", NULL},
    {".yaml", NULL},
    {"faults/.yaml", NULL},    /* "faults." */
    {"faults/a..yaml", NULL},  /* "faults.a." */
    {"a.b/c.yaml", "a.b.c"},
    {"a/.b.yaml", NULL},       /* "a..b" */
};

START_TEST(test_derive)
{
  char id[QH_CASE_ID_MAX + 1] = "", err[256] = "";
  int rc = qh_case_id_derive(derive[_i].rel, id, sizeof id, err, sizeof err);
  if (derive[_i].id) {
    ck_assert_msg(rc == 0, "%s: %s", derive[_i].rel, err);
    ck_assert_str_eq(id, derive[_i].id);
  } else {
    ck_assert_msg(rc == -1, "%s gave %s", derive[_i].rel, id);
    ck_assert_ptr_nonnull(strstr(err, derive[_i].rel));
  }
}
END_TEST

START_TEST(test_valid)
{
  ck_assert(qh_case_id_valid("faults.x"));
  ck_assert(qh_case_id_valid("a-b_c.d9"));
  ck_assert(!qh_case_id_valid("."));
  ck_assert(!qh_case_id_valid(".."));
  ck_assert(!qh_case_id_valid(""));
  ck_assert(!qh_case_id_valid(".x"));
  ck_assert(!qh_case_id_valid("x."));
  ck_assert(!qh_case_id_valid("a..b"));
  ck_assert(!qh_case_id_valid("a/b"));
  char long_id[QH_CASE_ID_MAX + 2];
  memset(long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  ck_assert(!qh_case_id_valid(long_id));
  long_id[QH_CASE_ID_MAX] = '\0';
  ck_assert(qh_case_id_valid(long_id));
}
END_TEST

/* A cases tree in a scratch directory: root/faults/x.yaml etc. */
static char root[256];

static void put_case(const char *rel, const char *id)
{
  char path[512], dir[512], text[256];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  snprintf(dir, sizeof dir, "%s", path);
  *strrchr(dir, '/') = '\0';
  mkdir(dir, 0755);
  int n = snprintf(text, sizeof text,
                   "id: %s\ntitle: t\nspec: \"1\"\nsteps:\n  - send: AT\n", id);
  qc_test_write(path, text, (size_t)n);
}

static void setup(void)
{
  const char *t = getenv("TMPDIR");
  snprintf(root, sizeof root, "%s/case-id.XXXXXX", t && *t ? t : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  ck_assert_int_eq(system(cmd), 0);
}

/* Loads paths (relative to root) with root as the project's cases dir;
 * returns the error count and the errors in errs_out. */
static size_t load(const char *const *rels, size_t n, const char *cases_root,
                   qh_case_set *set, char *errs_out, size_t cap)
{
  char paths[4][512];
  const char *pv[4];
  for (size_t i = 0; i < n; i++) {
    snprintf(paths[i], sizeof paths[i], "%s%s%s", root, *rels[i] ? "/" : "",
             rels[i]);
    pv[i] = paths[i];
  }
  char *text = NULL;
  size_t len = 0;
  FILE *errs = open_memstream(&text, &len);
  size_t e = qh_case_set_load(set, pv, n, NULL, cases_root, errs);
  fclose(errs);
  snprintf(errs_out, cap, "%s", text ? text : "");
  free(text);
  return e;
}

START_TEST(test_set_ids_follow_folders)
{
  put_case("faults/x.yaml", "faults.x");
  put_case("replies/cwd-421.yaml", "replies.cwd-421");
  qh_case_set set = {0};
  char errs[2048];
  const char *whole[] = {""};
  ck_assert_msg(load(whole, 1, root, &set, errs, sizeof errs) == 0, "%s",
                errs);
  ck_assert_uint_eq(set.n, 2);
  ck_assert_str_eq(set.cases[0]->id, "faults.x");
  qh_case_set_free(&set);
  /* A folder or a file inside the cases root gives the same ids. */
  const char *parts[] = {"faults", "replies/cwd-421.yaml"};
  ck_assert_msg(load(parts, 2, root, &set, errs, sizeof errs) == 0, "%s",
                errs);
  ck_assert_uint_eq(set.n, 2);
  qh_case_set_free(&set);
  /* Outside the project's cases dir a folder is its own root: faults/ as
   * the root gives "x", which the file does not say. */
  const char *sub[] = {"faults"};
  ck_assert_uint_eq(load(sub, 1, NULL, &set, errs, sizeof errs), 1);
  ck_assert_ptr_nonnull(strstr(errs, "x.yaml:1:5: id: \"faults.x\" does not "
                                     "follow the file's place: it must be "
                                     "\"x\""));
  qh_case_set_free(&set);
}
END_TEST

START_TEST(test_set_id_mismatch)
{
  put_case("replies/cwd-421.yaml", "reply.cwd-421");
  put_case("Bad/x.yaml", "bad.x");
  qh_case_set set = {0};
  char errs[2048];
  const char *whole[] = {""};
  ck_assert_uint_eq(load(whole, 1, root, &set, errs, sizeof errs), 2);
  ck_assert_ptr_nonnull(
      strstr(errs, "replies/cwd-421.yaml:1:5: id: \"reply.cwd-421\" does not "
                   "follow the file's place: it must be \"replies.cwd-421\""));
  ck_assert_ptr_nonnull(strstr(errs, "Bad/x.yaml:1:1: no case id follows "
                                     "from the file's place"));
  qh_case_set_free(&set);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("case_id");
  TCase *tc = tcase_create("derive");
  tcase_add_loop_test(tc, test_derive, 0, sizeof derive / sizeof derive[0]);
  tcase_add_test(tc, test_valid);
  suite_add_tcase(s, tc);
  TCase *ts = tcase_create("set");
  tcase_add_checked_fixture(ts, setup, teardown);
  tcase_add_test(ts, test_set_ids_follow_folders);
  tcase_add_test(ts, test_set_id_mismatch);
  suite_add_tcase(s, ts);
  return qc_test_run(s);
}
