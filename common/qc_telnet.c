/* qc_telnet: resumable Telnet decoder, encoder, negotiator, RFC 2217. */
#include "qc_telnet.h"

#include <string.h>

enum { ST_DATA, ST_IAC, ST_VERB, ST_SB_OPT, ST_SB_DATA, ST_SB_IAC };

void qc_tn_dec_init(qc_tn_dec *d)
{
  memset(d, 0, sizeof *d);
}

bool qc_tn_dec_busy(const qc_tn_dec *d)
{
  return d->state != ST_DATA;
}

static void sb_put(qc_tn_dec *d, uint8_t c)
{
  if (d->sb_len < sizeof d->sb)
    d->sb[d->sb_len++] = c;
  else
    d->sb_cut = true;
}

/* After IAC: what the command byte starts. Returns true when it completes
 * an event by itself. */
static bool after_iac(qc_tn_dec *d, uint8_t c, uint8_t *out, size_t *outlen,
                      qc_tn_event *ev)
{
  switch (c) {
  case QC_TN_IAC:
    out[(*outlen)++] = QC_TN_IAC; /* an escaped 0xFF data byte */
    d->state = ST_DATA;
    return false;
  case QC_TN_WILL:
  case QC_TN_WONT:
  case QC_TN_DO:
  case QC_TN_DONT:
    d->verb = c;
    d->state = ST_VERB;
    return false;
  case QC_TN_SB:
    d->state = ST_SB_OPT;
    return false;
  case QC_TN_SE: /* no subnegotiation to end */
    d->garbage++;
    d->state = ST_DATA;
    return false;
  default:
    memset(ev, 0, sizeof *ev);
    ev->kind = QC_TN_EV_CMD;
    ev->verb = c;
    d->state = ST_DATA;
    return true;
  }
}

size_t qc_tn_decode(qc_tn_dec *d, const uint8_t *in, size_t n, uint8_t *out,
                    size_t *outlen, qc_tn_event *ev, bool *got)
{
  *outlen = 0;
  *got = false;
  size_t i = 0;
  while (i < n && !*got) {
    uint8_t c = in[i++];
    switch (d->state) {
    case ST_DATA:
      if (c == QC_TN_IAC)
        d->state = ST_IAC;
      else
        out[(*outlen)++] = c;
      break;
    case ST_IAC:
      *got = after_iac(d, c, out, outlen, ev);
      break;
    case ST_VERB:
      memset(ev, 0, sizeof *ev);
      ev->kind = QC_TN_EV_VERB;
      ev->verb = d->verb;
      ev->opt = c;
      d->state = ST_DATA;
      *got = true;
      break;
    case ST_SB_OPT:
      d->sb_opt = c;
      d->sb_len = 0;
      d->sb_cut = false;
      d->state = ST_SB_DATA;
      break;
    case ST_SB_DATA:
      if (c == QC_TN_IAC)
        d->state = ST_SB_IAC;
      else
        sb_put(d, c);
      break;
    case ST_SB_IAC:
      if (c == QC_TN_IAC) {
        sb_put(d, c);
        d->state = ST_SB_DATA;
      } else if (c == QC_TN_SE) {
        memset(ev, 0, sizeof *ev);
        ev->kind = QC_TN_EV_SB;
        ev->opt = d->sb_opt;
        memcpy(ev->data, d->sb, d->sb_len);
        ev->len = d->sb_len;
        ev->cut = d->sb_cut;
        d->state = ST_DATA;
        *got = true;
      } else {
        /* IAC x inside a subnegotiation: the peer never ended it. Drop it
         * and take IAC x as the command it is. */
        d->garbage++;
        *got = after_iac(d, c, out, outlen, ev);
      }
      break;
    }
  }
  return i;
}

size_t qc_tn_escape(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                    size_t *used)
{
  size_t o = 0, i = 0;
  for (; i < n; i++) {
    size_t need = in[i] == QC_TN_IAC ? 2 : 1;
    if (o + need > cap)
      break;
    out[o++] = in[i];
    if (need == 2)
      out[o++] = QC_TN_IAC;
  }
  *used = i;
  return o;
}

size_t qc_tn_verb(uint8_t *out, uint8_t verb, uint8_t opt)
{
  out[0] = QC_TN_IAC;
  out[1] = verb;
  out[2] = opt;
  return 3;
}

size_t qc_tn_subneg(uint8_t *out, size_t cap, uint8_t opt,
                    const uint8_t *data, size_t n)
{
  if (cap < 5)
    return 0;
  size_t o = 0;
  out[o++] = QC_TN_IAC;
  out[o++] = QC_TN_SB;
  if (opt == QC_TN_IAC) /* an option code is never 255; keep framing sane */
    return 0;
  out[o++] = opt;
  size_t used;
  o += qc_tn_escape(data, n, out + o, cap - 2 - o, &used);
  if (used < n)
    return 0;
  out[o++] = QC_TN_IAC;
  out[o++] = QC_TN_SE;
  return o;
}

/* ---- negotiation ------------------------------------------------------------ */

void qc_tn_neg_init(qc_tn_neg *n)
{
  memset(n, 0, sizeof *n);
}

size_t qc_tn_neg_ask_us(qc_tn_neg *n, uint8_t opt, uint8_t *out)
{
  n->us_ok[opt] = true;
  if (n->us[opt] != QC_TN_NO)
    return 0;
  n->us[opt] = QC_TN_WANTYES;
  return qc_tn_verb(out, QC_TN_WILL, opt);
}

size_t qc_tn_neg_ask_him(qc_tn_neg *n, uint8_t opt, uint8_t *out)
{
  n->him_ok[opt] = true;
  if (n->him[opt] != QC_TN_NO)
    return 0;
  n->him[opt] = QC_TN_WANTYES;
  return qc_tn_verb(out, QC_TN_DO, opt);
}

/* One side of RFC 1143: `on` is the verb that enables (WILL for him, DO for
 * us), `st` that side's state of the option. */
static size_t answer(uint8_t *st, bool ok, bool *refused, bool enable,
                     uint8_t yes_verb, uint8_t no_verb, uint8_t opt,
                     uint8_t *out)
{
  if (enable) {
    switch (*st) {
    case QC_TN_NO:
      if (!ok)
        return qc_tn_verb(out, no_verb, opt);
      *st = QC_TN_YES;
      return qc_tn_verb(out, yes_verb, opt);
    case QC_TN_WANTYES:
      *st = QC_TN_YES; /* the answer to our request */
      return 0;
    default:
      return 0; /* already on: no reply, no loop */
    }
  }
  switch (*st) {
  case QC_TN_YES:
    *st = QC_TN_NO;
    return qc_tn_verb(out, no_verb, opt);
  case QC_TN_WANTYES:
    *st = QC_TN_NO;
    *refused = true;
    return 0;
  default:
    return 0;
  }
}

size_t qc_tn_neg_event(qc_tn_neg *n, const qc_tn_event *ev, uint8_t *out)
{
  if (ev->kind != QC_TN_EV_VERB)
    return 0;
  uint8_t o = ev->opt;
  switch (ev->verb) {
  case QC_TN_WILL:
  case QC_TN_WONT:
    return answer(&n->him[o], n->him_ok[o], &n->him_refused[o],
                  ev->verb == QC_TN_WILL, QC_TN_DO, QC_TN_DONT, o, out);
  case QC_TN_DO:
  case QC_TN_DONT:
    return answer(&n->us[o], n->us_ok[o], &n->us_refused[o],
                  ev->verb == QC_TN_DO, QC_TN_WILL, QC_TN_WONT, o, out);
  }
  return 0;
}

/* ---- RFC 2217 ------------------------------------------------------------------ */

size_t qc_cpo_cmd8(uint8_t *out, size_t cap, uint8_t cmd, uint8_t value)
{
  uint8_t d[2] = {cmd, value};
  return qc_tn_subneg(out, cap, QC_TN_OPT_COMPORT, d, sizeof d);
}

size_t qc_cpo_cmd32(uint8_t *out, size_t cap, uint8_t cmd, uint32_t value)
{
  uint8_t d[5] = {cmd, (uint8_t)(value >> 24), (uint8_t)(value >> 16),
                  (uint8_t)(value >> 8), (uint8_t)value};
  return qc_tn_subneg(out, cap, QC_TN_OPT_COMPORT, d, sizeof d);
}

size_t qc_cpo_set_baud(uint8_t *out, size_t cap, uint32_t baud)
{
  return qc_cpo_cmd32(out, cap, QC_CPO_SET_BAUDRATE, baud);
}

int qc_cpo_parse(const qc_tn_event *ev, qc_cpo_msg *m)
{
  if (ev->kind != QC_TN_EV_SB || ev->opt != QC_TN_OPT_COMPORT || ev->len < 1 ||
      ev->cut || ev->data[0] < QC_CPO_SERVER)
    return -1;
  m->cmd = (uint8_t)(ev->data[0] - QC_CPO_SERVER);
  m->value = 0;
  if (m->cmd == QC_CPO_SET_BAUDRATE) {
    if (ev->len != 5)
      return -1;
    m->value = (uint32_t)ev->data[1] << 24 | (uint32_t)ev->data[2] << 16 |
               (uint32_t)ev->data[3] << 8 | ev->data[4];
    return 0;
  }
  if (m->cmd == QC_CPO_FLOWCONTROL_SUSPEND ||
      m->cmd == QC_CPO_FLOWCONTROL_RESUME)
    return ev->len == 1 ? 0 : -1;
  if (ev->len != 2)
    return -1;
  m->value = ev->data[1];
  return 0;
}

int qc_cpo_parse_client(const qc_tn_event *ev, qc_cpo_msg *m)
{
  if (ev->kind != QC_TN_EV_SB || ev->opt != QC_TN_OPT_COMPORT || ev->len < 1 ||
      ev->cut || ev->data[0] > QC_CPO_PURGE_DATA)
    return -1;
  m->cmd = ev->data[0];
  m->value = 0;
  switch (m->cmd) {
  case QC_CPO_SIGNATURE: /* text of any length, or none: "send yours" */
    return 0;
  case QC_CPO_SET_BAUDRATE:
    if (ev->len != 5)
      return -1;
    m->value = (uint32_t)ev->data[1] << 24 | (uint32_t)ev->data[2] << 16 |
               (uint32_t)ev->data[3] << 8 | ev->data[4];
    return 0;
  case QC_CPO_FLOWCONTROL_SUSPEND:
  case QC_CPO_FLOWCONTROL_RESUME:
    return ev->len == 1 ? 0 : -1;
  default:
    if (ev->len != 2)
      return -1;
    m->value = ev->data[1];
    return 0;
  }
}
