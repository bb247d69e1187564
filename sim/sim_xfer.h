/* sim_xfer: one FTP transfer (2.5, 2.6, 2.11-2.13) from AT command to URC,
 * as a non-blocking state machine over sim_ftp (control) and sim_data
 * (data), with data mode on the AT port (1.5) when the local name is
 * "COM:".
 *
 * Sequence: TYPE (filetype) -> PASV and connect, or listen and PORT
 * (transmode) -> REST <startpos> when > 0 -> RETR/STOR/LIST/NLST/MLSD ->
 * CONNECT once the data connection is open and the 1xx came -> payload ->
 * "OK" when data mode ends -> the final reply -> +QFTPxxx URC. Every
 * choice the note leaves open is in sim/README.md. */
#ifndef SIM_XFER_H
#define SIM_XFER_H

#include "sim_ctx.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct sim_xfer sim_xfer;

typedef enum {
  SIM_XFER_GET,
  SIM_XFER_PUT,
  SIM_XFER_LIST,
  SIM_XFER_NLST,
  SIM_XFER_MLSD,
} sim_xfer_kind;

#define SIM_XFER_NAME_MAX 255 /* <file_name>, <dirname> (2.5-2.13) */
#define SIM_XFER_PATH_MAX 4096

typedef struct {
  sim_xfer_kind kind;
  char remote[SIM_XFER_NAME_MAX + 1];
  bool com;                          /* "COM:": data mode */
  char local[SIM_XFER_PATH_MAX];     /* full path otherwise */
  long long startpos;                /* REST (GET, PUT) */
  long long len;                     /* downloadlen / uploadlen; 0: all */
  int beof;                          /* PUT from COM: with uploadlen */
} sim_xfer_req;

/* The tag every control command of a transfer carries (sim_cmd_ftp). */
#define SIM_XFER_TAG 1000

sim_xfer *sim_xfer_new(sim_ctx *c);
void sim_xfer_free(sim_xfer *x);

bool sim_xfer_active(const sim_xfer *x);
/* A PUT that ended a part with <beof> 0 keeps its data connection for the
 * next part of `remote` (2.5 example 2). */
bool sim_xfer_held_for(const sim_xfer *x, const char *remote);
/* Bytes moved by the current or last transfer (2.16). */
long long sim_xfer_len(const sim_xfer *x);

/* Starts a transfer: 0, or the +CME ERROR <err> to answer. Prints
 * nothing on success when com (CONNECT follows), "OK" otherwise. */
int sim_xfer_start(sim_xfer *x, const sim_xfer_req *r);
/* Ends a transfer at once with <err> (the network under it is gone):
 * its data connection closed, its URC (or +CME ERROR before CONNECT)
 * printed, unless "+++" aborted it. The control command it awaits is the
 * caller's to end. Nothing when no transfer runs. */
void sim_xfer_kill(sim_xfer *x, int err);
/* Next part of a held PUT: CONNECT and data mode again. */
void sim_xfer_next_part(sim_xfer *x, long long len, int beof);

/* Bytes from the host are payload (or "+++") while this is true. */
bool sim_xfer_data_mode(const sim_xfer *x);
/* Host bytes in data mode; returns how many were consumed (the rest,
 * after data mode ended, are AT commands again). */
size_t sim_xfer_input(sim_xfer *x, const char *b, size_t n);
/* How many host bytes sim_xfer_input() can take now without blocking
 * (SIZE_MAX when not uploading in data mode): main.c reads no more from
 * the pty, and stops polling it at 0, while the data socket is slow. */
size_t sim_xfer_input_room(const sim_xfer *x);
/* The host dropped DTR (sim_dtr.h): leaves data mode as "+++" does
 * (clear_down false, AT&D1), or ends the transfer, in data mode or paused
 * (clear_down true, AT&D2). Nothing outside those states. */
void sim_xfer_dtr_off(sim_xfer *x, bool clear_down);
/* ATO (1.5): 0 data mode resumed (CONNECT printed), -1 not possible. */
int sim_xfer_resume(sim_xfer *x);

/* sim_ftp completions with tag SIM_XFER_TAG. */
void sim_xfer_on_done(sim_xfer *x, int err, int reply, const char *text);
void sim_xfer_on_prelim(sim_xfer *x, int reply);

int sim_xfer_poll_fd(const sim_xfer *x, short *events);
int64_t sim_xfer_next_deadline(const sim_xfer *x);
void sim_xfer_on_event(sim_xfer *x, short revents);
void sim_xfer_tick(sim_xfer *x);

#endif
