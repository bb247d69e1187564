/* wire_ftp: FTP control-channel framing on a reassembled stream (RFC 959).
 *
 * Pure and resumable: bytes go in as they arrive (any split), complete
 * lines come out. Lines longer than WIRE_FTP_LINE_MAX are cut (and said to
 * be), so a peer cannot grow our memory. Replies spanning several lines
 * (RFC 959 4.2: "123-First" ... "123 Last") are assembled into one. */
#ifndef WIRE_FTP_H
#define WIRE_FTP_H

#include "qc_reply.h"
#include "wire_reasm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_FTP_LINE_MAX 1024  /* one command or reply line */
#define WIRE_FTP_REPLY_MAX 4096 /* one (multi-line) reply, lines joined */

typedef struct wire_ftp_lines {
  char buf[WIRE_FTP_LINE_MAX + 1];
  size_t len;
  bool cut; /* the current line overflowed */
} wire_ftp_lines;

/* Called for each complete line, CR LF (or bare LF) removed; cut: the line
 * was longer than WIRE_FTP_LINE_MAX and only its start is given. */
typedef void (*wire_ftp_line_cb)(void *ctx, const char *line, size_t len,
                                 bool cut);

void wire_ftp_lines_feed(wire_ftp_lines *l, const uint8_t *p, size_t n,
                         wire_ftp_line_cb cb, void *ctx);

/* Replies are read by qc_reply.h, leniently: a capture may hold anything.
 * Zeroed is a valid empty state; the struct must not move once used. */
typedef struct wire_ftp_reply {
  qc_reply rd;
  bool started;                       /* rd initialised */
  char store[WIRE_FTP_REPLY_MAX + 1]; /* rd's text: lines, each with "\n" */
  int code;                           /* of the last complete reply */
  char text[WIRE_FTP_REPLY_MAX];      /* its lines joined by "\n" */
} wire_ftp_reply;

/* Adds one server line. 1: a reply is complete (r->code, r->text; the next
 * call starts a new one), 0: inside a multi-line reply, -1: the line is not
 * a reply line (ignored), -2: the reply passed WIRE_FTP_REPLY_MAX bytes
 * (lines and their "\n"); it is dropped and reading starts over. */
int wire_ftp_reply_line(wire_ftp_reply *r, const char *line);

/* "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)" (RFC 959 4.1.2): the
 * numbers anywhere in the text. 0 or -1. */
int wire_ftp_parse_pasv(const char *reply, wire_endpoint *out);
/* "229 Entering Extended Passive Mode (|||port|)" (RFC 2428 3): port only
 * (out->family 0: same address as the control connection). */
int wire_ftp_parse_epsv(const char *reply, wire_endpoint *out);
/* "PORT h1,h2,h3,h4,p1,p2" / "EPRT |1|addr|port|" (RFC 2428 2): the whole
 * command line, verb included, any case. 0 or -1. */
int wire_ftp_parse_port(const char *cmd, wire_endpoint *out);
int wire_ftp_parse_eprt(const char *cmd, wire_endpoint *out);

/* The verb of a command line, upper-cased, into buf (<= 15 chars). */
void wire_ftp_verb(const char *cmd, char *buf, size_t len);

/* Copies cmd into buf with the argument of PASS replaced by "<hidden>". */
void wire_ftp_mask(const char *cmd, char *buf, size_t len);

#endif
