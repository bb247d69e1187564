/* qc_buf: see qc_buf.h. */
#include "qc_buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { QC_BUF_FIRST = 256 }; /* first storage size: most texts are short */

void qc_buf_init(qc_buf *b, size_t max)
{
  memset(b, 0, sizeof *b);
  b->max = max < SIZE_MAX ? max : SIZE_MAX - 1;
}

void qc_buf_free(qc_buf *b)
{
  size_t max = b->max;
  free(b->p);
  qc_buf_init(b, max);
}

void qc_buf_reset(qc_buf *b)
{
  b->off = b->len = 0;
  b->failed = false;
  if (b->p)
    b->p[0] = '\0';
}

static int refuse(qc_buf *b, int err)
{
  b->failed = true;
  errno = err;
  return -1;
}

/* Moves the data to the front of the storage. */
static void compact(qc_buf *b)
{
  memmove(b->p, b->p + b->off, b->len + 1);
  b->off = 0;
}

/* Makes room for n more bytes after the data (and the NUL after them). */
static int reserve(qc_buf *b, size_t n)
{
  if (n > b->max - b->len)
    return refuse(b, E2BIG);
  size_t need = b->len + n + 1; /* <= max + 1, no overflow */
  if (b->off + need <= b->cap)
    return 0;
  size_t limit = b->max + 1;
  /* Moving at most as many bytes as were consumed keeps appends amortised
   * O(1); past the limit there is nothing else to do. */
  if (need <= b->cap && (b->off >= b->len || b->cap >= limit)) {
    compact(b);
    return 0;
  }
  size_t ncap = b->cap ? b->cap : QC_BUF_FIRST;
  while (ncap < need)
    ncap = ncap > limit / 2 ? limit : ncap * 2;
  if (ncap > limit)
    ncap = limit;
  char *np;
  if (b->off == 0) {
    np = realloc(b->p, ncap);
    if (!np)
      return refuse(b, ENOMEM);
  } else {
    np = malloc(ncap);
    if (!np)
      return refuse(b, ENOMEM);
    memcpy(np, b->p + b->off, b->len);
    free(b->p);
  }
  np[b->len] = '\0';
  b->p = np;
  b->off = 0;
  b->cap = ncap;
  return 0;
}

int qc_buf_add(qc_buf *b, const void *s, size_t n)
{
  if (reserve(b, n) < 0)
    return -1;
  if (n)
    memcpy(b->p + b->off + b->len, s, n);
  qc_buf_commit(b, n);
  return 0;
}

int qc_buf_adds(qc_buf *b, const char *s)
{
  return qc_buf_add(b, s, strlen(s));
}

int qc_buf_addc(qc_buf *b, char c)
{
  return qc_buf_add(b, &c, 1);
}

int qc_buf_addf(qc_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return refuse(b, EINVAL);
  if (reserve(b, (size_t)n) < 0)
    return -1;
  va_start(ap, fmt);
  vsnprintf(b->p + b->off + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

const char *qc_buf_data(const qc_buf *b)
{
  return b->p ? b->p + b->off : "";
}

size_t qc_buf_len(const qc_buf *b)
{
  return b->len;
}

size_t qc_buf_room(const qc_buf *b)
{
  return b->max - b->len;
}

bool qc_buf_failed(const qc_buf *b)
{
  return b->failed;
}

void qc_buf_consume(qc_buf *b, size_t n)
{
  if (n >= b->len) {
    b->off = b->len = 0;
    if (b->p)
      b->p[0] = '\0';
    return;
  }
  b->off += n;
  b->len -= n; /* the NUL after the data stays where it was */
}

char *qc_buf_space(qc_buf *b, size_t n)
{
  if (reserve(b, n) < 0)
    return NULL;
  return b->p + b->off + b->len;
}

void qc_buf_commit(qc_buf *b, size_t n)
{
  if (!b->p) /* nothing reserved: only n == 0 can come here */
    return;
  b->len += n;
  b->p[b->off + b->len] = '\0';
}

char *qc_buf_take(qc_buf *b)
{
  if (!b->p) {
    char *s = malloc(1);
    if (!s)
      return NULL;
    s[0] = '\0';
    b->failed = false; /* as after init, like the branch below */
    return s;
  }
  if (b->off)
    compact(b);
  char *s = b->p;
  size_t max = b->max;
  qc_buf_init(b, max);
  return s;
}
