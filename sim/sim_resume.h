/* sim_resume: AT+QFTPCFG="cache",2 (2.1: "slow mode, 128 KB, resumable
 * download"). When the data connection of a download to a local file
 * breaks mid-transfer, the transfer goes on by itself: a new data
 * connection (PASV or PORT), REST <bytes already stored>, RETR, at most
 * the profile's resume_attempts times; the URC comes once, for the whole
 * file. The note says only "断点下载": which breaks resume and how often
 * are this project's choices (docs/PROFILES.md, sim/README.md).
 *
 * Pure: the decision and the offset; sim_xfer.c acts on them. */
#ifndef SIM_RESUME_H
#define SIM_RESUME_H

#include "sim_xfer.h"

#include <stdbool.h>

#define SIM_RESUME_ATTEMPTS_DEFAULT 3

typedef struct {
  int left;       /* resumptions still allowed; 0: none (cache 0, 1) */
  long long base; /* the AT command's <startpos> */
} sim_resume;

/* Attempts for this transfer: the profile's resume_attempts for a GET to
 * UFS:/SD: with cache 2, else none (COM: downloads and every other kind
 * never resume; quirk no-resume: none at all). */
void sim_resume_init(sim_resume *r, const sim_ctx *c, const sim_xfer_req *req);

/* true when (err, reply), the failure of a transfer whose data had begun
 * to flow, is a broken data connection (reset or closed by the peer: 607,
 * 608; the server's 426 or 451) and an attempt is left; it is used up. */
bool sim_resume_take(sim_resume *r, int err, int reply);

/* The REST offset after `stored` bytes of this transfer: <startpos> +
 * stored. */
long long sim_resume_offset(const sim_resume *r, long long stored);

#endif
