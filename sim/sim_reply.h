/* sim_reply: the simulator's side of the FTP reply reader (qc_reply.h,
 * RFC 959 4.2): strict, as a server that sends garbage is broken, and
 * bounded: a line longer than SIM_REPLY_LINE_MAX, a reply longer than
 * SIM_REPLY_MAX, or a first line that is not a reply makes the reader BAD
 * until re-initialised. The module reports only a reply's code and first
 * line, so that is what is kept. A zeroed reader is a fresh one; it must
 * not move once used (its qc_reply points into it). */
#ifndef SIM_REPLY_H
#define SIM_REPLY_H

#include "qc_reply.h"

#include <stdbool.h>
#include <stddef.h>

/* Longest reply line, CRLF excluded: RFC 959 sets none; 512 is generous
 * for real servers and bounds what a peer can make us hold. */
#define SIM_REPLY_LINE_MAX 512
/* Longest reply, all lines: far above a FEAT or HELP list. */
#define SIM_REPLY_MAX (64 * 1024)

typedef enum {
  SIM_REPLY_MORE, /* need more bytes */
  SIM_REPLY_DONE, /* a complete reply: sim_reply_code/text */
  SIM_REPLY_BAD,  /* garbage or overlong line; stays BAD */
} sim_reply_status;

typedef struct {
  qc_reply rd;
  char store[SIM_REPLY_MAX + 1];     /* rd's text */
  char text[SIM_REPLY_LINE_MAX + 1]; /* first line after "ddd " */
} sim_reply_reader;

void sim_reply_init(sim_reply_reader *r);

/* Consumes bytes of buf until a reply completes, the reader turns BAD, or
 * buf ends; *used tells how many. After DONE the next call starts a new
 * reply. */
sim_reply_status sim_reply_feed(sim_reply_reader *r, const char *buf, size_t n,
                                size_t *used);

int sim_reply_code(const sim_reply_reader *r);
const char *sim_reply_text(const sim_reply_reader *r);

/* The path quoted in a 257 reply text ("/a ""b""" is current) with
 * RFC 959 doubled quotes undone, into out (NUL-terminated). 0, or -1 when
 * there is no well-formed quoted path or it does not fit in outlen. */
int sim_reply_quoted_path(const char *text, char *out, size_t outlen);

#endif
