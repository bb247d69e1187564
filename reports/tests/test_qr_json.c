/* results.json: round trip through jansson, fixed key order, atomic write,
 * error paths, and the loader the renderers share. */
#include "qr_test_util.h"

#include <jansson.h>

#include "qr_doc.h"

static char dir[64];
static char path[128];

static void setup(void)
{
  tu_mkdtemp(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/results.json", dir);
}

static void teardown(void)
{
  tu_rmtree(dir);
}

static json_t *write_and_load(qr_run_result *r)
{
  char err[256] = "";
  ck_assert_msg(qr_write_json(r, path, err, sizeof err) == 0, "%s", err);
  json_error_t je;
  json_t *doc = json_load_file(path, 0, &je);
  ck_assert_msg(doc != NULL, "%s:%d: %s", path, je.line, je.text);
  return doc;
}

static const char *sget(const json_t *o, const char *k)
{
  const json_t *v = json_object_get(o, k);
  ck_assert_msg(json_is_string(v), "%s is not a string", k);
  return json_string_value(v);
}

START_TEST(test_round_trip)
{
  qr_run_result *r = tu_sample_run();
  json_t *doc = write_and_load(r);
  ck_assert_int_eq(json_integer_value(json_object_get(doc, "schema")), 1);
  ck_assert_str_eq(sget(doc, "tool"), "qftp-harness");
  ck_assert_str_eq(sget(doc, "version"), r->version);
  ck_assert_str_eq(sget(doc, "started_at"), r->started_at);
  ck_assert_str_eq(sget(doc, "target"), "sim");
  ck_assert_str_eq(sget(doc, "profile"), "note");
  ck_assert_double_eq_tol(json_number_value(json_object_get(doc, "time_scale")),
                          0.05, 1e-12);
  ck_assert_double_eq(json_number_value(json_object_get(doc, "duration_s")),
                      3.25);
  json_t *sum = json_object_get(doc, "summary");
  static const struct {
    const char *k;
    json_int_t n;
  } counts[] = {
      {"total", 4}, {"pass", 1}, {"fail", 1}, {"error", 1}, {"skip", 1}};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
    ck_assert_int_eq(json_integer_value(json_object_get(sum, counts[i].k)),
                     counts[i].n);

  json_t *cases = json_object_get(doc, "cases");
  ck_assert_uint_eq(json_array_size(cases), 4);
  json_t *c = json_array_get(cases, 0);
  ck_assert_str_eq(sget(c, "id"), "open.ok");
  ck_assert_str_eq(sget(c, "title"), "Open <works> & \"logs in\"");
  ck_assert_str_eq(sget(c, "spec"), "2.5");
  ck_assert_str_eq(sget(c, "file"), "cases/open/ok.yaml");
  ck_assert_uint_eq(json_array_size(json_object_get(c, "tags")), 2);
  ck_assert_str_eq(
      json_string_value(json_array_get(json_object_get(c, "tags"), 1)),
      "smoke");
  ck_assert_str_eq(sget(c, "verdict"), "pass");
  ck_assert(json_is_null(json_object_get(c, "reason")));
  ck_assert_int_eq(json_integer_value(json_object_get(c, "failed_step")), 0);
  /* Rounded to the millisecond. */
  ck_assert_double_eq(json_number_value(json_object_get(c, "duration_s")),
                      1.235);
  ck_assert_double_eq(json_number_value(json_object_get(c, "started_s")),
                      0.001);
  ck_assert(json_is_null(json_object_get(c, "dir")));
  json_t *tr = json_object_get(c, "transcript");
  ck_assert_uint_eq(json_array_size(tr), 3);
  json_t *e = json_array_get(tr, 1);
  ck_assert_double_eq(json_number_value(json_object_get(e, "t")), 0.5);
  ck_assert_str_eq(sget(e, "dir"), "<");
  ck_assert_str_eq(sget(e, "text"), "OK\\r\\n");
  ck_assert_str_eq(sget(json_array_get(tr, 2), "dir"), "#");
  ck_assert_uint_eq(json_array_size(json_object_get(c, "unexpected")), 0);

  c = json_array_get(cases, 1);
  ck_assert_str_eq(sget(c, "verdict"), "fail");
  ck_assert_int_eq(json_integer_value(json_object_get(c, "failed_step")), 4);
  ck_assert_str_eq(sget(c, "reason"), "step 4 (get.yaml:12:5): expected "
                                      "`<0>` & got \"]]>\" 'x'\x02\x1b");
  ck_assert_str_eq(
      json_string_value(json_array_get(json_object_get(c, "unexpected"), 0)),
      "+QIURC: \"pdpdeact\",1");
  ck_assert_uint_eq(json_array_size(json_object_get(c, "tags")), 0);
  ck_assert_str_eq(sget(json_array_get(cases, 3), "verdict"), "skip");
  json_decref(doc);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_key_order_and_indent)
{
  qr_run_result *r = tu_sample_run();
  json_decref(write_and_load(r));
  char *text = tu_slurp(path);
  ck_assert_ptr_nonnull(text);
  static const char *const order[] = {
      "\"schema\"",      "\"tool\"",      "\"version\"",    "\"started_at\"",
      "\"target\"",      "\"profile\"",   "\"time_scale\"", "\"duration_s\"",
      "\"interrupted\"", "\"planned\"",   "\"summary\"",    "\"total\"",
      "\"pass\"",        "\"fail\"",      "\"error\"",      "\"skip\"",
      "\"cases\"",       "\"id\"",        "\"title\"",      "\"spec\"",
      "\"file\"",        "\"tags\"",      "\"verdict\"",    "\"reason\"",
      "\"failed_step\"", "\"started_s\"", "\"duration_s\"", "\"phases\"",
      "\"dir\"",         "\"failure\"",  "\"steps\"",
      "\"transcript\"",  "\"t\"",         "\"dir\"",        "\"text\"",
      "\"step\"",        "\"unexpected\"", "\"latency\""};
  const char *p = text;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const char *q = strstr(p, order[i]);
    ck_assert_msg(q != NULL, "%s missing or out of order", order[i]);
    p = q + strlen(order[i]);
  }
  ck_assert(strncmp(text, "{\n  \"schema\": 1,\n", 17) == 0);
  ck_assert_int_eq(text[strlen(text) - 1], '\n');
  /* Same model, same bytes: the file is diffable. */
  char err[256];
  char again[160];
  snprintf(again, sizeof again, "%s/again.json", dir);
  ck_assert_int_eq(qr_write_json(r, again, err, sizeof err), 0);
  char *text2 = tu_slurp(again);
  ck_assert_str_eq(text, text2);
  free(text);
  free(text2);
  qr_run_result_free(r);
}
END_TEST

/* Phase timings: only the phases a case went through, in run order,
 * rounded to the millisecond; none at all for a case that ran none. */
START_TEST(test_phases)
{
  qr_run_result *r = tu_sample_run();
  qr_case_result *c = &r->cases[0];
  for (int i = 0; i < QR_PHASES; i++)
    ck_assert(c->phase_s[i] < 0); /* a new case has run no phase */
  c->phase_s[QR_PHASE_FINISH] = 0.0004;
  c->phase_s[QR_PHASE_PREPARE] = 0.0123;
  c->phase_s[QR_PHASE_STEPS] = 1.5;
  json_t *doc = write_and_load(r);
  json_t *cases = json_object_get(doc, "cases");
  json_t *ph = json_object_get(json_array_get(cases, 0), "phases");
  ck_assert(json_is_object(ph));
  ck_assert_uint_eq(json_object_size(ph), 3);
  ck_assert_double_eq_tol(json_number_value(json_object_get(ph, "prepare")),
                          0.012, 1e-9);
  ck_assert_double_eq(json_number_value(json_object_get(ph, "steps")), 1.5);
  ck_assert_double_eq(json_number_value(json_object_get(ph, "finish")), 0.0);
  ck_assert_ptr_null(json_object_get(ph, "teardown"));
  /* In run order, whatever order the runner filled them in. */
  const char *want[] = {"prepare", "steps", "finish"};
  size_t n = 0;
  const char *key;
  json_t *v;
  json_object_foreach(ph, key, v)
  {
    ck_assert_uint_lt(n, 3);
    ck_assert_str_eq(key, want[n++]);
  }
  json_t *none = json_object_get(json_array_get(cases, 1), "phases");
  ck_assert(json_is_object(none));
  ck_assert_uint_eq(json_object_size(none), 0);
  json_decref(doc);
  qr_run_result_free(r);
  ck_assert_str_eq(qr_phase_name(QR_PHASE_START_EVIDENCE), "start_evidence");
  ck_assert_str_eq(qr_phase_name(QR_PHASE_EVIDENCE), "evidence");
  ck_assert_str_eq(qr_phase_name((qr_phase)QR_PHASES), "?");
}
END_TEST

/* The module's identity and the stop reason: null when absent, the
 * preflight's reading when set (IMEI only masked). */
START_TEST(test_module_and_stop)
{
  qr_run_result *r = tu_sample_run();
  json_t *doc = write_and_load(r);
  ck_assert(json_is_null(json_object_get(doc, "module")));
  ck_assert(json_is_null(json_object_get(doc, "stop_reason")));
  ck_assert(json_is_null(json_object_get(doc, "stop_detail")));
  json_decref(doc);
  const char *ati[] = {"Quectel", "EG800K", "Revision: EG800KCNGCR07A06M04"};
  qr_module_info *m = qr_run_set_module(r, "Quectel", "EG800K",
                                        "EG800KCNGCR07A06M04", "****0042", ati,
                                        3, false, true, "READY");
  qr_module_add_pdp(m, 1, 1, 3, "10.0.0.1 2001:db8::1");
  qr_run_set_stop(r, "max-module-errors", "3 consecutive cases in error");
  doc = write_and_load(r);
  const json_t *mo = json_object_get(doc, "module");
  ck_assert_str_eq(json_string_value(json_object_get(mo, "manufacturer")),
                   "Quectel");
  ck_assert_str_eq(json_string_value(json_object_get(mo, "model")), "EG800K");
  ck_assert_str_eq(json_string_value(json_object_get(mo, "revision")),
                   "EG800KCNGCR07A06M04");
  ck_assert_str_eq(json_string_value(json_object_get(mo, "imei_masked")),
                   "****0042");
  const json_t *a = json_object_get(mo, "ati");
  ck_assert_uint_eq(json_array_size(a), 3);
  ck_assert_str_eq(json_string_value(json_array_get(a, 2)),
                   "Revision: EG800KCNGCR07A06M04");
  ck_assert(json_is_false(json_object_get(mo, "echo")));
  ck_assert(json_is_true(json_object_get(mo, "sim_ready")));
  const json_t *p = json_array_get(json_object_get(mo, "pdp"), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(p, "context")), 1);
  ck_assert_int_eq(json_integer_value(json_object_get(p, "type")), 3);
  const json_t *ad = json_object_get(p, "addresses");
  ck_assert_uint_eq(json_array_size(ad), 2);
  ck_assert_str_eq(json_string_value(json_array_get(ad, 1)), "2001:db8::1");
  ck_assert_str_eq(json_string_value(json_object_get(doc, "stop_reason")),
                   "max-module-errors");
  ck_assert_str_eq(json_string_value(json_object_get(doc, "stop_detail")),
                   "3 consecutive cases in error");
  json_decref(doc);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_invalid_utf8_repaired)
{
  qr_run_result *r = qr_run_result_new("sim", "p", 1.0);
  qr_case_result *c = qr_run_add_case(r, "x", "caf\xc3\xa9", "s", "f", NULL, 0);
  qr_case_set_verdict(c, QR_FAIL, 1, "got \xff\xfe here");
  json_t *doc = write_and_load(r);
  json_t *jc = json_array_get(json_object_get(doc, "cases"), 0);
  ck_assert_str_eq(sget(jc, "reason"), "got \\xff\\xfe here");
  ck_assert_str_eq(sget(jc, "title"), "caf\xc3\xa9"); /* valid: kept */
  json_decref(doc);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_atomic_no_temp_left)
{
  qr_run_result *r = tu_sample_run();
  tu_spit(path, "old");
  json_decref(write_and_load(r));
  ck_assert_int_eq(tu_count_names(dir, ".tmp"), 0);
  ck_assert_int_eq(tu_count_names(dir, "results.json"), 1);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0644);
  qr_run_result_free(r);
}
END_TEST

START_TEST(test_unwritable_dir)
{
  qr_run_result *r = tu_sample_run();
  /* A regular file where the directory should be: fails even for root. */
  char file[128], bad[192], err[256] = "";
  snprintf(file, sizeof file, "%s/plainfile", dir);
  tu_spit(file, "x");
  snprintf(bad, sizeof bad, "%s/results.json", file);
  ck_assert_int_eq(qr_write_json(r, bad, err, sizeof err), -1);
  ck_assert_msg(strstr(err, bad) != NULL, "err does not name %s: %s", bad, err);
  snprintf(bad, sizeof bad, "%s/missing/results.json", dir);
  ck_assert_int_eq(qr_write_json(r, bad, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "missing/results.json"));
  ck_assert_int_eq(qr_write_json(r, bad, NULL, 0), -1); /* no err buffer */
  qr_run_result_free(r);
}
END_TEST

static const struct {
  const char *text;
  const char *why; /* part of the message */
} bad_docs[] = {
    {"{\"schema\": 1, \"cases\": [", "results.json:1:"},
    {"[]", "not a JSON object"},
    {"{\"schema\": 2, \"cases\": []}", "schema"},
    {"{\"schema\": 1}", "cases"},
    {"{\"schema\": 1, \"cases\": [{\"verdict\": \"pass\"}]}", "id"},
    {"{\"schema\": 1, \"cases\": [{\"id\": \"a\", \"verdict\": \"ok\"}]}",
     "verdict"},
    {"{\"schema\": 1, \"interrupted\": \"yes\", \"cases\": []}",
     "\"interrupted\" is not true or false"},
    {"{\"schema\": 1, \"planned\": -1, \"cases\": []}",
     "\"planned\" is not a count"},
    {"{\"schema\": 1, \"planned\": \"3\", \"cases\": []}",
     "\"planned\" is not a count"},
    {"{\"schema\": 1, \"planned\": 0, \"cases\": [{\"id\": \"a\", "
     "\"verdict\": \"pass\"}]}",
     "\"planned\" is less than the number of cases"},
};

START_TEST(test_loader_rejects)
{
  tu_spit(path, bad_docs[_i].text);
  char err[256] = "";
  ck_assert_ptr_null(qr_doc_load(path, err, sizeof err));
  ck_assert_msg(strstr(err, bad_docs[_i].why) != NULL, "%s", err);
  ck_assert_msg(strstr(err, path) != NULL, "%s", err);
  char out[160];
  snprintf(out, sizeof out, "%s/junit.xml", dir);
  ck_assert_int_eq(qr_render_junit(path, out, err, sizeof err), -1);
  ck_assert_int_eq(access(out, F_OK), -1); /* nothing half-written */
}
END_TEST

/* The model's run state as written: planned never below what ran. */
static const struct {
  bool interrupted;
  size_t planned; /* in the model; the sample run has 4 cases */
  const char *want;
} run_states[] = {
    {false, 0, "  \"interrupted\": false,\n  \"planned\": 4,\n"},
    {false, 4, "  \"interrupted\": false,\n  \"planned\": 4,\n"},
    {true, 10, "  \"interrupted\": true,\n  \"planned\": 10,\n"},
    {true, 2, "  \"interrupted\": true,\n  \"planned\": 4,\n"},
};

START_TEST(test_run_state_written)
{
  qr_run_result *r = tu_sample_run();
  r->interrupted = run_states[_i].interrupted;
  r->planned = run_states[_i].planned;
  json_decref(write_and_load(r));
  char *text = tu_slurp(path);
  ck_assert_msg(strstr(text, run_states[_i].want) != NULL, "%s", text);
  free(text);
  qr_run_result_free(r);
}
END_TEST

/* What the loader gives the renderers and the diff, old files included. */
static const struct {
  const char *text;
  bool interrupted;
  size_t ran, planned;
} loaded_states[] = {
    /* Written before the fields existed: a complete run. */
    {"{\"schema\": 1, \"cases\": [{\"id\": \"a\", \"verdict\": \"pass\"}, "
     "{\"id\": \"b\", \"verdict\": \"fail\"}]}",
     false, 2, 2},
    {"{\"schema\": 1, \"cases\": []}", false, 0, 0},
    {"{\"schema\": 1, \"interrupted\": true, \"planned\": 7, \"cases\": "
     "[{\"id\": \"a\", \"verdict\": \"pass\"}]}",
     true, 1, 7},
    {"{\"schema\": 1, \"interrupted\": false, \"planned\": 1, \"cases\": "
     "[{\"id\": \"a\", \"verdict\": \"pass\"}]}",
     false, 1, 1},
    /* Written while the run went on: interrupted, whatever it says. */
    {"{\"schema\": 1, \"interrupted\": false, \"planned\": 3, "
     "\"stop_reason\": \"running\", \"cases\": "
     "[{\"id\": \"a\", \"verdict\": \"pass\"}]}",
     true, 1, 3},
};

START_TEST(test_loader_run_state)
{
  tu_spit(path, loaded_states[_i].text);
  char err[256] = "";
  json_t *doc = qr_doc_load(path, err, sizeof err);
  ck_assert_msg(doc != NULL, "%s", err);
  qr_doc_run st = qr_doc_run_state(doc);
  ck_assert_int_eq(st.interrupted, loaded_states[_i].interrupted);
  ck_assert_uint_eq(st.ran, loaded_states[_i].ran);
  ck_assert_uint_eq(st.planned, loaded_states[_i].planned);
  /* Made explicit in the document the renderers see. */
  ck_assert(json_is_boolean(json_object_get(doc, "interrupted")));
  ck_assert_int_eq(json_integer_value(json_object_get(doc, "planned")),
                   (json_int_t)loaded_states[_i].planned);
  json_decref(doc);
}
END_TEST

/* Whole messages: the path once, the system's words, real 1-based
 * line:column for syntax errors. "%s" is the file's path. */
static const struct {
  const char *text; /* NULL: no such file; "/": a directory */
  const char *want;
} load_errors[] = {
    {NULL, "cannot read %s: No such file or directory"},
    {"/", "cannot read %s: Is a directory"},
    {"", "%s:1:1: '[' or '{' expected near end of file"},
    {"{\"schema\": 1,\n", "%s:2:1: string or '}' expected near end of file"},
    {"{\"schema\": 1,\n  \"cases\": x}", "%s:2:12: invalid token near 'x'"},
    {"{\"a\": 1, \"a\": 2}", "%s:1:12: duplicate object key near '\"a\"'"},
    {"{}\n{", "%s:2:1: end of file expected near '{'"},
    /* the quoted text near the error holds a newline: escaped, one line */
    {"{\"ca\\\n\": 1}", "%s:2:1: invalid escape near '\"ca\\\\n'"},
};

START_TEST(test_loader_messages)
{
  char p[160], want[320], err[320] = "";
  if (!load_errors[_i].text) {
    snprintf(p, sizeof p, "%s/missing.json", dir);
  } else if (strcmp(load_errors[_i].text, "/") == 0) {
    snprintf(p, sizeof p, "%s", dir);
  } else {
    snprintf(p, sizeof p, "%s", path);
    tu_spit(p, load_errors[_i].text);
  }
  snprintf(want, sizeof want, load_errors[_i].want, p);
  ck_assert_ptr_null(qr_doc_load(p, err, sizeof err));
  ck_assert_str_eq(err, want);
}
END_TEST


/* Issue 13's keys: the failure record, the steps, each entry's step, the
 * latencies read off the transcript, the case's interrupted flag. */
START_TEST(test_failure_steps_latency)
{
  qr_run_result *r = qr_run_result_new("sim", "note", 1.0);
  qr_case_result *c = qr_run_add_case(r, "get.com", "t", "2.9",
                                      "cases/get/com.yaml", NULL, 0);
  c->cur_step = 1;
  qr_case_add_line(c, 0.100, '>', "AT+QFTPOPEN=\"h\",21", (size_t)-1);
  qr_case_add_line(c, 0.1124, '<', "OK", (size_t)-1);
  c->cur_step = 2;
  qr_case_add_line(c, 0.350, '<', "+QFTPOPEN: 625", (size_t)-1);
  c->cur_step = -1;
  qr_case_add_line(c, 0.400, '>', "AT+QIDEACT=1", (size_t)-1);
  qr_case_add_step(c, "send", "cases/_fragments/login.yaml:4:5", "login");
  qr_case_add_step(c, "wait_for", "cases/get/com.yaml:12:5", NULL);
  qr_case_add_step(c, "expect", "cases/get/com.yaml:13:5", NULL);
  qr_case_step_status(c, 0, QR_STEP_PASS, 0.0999);
  qr_case_step_status(c, 1, QR_STEP_FAIL, 0.113);
  qr_case_set_verdict(c, QR_FAIL, 2, "step 2: expected ...");
  qr_case_set_failure(c, 2, "wait_for", "cases/get/com.yaml:12:5", NULL,
                      "+QFTPOPEN: 0,0", "+QFTPOPEN: 625", 2);
  qr_case_result *p = qr_run_add_case(r, "a.pass", "t", "1", "x.yaml", NULL,
                                      0);
  qr_case_set_failure(p, 1, "expect", NULL, NULL, "", "", -1);
  qr_case_set_verdict(p, QR_PASS, 0, NULL); /* a pass drops the record */
  qr_case_result *i = qr_run_add_case(r, "b.cut", "t", "1", "x.yaml", NULL,
                                      0);
  qr_case_set_verdict(i, QR_ERROR, 1, "interrupted");
  i->interrupted = true;
  json_t *doc = write_and_load(r);
  json_t *cases = json_object_get(doc, "cases");
  json_t *j = json_array_get(cases, 0);
  json_t *f = json_object_get(j, "failure");
  ck_assert_int_eq(json_integer_value(json_object_get(f, "step")), 2);
  ck_assert_str_eq(sget(f, "kind"), "wait_for");
  ck_assert_str_eq(sget(f, "where"), "cases/get/com.yaml:12:5");
  ck_assert(json_is_null(json_object_get(f, "fragment")));
  ck_assert_str_eq(sget(f, "expected"), "+QFTPOPEN: 0,0");
  ck_assert_str_eq(sget(f, "seen"), "+QFTPOPEN: 625");
  ck_assert_int_eq(json_integer_value(json_object_get(f, "line")), 2);
  ck_assert_ptr_null(json_object_get(j, "interrupted"));
  json_t *st = json_object_get(j, "steps");
  ck_assert_uint_eq(json_array_size(st), 3);
  ck_assert_str_eq(sget(json_array_get(st, 0), "fragment"), "login");
  ck_assert_str_eq(sget(json_array_get(st, 0), "status"), "pass");
  ck_assert(fabs(json_real_value(json_object_get(json_array_get(st, 0), "t")) -
                 0.1) < 1e-9);
  ck_assert_str_eq(sget(json_array_get(st, 1), "status"), "fail");
  ck_assert_str_eq(sget(json_array_get(st, 2), "status"), "not-run");
  ck_assert(json_is_null(json_object_get(json_array_get(st, 2), "t")));
  json_t *tr = json_object_get(j, "transcript");
  ck_assert_int_eq(
      json_integer_value(json_object_get(json_array_get(tr, 0), "step")), 1);
  ck_assert_int_eq(
      json_integer_value(json_object_get(json_array_get(tr, 2), "step")), 2);
  ck_assert_int_eq(
      json_integer_value(json_object_get(json_array_get(tr, 3), "step")), -1);
  json_t *lat = json_object_get(j, "latency");
  ck_assert_uint_ge(json_array_size(lat), 1);
  json_t *l0 = json_array_get(lat, 0);
  ck_assert_str_eq(sget(l0, "cmd"), "AT+QFTPOPEN");
  ck_assert_str_eq(sget(l0, "to"), "ok");
  ck_assert(fabs(json_real_value(json_object_get(l0, "s")) - 0.012) < 1e-9);
  ck_assert_int_eq(json_integer_value(json_object_get(l0, "line")), 1);
  json_t *pj = json_array_get(cases, 1);
  ck_assert(json_is_null(json_object_get(pj, "failure")));
  ck_assert_uint_eq(json_array_size(json_object_get(pj, "steps")), 0);
  ck_assert_uint_eq(json_array_size(json_object_get(pj, "latency")), 0);
  ck_assert(json_is_true(json_object_get(json_array_get(cases, 2),
                                         "interrupted")));
  json_decref(doc);
  qr_run_result_free(r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_json");
  TCase *tc = tcase_create("json");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_key_order_and_indent);
  tcase_add_test(tc, test_failure_steps_latency);
  tcase_add_test(tc, test_invalid_utf8_repaired);
  tcase_add_test(tc, test_module_and_stop);
  tcase_add_test(tc, test_phases);
  tcase_add_test(tc, test_atomic_no_temp_left);
  tcase_add_test(tc, test_unwritable_dir);
  tcase_add_loop_test(tc, test_loader_rejects, 0,
                      (int)(sizeof bad_docs / sizeof bad_docs[0]));
  tcase_add_loop_test(tc, test_run_state_written, 0,
                      (int)(sizeof run_states / sizeof run_states[0]));
  tcase_add_loop_test(tc, test_loader_run_state, 0,
                      (int)(sizeof loaded_states / sizeof loaded_states[0]));
  tcase_add_loop_test(tc, test_loader_messages, 0,
                      (int)(sizeof load_errors / sizeof load_errors[0]));
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
