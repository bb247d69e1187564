/* at_lines: splits what the module prints into lines.
 *
 * Module output is "\r\n<text>\r\n" responses and URCs, plus the echo of
 * what we sent ("AT+X\r"). A line ends at CR or LF; empty lines are framing
 * and are dropped. The framer is resumable (bytes may arrive one at a time)
 * and capped: a line longer than QH_LINE_MAX is cut there and flagged, the
 * rest of it discarded, so a module that never sends CR cannot grow our
 * memory. The reader on top of it waits with a deadline. */
#ifndef QH_AT_LINES_H
#define QH_AT_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport.h"

enum { QH_LINE_MAX = 4096, QH_LINES_BUF = 65536 };

typedef struct qh_lines {
  unsigned char buf[QH_LINES_BUF]; /* bytes not yet framed */
  size_t len;
  size_t cur;      /* length of the current (unfinished) line in cur_buf */
  char cur_buf[QH_LINE_MAX + 1];
  bool cur_cut;    /* the current line overflowed QH_LINE_MAX */
  bool eof;        /* the far end hung up */
  bool after_cr;   /* the last line ended at CR: a LF next is its framing */
} qh_lines;

typedef struct qh_line {
  char text[QH_LINE_MAX + 1]; /* NUL-terminated; NUL bytes inside become
                                 '?' so text stays a C string */
  size_t len;
  bool cut; /* longer than QH_LINE_MAX; text holds the start */
} qh_line;

void qh_lines_init(qh_lines *l);

/* Queues received bytes (at most what fits; returns how many were taken). */
size_t qh_lines_feed(qh_lines *l, const void *bytes, size_t n);

/* Takes the next complete line from the queued bytes: true and *out, or
 * false when no complete line is queued yet. */
bool qh_lines_pop(qh_lines *l, qh_line *out);

/* Reads from the transport until a complete line arrives: 1 line, 0 the far end hung
 * up (no line left), QC_IO_TIMEOUT, QC_IO_ERR. */
int qh_lines_next(qh_lines *l, qh_transport *t, int64_t deadline, qh_line *out);

/* true if any byte is queued or a partial line is pending. */
bool qh_lines_pending(const qh_lines *l);

/* Waits until at least one byte is available: 1, 0 hang-up, QC_IO_TIMEOUT,
 * QC_IO_ERR. */
int qh_lines_wait_any(qh_lines *l, qh_transport *t, int64_t deadline);

/* Data mode (note 1.5): reads up to n raw bytes — first those already
 * queued, then from the transport — without framing them. A LF that completes the CR
 * of the line before (CONNECT\r\n) is framing and is dropped. Returns the
 * count (> 0), 0 hang-up, QC_IO_TIMEOUT, QC_IO_ERR. */
long qh_lines_read_raw(qh_lines *l, qh_transport *t, void *buf, size_t n,
                       int64_t deadline);

#endif
