/* wire_tls: ServerHello parsing (RFC 8446 4.1.3, 4.1.4, 4.2.1; RFC 5246
 * 7.4.1.3): the negotiated version with and without supported_versions, a
 * HelloRetryRequest first, messages split over records and streams cut
 * anywhere, malformed lengths. Every stream is handed over in a buffer of
 * its exact size, so a read past it shows under valgrind. */
#include "wire_tls.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

typedef enum mangle {
  M_NONE,
  M_RECLEN_BIG,      /* first record longer than 2^14 + 2048 */
  M_RECLEN_ZERO,     /* first record empty */
  M_RECORD_MAJOR,    /* record version 0x02xx */
  M_MSGLEN_BIG,      /* handshake length above WIRE_TLS_HELLO_MAX */
  M_MSGLEN_SHORT,    /* handshake length cuts the fixed fields */
  M_SID_33,          /* session id longer than 32 */
  M_EXTLEN_LONG,     /* extensions length past the message */
  M_EXTLEN_SHORT,    /* extensions length short of the message */
  M_SV_LEN3,         /* supported_versions of 3 bytes */
  M_TYPE_CERT,       /* a Certificate first, not a ServerHello */
  M_ALERT_FIRST,     /* an alert record before anything */
  M_APPDATA_AFTER,   /* encrypted data after the HelloRetryRequest */
  M_HRR_ONLY,        /* the stream ends after the HelloRetryRequest */
  M_CERT_AFTER,      /* a Certificate after it in the same record */
  M_PAD_FULL,        /* a body of exactly WIRE_TLS_HELLO_MAX bytes */
  M_PAD_OVER,        /* one byte more */
} mangle;

static void put16(uint8_t *p, size_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* A ServerHello handshake message (4-byte header included) into m. */
static size_t sh_msg(uint8_t *m, uint16_t legacy, uint16_t selected,
                     bool hrr, mangle how)
{
  size_t b = 4, sid = how == M_SID_33 ? 33 : 16;
  put16(m + b, legacy), b += 2;
  if (hrr)
    memcpy(m + b, hrr_random, 32);
  else
    memset(m + b, 0x42, 32);
  b += 32;
  m[b++] = (uint8_t)sid;
  memset(m + b, 7, sid), b += sid;
  m[b++] = 0x13, m[b++] = 0x01, m[b++] = 0; /* cipher, compression */
  size_t ext = b;
  if (selected || how == M_PAD_FULL || how == M_PAD_OVER) {
    b += 2;
    put16(m + b, 0x0033), put16(m + b + 2, 2); /* key_share: skipped */
    m[b + 4] = 0x00, m[b + 5] = 0x1d, b += 6;
    if (selected) {
      size_t svlen = how == M_SV_LEN3 ? 3 : 2;
      put16(m + b, 0x002b), put16(m + b + 2, svlen), b += 4;
      put16(m + b, selected), m[b + 2] = 0, b += svlen;
    }
    if (how == M_PAD_FULL || how == M_PAD_OVER) {
      size_t pad = WIRE_TLS_HELLO_MAX - (b + 4 - 4) + (how == M_PAD_OVER);
      put16(m + b, 0x0015), put16(m + b + 2, pad), b += 4;
      memset(m + b, 0, pad), b += pad;
    }
    size_t elen = b - ext - 2;
    put16(m + ext, how == M_EXTLEN_LONG    ? elen + 1
                   : how == M_EXTLEN_SHORT ? elen - 1
                                           : elen);
  }
  size_t body = how == M_MSGLEN_SHORT ? 30 : b - 4;
  if (how == M_MSGLEN_BIG)
    body = WIRE_TLS_HELLO_MAX + 1;
  m[0] = how == M_TYPE_CERT ? 11 : 2;
  m[1] = (uint8_t)(body >> 16), put16(m + 2, body);
  return how == M_MSGLEN_SHORT ? 4 + body : b;
}

/* p[0..n) as records of content type `type`, at most frag bytes each
 * (0: 16384). */
static size_t records(uint8_t *out, uint8_t type, const uint8_t *p, size_t n,
                      size_t frag)
{
  size_t o = 0;
  if (!frag)
    frag = 16384;
  for (size_t i = 0; i < n; i += frag) {
    size_t k = n - i < frag ? n - i : frag;
    out[o] = type, out[o + 1] = 0x03, out[o + 2] = 0x03;
    put16(out + o + 3, k);
    memcpy(out + o + 5, p + i, k);
    o += 5 + k;
  }
  return o;
}

typedef struct sh_case {
  const char *name;
  uint16_t legacy, selected;
  bool hrr_first; /* a HelloRetryRequest and a ChangeCipherSpec first */
  size_t frag;    /* ServerHello records of at most frag bytes; 0 one */
  mangle how;
  int want;       /* wire_tls_parse_server_hello's answer */
  uint16_t version;
  bool hrr;
} sh_case;

static const sh_case cases[] = {
    {"TLS 1.2, no extensions", 0x0303, 0, false, 0, M_NONE, 1, 0x0303, 0},
    {"TLS 1.0, no extensions", 0x0301, 0, false, 0, M_NONE, 1, 0x0301, 0},
    {"TLS 1.3 by supported_versions", 0x0303, 0x0304, false, 0, M_NONE, 1,
     0x0304, 0},
    {"HelloRetryRequest, then ServerHello", 0x0303, 0x0304, true, 0, M_NONE,
     1, 0x0304, 1},
    {"split over two records", 0x0303, 0x0304, false, 40, M_NONE, 1, 0x0304,
     0},
    {"HRR, then a ServerHello in 7-byte records", 0x0303, 0x0304, true, 7,
     M_NONE, 1, 0x0304, 1},
    {"a Certificate after it in the record", 0x0303, 0, false, 0,
     M_CERT_AFTER, 1, 0x0303, 0},
    {"a body of WIRE_TLS_HELLO_MAX over two records", 0x0303, 0x0304, false,
     0, M_PAD_FULL, 1, 0x0304, 0},
    {"HRR, then the stream ends", 0x0303, 0x0304, true, 0, M_HRR_ONLY, 0, 0,
     1},
    {"a body of WIRE_TLS_HELLO_MAX + 1", 0x0303, 0x0304, false, 0,
     M_PAD_OVER, -1, 0, 0},
    {"record length too big", 0x0303, 0, false, 0, M_RECLEN_BIG, -1, 0, 0},
    {"record length zero", 0x0303, 0, false, 0, M_RECLEN_ZERO, -1, 0, 0},
    {"record version 2.3", 0x0303, 0, false, 0, M_RECORD_MAJOR, -1, 0, 0},
    {"handshake length too big", 0x0303, 0, false, 0, M_MSGLEN_BIG, -1, 0,
     0},
    {"handshake length cuts the random", 0x0303, 0, false, 0,
     M_MSGLEN_SHORT, -1, 0, 0},
    {"session id of 33", 0x0303, 0, false, 0, M_SID_33, -1, 0, 0},
    {"extensions length past the end", 0x0303, 0x0304, false, 0,
     M_EXTLEN_LONG, -1, 0, 0},
    {"extensions length short", 0x0303, 0x0304, false, 0, M_EXTLEN_SHORT,
     -1, 0, 0},
    {"supported_versions of 3 bytes", 0x0303, 0x0304, false, 0, M_SV_LEN3,
     -1, 0, 0},
    {"a Certificate first", 0x0303, 0, false, 0, M_TYPE_CERT, -1, 0, 0},
    {"an alert first", 0x0303, 0, false, 0, M_ALERT_FIRST, -1, 0, 0},
    {"application data after the HRR", 0x0303, 0x0304, true, 0,
     M_APPDATA_AFTER, -1, 0, 1},
};

/* The server's stream for case k, malloc'd to its exact size. */
static uint8_t *build(const sh_case *k, size_t *len)
{
  static uint8_t msg[WIRE_TLS_HELLO_MAX + 64], s[2 * WIRE_TLS_HELLO_MAX];
  size_t n = 0;
  if (k->how == M_ALERT_FIRST) {
    static const uint8_t alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 2, 40};
    memcpy(s, alert, sizeof alert), n += sizeof alert;
  }
  if (k->hrr_first) {
    static const uint8_t ccs[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    size_t m = sh_msg(msg, 0x0303, 0x0304, true, M_NONE);
    n += records(s + n, 22, msg, m, 0);
    memcpy(s + n, ccs, sizeof ccs), n += sizeof ccs;
  }
  if (k->how == M_APPDATA_AFTER) {
    static const uint8_t app[] = {0x17, 0x03, 0x03, 0x00, 0x03, 1, 2, 3};
    memcpy(s + n, app, sizeof app), n += sizeof app;
  }
  if (k->how != M_HRR_ONLY) {
    size_t first = n;
    size_t m = sh_msg(msg, k->legacy, k->selected, false, k->how);
    if (k->how == M_CERT_AFTER) { /* type 11, 100 bytes of body */
      msg[m] = 11, msg[m + 1] = 0, put16(msg + m + 2, 100);
      memset(msg + m + 4, 0x55, 100), m += 104;
    }
    n += records(s + n, 22, msg, m, k->frag);
    if (k->how == M_RECLEN_BIG)
      put16(s + first + 3, WIRE_TLS_RECORD_MAX + 1);
    if (k->how == M_RECLEN_ZERO)
      put16(s + first + 3, 0);
    if (k->how == M_RECORD_MAJOR)
      s[first + 1] = 0x02;
  }
  uint8_t *p = malloc(n);
  ck_assert_ptr_nonnull(p);
  memcpy(p, s, n);
  *len = n;
  return p;
}

START_TEST(test_server_hello_table)
{
  const sh_case *k = &cases[_i];
  size_t n;
  uint8_t *p = build(k, &n);
  wire_tls_server_hello out;
  int rc = wire_tls_parse_server_hello(p, n, &out);
  ck_assert_msg(rc == k->want, "%s: rc %d, want %d", k->name, rc, k->want);
  ck_assert_msg(out.hrr == k->hrr, "%s: hrr %d", k->name, out.hrr);
  if (k->want == 1) {
    ck_assert_msg(out.version == k->version, "%s: version 0x%04x", k->name,
                  out.version);
    ck_assert_uint_eq(out.legacy_version, k->legacy);
    ck_assert_uint_eq(out.selected_version, k->selected);
  }
  free(p);
}
END_TEST

/* However the stream is cut (a TCP segment boundary anywhere), a prefix
 * of a good stream asks for more and never reads past its end. */
START_TEST(test_server_hello_prefixes)
{
  const sh_case *k = &cases[_i];
  if (k->want != 1 || k->how == M_PAD_FULL) /* that one: too slow */
    return;
  size_t n;
  uint8_t *p = build(k, &n);
  for (size_t cut = 0; cut < n; cut++) {
    uint8_t *q = malloc(cut ? cut : 1);
    ck_assert_ptr_nonnull(q);
    memcpy(q, p, cut);
    wire_tls_server_hello out;
    int rc = wire_tls_parse_server_hello(q, cut, &out);
    free(q);
    /* A Certificate after the ServerHello is not needed. */
    if (k->how == M_CERT_AFTER && rc == 1)
      break;
    ck_assert_msg(rc == 0, "%s: prefix %zu of %zu: rc %d", k->name, cut, n,
                  rc);
  }
  free(p);
}
END_TEST

/* The ClientHello parser leaves a ServerHello alone, and the reverse. */
/* A ClientHello record shorter than its own handshake header (0 to 3
 * bytes): not a hello, and nothing is read past the record. */
START_TEST(test_client_hello_short_record)
{
  size_t rlen = (size_t)_i;
  size_t n = 5 + rlen;
  uint8_t *p = calloc(1, n < 9 ? 9 : n);
  ck_assert_ptr_nonnull(p);
  p[0] = 0x16, p[1] = 0x03, p[2] = 0x01;
  put16(p + 3, rlen);
  if (rlen > 0)
    p[5] = 0x01;
  /* The whole buffer (9 bytes at least) is handed over: the parser must
   * still refuse a record whose length says it ends before the header. */
  wire_tls_hello h;
  ck_assert_int_eq(wire_tls_parse_hello(p, n < 9 ? 9 : n, &h), -1);
  free(p);
}
END_TEST

START_TEST(test_hello_kinds_apart)
{
  size_t n;
  uint8_t *p = build(&cases[0], &n);
  wire_tls_hello ch;
  ck_assert_int_eq(wire_tls_parse_hello(p, n, &ch), -1);
  free(p);
  static const uint8_t client[] = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01,
                                   0x00, 0x00, 0x01, 0x03};
  wire_tls_server_hello sh;
  ck_assert_int_eq(wire_tls_parse_server_hello(client, sizeof client, &sh),
                   -1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_tls");
  TCase *tc = tcase_create("core");
  int ncases = (int)(sizeof cases / sizeof cases[0]);
  tcase_add_loop_test(tc, test_server_hello_table, 0, ncases);
  tcase_add_loop_test(tc, test_server_hello_prefixes, 0, ncases);
  tcase_add_test(tc, test_hello_kinds_apart);
  tcase_add_loop_test(tc, test_client_hello_short_record, 0, 4);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
