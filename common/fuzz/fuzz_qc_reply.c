/* The FTP reply reader: fed in random chunkings it gives the units it
 * gives when fed whole; every reply it completes is what qc_reply_scan
 * finds at the same place; the caps hold; a unit's bytes are the input's.
 *
 * Input: [mode][line_max][reply_max][chunk seed] then the bytes. */
#include "qc_reply.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { UNITS_MAX = 4096 };

typedef struct unit {
  qc_reply_status st;
  int code;
  bool multi;
  size_t start, len; /* in the input */
} unit;

typedef struct run {
  unit u[UNITS_MAX];
  size_t n;
  qc_reply_status last; /* MORE at the end, or the sticky error */
} run;

/* A tiny PRNG so the chunking is a function of the input. */
static uint32_t next(uint32_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static void check_unit(const qc_reply *r, qc_reply_status st,
                       const uint8_t *d, size_t start, size_t at)
{
  size_t len = qc_reply_len(r);
  if (len > r->reply_max || len != at - start)
    abort();
  if (memcmp(qc_reply_text(r), d + start, len) != 0 ||
      qc_reply_text(r)[len] != '\0')
    abort();
  if (st == QC_REPLY_DONE) {
    int code = qc_reply_code(r);
    if (code < 100 || code > 599)
      abort();
    int scode = 0;
    size_t sused = 0;
    /* The stream knows nothing past the unit: scan the same bytes. */
    if (qc_reply_scan((const char *)d + start, len, &scode, &sused) !=
            QC_REPLY_DONE ||
        scode != code || sused != len)
      abort();
    char first[64];
    qc_reply_first_text(r, first, sizeof first);
    if (strlen(first) >= sizeof first)
      abort();
  } else if (qc_reply_code(r) != 0 || len == 0 || d[at - 1] != '\n') {
    abort(); /* junk is one whole line, without a code */
  }
}

static void feed(run *out, qc_reply_mode mode, size_t line_max,
                 size_t reply_max, const uint8_t *d, size_t n, uint32_t seed)
{
  char *text = malloc(reply_max + 1);
  qc_reply r;
  qc_reply_init(&r, mode, line_max, reply_max, text);
  out->n = 0;
  out->last = QC_REPLY_MORE;
  size_t at = 0, start = 0;
  while (at < n) {
    size_t chunk = n - at;
    if (seed) /* 0: whole */
      chunk = 1 + next(&seed) % (chunk < 17 ? chunk : 17);
    size_t used = 0;
    qc_reply_status st = qc_reply_feed(&r, d + at, chunk, &used);
    if (used > chunk)
      abort();
    at += used;
    if (st == QC_REPLY_MORE) {
      if (used != chunk)
        abort();
      continue;
    }
    if (st == QC_REPLY_BAD || st == QC_REPLY_TOO_LONG) {
      if (st == QC_REPLY_BAD && mode != QC_REPLY_STRICT)
        abort();
      /* Sticky: the next feed says so again and uses nothing. */
      size_t again = 1;
      if (qc_reply_feed(&r, d, n, &again) != st || again != 0)
        abort();
      out->last = st;
      break;
    }
    if (st == QC_REPLY_JUNK && mode != QC_REPLY_LENIENT)
      abort();
    check_unit(&r, st, d, start, at);
    if (out->n < UNITS_MAX)
      out->u[out->n++] = (unit){st, qc_reply_code(&r), qc_reply_multi(&r),
                                start, at - start};
    start = at;
  }
  free(text);
}

static run whole, chunked;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 4)
    return 0;
  qc_reply_mode mode = d[0] & 1 ? QC_REPLY_LENIENT : QC_REPLY_STRICT;
  size_t line_max = d[1] % 80;          /* 0: reply_max */
  size_t reply_max = 1 + (size_t)d[2] * 4; /* up to 1021 */
  uint32_t seed = d[3] | 0x100u;
  d += 4;
  n -= 4;
  feed(&whole, mode, line_max, reply_max, d, n, 0);
  feed(&chunked, mode, line_max, reply_max, d, n, seed);
  if (whole.n != chunked.n || whole.last != chunked.last)
    abort();
  for (size_t i = 0; i < whole.n; i++)
    if (whole.u[i].st != chunked.u[i].st ||
        whole.u[i].code != chunked.u[i].code ||
        whole.u[i].multi != chunked.u[i].multi ||
        whole.u[i].start != chunked.u[i].start ||
        whole.u[i].len != chunked.u[i].len)
      abort();
  /* Caps: no line of a completed unit is longer than line_max. */
  size_t lm = line_max ? line_max : reply_max;
  for (size_t i = 0; i < whole.n; i++) {
    const uint8_t *p = d + whole.u[i].start, *e = p + whole.u[i].len;
    while (p < e) {
      const uint8_t *nl = memchr(p, '\n', (size_t)(e - p));
      size_t len = (size_t)(nl - p);
      if (len > 0 && p[len - 1] == '\r')
        len--;
      if (len > lm)
        abort();
      p = nl + 1;
    }
  }
  return 0;
}
