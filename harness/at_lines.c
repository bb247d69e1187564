/* at_lines: line framing of module output, resumable and capped. */
#include "at_lines.h"

#include "qc_io.h"
#include "transport.h"
#include "qc_time.h"

#include <string.h>

void qh_lines_init(qh_lines *l)
{
  memset(l, 0, sizeof *l);
}

size_t qh_lines_feed(qh_lines *l, const void *bytes, size_t n)
{
  size_t room = sizeof l->buf - l->len;
  if (n > room)
    n = room;
  memcpy(l->buf + l->len, bytes, n);
  l->len += n;
  return n;
}

bool qh_lines_pending(const qh_lines *l)
{
  return l->len > 0 || l->cur > 0;
}

bool qh_lines_pop(qh_lines *l, qh_line *out)
{
  size_t i = 0;
  bool done = false;
  for (; i < l->len; i++) {
    unsigned char c = l->buf[i];
    if (c == '\r' || c == '\n') {
      l->after_cr = false;
      if (l->cur == 0 && !l->cur_cut)
        continue; /* framing: an empty line */
      l->after_cr = c == '\r';
      done = true;
      i++;
      break;
    }
    if (l->cur < QH_LINE_MAX)
      l->cur_buf[l->cur++] = c ? (char)c : '?';
    else
      l->cur_cut = true;
  }
  memmove(l->buf, l->buf + i, l->len - i);
  l->len -= i;
  if (!done)
    return false;
  memcpy(out->text, l->cur_buf, l->cur);
  out->text[l->cur] = '\0';
  out->len = l->cur;
  out->cut = l->cur_cut;
  l->cur = 0;
  l->cur_cut = false;
  return true;
}

static int fill(qh_lines *l, qh_transport *t, int64_t deadline)
{
  if (l->eof)
    return 0;
  unsigned char tmp[4096];
  size_t room = sizeof l->buf - l->len;
  if (room > sizeof tmp)
    room = sizeof tmp;
  long r = qh_transport_read(t, tmp, room, deadline);
  if (r == 0)
    l->eof = true;
  if (r <= 0)
    return (int)r;
  qh_lines_feed(l, tmp, (size_t)r);
  return 1;
}

int qh_lines_next(qh_lines *l, qh_transport *t, int64_t deadline, qh_line *out)
{
  for (;;) {
    if (qh_lines_pop(l, out))
      return 1;
    int r = fill(l, t, deadline);
    if (r <= 0)
      return r;
  }
}

int qh_lines_wait_any(qh_lines *l, qh_transport *t, int64_t deadline)
{
  if (qh_lines_pending(l))
    return 1;
  return fill(l, t, deadline);
}

long qh_lines_read_raw(qh_lines *l, qh_transport *t, void *buf, size_t n,
                       int64_t deadline)
{
  if (n == 0)
    return 0;
  if (l->len == 0) {
    /* Nothing framed is queued: straight into the caller's buffer (a
     * 64 MiB download is otherwise copied twice more). */
    if (l->eof)
      return 0;
    long r = qh_transport_read(t, buf, n, deadline);
    if (r == 0)
      l->eof = true;
    if (r <= 0)
      return r;
    unsigned char *b = buf;
    if (l->after_cr) {
      l->after_cr = false;
      if (b[0] == '\n') { /* the framing LF of the line before */
        memmove(b, b + 1, (size_t)r - 1);
        if (--r == 0)
          return qh_lines_read_raw(l, t, buf, n, deadline);
      }
    }
    return r;
  }
  size_t skip = 0;
  if (l->after_cr && l->len > 0) {
    l->after_cr = false;
    if (l->buf[0] == '\n')
      skip = 1;
  }
  size_t take = l->len - skip < n ? l->len - skip : n;
  memcpy(buf, l->buf + skip, take);
  memmove(l->buf, l->buf + skip + take, l->len - skip - take);
  l->len -= skip + take;
  if (take == 0) /* only the framing LF was queued */
    return qh_lines_read_raw(l, t, buf, n, deadline);
  return (long)take;
}
