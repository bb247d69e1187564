/* wire_analyze + wire_check + wire_ladder on synthesised captures: a
 * passive download, an active upload, a download the module resets, an
 * explicit-FTPS session, one whose ServerHellos give the negotiated
 * versions, and captures cut short or not captures at all. */
#include "wire_analyze.h"
#include "wire_check.h"
#include "wire_synth.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char plain_path[64], tls_path[64], sh_path[64], cut_path[64];
static char snap_path[64];
static uint8_t blob[5000];

static void write_plain(const char *path, size_t snap)
{
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  s.snap = snap;
  s.whole_port = 2121;
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
static void write_tls(const char *path, size_t snap)
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
  s.snap = snap;
  s.whole_port = 2121;
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

/* A ServerHello record (RFC 8446 4.1.3): selected 0 leaves the
 * supported_versions extension out (TLS 1.2 and older). */
static size_t sh_record(uint8_t *r, uint16_t selected, bool hrr)
{
  static const uint8_t hrr_random[32] = {
      0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
      0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
      0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
  size_t b = 9;
  r[b++] = 0x03, r[b++] = 0x03; /* legacy_version */
  if (hrr)
    memcpy(r + b, hrr_random, 32);
  else
    memset(r + b, 0x5a, 32);
  b += 32;
  r[b++] = 0;                                /* session id */
  r[b++] = 0x13, r[b++] = 0x02, r[b++] = 0;  /* cipher, compression */
  if (selected) {
    r[b++] = 0, r[b++] = 6;                  /* extensions */
    r[b++] = 0, r[b++] = 0x2b, r[b++] = 0, r[b++] = 2;
    put16(r + b, selected), b += 2;
  }
  r[0] = 0x16, r[1] = 0x03, r[2] = 0x03;
  put16(r + 3, b - 5);
  r[5] = 2, r[6] = 0;
  put16(r + 7, b - 9);
  return b;
}

/* Explicit FTPS whose server retries the hello (TLS 1.3), its ServerHello
 * cut over two TCP segments, and a data connection on TLS 1.2. */
static void write_server_hellos(const char *path, size_t snap)
{
  static const uint8_t hello[] = {
      0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x03,
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
      20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
      0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00};
  static const uint8_t ccs[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
  static const uint8_t appdata[] = {0x17, 0x03, 0x03, 0x00, 0x04, 1, 2, 3,
                                    4};
  uint8_t r[128];
  synth s;
  ck_assert_int_eq(synth_open(&s, path), 0);
  s.snap = snap;
  s.whole_port = 2121;
  flow c;
  flow_open(&c, &s, synth_ep(127, 0, 0, 1, 42000), synth_ep(127, 0, 0, 1,
                                                             2121), 1, 2);
  flow_str(&c, 1, "220 ready\r\n");
  flow_str(&c, 0, "AUTH TLS\r\n");
  flow_str(&c, 1, "234 Proceed with negotiation.\r\n");
  flow_send(&c, 0, hello, sizeof hello);
  size_t n = sh_record(r, 0x0304, true);
  flow_send(&c, 1, r, n);
  flow_send(&c, 1, ccs, sizeof ccs);
  flow_send(&c, 0, hello, sizeof hello); /* the second ClientHello */
  n = sh_record(r, 0x0304, false);
  flow_send(&c, 1, r, 20);
  flow_send(&c, 1, r + 20, n - 20);
  flow_send(&c, 1, appdata, sizeof appdata);
  flow d;
  flow_open(&d, &s, synth_ep(127, 0, 0, 1, 42001), synth_ep(127, 0, 0, 1,
                                                             50020), 3, 4);
  flow_send(&d, 0, hello, sizeof hello);
  n = sh_record(r, 0, false);
  flow_send(&d, 1, r, n);
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
  snprintf(sh_path, sizeof sh_path, "/tmp/wire-sh-%d.pcap", (int)getpid());
  snprintf(cut_path, sizeof cut_path, "/tmp/wire-cut-%d.pcap",
           (int)getpid());
  snprintf(snap_path, sizeof snap_path, "/tmp/wire-snap-%d.pcap",
           (int)getpid());
  write_plain(plain_path, 0);
  write_tls(tls_path, 0);
  write_server_hellos(sh_path, 0);
}

static void teardown(void)
{
  unlink(plain_path);
  unlink(tls_path);
  unlink(sh_path);
  unlink(cut_path);
  unlink(snap_path);
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
  ck_assert(!s->tls.server_hello); /* its "ServerHello" has no body */
  ck_assert_uint_eq(a->ndata, 1);
  ck_assert(a->data[0].tls.tls);
  ck_assert_int_eq(a->data[0].direction, WIRE_XFER_DOWNLOAD);
  ck_assert_uint_eq(a->nplaintext, 1);
  ck_assert_ptr_nonnull(strstr(a->plaintext[0], "USER/PASS"));
  wire_analysis_free(a);
}
END_TEST

/* Rebased to a case's clock: every time shifted by (first packet - base),
 * "clock": "case"; the ClientHello's time on sessions and data. */
START_TEST(test_json_case_clock)
{
  wire_analysis *a = load(tls_path, 2121);
  char *j0 = wire_analysis_to_json(a);
  char *j1 = wire_analysis_to_json_at(a, a->t_first - 10.0);
  ck_assert_ptr_nonnull(j0);
  ck_assert_ptr_nonnull(j1);
  json_t *o0 = json_loads(j0, 0, NULL), *o1 = json_loads(j1, 0, NULL);
  ck_assert_ptr_nonnull(o0);
  ck_assert_ptr_nonnull(o1);
  ck_assert_ptr_null(json_object_get(o0, "clock"));
  ck_assert_str_eq(json_string_value(json_object_get(o1, "clock")), "case");
  json_t *s0 = json_array_get(json_object_get(o0, "control"), 0);
  json_t *s1 = json_array_get(json_object_get(o1, "control"), 0);
  static const char *const keys[] = {"t_open", "t_close", "t_hello"};
  for (size_t i = 0; i < 3; i++) {
    double a0 = json_number_value(json_object_get(s0, keys[i]));
    double a1 = json_number_value(json_object_get(s1, keys[i]));
    ck_assert_msg(a1 - a0 > 9.999999 && a1 - a0 < 10.000001, "%s", keys[i]);
  }
  ck_assert(json_number_value(json_object_get(s0, "t_hello")) >
            json_number_value(json_object_get(s0, "t_open")));
  double c0 = json_number_value(
      json_object_get(json_array_get(json_object_get(s0, "commands"), 0), "t"));
  double c1 = json_number_value(
      json_object_get(json_array_get(json_object_get(s1, "commands"), 0), "t"));
  ck_assert(c1 - c0 > 9.999999 && c1 - c0 < 10.000001);
  json_t *d1 = json_array_get(json_object_get(o1, "data"), 0);
  ck_assert(json_is_number(json_object_get(d1, "t_hello")));
  ck_assert(json_number_value(json_object_get(d1, "t_hello")) >=
            json_number_value(json_object_get(d1, "t_open")));
  json_decref(o0);
  json_decref(o1);
  free(j0);
  free(j1);
  wire_analysis_free(a);
  /* No ClientHello: null. */
  a = load(plain_path, 2121);
  char *jp = wire_analysis_to_json_at(a, a->t_first);
  json_t *op = json_loads(jp, 0, NULL);
  ck_assert(json_is_null(json_object_get(
      json_array_get(json_object_get(op, "control"), 0), "t_hello")));
  json_decref(op);
  free(jp);
  wire_analysis_free(a);
}
END_TEST

/* The negotiated version per connection: HelloRetryRequest noted, the
 * ServerHello after it taken, across a TCP segment boundary. */
START_TEST(test_server_hellos)
{
  wire_analysis *a = load(sh_path, 2121);
  ck_assert_uint_eq(a->nsessions, 1);
  const wire_tls_info *t = &a->sessions[0].tls;
  ck_assert(t->tls && t->hello && t->server_hello && t->hrr);
  ck_assert_uint_eq(t->sh.version, 0x0304);
  ck_assert_uint_eq(t->sh.selected_version, 0x0304);
  ck_assert_uint_eq(t->sh.legacy_version, 0x0303);
  ck_assert_uint_eq(a->ndata, 1);
  t = &a->data[0].tls;
  ck_assert(t->tls && t->server_hello && !t->hrr);
  ck_assert_uint_eq(t->sh.version, 0x0303);
  ck_assert_uint_eq(t->sh.selected_version, 0);
  char *j = wire_analysis_to_json(a);
  ck_assert_ptr_nonnull(j);
  ck_assert_ptr_nonnull(strstr(j, "\"negotiated\":\"TLS1.3\",\"hello_retry\""
                                  ":true"));
  ck_assert_ptr_nonnull(strstr(j, "\"negotiated\":\"TLS1.2\",\"hello_retry\""
                                  ":false"));
  ck_assert_ptr_nonnull(strstr(j, "\"capture_truncated\":false"));
  ck_assert_ptr_null(strstr(j, "capture_error"));
  free(j);
  wire_analysis_free(a);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  char err[128];
  ck_assert_int_eq(wire_ladder_print(sh_path, 2121, f, err, sizeof err), 0);
  fclose(f);
  char *hrr = strstr(buf, "1 tls     <------  TLS HelloRetryRequest\n");
  char *sh13 = strstr(buf, "1 tls     <------  TLS ServerHello TLS1.3\n");
  ck_assert_ptr_nonnull(hrr);
  ck_assert_ptr_nonnull(sh13);
  ck_assert(hrr < sh13);
  ck_assert_ptr_nonnull(strstr(buf, "2 tls     <------  TLS ServerHello "
                                    "TLS1.2\n"));
  free(buf);
}
END_TEST

/* Captures cut anywhere: after the file header the packets before the
 * damage are kept and the damage is said; before it, not a capture. */
typedef struct cut_case {
  const char *name;
  long keep;        /* bytes kept; <= 0: that many cut off the end */
  int rc;           /* wire_analyze_file */
  bool truncated;
  int lost;         /* packets missing from the full count; -1: all */
  const char *err;  /* in capture_error (rc 0) or err (rc -1) */
} cut_case;

static const cut_case cut_cases[] = {
    {"whole file", 0, 0, false, 0, NULL},
    {"7 bytes off the end", -7, 0, true, 1, "truncated dump file"},
    {"the last record's header cut", -80, 0, true, 1, "truncated dump file"},
    {"header only", 24, 0, false, -1, NULL},
    {"first record header cut", 24 + 8, 0, true, -1, "truncated dump file"},
    {"first record cut (head -c 100 style)", 24 + 16 + 10, 0, true, -1,
     "truncated dump file"},
    {"file header cut", 20, -1, false, 0, "not a pcap or pcapng capture"},
    {"empty file", -(1L << 30) /* all cut */, -1, false, 0,
     "not a pcap or pcapng capture"},
};

static void write_prefix(const char *from, const char *to, long keep)
{
  FILE *f = fopen(from, "rb");
  ck_assert_ptr_nonnull(f);
  static uint8_t buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  ck_assert(n > 0 && n < sizeof buf);
  size_t k = keep > 0 ? (size_t)keep
             : (size_t)-keep >= n ? 0
                                  : n - (size_t)-keep;
  f = fopen(to, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(buf, 1, k, f), k);
  fclose(f);
}

START_TEST(test_cut_table)
{
  const cut_case *k = &cut_cases[_i];
  wire_analysis *full = load(plain_path, 2121);
  uint64_t all = full->packets;
  wire_analysis_free(full);
  write_prefix(plain_path, cut_path, k->keep);
  wire_analysis *a = NULL;
  char err[256] = "";
  int rc = wire_analyze_file(cut_path, 2121, &a, err, sizeof err);
  ck_assert_msg(rc == k->rc, "%s: rc %d (%s)", k->name, rc, err);
  if (rc < 0) {
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(err, k->err) && strstr(err, cut_path), "%s: %s",
                  k->name, err);
    return;
  }
  ck_assert_msg(a->truncated == k->truncated, "%s", k->name);
  ck_assert_uint_eq(a->packets, k->lost < 0 ? 0 : all - (uint64_t)k->lost);
  if (k->err)
    ck_assert_msg(strstr(a->capture_error, k->err), "%s: \"%s\"", k->name,
                  a->capture_error);
  else
    ck_assert_str_eq(a->capture_error, "");
  ck_assert_uint_eq(a->undecoded, 0);
  wire_analysis_free(a);
}
END_TEST

/* The damage reaches JSON, the ladder (a warning line) and the ladder's
 * caller (1); the last packets before it are still analysed. */
START_TEST(test_cut_surfaces)
{
  write_prefix(plain_path, cut_path, -7);
  wire_analysis *a = load(cut_path, 2121);
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_uint_eq(a->sessions[0].ncmds, 10); /* QUIT is still there */
  char *j = wire_analysis_to_json(a);
  ck_assert_ptr_nonnull(j);
  ck_assert_ptr_nonnull(strstr(j, "\"capture_truncated\":true,"
                                  "\"capture_error\":\"truncated dump file"));
  free(j);
  char want[96];
  snprintf(want, sizeof want, "# WARNING: capture damaged after %llu "
           "packets (truncated dump file", (unsigned long long)a->packets);
  wire_analysis_free(a);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  char err[256] = "";
  ck_assert_int_eq(wire_ladder_print(cut_path, 2121, f, err, sizeof err), 1);
  fclose(f);
  ck_assert_msg(strstr(buf, want) != NULL, "%s", buf);
  ck_assert_ptr_nonnull(strstr(buf, "  ------>  QUIT"));
  ck_assert_ptr_nonnull(strstr(err, "truncated dump file"));
  free(buf);
}
END_TEST

/* Not a capture at all: an error that says so, and no ladder. */
START_TEST(test_not_a_capture)
{
  FILE *f = fopen(cut_path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("220 this is an FTP log, not a capture\r\n", f);
  fclose(f);
  wire_analysis *a = (wire_analysis *)1;
  char err[256] = "";
  ck_assert_int_eq(wire_analyze_file(cut_path, 0, &a, err, sizeof err), -1);
  ck_assert_ptr_null(a);
  ck_assert_ptr_nonnull(strstr(err, "not a pcap or pcapng capture"));
  char *buf = NULL;
  size_t len = 0;
  f = open_memstream(&buf, &len);
  ck_assert_int_eq(wire_ladder_print(cut_path, 0, f, err, sizeof err), -1);
  fclose(f);
  ck_assert_uint_eq(len, 0);
  ck_assert_ptr_nonnull(strstr(err, "not a pcap or pcapng capture"));
  free(buf);
}
END_TEST

typedef struct check_case {
  const char *commands[4];
  const char *forbidden[2];
  wire_want_mode mode;
  int ndata; /* -1: no data assertion */
  wire_expect_data data[3];
  int tls_control, tls_data;
  bool no_plaintext;
  const char *want; /* NULL: passes; else a fragment of the message */
} check_case;

#define ANYD {WIRE_WANT_DIR_ANY, -1, WIRE_WANT_CLOSE_ANY, WIRE_WANT_OPENER_ANY, {0, 0, 0}}

static const check_case ccases[] = {
    {{"USER *", "TYPE I", "RETR x.bin", "QUIT"}, {"MLSD*"}, WIRE_WANT_MODE_ANY, 3,
     {{WIRE_WANT_DOWNLOAD, 5000, WIRE_WANT_CLOSE_FIN, WIRE_WANT_OPENER_CLIENT, {0, 0, 0}},
      {WIRE_WANT_UPLOAD, 3000, WIRE_WANT_CLOSE_ANY, WIRE_WANT_OPENER_SERVER, {0, 0, 0}},
      {WIRE_WANT_DOWNLOAD, -1, WIRE_WANT_CLOSE_RST, WIRE_WANT_OPENER_ANY, {0, 0, 0}}},
     0, -1, false, NULL},
    {{"PASS *", "TYPE A"}, {NULL}, WIRE_WANT_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "wire: expected client command \"TYPE A\" after \"PASS <hidden>\", saw "
     "TYPE I, PASV, RETR x.bin, PORT 127,0,0,1,156,66"},
    {{"REST 1000"}, {NULL}, WIRE_WANT_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "wire: expected client command \"REST 1000\", saw USER test, PASS"},
    {{"QUIT", "USER *"}, {NULL}, WIRE_WANT_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "after \"QUIT\", saw nothing"},
    {{NULL}, {"PORT *"}, WIRE_WANT_MODE_ANY, -1, {ANYD}, -1, -1, false,
     "wire: forbidden client command \"PORT *\": saw \"PORT 127,0,0,1,156,66"},
    {{NULL}, {NULL}, WIRE_WANT_PASSIVE, -1, {ANYD}, -1, -1, false,
     "wire: expected mode passive, saw mixed"},
    {{NULL}, {NULL}, WIRE_WANT_MODE_ANY, 0, {ANYD}, -1, -1, false,
     "wire: expected 0 data connection(s), saw 3"},
    {{NULL}, {NULL}, WIRE_WANT_MODE_ANY, 3,
     {ANYD, ANYD, {WIRE_WANT_DIR_ANY, -1, WIRE_WANT_CLOSE_FIN, WIRE_WANT_OPENER_ANY, {0, 0, 0}}},
     -1, -1, false,
     "wire: data connection 3: expected close fin by the module, saw rst"},
    {{NULL}, {NULL}, WIRE_WANT_MODE_ANY, 3,
     {{WIRE_WANT_UPLOAD, -1, WIRE_WANT_CLOSE_ANY, WIRE_WANT_OPENER_ANY, {0, 0, 0}}, ANYD,
      ANYD}, -1, -1, false,
     "wire: data connection 1: expected direction upload, saw download"},
    {{NULL}, {NULL}, WIRE_WANT_MODE_ANY, 3,
     {{WIRE_WANT_DIR_ANY, 4999, WIRE_WANT_CLOSE_ANY, WIRE_WANT_OPENER_ANY, {0, 0, 0}}, ANYD,
      ANYD}, -1, -1, false,
     "wire: data connection 1: expected 4999 bytes download, saw 5000"},
    {{NULL}, {NULL}, WIRE_WANT_MODE_ANY, 3,
     {ANYD, {WIRE_WANT_DIR_ANY, -1, WIRE_WANT_CLOSE_ANY, WIRE_WANT_OPENER_CLIENT, {0, 0, 0}},
      ANYD}, -1, -1, false,
     "wire: data connection 2: expected opened by the client, saw server"},
    {{NULL}, {NULL}, WIRE_WANT_MODE_ANY, -1, {ANYD}, 1, -1, false,
     "wire: expected TLS on control connection 1, saw plain"},
    {{NULL}, {NULL}, WIRE_WANT_MODE_ANY, -1, {ANYD}, -1, -1, true,
     "wire: no_plaintext: expected no USER/PASS in clear, saw 2"},
};

START_TEST(test_check_table)
{
  const check_case *k = &ccases[_i];
  wire_expect w;
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
  w.data = (wire_expect_data *)k->data;
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
  wire_expect w;
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

/* wire: tls: version: every TLS connection negotiated that version; the
 * capture has TLS 1.3 on control and TLS 1.2 on data, so neither passes. */
START_TEST(test_check_tls_version)
{
  wire_analysis *a = load(sh_path, 2121);
  wire_expect w;
  memset(&w, 0, sizeof w);
  w.present = true;
  w.tls_control = w.tls_data = -1;
  char msg[300];
  w.tls_version = 0x0304;
  ck_assert_int_eq(wire_check(a, &w, msg, sizeof msg), -1);
  ck_assert_str_eq(msg, "wire: data connection 1: expected TLS1.3 "
                        "negotiated, saw TLS1.2");
  w.tls_version = 0x0303;
  ck_assert_int_eq(wire_check(a, &w, msg, sizeof msg), -1);
  ck_assert_str_eq(msg, "wire: control connection 1: expected TLS1.2 "
                        "negotiated, saw TLS1.3");
  wire_analysis_free(a);
}
END_TEST

/* Snapped as qftp-capture snaps (data payloads cut after 16 bytes, the
 * control port whole): byte counts come from the sequence numbers, so the
 * analysis is the unsnapped one; nothing is missing, the rest is
 * "uncaptured". */
START_TEST(test_snapped_plain)
{
  write_plain(snap_path, 16);
  wire_analysis *a = load(snap_path, 2121);
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_uint_eq(a->sessions[0].ncmds, 10);
  ck_assert_str_eq(a->sessions[0].cmds[5].text, "PORT 127,0,0,1,156,66");
  ck_assert_uint_eq(a->sessions[0].nreplies, 13);
  ck_assert(!a->sessions[0].truncated);
  ck_assert_uint_eq(a->ndata, 3);
  ck_assert_uint_eq(a->data[0].bytes, 5000);
  ck_assert_int_eq(a->data[0].direction, WIRE_XFER_DOWNLOAD);
  ck_assert_uint_eq(a->data[1].bytes, 3000);
  ck_assert_int_eq(a->data[1].direction, WIRE_XFER_UPLOAD);
  ck_assert_uint_eq(a->data[2].bytes, 1000);
  ck_assert_int_eq(a->data[2].module_close, WIRE_CLOSE_RST);
  ck_assert_uint_eq(a->missing, 0);
  ck_assert_uint_eq(a->data[0].missing, 0);
  /* 5000 in 4 segments, 3000 in 3, 1000 in 1, 18 of unrelated HTTP. */
  ck_assert_uint_eq(a->uncaptured, (5000 - 4 * 16) + (3000 - 3 * 16) +
                                       (1000 - 16) + (18 - 16));
  char *j = wire_analysis_to_json(a);
  ck_assert_ptr_nonnull(strstr(j, "\"missing_bytes\":0,"));
  ck_assert_ptr_nonnull(strstr(j, "\"uncaptured_bytes\":8874"));
  free(j);
  wire_analysis_free(a);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  char err[128];
  ck_assert_int_eq(wire_ladder_print(snap_path, 2121, f, err, sizeof err), 0);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(buf, "RST (to server 0, to client 1000"));
  ck_assert_ptr_null(strstr(buf, "missing"));
  free(buf);
}
END_TEST

/* Hellos shorter than the snap length are read whole on data connections
 * too; a snap that cuts one leaves its version out, and never invents
 * missing bytes. */
START_TEST(test_snapped_tls)
{
  write_server_hellos(snap_path, 64);
  wire_analysis *a = load(snap_path, 2121);
  const wire_tls_info *t = &a->data[0].tls;
  ck_assert(t->tls && t->server_hello && t->hello);
  ck_assert_uint_eq(t->sh.version, 0x0303);
  ck_assert_uint_eq(a->sessions[0].tls.sh.version, 0x0304);
  ck_assert_uint_eq(a->uncaptured, 0);
  wire_analysis_free(a);

  write_tls(snap_path, 8);
  a = load(snap_path, 2121);
  ck_assert_uint_eq(a->ndata, 1);
  t = &a->data[0].tls;
  ck_assert(t->tls);
  ck_assert(!t->hello);   /* the ClientHello was cut after 8 bytes */
  ck_assert_uint_eq(a->data[0].to_client, 9 + 3 * 21);
  ck_assert_uint_eq(a->data[0].to_server, 50);
  ck_assert_uint_eq(a->missing, 0);
  ck_assert(a->sessions[0].tls.hello); /* the control port stays whole */
  wire_analysis_free(a);
}
END_TEST

/* A field capture with TLS records of 0 to 3 bytes (shorter than a
 * handshake header) on an implicit-FTPS control connection and on its data
 * connection: analysed without reading past a record (ASan in CI), the
 * connections still seen as TLS, no hello invented. */
START_TEST(test_short_tls_records)
{
  synth s;
  ck_assert_int_eq(synth_open(&s, snap_path), 0);
  /* Each connection opens with a handshake record of `len` bytes whose
   * first byte says client_hello, then more bytes: a parser that trusts
   * the record to hold a handshake header reads far past it. */
  static const uint8_t more[] = {0x17, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4};
  for (unsigned len = 0; len < 4; len++) {
    uint8_t rec[8] = {0x16, 0x03, 0x01, 0x00, (uint8_t)len, 0x01, 0, 0};
    flow c, d;
    flow_open(&c, &s, synth_ep(127, 0, 0, 1, (uint16_t)(43000 + 2 * len)),
              synth_ep(127, 0, 0, 1, 990), 1, 2);
    flow_open(&d, &s, synth_ep(127, 0, 0, 1, (uint16_t)(43001 + 2 * len)),
              synth_ep(127, 0, 0, 1, (uint16_t)(50020 + len)), 3, 4);
    flow_send(&c, 0, rec, 5 + len);
    flow_send(&c, 0, more, sizeof more);
    flow_send(&d, 0, rec, 5 + len);
    flow_send(&d, 0, more, sizeof more);
    flow_fin(&d, 1);
    flow_fin(&d, 0);
    flow_fin(&c, 0);
    flow_fin(&c, 1);
  }
  synth_close(&s);
  wire_analysis *a = load(snap_path, 990);
  ck_assert_uint_eq(a->nsessions, 4);
  for (size_t i = 0; i < a->nsessions; i++) {
    ck_assert(a->sessions[i].tls.tls);
    ck_assert(!a->sessions[i].tls.hello);
  }
  wire_analysis_free(a);
  char *buf = NULL;
  size_t blen = 0;
  FILE *f = open_memstream(&buf, &blen);
  char err[128];
  ck_assert_int_eq(wire_ladder_print(snap_path, 0, f, err, sizeof err), 0);
  fclose(f);
  free(buf);
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
  tcase_add_test(tc, test_short_tls_records);
  tcase_add_test(tc, test_guess_and_ladder);
  tcase_add_test(tc, test_tls_session);
  tcase_add_test(tc, test_json_case_clock);
  tcase_add_loop_test(tc, test_check_table, 0,
                      (int)(sizeof ccases / sizeof ccases[0]));
  tcase_add_test(tc, test_check_tls_capture);
  tcase_add_test(tc, test_check_tls_version);
  tcase_add_test(tc, test_bad_file);
  tcase_add_test(tc, test_snapped_plain);
  tcase_add_test(tc, test_snapped_tls);
  tcase_add_test(tc, test_server_hellos);
  tcase_add_loop_test(tc, test_cut_table, 0,
                      (int)(sizeof cut_cases / sizeof cut_cases[0]));
  tcase_add_test(tc, test_cut_surfaces);
  tcase_add_test(tc, test_not_a_capture);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
