/* qr_escape: see qr_escape.h. */
#include "qr_escape.h"

static const char hexd[] = "0123456789abcdef";

static void add_hex(qc_buf *b, unsigned char c)
{
  char e[4] = {'\\', 'x', hexd[c >> 4], hexd[c & 15]};
  qc_buf_add(b, e, sizeof e);
}

void qr_escape_text(qc_buf *b, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\r')
      qc_buf_add(b, "\\r", 2);
    else if (c == '\n')
      qc_buf_add(b, "\\n", 2);
    else if (c == '\t')
      qc_buf_add(b, "\\t", 2);
    else if (c < 0x20 || c >= 0x7f)
      add_hex(b, c);
    else
      qc_buf_addc(b, (char)c);
  }
}

size_t qr_utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
  unsigned char c = s[0];
  size_t len;
  unsigned long v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    len = 2, v = c & 0x1f, min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3, v = c & 0x0f, min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3f);
  }
  /* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are
   * not UTF-8 (RFC 3629, 3). */
  if (v < min || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
    return 0;
  *cp = v;
  return len;
}

/* Code points XML 1.0 (2.2 Char) or HTML cannot carry as they are: C0
 * controls but TAB LF CR, DEL and the C1 block, U+FFFE and U+FFFF. */
static int markup_forbidden(unsigned long cp)
{
  if (cp < 0x20)
    return cp != '\t' && cp != '\n' && cp != '\r';
  return (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
}

void qr_escape_markup(qc_buf *b, const char *s, size_t n, unsigned flags)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned long cp;
    size_t len = qr_utf8_seq(u + i, n - i, &cp);
    if (len == 0) {
      add_hex(b, u[i]);
      i++;
      continue;
    }
    if (markup_forbidden(cp)) {
      for (size_t k = 0; k < len; k++)
        add_hex(b, u[i + k]);
      i += len;
      continue;
    }
    switch (cp) {
    case '&':
      qc_buf_adds(b, "&amp;");
      break;
    case '<':
      qc_buf_adds(b, "&lt;");
      break;
    case '>': /* always: keeps "]]>" out of text content */
      qc_buf_adds(b, "&gt;");
      break;
    case '"':
      qc_buf_adds(b, "&quot;");
      break;
    case '\'':
      qc_buf_adds(b, "&#39;");
      break;
    case '\r': /* a parser would turn a raw CR into LF */
      qc_buf_adds(b, "&#13;");
      break;
    case '\n':
    case '\t':
      if (flags & QR_ESC_ATTR) /* raw ones are normalised to spaces */
        qc_buf_adds(b, cp == '\n' ? "&#10;" : "&#9;");
      else
        qc_buf_addc(b, (char)cp);
      break;
    default:
      qc_buf_add(b, s + i, len);
      break;
    }
    i += len;
  }
}

void qr_escape_utf8(qc_buf *b, const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned long cp;
    size_t len = qr_utf8_seq(u + i, n - i, &cp);
    if (len == 0 || cp == 0) {
      add_hex(b, u[i]);
      i++;
    } else {
      qc_buf_add(b, s + i, len);
      i += len;
    }
  }
}
