/* qc_buf: a growable byte buffer with a hard maximum, read from the front.
 *
 * The maximum is given at init and is the whole point: an append that would
 * take the buffer past it fails (all or nothing) instead of cutting, so a
 * peer or a runaway renderer cannot grow our memory. A failed append also
 * sets a sticky flag, so a builder that appends many pieces checks once at
 * the end (qc_buf_failed).
 *
 * Consuming from the front only advances an offset; the bytes are moved to
 * the front when the tail runs out of room and the move is cheap (no more
 * bytes than were consumed) or the buffer cannot grow any more. The data is
 * always followed by a NUL, so text built here can be used as a string. */
#ifndef QC_BUF_H
#define QC_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct qc_buf {
  char *p;         /* storage; the data is p[off .. off + len), then a NUL */
  size_t off, len; /* where the data starts; its length */
  size_t cap, max; /* storage size; the most data the buffer may hold */
  bool failed;     /* an append was refused (max or memory) since init */
} qc_buf;

/* An empty buffer that will never hold more than max bytes (a max of
 * SIZE_MAX is taken as SIZE_MAX - 1: one byte is the NUL). Allocates
 * nothing until the first append. */
void qc_buf_init(qc_buf *b, size_t max);
/* Frees the storage; b is empty (same max) and may be used again. */
void qc_buf_free(qc_buf *b);
/* Empties b and clears the failed flag; keeps the storage. */
void qc_buf_reset(qc_buf *b);

/* Appends all n bytes, or nothing: 0, or -1 with errno E2BIG (past max)
 * or ENOMEM (and the failed flag set). */
int qc_buf_add(qc_buf *b, const void *s, size_t n);
int qc_buf_adds(qc_buf *b, const char *s);
int qc_buf_addc(qc_buf *b, char c);
int qc_buf_addf(qc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The data, NUL-terminated; "" when empty (never NULL). Valid until the
 * next call that changes b. */
const char *qc_buf_data(const qc_buf *b);
size_t qc_buf_len(const qc_buf *b);
/* How many more bytes b may take before it reaches max. */
size_t qc_buf_room(const qc_buf *b);
bool qc_buf_failed(const qc_buf *b);

/* Drops the first n bytes (all of them when n >= len). */
void qc_buf_consume(qc_buf *b, size_t n);

/* For a read straight into b: room for n more bytes after the data, or NULL
 * (errno E2BIG / ENOMEM, failed flag set). Write up to n bytes there, then
 * qc_buf_commit how many were written. */
char *qc_buf_space(qc_buf *b, size_t n);
void qc_buf_commit(qc_buf *b, size_t n);

/* Hands the data over as a malloc'd NUL-terminated string ("" when empty)
 * and leaves b empty; NULL when memory ran out (b unchanged). */
char *qc_buf_take(qc_buf *b);

#endif
