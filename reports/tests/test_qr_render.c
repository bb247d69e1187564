/* junit.xml, report.html and results.tap, rendered from results.json:
 * counts, escaping of what a module or a case file may put in text,
 * well-formedness. */
#include "qr_test_util.h"

static char dir[64];
static char json[128], xml[128], html[128], tap[128];

static void setup(void)
{
  tu_mkdtemp(dir, sizeof dir);
  snprintf(json, sizeof json, "%s/results.json", dir);
  snprintf(xml, sizeof xml, "%s/junit.xml", dir);
  snprintf(html, sizeof html, "%s/report.html", dir);
  snprintf(tap, sizeof tap, "%s/results.tap", dir);
}

static void teardown(void)
{
  tu_rmtree(dir);
}

typedef int (*renderer)(const char *, const char *, char *, size_t);

/* Renders fn from the sample run (interrupted after its 4 cases of 10 when
 * `stopped`) and returns the output file's text. */
static char *render_run(renderer fn, const char *out, int stopped)
{
  char err[256] = "";
  qr_run_result *r = tu_sample_run();
  r->interrupted = stopped != 0;
  r->planned = stopped ? 10 : 4;
  ck_assert_msg(qr_write_json(r, json, err, sizeof err) == 0, "%s", err);
  qr_run_result_free(r);
  ck_assert_msg(fn(json, out, err, sizeof err) == 0, "%s", err);
  char *text = tu_slurp(out);
  ck_assert_ptr_nonnull(text);
  return text;
}

/* Renders fn from the sample run (or from doc_text when not NULL) and
 * returns the output file's text. */
static char *render(renderer fn, const char *out, const char *doc_text)
{
  char err[256] = "";
  if (doc_text) {
    tu_spit(json, doc_text);
  } else {
    qr_run_result *r = tu_sample_run();
    ck_assert_msg(qr_write_json(r, json, err, sizeof err) == 0, "%s", err);
    qr_run_result_free(r);
  }
  ck_assert_msg(fn(json, out, err, sizeof err) == 0, "%s", err);
  char *text = tu_slurp(out);
  ck_assert_ptr_nonnull(text);
  ck_assert_int_eq(tu_count_names(dir, ".tmp"), 0);
  return text;
}

/* A hand-made result with what JSON can carry but markup cannot: control
 * characters (\u0001, \u001b, NUL), U+FFFE, "]]>", quotes of both kinds. */
static const char nasty_doc[] =
    "{\"schema\": 1, \"started_at\": \"2024-01-02T03:04:05.000Z\","
    " \"duration_s\": 1.5, \"cases\": ["
    "{\"id\": \"a<&>\\\"'\", \"verdict\": \"fail\", \"tags\": [\"t&g\"],"
    " \"reason\": \"]]> <x> & \\\"q\\\" 'a' \\u0001\\u001b\\u0000 "
    "\\ufffe tab\\tcr\\rlf\\nend\","
    " \"failed_step\": 2, \"duration_s\": 0.25,"
    " \"transcript\": [{\"t\": 0.5, \"dir\": \"<\","
    " \"text\": \"]]>\\u0002<b>&amp;\\u000c\"}],"
    " \"unexpected\": [\"u<]]>\\u0003\"]},"
    "{\"id\": \"b\", \"verdict\": \"error\", \"reason\": \"boom\"}]}";

START_TEST(test_junit_counts)
{
  char *x = render(qr_render_junit, xml, NULL);
  ck_assert_ptr_nonnull(
      strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  ck_assert_ptr_nonnull(strstr(x, "<testsuite name=\"qftp-harness\" "
                                  "tests=\"4\" failures=\"1\" errors=\"1\" "
                                  "skipped=\"1\" time=\"3.250\""));
  ck_assert_ptr_nonnull(strstr(x, " timestamp=\""));
  ck_assert_ptr_nonnull(strstr(x, "<testcase classname=\"qftpopen\" "
                                  "name=\"open.ok\" time=\"1.235\""));
  ck_assert_ptr_nonnull(
      strstr(x, "<testcase classname=\"cases\" name=\"get.fail\""));
  ck_assert_ptr_nonnull(strstr(x, "<failure message=\"step 4"));
  ck_assert_ptr_nonnull(
      strstr(x, "<error message=\"server plain: vsftpd exited 2\""));
  ck_assert_ptr_nonnull(strstr(x, "<skipped message=\"needs:sd # not"));
  ck_assert_ptr_nonnull(
      strstr(x, "<property name=\"profile\" value=\"note\"/>"));
  /* Transcript in system-out, escaped once, in the transcript format. */
  ck_assert_ptr_nonnull(strstr(x, "   0.500 &lt; OK\\r\\n\n"));
  ck_assert_ptr_nonnull(strstr(x, "   0.000 &gt; AT+QFTPOPEN=&quot;127.0.0.1"));
  int testcases = 0;
  for (const char *p = x; (p = strstr(p, "<testcase ")); p++)
    testcases++;
  ck_assert_int_eq(testcases, 4);
  char why[128] = "";
  ck_assert_msg(tu_xml_ok(x, why, sizeof why), "not well formed: %s", why);
  free(x);
}
END_TEST

START_TEST(test_junit_escaping)
{
  char *x = render(qr_render_junit, xml, nasty_doc);
  char why[128] = "";
  ck_assert_msg(tu_xml_ok(x, why, sizeof why), "not well formed: %s\n%s", why,
                x);
  ck_assert_ptr_null(strstr(x, "]]>"));
  ck_assert_ptr_nonnull(strstr(x, "name=\"a&lt;&amp;&gt;&quot;&#39;\""));
  ck_assert_ptr_nonnull(strstr(x, "classname=\"t&amp;g\""));
  /* In the attribute, TAB CR LF as references; controls as \xNN text. */
  ck_assert_ptr_nonnull(
      strstr(x, "message=\"]]&gt; &lt;x&gt; &amp; &quot;q&quot; &#39;a&#39; "
                "\\x01\\x1b\\x00 \\xef\\xbf\\xbe tab&#9;cr&#13;lf&#10;end\""));
  /* In the element body, TAB and LF as they are. */
  ck_assert_ptr_nonnull(strstr(x, "tab\tcr&#13;lf\nend\n(step 2)</failure>"));
  ck_assert_ptr_nonnull(
      strstr(x, "   0.500 &lt; ]]&gt;\\x02&lt;b&gt;&amp;amp;\\x0c\n"));
  ck_assert_ptr_nonnull(strstr(x, "  u&lt;]]&gt;\\x03\n"));
  ck_assert_ptr_nonnull(strstr(x, "<error message=\"boom\" type=\"error\">"));
  free(x);
}
END_TEST

START_TEST(test_junit_xmllint)
{
  /* Only where xmllint exists; the check above does not depend on it. */
  if (system("command -v xmllint >/dev/null 2>&1") != 0)
    return;
  static const char *const docs[] = {NULL, nasty_doc};
  for (size_t i = 0; i < 2; i++) {
    free(render(qr_render_junit, xml, docs[i]));
    char cmd[256];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", xml);
    ck_assert_int_eq(system(cmd), 0);
  }
}
END_TEST

START_TEST(test_html)
{
  char *h = render(qr_render_html, html, nasty_doc);
  ck_assert(strncmp(h, "<!DOCTYPE html>", 15) == 0);
  ck_assert_ptr_nonnull(strstr(h, "<meta charset=\"utf-8\">"));
  ck_assert_ptr_null(strstr(h, "<x>"));
  ck_assert_ptr_null(strstr(h, "<b>&amp;"));
  ck_assert_ptr_nonnull(strstr(h, "a&lt;&amp;&gt;&quot;&#39;"));
  ck_assert_ptr_nonnull(strstr(h, "]]&gt;\\x02&lt;b&gt;&amp;amp;\\x0c"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"fail\">fail</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"error\">error</td>"));
  /* A case that did not pass opens its transcript. */
  ck_assert_ptr_nonnull(
      strstr(h, "<details id=\"c0\" class=\"casebox v-fail t-t_g\" open>"));
  ck_assert_ptr_nonnull(
      strstr(h, "<details id=\"c1\" class=\"casebox v-error\" open>"));
  for (const char *p = h; *p; p++) {
    unsigned char c = (unsigned char)*p;
    ck_assert_msg(c >= 0x20 || c == '\n' || c == '\t',
                  "raw control byte 0x%02x in HTML", c);
  }
  free(h);
}
END_TEST

START_TEST(test_html_sample)
{
  char *h = render(qr_render_html, html, NULL);
  ck_assert_ptr_nonnull(
      strstr(h, "<details id=\"c0\" class=\"casebox v-pass t-qftpopen "
                "t-smoke\"><summary class=\"pass\">open.ok"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"skip\">skip</td>"));
  ck_assert_ptr_nonnull(
      strstr(h, "Open &lt;works&gt; &amp; &quot;logs in&quot;"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"num\">4</td><td class=\"num\">1"
                                  "</td><td class=\"num\">1</td><td "
                                  "class=\"num\">1</td><td class=\"num\">1"));
  ck_assert_ptr_nonnull(
      strstr(h, "<tr class=\"d-out\"><td class=\"num\">0.000"));
  /* The ladder: in time order, the reply (0.001) before the command
   * (0.002), escaped, then the data connection's life. */
  const char *reply = strstr(h, "<g class=\"rung reply\" data-from=\"server\" "
                                "data-to=\"module\"><title>0.001 s: 220 ready");
  const char *cmd = strstr(h, "<g class=\"rung cmd\" data-from=\"module\" "
                              "data-to=\"server\"><title>0.002 s: USER &lt;u&gt;");
  const char *data = strstr(h, "data 1 opened by the module: download, 12 bytes");
  ck_assert_ptr_nonnull(reply);
  ck_assert_ptr_nonnull(cmd);
  ck_assert_ptr_nonnull(data);
  ck_assert(reply < cmd && cmd < data);
  ck_assert_ptr_nonnull(strstr(h, "<g class=\"rung close rst\" "
                                  "data-from=\"module\" data-to=\"server\">"
                                  "<title>0.004 s: RST by the module</title>"));
  ck_assert_ptr_nonnull(strstr(h, "</body></html>\n"));
  free(h);
}
END_TEST

START_TEST(test_tap)
{
  char *t = render(qr_render_tap, tap, NULL);
  ck_assert(strncmp(t, "TAP version 13\n1..4\n", 20) == 0);
  ck_assert_ptr_nonnull(strstr(t, "\nok 1 - open.ok\n"));
  ck_assert_ptr_nonnull(strstr(t, "\nnot ok 2 - get.fail\n  ---\n  verdict: "
                                  "fail\n  reason: \"step 4"));
  ck_assert_ptr_nonnull(strstr(t, "\\u0002\\u001B\"\n  failed_step: 4\n"));
  ck_assert_ptr_nonnull(strstr(t, "\nnot ok 3 - srv.error\n"));
  ck_assert_ptr_nonnull(
      strstr(t, "\nok 4 - sd.skip # SKIP needs:sd \\# not on this target\n"));
  free(t);
}
END_TEST

START_TEST(test_render_missing_json)
{
  char err[256] = "", missing[160];
  snprintf(missing, sizeof missing, "%s/nope.json", dir);
  ck_assert_int_eq(qr_render_html(missing, html, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, missing));
  ck_assert_int_eq(access(html, F_OK), -1);
  /* A good JSON, an output where no file can be. */
  qr_run_result *r = tu_sample_run();
  ck_assert_int_eq(qr_write_json(r, json, err, sizeof err), 0);
  qr_run_result_free(r);
  char bad[192];
  snprintf(bad, sizeof bad, "%s/results.json/junit.xml", dir);
  ck_assert_int_eq(qr_render_junit(json, bad, err, sizeof err), -1);
  ck_assert_msg(strstr(err, bad) != NULL, "%s", err);
}
END_TEST

static size_t count(const char *s, const char *part)
{
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, part)); p++)
    n++;
  return n;
}

/* An interrupted run is red in CI: one more testcase, in error. */
START_TEST(test_junit_interrupted)
{
  char *x = render_run(qr_render_junit, xml, 1);
  ck_assert_ptr_nonnull(strstr(x, "<testsuite name=\"qftp-harness\" "
                                  "tests=\"5\" failures=\"1\" errors=\"2\" "
                                  "skipped=\"1\""));
  ck_assert_ptr_nonnull(
      strstr(x, "  <testcase classname=\"qftp-harness\" "
                "name=\"run.interrupted\" time=\"0.000\">\n"
                "    <error message=\"run interrupted after 4 of 10 cases\" "
                "type=\"interrupted\">run interrupted</error>\n"
                "  </testcase>\n</testsuite>\n"));
  ck_assert_ptr_nonnull(
      strstr(x, "<property name=\"interrupted\" value=\"true\"/>"));
  ck_assert_ptr_nonnull(strstr(x, "<property name=\"planned\" value=\"10\"/>"));
  ck_assert_uint_eq(count(x, "<testcase "), 5);
  char why[128] = "";
  ck_assert_msg(tu_xml_ok(x, why, sizeof why), "not well formed: %s", why);
  free(x);
  /* A complete run has no such testcase. */
  x = render_run(qr_render_junit, xml, 0);
  ck_assert_ptr_null(strstr(x, "run.interrupted"));
  ck_assert_ptr_nonnull(strstr(x, "tests=\"4\" failures=\"1\" errors=\"1\""));
  ck_assert_ptr_nonnull(
      strstr(x, "<property name=\"interrupted\" value=\"false\"/>"));
  free(x);
}
END_TEST

START_TEST(test_tap_interrupted)
{
  char *t = render_run(qr_render_tap, tap, 1);
  ck_assert(strncmp(t, "TAP version 13\n1..10\n", 21) == 0);
  /* After the last result, and the last line. */
  const char *bail =
      strstr(t, "Bail out! run interrupted after 4 of 10 cases\n");
  ck_assert_ptr_nonnull(bail);
  ck_assert(bail > strstr(t, "ok 4 - sd.skip"));
  ck_assert_str_eq(bail, "Bail out! run interrupted after 4 of 10 cases\n");
  free(t);
  t = render_run(qr_render_tap, tap, 0);
  ck_assert(strncmp(t, "TAP version 13\n1..4\n", 20) == 0);
  ck_assert_ptr_null(strstr(t, "Bail out!"));
  free(t);
}
END_TEST

START_TEST(test_html_interrupted)
{
  char *h = render_run(qr_render_html, html, 1);
  const char *banner = strstr(h, "<p class=\"interrupted\">Interrupted after "
                                 "4 of 10 cases");
  ck_assert_ptr_nonnull(banner);
  ck_assert(banner < strstr(h, "<h1>")); /* at the top */
  ck_assert(banner > strstr(h, "<body>"));
  free(h);
  h = render_run(qr_render_html, html, 0);
  ck_assert_ptr_null(strstr(h, "Interrupted after"));
  free(h);
}
END_TEST

/* Files written in the report directory before rendering, relative to it;
 * a trailing '/' makes a directory. */
static const char *const present[] = {
    "cases/open.ok/transcript.txt", "cases/open.ok/wire.pcap",
    "cases/open.ok/server.log/", /* a directory: no link */
    "cases/get.fail/module.log",    "cases/get.fail/proxy.log",
    "cases/a b&c\"/server.log",     "outside/transcript.txt",
};

/* What each case's paragraph must link (and must not). */
static const struct {
  const char *want, *not ;
} links[] = {
    {"<a class=\"file\" href=\"cases/open.ok/transcript.txt\">transcript.txt"
     "</a> <a class=\"file\" href=\"cases/open.ok/wire.pcap\">wire.pcap</a>"
     "</p>",
     "cases/open.ok/server.log\""},
    {"<code>cases/get.fail</code>: <a class=\"file\" href=\"cases/get.fail/"
     "module.log\">module.log</a> <a class=\"file\" href=\"cases/get.fail/"
     "proxy.log\">proxy.log</a></p>",
     "cases/get.fail/transcript.txt"},
    {"<code>cases/a b&amp;c&quot;</code>: <a class=\"file\" "
     "href=\"cases/a%20b%26c%22/server.log\">server.log</a></p>",
     NULL},
    {"<code>cases/../outside</code></p>", "outside/transcript.txt\""},
    {"<code>cases/none</code></p>", "cases/none/"},
};

START_TEST(test_html_case_links)
{
  for (size_t i = 0; i < sizeof present / sizeof present[0]; i++) {
    char p[256], *end;
    snprintf(p, sizeof p, "%s/%s", dir, present[i]);
    size_t n = strlen(p);
    int is_dir = p[n - 1] == '/';
    if (is_dir)
      p[n - 1] = '\0';
    for (end = strchr(p + strlen(dir) + 1, '/'); end;
         end = strchr(end + 1, '/')) {
      *end = '\0';
      mkdir(p, 0755);
      *end = '/';
    }
    if (is_dir)
      ck_assert_int_eq(mkdir(p, 0755), 0);
    else
      tu_spit(p, "x");
  }
  static const char doc[] =
      "{\"schema\": 1, \"cases\": ["
      "{\"id\": \"open.ok\", \"verdict\": \"pass\", \"dir\": "
      "\"cases/open.ok\"},"
      "{\"id\": \"get.fail\", \"verdict\": \"fail\", \"reason\": \"r\","
      " \"dir\": \"cases/get.fail\"},"
      "{\"id\": \"odd\", \"verdict\": \"pass\", \"dir\": \"cases/a b&c\\\"\"},"
      "{\"id\": \"esc\", \"verdict\": \"pass\", \"dir\": \"cases/../outside\"},"
      "{\"id\": \"none\", \"verdict\": \"pass\", \"dir\": \"cases/none\"}]}";
  char *h = render(qr_render_html, html, doc);
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    ck_assert_msg(strstr(h, links[i].want) != NULL, "missing %s",
                  links[i].want);
    if (links[i].not )
      ck_assert_msg(strstr(h, links[i].not ) == NULL, "has %s", links[i].not );
  }
  free(h);
}
END_TEST

/* qr_write_all: the page links the transcript it has just written. */
START_TEST(test_html_links_after_write_all)
{
  qr_run_result *r = tu_sample_run();
  char err[256] = "";
  ck_assert_msg(qr_write_all(r, dir, err, sizeof err) == 0, "%s", err);
  qr_run_result_free(r);
  char *h = tu_slurp(html);
  ck_assert_ptr_nonnull(h);
  ck_assert_ptr_nonnull(
      strstr(h, "href=\"cases/open.ok/transcript.txt\">transcript.txt</a>"));
  ck_assert_ptr_nonnull(
      strstr(h, "href=\"cases/sd.skip/transcript.txt\">transcript.txt</a>"));
  ck_assert_ptr_null(strstr(h, "server.log"));
  free(h);
}
END_TEST

/* A run with a waived failure, a stale waiver and an unmatched one: every
 * format says "waived" (never pass), keeps the failure and names the
 * waiver; results.json and the page list the waivers with their status. */
static void waived_run(void)
{
  char err[256] = "";
  qr_run_result *r = qr_run_result_new("sim", "note", 0.05);
  qr_run_set_waiver_info(r, "EG25GGBR07A08M2G", "ci/waivers.yaml");
  qr_case_result *c = qr_run_add_case(r, "replies.cwd-421", "t", "2.4",
                                      "cases/replies/cwd-421.yaml", NULL, 0);
  qr_case_set_verdict(c, QR_FAIL, 3, "step 3: expected `+QFTPCWD: 625,421`");
  qr_case_waive(c, "replies.*", "firmware answers 601 <sic>",
                "https://bugs.example/FW-1?a=1&b=2", NULL);
  qr_run_add_case(r, "open.login", "t", "3.1", "f", NULL, 0);
  qr_waiver_note *w = qr_run_add_waiver(r, "replies.*", "firmware answers 601",
                                        "https://bugs.example/FW-1", NULL,
                                        "applied", "ci/waivers.yaml:2:5");
  qr_waiver_note_add_case(w, "replies.cwd-421");
  w = qr_run_add_waiver(r, "open.login", "old bug", "FW-2", "R1", "stale",
                        "ci/waivers.yaml:6:5");
  qr_waiver_note_add_case(w, "open.login");
  qr_run_add_waiver(r, "nosuch", "typo", "FW-3", NULL, "unmatched",
                    "ci/waivers.yaml:10:5");
  ck_assert_msg(qr_write_json(r, json, err, sizeof err) == 0, "%s", err);
  qr_run_result_free(r);
}

START_TEST(test_waived_everywhere)
{
  char err[256] = "", why[256] = "";
  waived_run();
  char *j = tu_slurp(json);
  ck_assert_ptr_nonnull(strstr(j, "\"verdict\": \"waived\""));
  ck_assert_ptr_nonnull(
      strstr(j, "\"reason\": \"step 3: expected `+QFTPCWD: 625,421`\""));
  ck_assert_ptr_nonnull(
      strstr(j, "\"module_revision\": \"EG25GGBR07A08M2G\""));
  ck_assert_ptr_nonnull(strstr(j, "\"waived\": 1"));
  ck_assert_ptr_nonnull(strstr(j, "\"stale_waivers\": 1"));
  ck_assert_ptr_nonnull(strstr(j, "\"status\": \"stale\""));
  ck_assert_ptr_nonnull(strstr(j, "\"status\": \"unmatched\""));
  free(j);

  ck_assert_msg(qr_render_junit(json, xml, err, sizeof err) == 0, "%s", err);
  char *x = tu_slurp(xml);
  ck_assert_msg(tu_xml_ok(x, why, sizeof why), "not well formed: %s", why);
  ck_assert_ptr_nonnull(
      strstr(x, "failures=\"0\" errors=\"0\" skipped=\"1\""));
  ck_assert_ptr_nonnull(strstr(
      x, "<skipped message=\"waived failure: firmware answers 601 &lt;sic&gt; "
         "(https://bugs.example/FW-1?a=1&amp;b=2)\" type=\"waived\">failure: "
         "step 3"));
  ck_assert_ptr_null(strstr(x, "<failure"));
  free(x);

  ck_assert_msg(qr_render_tap(json, tap, err, sizeof err) == 0, "%s", err);
  char *t = tu_slurp(tap);
  ck_assert_ptr_nonnull(strstr(t, "not ok 1 - replies.cwd-421 # TODO waived: "
                                  "firmware answers 601 <sic>\n"));
  ck_assert_ptr_nonnull(strstr(t, "  verdict: waived\n"));
  ck_assert_ptr_nonnull(strstr(
      t, "  waiver_reference: \"https://bugs.example/FW-1?a=1&b=2\"\n"));
  ck_assert_ptr_nonnull(strstr(t, "ok 2 - open.login\n"));
  free(t);

  ck_assert_msg(qr_render_html(json, html, err, sizeof err) == 0, "%s", err);
  char *h = tu_slurp(html);
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"waived\">waived</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<h2>Waivers</h2>"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"stale\">stale</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"unmatched\">unmatched</td>"));
  ck_assert_ptr_nonnull(strstr(h, "firmware answers 601 &lt;sic&gt;"));
  /* A web reference is a link; another is text. */
  ck_assert_ptr_nonnull(strstr(
      h, "(<a href=\"https://bugs.example/FW-1?a=1&amp;b=2\">"
         "https://bugs.example/FW-1?a=1&amp;b=2</a>)"));
  ck_assert_ptr_nonnull(strstr(h, "<td>FW-2</td>"));
  free(h);
}
END_TEST

/* A run whose module the preflight read: identity in every format. */
static qr_run_result *run_with_module(void)
{
  qr_run_result *r = tu_sample_run();
  const char *ati[] = {"Quectel", "EC25", "Revision: EC25EFAR06A06M4G"};
  qr_module_info *m =
      qr_run_set_module(r, "Quectel", "EC25", "EC25EFAR06A06M4G", "****1234",
                        ati, 3, true, true, "READY");
  qr_module_add_pdp(m, 1, 1, 1, "10.7.157.1");
  return r;
}

static char *render_model(qr_run_result *r, renderer fn, const char *out)
{
  char err[256] = "";
  ck_assert_msg(qr_write_json(r, json, err, sizeof err) == 0, "%s", err);
  ck_assert_msg(fn(json, out, err, sizeof err) == 0, "%s", err);
  char *text = tu_slurp(out);
  ck_assert_ptr_nonnull(text);
  return text;
}

START_TEST(test_module_everywhere)
{
  qr_run_result *r = run_with_module();
  char *x = render_model(r, qr_render_junit, xml);
  static const char *const props[] = {
      "<property name=\"module.manufacturer\" value=\"Quectel\"/>",
      "<property name=\"module.model\" value=\"EC25\"/>",
      "<property name=\"module.revision\" value=\"EC25EFAR06A06M4G\"/>",
      "<property name=\"module.imei_masked\" value=\"****1234\"/>",
      ("<property name=\"module.ati\" value=\"Quectel | EC25 | Revision: "
       "EC25EFAR06A06M4G\"/>"),
      "<property name=\"stop_reason\" value=\"\"/>"};
  for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
    ck_assert_msg(strstr(x, props[i]) != NULL, "%s not in\n%s", props[i], x);
  /* Inside <properties>, before the first testcase. */
  ck_assert(strstr(x, "module.model") < strstr(x, "</properties>"));
  char why[128];
  ck_assert_msg(tu_xml_ok(x, why, sizeof why), "not well formed: %s", why);
  free(x);
  char *h = render_model(r, qr_render_html, html);
  const char *mod = strstr(h, "<b>module</b>: Quectel EC25 rev "
                              "EC25EFAR06A06M4G, IMEI ****1234");
  ck_assert_msg(mod != NULL, "%s", h);
  ck_assert(mod < strstr(h, "<h2>Cases</h2>"));
  ck_assert_ptr_nonnull(strstr(h, "Revision: EC25EFAR06A06M4G"));
  free(h);
  char *t = render_model(r, qr_render_tap, tap);
  ck_assert_ptr_nonnull(strstr(
      t, "1..4\n# module: Quectel EC25 rev EC25EFAR06A06M4G, IMEI ****1234\n"));
  free(t);
  qr_run_result_free(r);
}
END_TEST

/* A run without a module reading (older files, a failed preflight) says
 * so and has no module properties. */
START_TEST(test_module_unknown)
{
  qr_run_result *r = tu_sample_run();
  char *x = render_model(r, qr_render_junit, xml);
  ck_assert_ptr_null(strstr(x, "module.model"));
  free(x);
  char *t = render_model(r, qr_render_tap, tap);
  ck_assert_ptr_nonnull(strstr(t, "\n# module: module unknown\n"));
  free(t);
  qr_run_result_free(r);
}
END_TEST

/* The true reason a run stopped, in each format. */
START_TEST(test_stop_reason_everywhere)
{
  qr_run_result *r = tu_sample_run();
  r->interrupted = true;
  r->planned = 10;
  qr_run_set_stop(r, "device-lost",
                  "the device (/dev/ttyUSB2) did not come back within 60 s");
  char *x = render_model(r, qr_render_junit, xml);
  ck_assert_ptr_nonnull(strstr(
      x, "<error message=\"run interrupted after 4 of 10 cases\" "
         "type=\"device-lost\">device-lost: the device (/dev/ttyUSB2) did not "
         "come back within 60 s</error>"));
  ck_assert_ptr_nonnull(
      strstr(x, "<property name=\"stop_reason\" value=\"device-lost\"/>"));
  free(x);
  char *t = render_model(r, qr_render_tap, tap);
  ck_assert_ptr_nonnull(strstr(
      t, "Bail out! run interrupted after 4 of 10 cases (device-lost: the "
         "device (/dev/ttyUSB2) did not come back within 60 s)\n"));
  free(t);
  char *h = render_model(r, qr_render_html, html);
  ck_assert_ptr_nonnull(strstr(h, "<br>device-lost: the device"));
  free(h);
  qr_run_result_free(r);
}
END_TEST

/* A results.json written while the run went on reads as interrupted in
 * junit and TAP, the stop saying so. */
START_TEST(test_running_reads_interrupted)
{
  char err[256] = "";
  qr_run_result *r = tu_sample_run();
  r->interrupted = true;
  r->planned = 10;
  qr_run_set_stop(r, "running",
                  "the run had not finished when this file was written "
                  "(4 of 10 cases)");
  ck_assert_msg(qr_write_json(r, json, err, sizeof err) == 0, "%s", err);
  qr_run_result_free(r);
  ck_assert_msg(qr_render_junit(json, xml, err, sizeof err) == 0, "%s", err);
  char *x = tu_slurp(xml);
  ck_assert_ptr_nonnull(strstr(x, "name=\"run.interrupted\""));
  ck_assert_ptr_nonnull(strstr(x, "type=\"running\""));
  free(x);
  ck_assert_msg(qr_render_tap(json, tap, err, sizeof err) == 0, "%s", err);
  x = tu_slurp(tap);
  ck_assert_ptr_nonnull(strstr(x, "Bail out! run interrupted after 4 of 10"));
  ck_assert_ptr_nonnull(strstr(x, "running"));
  free(x);
}
END_TEST

/* Each case's files that exist as [[ATTACHMENT|...]] lines in its
 * <system-out>, relative to the junit.xml's directory. */
START_TEST(test_junit_attachments)
{
  qr_run_result *r = tu_sample_run();
  char err[256] = "";
  ck_assert_msg(qr_write_all(r, dir, err, sizeof err) == 0, "%s", err);
  qr_run_result_free(r);
  char pcap[256];
  snprintf(pcap, sizeof pcap, "%s/cases/open.ok/wire.pcap", dir);
  tu_spit(pcap, "x");
  ck_assert_msg(qr_render_junit(json, xml, err, sizeof err) == 0, "%s", err);
  char *x = tu_slurp(xml);
  ck_assert_ptr_nonnull(
      strstr(x, "[[ATTACHMENT|cases/open.ok/transcript.txt]]\n"
                "[[ATTACHMENT|cases/open.ok/wire.pcap]]\n</system-out>"));
  ck_assert_ptr_nonnull(
      strstr(x, "[[ATTACHMENT|cases/sd.skip/transcript.txt]]"));
  ck_assert_ptr_null(strstr(x, "server.log"));
  char why[128] = "";
  ck_assert_msg(tu_xml_ok(x, why, sizeof why), "not well formed: %s", why);
  free(x);
  /* Rendered elsewhere, the files are not beside it: no attachment. */
  char other[160];
  snprintf(other, sizeof other, "%s/cases/junit.xml", dir);
  ck_assert_msg(qr_render_junit(json, other, err, sizeof err) == 0, "%s",
                err);
  x = tu_slurp(other);
  ck_assert_ptr_null(strstr(x, "ATTACHMENT"));
  free(x);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_render");
  TCase *tc = tcase_create("render");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_junit_counts);
  tcase_add_test(tc, test_junit_escaping);
  tcase_add_test(tc, test_junit_xmllint);
  tcase_add_test(tc, test_html);
  tcase_add_test(tc, test_html_sample);
  tcase_add_test(tc, test_tap);
  tcase_add_test(tc, test_render_missing_json);
  tcase_add_test(tc, test_junit_interrupted);
  tcase_add_test(tc, test_junit_attachments);
  tcase_add_test(tc, test_running_reads_interrupted);
  tcase_add_test(tc, test_tap_interrupted);
  tcase_add_test(tc, test_html_interrupted);
  tcase_add_test(tc, test_html_case_links);
  tcase_add_test(tc, test_html_links_after_write_all);
  tcase_add_test(tc, test_waived_everywhere);
  tcase_add_test(tc, test_module_everywhere);
  tcase_add_test(tc, test_module_unknown);
  tcase_add_test(tc, test_stop_reason_everywhere);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
