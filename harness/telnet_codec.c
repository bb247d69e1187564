/* telnet_codec: resumable Telnet decoder, encoder, negotiator, RFC 2217. */
#include "telnet_codec.h"

#include <string.h>

enum { ST_DATA, ST_IAC, ST_VERB, ST_SB_OPT, ST_SB_DATA, ST_SB_IAC };

void qh_tn_dec_init(qh_tn_dec *d)
{
  memset(d, 0, sizeof *d);
}

bool qh_tn_dec_busy(const qh_tn_dec *d)
{
  return d->state != ST_DATA;
}

static void sb_put(qh_tn_dec *d, uint8_t c)
{
  if (d->sb_len < sizeof d->sb)
    d->sb[d->sb_len++] = c;
  else
    d->sb_cut = true;
}

/* After IAC: what the command byte starts. Returns true when it completes
 * an event by itself. */
static bool after_iac(qh_tn_dec *d, uint8_t c, uint8_t *out, size_t *outlen,
                      qh_tn_event *ev)
{
  switch (c) {
  case QH_TN_IAC:
    out[(*outlen)++] = QH_TN_IAC; /* an escaped 0xFF data byte */
    d->state = ST_DATA;
    return false;
  case QH_TN_WILL:
  case QH_TN_WONT:
  case QH_TN_DO:
  case QH_TN_DONT:
    d->verb = c;
    d->state = ST_VERB;
    return false;
  case QH_TN_SB:
    d->state = ST_SB_OPT;
    return false;
  case QH_TN_SE: /* no subnegotiation to end */
    d->garbage++;
    d->state = ST_DATA;
    return false;
  default:
    memset(ev, 0, sizeof *ev);
    ev->kind = QH_TN_EV_CMD;
    ev->verb = c;
    d->state = ST_DATA;
    return true;
  }
}

size_t qh_tn_decode(qh_tn_dec *d, const uint8_t *in, size_t n, uint8_t *out,
                    size_t *outlen, qh_tn_event *ev, bool *got)
{
  *outlen = 0;
  *got = false;
  size_t i = 0;
  while (i < n && !*got) {
    uint8_t c = in[i++];
    switch (d->state) {
    case ST_DATA:
      if (c == QH_TN_IAC)
        d->state = ST_IAC;
      else
        out[(*outlen)++] = c;
      break;
    case ST_IAC:
      *got = after_iac(d, c, out, outlen, ev);
      break;
    case ST_VERB:
      memset(ev, 0, sizeof *ev);
      ev->kind = QH_TN_EV_VERB;
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
      if (c == QH_TN_IAC)
        d->state = ST_SB_IAC;
      else
        sb_put(d, c);
      break;
    case ST_SB_IAC:
      if (c == QH_TN_IAC) {
        sb_put(d, c);
        d->state = ST_SB_DATA;
      } else if (c == QH_TN_SE) {
        memset(ev, 0, sizeof *ev);
        ev->kind = QH_TN_EV_SB;
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

size_t qh_tn_escape(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                    size_t *used)
{
  size_t o = 0, i = 0;
  for (; i < n; i++) {
    size_t need = in[i] == QH_TN_IAC ? 2 : 1;
    if (o + need > cap)
      break;
    out[o++] = in[i];
    if (need == 2)
      out[o++] = QH_TN_IAC;
  }
  *used = i;
  return o;
}

size_t qh_tn_verb(uint8_t *out, uint8_t verb, uint8_t opt)
{
  out[0] = QH_TN_IAC;
  out[1] = verb;
  out[2] = opt;
  return 3;
}

size_t qh_tn_subneg(uint8_t *out, size_t cap, uint8_t opt,
                    const uint8_t *data, size_t n)
{
  if (cap < 5)
    return 0;
  size_t o = 0;
  out[o++] = QH_TN_IAC;
  out[o++] = QH_TN_SB;
  if (opt == QH_TN_IAC) /* an option code is never 255; keep framing sane */
    return 0;
  out[o++] = opt;
  size_t used;
  o += qh_tn_escape(data, n, out + o, cap - 2 - o, &used);
  if (used < n)
    return 0;
  out[o++] = QH_TN_IAC;
  out[o++] = QH_TN_SE;
  return o;
}

/* ---- negotiation ------------------------------------------------------------ */

void qh_tn_neg_init(qh_tn_neg *n)
{
  memset(n, 0, sizeof *n);
}

size_t qh_tn_neg_ask_us(qh_tn_neg *n, uint8_t opt, uint8_t *out)
{
  n->us_ok[opt] = true;
  if (n->us[opt] != QH_TN_NO)
    return 0;
  n->us[opt] = QH_TN_WANTYES;
  return qh_tn_verb(out, QH_TN_WILL, opt);
}

size_t qh_tn_neg_ask_him(qh_tn_neg *n, uint8_t opt, uint8_t *out)
{
  n->him_ok[opt] = true;
  if (n->him[opt] != QH_TN_NO)
    return 0;
  n->him[opt] = QH_TN_WANTYES;
  return qh_tn_verb(out, QH_TN_DO, opt);
}

/* One side of RFC 1143: `on` is the verb that enables (WILL for him, DO for
 * us), `st` that side's state of the option. */
static size_t answer(uint8_t *st, bool ok, bool *refused, bool enable,
                     uint8_t yes_verb, uint8_t no_verb, uint8_t opt,
                     uint8_t *out)
{
  if (enable) {
    switch (*st) {
    case QH_TN_NO:
      if (!ok)
        return qh_tn_verb(out, no_verb, opt);
      *st = QH_TN_YES;
      return qh_tn_verb(out, yes_verb, opt);
    case QH_TN_WANTYES:
      *st = QH_TN_YES; /* the answer to our request */
      return 0;
    default:
      return 0; /* already on: no reply, no loop */
    }
  }
  switch (*st) {
  case QH_TN_YES:
    *st = QH_TN_NO;
    return qh_tn_verb(out, no_verb, opt);
  case QH_TN_WANTYES:
    *st = QH_TN_NO;
    *refused = true;
    return 0;
  default:
    return 0;
  }
}

size_t qh_tn_neg_event(qh_tn_neg *n, const qh_tn_event *ev, uint8_t *out)
{
  if (ev->kind != QH_TN_EV_VERB)
    return 0;
  uint8_t o = ev->opt;
  switch (ev->verb) {
  case QH_TN_WILL:
  case QH_TN_WONT:
    return answer(&n->him[o], n->him_ok[o], &n->him_refused[o],
                  ev->verb == QH_TN_WILL, QH_TN_DO, QH_TN_DONT, o, out);
  case QH_TN_DO:
  case QH_TN_DONT:
    return answer(&n->us[o], n->us_ok[o], &n->us_refused[o],
                  ev->verb == QH_TN_DO, QH_TN_WILL, QH_TN_WONT, o, out);
  }
  return 0;
}

/* ---- RFC 2217 ------------------------------------------------------------------ */

size_t qh_cpo_cmd8(uint8_t *out, size_t cap, uint8_t cmd, uint8_t value)
{
  uint8_t d[2] = {cmd, value};
  return qh_tn_subneg(out, cap, QH_TN_OPT_COMPORT, d, sizeof d);
}

size_t qh_cpo_set_baud(uint8_t *out, size_t cap, uint32_t baud)
{
  uint8_t d[5] = {QH_CPO_SET_BAUDRATE, (uint8_t)(baud >> 24),
                  (uint8_t)(baud >> 16), (uint8_t)(baud >> 8), (uint8_t)baud};
  return qh_tn_subneg(out, cap, QH_TN_OPT_COMPORT, d, sizeof d);
}

int qh_cpo_parse(const qh_tn_event *ev, qh_cpo_msg *m)
{
  if (ev->kind != QH_TN_EV_SB || ev->opt != QH_TN_OPT_COMPORT || ev->len < 1 ||
      ev->cut || ev->data[0] < QH_CPO_SERVER)
    return -1;
  m->cmd = (uint8_t)(ev->data[0] - QH_CPO_SERVER);
  m->value = 0;
  if (m->cmd == QH_CPO_SET_BAUDRATE) {
    if (ev->len != 5)
      return -1;
    m->value = (uint32_t)ev->data[1] << 24 | (uint32_t)ev->data[2] << 16 |
               (uint32_t)ev->data[3] << 8 | ev->data[4];
    return 0;
  }
  if (m->cmd == QH_CPO_FLOWCONTROL_SUSPEND ||
      m->cmd == QH_CPO_FLOWCONTROL_RESUME)
    return ev->len == 1 ? 0 : -1;
  if (ev->len != 2)
    return -1;
  m->value = ev->data[1];
  return 0;
}
