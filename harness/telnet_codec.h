/* telnet_codec: Telnet (RFC 854/855) framing and option negotiation, and
 * the COM-PORT-OPTION commands of RFC 2217 — pure, no I/O.
 *
 * The decoder is resumable: bytes go in as they arrive, split anywhere;
 * payload bytes come out (IAC IAC undoubled) and, between them, events: an
 * option verb (WILL/WONT/DO/DONT opt), a subnegotiation (IAC SB opt ...
 * IAC SE, its IAC IAC undoubled) or another two-byte command (NOP, BRK,
 * ...). A Telnet command is never delivered as payload. Memory is bounded:
 * a subnegotiation longer than QH_TN_SB_MAX is cut and flagged.
 *
 * The encoder doubles 0xFF in payload and subnegotiation data. The
 * negotiator answers the server's verbs after RFC 1143's rules (no reply
 * to a request for the state an option is already in, so no loops), and
 * refuses every option but the ones the client asked for. */
#ifndef QH_TELNET_CODEC_H
#define QH_TELNET_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  QH_TN_SE = 240, QH_TN_NOP = 241, QH_TN_DM = 242, QH_TN_BRK = 243,
  QH_TN_GA = 249, QH_TN_SB = 250, QH_TN_WILL = 251, QH_TN_WONT = 252,
  QH_TN_DO = 253, QH_TN_DONT = 254, QH_TN_IAC = 255,
};

enum { QH_TN_OPT_BINARY = 0, QH_TN_OPT_COMPORT = 44 };

enum { QH_TN_SB_MAX = 64 };

typedef enum qh_tn_ev_kind {
  QH_TN_EV_VERB, /* WILL/WONT/DO/DONT opt */
  QH_TN_EV_SB,   /* IAC SB opt data IAC SE */
  QH_TN_EV_CMD,  /* any other IAC x */
} qh_tn_ev_kind;

typedef struct qh_tn_event {
  qh_tn_ev_kind kind;
  uint8_t verb;  /* EV_VERB: QH_TN_WILL..DONT; EV_CMD: the command byte */
  uint8_t opt;   /* EV_VERB, EV_SB */
  uint8_t data[QH_TN_SB_MAX]; /* EV_SB: undoubled */
  size_t len;
  bool cut;      /* EV_SB: longer than QH_TN_SB_MAX, the rest dropped */
} qh_tn_event;

typedef struct qh_tn_dec {
  uint8_t state;
  uint8_t verb;
  uint8_t sb_opt;
  uint8_t sb[QH_TN_SB_MAX];
  size_t sb_len;
  bool sb_cut;
  unsigned long garbage; /* malformed sequences dropped (SE outside SB,
                            IAC x inside SB) */
} qh_tn_dec;

void qh_tn_dec_init(qh_tn_dec *d);

/* Decodes in[0..n) until it is used up or an event completes. Payload
 * goes to out (room for n bytes always suffices), *outlen says how many.
 * Returns the number of input bytes consumed; *got is true when ev holds
 * an event (then call again with the rest). */
size_t qh_tn_decode(qh_tn_dec *d, const uint8_t *in, size_t n, uint8_t *out,
                    size_t *outlen, qh_tn_event *ev, bool *got);

/* true while the decoder sits inside a command or subnegotiation. */
bool qh_tn_dec_busy(const qh_tn_dec *d);

/* Escapes payload (0xFF doubled) into out as far as it fits: returns the
 * bytes written, *used the input bytes taken. */
size_t qh_tn_escape(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                    size_t *used);

/* IAC verb opt: 3 bytes into out. */
size_t qh_tn_verb(uint8_t *out, uint8_t verb, uint8_t opt);

/* IAC SB opt data... IAC SE with data escaped; 0 when it does not fit. */
size_t qh_tn_subneg(uint8_t *out, size_t cap, uint8_t opt,
                    const uint8_t *data, size_t n);

/* ---- option negotiation (RFC 1143, without the queue bit) -------------- */

enum { QH_TN_NO = 0, QH_TN_YES = 1, QH_TN_WANTYES = 2 };

typedef struct qh_tn_neg {
  uint8_t us[256];  /* options on our side (we WILL) */
  uint8_t him[256]; /* options on the server's side (he WILL) */
  bool us_ok[256], him_ok[256];           /* what we accept */
  bool us_refused[256], him_refused[256]; /* asked for and refused */
} qh_tn_neg;

void qh_tn_neg_init(qh_tn_neg *n);

/* Asks for an option on our side (WILL) or the server's (DO); writes the
 * request (3 bytes) into out and returns its length. */
size_t qh_tn_neg_ask_us(qh_tn_neg *n, uint8_t opt, uint8_t *out);
size_t qh_tn_neg_ask_him(qh_tn_neg *n, uint8_t opt, uint8_t *out);

/* Answers a verb event: writes the reply (0 or 3 bytes) into out. */
size_t qh_tn_neg_event(qh_tn_neg *n, const qh_tn_event *ev, uint8_t *out);

/* ---- RFC 2217 COM-PORT-OPTION ------------------------------------------- */

enum {
  QH_CPO_SET_BAUDRATE = 1,
  QH_CPO_SET_DATASIZE = 2,
  QH_CPO_SET_PARITY = 3,
  QH_CPO_SET_STOPSIZE = 4,
  QH_CPO_SET_CONTROL = 5,
  QH_CPO_NOTIFY_LINESTATE = 6,
  QH_CPO_NOTIFY_MODEMSTATE = 7,
  QH_CPO_FLOWCONTROL_SUSPEND = 8,
  QH_CPO_FLOWCONTROL_RESUME = 9,
  QH_CPO_SET_LINESTATE_MASK = 10,
  QH_CPO_SET_MODEMSTATE_MASK = 11,
  QH_CPO_PURGE_DATA = 12,
  QH_CPO_SERVER = 100, /* a server's command is the client's + 100 */
};

enum { /* values */
  QH_CPO_PARITY_NONE = 1,
  QH_CPO_STOPSIZE_1 = 1,
  QH_CPO_CONTROL_NOFLOW = 1,
  QH_CPO_CONTROL_HWFLOW = 3,
  QH_CPO_CONTROL_DTR_ON = 8,
  QH_CPO_CONTROL_DTR_OFF = 9,
  QH_CPO_CONTROL_RTS_ON = 11,
  QH_CPO_CONTROL_RTS_OFF = 12,
  QH_CPO_MODEM_DSR = 0x20,
  QH_CPO_MODEM_DCD = 0x80,
};

/* A client command with a 1-byte value; 0 when it does not fit. */
size_t qh_cpo_cmd8(uint8_t *out, size_t cap, uint8_t cmd, uint8_t value);
/* SET-BAUDRATE with its 4-byte network-order value. */
size_t qh_cpo_set_baud(uint8_t *out, size_t cap, uint32_t baud);

/* A server's COM-PORT-OPTION message (an EV_SB of option 44). */
typedef struct qh_cpo_msg {
  uint8_t cmd;    /* the client command it answers (server's - 100) */
  uint32_t value; /* the value: 4 bytes for SET-BAUDRATE, else 1 */
} qh_cpo_msg;

/* 0 and *m, or -1 when ev is not a well-formed server message. */
int qh_cpo_parse(const qh_tn_event *ev, qh_cpo_msg *m);

#endif
