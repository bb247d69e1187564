/* wire_ftp and wire_tls: line framing over any split, multi-line replies,
 * PASV/EPSV/PORT/EPRT parsing, ClientHello recognition. */
#include "wire_ftp.h"
#include "wire_tls.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

typedef struct collect {
  char out[4096];
  size_t n;
  int cut;
} collect;

static void on_line(void *ctx, const char *line, size_t len, bool cut)
{
  collect *c = ctx;
  c->n += (size_t)snprintf(c->out + c->n, sizeof c->out - c->n, "[%.*s]",
                           (int)len, line);
  c->cut += cut;
}

/* Every split point of the input gives the same lines. */
START_TEST(test_lines_any_split)
{
  const char *in = "USER anonymous\r\nPASS x\r\nTYPE I\nNOOP\r\n";
  size_t n = strlen(in);
  for (size_t cut = 0; cut <= n; cut++) {
    wire_ftp_lines l;
    memset(&l, 0, sizeof l);
    collect c;
    memset(&c, 0, sizeof c);
    wire_ftp_lines_feed(&l, (const uint8_t *)in, cut, on_line, &c);
    wire_ftp_lines_feed(&l, (const uint8_t *)in + cut, n - cut, on_line, &c);
    ck_assert_str_eq(c.out, "[USER anonymous][PASS x][TYPE I][NOOP]");
  }
}
END_TEST

START_TEST(test_lines_overlong_cut)
{
  static char big[WIRE_FTP_LINE_MAX + 100];
  memset(big, 'A', sizeof big);
  wire_ftp_lines l;
  memset(&l, 0, sizeof l);
  collect c;
  memset(&c, 0, sizeof c);
  wire_ftp_lines_feed(&l, (const uint8_t *)big, sizeof big, on_line, &c);
  wire_ftp_lines_feed(&l, (const uint8_t *)"\r\nOK\r\n", 6, on_line, &c);
  ck_assert_int_eq(c.cut, 1);
  ck_assert_ptr_nonnull(strstr(c.out, "][OK]"));
}
END_TEST

typedef struct reply_case {
  const char *lines[6];
  int code;          /* expected code of the first complete reply */
  const char *text;  /* its text */
  int completes_at;  /* index of the line that completes it */
} reply_case;

static const reply_case rcases[] = {
    {{"220 ready", NULL}, 220, "220 ready", 0},
    {{"230-Welcome", "  with a line", "230 done", NULL}, 230,
     "230-Welcome\n  with a line\n230 done", 2},
    /* 4.2: an inner line starting with another code does not end it. */
    {{"211-Features:", "211-ish inner", " EPSV", "211 End", NULL}, 211,
     "211-Features:\n211-ish inner\n EPSV\n211 End", 3},
    {{"garbage", "226 Transfer complete", NULL}, 226, "226 Transfer complete",
     1},
};

START_TEST(test_reply_table)
{
  const reply_case *k = &rcases[_i];
  wire_ftp_reply r;
  memset(&r, 0, sizeof r);
  int done_at = -1;
  for (int i = 0; k->lines[i]; i++)
    if (wire_ftp_reply_line(&r, k->lines[i]) == 1) {
      done_at = i;
      break;
    }
  ck_assert_int_eq(done_at, k->completes_at);
  ck_assert_int_eq(r.code, k->code);
  ck_assert_str_eq(r.text, k->text);
}
END_TEST

typedef struct port_case {
  int kind; /* 0 pasv, 1 epsv, 2 port, 3 eprt */
  const char *in;
  int rc;
  const char *want; /* endpoint as text */
} port_case;

static const port_case pcases[] = {
    {0, "227 Entering Passive Mode (127,0,0,1,195,80).", 0,
     "127.0.0.1:50000"},
    {0, "227 Entering Passive Mode 10,1,2,3,4,1", 0, "10.1.2.3:1025"},
    {0, "227 Entering Passive Mode (127,0,0,1,300,80)", -1, NULL},
    {0, "200 (127,0,0,1,195,80)", -1, NULL},
    {1, "229 Entering Extended Passive Mode (|||50001|)", 0, "0.0.0.0:50001"},
    {1, "229 Entering Extended Passive Mode (!!!6000!)", 0, "0.0.0.0:6000"},
    {1, "229 Entering Extended Passive Mode (|||0|)", -1, NULL},
    {2, "PORT 127,0,0,1,4,1", 0, "127.0.0.1:1025"},
    {2, "port 192,168,1,20,0,21", 0, "192.168.1.20:21"},
    {2, "PORT 127,0,0,1,4", -1, NULL},
    {3, "EPRT |1|127.0.0.1|6275|", 0, "127.0.0.1:6275"},
    {3, "EPRT |2|::1|6275|", 0, "[0:0:0:0:0:0:0:1]:6275"},
    {3, "EPRT |3|x|1|", -1, NULL},
};

START_TEST(test_port_table)
{
  const port_case *k = &pcases[_i];
  wire_endpoint e;
  memset(&e, 0, sizeof e);
  int rc = k->kind == 0   ? wire_ftp_parse_pasv(k->in, &e)
           : k->kind == 1 ? wire_ftp_parse_epsv(k->in, &e)
           : k->kind == 2 ? wire_ftp_parse_port(k->in, &e)
                          : wire_ftp_parse_eprt(k->in, &e);
  ck_assert_msg(rc == k->rc, "%s: rc %d", k->in, rc);
  if (rc == 0) {
    char buf[64];
    wire_endpoint_str(&e, buf, sizeof buf);
    ck_assert_str_eq(buf, k->want);
  }
}
END_TEST

START_TEST(test_mask_and_verb)
{
  char b[64];
  wire_ftp_mask("PASS secret", b, sizeof b);
  ck_assert_str_eq(b, "PASS <hidden>");
  wire_ftp_mask("pass secret", b, sizeof b);
  ck_assert_str_eq(b, "pass <hidden>");
  wire_ftp_mask("USER test", b, sizeof b);
  ck_assert_str_eq(b, "USER test");
  wire_ftp_verb("retr x.bin", b, sizeof b);
  ck_assert_str_eq(b, "RETR");
}
END_TEST

/* A TLS 1.3-style ClientHello: legacy 1.2, supported_versions 1.3, 1.2. */
static size_t make_hello(uint8_t *p, bool with_sv)
{
  size_t o = 0;
  uint8_t body[128];
  size_t b = 0;
  body[b++] = 0x03, body[b++] = 0x03;
  memset(body + b, 0xab, 32), b += 32;
  body[b++] = 0;                                         /* session id */
  body[b++] = 0, body[b++] = 2, body[b++] = 0x13, body[b++] = 0x01;
  body[b++] = 1, body[b++] = 0;                          /* compression */
  if (with_sv) {
    const uint8_t ext[] = {0x00, 0x09, /* extensions: 9 bytes */
                           0x00, 0x2b, 0x00, 0x05, 0x04,
                           0x03, 0x04, 0x03, 0x03};
    memcpy(body + b, ext, sizeof ext), b += sizeof ext;
  }
  p[o++] = 0x16, p[o++] = 0x03, p[o++] = 0x01;
  p[o++] = (uint8_t)((b + 4) >> 8), p[o++] = (uint8_t)(b + 4);
  p[o++] = 0x01, p[o++] = 0, p[o++] = (uint8_t)(b >> 8), p[o++] = (uint8_t)b;
  memcpy(p + o, body, b);
  return o + b;
}

START_TEST(test_tls_hello)
{
  uint8_t h[256];
  size_t n = make_hello(h, true);
  wire_tls_hello out;
  ck_assert(wire_tls_is_record(h, n));
  for (size_t k = 0; k < n; k++) /* a partial hello asks for more */
    ck_assert_int_eq(wire_tls_parse_hello(h, k, &out), 0);
  ck_assert_int_eq(wire_tls_parse_hello(h, n, &out), 1);
  ck_assert_uint_eq(out.legacy_version, 0x0303);
  ck_assert_uint_eq(out.nversions, 2);
  ck_assert_uint_eq(out.versions[0], 0x0304);
  ck_assert_uint_eq(out.versions[1], 0x0303);
  n = make_hello(h, false);
  ck_assert_int_eq(wire_tls_parse_hello(h, n, &out), 1);
  ck_assert_uint_eq(out.nversions, 0);
  char vb[16];
  ck_assert_str_eq(wire_tls_version_name(0x0304, vb, sizeof vb), "TLS1.3");
  ck_assert_str_eq(wire_tls_version_name(0x7f1c, vb, sizeof vb), "0x7f1c");
}
END_TEST

START_TEST(test_tls_not_records)
{
  static const char *plain[] = {"220 FTP", "USER x", "\x16\x02\x01",
                                "\x17\x03\x03"};
  wire_tls_hello out;
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
    ck_assert(!wire_tls_is_record((const uint8_t *)plain[i], 3));
    ck_assert_int_eq(wire_tls_parse_hello((const uint8_t *)plain[i],
                                          strlen(plain[i]), &out), -1);
  }
  /* A ServerHello (type 2) is TLS but not a ClientHello. */
  const uint8_t sh[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0, 0, 0};
  ck_assert(wire_tls_is_record(sh, sizeof sh));
  ck_assert_int_eq(wire_tls_parse_hello(sh, sizeof sh, &out), -1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_ftp");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_lines_any_split);
  tcase_add_test(tc, test_lines_overlong_cut);
  tcase_add_loop_test(tc, test_reply_table, 0,
                      (int)(sizeof rcases / sizeof rcases[0]));
  tcase_add_loop_test(tc, test_port_table, 0,
                      (int)(sizeof pcases / sizeof pcases[0]));
  tcase_add_test(tc, test_mask_and_verb);
  tcase_add_test(tc, test_tls_hello);
  tcase_add_test(tc, test_tls_not_records);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
