/* qr_buf: see qr_buf.h. */
#include "qr_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qr_buf_init(qr_buf *b, size_t max)
{
  memset(b, 0, sizeof *b);
  b->max = max ? max : QR_BUF_MAX;
}

void qr_buf_free(qr_buf *b)
{
  free(b->p);
  memset(b, 0, sizeof *b);
}

/* Makes room for n more bytes and the NUL; false (and marks b) if that
 * would cross the maximum or memory ran out. */
static bool reserve(qr_buf *b, size_t n)
{
  if (b->failed)
    return false;
  if (n > b->max || b->len > b->max - n) {
    b->failed = true;
    return false;
  }
  size_t need = b->len + n + 1;
  if (need <= b->cap)
    return true;
  size_t ncap = b->cap ? b->cap : 256;
  while (ncap < need)
    ncap *= 2;
  char *np = realloc(b->p, ncap);
  if (!np) {
    b->failed = true;
    return false;
  }
  b->p = np;
  b->cap = ncap;
  return true;
}

void qr_buf_add(qr_buf *b, const char *s, size_t n)
{
  if (!reserve(b, n))
    return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void qr_buf_adds(qr_buf *b, const char *s)
{
  qr_buf_add(b, s, strlen(s));
}

void qr_buf_addc(qr_buf *b, char c)
{
  qr_buf_add(b, &c, 1);
}

void qr_buf_addf(qr_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = true;
    return;
  }
  if (!reserve(b, (size_t)n))
    return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

bool qr_buf_failed(const qr_buf *b)
{
  return b->failed;
}
