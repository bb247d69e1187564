/* The module-output line framer (at_lines.c): fed in random chunks, with
 * lines popped between feeds and feeds that only fit in part, it gives
 * exactly the lines of a reference split (at CR or LF, empty lines
 * dropped, NUL shown as '?', a line longer than QH_LINE_MAX cut there
 * and flagged); nothing is lost or duplicated.
 *
 * Input: [chunk seed] then the module's bytes. */
#include "at_lines.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static qh_lines l;
static qh_line got;
static char cur[QH_LINE_MAX + 1];
static uint32_t rng;

static uint32_t next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static size_t ref_at; /* reference position in the input */

/* The next reference line from d[ref_at..n): true and cur/len/cut. */
static bool ref_line(const uint8_t *d, size_t n, size_t *len, bool *cut)
{
  size_t k = 0;
  bool c = false;
  for (; ref_at < n; ref_at++) {
    uint8_t b = d[ref_at];
    if (b == '\r' || b == '\n') {
      if (k == 0 && !c)
        continue;
      ref_at++;
      *len = k;
      *cut = c;
      cur[k] = '\0';
      return true;
    }
    if (k < QH_LINE_MAX)
      cur[k++] = b ? (char)b : '?';
    else
      c = true;
  }
  return false;
}

static void expect(const uint8_t *d, size_t n)
{
  size_t len;
  bool cut;
  if (!ref_line(d, n, &len, &cut) || got.len != len || got.cut != cut ||
      memcmp(got.text, cur, len + 1) != 0 || strlen(got.text) != len)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 1)
    return 0;
  rng = d[0] | 0x1000u;
  d++;
  n--;
  qh_lines_init(&l);
  ref_at = 0;
  size_t at = 0;
  while (at < n) {
    size_t chunk = 1 + next() % 700;
    if (chunk > n - at)
      chunk = n - at;
    size_t took = qh_lines_feed(&l, d + at, chunk);
    if (took > chunk)
      abort();
    at += took;
    /* Pop some (or, when the queue is full, all) complete lines. */
    bool drain = took < chunk || next() % 2;
    while ((drain || next() % 4) && qh_lines_pop(&l, &got))
      expect(d, at);
  }
  while (qh_lines_pop(&l, &got))
    expect(d, n);
  /* What is left is an unfinished line: the reference has no line. */
  size_t len;
  bool cut;
  if (ref_line(d, n, &len, &cut))
    abort();
  return 0;
}
