/* qr_escape: the three ways report text is made safe.
 *
 * - transcript text (the model): printable ASCII kept, CR LF TAB as \r \n
 *   \t, every other byte below 0x20 or from 0x7f up as \xNN (lowercase hex),
 *   so a transcript line is one printable line whatever the module sent;
 * - markup (XML 1.0 and HTML): & < > " ' as references, and what neither
 *   format may carry (control characters, U+FFFE/U+FFFF, C1 controls,
 *   bytes that are not UTF-8) as the text \xNN of each byte;
 * - UTF-8 repair for JSON: jansson refuses strings that are not UTF-8. */
#ifndef QR_ESCAPE_H
#define QR_ESCAPE_H

#include <stddef.h>

#include "qc_buf.h"

/* Appends the transcript escape of n bytes of s. */
void qr_escape_text(qc_buf *b, const char *s, size_t n);

enum {
  QR_ESC_ATTR = 1, /* attribute value: also TAB CR LF as character refs */
};

/* Appends n bytes of s escaped for XML 1.0 / HTML text or attributes. */
void qr_escape_markup(qc_buf *b, const char *s, size_t n, unsigned flags);

/* Length of the valid UTF-8 sequence at s (n bytes left): 1-4, 0 when the
 * bytes there are not UTF-8. *cp gets the code point. */
size_t qr_utf8_seq(const unsigned char *s, size_t n, unsigned long *cp);

/* Appends s with each byte of an invalid UTF-8 sequence (and NUL) as \xNN
 * and everything else unchanged. */
void qr_escape_utf8(qc_buf *b, const char *s, size_t n);

#endif
