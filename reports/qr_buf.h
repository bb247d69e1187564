/* qr_buf: a growable text buffer with a hard maximum.
 *
 * Report renderers build a whole file in memory, then write it at once
 * (qr_file.h). A buffer never grows past its maximum: the append that would
 * cross it fails and marks the buffer, and every later append is a no-op,
 * so a renderer checks once, at the end (qr_buf_failed). */
#ifndef QR_BUF_H
#define QR_BUF_H

#include <stdbool.h>
#include <stddef.h>

/* The largest report file we render: far above any real run (a 1000-case
 * run with full transcripts is a few MiB). */
enum { QR_BUF_MAX = 256 * 1024 * 1024 };

typedef struct qr_buf {
  char *p; /* NUL-terminated when len > 0 */
  size_t len, cap, max;
  bool failed; /* an append hit max or malloc failed */
} qr_buf;

/* max 0 means QR_BUF_MAX. */
void qr_buf_init(qr_buf *b, size_t max);
void qr_buf_free(qr_buf *b);

void qr_buf_add(qr_buf *b, const char *s, size_t n);
void qr_buf_adds(qr_buf *b, const char *s);
void qr_buf_addc(qr_buf *b, char c);
void qr_buf_addf(qr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

bool qr_buf_failed(const qr_buf *b);

#endif
