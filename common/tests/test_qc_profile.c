/* Unit tests of qc_profile and its schema: the real profiles, defaults
 * from the schema and the err table, inheritance, evidence, and one case
 * per class of error the loader reports. */
#include "qc_err.h"
#include "qc_profile.h"
#include "qc_profile_schema.h"
#include "qc_test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROFILES QFTP_SOURCE_DIR "/fixtures/profiles"

/* A scratch directory holding several profiles, for bases. */
typedef struct scratch_dir {
  char dir[256];
  char files[8][512];
  size_t n;
} scratch_dir;

static scratch_dir sd;

static void sd_make(void)
{
  const char *base = getenv("TMPDIR");
  snprintf(sd.dir, sizeof sd.dir, "%s/qc_profile.XXXXXX",
           base && *base ? base : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(sd.dir));
  sd.n = 0;
}

/* Writes dir/<name>.yaml and returns its path. */
static const char *sd_write(const char *name, const char *text)
{
  ck_assert_uint_lt(sd.n, 8);
  char dir[sizeof sd.dir];
  memcpy(dir, sd.dir, sizeof dir);
  char *path = sd.files[sd.n++];
  snprintf(path, 512, "%s/%s.yaml", dir, name);
  qc_test_write(path, text, strlen(text));
  return path;
}

static void sd_remove(void)
{
  for (size_t i = 0; i < sd.n; i++)
    unlink(sd.files[i]);
  rmdir(sd.dir);
}

START_TEST(test_note_profile)
{
  qc_profile *p = NULL;
  char err[512] = "";
  ck_assert_msg(qc_profile_load_named(PROFILES, "note", &p, err, sizeof err) ==
                    0,
                "%s", err);
  ck_assert_str_eq(qc_profile_get(p, "name"), "note");
  ck_assert_ptr_null(qc_profile_get(p, "base"));
  /* Every value is the schema default. */
  ck_assert_str_eq(qc_profile_get(p, "pwd_quote"), "");
  ck_assert_str_eq(qc_profile_get(p, "mdtm_quote"), "\"");
  ck_assert_int_eq(qc_profile_get_long(p, "max_account_len", 0), 255);
  ck_assert_int_eq(qc_profile_get_long(p, "timeouts.urc", 0), 10);
  ck_assert(!qc_profile_get_bool(p, "account_mask", true));
  ck_assert(qc_profile_get_bool(p, "close_async", false));
  ck_assert_ptr_null(qc_profile_origin(p, "pwd_quote"));
  ck_assert_ptr_null(qc_profile_get(p, "err"));
  ck_assert_ptr_null(qc_profile_get(p, "no.such.key"));
  qc_profile_free(p);
}
END_TEST

/* err.<reply> defaults come from qc_err.c, one per chapter 6 reply. */
START_TEST(test_err_defaults_from_table)
{
  qc_profile *p = NULL;
  char err[512] = "";
  ck_assert_int_eq(
      qc_profile_load_named(PROFILES, "note", &p, err, sizeof err), 0);
  ck_assert_uint_eq(qc_err_reply_count(), 17);
  for (size_t i = 0; i < qc_err_reply_count(); i++) {
    const qc_err_reply *r = qc_err_reply_at(i);
    char key[16];
    snprintf(key, sizeof key, "err.%d", r->reply);
    ck_assert_int_eq(qc_profile_get_long(p, key, 0), r->err);
    ck_assert_ptr_nonnull(qc_err_name(r->err));
  }
  ck_assert_int_eq(qc_profile_get_long(p, "err.530", 0), 625);
  ck_assert_int_eq(qc_profile_get_long(p, "err.550", 0), 627);
  ck_assert_int_eq(qc_profile_get_long(p, "err.553", 0), 627);
  ck_assert(!qc_err_reply_find(553)->from_note);
  ck_assert(qc_err_reply_find(421)->from_note);
  ck_assert_ptr_null(qc_err_reply_find(554));
  ck_assert_ptr_null(qc_err_name(630));
  qc_profile_free(p);
}
END_TEST

/* Every shipped profile loads, and every difference from the note it
 * sets carries evidence. */
START_TEST(test_shipped_profiles)
{
  static const char *names[] = {"note", "ec2x", "eg800k"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    qc_profile *p = NULL;
    char err[1024] = "";
    ck_assert_msg(
        qc_profile_load_named(PROFILES, names[i], &p, err, sizeof err) == 0,
        "%s", err);
    for (size_t k = 0; k < qc_profile_count(p); k++) {
      const char *key = qc_profile_key_at(p, k);
      const qc_pkey *row = qc_pschema_find(key);
      ck_assert_ptr_nonnull(row);
      if (row->kind == QC_PK_MODULE &&
          strcmp(qc_profile_value_at(p, k), row->dflt) != 0)
        ck_assert_msg(qc_profile_evidence(p, key) != NULL, "%s: %s", names[i],
                      key);
    }
    qc_profile_free(p);
  }
}
END_TEST

START_TEST(test_eg800k_profile)
{
  qc_profile *p = NULL;
  char err[1024] = "";
  ck_assert_msg(
      qc_profile_load_named(PROFILES, "eg800k", &p, err, sizeof err) == 0,
      "%s", err);
  ck_assert_str_eq(qc_profile_get(p, "base"), "note");
  ck_assert_str_eq(qc_profile_get(p, "pwd_quote"), "\"");
  ck_assert(qc_profile_get_bool(p, "account_mask", false));
  ck_assert(qc_profile_get_bool(p, "plus_aborts_download", false));
  ck_assert(!qc_profile_get_bool(p, "plus_aborts_upload", true));
  ck_assert_str_eq(qc_profile_origin(p, "pwd_quote"), "eg800k");
  ck_assert_ptr_null(qc_profile_origin(p, "stat_initial"));
  ck_assert_ptr_nonnull(
      strstr(qc_profile_evidence(p, "pwd_quote"), "Nuxtack-tw/NuModem:"));
  ck_assert_int_eq(qc_profile_get_long(p, "err.553", 0), 627);
  qc_profile_free(p);
}
END_TEST

/* A child lists only differences; name/description stay its own; a base
 * of a base is followed. */
START_TEST(test_base_inheritance)
{
  sd_make();
  sd_write("mid", "name: mid\ndescription: middle\nbase: note\ntest: true\n"
                  "account_mask: true\nstat_initial: 1\n");
  sd_write("note", "name: note\ndescription: root\n");
  const char *leaf = sd_write("leaf", "name: leaf\nbase: mid\n"
                                      "stat_initial: 2\nerr:\n  \"530\": 601\n"
                                      "evidence:\n"
                                      "  stat_initial: \"a/b:c.md L1\"\n"
                                      "  err.530: [\"a/b:c.md\", \"d/e:f\"]\n");
  qc_profile *p = NULL;
  char err[1024] = "";
  ck_assert_msg(qc_profile_load(leaf, &p, err, sizeof err) == 0, "%s", err);
  ck_assert_str_eq(qc_profile_get(p, "name"), "leaf");
  ck_assert_str_eq(qc_profile_get(p, "description"), "");
  ck_assert_str_eq(qc_profile_get(p, "base"), "mid");
  ck_assert_str_eq(qc_profile_get(p, "test"), "false");
  ck_assert(qc_profile_get_bool(p, "account_mask", false));
  ck_assert_str_eq(qc_profile_origin(p, "account_mask"), "mid");
  ck_assert_int_eq(qc_profile_get_long(p, "stat_initial", 0), 2);
  ck_assert_str_eq(qc_profile_origin(p, "stat_initial"), "leaf");
  ck_assert_int_eq(qc_profile_get_long(p, "err.530", 0), 601);
  ck_assert_str_eq(qc_profile_evidence(p, "err.530"), "a/b:c.md; d/e:f");
  ck_assert_int_eq(qc_profile_get_long(p, "err.550", 0), 627);
  ck_assert_str_eq(qc_profile_get(p, "pwd_quote"), "");
  qc_profile_free(p);
  sd_remove();
}
END_TEST

/* {file text, the error after "path:"}: one or more per class. */
static const struct {
  const char *yaml;
  const char *want;
} error_cases[] = {
    /* file shape */
    {"", "1:1: empty profile (expected a mapping)"},
    {"- a\n- b\n", "1:1: top level must be a mapping, got a sequence"},
    {"name: x\nname: y\n", "2:1: duplicate key \"name\" (first at line 1)"},
    {"name: x\nerr:\n  \"530\": 625\nerr.530: 625\n",
     "4:1: duplicate key \"err.530\" (first at line 3)"},
    {"name: x\na: 1\n b: 2\n", "3:3: YAML syntax error: mapping values are "
                               "not allowed in this context"},
    {"description: d\n", "1:1: missing required key \"name\""},
    /* unknown keys, with a suggestion for a near miss */
    {"name: x\nplus_aborts_uplaod: true\n",
     "2:1: unknown key \"plus_aborts_uplaod\" (did you mean "
     "\"plus_aborts_upload\"?)"},
    {"name: x\nzzzzzzzzzzzz: 1\n",
     "2:1: unknown key \"zzzzzzzzzzzz\" (docs/PROFILES.md lists the keys)"},
    {"name: x\nerr:\n  \"999\": 627\n",
     "3:3: unknown key \"err.999\" (docs/PROFILES.md lists the keys)"},
    {"name: x\nerr:\n  \"55\": 627\n",
     "3:3: unknown key \"err.55\" (did you mean \"err.550\"?)"},
    /* wrong types */
    {"name: x\ntest: true\nplus_aborts_upload: ture\n",
     "3:21: key \"plus_aborts_upload\": expected a boolean (true or false), "
     "got \"ture\""},
    {"name: x\ntest: true\nstat_initial: two\n",
     "3:15: key \"stat_initial\": expected an integer, got \"two\""},
    {"name: x\ntest: true\npwd_quote: \"'\"\n",
     "3:12: key \"pwd_quote\": expected one of \"\", \"\\\"\", got \"'\""},
    {"name: x\ntest: true\nopen_refused_err: 630\n",
     "3:19: key \"open_refused_err\": 630 is not an <err> code of chapter 5 "
     "(601-631)"},
    {"name: x\ntest: true\ntimeouts: [1]\n",
     "3:11: key \"timeouts\": expected a mapping, got a sequence"},
    {"name: x\ntest: true\nerr: 627\n",
     "3:6: key \"err\": expected a mapping, got a scalar"},
    {"name: x\ntest: true\npwd_quote: {a: 1}\n",
     "3:12: key \"pwd_quote\": expected a scalar, got a mapping"},
    /* out of range: a negative limit once overran the simulator's buffer */
    {"name: x\ntest: true\nmax_account_len: -1\n",
     "3:18: key \"max_account_len\": -1 is out of range (1..255)"},
    {"name: x\ntest: true\nmax_account_len: 256\n",
     "3:18: key \"max_account_len\": 256 is out of range (1..255)"},
    {"name: x\ntest: true\ntimeouts:\n  urc: 0\n",
     "4:8: key \"timeouts.urc\": 0 is out of range (1..600)"},
    /* anchors and aliases */
    {"name: x\na: &x 1\n", "2:4: YAML anchors are not allowed here (write "
                           "each value out)"},
    {"name: x\nb: *x\n", "2:4: YAML aliases are not allowed here (write "
                         "each value out)"},
    /* evidence */
    {"name: x\npwd_quote: '\"'\n",
     "2:12: key \"pwd_quote\": \"\\\"\" differs from the note's \"\" and has "
     "no evidence (add evidence: {pwd_quote: \"owner/repo:path\"})"},
    {"name: x\naccount_mask: true\n",
     "2:15: key \"account_mask\": \"true\" differs from the note's \"false\" "
     "and has no evidence (add evidence: {account_mask: "
     "\"owner/repo:path\"})"},
    {"name: x\naccount_mask: true\nevidence:\n  account_mask: a log\n",
     "4:17: evidence for \"account_mask\": \"a log\" is not "
     "\"owner/repo:path [line or quote]\""},
    /* a citation cut short at its owner or repo: the scan stops at the
     * end of the text (it once read past it: SANITIZE=ON shows it) */
    {"name: x\naccount_mask: true\nevidence:\n  account_mask: Nuxtack-ER\n",
     "4:17: evidence for \"account_mask\": \"Nuxtack-ER\" is not "
     "\"owner/repo:path [line or quote]\""},
    {"name: x\naccount_mask: true\nevidence:\n  account_mask: a/b\n",
     "4:17: evidence for \"account_mask\": \"a/b\" is not "
     "\"owner/repo:path [line or quote]\""},
    {"name: x\nevidence:\n  account_mask: \"a/b:c\"\n",
     "3:3: evidence for \"account_mask\", which this profile does not set"},
    {"name: x\nevidence:\n  acount_mask: \"a/b:c\"\n",
     "3:3: evidence for \"acount_mask\": not a module key (did you mean "
     "\"account_mask\"?)"},
    {"name: x\nevidence:\n  timeouts.urc: \"a/b:c\"\n",
     "3:3: evidence for \"timeouts.urc\": not a module key (needs none)"},
    {"name: x\nevidence: [1]\n", "2:11: evidence: expected a mapping (key: "
                                 "\"owner/repo:path\"), got a sequence"},
    /* bases */
    {"name: x\nbase: nosuch\n", "2:7: base \"nosuch\": "},
    {"name: x\nbase: ../etc\n",
     "2:7: base \"../etc\": expected 1 to 64 of A-Z a-z 0-9 _ -"},
    {"name: x\nbase: x\n", "2:7: base \"x\": a cycle of bases (x -> x)"},
};

START_TEST(test_errors)
{
  sd_make();
  const char *path = sd_write("bad", error_cases[_i].yaml);
  size_t plen = strlen(path);
  qc_profile *p = (qc_profile *)1;
  char err[1024] = "";
  ck_assert_int_eq(qc_profile_load(path, &p, err, sizeof err), -1);
  ck_assert_ptr_null(p);
  ck_assert_msg(strncmp(err, path, plen) == 0 && err[plen] == ':',
                "no path prefix: %s", err);
  const char *want = error_cases[_i].want;
  ck_assert_msg(strncmp(err + plen + 1, want, strlen(want)) == 0,
                "got: %s\nwant: %s", err + plen + 1, want);
  /* Only the "nosuch" case is a prefix match (the rest is strerror). */
  if (!strstr(want, "nosuch"))
    ck_assert_str_eq(err + plen + 1, want);
  sd_remove();
}
END_TEST

/* A cycle through two files names both and the line in each. */
START_TEST(test_base_cycle_two_files)
{
  sd_make();
  const char *a = sd_write("a", "name: a\nbase: b\n");
  sd_write("b", "name: b\ntest: true\nbase: a\n");
  qc_profile *p = NULL;
  char err[1024] = "";
  ck_assert_int_eq(qc_profile_load(a, &p, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "a.yaml:2:7: base \"b\": "));
  ck_assert_ptr_nonnull(
      strstr(err, "b.yaml:3:7: base \"a\": a cycle of bases (a -> b -> a)"));
  sd_remove();
}
END_TEST

/* The alias bomb: 958 bytes naming ~10^9 nodes. It must fail at once, at
 * the first anchor. (No timing is asserted; a hang fails by the ctest
 * timeout.) */
START_TEST(test_alias_bomb)
{
  char text[2048];
  size_t o = (size_t)snprintf(text, sizeof text, "name: bomb\na: &a [x,x,x,x,x,x,x,x,x]\n");
  for (char c = 'b'; c <= 'j'; c++)
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n",
                          c, c, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
                          c - 1, c - 1, c - 1);
  sd_make();
  const char *path = sd_write("bomb", text);
  qc_profile *p = NULL;
  char err[1024] = "";
  ck_assert_int_eq(qc_profile_load(path, &p, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "bomb.yaml:2:4: YAML anchors are not allowed"));
  sd_remove();
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

/* The schema: every default passes its own check, and the suggestion
 * finds near misses only. */
START_TEST(test_schema_self_consistent)
{
  char why[256];
  for (size_t i = 0; i < qc_pschema_count(); i++) {
    const qc_pkey *k = qc_pschema_at(i);
    ck_assert_ptr_eq(qc_pschema_find(k->key), k);
    if (k->dflt)
      ck_assert_msg(qc_pschema_check(k, k->dflt, why, sizeof why) == 0,
                    "%s: %s", k->key, why);
    ck_assert(k->meaning && *k->meaning);
  }
  ck_assert_str_eq(qc_pschema_suggest("pwd_qoute"), "pwd_quote");
  ck_assert_ptr_null(qc_pschema_suggest("completely_unrelated_key"));
  ck_assert_ptr_null(qc_pschema_find("err.999"));
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("qc_profile");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_note_profile);
  tcase_add_test(tc, test_err_defaults_from_table);
  tcase_add_test(tc, test_shipped_profiles);
  tcase_add_test(tc, test_eg800k_profile);
  tcase_add_test(tc, test_base_inheritance);
  tcase_add_loop_test(tc, test_errors, 0,
                      sizeof error_cases / sizeof error_cases[0]);
  tcase_add_test(tc, test_base_cycle_two_files);
  tcase_add_test(tc, test_alias_bomb);
  tcase_add_test(tc, test_bad_names_and_files);
  tcase_add_test(tc, test_schema_self_consistent);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return qc_test_run(suite());
}
