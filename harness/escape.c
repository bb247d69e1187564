/* escape: decode and check send_raw / data text escapes. */
#include "escape.h"

static int hex_digit(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char)(c | 32);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One escape at p (just past the backslash): its byte in *b, and the
 * number of characters it used, or 0 when it is not a known escape. */
static int decode_one(const char *p, unsigned char *b)
{
  switch (*p) {
  case 'r': *b = '\r'; return 1;
  case 'n': *b = '\n'; return 1;
  case 't': *b = '\t'; return 1;
  case '\\': *b = '\\'; return 1;
  case 'x': {
    unsigned v = 0;
    int k = 0;
    for (int d; k < 2 && (d = hex_digit(p[1 + k])) >= 0; k++)
      v = v * 16 + (unsigned)d;
    *b = (unsigned char)v;
    return k ? 1 + k : 0;
  }
  default:
    return 0;
  }
}

/* The shared walk: out NULL only checks. Returns the byte count or -1
 * (with *bad_at the offset of a bad escape, or of the first byte past
 * cap). */
static long walk(const char *in, unsigned char *out, size_t cap,
                 size_t *bad_at)
{
  size_t o = 0;
  for (const char *p = in; *p; o++) {
    unsigned char b = (unsigned char)*p;
    int used = 1;
    if (*p == '\\') {
      used = decode_one(p + 1, &b);
      if (used == 0) {
        *bad_at = (size_t)(p - in);
        return -1;
      }
      used++;
    }
    if (out) {
      if (o == cap) {
        *bad_at = (size_t)(p - in);
        return -1;
      }
      out[o] = b;
    }
    p += used;
  }
  return (long)o;
}

long qh_unescape(const char *in, unsigned char *out, size_t cap)
{
  size_t bad;
  return walk(in, out, cap, &bad);
}

int qh_escape_check(const char *in, size_t *bad_at)
{
  return walk(in, NULL, 0, bad_at) < 0 ? -1 : 0;
}
