/* report.html from hand-written results.json files with the failure/steps/latency keys
 * ("failure", "steps", transcript entries' "step", "latency", wire times
 * on the case clock) and without them (older files): the failures first,
 * the failing step and the line seen marked, fragment steps and the
 * teardown folded, latencies, filters. */
#include <jansson.h>

#include "qr_doc.h"
#include "qr_test_util.h"

static char dir[64];
static char json[128], html[128];

static void setup(void)
{
  tu_mkdtemp(dir, sizeof dir);
  snprintf(json, sizeof json, "%s/results.json", dir);
  snprintf(html, sizeof html, "%s/report.html", dir);
}

static void teardown(void)
{
  tu_rmtree(dir);
}

/* Writes doc (JSON with ' for ") and renders it; the page's text. */
static char *render(const char *doc)
{
  char *text = strdup(doc);
  ck_assert_ptr_nonnull(text);
  for (char *p = text; *p; p++)
    if (*p == '\'')
      *p = '"';
  json_error_t je;
  json_t *check = json_loads(text, 0, &je);
  ck_assert_msg(check != NULL, "fixture: %d:%d: %s", je.line, je.column,
                je.text);
  json_decref(check);
  tu_spit(json, text);
  free(text);
  char err[256] = "";
  ck_assert_msg(qr_render_html(json, html, err, sizeof err) == 0, "%s", err);
  char *h = tu_slurp(html);
  ck_assert_ptr_nonnull(h);
  return h;
}

/* The text between the first `from` and the next `to` after it (caller
 * frees); fails the test when either is missing. */
static char *between(const char *h, const char *from, const char *to)
{
  const char *a = strstr(h, from);
  ck_assert_msg(a != NULL, "missing %s", from);
  const char *b = strstr(a + strlen(from), to);
  ck_assert_msg(b != NULL, "missing %s after %s", to, from);
  return strndup(a, (size_t)(b - a));
}

static int count(const char *h, const char *s)
{
  int n = 0;
  for (const char *p = h; (p = strstr(p, s)); p += strlen(s))
    n++;
  return n;
}

/* A failed case as the issue-13 writer puts it: steps 1-3 from the login
 * fragment, 4-5 the case's own; step 4 (an expect) saw the wrong URC at
 * transcript line 8; a teardown of two lines. */
#define FAILED_CASE                                                            \
  "{'id': 'get.com', 'title': 'Get', 'verdict': 'fail', 'tags': ['get',"       \
  " 'smoke'], 'file': 'cases/get/com.yaml',"                                   \
  " 'reason': 'step 4 (cases/get/com.yaml:12:5): expected `+QFTPGET: "         \
  "0,10000`, got `+QFTPGET: 625` after 0.10 s', 'failed_step': 4,"             \
  " 'duration_s': 1.5,"                                                        \
  " 'failure': {'step': 4, 'kind': 'expect', 'where': "                        \
  "'cases/get/com.yaml:12:5', 'fragment': null, 'expected': '+QFTPGET: "       \
  "0,10000', 'seen': '+QFTPGET: 625', 'line': 8},"                             \
  " 'steps': ["                                                                \
  "{'kind': 'send', 'where': 'cases/_fragments/login.yaml:4:5',"               \
  " 'fragment': 'login', 'status': 'pass', 't': 0.005},"                       \
  "{'kind': 'expect', 'where': 'cases/_fragments/login.yaml:5:5',"             \
  " 'fragment': 'login', 'status': 'pass', 't': 0.006},"                       \
  "{'kind': 'wait_for', 'where': 'cases/_fragments/login.yaml:6:5',"           \
  " 'fragment': 'login', 'status': 'pass', 't': 0.01},"                        \
  "{'kind': 'expect', 'where': 'cases/get/com.yaml:12:5',"                     \
  " 'fragment': null, 'status': 'fail', 't': 0.2},"                            \
  "{'kind': 'send', 'where': 'cases/get/com.yaml:14:5',"                       \
  " 'fragment': null, 'status': 'not-run', 't': null}],"                       \
  " 'transcript': ["                                                           \
  "{'t': 0.001, 'dir': '#', 'text': 'through the fault proxy on port 4000',"   \
  " 'step': 0},"                                                               \
  "{'t': 0.005, 'dir': '>', 'text': 'AT+QFTPOPEN=\\'h\\',21', 'step': 1},"     \
  "{'t': 0.006, 'dir': '<', 'text': 'OK', 'step': 2},"                         \
  "{'t': 0.159, 'dir': '<', 'text': '+QFTPOPEN: 0,0', 'step': 3},"             \
  "{'t': 0.2, 'dir': '>', 'text': 'AT+QFTPGET=\\'f\\'', 'step': 4},"           \
  "{'t': 0.201, 'dir': '<', 'text': 'OK', 'step': 4},"                         \
  "{'t': 0.25, 'dir': '<', 'text': '+QFTPLEN: 1', 'step': 4},"                 \
  "{'t': 0.26, 'dir': '<', 'text': '<b>x</b>', 'step': 4},"                    \
  "{'t': 0.3, 'dir': '<', 'text': '+QFTPGET: 625', 'step': 4},"                \
  "{'t': 0.31, 'dir': '>', 'text': 'AT+QFTPCLOSE', 'step': -1},"               \
  "{'t': 0.32, 'dir': '<', 'text': 'OK', 'step': -1},"                         \
  "{'t': 0.4, 'dir': '#', 'text': 'wire: all held', 'step': 0}],"              \
  " 'latency': [{'cmd': 'AT+QFTPOPEN', 'to': 'ok', 's': 0.001, 'line': 2},"    \
  " {'cmd': 'AT+QFTPOPEN', 'to': 'urc', 's': 0.153, 'line': 3}],"              \
  " 'wire': {'clock': 'case', 'control': [{'t_open': 0.02, 't_close': 0.35,"   \
  " 't_hello': null, 'module_close': 'fin', 'server_close': 'fin',"            \
  " 'tls': {'tls': false}, 'commands': [{'t': 0.03, 'text': 'USER u'}],"       \
  " 'replies': [{'t': 0.025, 'text': '220 hi', 'code': 220}]}],"               \
  " 'data': []}}"

static const char doc_failed[] =
    "{'schema': 1, 'profile': 'note', 'target': 'sim', 'time_scale': 0.05,"
    " 'version': '0.1.0', 'waivers_file': 'ci/waivers.yaml',"
    " 'module': {'manufacturer': 'Quectel', 'model': 'EC25', 'revision':"
    " 'EC25EFAR06A06M4G', 'imei_masked': '****3456', 'ati': ['Quectel',"
    " 'EC25', 'Revision: EC25EFAR06A06M4G']},"
    " 'cases': ["
    "{'id': 'open.ok', 'verdict': 'pass', 'tags': ['open'], 'duration_s': 1,"
    " 'latency': [{'cmd': 'AT+QFTPOPEN', 'to': 'ok', 's': 0.003, 'line': 1},"
    " {'cmd': 'AT+QFTPOPEN', 'to': 'urc', 's': 0.2, 'line': 2}]}," FAILED_CASE
    "]}";

START_TEST(test_failures_first)
{
  char *h = render(doc_failed);
  const char *fail = strstr(h, "<section id=\"failures\">");
  const char *h1 = strstr(h, "<h1>");
  ck_assert_ptr_nonnull(fail);
  ck_assert_ptr_nonnull(h1);
  ck_assert(fail < h1); /* before the header, the first thing after <body> */
  ck_assert(fail - strstr(h, "<body>") < 16);
  char *box = between(h, "<div class=\"failure\">", "</div>");
  ck_assert_ptr_nonnull(strstr(box, "<a href=\"#c1\">get.com</a>"));
  ck_assert_ptr_nonnull(strstr(box, "<span class=\"fstep\">step 4 &middot; "
                                    "expect</span> at <code class=\"where\">"
                                    "cases/get/com.yaml:12:5</code>"));
  ck_assert_ptr_nonnull(strstr(box,
                               "<td class=\"expected\">+QFTPGET: 0,10000</td>"
                               "<td class=\"seen\">+QFTPGET: 625</td>"));
  ck_assert_ptr_null(strstr(box, "fragment"));
  free(box);
  /* The header: identity, profile, time scale, target, version, waivers. */
  char *head = between(h, "<h1>", "<table class=\"counts\">");
  static const char *const want[] = {
      "Quectel EC25 rev EC25EFAR06A06M4G, IMEI ****3456",
      "<b>ATI</b>: Quectel | EC25 | Revision: EC25EFAR06A06M4G",
      "<b>profile</b>: note",
      "<b>target</b>: sim",
      "<b>version</b>: 0.1.0",
      "<b>time_scale</b>: 0.05",
      "<b>waivers</b>: ci/waivers.yaml"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_msg(strstr(head, want[i]) != NULL, "header lacks %s", want[i]);
  free(head);
  free(h);
}
END_TEST

START_TEST(test_failing_step_marked)
{
  char *h = render(doc_failed);
  char *c1 = between(h, "<details id=\"c1\"", "<svg");
  /* The failing step's group is marked, its header row and its rows. */
  ck_assert_ptr_nonnull(strstr(c1, "<div class=\"step failing-group\">"));
  ck_assert_ptr_nonnull(strstr(c1, "<tr class=\"sh failing-step\"><td "
                                   "class=\"num\">0.200</td><td></td><td>"
                                   "step 4 &middot; expect &middot; <code>"
                                   "cases/get/com.yaml:12:5</code>"));
  ck_assert_int_eq(count(c1, "<tr class=\"d-in failing-step\">"), 3);
  ck_assert_int_eq(count(c1, "<tr class=\"d-out failing-step\">"), 1);
  /* The line seen (transcript index 8), escaped, with an anchor. */
  ck_assert_ptr_nonnull(
      strstr(c1, "<tr class=\"d-in failing-step seen\"><td class=\"num\">"
                 "0.300</td><td><a id=\"c1-seen\"></a>&lt;</td><td>"
                 "+QFTPGET: 625</td></tr>"));
  ck_assert_int_eq(count(c1, " seen\">"), 1);
  ck_assert_ptr_nonnull(strstr(c1, "&lt;b&gt;x&lt;/b&gt;"));
  ck_assert_ptr_null(strstr(c1, "<b>x</b>"));
  /* Nothing else is marked. */
  ck_assert_int_eq(count(c1, "failing-step"), 6);
  free(c1);
  /* The passing case has no mark at all. */
  char *c0 = between(h, "<details id=\"c0\"", "</details>");
  ck_assert_ptr_null(strstr(c0, "failing"));
  free(c0);
  free(h);
}
END_TEST

START_TEST(test_fragment_and_teardown_folded)
{
  char *h = render(doc_failed);
  char *c1 = between(h, "<details id=\"c1\"", "<svg");
  /* The fragment's three steps in one closed <details>, its rows inside. */
  char *frag = between(c1, "<details class=\"frag\">", "</details>");
  ck_assert_ptr_nonnull(
      strstr(frag, "<details class=\"frag\"><summary>login: 3 steps (1&ndash;3)"
                   "</summary>"));
  ck_assert_ptr_nonnull(strstr(frag, "AT+QFTPOPEN=&quot;h&quot;,21"));
  ck_assert_ptr_nonnull(strstr(frag, "+QFTPOPEN: 0,0"));
  ck_assert_int_eq(count(frag, "<tr class=\"sh\">"), 3);
  ck_assert_ptr_null(strstr(frag, "AT+QFTPGET"));
  free(frag);
  ck_assert_int_eq(count(c1, "<details class=\"frag"), 1);
  /* The teardown folded, closed, with its two lines. */
  char *td = between(c1, "<details class=\"teardown\">", "</details>");
  ck_assert_ptr_nonnull(strstr(td, "<summary>teardown: 2 lines</summary>"));
  ck_assert_ptr_nonnull(strstr(td, "AT+QFTPCLOSE"));
  free(td);
  /* Step 0's notes stay in view, outside any fold. */
  const char *note = strstr(c1, "wire: all held");
  ck_assert_ptr_nonnull(note);
  ck_assert(note > strstr(c1, "<details class=\"teardown\">"));
  free(c1);
  free(h);
}
END_TEST

/* The failing step inside a fragment: its fold opens and says so. */
START_TEST(test_failing_fragment_opens)
{
  char *doc = strdup(doc_failed);
  ck_assert_ptr_nonnull(doc);
  /* failure.step 4 -> 3 (the fragment's wait_for), line 3. */
  char *p = strstr(doc, "'failure': {'step': 4");
  ck_assert_ptr_nonnull(p);
  p[strlen("'failure': {'step': ")] = '3';
  p = strstr(doc, "'line': 8}");
  p[strlen("'line': ")] = '3';
  char *h = render(doc);
  free(doc);
  ck_assert_ptr_nonnull(
      strstr(h, "<details class=\"frag failing-group\" open><summary>login: "
                "3 steps (1&ndash;3) &mdash; <b>the failing step is here</b>"
                "</summary>"));
  ck_assert_ptr_nonnull(strstr(h, "<tr class=\"d-in failing-step seen\">"
                                  "<td class=\"num\">0.159</td>"));
  free(h);
}
END_TEST

START_TEST(test_latency)
{
  char *h = render(doc_failed);
  /* Per case: its samples in ms. */
  ck_assert_ptr_nonnull(strstr(h, "<tr><td>AT+QFTPOPEN</td><td>urc</td>"
                                  "<td class=\"num\">153</td>"
                                  "<td class=\"num\">3</td></tr>"));
  /* The run: per family and kind, n / p50 / p95 / max, and the bars. */
  char *run = between(h, "<h2 id=\"latency\">Latency</h2>", "</svg>");
  ck_assert_ptr_nonnull(strstr(run, "<tr><td>AT+QFTPOPEN</td><td>ok</td>"
                                    "<td class=\"num\">2</td><td class=\"num"
                                    "\">1</td><td class=\"num\">3</td><td "
                                    "class=\"num\">3</td></tr>"));
  ck_assert_ptr_nonnull(strstr(run, "<tr><td>AT+QFTPOPEN</td><td>urc</td>"
                                    "<td class=\"num\">2</td><td class=\"num"
                                    "\">153</td><td class=\"num\">200</td>"));
  ck_assert_ptr_nonnull(strstr(run, "<svg class=\"latbars\""));
  ck_assert_int_eq(count(run, "<g class=\"fam\">"), 2);
  ck_assert_ptr_nonnull(strstr(run, "AT+QFTPOPEN &#8594; urc</text>"));
  ck_assert_ptr_nonnull(strstr(run, "153 / 200 ms"));
  free(run);
  free(h);
}
END_TEST

START_TEST(test_filters_and_ladder)
{
  char *h = render(doc_failed);
  /* Filters: hidden without script, one box per verdict and tag. */
  ck_assert_ptr_nonnull(strstr(h, "<form id=\"filters\" class=\"filters\" "
                                  "hidden>"));
  ck_assert_ptr_nonnull(strstr(h, "name=\"tag\" value=\"smoke\""));
  ck_assert_ptr_nonnull(strstr(h, "name=\"verdict\" value=\"waived\" checked"));
  ck_assert_ptr_nonnull(strstr(h, "<tr class=\"case v-fail t-get t-smoke\">"));
  ck_assert_ptr_nonnull(strstr(h, "<tr class=\"case v-pass t-open\">"));
  ck_assert_ptr_nonnull(strstr(h, ".hidden{display:none}"));
  ck_assert_ptr_nonnull(strstr(h, "<script>"));
  ck_assert_ptr_null(strstr(h, "src="));
  ck_assert_ptr_null(strstr(h, "<link"));
  ck_assert_ptr_null(strstr(h, "url("));
  /* The ladder: the case clock; the proxy lane (the case's note says). */
  ck_assert_ptr_nonnull(strstr(h, "since the case started, the transcript's "
                                  "clock"));
  ck_assert_ptr_nonnull(strstr(h, ">fault proxy</text>"));
  ck_assert_int_eq(count(h, "<svg class=\"ladder\""), 1);
  free(h);
}
END_TEST

/* A file from before those keys: no "failure", "steps", entries' "step"; the
 * engine's notes and the reason say the rest; wire on the capture clock. */
static const char doc_old[] =
    "{'schema': 1, 'cases': [{'id': 'old', 'verdict': 'fail',"
    " 'failed_step': 2, 'reason': 'step 2 (/p/cases/_fragments/login.yaml:"
    "5:5): expected `OK`, got `ERROR` after 0.01 s',"
    " 'transcript': ["
    "{'t': 0.0, 'dir': '>', 'text': 'ATE1'},"
    "{'t': 0.1, 'dir': '#', 'text': 'step 1: send "
    "(/p/cases/_fragments/login.yaml:4)'},"
    "{'t': 0.1, 'dir': '>', 'text': 'AT+QFTPOPEN'},"
    "{'t': 0.1, 'dir': '#', 'text': 'step 2: expect "
    "(/p/cases/_fragments/login.yaml:5)'},"
    "{'t': 0.11, 'dir': '<', 'text': 'ERROR'},"
    "{'t': 0.11, 'dir': '#', 'text': 'step 2 (/p/cases/_fragments/login.yaml:"
    "5:5): expected `OK`, got `ERROR` after 0.01 s'},"
    "{'t': 0.12, 'dir': '#', 'text': 'teardown'},"
    "{'t': 0.12, 'dir': '>', 'text': 'AT+QFTPCLOSE'}],"
    " 'wire': {'control': [{'t_open': 0.0, 't_close': 1.0, 'commands': "
    "[{'t': 0.5, 'text': 'QUIT'}], 'replies': []}], 'data': []}}]}";

START_TEST(test_old_file)
{
  char *h = render(doc_old);
  char *box = between(h, "<div class=\"failure\">", "</div>");
  ck_assert_ptr_nonnull(strstr(box, "step 2 &middot; expect</span> at <code "
                                    "class=\"where\">/p/cases/_fragments/"
                                    "login.yaml:5:5</code> (from fragment "
                                    "<code>login</code>)"));
  ck_assert_ptr_nonnull(strstr(box, "<td class=\"expected\">OK</td><td "
                                    "class=\"seen\">ERROR</td>"));
  free(box);
  /* Steps from the notes: the fragment folded (open: it failed), the line
   * seen found by its text in the failing step. */
  ck_assert_ptr_nonnull(
      strstr(h, "<details class=\"frag failing-group\" open><summary>login: "
                "2 steps (1&ndash;2)"));
  ck_assert_ptr_nonnull(strstr(h, "<tr class=\"d-in failing-step seen\">"
                                  "<td class=\"num\">0.110</td>"));
  ck_assert_ptr_nonnull(strstr(h, "<summary>teardown: 2 lines</summary>"));
  ck_assert_ptr_nonnull(strstr(h, "since the capture's first packet (the "
                                  "capture clock"));
  ck_assert_ptr_null(strstr(h, ">fault proxy</text>"));
  ck_assert_ptr_nonnull(strstr(h, "No latency samples in this file."));
  free(h);
}
END_TEST

START_TEST(test_no_failures)
{
  char *h = render("{'schema': 1, 'cases': [{'id': 'a', 'verdict': 'pass'},"
                   " {'id': 'b', 'verdict': 'skip', 'reason': 'x'}]}");
  ck_assert_ptr_nonnull(strstr(h, "<h2>Failures: none</h2>"));
  ck_assert_ptr_null(strstr(h, "<div class=\"failure\">"));
  ck_assert_ptr_null(strstr(strstr(h, "<body>"), "failing-step"));
  free(h);
}
END_TEST

/* An error that is not a step's: the reason as what was seen. */
START_TEST(test_error_not_a_step)
{
  char *h = render("{'schema': 1, 'cases': [{'id': 'e', 'verdict': 'error',"
                   " 'failed_step': 0, 'reason': 'server plain: <vsftpd> "
                   "exited 2'}]}");
  ck_assert_ptr_nonnull(strstr(h, "<span class=\"fstep\">not a step</span>"));
  ck_assert_ptr_nonnull(strstr(h, "<td class=\"seen\">server plain: "
                                  "&lt;vsftpd&gt; exited 2</td>"));
  free(h);
}
END_TEST

/* Hostile numbers: a step note numbered a million, a failed_step and byte
 * counts past any integer; the page is rendered at once, each number
 * clamped (no table sized by the note, no undefined conversion). */
START_TEST(test_hostile_numbers)
{
  char *h = render(
      "{'schema': 1, 'cases': [{'id': 'h', 'verdict': 'fail',"
      " 'failed_step': 1e300, 'reason': 'x', 'transcript': ["
      "{'t': 0, 'dir': '#', 'text': 'step 1000000: expect (a.yaml:1)'},"
      "{'t': 1e300, 'dir': '<', 'text': 'OK'}],"
      " 'wire': {'clock': 'case', 'data': [{'t_open': 0, 't_close': 1,"
      " 'bytes': 1e300, 'direction': 'download', 'opened_by': 'client'}],"
      " 'control': []},"
      " 'latency': [{'cmd': 'AT+X', 'to': 'ok', 's': 1e300}]}]}");
  ck_assert_ptr_nonnull(strstr(h, "</html>"));
  ck_assert_ptr_null(strstr(h, "1000000 steps"));
  free(h);
  ck_assert_int_eq(qr_doc_int(NULL, "x", 1, 9), 1);
  json_t *o = json_pack("{s:f,s:f,s:i}", "big", 1e300, "neg", -1e300, "n", 5);
  ck_assert_int_eq(qr_doc_int(o, "big", 0, 100), 100);
  ck_assert_int_eq(qr_doc_int(o, "neg", -3, 100), -3);
  ck_assert_int_eq(qr_doc_int(o, "n", 0, 100), 5);
  json_decref(o);
}
END_TEST

/* The note's maximum response times: a late command in its case, and
 * the run's count with the closest call. */
START_TEST(test_response_times)
{
  char *h = render(
      "{'schema': 1, 'cases': [{'id': 'slow', 'verdict': 'fail',"
      " 'reason': 'AT+QFTPCFG answered OK after 1001 ms',"
      " 'response_checks': {'checked': 3, 'worst': 1.73, 'late': [{'cmd':"
      " 'AT+QFTPCFG', 'bound': 'ok', 's': 1.001, 'limit_s': 0.58, 'section':"
      " '2.1', 'line': 12}]}}, {'id': 'fast', 'verdict': 'pass',"
      " 'response_checks': {'checked': 2, 'worst': 0.1, 'late': []}}]}");
  ck_assert_ptr_nonnull(strstr(h, "5 commands checked in 2 cases, 1 later "
                                  "than allowed; the slowest answer took 173 % "
                                  "of the time allowed (slow)"));
  char *t = between(h, "<table class=\"late\">", "</table>");
  ck_assert_ptr_nonnull(strstr(t, "<td>AT+QFTPCFG</td><td>ok</td><td "
                                  "class=\"num\">1001</td><td class=\"num\">"
                                  "580</td><td>2.1</td>"));
  free(t);
  free(h);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_html");
  TCase *tc = tcase_create("page");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_failures_first);
  tcase_add_test(tc, test_failing_step_marked);
  tcase_add_test(tc, test_fragment_and_teardown_folded);
  tcase_add_test(tc, test_failing_fragment_opens);
  tcase_add_test(tc, test_latency);
  tcase_add_test(tc, test_filters_and_ladder);
  tcase_add_test(tc, test_old_file);
  tcase_add_test(tc, test_no_failures);
  tcase_add_test(tc, test_error_not_a_step);
  tcase_add_test(tc, test_hostile_numbers);
  tcase_add_test(tc, test_response_times);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
