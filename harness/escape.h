/* escape: the backslash escapes of send_raw and data text (\r \n \t \\
 * \xNN), so a case file can name any byte, NUL included. Decoded by the
 * engine when it sends; checked by the loader so a bad escape is a
 * file:line error before anything runs. */
#ifndef QH_ESCAPE_H
#define QH_ESCAPE_H

#include <stddef.h>

/* Decodes `in` into out (at most cap bytes). Returns the byte count, or -1
 * on a bad escape or when cap is exceeded. */
long qh_unescape(const char *in, unsigned char *out, size_t cap);

/* 0 when every escape in `in` is good; otherwise -1 and *bad_at is the
 * byte offset of the offending backslash. */
int qh_escape_check(const char *in, size_t *bad_at);

#endif
