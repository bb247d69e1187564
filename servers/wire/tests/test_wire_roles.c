/* wire_analyze without the control port (qftp-harness wire FILE.pcap, no
 * --port): which connection is control and which is data is told by what
 * they carry, never by a port number alone. Synthesised captures: two
 * implicit-FTPS control connections on a non-standard port with their
 * data connections (a reconnect, and two at once), plain FTP on a
 * non-standard port, and data connections whose payload looks like FTP
 * replies. */
#include "wire_analyze.h"
#include "wire_synth.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A ClientHello record (TLS 1.2, one cipher suite, no extensions). */
static const uint8_t hello[] = {
    0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x03,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
    0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00};
static const uint8_t shello[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0, 0, 0};
static const uint8_t appdata[] = {0x17, 0x03, 0x03, 0x00, 0x10, 1, 2, 3, 4,
                                  5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static char path[64];

static wire_analysis *load(int port)
{
  wire_analysis *a = NULL;
  char err[256] = "";
  ck_assert_msg(wire_analyze_file(path, port, &a, err, sizeof err) == 0, "%s",
                err);
  return a;
}

static void tls_start(flow *f, synth *s, unsigned mport, unsigned sport,
                      uint32_t isn)
{
  flow_open(f, s, synth_ep(127, 0, 0, 1, mport), synth_ep(127, 0, 0, 1, sport),
            isn, isn + 5000);
  flow_send(f, 0, hello, sizeof hello);
  flow_send(f, 1, shello, sizeof shello);
}

/* An implicit-FTPS data connection (passive: the module opens it) that
 * carries `records` TLS records of payload. */
static void tls_data(synth *s, unsigned mport, unsigned sport, uint32_t isn,
                     int records)
{
  flow d;
  tls_start(&d, s, mport, sport, isn);
  for (int i = 0; i < records; i++)
    flow_send(&d, 1, appdata, sizeof appdata);
  flow_fin(&d, 1);
  flow_fin(&d, 0);
}

/* overlap false: the module's second control connection opens after the
 * first closed (a reconnect); true: both are open at once. */
static void write_two_implicit(bool overlap)
{
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  flow c1, c2;
  tls_start(&c1, &s, 41000, 2990, 100);
  flow_send(&c1, 0, appdata, sizeof appdata); /* USER, PASS, PASV ... */
  flow_send(&c1, 1, appdata, sizeof appdata); /* 227 ... */
  tls_data(&s, 41001, 50010, 300, 3);
  if (overlap) {
    tls_start(&c2, &s, 41002, 2990, 500);
  } else {
    flow_fin(&c1, 0);
    flow_fin(&c1, 1);
    tls_start(&c2, &s, 41002, 2990, 500);
  }
  flow_send(&c2, 0, appdata, sizeof appdata);
  flow_send(&c2, 1, appdata, sizeof appdata);
  tls_data(&s, 41003, 50011, 700, 2);
  flow_fin(&c2, 0);
  flow_fin(&c2, 1);
  if (overlap) {
    flow_fin(&c1, 0);
    flow_fin(&c1, 1);
  }
  synth_close(&s);
}

static void check_two_implicit(wire_analysis *a)
{
  ck_assert_uint_eq(a->nsessions, 2);
  for (size_t i = 0; i < 2; i++) {
    ck_assert(a->sessions[i].tls.tls);
    ck_assert(a->sessions[i].tls.implicit);
    ck_assert_str_eq(a->sessions[i].server, "127.0.0.1:2990");
  }
  ck_assert_str_eq(a->sessions[0].client, "127.0.0.1:41000");
  ck_assert_str_eq(a->sessions[1].client, "127.0.0.1:41002");
  ck_assert_uint_eq(a->ndata, 2);
  ck_assert(a->data[0].tls.tls);
  ck_assert(a->data[1].tls.tls);
  ck_assert_str_eq(a->data[0].server, "127.0.0.1:50010");
  ck_assert_str_eq(a->data[1].server, "127.0.0.1:50011");
  ck_assert_int_eq(a->data[0].direction, WIRE_XFER_DOWNLOAD);
  ck_assert_uint_eq(a->other_conns, 0);
  /* No false "payload in clear": every connection carried TLS. */
  ck_assert_uint_eq(a->nplaintext, 0);
}

START_TEST(test_implicit_reconnect)
{
  write_two_implicit(false);
  wire_analysis *a = load(0);
  check_two_implicit(a);
  ck_assert_int_eq(a->data[0].session, 0);
  ck_assert_int_eq(a->data[1].session, 1);
  wire_analysis_free(a);
  /* With the port given, the same. */
  a = load(2990);
  check_two_implicit(a);
  wire_analysis_free(a);
}
END_TEST

START_TEST(test_implicit_two_at_once)
{
  write_two_implicit(true);
  wire_analysis *a = load(0);
  check_two_implicit(a);
  wire_analysis_free(a);
}
END_TEST

/* Plain FTP on port 2990: the control connection by its 220 greeting; a
 * passive and an active data connection by their announced ports, though
 * what they carry reads like FTP replies and commands. */
START_TEST(test_plain_nonstandard_port)
{
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  wire_endpoint m = synth_ep(127, 0, 0, 1, 42000);
  wire_endpoint v = synth_ep(127, 0, 0, 1, 2990);
  flow c;
  flow_open(&c, &s, m, v, 10, 20);
  flow_str(&c, 1, "220 ready\r\n");
  flow_str(&c, 0, "USER test\r\n");
  flow_str(&c, 1, "331 Password.\r\n");
  flow_str(&c, 0, "PASS secret\r\n");
  flow_str(&c, 1, "230 ok\r\n");
  flow_str(&c, 0, "PASV\r\n");
  flow_str(&c, 1, "227 Entering Passive Mode (127,0,0,1,195,100).\r\n");
  flow_str(&c, 0, "RETR replies.txt\r\n");
  flow d;
  flow_open(&d, &s, synth_ep(127, 0, 0, 1, 42001),
            synth_ep(127, 0, 0, 1, 195 * 256 + 100), 30, 40);
  flow_str(&d, 1, "220 this file holds FTP replies\r\n230 ok\r\n");
  flow_fin(&d, 1);
  flow_fin(&d, 0);
  flow_str(&c, 1, "226 done\r\n");
  flow_str(&c, 0, "PORT 127,0,0,1,164,16\r\n");
  flow_str(&c, 1, "200 ok\r\n");
  flow_str(&c, 0, "STOR up.txt\r\n");
  flow e; /* active: the server opens it to the module's announced port */
  flow_open(&e, &s, synth_ep(127, 0, 0, 1, 2989),
            synth_ep(127, 0, 0, 1, 164 * 256 + 16), 50, 60);
  flow_str(&e, 1, "USER not-a-command\r\n");
  flow_fin(&e, 1);
  flow_fin(&e, 0);
  flow_str(&c, 1, "226 done\r\n");
  flow_str(&c, 0, "QUIT\r\n");
  flow_fin(&c, 0);
  flow_fin(&c, 1);
  synth_close(&s);

  wire_analysis *a = load(0);
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_str_eq(a->sessions[0].server, "127.0.0.1:2990");
  ck_assert(!a->sessions[0].tls.tls);
  ck_assert_uint_eq(a->sessions[0].ncmds, 7);
  ck_assert_uint_eq(a->ndata, 2);
  ck_assert(a->data[0].passive);
  ck_assert_int_eq(a->data[0].direction, WIRE_XFER_DOWNLOAD);
  ck_assert(!a->data[1].passive);
  ck_assert_int_eq(a->data[1].direction, WIRE_XFER_UPLOAD);
  ck_assert_uint_eq(a->other_conns, 0);
  ck_assert_uint_eq(a->nplaintext, 0);
  wire_analysis_free(a);
}
END_TEST

/* Explicit FTPS on 2990 whose PASV is still in clear: the announced data
 * connection carries TLS and is data, though it starts with a ClientHello
 * like an implicit control connection would. */
START_TEST(test_announced_tls_is_data)
{
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  flow c;
  flow_open(&c, &s, synth_ep(127, 0, 0, 1, 43000),
            synth_ep(127, 0, 0, 1, 2990), 10, 20);
  flow_str(&c, 1, "220 ready\r\n");
  flow_str(&c, 0, "PASV\r\n");
  flow_str(&c, 1, "227 Entering Passive Mode (127,0,0,1,195,110).\r\n");
  tls_data(&s, 43001, 195 * 256 + 110, 30, 2);
  flow_fin(&c, 0);
  flow_fin(&c, 1);
  synth_close(&s);
  wire_analysis *a = load(0);
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_uint_eq(a->ndata, 1);
  ck_assert(a->data[0].tls.tls);
  ck_assert_int_eq(a->data[0].session, 0);
  wire_analysis_free(a);
}
END_TEST

/* An implicit-FTPS data connection that closes before any byte (an empty
 * listing refused mid-way) is still the session's data connection. */
START_TEST(test_implicit_silent_data)
{
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  flow c, d;
  tls_start(&c, &s, 44000, 2990, 10);
  flow_send(&c, 0, appdata, sizeof appdata);
  flow_open(&d, &s, synth_ep(127, 0, 0, 1, 44001),
            synth_ep(127, 0, 0, 1, 50020), 30, 40);
  flow_fin(&d, 1);
  flow_fin(&d, 0);
  flow_fin(&c, 0);
  flow_fin(&c, 1);
  synth_close(&s);
  wire_analysis *a = load(0);
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_uint_eq(a->ndata, 1);
  ck_assert_uint_eq(a->other_conns, 0);
  ck_assert_uint_eq(a->nplaintext, 0);
  wire_analysis_free(a);
}
END_TEST

static void setup(void)
{
  snprintf(path, sizeof path, "/tmp/wire-roles-%d.pcap", (int)getpid());
}

static void teardown(void)
{
  unlink(path);
}

int main(void)
{
  Suite *su = suite_create("wire_roles");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_implicit_reconnect);
  tcase_add_test(tc, test_implicit_two_at_once);
  tcase_add_test(tc, test_plain_nonstandard_port);
  tcase_add_test(tc, test_announced_tls_is_data);
  tcase_add_test(tc, test_implicit_silent_data);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
