/* srv_evidence: log lines -> events (formats in srv_evidence.h). */
#include "srv_evidence.h"
#include "qc_reply.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Copies n bytes of src into dst (max bytes + NUL), cut to fit. */
static void copy_cut(char *dst, size_t max, const char *src, size_t n)
{
  if (n > max)
    n = max;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* Digits only, no overflow: 0, or -1. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
  uint64_t v = 0;
  if (n == 0 || n > 19)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  *out = v;
  return 0;
}

static const char *find(const char *s, const char *end, const char *needle)
{
  size_t k = strlen(needle);
  for (const char *p = s; p + k <= end; p++)
    if (memcmp(p, needle, k) == 0)
      return p;
  return NULL;
}

static const char *find_last(const char *s, const char *end, const char *needle)
{
  size_t k = strlen(needle);
  for (const char *p = end - k; p >= s; p--)
    if (memcmp(p, needle, k) == 0)
      return p;
  return NULL;
}

static srv_ev *ev_new(srv_ev *out, size_t *n, srv_ev_kind kind, long pid)
{
  srv_ev *e = &out[(*n)++];
  memset(e, 0, sizeof *e);
  e->kind = kind;
  e->pid = pid;
  return e;
}

/* "226 Transfer complete." (RFC 959 4.2: code, then ' ' or '-'). */
static int reply_code(const char *s, const char *end, const char **text)
{
  char sep = '\0';
  int code = end > s ? qc_reply_line_code(s, (size_t)(end - s), &sep) : 0;
  if (!code)
    return -1;
  *text = s + (sep ? 4 : 3);
  return code;
}

/* vsftpd: what follows `Client "<ip>", "` up to the closing quote. */
static const char *vsftpd_quoted(const char *p, const char *end,
                                 const char **qend)
{
  const char *c = find(p, end, "Client \"");
  const char *q = c ? find(c, end, "\", \"") : NULL;
  if (!q)
    return NULL;
  *qend = end > q + 4 && end[-1] == '"' ? end - 1 : end;
  return q + 4;
}

/* `/up x.bin", 5000 bytes, 2446.30Kbyte/sec`: the last `", N bytes`. */
static size_t vsftpd_upload(const char *p, const char *end, long pid, bool ok,
                            srv_ev *out)
{
  for (const char *q = find_last(p, end, "\", "); q;
       q = q > p ? find_last(p, q, "\", ") : NULL) {
    const char *num = q + 3, *sp = num;
    while (sp < end && *sp >= '0' && *sp <= '9')
      sp++;
    uint64_t bytes;
    if (end - sp < 6 || memcmp(sp, " bytes", 6) != 0 ||
        parse_u64(num, (size_t)(sp - num), &bytes) < 0)
      continue;
    size_t n = 0;
    srv_ev *e = ev_new(out, &n, SRV_EV_STORED, pid);
    copy_cut(e->path, SRV_PATH_MAX, p, (size_t)(q - p));
    e->bytes = bytes;
    e->complete = ok;
    return n;
  }
  return 0;
}

static size_t parse_vsftpd(const char *p, const char *end, long pid,
                           srv_ev *out)
{
  static const char cmd[] = "FTP command: ", rsp[] = "FTP response: ",
                    ok[] = "OK UPLOAD: ", fail[] = "FAIL UPLOAD: ";
  size_t n = 0;
  const char *q, *qend;
  if (!strncmp(p, cmd, sizeof cmd - 1) && (q = vsftpd_quoted(p, end, &qend))) {
    srv_ev *e = ev_new(out, &n, SRV_EV_COMMAND, pid);
    copy_cut(e->text, SRV_EV_TEXT_MAX, q, (size_t)(qend - q));
  } else if (!strncmp(p, rsp, sizeof rsp - 1) &&
             (q = vsftpd_quoted(p, end, &qend))) {
    const char *text;
    int code = reply_code(q, qend, &text);
    if (code < 0)
      return 0;
    srv_ev *e = ev_new(out, &n, SRV_EV_REPLY, pid);
    e->code = code;
    copy_cut(e->text, SRV_EV_TEXT_MAX, text, (size_t)(qend - text));
  } else if ((!strncmp(p, ok, sizeof ok - 1) ||
              !strncmp(p, fail, sizeof fail - 1)) &&
             (q = vsftpd_quoted(p, end, &qend))) {
    n = vsftpd_upload(q, end, pid, p[0] == 'O', out);
  }
  return n;
}

/* Our ProFTPD format: code, bytes, file, command..., text (tabs). */
static size_t parse_proftpd(const char *p, const char *end, long pid,
                            srv_ev *out)
{
  const char *f[4]; /* starts of code, bytes, file, command */
  const char *t = p;
  for (int i = 0; i < 4; i++) {
    f[i] = t;
    const char *tab = memchr(t, '\t', (size_t)(end - t));
    if (!tab)
      return 0;
    t = tab + 1;
  }
  const char *last = find_last(f[3], end, "\t");
  if (!last)
    return 0;
  const char *text;
  int code = reply_code(f[0], f[1] - 1, &text);
  if (code < 0)
    return 0;
  size_t n = 0;
  srv_ev *c = ev_new(out, &n, SRV_EV_COMMAND, pid);
  copy_cut(c->text, SRV_EV_TEXT_MAX, f[3], (size_t)(last - f[3]));
  srv_ev *r = ev_new(out, &n, SRV_EV_REPLY, pid);
  r->code = code;
  copy_cut(r->text, SRV_EV_TEXT_MAX, last + 1, (size_t)(end - last - 1));
  /* STOR, APPE, STOU with a file: what was stored, and how much. */
  static const char *const verbs[] = {"STOR ", "APPE ", "STOU"};
  size_t flen = (size_t)(f[3] - 1 - f[2]);
  bool has_file = flen > 0 && !(flen == 1 && f[2][0] == '-');
  for (size_t i = 0; has_file && i < sizeof verbs / sizeof verbs[0]; i++) {
    if (strncasecmp(c->text, verbs[i], strlen(verbs[i])) != 0)
      continue;
    srv_ev *s = ev_new(out, &n, SRV_EV_STORED, pid);
    copy_cut(s->path, SRV_PATH_MAX, f[2], flen);
    uint64_t bytes = 0;
    parse_u64(f[1], (size_t)(f[2] - 1 - f[1]), &bytes); /* "-": 0 */
    s->bytes = bytes;
    s->complete = code == 226 || code == 250;
    break;
  }
  return n;
}

enum { XFER_TOKENS_MAX = 64, XFER_HEAD = 8, XFER_TAIL = 9 };

/* xferlog: date(5) time host size name... type action dir mode user
 * service auth-method auth-id status. */
static size_t parse_xferlog(const char *p, const char *end, srv_ev *out)
{
  const char *tok[XFER_TOKENS_MAX], *tend[XFER_TOKENS_MAX];
  size_t nt = 0;
  for (const char *s = p; s < end && nt < XFER_TOKENS_MAX;) {
    while (s < end && *s == ' ')
      s++;
    if (s == end)
      break;
    tok[nt] = s;
    while (s < end && *s != ' ')
      s++;
    tend[nt++] = s;
  }
  if (nt < XFER_HEAD + 1 + XFER_TAIL || nt == XFER_TOKENS_MAX)
    return 0;
  uint64_t secs, bytes, year;
  const char *dir = tok[nt - 7], *status = tok[nt - 1], *type = tok[nt - 9];
  if (tend[3] - tok[3] != 8 || tok[3][2] != ':' ||
      parse_u64(tok[4], (size_t)(tend[4] - tok[4]), &year) < 0 ||
      parse_u64(tok[5], (size_t)(tend[5] - tok[5]), &secs) < 0 ||
      parse_u64(tok[7], (size_t)(tend[7] - tok[7]), &bytes) < 0 ||
      tend[nt - 7] - dir != 1 || tend[nt - 1] - status != 1 ||
      tend[nt - 9] - type != 1 || (*type != 'a' && *type != 'b') ||
      (*status != 'c' && *status != 'i'))
    return 0;
  if (*dir != 'i')
    return 0; /* downloads and deletions store nothing */
  size_t n = 0;
  srv_ev *e = ev_new(out, &n, SRV_EV_STORED, -1);
  copy_cut(e->path, SRV_PATH_MAX, tok[XFER_HEAD],
           (size_t)(tend[nt - XFER_TAIL - 1] - tok[XFER_HEAD]));
  e->bytes = bytes;
  e->complete = *status == 'c';
  return n;
}

size_t srv_ev_parse_line(const char *line, size_t len, srv_ev *out)
{
  if (len > SRV_EV_LINE_MAX)
    len = SRV_EV_LINE_MAX;
  const char *end = line + len;
  while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
    end--;
  const char *pid_at = find(line, end, "[pid ");
  if (!pid_at)
    return parse_xferlog(line, end, out);
  const char *p = pid_at + 5;
  long pid = 0;
  while (p < end && *p >= '0' && *p <= '9' && pid < 100000000)
    pid = pid * 10 + (*p++ - '0');
  if (p == pid_at + 5 || p >= end || *p != ']')
    return 0;
  p++;
  if (end - p >= 2 && p[0] == ' ' && p[1] == '[') {
    const char *close = memchr(p, ']', (size_t)(end - p));
    if (!close || close + 1 >= end)
      return 0;
    p = close + 1;
  }
  if (p < end && *p == '\t')
    return parse_proftpd(p + 1, end, pid, out);
  if (p < end && *p == ' ')
    return parse_vsftpd(p + 1, end, pid, out);
  return 0;
}

int srv_ev_home_relative(const char *logged, const char *home, char *buf,
                         size_t len)
{
  size_t hl = home ? strlen(home) : 0;
  while (hl > 1 && home[hl - 1] == '/')
    hl--;
  const char *p = logged;
  if (hl > 1 && strncmp(p, home, hl) == 0 && (p[hl] == '/' || !p[hl]))
    p += hl;
  while (*p == '/')
    p++;
  int n = snprintf(buf, len, "%s", p);
  return *p && n > 0 && (size_t)n < len ? 0 : -1;
}
