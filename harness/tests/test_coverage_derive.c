/* Unit tests: coverage derivation (coverage_derive.c) — AT lines split
 * into command, form and fields; values classed against the note's
 * ranges; errs and replies found in expectations; variables resolved with
 * a profile; the items one case yields. */
#include "coverage_derive.h"

#include "qc_test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *line;
  int rc;
  const char *name;
  qh_cov_form form;
  size_t nfields;
  const char *f0, *f1; /* field texts, NULL when not checked */
  bool q0, q1;
} ats[] = {
    {"AT+QFTPSTAT", 0, "QFTPSTAT", QH_FORM_EXEC, 0, NULL, NULL, 0, 0},
    {"AT+QFTPSTAT?", 0, "QFTPSTAT", QH_FORM_QUERY, 0, NULL, NULL, 0, 0},
    {"AT+QFTPCWD=?", 0, "QFTPCWD", QH_FORM_TEST, 0, NULL, NULL, 0, 0},
    {"AT+QFTPCWD=\"/\"", 0, "QFTPCWD", QH_FORM_SET, 1, "/", NULL, 1, 0},
    {"at+qftpcfg=\"rsptimeout\",20\r", 0, "qftpcfg", QH_FORM_SET, 2,
     "rsptimeout", "20", 1, 0},
    {"AT+QFTPCFG=\"rsptimeout\",", 0, "QFTPCFG", QH_FORM_SET, 2, "rsptimeout",
     "", 1, 0},
    {"AT+QFTPGET=\"a,b\",\"COM:\"", 0, "QFTPGET", QH_FORM_SET, 2, "a,b",
     "COM:", 1, 1},
    {"  AT+QFTPOPEN=\"h\", 21 ", 0, "QFTPOPEN", QH_FORM_SET, 2, "h", "21", 1,
     0},
    {"AT", -1, NULL, 0, 0, NULL, NULL, 0, 0},
    {"ATO", -1, NULL, 0, 0, NULL, NULL, 0, 0},
    {"ZZ+QFTPOPEN=\"x\"", -1, NULL, 0, 0, NULL, NULL, 0, 0},
    {"AT+QFTPCWD\"x\"", -1, NULL, 0, 0, NULL, NULL, 0, 0},
};

START_TEST(test_parse_at)
{
  qh_cov_at at;
  int rc = qh_cov_parse_at(ats[_i].line, &at);
  ck_assert_msg(rc == ats[_i].rc, "%s: rc %d", ats[_i].line, rc);
  if (rc < 0)
    return;
  ck_assert_uint_eq(at.name_len, strlen(ats[_i].name));
  ck_assert(strncmp(at.name, ats[_i].name, at.name_len) == 0);
  ck_assert_int_eq(at.form, ats[_i].form);
  ck_assert_uint_eq(at.nfields, ats[_i].nfields);
  if (ats[_i].f0) {
    ck_assert_uint_eq(at.fields[0].len, strlen(ats[_i].f0));
    ck_assert(memcmp(at.fields[0].p, ats[_i].f0, at.fields[0].len) == 0);
    ck_assert_int_eq(at.fields[0].quoted, ats[_i].q0);
  }
  if (ats[_i].f1) {
    ck_assert_uint_eq(at.fields[1].len, strlen(ats[_i].f1));
    ck_assert(memcmp(at.fields[1].p, ats[_i].f1, at.fields[1].len) == 0);
    ck_assert_int_eq(at.fields[1].quoted, ats[_i].q1);
  }
}
END_TEST

START_TEST(test_parse_at_too_many_fields)
{
  qh_cov_at at;
  ck_assert_int_eq(qh_cov_parse_at("AT+QFTPCFG=1,2,3,4,5,6,7,8,9,10,11,12,"
                                   "13,14,15,16,17",
                                   &at),
                   -1);
}
END_TEST

static const qh_cov_param rsp = {"timeout", QH_VT_INT, 20, 180};
static const qh_cov_param name255 = {"username", QH_VT_STRING, 0, 255};

static const struct {
  const qh_cov_param *p;
  const char *text; /* NULL: absent field */
  bool quoted;
  qh_cov_vclass want;
} classes[] = {
    {&rsp, "20", 0, QH_VC_MIN},
    {&rsp, "180", 0, QH_VC_MAX},
    {&rsp, "19", 0, QH_VC_BELOW},
    {&rsp, "181", 0, QH_VC_ABOVE},
    {&rsp, "-5", 0, QH_VC_BELOW},
    {&rsp, "99999999999999999999999", 0, QH_VC_ABOVE},
    {&rsp, "90", 0, QH_VC_INSIDE},
    {&rsp, "90", 1, QH_VC_WRONG_TYPE},
    {&rsp, "abc", 0, QH_VC_WRONG_TYPE},
    {&rsp, "9a", 0, QH_VC_WRONG_TYPE},
    {&rsp, "-", 0, QH_VC_WRONG_TYPE},
    {&rsp, "", 0, QH_VC_MISSING},
    {&rsp, NULL, 0, QH_VC_MISSING},
    {&rsp, "${n}", 0, QH_VC_UNKNOWN},
    {&name255, "u", 1, QH_VC_INSIDE},
    {&name255, "", 1, QH_VC_INSIDE},
    {&name255, "u", 0, QH_VC_WRONG_TYPE},
    {&name255, "", 0, QH_VC_MISSING},
    {&name255, "${user}", 1, QH_VC_UNKNOWN},
};

START_TEST(test_classify)
{
  qh_cov_field f = {classes[_i].text,
                    classes[_i].text ? strlen(classes[_i].text) : 0,
                    classes[_i].quoted};
  qh_cov_vclass got =
      qh_cov_classify(classes[_i].p, classes[_i].text ? &f : NULL);
  ck_assert_msg(got == classes[_i].want, "%s: got %d, want %d",
                classes[_i].text ? classes[_i].text : "(absent)", got,
                classes[_i].want);
}
END_TEST

START_TEST(test_classify_string_lengths)
{
  char s[300];
  memset(s, 'u', sizeof s);
  qh_cov_field f = {s, 255, true};
  ck_assert_int_eq(qh_cov_classify(&name255, &f), QH_VC_MAX);
  f.len = 256;
  ck_assert_int_eq(qh_cov_classify(&name255, &f), QH_VC_TOO_LONG);
  f.len = 254;
  ck_assert_int_eq(qh_cov_classify(&name255, &f), QH_VC_INSIDE);
}
END_TEST

static const struct {
  const char *text;
  bool regex;
  size_t n;
  int err, reply; /* of the first hit */
  const char *cmd; /* NULL: +CME ERROR */
} scans[] = {
    {"+CME ERROR: 610", 0, 1, 610, -1, NULL},
    {"+CME ERROR:603", 0, 1, 603, -1, NULL},
    {"+QFTPCWD: 627,550", 0, 1, 627, 550, "QFTPCWD"},
    {"+QFTPOPEN: 0,0", 0, 0, 0, 0, NULL}, /* success: no err */
    {"+QFTPPWD: 0,/", 0, 0, 0, 0, NULL},
    {"^\\+QFTPGET: 615,425$", 1, 1, 615, 425, "QFTPGET"},
    {"^\\+QFTPCWD: 60[5-8],0$", 1, 0, 0, 0, NULL},
    {"^\\+QFTPPUT: (607,0|616,426)$", 1, 0, 0, 0, NULL},
    {"^(CONNECT|\\+CME ERROR: 615)$", 1, 0, 0, 0, NULL},
    {"^\\+CME ERROR: 61.$", 1, 0, 0, 0, NULL},
    {"+QFTPXYZ: 610,0", 0, 0, 0, 0, NULL},
    {"+CME ERROR: 6100", 0, 0, 0, 0, NULL},
    {"+QFTPSIZE: 627,550 +CME ERROR: 603", 0, 2, 627, 550, "QFTPSIZE"},
    {"OK", 0, 0, 0, 0, NULL},
};

START_TEST(test_scan)
{
  qh_cov_hit h[4];
  size_t n = qh_cov_scan(scans[_i].text, scans[_i].regex, h, 4);
  ck_assert_msg(n == scans[_i].n, "%s: %zu hits", scans[_i].text, n);
  if (!n)
    return;
  ck_assert_int_eq(h[0].err, scans[_i].err);
  ck_assert_int_eq(h[0].reply, scans[_i].reply);
  if (scans[_i].cmd)
    ck_assert_str_eq(h[0].cmd->name, scans[_i].cmd);
  else
    ck_assert_ptr_null(h[0].cmd);
}
END_TEST

/* A profile as the runner loads it. */
static qc_profile *load_profile(qc_test_scratch *s)
{
  static const char text[] = "name: t\n"
                             "cfg_invalid: ERROR\n"
                             "err:\n"
                             "  \"550\": 627\n"
                             "  \"425\": 615\n";
  qc_test_scratch_make(s, "cov-derive", "p.yaml");
  qc_test_write(s->path, text, sizeof text - 1);
  qc_profile *p = NULL;
  char err[256];
  ck_assert_msg(qc_profile_load(s->path, &p, err, sizeof err) == 0, "%s", err);
  return p;
}

START_TEST(test_expand)
{
  qc_test_scratch s;
  qc_profile *p = load_profile(&s);
  qh_vars v = {.profile = p};
  char out[128];
  qh_cov_expand(&v, "+QFTPCWD: ${profile.err.550},550", out, sizeof out);
  ck_assert_str_eq(out, "+QFTPCWD: 627,550");
  qh_cov_expand(&v, "AT+QFTPOPEN=\"${host}\",${port}", out, sizeof out);
  ck_assert_str_eq(out, "AT+QFTPOPEN=\"${host}\",${port}");
  qh_cov_expand(&v, "$$5 ${profile.nosuch}", out, sizeof out);
  ck_assert_str_eq(out, "$5 ${profile.nosuch}");
  qh_cov_expand(&v, "${profile.err.550}${profile.err.550}", out, 5);
  ck_assert_str_eq(out, "6276");
  qc_profile_free(p);
  qc_test_scratch_remove(&s);
}
END_TEST

/* Keys emitted, in order. */
typedef struct keys {
  char k[128][96];
  size_t n;
} keys;

static void collect(void *ctx, const char *key)
{
  keys *ks = ctx;
  ck_assert_uint_lt(ks->n, 128);
  snprintf(ks->k[ks->n++], sizeof ks->k[0], "%s", key);
}

static bool has(const keys *ks, const char *key)
{
  for (size_t i = 0; i < ks->n; i++)
    if (strcmp(ks->k[i], key) == 0)
      return true;
  return false;
}

#define SEND(t) {.kind = QH_STEP_SEND, .text = (char *)(t)}
#define EXPECT(t) {.kind = QH_STEP_EXPECT, .text = (char *)(t)}
#define WAIT(t) {.kind = QH_STEP_WAIT_FOR, .text = (char *)(t)}
#define MATCH(t) {.kind = QH_STEP_EXPECT_MATCH, .text = (char *)(t)}

START_TEST(test_derive_case)
{
  qc_test_scratch s;
  qc_profile *p = load_profile(&s);
  qh_vars v = {.profile = p};
  qh_step steps[] = {
      SEND("AT+QFTPCFG=\"rsptimeout\",19"),
      EXPECT("${profile.cfg_invalid}"),
      SEND("AT+QFTPCFG=\"rsptimeout\",20"),
      EXPECT("OK"),
      SEND("AT+QFTPCFG=\"rsptimeout\""),
      EXPECT("+QFTPCFG: \"rsptimeout\",20"),
      SEND("AT+QFTPCFG=\"sslctxid\",5"),
      SEND("AT+QFTPCFG=\"data_address\",0"),
      SEND("AT+QFTPCFG=\"account\",\"u\""),
      SEND("AT+QFTPCFG=\"account\""),
      SEND("AT+QFTPCFG=\"contextid\",\"1\""),
      SEND("AT+QFTPCFG=\"filetype\","),
      SEND("AT+QFTPOPEN=\"${host}\",65536"),
      SEND("AT+QFTPCWD=\"x\""),
      WAIT("+QFTPCWD: ${profile.err.550},550"),
      SEND("AT+QFTPSTAT"),
      EXPECT("OK"),
      SEND("AT+QFTPGET=\"f\",\"COM:\""),
      MATCH("^\\+QFTPGET: 615,425$"),
  };
  qh_fault faults[] = {
      {.kind = PX_KIND_REPLY, .on = (char *)"PASV",
       .reply = (char *)"425 Can't open data connection"},
      {.kind = PX_KIND_REPLY, .on = (char *)"MKD",
       .reply = (char *)"532 Need account"},
  };
  qh_case c = {.id = (char *)"t.case", .spec = (char *)"2.3.1",
               .steps = steps, .nsteps = sizeof steps / sizeof *steps,
               .faults = faults, .nfaults = 2};
  keys ks = {0};
  qh_cov_derive(&c, &v, collect, &ks);
  static const char *const want[] = {
      "cfg:rsptimeout:below",
      "cfg:rsptimeout:min",
      "cfg:rsptimeout:read_back",
      "cfg:SSL_ctxID:max",
      "cfg:data_address.type:min",
      "cfg:account.password:missing",
      "cfg:contextid:wrong_type",
      "cfg:filetype:missing",
      "form:QFTPCFG:set",
      "form:QFTPSTAT:exec",
      "form:QFTPCWD:set",
      "arg:QFTPOPEN.port:above",
      "err:627",
      "reply:550:directory",
      "post:627",
      "err:615",
      "reply:425:transfer",  /* from the expectation and the PASV fault */
      "reply:532:directory", /* the fault on MKD */
      "section:2.3",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    ck_assert_msg(has(&ks, want[i]), "missing %s", want[i]);
  static const char *const not_want[] = {
      "cfg:data_address.data_timeout:missing", /* only for type 2 */
      "cfg:account:read_back",  /* the set was refused: no read-back */
      "post:615",               /* nothing follows it */
      "reply:425:listing",      /* no listing command in the case */
      "arg:QFTPOPEN.hostname:wrong_type", /* ${host} is not known here */
      "section:2.3.1",
  };
  for (size_t i = 0; i < sizeof not_want / sizeof *not_want; i++)
    ck_assert_msg(!has(&ks, not_want[i]), "unexpected %s", not_want[i]);
  qc_profile_free(p);
  qc_test_scratch_remove(&s);
}
END_TEST

START_TEST(test_derive_data_timeout_missing)
{
  qh_step steps[] = {SEND("AT+QFTPCFG=\"data_address\",2"),
                     SEND("AT+QFTPCFG=\"data_address\",2,50"),
                     SEND("at+qftpcfg=\"DATA_ADDRESS\"")};
  qh_case c = {.id = (char *)"t.da", .steps = steps, .nsteps = 3};
  keys ks = {0};
  qh_cov_derive(&c, NULL, collect, &ks);
  ck_assert(has(&ks, "cfg:data_address.data_timeout:missing"));
  ck_assert(has(&ks, "cfg:data_address.data_timeout:max"));
  ck_assert(has(&ks, "cfg:data_address.type:max"));
  ck_assert(has(&ks, "cfg:data_address:read_back"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("coverage_derive");
  TCase *tc = tcase_create("derive");
  tcase_add_loop_test(tc, test_parse_at, 0, sizeof ats / sizeof ats[0]);
  tcase_add_test(tc, test_parse_at_too_many_fields);
  tcase_add_loop_test(tc, test_classify, 0,
                      sizeof classes / sizeof classes[0]);
  tcase_add_test(tc, test_classify_string_lengths);
  tcase_add_loop_test(tc, test_scan, 0, sizeof scans / sizeof scans[0]);
  tcase_add_test(tc, test_expand);
  tcase_add_test(tc, test_derive_case);
  tcase_add_test(tc, test_derive_data_timeout_missing);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
