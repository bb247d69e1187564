/* qc_reply: see qc_reply.h. */
#include "qc_reply.h"

#include <string.h>

void qc_reply_init(qc_reply *r, qc_reply_mode mode, size_t line_max,
                   size_t reply_max, char *text)
{
  memset(r, 0, sizeof *r);
  r->mode = mode;
  r->reply_max = reply_max;
  r->line_max = line_max ? line_max : reply_max;
  r->text = text;
  r->text[0] = '\0';
}

static void start(qc_reply *r)
{
  r->len = r->line_start = 0;
  r->code = 0;
  r->multi = r->done = false;
  r->text[0] = '\0';
}

void qc_reply_reset(qc_reply *r)
{
  start(r);
  r->stuck = QC_REPLY_MORE;
}

int qc_reply_line_code(const char *l, size_t len, char *sep)
{
  if (len < 3 || l[0] < '1' || l[0] > '5' || l[1] < '0' || l[1] > '9' ||
      l[2] < '0' || l[2] > '9')
    return 0;
  char s = len > 3 ? l[3] : '\0';
  if (s != '\0' && s != ' ' && s != '-')
    return 0;
  if (sep)
    *sep = s;
  return (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
}

/* What one complete line (line end excluded) makes of the reply that
 * *code (0: none yet) and *multi describe: BAD when it cannot start one,
 * DONE when it completes it, else MORE. The one place of 4.2's rules. */
static qc_reply_status step(int *code, bool *multi, const char *l, size_t len)
{
  char sep = '\0';
  int c = qc_reply_line_code(l, len, &sep);
  if (*code == 0) {
    if (c == 0)
      return QC_REPLY_BAD;
    *code = c;
    *multi = sep == '-';
    return *multi ? QC_REPLY_MORE : QC_REPLY_DONE;
  }
  if (c != *code || sep == '-')
    return QC_REPLY_MORE; /* a body line, whatever it looks like (4.2) */
  return QC_REPLY_DONE;
}

static qc_reply_status stick(qc_reply *r, qc_reply_status st)
{
  r->stuck = st;
  return st;
}

/* The line text[line_start, line_start + len) is complete (its line end
 * already stored after it). MORE, or what the line made of the reply. */
static qc_reply_status end_line(qc_reply *r, size_t len)
{
  if (len > r->line_max)
    return stick(r, QC_REPLY_TOO_LONG);
  const char *l = r->text + r->line_start;
  r->line_start = r->len;
  qc_reply_status st = step(&r->code, &r->multi, l, len);
  if (st == QC_REPLY_BAD) {
    if (r->mode == QC_REPLY_STRICT)
      return stick(r, QC_REPLY_BAD);
    st = QC_REPLY_JUNK;
  }
  if (st != QC_REPLY_MORE)
    r->done = true;
  return st;
}

qc_reply_status qc_reply_scan(const char *s, size_t n, int *code, size_t *used)
{
  int c = 0;
  bool multi = false;
  size_t at = 0;
  *code = 0;
  *used = 0;
  do {
    const char *nl = memchr(s + at, '\n', n - at);
    size_t end = nl ? (size_t)(nl - s) : n;
    size_t len = end - at;
    if (nl && len > 0 && s[end - 1] == '\r')
      len--;
    qc_reply_status st = step(&c, &multi, s + at, len);
    if (st == QC_REPLY_BAD)
      return st;
    at = nl ? end + 1 : n;
    if (st == QC_REPLY_DONE) {
      *code = c;
      *used = at;
      return st;
    }
  } while (at < n);
  *code = c;
  *used = n;
  return QC_REPLY_MORE;
}

/* Before a feed: a sticky error stays, a finished unit makes room. */
static bool ready(qc_reply *r)
{
  if (r->stuck != QC_REPLY_MORE)
    return false;
  if (r->done)
    start(r);
  return true;
}

qc_reply_status qc_reply_feed(qc_reply *r, const void *buf, size_t n,
                              size_t *used)
{
  const char *p = buf;
  *used = 0;
  if (!ready(r))
    return r->stuck;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    size_t in_line = r->len - r->line_start;
    /* One byte more than line_max may wait in a line: the CR of CRLF. */
    if (c != '\n' && in_line > r->line_max) {
      *used = i + 1;
      return stick(r, QC_REPLY_TOO_LONG);
    }
    r->text[r->len++] = c;
    r->text[r->len] = '\0';
    qc_reply_status st = QC_REPLY_MORE;
    if (c == '\n') {
      size_t len = in_line;
      if (len > 0 && r->text[r->line_start + len - 1] == '\r')
        len--;
      st = end_line(r, len);
    }
    /* Full and not complete: it cannot end within the cap. */
    if (st == QC_REPLY_MORE && r->len >= r->reply_max)
      st = stick(r, QC_REPLY_TOO_LONG);
    if (st != QC_REPLY_MORE) {
      *used = i + 1;
      return st;
    }
  }
  *used = n;
  return QC_REPLY_MORE;
}

qc_reply_status qc_reply_line(qc_reply *r, const char *line, size_t len)
{
  if (!ready(r))
    return r->stuck;
  if (len > r->line_max || len + 1 > r->reply_max - r->len)
    return stick(r, QC_REPLY_TOO_LONG);
  memcpy(r->text + r->len, line, len);
  r->len += len;
  r->text[r->len++] = '\n';
  r->text[r->len] = '\0';
  return end_line(r, len);
}

int qc_reply_code(const qc_reply *r)
{
  return r->code;
}

bool qc_reply_multi(const qc_reply *r)
{
  return r->multi;
}

const char *qc_reply_text(const qc_reply *r)
{
  return r->text;
}

size_t qc_reply_len(const qc_reply *r)
{
  return r->len;
}

void qc_reply_first_text(const qc_reply *r, char *out, size_t cap)
{
  if (cap == 0)
    return;
  const char *t = r->text;
  const char *nl = memchr(t, '\n', r->len);
  size_t len = nl ? (size_t)(nl - t) : r->len;
  if (len > 0 && t[len - 1] == '\r')
    len--;
  size_t from = len > 4 ? 4 : len; /* after "ddd " / "ddd-" */
  size_t n = len - from;
  if (n > cap - 1)
    n = cap - 1;
  memcpy(out, t + from, n);
  out[n] = '\0';
}
