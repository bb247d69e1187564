/* qr_svg_ladder: an arrow per command and reply, in time order; who
 * closed a data connection first and how (FIN or RST) drawn from the
 * analysis, not assumed; TLS marked; the proxy lane only when asked; the
 * clock named; the cap said; hostile text escaped into well-formed SVG. */
#include <jansson.h>

#include "qr_svg_ladder.h"
#include "qr_test_util.h"

/* The ladder of a wire object written with ' for ". */
static char *ladder(const char *wire_text, bool proxy, size_t max)
{
  char *t = strdup(wire_text);
  ck_assert_ptr_nonnull(t);
  for (char *p = t; *p; p++)
    if (*p == '\'')
      *p = '"';
  json_error_t je;
  json_t *w = json_loads(t, 0, &je);
  ck_assert_msg(w != NULL, "fixture: %s", je.text);
  free(t);
  qc_buf b;
  qc_buf_init(&b, 1 << 24);
  qr_svg_ladder(&b, w, proxy, max);
  json_decref(w);
  ck_assert(!qc_buf_failed(&b));
  char *s = qc_buf_take(&b);
  ck_assert_ptr_nonnull(s);
  return s;
}

static int count(const char *h, const char *s)
{
  int n = 0;
  for (const char *p = h; (p = strstr(p, s)); p += strlen(s))
    n++;
  return n;
}

/* The <svg> element alone, checked well-formed (caller frees). */
static char *svg_of(const char *s)
{
  const char *a = strstr(s, "<svg");
  const char *b = strstr(s, "</svg>");
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  char *x = strndup(a, (size_t)(b + 6 - a));
  char why[128] = "";
  ck_assert_msg(tu_xml_ok(x, why, sizeof why), "svg not well formed: %s\n%s",
                why, x);
  return x;
}

static const char session[] =
    "{'clock': 'case', 'control': [{'t_open': 0.1, 't_close': 0.9,"
    " 'module_close': 'fin', 'server_close': 'fin', 'tls': {'tls': false},"
    " 'commands': [{'t': 0.2, 'text': 'USER u'}, {'t': 0.3, 'text': 'PASS "
    "****'}, {'t': 0.5, 'text': 'RETR f'}],"
    " 'replies': [{'t': 0.15, 'text': '220 hi', 'code': 220},"
    " {'t': 0.25, 'text': '331 pw', 'code': 331},"
    " {'t': 0.35, 'text': '230 in', 'code': 230}]}],"
    " 'data': [%s]}";

/* session with one data connection d. */
static char *with_data(const char *d, bool proxy)
{
  char doc[2048];
  snprintf(doc, sizeof doc, session, d);
  return ladder(doc, proxy, QR_SVG_RUNGS_MAX);
}

START_TEST(test_arrows_in_order)
{
  char *s = with_data("", false);
  char *x = svg_of(s);
  ck_assert_int_eq(count(x, "<g class=\"rung cmd\" data-from=\"module\" "
                            "data-to=\"server\">"),
                   3);
  ck_assert_int_eq(count(x, "<g class=\"rung reply\" data-from=\"server\" "
                            "data-to=\"module\">"),
                   3);
  ck_assert_int_eq(count(x, "<line class=\"cmd\""), 3);
  ck_assert_int_eq(count(x, "<polygon class=\"cmd\""), 3);
  /* Time order: 220 (0.15), USER (0.2), 331 (0.25), PASS, 230, RETR. */
  static const char *const order[] = {"0.150 s: 220 hi", "0.200 s: USER u",
                                      "0.250 s: 331 pw", "0.300 s: PASS ****",
                                      "0.350 s: 230 in", "0.500 s: RETR f"};
  const char *p = x;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const char *q = strstr(p, order[i]);
    ck_assert_msg(q != NULL, "%s missing or out of order", order[i]);
    p = q;
  }
  /* A command goes from the module's lane (x 150) rightwards. */
  ck_assert_ptr_nonnull(strstr(x, "<line class=\"cmd\" x1=\"150\""));
  ck_assert_ptr_nonnull(strstr(x, "<line class=\"reply\" x1=\"740\""));
  ck_assert_ptr_nonnull(strstr(s, "since the case started, the transcript's "
                                  "clock"));
  ck_assert_ptr_null(strstr(x, "fault proxy"));
  ck_assert_ptr_null(strstr(s, "Showing the first"));
  free(x);
  free(s);
}
END_TEST

/* The server resets first, the module answers with FIN: drawn so. */
START_TEST(test_server_rst_first)
{
  char *s = with_data(
      "{'t_open': 0.6, 't_close': 0.7, 'mode': 'passive', 'direction': "
      "'download', 'bytes': 10000, 'opened_by': 'client', 'module_close': "
      "'fin', 'server_close': 'rst', 'first_closer': 'server', 'tls': "
      "{'tls': false}}",
      false);
  const char *rst =
      strstr(s, "<g class=\"rung close rst\" data-from=\"server\" "
                "data-to=\"module\"><title>0.700 s: RST by the "
                "server, first</title>");
  const char *fin =
      strstr(s, "<g class=\"rung close fin\" data-from=\"module\" "
                "data-to=\"server\"><title>0.700 s: FIN by the "
                "module</title>");
  ck_assert_ptr_nonnull(rst);
  ck_assert_ptr_nonnull(fin);
  ck_assert(rst < fin);
  ck_assert_int_eq(count(s, "rung close"), 2);
  /* RST drawn from the server's lane to the module's. */
  ck_assert_ptr_nonnull(strstr(rst, "<line class=\"close rst\" x1=\"740\""));
  ck_assert_ptr_nonnull(strstr(s, "data 1 (passive) opened by the module: "
                                  "download, 10000 bytes"));
  ck_assert_ptr_nonnull(
      strstr(s, "<g class=\"rung open\" data-from=\"module\""));
  ck_assert_ptr_nonnull(strstr(s, "<g class=\"band\" data-conn=\"1\">"));
  ck_assert_ptr_nonnull(strstr(s, "&#8592; download 10000 bytes</text>"));
  free(s);
}
END_TEST

/* The module closes first with RST, the server with FIN; the server opened
 * (active mode). The old ladder said "closed by the module" always. */
START_TEST(test_module_rst_first)
{
  char *s = with_data(
      "{'t_open': 0.6, 't_close': 0.7, 'mode': 'active', 'direction': "
      "'upload', 'bytes': 5, 'opened_by': 'server', 'module_close': 'rst', "
      "'server_close': 'fin', 'first_closer': 'client', 'tls': {'tls': "
      "false}}",
      false);
  const char *rst =
      strstr(s, "<g class=\"rung close rst\" data-from=\"module\" "
                "data-to=\"server\"><title>0.700 s: RST by the "
                "module, first</title>");
  const char *fin =
      strstr(s, "<g class=\"rung close fin\" data-from=\"server\" "
                "data-to=\"module\"><title>0.700 s: FIN by the "
                "server</title>");
  ck_assert_ptr_nonnull(rst);
  ck_assert_ptr_nonnull(fin);
  ck_assert(rst < fin);
  ck_assert_ptr_nonnull(
      strstr(s, "<g class=\"rung open\" data-from=\"server\""));
  ck_assert_ptr_nonnull(strstr(s, "opened by the server: upload, 5 bytes"));
  ck_assert_ptr_nonnull(strstr(s, "upload &#8594; 5 bytes</text>"));
  free(s);
}
END_TEST

/* Only the server closed (the module's close not captured): one rung, the
 * server's, not a made-up module close. */
START_TEST(test_one_side_closed)
{
  char *s = with_data(
      "{'t_open': 0.6, 't_close': 0.7, 'direction': 'download', 'bytes': 1,"
      " 'opened_by': 'client', 'module_close': 'none', 'server_close': "
      "'fin', 'first_closer': 'server', 'tls': {'tls': false}}",
      false);
  ck_assert_int_eq(count(s, "rung close"), 1);
  ck_assert_ptr_nonnull(strstr(s, "<g class=\"rung close fin\" "
                                  "data-from=\"server\""));
  free(s);
}
END_TEST

START_TEST(test_tls_marked)
{
  char *s = with_data(
      "{'t_open': 0.6, 't_close': 0.8, 't_hello': 0.65, 'direction': "
      "'download', 'bytes': 100, 'opened_by': 'client', 'module_close': "
      "'fin', 'server_close': 'fin', 'first_closer': 'client', 'tls': "
      "{'tls': true, 'implicit': false, 'legacy_version': 'TLSv1.2', "
      "'supported_versions': ['TLSv1.3'], 'negotiated': 'TLSv1.3', "
      "'hello_retry': false}}",
      false);
  const char *open = strstr(s, "<title>0.600 s: data 1 opened");
  const char *tls = strstr(s, "<g class=\"rung tls\"><title>0.650 s: TLS "
                              "handshake on the data connection 1: "
                              "negotiated TLSv1.3</title>");
  const char *close = strstr(s, "<title>0.800 s: FIN by the module, first");
  ck_assert_ptr_nonnull(open);
  ck_assert_ptr_nonnull(tls);
  ck_assert_ptr_nonnull(close);
  ck_assert(open < tls && tls < close);
  ck_assert_ptr_nonnull(strstr(s, "<rect class=\"tls\""));
  ck_assert_ptr_nonnull(strstr(s, "bytes (TLS)</text>"));
  free(s);
}
END_TEST

/* Explicit TLS on the control connection: after AUTH's 234 (no t_hello in
 * the file), with the version negotiated. */
START_TEST(test_auth_tls)
{
  char *s = ladder("{'control': [{'t_open': 0, 't_close': 1, 'auth_tls': "
                   "true, 'tls': {'tls': true, 'implicit': false, "
                   "'negotiated': 'TLS1.3'}, 'commands': [{'t': 0.1, "
                   "'text': 'AUTH TLS'}], 'replies': [{'t': 0.05, 'text': "
                   "'220 hi', 'code': 220}, {'t': 0.2, 'text': '234 go', "
                   "'code': 234}]}]}",
                   false, QR_SVG_RUNGS_MAX);
  const char *ok = strstr(s, "<title>0.200 s: 234 go");
  const char *tls = strstr(s, "<g class=\"rung tls\"><title>0.200 s: TLS "
                              "handshake on the control connection after "
                              "AUTH (lines not readable): negotiated "
                              "TLS1.3</title>");
  ck_assert_ptr_nonnull(ok);
  ck_assert_ptr_nonnull(tls);
  ck_assert(ok < tls);
  free(s);
}
END_TEST

START_TEST(test_proxy_lane)
{
  char *s = with_data("", true);
  ck_assert_ptr_nonnull(strstr(s, ">fault proxy</text>"));
  ck_assert_ptr_nonnull(strstr(s, "<line class=\"life px\""));
  ck_assert_int_eq(count(s, "<circle class=\"px\""), 6);
  free(s);
}
END_TEST

/* Text a server or a module may send, in a command and a reply: escaped
 * in the title and the label; the SVG stays well formed. */
START_TEST(test_hostile_text)
{
  char *s = ladder("{'control': [{'t_open': 0, 't_close': 1, 'commands': "
                   "[{'t': 0.1, 'text': '</text><script>alert(1)</script>"
                   "&amp; \\u0027q\\u0027 \\u0001'}], 'replies': [{'t': 0.2,"
                   " 'text': ']]> <svg onload=x> \\ufffe'}]}]}",
                   false, QR_SVG_RUNGS_MAX);
  char *x = svg_of(s);
  ck_assert_ptr_null(strstr(s, "<script"));
  ck_assert_ptr_null(strstr(s, "<svg onload"));
  ck_assert_int_eq(count(s, "<svg"), 1);
  ck_assert_int_eq(
      count(x, "&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp; "
               "&#39;q&#39; \\x01"),
      2);
  ck_assert_int_eq(count(x, "]]&gt; &lt;svg onload=x&gt; \\xef\\xbf\\xbe"), 2);
  /* Without "clock": the capture's clock, said. */
  ck_assert_ptr_nonnull(strstr(s, "the capture's first packet (the capture "
                                  "clock"));
  free(x);
  free(s);
}
END_TEST

/* More events than the cap: the first ones drawn, the cut said. */
START_TEST(test_cap)
{
  char doc[8192] = "{'clock': 'case', 'control': [{'t_open': 0, 't_close': "
                   "9, 'commands': [";
  for (int i = 0; i < 40; i++) {
    char one[64];
    snprintf(one, sizeof one, "%s{'t': %d.5, 'text': 'NOOP %d'}", i ? ", " : "",
             i % 9, i);
    strcat(doc, one);
  }
  strcat(doc, "], 'replies': []}]}");
  char *s = ladder(doc, false, 10);
  ck_assert_ptr_nonnull(strstr(s, "Showing the first 10 of 42 events."));
  ck_assert_int_eq(count(s, "<g class=\"rung "), 10);
  ck_assert_ptr_nonnull(strstr(s, "height=\"266\""));
  free(s);
  /* A long line is cut in the label, whole in the title. */
  char *l = ladder("{'control': [{'t_open': 0, 't_close': 1, 'commands': "
                   "[{'t': 0.1, 'text': 'STOR "
                   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaz'}],"
                   " 'replies': []}]}",
                   false, QR_SVG_RUNGS_MAX);
  ck_assert_ptr_nonnull(strstr(l, "aaz</title>"));
  ck_assert_ptr_nonnull(strstr(l, "aaa&#8230;</text>"));
  free(l);
}
END_TEST

START_TEST(test_empty)
{
  char *s = ladder("{'control': [], 'data': []}", false, QR_SVG_RUNGS_MAX);
  ck_assert_str_eq(s, "");
  free(s);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_svg_ladder");
  TCase *tc = tcase_create("ladder");
  tcase_add_test(tc, test_arrows_in_order);
  tcase_add_test(tc, test_server_rst_first);
  tcase_add_test(tc, test_module_rst_first);
  tcase_add_test(tc, test_one_side_closed);
  tcase_add_test(tc, test_tls_marked);
  tcase_add_test(tc, test_auth_tls);
  tcase_add_test(tc, test_proxy_lane);
  tcase_add_test(tc, test_hostile_text);
  tcase_add_test(tc, test_cap);
  tcase_add_test(tc, test_empty);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
