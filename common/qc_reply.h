/* qc_reply: the FTP reply reader (RFC 959 §4.2).
 *
 * A reply is one line "ddd text" or a block from "ddd-text" to the first
 * line "ddd text" (or a bare "ddd") with the same code; inner lines may look
 * like other codes and are part of the body. ddd is [1-5][0-9][0-9]. Lines
 * end with LF; a CR before it is part of the line end.
 *
 * Resumable: feed whatever a read returned, in any chunking; the reader
 * says how many bytes it used, so the bytes of the next reply stay with
 * the caller. Bounded: the longest line and the largest reply are given at
 * init, and passing either is an error the caller sees (never a cut).
 *
 * The reply's bytes go into storage the caller provides (reply_max + 1
 * bytes, NUL-terminated), so a reader embedded in a struct owns no memory
 * and needs no free. */
#ifndef QC_REPLY_H
#define QC_REPLY_H

#include <stdbool.h>
#include <stddef.h>

/* What a line that cannot start a reply (not "ddd", "ddd " or "ddd-")
 * means where a reply should start. */
typedef enum qc_reply_mode {
  QC_REPLY_STRICT,  /* the peer is broken: QC_REPLY_BAD, and it stays so */
  QC_REPLY_LENIENT, /* a stray line: QC_REPLY_JUNK, given alone (code 0) */
} qc_reply_mode;

typedef enum qc_reply_status {
  QC_REPLY_MORE,     /* all bytes used, no complete reply yet */
  QC_REPLY_DONE,     /* a complete reply: code, text, len */
  QC_REPLY_JUNK,     /* lenient: one line that is not a reply (text, len) */
  QC_REPLY_BAD,      /* strict: not a reply; stays until qc_reply_reset */
  QC_REPLY_TOO_LONG, /* a line or the reply passed its cap; stays so too */
} qc_reply_status;

typedef struct qc_reply {
  qc_reply_mode mode;
  size_t line_max;   /* bytes of one line, its line end excluded */
  size_t reply_max;  /* bytes of one reply, line ends included */
  char *text;        /* caller's storage, reply_max + 1 bytes */
  size_t len;        /* bytes of the reply (or junk line) so far */
  size_t line_start; /* where the current line starts in text */
  int code;          /* of the first line; 0 before it (and for junk) */
  bool multi;        /* the first line was "ddd-" */
  bool done;         /* the last result was a whole unit: next starts anew */
  qc_reply_status stuck; /* QC_REPLY_MORE, or the sticky error */
} qc_reply;

/* text must hold reply_max + 1 bytes and stay where it is while r is used.
 * line_max 0 means reply_max. */
void qc_reply_init(qc_reply *r, qc_reply_mode mode, size_t line_max,
                   size_t reply_max, char *text);
/* Forgets the reply in progress and any sticky error. */
void qc_reply_reset(qc_reply *r);

/* Uses bytes of buf until a unit completes (DONE, JUNK), the reader fails
 * (BAD, TOO_LONG) or buf ends (MORE); *used tells how many. */
qc_reply_status qc_reply_feed(qc_reply *r, const void *buf, size_t n,
                              size_t *used);
/* For a caller that splits lines itself: one line without its line end.
 * It is kept followed by "\n". Same results as qc_reply_feed. */
qc_reply_status qc_reply_line(qc_reply *r, const char *line, size_t len);

/* After DONE: the code (100-599), whether it was a block. */
int qc_reply_code(const qc_reply *r);
bool qc_reply_multi(const qc_reply *r);
/* After DONE or JUNK: the bytes of the unit, as received (line ends kept),
 * NUL-terminated, and their number (what the reply used of the input). */
const char *qc_reply_text(const qc_reply *r);
size_t qc_reply_len(const qc_reply *r);
/* After DONE: the first line after "ddd " / "ddd-", without its line end,
 * copied into out (cap bytes, NUL-terminated; cut when longer). */
void qc_reply_first_text(const qc_reply *r, char *out, size_t cap);

/* For text already in memory (a reply written in a rules file or a case,
 * a server's log line, the first bytes of a connection): the same rules,
 * no reader and no storage. */

/* The code of a line that can start a reply: "ddd" alone, or "ddd " /
 * "ddd-" and text; 0 when it cannot. *sep (may be NULL) gets the fourth
 * byte, ' ' or '-', or 0 for a bare code. line needs no line end, so the
 * start of a line still arriving can be judged. */
int qc_reply_line_code(const char *line, size_t len, char *sep);

/* The reply at the start of s[0..n), where the end of s also ends a line:
 * DONE with its code and in *used its bytes (its last line end included);
 * MORE when s ends inside it (*code set, *used = n); BAD when the first
 * line cannot start a reply (*code 0, *used 0). */
qc_reply_status qc_reply_scan(const char *s, size_t n, int *code, size_t *used);

#endif
