#include "px_frame.h"

#include "qc_reply.h"

#include <ctype.h>
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

px_frame_rc px_frame_reply(const char *buf, size_t n, size_t *len, int *code)
{
  /* Framed afresh on each call: the caller may hold a reply back (delay
   * faults, a full client queue) and frame it again later. */
  char store[PX_REPLY_MAX + 1];
  qc_reply r;
  qc_reply_init(&r, QC_REPLY_LENIENT, 0, PX_REPLY_MAX, store);
  size_t used;
  switch (qc_reply_feed(&r, buf, n, &used)) {
  case QC_REPLY_MORE:
    return PX_FRAME_MORE;
  case QC_REPLY_DONE:
  case QC_REPLY_JUNK: /* code 0: relayed as it is */
    *len = used;
    *code = qc_reply_code(&r);
    return PX_FRAME_DONE;
  case QC_REPLY_BAD: /* not in lenient mode */
  case QC_REPLY_TOO_LONG:
    break;
  }
  return PX_FRAME_ERR;
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
