/* Unit tests of qc_profile: the two real profiles, flattening, the typed
 * views, and one table row per error the loader reports. */
#include "qc_profile.h"
#include "qc_test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROFILES QFTP_SOURCE_DIR "/fixtures/profiles"

static qc_test_scratch tmp;

/* Writes `text` to a fresh scratch file `name` and returns its path; the
 * test ends with qc_test_scratch_remove(&tmp). */
static const char *write_file(const char *name, const char *text)
{
  qc_test_scratch_make(&tmp, "qc_profile", name);
  qc_test_write(tmp.path, text, strlen(text));
  return tmp.path;
}

START_TEST(test_note_profile)
{
  qc_profile *p = NULL;
  char err[512] = "";
  ck_assert_msg(qc_profile_load_named(PROFILES, "note", &p, err, sizeof err) ==
                    0,
                "%s", err);
  ck_assert_str_eq(qc_profile_get(p, "name"), "note");
  ck_assert_str_eq(qc_profile_get(p, "pwd_quote"), "");
  ck_assert_int_eq(qc_profile_get_long(p, "err.530", 0), 625);
  ck_assert_int_eq(qc_profile_get_long(p, "err.553", 0), 627);
  ck_assert_int_eq(qc_profile_get_long(p, "timeouts.urc", 0), 10);
  ck_assert(!qc_profile_get_bool(p, "account_mask", true));
  ck_assert(qc_profile_get_bool(p, "close_async", false));
  ck_assert_ptr_null(qc_profile_get(p, "err"));
  ck_assert_ptr_null(qc_profile_get(p, "no.such.key"));
  /* File order: name comes first, the err table last. */
  ck_assert_str_eq(qc_profile_key_at(p, 0), "name");
  size_t n = qc_profile_count(p);
  ck_assert_uint_gt(n, 20);
  ck_assert_str_eq(qc_profile_key_at(p, n - 1), "err.553");
  ck_assert_str_eq(qc_profile_value_at(p, n - 1), "627");
  ck_assert_ptr_null(qc_profile_key_at(p, n));
  qc_profile_free(p);
}
END_TEST

START_TEST(test_firmware_profile)
{
  qc_profile *p = NULL;
  char err[512] = "";
  ck_assert_msg(
      qc_profile_load(PROFILES "/firmware.yaml", &p, err, sizeof err) == 0,
      "%s", err);
  ck_assert_str_eq(qc_profile_get(p, "pwd_quote"), "\"");
  ck_assert_int_eq(qc_profile_get_long(p, "err.530", 0), 625);
  ck_assert(qc_profile_get_bool(p, "nlst_alias", false));
  ck_assert_int_eq(qc_profile_get_long(p, "open_refused_err", 0), 606);
  qc_profile_free(p);
}
END_TEST

/* Both profiles must define the same keys: the runner and the simulator
 * look every one of them up whichever profile is chosen. */
START_TEST(test_profiles_agree_on_keys)
{
  qc_profile *a = NULL, *b = NULL;
  char err[512] = "";
  ck_assert_int_eq(qc_profile_load_named(PROFILES, "note", &a, err, sizeof err),
                   0);
  ck_assert_int_eq(
      qc_profile_load_named(PROFILES, "firmware", &b, err, sizeof err), 0);
  ck_assert_uint_eq(qc_profile_count(a), qc_profile_count(b));
  for (size_t i = 0; i < qc_profile_count(a); i++)
    ck_assert_msg(qc_profile_get(b, qc_profile_key_at(a, i)) != NULL,
                  "firmware lacks %s", qc_profile_key_at(a, i));
  qc_profile_free(a);
  qc_profile_free(b);
}
END_TEST

static const struct {
  const char *key;
  long dflt, want;
} long_cases[] = {
    {"n", 0, 42},    {"neg", 0, -7},  {"word", 3, 3},   {"trail", 3, 3},
    {"empty", 9, 9}, {"space", 9, 9}, {"absent", 5, 5}, {"big", 1, 1},
};

static const struct {
  const char *key;
  bool dflt, want;
} bool_cases[] = {
    {"t1", false, true},    {"t2", false, true},    {"t3", false, true},
    {"f1", true, false},    {"f2", true, false},    {"f3", true, false},
    {"word", true, true},   {"word", false, false}, {"absent", true, true},
    {"upper", false, true},
};

START_TEST(test_typed_views)
{
  const char *path =
      write_file("views.yaml", "n: 42\nneg: -7\nword: many\ntrail: 12x\n"
                               "empty: ''\nspace: ' 4'\n"
                               "big: 99999999999999999999999\n"
                               "t1: true\nt2: yes\nt3: 1\nf1: false\n"
                               "f2: no\nf3: 0\nupper: TRUE\n");
  qc_profile *p = NULL;
  char err[512] = "";
  ck_assert_msg(qc_profile_load(path, &p, err, sizeof err) == 0, "%s", err);
  for (size_t i = 0; i < sizeof long_cases / sizeof long_cases[0]; i++)
    ck_assert_msg(qc_profile_get_long(p, long_cases[i].key,
                                      long_cases[i].dflt) == long_cases[i].want,
                  "long %s", long_cases[i].key);
  for (size_t i = 0; i < sizeof bool_cases / sizeof bool_cases[0]; i++)
    ck_assert_msg(qc_profile_get_bool(p, bool_cases[i].key,
                                      bool_cases[i].dflt) == bool_cases[i].want,
                  "bool %s", bool_cases[i].key);
  qc_profile_free(p);
  qc_test_scratch_remove(&tmp);
}
END_TEST

START_TEST(test_flatten_nested)
{
  const char *path = write_file("nest.yaml", "a:\n  b:\n    c: deep\n"
                                             "  d: 2\nempty:\ne: {}\n");
  qc_profile *p = NULL;
  char err[512] = "";
  ck_assert_msg(qc_profile_load(path, &p, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_eq(qc_profile_count(p), 3);
  ck_assert_str_eq(qc_profile_get(p, "a.b.c"), "deep");
  ck_assert_str_eq(qc_profile_get(p, "a.d"), "2");
  ck_assert_str_eq(qc_profile_get(p, "empty"), "");
  qc_profile_free(p);
  qc_test_scratch_remove(&tmp);
}
END_TEST

/* {file text, the error after "path:"} */
static const struct {
  const char *yaml;
  const char *want;
} error_cases[] = {
    {"", "1:1: empty profile (expected a mapping)"},
    {"# only a comment\n", "1:1: empty profile (expected a mapping)"},
    {"- a\n- b\n", "1:1: top level must be a mapping, got a sequence"},
    {"just text\n", "1:1: top level must be a mapping, got a scalar"},
    {"a: 1\nb: [1, 2]\n", "2:4: \"b\": sequences are not allowed in a profile"},
    {"a: 1\na: 2\n", "2:1: duplicate key \"a\""},
    {"err:\n  \"530\": 1\nerr.530: 2\n", "3:1: duplicate key \"err.530\""},
    {"a:\n  b: 1\n  b: 2\n", "3:3: duplicate key \"a.b\""},
    {"? [x]\n: 1\n", "1:3: key must be a scalar, got a sequence"},
    {"a: 1\n b: 2\n", "2:3: YAML syntax error: mapping values are not allowed "
                      "in this context"},
    {"a: \"open\n", "2:1: YAML syntax error: found unexpected end of stream "
                    "while scanning a quoted scalar"},
    {"a: 1\nb: \xff\n", "2:4: YAML syntax error: invalid leading UTF-8 octet"},
    {"a: *nope\n", "1:4: YAML syntax error: found undefined alias"},
    {"a: &x\n  b: *x\n", "1:4: mappings nested deeper than 16"},
};

START_TEST(test_errors)
{
  const char *path = write_file("bad.yaml", error_cases[_i].yaml);
  size_t plen = strlen(path);
  qc_profile *p = (qc_profile *)1;
  char err[512] = "";
  ck_assert_int_eq(qc_profile_load(path, &p, err, sizeof err), -1);
  ck_assert_ptr_null(p);
  ck_assert_msg(strncmp(err, path, plen) == 0 && err[plen] == ':',
                "no path prefix: %s", err);
  ck_assert_str_eq(err + plen + 1, error_cases[_i].want);
  qc_test_scratch_remove(&tmp);
}
END_TEST

START_TEST(test_bad_names_and_files)
{
  static const char *bad[] = {"", "../note", "a/b", "no te", "x.yaml"};
  qc_profile *p = NULL;
  char err[512];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    ck_assert_int_eq(
        qc_profile_load_named(PROFILES, bad[i], &p, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "profile name"));
  }
  ck_assert_int_eq(
      qc_profile_load_named(PROFILES, "nosuch", &p, err, sizeof err), -1);
  ck_assert_str_eq(err, PROFILES "/nosuch.yaml: No such file or directory");
  ck_assert_int_eq(qc_profile_load(PROFILES, &p, err, sizeof err), -1);
  ck_assert_str_eq(err, PROFILES ": Is a directory");
}
END_TEST

START_TEST(test_too_large)
{
  qc_test_scratch_make(&tmp, "qc_profile", "big.yaml");
  const char *path = tmp.path;
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  for (int i = 0; i < (1 << 20) / 16 + 1; i++)
    fputs("# padding......\n", f);
  fclose(f);
  qc_profile *p = NULL;
  char err[512] = "";
  ck_assert_int_eq(qc_profile_load(path, &p, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "file too large"));
  qc_test_scratch_remove(&tmp);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("qc_profile");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_note_profile);
  tcase_add_test(tc, test_firmware_profile);
  tcase_add_test(tc, test_profiles_agree_on_keys);
  tcase_add_test(tc, test_typed_views);
  tcase_add_test(tc, test_flatten_nested);
  tcase_add_loop_test(tc, test_errors, 0,
                      sizeof error_cases / sizeof error_cases[0]);
  tcase_add_test(tc, test_bad_names_and_files);
  tcase_add_test(tc, test_too_large);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return qc_test_run(suite());
}
