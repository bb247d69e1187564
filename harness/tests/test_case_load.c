/* Unit tests of case_load: a case that uses every key, defaults, one table
 * row per error the loader reports (with its exact file:line:col), the hard
 * bounds, and cases/FORMAT.md against the loader's key table. */
#include "case.h"

#include "qc_test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA QFTP_SOURCE_DIR "/harness/tests/data"
#define FRAGS DATA "/fragments"

static qc_test_scratch tmp; /* tmp.path: the case file */

static void setup(void)
{
  qc_test_scratch_make(&tmp, "case_load", "case.yaml");
}

static void teardown(void)
{
  qc_test_scratch_remove(&tmp);
}

static void write_case(const char *text, size_t len)
{
  qc_test_write(tmp.path, text, len);
}

/* Loads `text` as a case that must fail; returns the error (static). */
static const char *load_error(const char *text)
{
  static char err[2048];
  write_case(text, strlen(text));
  qh_case *c = (qh_case *)1;
  err[0] = '\0';
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_ptr_null(c);
  return err;
}

static qh_case *load_ok(const char *text)
{
  char err[1024] = "";
  write_case(text, strlen(text));
  qh_case *c = NULL;
  ck_assert_msg(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err) == 0, "%s",
                err);
  return c;
}

/* Replaces @C with the case path and @F with the fragments dir. */
static void expand(const char *in, char *out, size_t cap)
{
  size_t o = 0;
  for (; *in && o + 1 < cap; in++) {
    const char *rep = NULL;
    if (in[0] == '@' && in[1] == 'C')
      rep = tmp.path;
    else if (in[0] == '@' && in[1] == 'F')
      rep = FRAGS;
    if (!rep) {
      out[o++] = *in;
      continue;
    }
    size_t n = strlen(rep);
    ck_assert_uint_lt(o + n, cap);
    memcpy(out + o, rep, n);
    o += n;
    in++;
  }
  out[o] = '\0';
}

START_TEST(test_full_case)
{
  char err[1024] = "";
  qh_case *c = NULL;
  ck_assert_msg(
      qh_case_load(DATA "/case_full.yaml", FRAGS, &c, err, sizeof err) == 0,
      "%s", err);
  ck_assert_str_eq(c->id, "open.login-full_1");
  ck_assert_str_eq(c->title, "Log in with an account (note 3.1)");
  ck_assert_str_eq(c->spec, "3.10"); /* a YAML number kept as written */
  ck_assert_str_eq(c->path, DATA "/case_full.yaml");
  ck_assert_uint_eq(c->ntags, 3);
  ck_assert(qh_case_has_tag(c, "needs:ftps"));
  ck_assert(!qh_case_has_tag(c, "needs"));
  ck_assert_str_eq(c->server, "ftps-explicit");

  ck_assert_uint_eq(c->nfiles, 5);
  ck_assert_int_eq(c->files[0].kind, SRV_FILE_PAYLOAD);
  ck_assert_str_eq(c->files[0].path, "data/test.bin");
  ck_assert_uint_eq(c->files[0].size, 1000);
  ck_assert_uint_eq(c->files[0].seed, 7);
  ck_assert_uint_eq(c->files[1].size, (uint64_t)4 << 30);
  ck_assert_uint_eq(c->files[1].seed, 1); /* the default */
  ck_assert_int_eq(c->files[2].kind, SRV_FILE_TEXT);
  ck_assert_str_eq(c->files[2].text, "hello\n");
  ck_assert_int_eq(c->files[3].kind, SRV_FILE_DIR);
  ck_assert(c->files[3].writable);
  ck_assert(!c->files[4].writable);
  ck_assert_int_eq(c->files[4].where.line, 15);
  ck_assert_int_eq(c->files[4].where.col, 7);

  /* login -> pdp (2 steps) + 1, then 7 of the case, then pdp again. */
  static const struct {
    qh_step_kind kind;
    const char *text;
    double seconds, timeout;
    const char *file;
    int line, col;
  } want[] = {
      {QH_STEP_SEND, "AT+QIACT=1", 0, 0, "pdp.yaml", 3, 5},
      {QH_STEP_EXPECT, "OK", 0, 0, "pdp.yaml", 4, 5},
      {QH_STEP_SEND, "AT+QFTPOPEN=\"${host}\",${port}", 0, 0, "login.yaml", 3,
       5},
      {QH_STEP_SEND, "AT+QFTPCFG=\"account\",\"${user}\",\"${pass}\"", 0, 0,
       "case_full.yaml", 18, 5},
      {QH_STEP_SEND_RAW, "AT\r\x1a", 0, 0, "case_full.yaml", 19, 5},
      {QH_STEP_EXPECT, "OK", 0, 0, "case_full.yaml", 20, 5},
      {QH_STEP_EXPECT_MATCH, "^\\+QFTPOPEN: ${profile.open_refused_err},0$$", 0,
       2.5, "case_full.yaml", 21, 5},
      {QH_STEP_WAIT_FOR, "+QFTPOPEN: 0,0", 0, 10, "case_full.yaml", 23, 5},
      {QH_STEP_SILENCE, NULL, 0.5, 0, "case_full.yaml", 25, 5},
      {QH_STEP_SLEEP, NULL, 0, 0, "case_full.yaml", 26, 5},
      {QH_STEP_SEND, "AT+QIACT=1", 0, 0, "pdp.yaml", 3, 5},
      {QH_STEP_EXPECT, "OK", 0, 0, "pdp.yaml", 4, 5},
  };
  ck_assert_uint_eq(c->nsteps, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < c->nsteps; i++) {
    const qh_step *s = &c->steps[i];
    ck_assert_msg(s->kind == want[i].kind, "step %zu kind", i + 1);
    if (want[i].text)
      ck_assert_str_eq(s->text, want[i].text);
    else
      ck_assert_ptr_null(s->text);
    ck_assert_double_eq(s->seconds, want[i].seconds);
    ck_assert_double_eq(s->timeout_s, want[i].timeout);
    const char *base = strrchr(s->where.file, '/');
    ck_assert_str_eq(base ? base + 1 : s->where.file, want[i].file);
    ck_assert_msg(s->where.line == want[i].line && s->where.col == want[i].col,
                  "step %zu at %d:%d", i + 1, s->where.line, s->where.col);
  }
  /* One copy per source file, and steps point into them. */
  ck_assert_uint_eq(c->nsources, 3);
  ck_assert_ptr_eq(c->steps[0].where.file, c->steps[10].where.file);
  qh_case_free(c);
}
END_TEST

START_TEST(test_defaults)
{
  qh_case *c = load_ok("id: a\ntitle: T\nspec: \"2.5\"\nsteps:\n"
                       "  - expect: OK\n  - send: ''\n  - use: deep2\n");
  ck_assert_str_eq(c->server, "plain");
  ck_assert_uint_eq(c->ntags, 0);
  ck_assert_uint_eq(c->nfiles, 0);
  ck_assert_uint_eq(c->nsteps, 3); /* deep2..deep5: four levels is the max */
  ck_assert_double_eq(c->steps[0].timeout_s, 0);
  ck_assert_str_eq(c->steps[1].text, "");
  ck_assert_int_eq(c->steps[2].kind, QH_STEP_SLEEP);
  ck_assert(!qh_case_has_tag(c, "smoke"));
  /* No faults, wire or server_expect: nothing asserted. */
  ck_assert_uint_eq(c->nfaults, 0);
  ck_assert(!c->wire.present);
  ck_assert_int_eq(c->wire.tls_control, -1);
  ck_assert_int_eq(c->wire.tls_data, -1);
  ck_assert_uint_eq(c->expect.nfiles + c->expect.nlog, 0);
  qh_case_free(c);

  c = load_ok("id: b\ntitle: T\nspec: 1\nserver: {profile: none}\n"
              "tags: []\nsteps: [{sleep: 600}, {silence: 1e-3}]\n");
  ck_assert_str_eq(c->server, "none");
  ck_assert_double_eq(c->steps[0].seconds, 600);
  ck_assert_double_eq_tol(c->steps[1].seconds, 0.001, 1e-12);
  ck_assert(!c->steps[1].scaled); /* real time unless said */
  qh_case_free(c);
}
END_TEST

/* scaled: on a silence, module time; read as a boolean. */
START_TEST(test_silence_scaled)
{
  qh_case *c = load_ok("id: a\ntitle: T\nspec: \"2.4\"\nsteps:\n"
                       "  - silence: 10\n    scaled: true\n"
                       "  - silence: 0.2\n    scaled: false\n");
  ck_assert_uint_eq(c->nsteps, 2);
  ck_assert_int_eq(c->steps[0].kind, QH_STEP_SILENCE);
  ck_assert(c->steps[0].scaled);
  ck_assert_double_eq(c->steps[0].seconds, 10);
  ck_assert(!c->steps[1].scaled);
  qh_case_free(c);
}
END_TEST

#define H "id: t\ntitle: T\nspec: \"1\"\n"
#define S "steps:\n  - send: AT\n"
#define STEPS_ONE                                                              \
  " (expected one of send, send_raw, expect, expect_match, wait_for, "         \
  "wait_match, silence, sleep, send_data, expect_data, read_listing, escape, dtr, sim_control, use)"

/* {case text, error; @C = the case file, @F = the fragments dir} */
static const struct {
  const char *yaml;
  const char *want;
} errors[] = {
    /* YAML itself */
    {"id: [a\n", "@C:2:1: YAML syntax error: did not find expected ',' or "
                 "']' while parsing a flow sequence"},
    {"id: a\n  title: b\n", "@C:2:8: YAML syntax error: mapping values are "
                            "not allowed in this context"},
    {"id: t\ntitle: \xff\n",
     "@C:2:8: YAML syntax error: invalid leading UTF-8 octet"},
    {"", "@C:1:1: empty file (expected a mapping)"},
    {"# nothing\n", "@C:1:1: empty file (expected a mapping)"},
    {"- a\n", "@C:1:1: top level must be a mapping, got a sequence"},
    {H S "---\nid: b\n", "@C:7:1: a second YAML document (one case per file)"},
    /* top-level keys */
    {H S "foo: 1\n", "@C:6:1: unknown key \"foo\" (expected one of id, title, "
                     "spec, tags, server, steps, faults, wire, server_expect)"},
    {H "id: u\n" S, "@C:4:1: duplicate key \"id\" (first at line 1)"},
    {"? [k]\n: 1\n", "@C:1:3: key: expected a scalar, got a sequence"},
    {"title: T\nspec: \"1\"\n" S, "@C:1:1: missing required key \"id\""},
    {"id: t\nspec: \"1\"\n" S, "@C:1:1: missing required key \"title\""},
    {"id: t\ntitle: T\n" S, "@C:1:1: missing required key \"spec\""},
    {H, "@C:1:1: missing required key \"steps\""},
    {H S "faults: {}\n", "@C:6:9: faults: expected a sequence, got a mapping"},
    {H S "wire: []\n", "@C:6:7: wire: expected a mapping, got a sequence"},
    {H S "server_expect: x\n",
     "@C:6:16: server_expect: expected a mapping, got a scalar"},
    /* id, title, spec, tags */
    {"id: Open Login\ntitle: T\nspec: \"1\"\n" S,
     "@C:1:5: id: \"Open Login\" must be 1-64 of a-z 0-9 . _ -"},
    {"id: "
     "a123456789b123456789c123456789d123456789e123456789f123456789g1234"
     "\ntitle: T\nspec: \"1\"\n" S,
     "@C:1:5: id: \"a123456789b123456789c123456789d123456789e123456789f1234567"
     "89g123\" must be 1-64 of a-z 0-9 . _ -"},
    {"id: [a]\ntitle: T\nspec: \"1\"\n" S,
     "@C:1:5: id: expected a scalar, got a sequence"},
    {"id: t\ntitle: ''\nspec: \"1\"\n" S, "@C:2:8: title: must not be empty"},
    {"id: t\ntitle: T\nspec: three\n" S,
     "@C:3:7: spec: \"three\" is not a section number like \"2.5\""},
    {"id: t\ntitle: T\nspec: \"2.\"\n" S,
     "@C:3:7: spec: \"2.\" is not a section number like \"2.5\""},
    {H "tags: smoke\n" S, "@C:4:7: tags: expected a sequence, got a scalar"},
    {H "tags: [ok, Smoke]\n" S,
     "@C:4:12: tags: \"Smoke\" must be 1-64 of a-z 0-9 : . _ -"},
    {H "tags: [a, b, a]\n" S, "@C:4:14: tags: \"a\" listed twice"},
    /* steps */
    {H "steps: []\n", "@C:4:8: steps: must not be empty"},
    {H "steps: {send: AT}\n",
     "@C:4:8: steps: expected a sequence, got a mapping"},
    {H "steps:\n  - send\n",
     "@C:5:5: step 1: expected a mapping with one step key, got a scalar"},
    {H "steps:\n  - {}\n", "@C:5:5: step 1: no step key" STEPS_ONE},
    {H "steps:\n  - timeout: 3\n", "@C:5:5: step 1: no step key" STEPS_ONE},
    {H S "  - send: AT\n    expect: OK\n",
     "@C:7:5: step 2: two step keys \"send\" and \"expect\" (one per step)"},
    {H S "  - expect: OK\n    send: AT\n",
     "@C:7:5: step 2: two step keys \"expect\" and \"send\" (one per step)"},
    {H S "  - send: AT\n    send: AT\n",
     "@C:7:5: step 2: duplicate key \"send\" (first at line 6)"},
    {H "steps:\n  - send: AT\n  - send: AT\n  - expct: OK\n",
     "@C:7:5: step 3: unknown step key \"expct\"" STEPS_ONE},
    {H "steps:\n  - send: [a]\n",
     "@C:5:11: step 1: send: expected a scalar, got a sequence"},
    {H "steps:\n  - expect:\n", "@C:5:12: step 1: expect: must not be empty"},
    {H "steps:\n  - send: AT\n    timeout: 3\n",
     "@C:6:5: step 1: \"timeout\" does not apply to send (only to expect, "
     "expect_match, wait_for, wait_match, expect_data, read_listing)"},
    {H "steps:\n  - silence: 1\n    timeout: 3\n",
     "@C:6:5: step 1: \"timeout\" does not apply to silence (only to expect, "
     "expect_match, wait_for, wait_match, expect_data, read_listing)"},
    {H "steps:\n  - expect: OK\n    scaled: true\n",
     "@C:6:5: step 1: \"scaled\" does not apply to expect (only to silence)"},
    {H "steps:\n  - sleep: 1\n    scaled: true\n",
     "@C:6:5: step 1: \"scaled\" does not apply to sleep (only to silence)"},
    {H "steps:\n  - silence: 1\n    scaled: maybe\n",
     "@C:6:13: step 1: scaled: expected true or false, got \"maybe\""},
    {H "steps:\n  - sim_control: \"pdp-drop 1\\tx\"\n",
     "@C:5:18: step 1: sim_control: one line of printable ASCII expected"},
    {H "steps:\n  - sim_control: "
       "a123456789b123456789c123456789d123456789e123456789f123456789g\n",
     "@C:5:18: step 1: sim_control: longer than 60 bytes"},
    {H "steps:\n  - sim_control:\n",
     "@C:5:17: step 1: sim_control: must not be empty"},
    {H "steps:\n  - silence: abc\n",
     "@C:5:14: step 1: silence: bad number \"abc\" (seconds, e.g. 0.5)"},
    {H "steps:\n  - sleep: inf\n",
     "@C:5:12: step 1: sleep: bad number \"inf\" (seconds, e.g. 0.5)"},
    {H "steps:\n  - sleep: 0x10\n",
     "@C:5:12: step 1: sleep: bad number \"0x10\" (seconds, e.g. 0.5)"},
    {H "steps:\n  - sleep: -1\n",
     "@C:5:12: step 1: sleep: -1 must be >= 0 and <= 600 seconds"},
    {H "steps:\n  - silence: 0\n",
     "@C:5:14: step 1: silence: 0 must be > 0 and <= 600 seconds"},
    {H "steps:\n  - silence: 600.5\n",
     "@C:5:14: step 1: silence: 600.5 must be > 0 and <= 600 seconds"},
    {H "steps:\n  - expect: OK\n    timeout: 0\n",
     "@C:6:14: step 1: timeout: 0 must be > 0 and <= 600 seconds"},
    {H "steps:\n  - expect_match: '(a'\n",
     "@C:5:19: step 1: expect_match: bad regular expression: Unmatched ( or "
     "\\("},
    {H "steps:\n  - send: 'AT${user'\n",
     "@C:5:11: step 1: send: unclosed \"${\" at byte 3"},
    {H "steps:\n  - expect_match: '^${x'\n",
     "@C:5:19: step 1: expect_match: unclosed \"${\" at byte 2"},
    {H "steps:\n  - wait_for: '${us er}'\n",
     "@C:5:15: step 1: wait_for: bad variable name \"${us er}\" (A-Z a-z 0-9 "
     "_ .)"},
    {H "steps:\n  - send: 'x${}'\n",
     "@C:5:11: step 1: send: bad variable name \"${}\" (A-Z a-z 0-9 _ .)"},
    /* server and files */
    {H "server: plain\n" S, "@C:4:9: server: expected a mapping, got a scalar"},
    {H "server: {profile: ftps}\n" S,
     "@C:4:19: server: profile \"ftps\" unknown (expected one of plain, "
     "ftps-explicit, ftps-implicit, ftps-legacy, ftps-reuse, mlsd, none)"},
    {H "server: {profile: none, files: []}\n" S,
     "@C:4:25: server: files need a server (profile is none)"},
    {H "server: {user: x}\n" S, "@C:4:10: server: unknown key \"user\" "
                                "(expected one of profile, files)"},
    {H "server:\n  files:\n    - path: a\n" S,
     "@C:6:7: files item 1: needs one of size, text, dir"},
    {H "server:\n  files:\n    - {path: a, size: 1, text: x}\n" S,
     "@C:6:26: files item 1: \"size\" and \"text\" exclude each other (one of "
     "size, text, dir)"},
    {H "server:\n  files:\n    - {text: x, dir: true}\n" S,
     "@C:6:7: files item 1: missing required key \"path\""},
    {H "server:\n  files:\n    - {path: a, text: x}\n    - {path: ../x, "
       "text: x}\n" S,
     "@C:7:14: files item 2: path \"../x\" must be relative, without \"..\" "
     "or empty parts (at most 255 bytes)"},
    {H "server:\n  files:\n    - {path: /etc/x, text: x}\n" S,
     "@C:6:14: files item 1: path \"/etc/x\" must be relative, without \"..\" "
     "or empty parts (at most 255 bytes)"},
    {H "server:\n  files:\n    - {path: a/../../b, dir: true}\n" S,
     "@C:6:14: files item 1: path \"a/../../b\" must be relative, without "
     "\"..\" or empty parts (at most 255 bytes)"},
    {H "server:\n  files:\n    - {path: a, text: x, seed: 2}\n" S,
     "@C:6:26: files item 1: \"seed\" only goes with \"size\""},
    {H "server:\n  files:\n    - {path: a, size: 1, writable: false}\n" S,
     "@C:6:26: files item 1: \"writable\" only goes with \"dir\""},
    {H "server:\n  files:\n    - {path: a, dir: false}\n" S,
     "@C:6:22: files item 1: dir: must be true"},
    {H "server:\n  files:\n    - {path: a, size: 4294967297}\n" S,
     "@C:6:23: files item 1: size: bad number \"4294967297\" (bytes, 0 to "
     "4294967296)"},
    {H "server:\n  files:\n    - {path: a, size: -1}\n" S,
     "@C:6:23: files item 1: size: bad number \"-1\" (bytes, 0 to "
     "4294967296)"},
    {H "server:\n  files:\n    - {path: a, size: 1, seed: 4294967296}\n" S,
     "@C:6:32: files item 1: seed: bad number \"4294967296\" (0 to "
     "4294967295)"},
    {H "server:\n  files:\n    - {path: a, text: x}\n    - {path: a, dir: "
       "true}\n" S,
     "@C:7:7: files item 2: path \"a\" already listed (line 6)"},
    {H "server:\n  files:\n    - {path: a, dir: true, writable: maybe}\n" S,
     "@C:6:38: files item 1: writable: expected true or false, got "
     "\"maybe\""},
    /* fragments */
    {H "steps:\n  - use: nosuch\n",
     "@C:5:10: step 1: unknown fragment \"nosuch\" (@F/nosuch.yaml: No such "
     "file or directory)"},
    {H "steps:\n  - use: ../data/case_full\n",
     "@C:5:10: step 1: bad fragment name \"../data/case_full\" (A-Z a-z 0-9 "
     "_ . -)"},
    {H "steps:\n  - use: cycle_a\n",
     "@F/cycle_b.yaml:2:10: step 1: fragment cycle: cycle_a -> cycle_b -> "
     "cycle_a (in fragment \"cycle_b\", used at @F/cycle_a.yaml:2:10) (in "
     "fragment \"cycle_a\", used at @C:5:10)"},
    {H "steps:\n  - use: deep1\n",
     "@F/deep4.yaml:2:10: step 1: fragments nested deeper than 4 (in "
     "fragment \"deep4\", used at @F/deep3.yaml:2:10) (in fragment "
     "\"deep3\", used at @F/deep2.yaml:2:10) (in fragment \"deep2\", used at "
     "@F/deep1.yaml:2:10) (in fragment \"deep1\", used at @C:5:10)"},
    {H "steps:\n  - send: AT\n  - use: bad_step\n",
     "@F/bad_step.yaml:3:5: step 2: unknown step key \"expct\"" STEPS_ONE
     " (in fragment \"bad_step\", used at @C:6:10)"},
    {H "steps:\n  - use: bad_top\n",
     "@F/bad_top.yaml:1:1: unknown key \"id\" (expected one of title, steps) "
     "(in fragment \"bad_top\", used at @C:5:10)"},
};

START_TEST(test_errors)
{
  char want[2048];
  expand(errors[_i].want, want, sizeof want);
  ck_assert_str_eq(load_error(errors[_i].yaml), want);
}
END_TEST

START_TEST(test_open_errors)
{
  char err[1024];
  qh_case *c = NULL;
  ck_assert_int_eq(
      qh_case_load(DATA "/nosuch.yaml", FRAGS, &c, err, sizeof err), -1);
  ck_assert_str_eq(err, DATA "/nosuch.yaml: No such file or directory");
  ck_assert_int_eq(qh_case_load(DATA, FRAGS, &c, err, sizeof err), -1);
  ck_assert_str_eq(err, DATA ": Is a directory");
  ck_assert_ptr_null(c);
  /* No fragments directory: a use: is an error, not a crash. */
  write_case(H "steps:\n  - use: pdp\n", strlen(H) + 20);
  ck_assert_int_eq(qh_case_load(tmp.path, NULL, &c, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, ":5:10: step 1: fragment \"pdp\" but no "
                                    "fragments directory"));
  /* A tiny error buffer is cut, never overrun. */
  char tiny[8];
  ck_assert_int_eq(
      qh_case_load(DATA "/nosuch.yaml", FRAGS, &c, tiny, sizeof tiny), -1);
  ck_assert_uint_eq(strlen(tiny), sizeof tiny - 1);
}
END_TEST

/* Builds "H steps:" plus `n` copies of `item` into a malloc'd string. */
static char *repeat_steps(const char *item, size_t n, size_t *len)
{
  size_t il = strlen(item), hl = strlen(H "steps:\n");
  char *s = malloc(hl + il * n + 1);
  ck_assert_ptr_nonnull(s);
  memcpy(s, H "steps:\n", hl);
  for (size_t i = 0; i < n; i++)
    memcpy(s + hl + i * il, item, il);
  *len = hl + il * n;
  s[*len] = '\0';
  return s;
}

START_TEST(test_bounds)
{
  size_t len;
  char *text = repeat_steps("  - sleep: 0\n", 10000, &len);
  write_case(text, len);
  qh_case *c = NULL;
  char err[1024] = "";
  ck_assert_msg(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err) == 0, "%s",
                err);
  ck_assert_uint_eq(c->nsteps, 10000);
  qh_case_free(c);
  free(text);

  text = repeat_steps("  - sleep: 0\n", 10001, &len);
  write_case(text, len);
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, ":10005:5: step 10001: more than 10000 "
                                    "steps"));
  free(text);

  /* 1 MiB of comment after a valid case. */
  text = repeat_steps("#234567890123456789012345678901\n", 32768, &len);
  write_case(text, len);
  ck_assert_int_eq(qh_case_load(tmp.path, FRAGS, &c, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, ": file too large (more than 1048576 "
                                    "bytes)"));
  free(text);

  /* A 64 KiB string passes, one byte more does not. */
  for (size_t extra = 0; extra < 2; extra++) {
    size_t n = 65536 + extra;
    text = malloc(n + 64);
    ck_assert_ptr_nonnull(text);
    int w = snprintf(text, 64, H "steps:\n  - send: ");
    memset(text + w, 'A', n);
    memcpy(text + w + n, "\n", 2);
    write_case(text, strlen(text));
    int rc = qh_case_load(tmp.path, FRAGS, &c, err, sizeof err);
    if (extra == 0) {
      ck_assert_msg(rc == 0, "%s", err);
      ck_assert_uint_eq(strlen(c->steps[0].text), 65536);
      qh_case_free(c);
    } else {
      ck_assert_int_eq(rc, -1);
      ck_assert_ptr_nonnull(strstr(err, "step 1: send: longer than 65536"));
    }
    free(text);
  }
}
END_TEST

START_TEST(test_kind_names)
{
  static const struct {
    qh_step_kind k;
    const char *name;
  } t[] = {
      {QH_STEP_SEND, "send"},
      {QH_STEP_SEND_RAW, "send_raw"},
      {QH_STEP_EXPECT, "expect"},
      {QH_STEP_EXPECT_MATCH, "expect_match"},
      {QH_STEP_WAIT_FOR, "wait_for"},
      {QH_STEP_SILENCE, "silence"},
      {QH_STEP_SLEEP, "sleep"},
      {QH_STEP_SEND_DATA, "send_data"},
      {QH_STEP_EXPECT_DATA, "expect_data"},
      {QH_STEP_READ_LISTING, "read_listing"},
      {QH_STEP_ESCAPE, "escape"},
      {QH_STEP_DTR, "dtr"},
      {QH_STEP_SIM_CONTROL, "sim_control"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    ck_assert_str_eq(qh_step_kind_name(t[i].k), t[i].name);
  /* Each kind's name is also a step key of the loader. */
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    bool found = false;
    const char *scope;
    for (size_t k = 0; k < qh_case_key_count(); k++) {
      const char *name = qh_case_key_name(k, &scope);
      found |= strcmp(name, t[i].name) == 0 && strcmp(scope, "step") == 0;
    }
    ck_assert_msg(found, "%s is no step key", t[i].name);
  }
  ck_assert_ptr_null(qh_case_key_name(qh_case_key_count(), NULL));
  qh_case_free(NULL);
  ck_assert(!qh_case_has_tag(NULL, "x"));
}
END_TEST

/* The fault kind keys of the loader are the case spellings of the proxy's
 * table (px_fault.h), no more and no fewer: `on`, `nth`, `bytes` and
 * `after` are the parameters. */
START_TEST(test_fault_keys_match_proxy_table)
{
  static const char *const params[] = {"on", "nth", "bytes", "after"};
  for (int k = 0; k < PX_KIND_COUNT; k++) {
    bool found = false;
    const char *scope;
    for (size_t i = 0; i < qh_case_key_count(); i++) {
      const char *name = qh_case_key_name(i, &scope);
      found |= strcmp(scope, "fault") == 0 &&
               strcmp(name, px_faults[k].case_key) == 0;
    }
    ck_assert_msg(found, "%s is no fault key", px_faults[k].case_key);
  }
  const char *scope;
  for (size_t i = 0; i < qh_case_key_count(); i++) {
    const char *name = qh_case_key_name(i, &scope);
    if (strcmp(scope, "fault") != 0)
      continue;
    bool known = false;
    for (size_t p = 0; p < sizeof params / sizeof params[0]; p++)
      known |= strcmp(name, params[p]) == 0;
    for (int k = 0; k < PX_KIND_COUNT; k++)
      known |= strcmp(name, px_faults[k].case_key) == 0;
    ck_assert_msg(known, "fault key %s names no kind of the proxy", name);
  }
}
END_TEST

/* cases/FORMAT.md and the loader's key table say the same thing. Each key
 * table of FORMAT.md follows a marker line "<!-- keys: SCOPE -->" (SCOPE
 * as qh_case_key_name gives it); the first cell of each row names a key
 * in backticks. Every key the loader accepts is documented under its
 * scope, and every key documented is accepted there. */
typedef struct doc_key {
  char scope[32], name[40];
  int line;
} doc_key;

static size_t parse_format_keys(const char *doc, doc_key *out, size_t cap)
{
  size_t n = 0;
  int line = 1;
  char scope[32] = "";
  bool in_table = false;
  for (const char *p = doc; *p;) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    char l[1024];
    snprintf(l, sizeof l, "%.*s", (int)(len < sizeof l ? len : sizeof l - 1),
             p);
    if (sscanf(l, "<!-- keys: %31[a-z_.] -->", scope) == 1) {
      in_table = false;
    } else if (scope[0] && l[0] == '|') {
      const char *b1 = strchr(l, '`');
      const char *b2 = b1 ? strchr(b1 + 1, '`') : NULL;
      const char *cell_end = strchr(l + 1, '|');
      /* The header row (no backtick in its first cell) and the
       * separator row are not keys. */
      if (in_table && b1 && b2 && cell_end && b2 < cell_end) {
        ck_assert_uint_lt(n, cap);
        snprintf(out[n].scope, sizeof out[n].scope, "%s", scope);
        snprintf(out[n].name, sizeof out[n].name, "%.*s", (int)(b2 - b1 - 1),
                 b1 + 1);
        out[n++].line = line;
      }
      in_table = true;
    } else if (in_table) {
      scope[0] = '\0'; /* the table ended */
      in_table = false;
    }
    line++;
    p += len + (eol ? 1 : 0);
  }
  return n;
}

START_TEST(test_format_doc_matches_key_table)
{
  static char doc[256 * 1024];
  static doc_key keys[512];
  qc_test_read(QFTP_SOURCE_DIR "/cases/FORMAT.md", doc, sizeof doc);
  size_t n = parse_format_keys(doc, keys, sizeof keys / sizeof keys[0]);
  ck_assert_uint_gt(qh_case_key_count(), 20);
  for (size_t i = 0; i < qh_case_key_count(); i++) {
    const char *scope;
    const char *name = qh_case_key_name(i, &scope);
    bool found = false;
    for (size_t k = 0; k < n && !found; k++)
      found = strcmp(keys[k].scope, scope) == 0 &&
              strcmp(keys[k].name, name) == 0;
    ck_assert_msg(found,
                  "cases/FORMAT.md documents no key `%s` under "
                  "\"<!-- keys: %s -->\"",
                  name, scope);
  }
  for (size_t k = 0; k < n; k++) {
    bool found = false;
    for (size_t i = 0; i < qh_case_key_count() && !found; i++) {
      const char *scope;
      const char *name = qh_case_key_name(i, &scope);
      found = strcmp(keys[k].scope, scope) == 0 &&
              strcmp(keys[k].name, name) == 0;
    }
    ck_assert_msg(found,
                  "cases/FORMAT.md:%d documents `%s` under %s, which the "
                  "loader does not accept there",
                  keys[k].line, keys[k].name, keys[k].scope);
  }
}
END_TEST

/* The parser itself: markers, header rows, where a table ends. */
START_TEST(test_format_key_parser)
{
  static const char doc[] =
      "# x\n<!-- keys: case -->\n\n| key | meaning |\n|---|---|\n"
      "| `id` | the id |\n| `title` | `a` b |\nprose `notakey`\n"
      "| `loose` | a table without a marker |\n"
      "<!-- keys: wire.tls -->\n| key | m |\n|---|---|\n| `data` | x |\n";
  doc_key k[8];
  size_t n = parse_format_keys(doc, k, 8);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(k[0].name, "id");
  ck_assert_str_eq(k[0].scope, "case");
  ck_assert_int_eq(k[0].line, 6);
  ck_assert_str_eq(k[1].name, "title");
  ck_assert_str_eq(k[2].name, "data");
  ck_assert_str_eq(k[2].scope, "wire.tls");
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("case_load");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_full_case);
  tcase_add_test(tc, test_defaults);
  tcase_add_test(tc, test_silence_scaled);
  tcase_add_loop_test(tc, test_errors, 0, sizeof errors / sizeof errors[0]);
  tcase_add_test(tc, test_open_errors);
  tcase_add_test(tc, test_bounds);
  tcase_add_test(tc, test_kind_names);
  tcase_add_test(tc, test_fault_keys_match_proxy_table);
  tcase_add_test(tc, test_format_doc_matches_key_table);
  tcase_add_test(tc, test_format_key_parser);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return qc_test_run(suite());
}
