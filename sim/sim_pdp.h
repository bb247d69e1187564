/* sim_pdp: PDP contexts and packet-domain state (AT+QICSGP/QIACT/QIDEACT,
 * AT+CGATT, AT+CGREG). Pure bookkeeping: no real network is involved. */
#ifndef SIM_PDP_H
#define SIM_PDP_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_PDP_CTX_MAX 15   /* <contextID> 1-15 (2.1) */
#define SIM_PDP_ACTIVE_MAX 3 /* at most 3 active at once (4.x) */
#define SIM_PDP_APN_MAX 100  /* our bound for <APN> */
#define SIM_PDP_CRED_MAX 127 /* our bound for <username>, <password> */

typedef struct {
  int type; /* 1 IPv4, 2 IPv6, 3 IPv4v6 */
  char apn[SIM_PDP_APN_MAX + 1];
  char user[SIM_PDP_CRED_MAX + 1];
  char pass[SIM_PDP_CRED_MAX + 1];
  int auth; /* 0 none, 1 PAP, 2 CHAP, 3 PAP or CHAP */
  bool active;
} sim_pdp_ctx;

typedef struct {
  sim_pdp_ctx ctx[SIM_PDP_CTX_MAX + 1]; /* index 0 unused */
  bool attached;                        /* AT+CGATT */
  int creg_n;                           /* AT+CGREG=<n> */
} sim_pdp;

void sim_pdp_init(sim_pdp *p);
bool sim_pdp_valid_id(int id);
bool sim_pdp_is_active(const sim_pdp *p, int id);
size_t sim_pdp_active_count(const sim_pdp *p);
/* 0, or -1 when id is invalid, already active, detached or 3 are active. */
int sim_pdp_activate(sim_pdp *p, int id);
/* 0, or -1 when id is invalid. Deactivating an inactive context is fine. */
int sim_pdp_deactivate(sim_pdp *p, int id);
/* Detaching deactivates every context. */
void sim_pdp_set_attached(sim_pdp *p, bool on);

#endif
