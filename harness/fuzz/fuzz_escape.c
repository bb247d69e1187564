/* The escapes of send_raw and data text (escape.c): check and unescape
 * agree (a text checks good exactly when it decodes, and a bad one is
 * pointed at its backslash); the decoding is the reference one; the cap
 * is exact (count bytes fit, count - 1 do not); and any byte string,
 * written with escapes, decodes back to itself. */
#include "escape.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAXN = 1 << 14 };

static char in[MAXN + 1], enc[4 * MAXN + 1];
static unsigned char out[MAXN], ref[MAXN];

static int hexv(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* The reference decoder: the count, or -1 with *bad at the backslash. */
static long reference(const char *s, unsigned char *o, size_t *bad)
{
  long n = 0;
  for (size_t i = 0; s[i];) {
    if (s[i] != '\\') {
      o[n++] = (unsigned char)s[i++];
      continue;
    }
    char e = s[i + 1];
    unsigned char b;
    size_t used = 2;
    if (e == 'r')
      b = '\r';
    else if (e == 'n')
      b = '\n';
    else if (e == 't')
      b = '\t';
    else if (e == '\\')
      b = '\\';
    else if (e == 'x' && hexv(s[i + 2]) >= 0) {
      int v = hexv(s[i + 2]);
      used = 3;
      if (hexv(s[i + 3]) >= 0) {
        v = v * 16 + hexv(s[i + 3]);
        used = 4;
      }
      b = (unsigned char)v;
    } else {
      *bad = i;
      return -1;
    }
    o[n++] = b;
    i += used;
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n > MAXN)
    return 0;
  memcpy(in, d, n);
  in[n] = '\0'; /* a NUL in the input ends the text, as in a case file */
  size_t bad = SIZE_MAX, rbad = SIZE_MAX;
  int chk = qh_escape_check(in, &bad);
  long got = qh_unescape(in, out, sizeof out);
  long want = reference(in, ref, &rbad);
  if ((chk == 0) != (got >= 0) || got != want)
    abort();
  if (chk != 0) {
    if (bad != rbad || in[bad] != '\\')
      abort();
  } else {
    if (memcmp(out, ref, (size_t)got) != 0)
      abort();
    if (qh_unescape(in, out, (size_t)got) != got)
      abort();
    if (got > 0 && qh_unescape(in, out, (size_t)got - 1) != -1)
      abort();
  }
  /* Round trip: the input bytes (up to a NUL) written with escapes. */
  size_t len = strlen(in), o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)in[i];
    if (c == '\\')
      o += (size_t)sprintf(enc + o, "\\\\");
    else if (c < 0x20 || c >= 0x7f || (i % 3 == 0 && c != 'x'))
      o += (size_t)sprintf(enc + o, "\\x%02x", c);
    else
      enc[o++] = (char)c;
  }
  enc[o] = '\0';
  size_t b2;
  if (qh_escape_check(enc, &b2) != 0 ||
      qh_unescape(enc, out, sizeof out) != (long)len ||
      memcmp(out, in, len) != 0)
    abort();
  return 0;
}
