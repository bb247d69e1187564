/* module_id: who the module is, read from its own answers (ATI, AT+GMR,
 * AT+CGMM, AT+CGSN, AT+CPIN?, AT+QIACT?).
 *
 * Pure parsing: the lines given are a command's information lines, without
 * the echo and the final result code. Real firmwares differ in small ways
 * ("+CGMM: EC25" on some, a quoted "+CGSN: "…"" on others, a lone
 * "Revision:" line from AT+GMR), so each parser takes the forms seen and
 * leaves a field empty when the answer is not one of them. The IMEI is
 * kept masked only: every place it is stored or printed gets the mask. */
#ifndef QH_MODULE_ID_H
#define QH_MODULE_ID_H

#include <stdbool.h>
#include <stddef.h>

enum {
  QH_MODULE_ATI_MAX = 8,  /* ATI lines kept */
  QH_MODULE_FIELD = 128,  /* bytes of one field, NUL included */
  QH_MODULE_PDP_MAX = 16, /* contexts 1..15 (4.x) */
};

typedef struct qh_pdp_addr {
  int ctx;   /* <contextID> 1..15 */
  int state; /* 1 active */
  int type;  /* 1 IPv4, 2 IPv6, 3 IPv4v6 */
  char addr[QH_MODULE_FIELD]; /* the address(es), space-separated */
} qh_pdp_addr;

typedef struct qh_module_id {
  char manufacturer[QH_MODULE_FIELD]; /* "Quectel" (ATI) */
  char model[QH_MODULE_FIELD];        /* "EC25" (AT+CGMM, else ATI) */
  char revision[QH_MODULE_FIELD];     /* "EC25EFAR06A06M4G" (AT+GMR, else
                                         ATI's "Revision:") */
  char imei_masked[QH_MODULE_FIELD];  /* "****1234"; "" unknown */
  char ati[QH_MODULE_ATI_MAX][QH_MODULE_FIELD]; /* ATI's lines, as sent */
  size_t nati;
  bool echo;          /* the module echoed after ATE1 */
  bool sim_ready;     /* +CPIN: READY */
  char sim[QH_MODULE_FIELD]; /* what AT+CPIN? said ("READY", "SIM PIN",
                                "+CME ERROR: 10") */
  qh_pdp_addr pdp[QH_MODULE_PDP_MAX]; /* AT+QIACT? lines */
  size_t npdp;
} qh_module_id;

/* ATI: "Quectel", model, "Revision: X" (some firmwares add lines). Fills
 * manufacturer, model, revision (only the empty ones) and the raw lines. */
void qh_module_parse_ati(qh_module_id *m, const char *const *lines, size_t n);
/* AT+GMR: the revision ("EC25EFAR06A06M4G", "Revision: …", "+GMR: …").
 * Overrides ATI's. false when no line looks like one. */
bool qh_module_parse_gmr(qh_module_id *m, const char *const *lines, size_t n);
/* AT+CGMM: the model ("EC25", "+CGMM: EC25"). Overrides ATI's. */
bool qh_module_parse_cgmm(qh_module_id *m, const char *const *lines, size_t n);
/* AT+CGSN: the IMEI, 14 to 17 digits, bare or "+CGSN: "…""; stored
 * masked. false when no line holds one. */
bool qh_module_parse_cgsn(qh_module_id *m, const char *const *lines, size_t n);
/* AT+CPIN?: "+CPIN: READY" sets sim_ready; sim gets what was said. */
void qh_module_parse_cpin(qh_module_id *m, const char *const *lines, size_t n);
/* AT+QIACT?: each "+QIACT: <ctx>,<state>,<type>[,"<addr>"...]" line. */
void qh_module_parse_qiact(qh_module_id *m, const char *const *lines,
                           size_t n);

/* Masks an IMEI but for its last 4 digits: "****1234" (its length is
 * hidden too); a value of 4 digits or fewer is masked whole ("****"). */
void qh_imei_mask(const char *imei, char *out, size_t len);

/* Masks every run of 14..17 digits in text (an IMEI in a transcript line)
 * into out. */
void qh_imei_mask_text(const char *text, char *out, size_t len);

/* One line for the console: "Quectel EC25 rev EC25EFAR06A06M4G, IMEI
 * ****1234, SIM ready, PDP 1 10.0.0.1". */
void qh_module_summary(const qh_module_id *m, char *out, size_t len);

/* "EC25 rev EC25EFAR06A06M4G" (what diff prints), "unknown" parts kept. */
void qh_module_short(const qh_module_id *m, char *out, size_t len);

#endif
