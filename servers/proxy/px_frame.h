/* px_frame: finds whole commands and whole replies in a byte buffer.
 *
 * Resumable in the Redis sense: the caller keeps unconsumed bytes and calls
 * again after the next read; "need more" is told apart from "error". */
#ifndef PX_FRAME_H
#define PX_FRAME_H

#include <stddef.h>

enum {
  PX_CMD_MAX = 4096,    /* longest command line, CRLF included */
  PX_REPLY_MAX = 16384, /* longest reply, all lines of it */
};

typedef enum px_frame_rc {
  PX_FRAME_MORE = 0, /* no whole unit yet */
  PX_FRAME_DONE = 1, /* *len bytes form one unit */
  PX_FRAME_ERR = -1, /* over-long: the cap was reached without an end */
} px_frame_rc;

/* One command line ending in "\n" (CRLF per RFC 959; a bare LF is taken
 * too). *len includes the terminator. */
px_frame_rc px_frame_command(const char *buf, size_t n, size_t *len);

/* One whole reply (RFC 959 4.2, read by qc_reply.h): a single line
 * "NNN text", or a multi-line reply from "NNN-" up to the line that starts
 * with the same "NNN ". *code gets NNN, or 0 when the first line is not a
 * reply's (such a line is framed alone and relayed as it is). */
px_frame_rc px_frame_reply(const char *buf, size_t n, size_t *len, int *code);

/* The verb of a command line: letters up to the first space or CR/LF,
 * upper-cased into out (cap bytes, NUL-terminated; cut when longer). */
void px_frame_verb(const char *line, size_t n, char *out, size_t cap);

#endif
