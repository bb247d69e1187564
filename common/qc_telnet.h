/* qc_telnet: Telnet (RFC 854/855) framing and option negotiation, and
 * the COM-PORT-OPTION commands of RFC 2217 — pure, no I/O.
 *
 * The decoder is resumable: bytes go in as they arrive, split anywhere;
 * payload bytes come out (IAC IAC undoubled) and, between them, events: an
 * option verb (WILL/WONT/DO/DONT opt), a subnegotiation (IAC SB opt ...
 * IAC SE, its IAC IAC undoubled) or another two-byte command (NOP, BRK,
 * ...). A Telnet command is never delivered as payload. Memory is bounded:
 * a subnegotiation longer than QC_TN_SB_MAX is cut and flagged.
 *
 * The encoder doubles 0xFF in payload and subnegotiation data. The
 * negotiator answers the peer's verbs after RFC 1143's rules (no reply
 * to a request for the state an option is already in, so no loops), and
 * refuses every option but the ones this end asked for.
 *
 * Both ends use it: the harness's RFC 2217 client (transport_net.c) and
 * the simulator's RFC 2217 server (sim_rfc2217.c). */
#ifndef QC_TELNET_H
#define QC_TELNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  QC_TN_SE = 240, QC_TN_NOP = 241, QC_TN_DM = 242, QC_TN_BRK = 243,
  QC_TN_GA = 249, QC_TN_SB = 250, QC_TN_WILL = 251, QC_TN_WONT = 252,
  QC_TN_DO = 253, QC_TN_DONT = 254, QC_TN_IAC = 255,
};

enum { QC_TN_OPT_BINARY = 0, QC_TN_OPT_SGA = 3, QC_TN_OPT_COMPORT = 44 };

enum { QC_TN_SB_MAX = 64 };

typedef enum qc_tn_ev_kind {
  QC_TN_EV_VERB, /* WILL/WONT/DO/DONT opt */
  QC_TN_EV_SB,   /* IAC SB opt data IAC SE */
  QC_TN_EV_CMD,  /* any other IAC x */
} qc_tn_ev_kind;

typedef struct qc_tn_event {
  qc_tn_ev_kind kind;
  uint8_t verb;  /* EV_VERB: QC_TN_WILL..DONT; EV_CMD: the command byte */
  uint8_t opt;   /* EV_VERB, EV_SB */
  uint8_t data[QC_TN_SB_MAX]; /* EV_SB: undoubled */
  size_t len;
  bool cut;      /* EV_SB: longer than QC_TN_SB_MAX, the rest dropped */
} qc_tn_event;

typedef struct qc_tn_dec {
  uint8_t state;
  uint8_t verb;
  uint8_t sb_opt;
  uint8_t sb[QC_TN_SB_MAX];
  size_t sb_len;
  bool sb_cut;
  unsigned long garbage; /* malformed sequences dropped (SE outside SB,
                            IAC x inside SB) */
} qc_tn_dec;

void qc_tn_dec_init(qc_tn_dec *d);

/* Decodes in[0..n) until it is used up or an event completes. Payload
 * goes to out (room for n bytes always suffices), *outlen says how many.
 * Returns the number of input bytes consumed; *got is true when ev holds
 * an event (then call again with the rest). */
size_t qc_tn_decode(qc_tn_dec *d, const uint8_t *in, size_t n, uint8_t *out,
                    size_t *outlen, qc_tn_event *ev, bool *got);

/* true while the decoder sits inside a command or subnegotiation. */
bool qc_tn_dec_busy(const qc_tn_dec *d);

/* Escapes payload (0xFF doubled) into out as far as it fits: returns the
 * bytes written, *used the input bytes taken. */
size_t qc_tn_escape(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                    size_t *used);

/* IAC verb opt: 3 bytes into out. */
size_t qc_tn_verb(uint8_t *out, uint8_t verb, uint8_t opt);

/* IAC SB opt data... IAC SE with data escaped; 0 when it does not fit. */
size_t qc_tn_subneg(uint8_t *out, size_t cap, uint8_t opt,
                    const uint8_t *data, size_t n);

/* ---- option negotiation (RFC 1143, without the queue bit) -------------- */

enum { QC_TN_NO = 0, QC_TN_YES = 1, QC_TN_WANTYES = 2 };

typedef struct qc_tn_neg {
  uint8_t us[256];  /* options on our side (we WILL) */
  uint8_t him[256]; /* options on the peer's side (he WILL) */
  bool us_ok[256], him_ok[256];           /* what we accept */
  bool us_refused[256], him_refused[256]; /* asked for and refused */
} qc_tn_neg;

void qc_tn_neg_init(qc_tn_neg *n);

/* Asks for an option on our side (WILL) or the peer's (DO); writes the
 * request (3 bytes) into out and returns its length. */
size_t qc_tn_neg_ask_us(qc_tn_neg *n, uint8_t opt, uint8_t *out);
size_t qc_tn_neg_ask_him(qc_tn_neg *n, uint8_t opt, uint8_t *out);

/* Answers a verb event: writes the reply (0 or 3 bytes) into out. */
size_t qc_tn_neg_event(qc_tn_neg *n, const qc_tn_event *ev, uint8_t *out);

/* ---- RFC 2217 COM-PORT-OPTION ------------------------------------------- */

enum {
  QC_CPO_SIGNATURE = 0,
  QC_CPO_SET_BAUDRATE = 1,
  QC_CPO_SET_DATASIZE = 2,
  QC_CPO_SET_PARITY = 3,
  QC_CPO_SET_STOPSIZE = 4,
  QC_CPO_SET_CONTROL = 5,
  QC_CPO_NOTIFY_LINESTATE = 6,
  QC_CPO_NOTIFY_MODEMSTATE = 7,
  QC_CPO_FLOWCONTROL_SUSPEND = 8,
  QC_CPO_FLOWCONTROL_RESUME = 9,
  QC_CPO_SET_LINESTATE_MASK = 10,
  QC_CPO_SET_MODEMSTATE_MASK = 11,
  QC_CPO_PURGE_DATA = 12,
  QC_CPO_SERVER = 100, /* a server's command is the client's + 100 */
};

enum { /* values (RFC 2217; 0 asks for the current one) */
  QC_CPO_PARITY_NONE = 1,
  QC_CPO_PARITY_SPACE = 5,
  QC_CPO_STOPSIZE_1 = 1,
  QC_CPO_STOPSIZE_15 = 3,
  QC_CPO_CONTROL_NOFLOW = 1,
  QC_CPO_CONTROL_HWFLOW = 3,
  QC_CPO_CONTROL_BREAK_ASK = 4,
  QC_CPO_CONTROL_BREAK_ON = 5,
  QC_CPO_CONTROL_BREAK_OFF = 6,
  QC_CPO_CONTROL_DTR_ASK = 7,
  QC_CPO_CONTROL_DTR_ON = 8,
  QC_CPO_CONTROL_DTR_OFF = 9,
  QC_CPO_CONTROL_RTS_ASK = 10,
  QC_CPO_CONTROL_RTS_ON = 11,
  QC_CPO_CONTROL_RTS_OFF = 12,
  QC_CPO_CONTROL_INFLOW_ASK = 13,
  QC_CPO_CONTROL_INFLOW_DSR = 19,
  QC_CPO_MODEM_DSR = 0x20,
  QC_CPO_MODEM_DCD = 0x80,
};

/* A command with a 1-byte value; 0 when it does not fit. A server's
 * answer is the same with cmd + QC_CPO_SERVER. */
size_t qc_cpo_cmd8(uint8_t *out, size_t cap, uint8_t cmd, uint8_t value);
/* A command with a 4-byte network-order value (SET-BAUDRATE, or the
 * server's answer to it). */
size_t qc_cpo_cmd32(uint8_t *out, size_t cap, uint8_t cmd, uint32_t value);
/* SET-BAUDRATE with its 4-byte network-order value. */
size_t qc_cpo_set_baud(uint8_t *out, size_t cap, uint32_t baud);

/* A server's COM-PORT-OPTION message (an EV_SB of option 44). */
typedef struct qc_cpo_msg {
  uint8_t cmd;    /* the client command it answers (server's - 100) */
  uint32_t value; /* the value: 4 bytes for SET-BAUDRATE, else 1 */
} qc_cpo_msg;

/* 0 and *m, or -1 when ev is not a well-formed server message. */
int qc_cpo_parse(const qc_tn_event *ev, qc_cpo_msg *m);

/* A client's COM-PORT-OPTION command, for a server: m->cmd is the command
 * (0..12), m->value its value (SIGNATURE's text is not kept). 0, or -1
 * when ev is not a well-formed client command (a server's code, a wrong
 * length, a cut subnegotiation). */
int qc_cpo_parse_client(const qc_tn_event *ev, qc_cpo_msg *m);

#endif
