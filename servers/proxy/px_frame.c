#include "px_frame.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

px_frame_rc px_frame_command(const char *buf, size_t n, size_t *len)
{
  const char *nl = memchr(buf, '\n', n < PX_CMD_MAX ? n : PX_CMD_MAX);
  if (nl) {
    *len = (size_t)(nl - buf) + 1;
    return PX_FRAME_DONE;
  }
  return n >= PX_CMD_MAX ? PX_FRAME_ERR : PX_FRAME_MORE;
}

static int line_code(const char *p, size_t l)
{
  if (l < 3 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
      !isdigit((unsigned char)p[2]))
    return 0;
  return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

px_frame_rc px_frame_reply(const char *buf, size_t n, size_t *len, int *code)
{
  size_t lim = n < PX_REPLY_MAX ? n : PX_REPLY_MAX;
  size_t off = 0;
  int first = -1;
  bool multi = false;
  while (off < lim) {
    const char *nl = memchr(buf + off, '\n', lim - off);
    if (!nl)
      break;
    size_t l = (size_t)(nl - (buf + off)); /* without LF */
    const char *p = buf + off;
    int c = line_code(p, l);
    off += l + 1;
    if (first < 0) {
      first = c;
      multi = c != 0 && l > 3 && p[3] == '-';
      if (!multi)
        goto done;
      continue;
    }
    /* 4.2: the last line starts with the same code and a space. */
    if (c == first && (l == 3 || p[3] == ' ' || p[3] == '\r'))
      goto done;
  }
  return n >= PX_REPLY_MAX ? PX_FRAME_ERR : PX_FRAME_MORE;
done:
  *len = off;
  *code = first;
  return PX_FRAME_DONE;
}

void px_frame_verb(const char *line, size_t n, char *out, size_t cap)
{
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < cap; i++) {
    unsigned char ch = (unsigned char)line[i];
    if (ch == ' ' || ch == '\r' || ch == '\n')
      break;
    out[k++] = (char)toupper(ch);
  }
  if (cap)
    out[k] = '\0';
}
