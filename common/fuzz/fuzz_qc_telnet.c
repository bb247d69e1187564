/* The Telnet / RFC 2217 codec (qc_telnet.c).
 *
 * 1. Decoding raw bytes: in any chunking it gives the payload and the
 *    events it gives fed whole; it never writes more payload than it was
 *    given, never consumes more than it was given, and a subnegotiation
 *    is cut at QC_TN_SB_MAX and flagged.
 * 2. Round trip: a script decoded from the input (payload runs, verbs,
 *    subnegotiations, COM-PORT commands) is encoded, then decoded in
 *    random chunks into exactly that script; the negotiator answers
 *    every verb with 0 or 3 bytes and the COM-PORT parser accepts every
 *    server message the encoder can write. */
#include "qc_telnet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MAXN = 1 << 14, EV_MAX = 2048 };

typedef struct trace {
  uint8_t pay[4 * MAXN];
  size_t npay;
  qc_tn_event ev[EV_MAX];
  size_t pay_at[EV_MAX]; /* payload before each event */
  size_t nev;
} trace;

static trace a, b, want;
static uint8_t wire[8 * MAXN];
static uint32_t rng;

static uint32_t next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* Decodes in[0..n) in chunks (0: whole) into t. */
static void decode(trace *t, const uint8_t *in, size_t n, bool chunked)
{
  qc_tn_dec d;
  qc_tn_dec_init(&d);
  t->npay = t->nev = 0;
  size_t at = 0;
  static uint8_t out[4 * MAXN];
  while (at < n) {
    size_t chunk = n - at;
    if (chunked)
      chunk = 1 + next() % (chunk < 9 ? chunk : 9);
    size_t off = 0;
    while (off < chunk) {
      qc_tn_event ev;
      size_t outlen = SIZE_MAX;
      bool got = false;
      size_t used = qc_tn_decode(&d, in + at + off, chunk - off, out,
                                 &outlen, &ev, &got);
      if (used > chunk - off || outlen > used || (used == 0 && !got))
        abort();
      memcpy(t->pay + t->npay, out, outlen);
      t->npay += outlen;
      off += used;
      if (got) {
        if (ev.len > QC_TN_SB_MAX || (ev.kind != QC_TN_EV_SB && ev.len))
          abort();
        if (t->nev < EV_MAX) {
          t->pay_at[t->nev] = t->npay;
          t->ev[t->nev++] = ev;
        }
      }
    }
    at += chunk;
  }
}

static bool same_event(const qc_tn_event *x, const qc_tn_event *y)
{
  return x->kind == y->kind && x->verb == y->verb && x->opt == y->opt &&
         x->len == y->len && x->cut == y->cut &&
         memcmp(x->data, y->data, x->len) == 0;
}

static void same(const trace *x, const trace *y)
{
  if (x->npay != y->npay || memcmp(x->pay, y->pay, x->npay) != 0 ||
      x->nev != y->nev)
    abort();
  for (size_t i = 0; i < x->nev; i++)
    if (!same_event(&x->ev[i], &y->ev[i]) || x->pay_at[i] != y->pay_at[i])
      abort();
}

/* Part 2: encodes the script the input describes into wire, the expected
 * decoding into want. */

/* msg[0..k) decodes whole into one COM-PORT message that `parse` reads
 * as (cmd, value). */
static bool parses_as(const uint8_t *msg, size_t k,
                      int (*parse)(const qc_tn_event *, qc_cpo_msg *),
                      uint8_t cmd, uint32_t value)
{
  qc_tn_dec dd;
  qc_tn_dec_init(&dd);
  uint8_t out[16];
  size_t outlen;
  bool got = false;
  qc_tn_event ev;
  size_t used = qc_tn_decode(&dd, msg, k, out, &outlen, &ev, &got);
  qc_cpo_msg m;
  return got && used == k && parse(&ev, &m) == 0 && m.cmd == cmd &&
         m.value == value;
}
static size_t encode(const uint8_t *d, size_t n)
{
  size_t w = 0, i = 0;
  want.npay = want.nev = 0;
  qc_tn_neg neg;
  qc_tn_neg_init(&neg);
  while (i < n && want.nev < EV_MAX) {
    uint8_t op = d[i++];
    size_t len = i < n ? d[i++] % 32 : 0;
    if (len > n - i)
      len = n - i;
    const uint8_t *arg = d + i;
    i += len;
    qc_tn_event ev;
    memset(&ev, 0, sizeof ev);
    switch (op % 5) {
    case 0: { /* payload, 0xFF doubled */
      size_t used = 0;
      size_t k = qc_tn_escape(arg, len, wire + w, 2 * len, &used);
      if (used != len || k < len || k > 2 * len)
        abort();
      w += k;
      memcpy(want.pay + want.npay, arg, len);
      want.npay += len;
      continue;
    }
    case 1: { /* a verb, answered by the negotiator */
      uint8_t verb = (uint8_t)(QC_TN_WILL + op / 5 % 4);
      uint8_t opt = len ? arg[0] : 0;
      w += qc_tn_verb(wire + w, verb, opt);
      ev.kind = QC_TN_EV_VERB;
      ev.verb = verb;
      ev.opt = opt;
      uint8_t reply[8];
      size_t r = qc_tn_neg_event(&neg, &ev, reply);
      if (r != 0 && (r != 3 || reply[0] != QC_TN_IAC || reply[2] != opt))
        abort();
      break;
    }
    case 2: { /* a subnegotiation, at most QC_TN_SB_MAX bytes */
      uint8_t opt = op == QC_TN_IAC ? 0 : op; /* 255 is no option */
      size_t k = qc_tn_subneg(wire + w, 2 * len + 8, opt, arg, len);
      if (k == 0)
        abort();
      w += k;
      ev.kind = QC_TN_EV_SB;
      ev.opt = opt;
      memcpy(ev.data, arg, len);
      ev.len = len;
      break;
    }
    case 3: { /* another command: NOP .. GA */
      uint8_t cmd = (uint8_t)(QC_TN_NOP + op / 5 % 9);
      wire[w++] = QC_TN_IAC;
      wire[w++] = cmd;
      ev.kind = QC_TN_EV_CMD;
      ev.verb = cmd;
      break;
    }
    case 4: { /* a server's COM-PORT message, parsed back */
      uint8_t cmd = (uint8_t)(1 + op / 5 % 12);
      uint8_t msg[16];
      uint32_t value = len ? arg[0] : 0;
      size_t k;
      if (cmd == QC_CPO_SET_BAUDRATE) {
        value = len >= 4 ? (uint32_t)arg[0] << 24 | (uint32_t)arg[1] << 16 |
                               (uint32_t)arg[2] << 8 | arg[3]
                         : 9600;
        k = qc_cpo_set_baud(msg, sizeof msg, value);
      } else if (cmd == QC_CPO_FLOWCONTROL_SUSPEND ||
                 cmd == QC_CPO_FLOWCONTROL_RESUME) {
        value = 0; /* these carry no value */
        k = qc_tn_subneg(msg, sizeof msg, QC_TN_OPT_COMPORT, &cmd, 1);
      } else {
        k = qc_cpo_cmd8(msg, sizeof msg, cmd, (uint8_t)value);
      }
      /* msg is IAC SB 44 <cmd> value IAC SE: a server reads it back as
       * the client's command; the server's answer is cmd + 100. */
      if (k < 5 || msg[0] != QC_TN_IAC || msg[1] != QC_TN_SB)
        abort();
      if (!parses_as(msg, k, qc_cpo_parse_client, cmd, value))
        abort();
      msg[3] = (uint8_t)(msg[3] + QC_CPO_SERVER);
      memcpy(wire + w, msg, k);
      w += k;
      if (!parses_as(msg, k, qc_cpo_parse, cmd, value))
        abort();
      qc_tn_dec dd;
      qc_tn_dec_init(&dd);
      uint8_t out[16];
      size_t outlen;
      bool got = false;
      qc_tn_decode(&dd, msg, k, out, &outlen, &ev, &got);
      break;
    }
    }
    want.pay_at[want.nev] = want.npay;
    want.ev[want.nev++] = ev;
  }
  return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 1 || n > MAXN)
    return 0;
  rng = d[0] | 0x10000u;
  decode(&a, d + 1, n - 1, false);
  decode(&b, d + 1, n - 1, true);
  same(&a, &b);
  size_t w = encode(d + 1, n - 1);
  decode(&a, wire, w, true);
  same(&a, &want);
  return 0;
}
