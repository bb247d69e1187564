/* wire_analyze + wire_check + wire_ladder on synthesised captures: a
 * passive download, an active upload, a download the module resets, and
 * an explicit-FTPS session. */
#include "wire_analyze.h"
#include "wire_check.h"
#include "wire_synth.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char plain_path[64], tls_path[64];
static uint8_t blob[5000];

static void write_plain(const char *path)
{
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  wire_endpoint m = synth_ep(127, 0, 0, 1, 40000);
  wire_endpoint v = synth_ep(127, 0, 0, 1, 2121);
  flow c;
  flow_open(&c, &s, m, v, 1000, 9000);
  flow_str(&c, 1, "220 ready\r\n");
  flow_str(&c, 0, "USER test\r\n");
  flow_str(&c, 1, "331 Please specify the password.\r\n");
  flow_str(&c, 0, "PASS secret\r\n");
  flow_str(&c, 1, "230-Welcome\r\n230 Login successful.\r\n");
  flow_str(&c, 0, "TYPE I\r\n");
  flow_str(&c, 1, "200 Switching to Binary mode.\r\n");
  /* 1: passive download of 5000 bytes, normal close. */
  flow_str(&c, 0, "PASV\r\n");
  flow_str(&c, 1, "227 Entering Passive Mode (127,0,0,1,195,80).\r\n");
  flow_str(&c, 0, "RETR x.bin\r\n");
  flow d1;
  flow_open(&d1, &s, synth_ep(127, 0, 0, 1, 40001), synth_ep(127, 0, 0, 1,
                                                              50000), 5, 7);
  flow_str(&c, 1, "150 Opening BINARY mode data connection.\r\n");
  flow_send(&d1, 1, blob, 5000);
  flow_fin(&d1, 1);
  flow_fin(&d1, 0);
  flow_str(&c, 1, "226 Transfer complete.\r\n");
  /* 2: active upload of 3000 bytes: the server connects from port 2120. */
  flow_str(&c, 0, "PORT 127,0,0,1,156,66\r\n");
  flow_str(&c, 1, "200 PORT command successful.\r\n");
  flow_str(&c, 0, "STOR up.bin\r\n");
  flow d2;
  flow_open(&d2, &s, synth_ep(127, 0, 0, 1, 2120), synth_ep(127, 0, 0, 1,
                                                             40002), 11, 13);
  flow_str(&c, 1, "150 Ok to send data.\r\n");
  flow_send(&d2, 1, blob, 3000);
  flow_fin(&d2, 1);
  flow_fin(&d2, 0);
  flow_str(&c, 1, "226 Transfer complete.\r\n");
  /* 3: passive download the module resets after 1000 bytes. */
  flow_str(&c, 0, "PASV\r\n");
  flow_str(&c, 1, "227 Entering Passive Mode (127,0,0,1,195,81).\r\n");
  flow_str(&c, 0, "RETR big.bin\r\n");
  flow d3;
  flow_open(&d3, &s, synth_ep(127, 0, 0, 1, 40003), synth_ep(127, 0, 0, 1,
                                                              50001), 17, 19);
  flow_send(&d3, 1, blob, 1000);
  flow_rst(&d3, 0);
  flow_str(&c, 1, "426 Failure writing network stream.\r\n");
  flow_str(&c, 0, "QUIT\r\n");
  flow_str(&c, 1, "221 Goodbye.\r\n");
  flow_fin(&c, 1);
  flow_fin(&c, 0);
  /* Unrelated traffic is left out. */
  flow o;
  flow_open(&o, &s, synth_ep(10, 0, 0, 1, 5555), synth_ep(10, 0, 0, 2, 80),
            1, 1);
  flow_str(&o, 0, "GET / HTTP/1.0\r\n\r\n");
  synth_close(&s);
}

/* Explicit FTPS: AUTH TLS in clear, then TLS; one data connection in TLS
 * and, a leak, USER sent before AUTH. */
static void write_tls(const char *path)
{
  static const uint8_t hello[] = {
      0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x03,
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
      20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
      0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00};
  static const uint8_t appdata[] = {0x17, 0x03, 0x03, 0x00, 0x10, 1, 2, 3,
                                    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                    15, 16};
  static const uint8_t shello[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0, 0,
                                   0};
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  flow c;
  flow_open(&c, &s, synth_ep(127, 0, 0, 1, 41000), synth_ep(127, 0, 0, 1,
                                                             2121), 1, 2);
  flow_str(&c, 1, "220 ready\r\n");
  flow_str(&c, 0, "USER early\r\n");
  flow_str(&c, 1, "530 Non-anonymous sessions must use encryption.\r\n");
  flow_str(&c, 0, "AUTH TLS\r\n");
  flow_str(&c, 1, "234 Proceed with negotiation.\r\n");
  flow_send(&c, 0, hello, sizeof hello);
  flow_send(&c, 1, shello, sizeof shello);
  flow_send(&c, 0, appdata, sizeof appdata);
  flow d;
  flow_open(&d, &s, synth_ep(127, 0, 0, 1, 41001), synth_ep(127, 0, 0, 1,
                                                             50010), 3, 4);
  flow_send(&d, 0, hello, sizeof hello);
  flow_send(&d, 1, shello, sizeof shello);
  for (int i = 0; i < 3; i++)
    flow_send(&d, 1, appdata, sizeof appdata);
  flow_fin(&d, 1);
  flow_fin(&d, 0);
  flow_fin(&c, 0);
  flow_fin(&c, 1);
  synth_close(&s);
}

static void setup(void)
{
  snprintf(plain_path, sizeof plain_path, "/tmp/wire-plain-%d.pcap",
           (int)getpid());
  snprintf(tls_path, sizeof tls_path, "/tmp/wire-tls-%d.pcap", (int)getpid());
  for (size_t i = 0; i < sizeof blob; i++)
    blob[i] = (uint8_t)(i * 7);
  write_plain(plain_path);
  write_tls(tls_path);
}

static void teardown(void)
{
  unlink(plain_path);
  unlink(tls_path);
}

static wire_analysis *load(const char *path, int port)
{
  wire_analysis *a = NULL;
  char err[256] = "";
  ck_assert_msg(wire_analyze_file(path, port, &a, err, sizeof err) == 0, "%s",
                err);
  return a;
}

START_TEST(test_plain_session)
{
  wire_analysis *a = load(plain_path, 2121);
  ck_assert_uint_eq(a->nsessions, 1);
  const wire_session *s = &a->sessions[0];
  static const char *cmds[] = {"USER test", "PASS <hidden>", "TYPE I",
                               "PASV", "RETR x.bin", "PORT 127,0,0,1,156,66",
                               "STOR up.bin", "PASV", "RETR big.bin", "QUIT"};
  ck_assert_uint_eq(s->ncmds, 10);
  for (size_t i = 0; i < 10; i++)
    ck_assert_str_eq(s->cmds[i].text, cmds[i]);
  ck_assert_uint_eq(s->nreplies, 13);
  ck_assert_int_eq(s->replies[2].code, 230);
  ck_assert_str_eq(s->replies[2].text, "230-Welcome\n230 Login successful.");
  ck_assert(!s->tls.tls);
  ck_assert_uint_eq(a->ndata, 3);
  const wire_data_conn *d = a->data;
  ck_assert(d[0].passive);
  ck_assert_int_eq(d[0].direction, WIRE_XFER_DOWNLOAD);
  ck_assert_uint_eq(d[0].bytes, 5000);
  ck_assert_int_eq(d[0].opened_by, WIRE_SIDE_CLIENT);
  ck_assert_int_eq(d[0].module_close, WIRE_CLOSE_FIN);
  ck_assert_int_eq(d[0].first_closer, WIRE_SIDE_SERVER);
  ck_assert(!d[1].passive);
  ck_assert_int_eq(d[1].direction, WIRE_XFER_UPLOAD);
  ck_assert_uint_eq(d[1].bytes, 3000);
  ck_assert_int_eq(d[1].opened_by, WIRE_SIDE_SERVER);
  ck_assert_str_eq(d[1].client, "127.0.0.1:40002");
  ck_assert_int_eq(d[2].module_close, WIRE_CLOSE_RST);
  ck_assert_int_eq(d[2].first_closer, WIRE_SIDE_CLIENT);
  ck_assert_uint_eq(d[2].bytes, 1000);
  ck_assert_int_eq(a->mode, WIRE_MODE_MIXED);
  ck_assert_uint_eq(a->other_conns, 1);
  ck_assert_uint_eq(a->missing, 0);
  ck_assert_uint_eq(a->nplaintext, 0);
  char *j = wire_analysis_to_json(a);
  ck_assert_ptr_nonnull(j);
  ck_assert_ptr_nonnull(strstr(j, "\"mode\":\"mixed\""));
  ck_assert_ptr_null(strstr(j, "secret"));
  free(j);
  wire_analysis_free(a);
}
END_TEST

/* Port 0 guesses the control connection from its "220". */
START_TEST(test_guess_and_ladder)
{
  wire_analysis *a = load(plain_path, 0);
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_uint_eq(a->ndata, 3);
  wire_analysis_free(a);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  char err[128];
  ck_assert_int_eq(wire_ladder_print(plain_path, 0, f, err, sizeof err), 0);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(buf, "  ------>  RETR x.bin"));
  ck_assert_ptr_nonnull(strstr(buf, "  <------  226 Transfer complete."));
  ck_assert_ptr_nonnull(strstr(buf, "RST (to server 0, to client 1000"));
  ck_assert_ptr_null(strstr(buf, "secret"));
  free(buf);
}
END_TEST

START_TEST(test_tls_session)
{
  wire_analysis *a = load(tls_path, 2121);
  ck_assert_uint_eq(a->nsessions, 1);
  const wire_session *s = &a->sessions[0];
  ck_assert(s->tls.tls);
  ck_assert(!s->tls.implicit);
  ck_assert(s->auth_tls);
  ck_assert(s->tls.hello);
  ck_assert_uint_eq(s->tls.h.legacy_version, 0x0303);
  ck_assert_uint_eq(s->ncmds, 2); /* USER, AUTH TLS; nothing after */
  ck_assert_uint_eq(a->ndata, 1);
  ck_assert(a->data[0].tls.tls);
  ck_assert_int_eq(a->data[0].direction, WIRE_XFER_DOWNLOAD);
  ck_assert_uint_eq(a->nplaintext, 1);
  ck_assert_ptr_nonnull(strstr(a->plaintext[0], "USER/PASS"));
  wire_analysis_free(a);
}
END_TEST

typedef struct check_case {
  const char *commands[4];
  const char *forbidden[2];
  qh_wire_mode mode;
  int ndata; /* -1: no data assertion */
  qh_wire_data data[3];
  int tls_control, tls_data;
  bool no_plaintext;
  const char *want; /* NULL: passes; else a fragment of the message */
} check_case;

#define ANYD {QH_DIR_ANY, -1, QH_CLOSE_ANY, QH_OPENER_ANY, {0, 0, 0}}

static const check_case ccases[] = {
    {{"USER *", "TYPE I", "RETR x.bin", "QUIT"}, {"MLSD*"}, QH_MODE_ANY, 3,
     {{QH_DIR_DOWNLOAD, 5000, QH_CLOSE_FIN, QH_OPENER_CLIENT, {0, 0, 0}},
      {QH_DIR_UPLOAD, 3000, QH_CLOSE_ANY, QH_OPENER_SERVER, {0, 0, 0}},
      {QH_DIR_DOWNLOAD, -1, QH_CLOSE_RST, QH_OPENER_ANY, {0, 0, 0}}},
     0, -1, false, NULL},
    {{"PASS *", "TYPE A"}, {NULL}, QH_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "wire: expected client command \"TYPE A\" after \"PASS <hidden>\", saw "
     "TYPE I, PASV, RETR x.bin, PORT 127,0,0,1,156,66"},
    {{"REST 1000"}, {NULL}, QH_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "wire: expected client command \"REST 1000\", saw USER test, PASS"},
    {{"QUIT", "USER *"}, {NULL}, QH_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "after \"QUIT\", saw nothing"},
    {{NULL}, {"PORT *"}, QH_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "wire: forbidden client command \"PORT *\": saw \"PORT 127,0,0,1,156,66"},
    {{NULL}, {NULL}, QH_MODE_PASSIVE, -1, {ANYD}, -1, -1, false,
     "wire: expected mode passive, saw mixed"},
    {{NULL}, {NULL}, QH_MODE_ANY, 0, {ANYD}, -1, -1, false,
     "wire: expected 0 data connection(s), saw 3"},
    {{NULL}, {NULL}, QH_MODE_ANY, 3,
     {ANYD, ANYD, {QH_DIR_ANY, -1, QH_CLOSE_FIN, QH_OPENER_ANY, {0, 0, 0}}},
     -1, -1, false,
     "wire: data connection 3: expected close fin by the module, saw rst"},
    {{NULL}, {NULL}, QH_MODE_ANY, 3,
     {{QH_DIR_UPLOAD, -1, QH_CLOSE_ANY, QH_OPENER_ANY, {0, 0, 0}}, ANYD,
      ANYD}, -1, -1, false,
     "wire: data connection 1: expected direction upload, saw download"},
    {{NULL}, {NULL}, QH_MODE_ANY, 3,
     {{QH_DIR_ANY, 4999, QH_CLOSE_ANY, QH_OPENER_ANY, {0, 0, 0}}, ANYD,
      ANYD}, -1, -1, false,
     "wire: data connection 1: expected 4999 bytes download, saw 5000"},
    {{NULL}, {NULL}, QH_MODE_ANY, 3,
     {ANYD, {QH_DIR_ANY, -1, QH_CLOSE_ANY, QH_OPENER_CLIENT, {0, 0, 0}},
      ANYD}, -1, -1, false,
     "wire: data connection 2: expected opened by the client, saw server"},
    {{NULL}, {NULL}, QH_MODE_ANY, -1, {ANYD}, 1, -1, false,
     "wire: expected TLS on control connection 1, saw plain"},
    {{NULL}, {NULL}, QH_MODE_ANY, -1, {ANYD}, -1, -1, true,
     "wire: no_plaintext: expected no USER/PASS in clear, saw 2"},
};

START_TEST(test_check_table)
{
  const check_case *k = &ccases[_i];
  qh_wire w;
  memset(&w, 0, sizeof w);
  w.present = true;
  for (; w.ncommands < 4 && k->commands[w.ncommands]; w.ncommands++)
    ;
  w.commands = (char **)k->commands;
  for (; w.nforbidden < 2 && k->forbidden[w.nforbidden]; w.nforbidden++)
    ;
  w.forbidden = (char **)k->forbidden;
  w.mode = k->mode;
  w.data_given = k->ndata >= 0;
  w.ndata = k->ndata >= 0 ? (size_t)k->ndata : 0;
  w.data = (qh_wire_data *)k->data;
  w.tls_control = k->tls_control;
  w.tls_data = k->tls_data;
  w.no_plaintext = k->no_plaintext;
  wire_analysis *a = load(plain_path, 2121);
  char msg[600];
  int rc = wire_check(a, &w, msg, sizeof msg);
  if (!k->want) {
    ck_assert_msg(rc == 0, "case %d: %s", _i, msg);
  } else {
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(msg, k->want) != NULL, "case %d: \"%s\" lacks \"%s\"",
                  _i, msg, k->want);
  }
  wire_analysis_free(a);
}
END_TEST

START_TEST(test_check_tls_capture)
{
  wire_analysis *a = load(tls_path, 2121);
  qh_wire w;
  memset(&w, 0, sizeof w);
  w.present = true;
  w.tls_control = 1;
  w.tls_data = 1;
  char msg[300];
  ck_assert_int_eq(wire_check(a, &w, msg, sizeof msg), 0);
  w.no_plaintext = true;
  ck_assert_int_eq(wire_check(a, &w, msg, sizeof msg), -1);
  ck_assert_ptr_nonnull(strstr(msg, "saw 1 on control connection 1"));
  wire_analysis_free(a);
}
END_TEST

START_TEST(test_bad_file)
{
  wire_analysis *a = (wire_analysis *)1;
  char err[256];
  ck_assert_int_eq(wire_analyze_file("/nonexistent.pcap", 21, &a, err,
                                     sizeof err), -1);
  ck_assert_ptr_null(a);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent.pcap"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_analyze");
  TCase *tc = tcase_create("core");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_plain_session);
  tcase_add_test(tc, test_guess_and_ladder);
  tcase_add_test(tc, test_tls_session);
  tcase_add_loop_test(tc, test_check_table, 0,
                      (int)(sizeof ccases / sizeof ccases[0]));
  tcase_add_test(tc, test_check_tls_capture);
  tcase_add_test(tc, test_bad_file);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
