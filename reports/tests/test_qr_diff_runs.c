/* Unit tests: qr_diff on hand-made results.json files with the later
 * keys ("latency", "failure", cases cut short, runs still
 * running) and without them: paths normalised, not run is never a
 * regression, latency drift per family, the HTML page. */
#include "qr_diff.h"
#include "qr_test_util.h"

static char dir[64];
static char po[192], pn[192];

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

/* {"schema": 1, HEAD "cases": [CASES]} at path. */
static void run_file(const char *path, const char *head, const char *cases)
{
  char body[8192];
  snprintf(body, sizeof body, "{\"schema\": 1, %s\"cases\": [%s]}", head,
           cases);
  tu_spit(path, body);
}

/* qr_diff_open on po, pn with opts (NULL: defaults); the text into *text
 * (caller frees). */
static qr_diff_result *open_diff(const qr_diff_opts *o, char **text)
{
  char err[512] = "";
  qr_diff_result *d = qr_diff_open(po, pn, o, err, sizeof err);
  ck_assert_msg(d != NULL, "%s", err);
  size_t len;
  FILE *out = open_memstream(text, &len);
  ck_assert_ptr_nonnull(out);
  qr_diff_text(d, out);
  fclose(out);
  return d;
}

/* The same run in two report directories of two workspaces: its paths
 * differ, nothing else does. */
START_TEST(test_diff_copied_run)
{
  char d1[128], d2[128], c[2048];
  snprintf(d1, sizeof d1, "%s/A", dir);
  snprintf(d2, sizeof d2, "%s/copy", dir);
  ck_assert_int_eq(mkdir(d1, 0755), 0);
  ck_assert_int_eq(mkdir(d2, 0755), 0);
  snprintf(po, sizeof po, "%s/results.json", d1);
  snprintf(pn, sizeof pn, "%s/results.json", d2);
  const char *fmt =
      "{\"id\": \"a\", \"verdict\": \"fail\", \"reason\": \"step 4 "
      "(%s/cases/get/com.yaml:12:5): expected `OK`; see "
      "%s/cases/a/server.log and %s/workers/w1/sim.log\"}, "
      "{\"id\": \"b\", \"verdict\": \"error\", \"reason\": \"cannot read "
      "%s\"}";
  snprintf(c, sizeof c, fmt, "/ws1/proj", d1, d1, d1);
  run_file(po, "", c);
  snprintf(c, sizeof c, fmt, "/builds/x/qftp", d2, d2, d2);
  run_file(pn, "", c);
  char *text;
  qr_diff_result *d = open_diff(NULL, &text);
  qr_diff_counts n = qr_diff_get_counts(d);
  ck_assert_uint_eq(n.same, 2);
  ck_assert_uint_eq(n.changed + n.regressed + n.fixed, 0);
  ck_assert_msg(strstr(text, "\n0 regressed, 0 fixed, 0 changed") != NULL,
                "%s", text);
  qr_diff_free(d);
  free(text);
  /* The copy still names the original directory: the same. */
  snprintf(c, sizeof c, fmt, "/ws1/proj", d1, d1, d1);
  run_file(pn, "", c);
  d = open_diff(NULL, &text);
  ck_assert_uint_eq(qr_diff_get_counts(d).same, 2);
  qr_diff_free(d);
  free(text);
  /* A change that is not a path's: changed, both reasons shown. */
  snprintf(c, sizeof c, fmt, "/ws1/proj", d1, d1, "/elsewhere");
  run_file(pn, "", c);
  d = open_diff(NULL, &text);
  ck_assert_uint_eq(qr_diff_get_counts(d).changed, 1);
  ck_assert_msg(strstr(text, "changed    b: error -> error: cannot read "
                             "/elsewhere\n           was: cannot read "
                             "<report>\n") != NULL,
                "%s", text);
  qr_diff_free(d);
  free(text);
}
END_TEST

/* A case cut short is not run, whichever side, never a regression. */
static const struct {
  const char *old_head, *old_cases, *new_head, *new_cases;
  size_t notrun, regressed;
  const char *want; /* a line of the text */
} cut[] = {
    /* the key */
    {"", "{\"id\": \"x\", \"verdict\": \"pass\"}",
     "\"interrupted\": true, \"planned\": 2, \"stop_reason\": "
     "\"interrupted\", ",
     "{\"id\": \"x\", \"verdict\": \"error\", \"reason\": \"module hung "
     "up\", \"interrupted\": true}",
     2, 0, "not run    x: pass -> error (interrupted): module hung up\n"},
    {"\"interrupted\": true, \"planned\": 2, ",
     "{\"id\": \"x\", \"verdict\": \"error\", \"interrupted\": true}", "",
     "{\"id\": \"x\", \"verdict\": \"pass\"}", 2, 0,
     "not run    x: error (interrupted) -> pass\n"},
    /* a file before the key: the last case of a run a signal stopped */
    {"", "{\"id\": \"x\", \"verdict\": \"pass\"}",
     "\"interrupted\": true, \"planned\": 2, \"stop_reason\": "
     "\"interrupted\", ",
     "{\"id\": \"x\", \"verdict\": \"error\", \"reason\": \"r\"}", 2, 0,
     "not run    x: pass -> error (interrupted): r\n"},
    /* ... but not when the run stopped for another reason */
    {"", "{\"id\": \"x\", \"verdict\": \"pass\"}",
     "\"interrupted\": true, \"planned\": 2, \"stop_reason\": "
     "\"device-lost\", ",
     "{\"id\": \"x\", \"verdict\": \"error\", \"reason\": \"r\"}", 1, 1,
     "regressed  x: pass -> error: r\n"},
    /* ... nor when the file has the key: it would say so */
    {"", "{\"id\": \"x\", \"verdict\": \"pass\"}",
     "\"interrupted\": true, \"planned\": 2, \"stop_reason\": "
     "\"interrupted\", ",
     "{\"id\": \"x\", \"verdict\": \"error\", \"reason\": \"r\", "
     "\"interrupted\": false}",
     1, 1, "regressed  x: pass -> error: r\n"},
    /* a file written mid-run */
    {"", "{\"id\": \"x\", \"verdict\": \"pass\"}",
     "\"interrupted\": true, \"planned\": 2, \"stop_reason\": \"running\", "
     "\"stop_detail\": \"the run had not finished when this file was "
     "written (1 of 2 cases)\", ",
     "{\"id\": \"x\", \"verdict\": \"pass\"}", 1, 0,
     "warning: NEW run had not finished when its results.json was written "
     "(1 of 2 cases); cases it lacks are listed as not run\n"},
};

START_TEST(test_diff_cut_short)
{
  char oc[512], nc[512];
  /* One more case OLD has, y: NEW lacks it. */
  snprintf(oc, sizeof oc, "%s, {\"id\": \"y\", \"verdict\": \"pass\"}",
           cut[_i].old_cases);
  snprintf(nc, sizeof nc, "%s", cut[_i].new_cases);
  if (_i == 1) { /* OLD is the interrupted run: NEW has y */
    snprintf(oc, sizeof oc, "%s", cut[_i].old_cases);
    snprintf(nc, sizeof nc, "%s, {\"id\": \"y\", \"verdict\": \"fail\"}",
             cut[_i].new_cases);
  }
  run_file(po, cut[_i].old_head, oc);
  run_file(pn, cut[_i].new_head, nc);
  char *text;
  qr_diff_result *d = open_diff(NULL, &text);
  qr_diff_counts n = qr_diff_get_counts(d);
  ck_assert_msg(strstr(text, cut[_i].want) != NULL, "%s", text);
  ck_assert_uint_eq(n.notrun, cut[_i].notrun);
  ck_assert_uint_eq(n.regressed, cut[_i].regressed);
  ck_assert_uint_eq(n.removed + n.added, 0);
  qr_diff_free(d);
  free(text);
}
END_TEST

START_TEST(test_diff_time_scale)
{
  run_file(po, "\"time_scale\": 0.05, ", "");
  run_file(pn, "\"time_scale\": 0.01, ", "");
  char *text;
  qr_diff_result *d = open_diff(NULL, &text);
  ck_assert_msg(strstr(text, "\nwarning: time_scale differs: OLD 0.05, NEW "
                             "0.01\n") != NULL,
                "%s", text);
  qr_diff_free(d);
  free(text);
  run_file(pn, "", "");
  d = open_diff(NULL, &text);
  ck_assert_msg(strstr(text, "time_scale differs: OLD 0.05, NEW (none)\n"),
                "%s", text);
  qr_diff_free(d);
  free(text);
}
END_TEST

/* A case with "latency" samples of AT+QFTPOPEN to urc. */
static void lat_case(char *out, size_t len, const char *id, double s1,
                     double s2, double s3)
{
  snprintf(out, len,
           "{\"id\": \"%s\", \"verdict\": \"pass\", \"latency\": ["
           "{\"cmd\": \"AT+QFTPOPEN\", \"to\": \"urc\", \"s\": %.3f, "
           "\"line\": 4}, "
           "{\"cmd\": \"AT+QFTPOPEN\", \"to\": \"urc\", \"s\": %.3f, "
           "\"line\": 9}, "
           "{\"cmd\": \"AT+QFTPOPEN\", \"to\": \"urc\", \"s\": %.3f, "
           "\"line\": 14}, "
           "{\"cmd\": \"AT+QFTPOPEN\", \"to\": \"ok\", \"s\": 0.001, "
           "\"line\": 3}]}",
           id, s1, s2, s3);
}

/* p50 OLD -> NEW under thresholds: drifted or not. */
static const struct {
  double old_p50, new_p50, pct, min_ms;
  int drifted;
} drift[] = {
    {0.100, 0.200, 25, 5, 1},  /* +100 % */
    {0.200, 0.100, 25, 5, 1},  /* faster is drift too */
    {0.100, 0.120, 25, 5, 0},  /* +20 % */
    {0.100, 0.120, 10, 5, 1},  /* --drift 10 */
    {0.010, 0.014, 25, 5, 0},  /* +40 % but 4 ms */
    {0.010, 0.014, 25, 3, 1},  /* --drift-min-ms 3 */
    {0.010, 0.015, 25, 5, 1},  /* 5 ms is at least 5 ms */
    {0.000, 0.004, 25, 5, 0},  /* from nothing, but under 5 ms */
    {0.000, 0.900, 25, 5, 1},
    {0.100, 0.100, 0, 0, 0},   /* still */
};

START_TEST(test_diff_drift)
{
  char oc[1024], nc[1024];
  double a = drift[_i].old_p50, b = drift[_i].new_p50;
  lat_case(oc, sizeof oc, "x", a, a, a + 0.050);
  lat_case(nc, sizeof nc, "x", b, b, b + 0.050);
  run_file(po, "", oc);
  run_file(pn, "", nc);
  qr_diff_opts o = {.drift_pct = drift[_i].pct,
                    .drift_min_ms = drift[_i].min_ms};
  char *text;
  qr_diff_result *d = open_diff(&o, &text);
  qr_diff_counts n = qr_diff_get_counts(d);
  ck_assert_uint_eq(n.families, 2); /* ok and urc */
  ck_assert_uint_eq(n.drifted, (size_t)drift[_i].drifted);
  ck_assert_uint_eq(n.regressed, 0);
  char want[160];
  snprintf(want, sizeof want,
           "drift      AT+QFTPOPEN urc: p50 %.0f ms -> %.0f ms (%+.0f ms), "
           "p95 %.0f ms -> %.0f ms; 3 -> 3 samples\n",
           a * 1000, b * 1000, (b - a) * 1000, (a + 0.05) * 1000,
           (b + 0.05) * 1000);
  ck_assert_msg((strstr(text, want) != NULL) == drift[_i].drifted, "%s",
                text);
  ck_assert_msg(strstr(text, "latency: ") != NULL, "%s", text);
  qr_diff_free(d);
  free(text);
}
END_TEST

/* A file without "latency": the samples come from its transcript; an
 * empty "latency" means none. One side without samples is no drift. */
START_TEST(test_diff_latency_from_transcript)
{
  const char *tr =
      "{\"id\": \"x\", \"verdict\": \"pass\", \"transcript\": ["
      "{\"t\": 0.0, \"dir\": \">\", \"text\": \"AT+QFTPOPEN=\\\"h\\\",21\"},"
      "{\"t\": 0.002, \"dir\": \"<\", \"text\": \"OK\"},"
      "{\"t\": 0.502, \"dir\": \"<\", \"text\": \"+QFTPOPEN: 0,0\"}]%s}";
  char oc[1024], nc[1024];
  snprintf(oc, sizeof oc, tr, "");
  snprintf(nc, sizeof nc, tr, "");
  /* NEW's URC twice as late. */
  char *p = strstr(nc, "0.502");
  memcpy(p, "1.002", 5);
  run_file(po, "", oc);
  run_file(pn, "", nc);
  char *text;
  qr_diff_result *d = open_diff(NULL, &text);
  ck_assert_uint_eq(qr_diff_get_counts(d).families, 2);
  ck_assert_uint_eq(qr_diff_get_counts(d).drifted, 1);
  ck_assert_msg(strstr(text, "drift      AT+QFTPOPEN urc: p50 500 ms -> "
                             "1000 ms (+500 ms)") != NULL,
                "%s", text);
  qr_diff_free(d);
  free(text);
  snprintf(nc, sizeof nc, tr, ", \"latency\": []");
  run_file(pn, "", nc);
  d = open_diff(NULL, &text);
  ck_assert_uint_eq(qr_diff_get_counts(d).families, 2);
  ck_assert_uint_eq(qr_diff_get_counts(d).drifted, 0);
  qr_diff_free(d);
  free(text);
  /* Like with like: a case only NEW has does not count. */
  snprintf(nc, sizeof nc, tr, "");
  memcpy(strstr(nc, "\"x\""), "\"y\"", 3);
  run_file(pn, "", nc);
  d = open_diff(NULL, &text);
  ck_assert_uint_eq(qr_diff_get_counts(d).added, 1);
  ck_assert_uint_eq(qr_diff_get_counts(d).families, 0);
  qr_diff_free(d);
  free(text);
  snprintf(nc, sizeof nc, tr, ", \"latency\": []");
  run_file(pn, "", nc);
  run_file(po, "", "{\"id\": \"x\", \"verdict\": \"pass\"}");
  d = open_diff(NULL, &text);
  ck_assert_msg(strstr(text, "\nlatency: no command latencies in either "
                             "run\n") != NULL,
                "%s", text);
  qr_diff_free(d);
  free(text);
}
END_TEST

START_TEST(test_diff_html)
{
  char oc[1024], nc[2048];
  lat_case(oc, sizeof oc, "a", 0.1, 0.1, 0.1);
  lat_case(nc, sizeof nc, "a", 0.9, 0.9, 0.9);
  strcat(oc, ", {\"id\": \"<b>\", \"verdict\": \"pass\"}");
  strcat(nc, ", {\"id\": \"<b>\", \"verdict\": \"fail\", \"reason\": "
             "\"got `<script>alert(1)</script>` & more\", \"failure\": "
             "{\"step\": 4, \"kind\": \"expect\", \"where\": "
             "\"/ws/p/cases/x.yaml:3:5\", \"fragment\": null, \"expected\": "
             "\"OK\", \"seen\": \"<script>\", \"line\": 7}}");
  run_file(po,
           "\"module\": {\"model\": \"EC25\", \"revision\": \"R06\"}, ",
           oc);
  run_file(pn,
           "\"module\": {\"model\": \"EC25\", \"revision\": \"R07&\"}, ",
           nc);
  char *text, html[192], err[256];
  qr_diff_result *d = open_diff(NULL, &text);
  snprintf(html, sizeof html, "%s/diff.html", dir);
  ck_assert_int_eq(qr_diff_write_html(d, html, err, sizeof err), 0);
  char *h = tu_slurp(html);
  ck_assert_ptr_nonnull(h);
  ck_assert_ptr_nonnull(strstr(h, "<!DOCTYPE html>"));
  ck_assert_ptr_nonnull(strstr(h, "EC25 rev R06 <b>vs</b> EC25 rev R07&amp;"));
  ck_assert_ptr_null(strstr(h, "<script"));
  ck_assert_ptr_null(strstr(h, "http")); /* self-contained */
  ck_assert_ptr_nonnull(strstr(h, "<td>&lt;b&gt;</td>"));
  ck_assert_ptr_nonnull(
      strstr(h, "got `&lt;script&gt;alert(1)&lt;/script&gt;` &amp; more"));
  ck_assert_ptr_nonnull(strstr(h, "step 4 (expect) at cases/x.yaml:3:5: "
                                  "expected `OK`, seen `&lt;script&gt;`"));
  ck_assert_ptr_nonnull(strstr(h, "<tr class=\"k-regressed\">"));
  /* Every family, the drifted one highlighted. */
  ck_assert_ptr_nonnull(strstr(
      h, "<tr class=\"drift\"><td>AT+QFTPOPEN</td><td>urc</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<tr><td>AT+QFTPOPEN</td><td>ok</td>"));
  free(h);
  /* A page that cannot be written says where. */
  ck_assert_int_eq(qr_diff_write_html(d, dir, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, dir));
  qr_diff_free(d);
  free(text);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("reports.diff_runs");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_diff_copied_run);
  tcase_add_loop_test(tc, test_diff_cut_short, 0,
                      (int)(sizeof cut / sizeof cut[0]));
  tcase_add_test(tc, test_diff_time_scale);
  tcase_add_loop_test(tc, test_diff_drift, 0,
                      (int)(sizeof drift / sizeof drift[0]));
  tcase_add_test(tc, test_diff_latency_from_transcript);
  tcase_add_test(tc, test_diff_html);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
