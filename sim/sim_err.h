/* sim_err: the <err> codes of chapter 5 and the FTP reply -> <err> map.
 *
 * Pure. The note pairs err 614-629 with the chapter 6 replies only by
 * wording; the module profile's "err.<reply>" keys decide (the profile
 * loader fills them from qc_err.c), and qc_err.c's pairing is the fallback
 * when there is no profile. */
#ifndef SIM_ERR_H
#define SIM_ERR_H

#include <stddef.h>

#include "qc_err.h"

enum {
  SIM_ERR_OK = 0,
  SIM_ERR_UNKNOWN = 601,
  SIM_ERR_BLOCKED = 602,
  SIM_ERR_BUSY = 603,
  SIM_ERR_DNS = 604,
  SIM_ERR_NETWORK = 605,
  SIM_ERR_CTRL_CLOSED = 606,
  SIM_ERR_DATA_CLOSED = 607,
  SIM_ERR_PEER_CLOSED = 608,
  SIM_ERR_TIMEOUT = 609,
  SIM_ERR_INVALID_PARAM = 610,
  SIM_ERR_FILE_OPEN = 611,
  SIM_ERR_FILE_POS = 612,
  SIM_ERR_FILE = 613,
  SIM_ERR_DATA_OPEN_FAILED = 615,
  SIM_ERR_SSL_AUTH = 631,
};

/* A chapter 5 row (code, wording), from common/qc_err.h. */
typedef qc_err_code sim_err_entry;

/* The whole chapter 5 table in the note's order. */
size_t sim_err_count(void);
const sim_err_entry *sim_err_at(size_t i);

/* Name of `code`, or NULL when chapter 5 has no such code. */
const char *sim_err_name(int code);

/* Looks a profile key up; returns its value or NULL. */
typedef const char *(*sim_err_lookup)(const void *ctx, const char *key);

/* <err> for FTP reply `reply`: the profile's "err.<reply>" when it is a
 * chapter 5 code, else qc_err.c's pairing (553 -> 627 included), else 601. `get` may be NULL (no profile). */
int sim_err_for_reply(int reply, sim_err_lookup get, const void *ctx);

#endif
