/* Unit tests: the Telnet / RFC 2217 codec (qc_telnet.h) — decoding at
 * every split, IAC escaping both ways, subnegotiations, refused options,
 * garbage. */
#include "qc_telnet.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a decode produced, in order: payload bytes as hex pairs, events as
 * [V verb opt], [S opt: hex...(cut)], [C cmd]. */
typedef struct trace {
  char s[8192];
  size_t len;
} trace;

static void tr_put(trace *t, const char *fmt, unsigned a, unsigned b)
{
  t->len += (size_t)snprintf(t->s + t->len, sizeof t->s - t->len, fmt, a, b);
  ck_assert_uint_lt(t->len, sizeof t->s);
}

static void tr_str(trace *t, const char *str)
{
  t->len += (size_t)snprintf(t->s + t->len, sizeof t->s - t->len, "%s", str);
  ck_assert_uint_lt(t->len, sizeof t->s);
}

static void tr_event(trace *t, const qc_tn_event *ev)
{
  switch (ev->kind) {
  case QC_TN_EV_VERB:
    tr_put(t, "[V%u %u]", ev->verb, ev->opt);
    break;
  case QC_TN_EV_CMD:
    tr_put(t, "[C%u]", ev->verb, 0);
    break;
  case QC_TN_EV_SB:
    tr_put(t, "[S%u:", ev->opt, 0);
    for (size_t i = 0; i < ev->len; i++)
      tr_put(t, "%02x", ev->data[i], 0);
    tr_str(t, ev->cut ? "cut]" : "]");
    break;
  }
}

/* Feeds in[0..n) to d in pieces ending at the offsets of `cuts` (sorted,
 * < n), appending to t. */
static void feed(qc_tn_dec *d, const uint8_t *in, size_t n, trace *t)
{
  uint8_t out[1024];
  while (n > 0) {
    size_t outlen;
    bool got;
    qc_tn_event ev;
    size_t used = qc_tn_decode(d, in, n, out, &outlen, &ev, &got);
    ck_assert_uint_le(outlen, used); /* payload never exceeds input */
    ck_assert(used > 0);
    for (size_t i = 0; i < outlen; i++)
      tr_put(t, "%02x", out[i], 0);
    if (got)
      tr_event(t, &ev);
    in += used;
    n -= used;
  }
}

static void decode_split(const uint8_t *in, size_t n, size_t cut, trace *t)
{
  qc_tn_dec d;
  qc_tn_dec_init(&d);
  memset(t, 0, sizeof *t);
  feed(&d, in, cut, t);
  feed(&d, in + cut, n - cut, t);
}

static void decode_bytewise(const uint8_t *in, size_t n, trace *t,
                            qc_tn_dec *d)
{
  qc_tn_dec_init(d);
  memset(t, 0, sizeof *t);
  for (size_t i = 0; i < n; i++)
    feed(d, in + i, 1, t);
}

typedef struct dec_case {
  const char *name;
  const char *in; /* bytes, may hold \xff */
  size_t n;
  const char *want;
  unsigned long garbage;
} dec_case;

#define B(s) s, sizeof(s) - 1

static const dec_case dec_cases[] = {
    {"plain payload", B("AT\r\n"), "41540d0a", 0},
    {"IAC IAC is one 0xff byte", B("a\xff\xff" "b"), "61ff62", 0},
    {"two escaped 0xff in a row", B("\xff\xff\xff\xff"), "ffff", 0},
    {"a verb between payload", B("AB\xff\xfb\x03" "CD"), "4142[V251 3]4344", 0},
    {"each verb", B("\xff\xfb\x00\xff\xfc\x01\xff\xfd\x2c\xff\xfe\x05"),
     "[V251 0][V252 1][V253 44][V254 5]", 0},
    {"NOP in data mode payload is consumed", B("+++\xff\xf1" "OK"),
     "2b2b2b[C241]4f4b", 0},
    {"RFC 2217 baud answer", B("\xff\xfa\x2c\x65\x00\x01\xc2\x00\xff\xf0"),
     "[S44:650001c200]", 0},
    {"IAC IAC inside a subnegotiation",
     B("\xff\xfa\x2c\x6b\xff\xff\xff\xf0" "x"), "[S44:6bff]78", 0},
    {"subnegotiation of an unknown option", B("\xff\xfa\x18\x01\xff\xf0"),
     "[S24:01]", 0},
    {"empty subnegotiation", B("\xff\xfa\x2c\xff\xf0"), "[S44:]", 0},
    {"SE outside a subnegotiation is garbage", B("a\xff\xf0" "b"), "6162", 1},
    {"IAC verb inside an unended subnegotiation",
     B("\xff\xfa\x2c\x01\x02\xff\xfb\x03" "z"), "[V251 3]7a", 1},
    {"unknown command byte", B("\xff\x10" "q"), "[C16]71", 0},
    {"CR NUL passes in binary mode", B("\r\x00\n"), "0d000a", 0},
};

START_TEST(test_decode_table)
{
  const dec_case *c = &dec_cases[_i];
  const uint8_t *in = (const uint8_t *)c->in;
  trace t;
  qc_tn_dec d;
  decode_bytewise(in, c->n, &t, &d);
  ck_assert_msg(strcmp(t.s, c->want) == 0, "%s (bytewise): got %s, want %s",
                c->name, t.s, c->want);
  ck_assert_uint_eq(d.garbage, c->garbage);
  ck_assert(!qc_tn_dec_busy(&d));
  /* Split at every byte boundary: the same result. */
  for (size_t cut = 0; cut <= c->n; cut++) {
    decode_split(in, c->n, cut, &t);
    ck_assert_msg(strcmp(t.s, c->want) == 0, "%s (cut at %zu): got %s",
                  c->name, cut, t.s);
  }
}
END_TEST

START_TEST(test_subneg_cut)
{
  uint8_t in[3 + 100 + 2];
  in[0] = QC_TN_IAC;
  in[1] = QC_TN_SB;
  in[2] = QC_TN_OPT_COMPORT;
  memset(in + 3, 'x', 100);
  in[103] = QC_TN_IAC;
  in[104] = QC_TN_SE;
  trace t;
  qc_tn_dec d;
  decode_bytewise(in, sizeof in, &t, &d);
  ck_assert(strstr(t.s, "cut]") != NULL);
  ck_assert_uint_eq(strlen(t.s), strlen("[S44:") + 2 * QC_TN_SB_MAX +
                                     strlen("cut]"));
  /* A subnegotiation never ended holds the decoder, bounded. */
  decode_bytewise(in, sizeof in - 2, &t, &d);
  ck_assert_str_eq(t.s, "");
  ck_assert(qc_tn_dec_busy(&d));
}
END_TEST

START_TEST(test_escape)
{
  const uint8_t in[] = {'a', 0xff, 'b', 0xff, 0xff};
  uint8_t out[16];
  size_t used;
  size_t k = qc_tn_escape(in, sizeof in, out, sizeof out, &used);
  const uint8_t want[] = {'a', 0xff, 0xff, 'b', 0xff, 0xff, 0xff, 0xff};
  ck_assert_uint_eq(k, sizeof want);
  ck_assert_uint_eq(used, sizeof in);
  ck_assert_mem_eq(out, want, sizeof want);
  /* A doubled byte is never split by a short buffer. */
  k = qc_tn_escape(in, sizeof in, out, 2, &used);
  ck_assert_uint_eq(k, 1);
  ck_assert_uint_eq(used, 1);
  k = qc_tn_escape(in + 1, sizeof in - 1, out, 1, &used);
  ck_assert_uint_eq(k, 0);
  ck_assert_uint_eq(used, 0);
}
END_TEST

/* Every byte value, escaped then decoded at every split: the same bytes. */
START_TEST(test_escape_roundtrip)
{
  uint8_t in[512], esc[1024], out[1024];
  for (size_t i = 0; i < sizeof in; i++)
    in[i] = (uint8_t)(i * 7 + (i >> 8));
  size_t used;
  size_t k = qc_tn_escape(in, sizeof in, esc, sizeof esc, &used);
  ck_assert_uint_eq(used, sizeof in);
  for (size_t cut = 0; cut <= k; cut += 1) {
    qc_tn_dec d;
    qc_tn_dec_init(&d);
    size_t got_n = 0;
    const uint8_t *p = esc;
    size_t left[2] = {cut, k - cut};
    for (int part = 0; part < 2; part++) {
      size_t n = left[part];
      while (n) {
        size_t ol;
        bool ev_got;
        qc_tn_event ev;
        size_t u = qc_tn_decode(&d, p, n, out + got_n, &ol, &ev, &ev_got);
        ck_assert(!ev_got);
        got_n += ol;
        p += u;
        n -= u;
      }
    }
    ck_assert_uint_eq(got_n, sizeof in);
    ck_assert_mem_eq(out, in, sizeof in);
  }
}
END_TEST

START_TEST(test_encode_commands)
{
  uint8_t out[64];
  size_t k = qc_cpo_set_baud(out, sizeof out, 115200);
  const uint8_t baud[] = {0xff, 0xfa, 44, 1, 0x00, 0x01, 0xc2, 0x00, 0xff, 0xf0};
  ck_assert_uint_eq(k, sizeof baud);
  ck_assert_mem_eq(out, baud, sizeof baud);
  /* 0xff inside a value is doubled (a baud rate of 255). */
  k = qc_cpo_set_baud(out, sizeof out, 255);
  const uint8_t b255[] = {0xff, 0xfa, 44, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xf0};
  ck_assert_uint_eq(k, sizeof b255);
  ck_assert_mem_eq(out, b255, sizeof b255);
  k = qc_cpo_cmd8(out, sizeof out, QC_CPO_SET_CONTROL, QC_CPO_CONTROL_DTR_OFF);
  const uint8_t dtr[] = {0xff, 0xfa, 44, 5, 9, 0xff, 0xf0};
  ck_assert_uint_eq(k, sizeof dtr);
  ck_assert_mem_eq(out, dtr, sizeof dtr);
  ck_assert_uint_eq(qc_cpo_cmd8(out, 6, QC_CPO_SET_CONTROL, 1), 0);
  ck_assert_uint_eq(qc_tn_verb(out, QC_TN_WILL, 44), 3);
  ck_assert_mem_eq(out, "\xff\xfb\x2c", 3);
}
END_TEST

static qc_tn_event verb(uint8_t v, uint8_t opt)
{
  qc_tn_event ev;
  memset(&ev, 0, sizeof ev);
  ev.kind = QC_TN_EV_VERB;
  ev.verb = v;
  ev.opt = opt;
  return ev;
}

START_TEST(test_negotiation)
{
  qc_tn_neg n;
  qc_tn_neg_init(&n);
  uint8_t out[3];
  ck_assert_uint_eq(qc_tn_neg_ask_us(&n, QC_TN_OPT_COMPORT, out), 3);
  ck_assert_mem_eq(out, "\xff\xfb\x2c", 3);
  ck_assert_uint_eq(qc_tn_neg_ask_him(&n, QC_TN_OPT_BINARY, out), 3);
  ck_assert_mem_eq(out, "\xff\xfd\x00", 3);
  /* Asking twice sends nothing. */
  ck_assert_uint_eq(qc_tn_neg_ask_us(&n, QC_TN_OPT_COMPORT, out), 0);
  /* The answers to our requests are not answered again. */
  qc_tn_event ev = verb(QC_TN_DO, QC_TN_OPT_COMPORT);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
  ck_assert_uint_eq(n.us[QC_TN_OPT_COMPORT], QC_TN_YES);
  ev = verb(QC_TN_WILL, QC_TN_OPT_BINARY);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
  ck_assert_uint_eq(n.him[QC_TN_OPT_BINARY], QC_TN_YES);
  /* Repeated: still no reply (no loop). */
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
  /* Unknown options are refused: WILL SGA -> DONT, DO ECHO -> WONT. */
  ev = verb(QC_TN_WILL, 3);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 3);
  ck_assert_mem_eq(out, "\xff\xfe\x03", 3);
  ev = verb(QC_TN_DO, 1);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 3);
  ck_assert_mem_eq(out, "\xff\xfc\x01", 3);
  /* Turning off what is already off needs no answer. */
  ev = verb(QC_TN_WONT, 3);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
  ev = verb(QC_TN_DONT, 1);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
  /* The server asks for BINARY on our side, which we accept unasked only
   * when we asked for it: not yet here -> refused. */
  ev = verb(QC_TN_DO, QC_TN_OPT_BINARY);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 3);
  ck_assert_mem_eq(out, "\xff\xfc\x00", 3);
  /* An option turned off after it was on is acknowledged once. */
  ev = verb(QC_TN_WONT, QC_TN_OPT_BINARY);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 3);
  ck_assert_mem_eq(out, "\xff\xfe\x00", 3);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
  /* A request refused is recorded. */
  qc_tn_neg_init(&n);
  qc_tn_neg_ask_us(&n, QC_TN_OPT_COMPORT, out);
  ev = verb(QC_TN_DONT, QC_TN_OPT_COMPORT);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
  ck_assert(n.us_refused[QC_TN_OPT_COMPORT]);
  ck_assert_uint_eq(n.us[QC_TN_OPT_COMPORT], QC_TN_NO);
  /* The server offering what we asked for first: agreed once. */
  qc_tn_neg_init(&n);
  n.him_ok[QC_TN_OPT_BINARY] = true;
  ev = verb(QC_TN_WILL, QC_TN_OPT_BINARY);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 3);
  ck_assert_mem_eq(out, "\xff\xfd\x00", 3);
  ck_assert_uint_eq(qc_tn_neg_event(&n, &ev, out), 0);
}
END_TEST

START_TEST(test_cpo_parse)
{
  qc_tn_event ev;
  memset(&ev, 0, sizeof ev);
  ev.kind = QC_TN_EV_SB;
  ev.opt = QC_TN_OPT_COMPORT;
  const uint8_t baud[] = {101, 0, 0, 0x25, 0x80};
  memcpy(ev.data, baud, sizeof baud);
  ev.len = sizeof baud;
  qc_cpo_msg m;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), 0);
  ck_assert_uint_eq(m.cmd, QC_CPO_SET_BAUDRATE);
  ck_assert_uint_eq(m.value, 9600);
  const uint8_t ms[] = {107, 0xb0};
  memcpy(ev.data, ms, sizeof ms);
  ev.len = sizeof ms;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), 0);
  ck_assert_uint_eq(m.cmd, QC_CPO_NOTIFY_MODEMSTATE);
  ck_assert_uint_eq(m.value, 0xb0);
  ev.data[0] = 108; /* FLOWCONTROL-SUSPEND has no value */
  ev.len = 1;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), 0);
  ck_assert_uint_eq(m.cmd, QC_CPO_FLOWCONTROL_SUSPEND);
  /* Malformed: a client command, wrong lengths, another option, cut. */
  ev.data[0] = 5;
  ev.len = 2;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), -1);
  ev.data[0] = 101;
  ev.len = 3;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), -1);
  ev.data[0] = 103;
  ev.len = 3;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), -1);
  ev.len = 0;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), -1);
  ev.len = 2;
  ev.opt = 24;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), -1);
  ev.opt = QC_TN_OPT_COMPORT;
  ev.cut = true;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), -1);
}
END_TEST

/* A client's commands as a server reads them (the encoder's output decoded
 * back), and what is not one. */
typedef struct client_case {
  uint8_t data[8];
  size_t len;
  int rc;
  uint8_t cmd;
  uint32_t value;
} client_case;

static const client_case client_cases[] = {
    {{1, 0, 1, 0xc2, 0}, 5, 0, 1, 115200},   /* SET-BAUDRATE */
    {{1, 0, 0, 0, 0}, 5, 0, 1, 0},           /* ask for the baud rate */
    {{2, 8}, 2, 0, 2, 8},                    /* SET-DATASIZE */
    {{5, 9}, 2, 0, 5, 9},                    /* SET-CONTROL DTR OFF */
    {{0}, 1, 0, 0, 0},                       /* SIGNATURE, asking */
    {{0, 'a', 'b', 'c'}, 4, 0, 0, 0},        /* SIGNATURE, telling */
    {{8}, 1, 0, 8, 0},                       /* FLOWCONTROL-SUSPEND */
    {{12, 3}, 2, 0, 12, 3},                  /* PURGE-DATA both */
    {{1, 0, 1}, 3, -1, 0, 0},                /* baud rate cut short */
    {{5}, 1, -1, 0, 0},                      /* SET-CONTROL without value */
    {{5, 8, 8}, 3, -1, 0, 0},                /* one byte too many */
    {{9, 1}, 2, -1, 0, 0},                   /* RESUME with a value */
    {{105, 8}, 2, -1, 0, 0},                 /* a server's answer */
    {{13, 1}, 2, -1, 0, 0},                  /* no such command */
};

START_TEST(test_cpo_parse_client)
{
  const client_case *k = &client_cases[_i];
  uint8_t wire[32];
  size_t n = qc_tn_subneg(wire, sizeof wire, QC_TN_OPT_COMPORT, k->data,
                          k->len);
  ck_assert_uint_gt(n, 0);
  qc_tn_dec d;
  qc_tn_dec_init(&d);
  uint8_t out[32];
  size_t outlen;
  qc_tn_event ev;
  bool got;
  ck_assert_uint_eq(qc_tn_decode(&d, wire, n, out, &outlen, &ev, &got), n);
  ck_assert(got);
  qc_cpo_msg m;
  ck_assert_int_eq(qc_cpo_parse_client(&ev, &m), k->rc);
  if (k->rc == 0) {
    ck_assert_uint_eq(m.cmd, k->cmd);
    ck_assert_uint_eq(m.value, k->value);
  }
}
END_TEST

/* A server's 4-byte answer: 0xFF in the value is doubled on the wire and
 * the client's parser reads it back. */
START_TEST(test_cpo_cmd32)
{
  uint8_t wire[32];
  size_t n = qc_cpo_cmd32(wire, sizeof wire,
                          QC_CPO_SET_BAUDRATE + QC_CPO_SERVER, 0x00ff25ffu);
  static const uint8_t want[] = {0xff, 0xfa, 44,   101,  0x00, 0xff, 0xff,
                                 0x25, 0xff, 0xff, 0xff, 0xf0};
  ck_assert_uint_eq(n, sizeof want);
  ck_assert_mem_eq(wire, want, n);
  qc_tn_dec d;
  qc_tn_dec_init(&d);
  uint8_t out[32];
  size_t outlen;
  qc_tn_event ev;
  bool got;
  qc_tn_decode(&d, wire, n, out, &outlen, &ev, &got);
  ck_assert(got);
  qc_cpo_msg m;
  ck_assert_int_eq(qc_cpo_parse(&ev, &m), 0);
  ck_assert_uint_eq(m.cmd, QC_CPO_SET_BAUDRATE);
  ck_assert_uint_eq(m.value, 0x00ff25ffu);
  ck_assert_uint_eq(qc_cpo_cmd32(wire, 11, 1, 0xffffffffu), 0);
}
END_TEST

/* Garbage: random bytes rich in IAC decode the same whole, bytewise and
 * split anywhere; nothing is read or written out of bounds. */
START_TEST(test_garbage)
{
  static const uint8_t pick[] = {0xff, 0xff, 0xfa, 0xf0, 0xfb, 0xfd, 0x2c,
                                 0x00, 'A', 0x0d};
  srand(1234);
  for (int round = 0; round < 200; round++) {
    uint8_t in[96];
    for (size_t i = 0; i < sizeof in; i++)
      in[i] = rand() % 3 ? pick[rand() % sizeof pick] : (uint8_t)rand();
    trace whole, bytes, split;
    qc_tn_dec d;
    qc_tn_dec_init(&d);
    memset(&whole, 0, sizeof whole);
    feed(&d, in, sizeof in, &whole);
    decode_bytewise(in, sizeof in, &bytes, &d);
    ck_assert_str_eq(whole.s, bytes.s);
    decode_split(in, sizeof in, (size_t)rand() % sizeof in, &split);
    ck_assert_str_eq(whole.s, split.s);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("common.qc_telnet");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_decode_table, 0,
                      sizeof dec_cases / sizeof dec_cases[0]);
  tcase_add_test(tc, test_subneg_cut);
  tcase_add_test(tc, test_escape);
  tcase_add_test(tc, test_escape_roundtrip);
  tcase_add_test(tc, test_encode_commands);
  tcase_add_test(tc, test_negotiation);
  tcase_add_test(tc, test_cpo_parse);
  tcase_add_loop_test(tc, test_cpo_parse_client, 0,
                      sizeof client_cases / sizeof client_cases[0]);
  tcase_add_test(tc, test_cpo_cmd32);
  tcase_add_test(tc, test_garbage);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
