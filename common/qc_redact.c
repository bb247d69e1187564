/* qc_redact: secrets and PASS arguments out of written text (qc_redact.h). */
#include "qc_redact.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The registry. The runner is one thread; the table only grows. */
static char *secrets[QC_REDACT_SECRETS_MAX];
static size_t nsecrets;

int qc_redact_add_secret(const char *secret)
{
  if (!secret || strlen(secret) < QC_REDACT_SECRET_MIN)
    return 0;
  for (size_t i = 0; i < nsecrets; i++)
    if (strcmp(secrets[i], secret) == 0)
      return 0;
  if (nsecrets == QC_REDACT_SECRETS_MAX)
    return -1;
  char *d = strdup(secret);
  if (!d)
    return -1;
  secrets[nsecrets++] = d;
  return 0;
}

void qc_redact_clear(void)
{
  for (size_t i = 0; i < nsecrets; i++)
    free(secrets[i]);
  nsecrets = 0;
}

static bool is_alnum(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

static bool ends_pass_arg(char c)
{
  return c == '"' || c == '\\' || c == '\r' || c == '\n' || c == '\'';
}

/* What happens to each byte of the input. */
enum { KEEP = 0, HIDE_SECRET, HIDE_PASS };

/* Marks PASS arguments of line [s, e) of `in` in mark. */
static void mark_pass(const char *in, size_t s, size_t e, unsigned char *mark)
{
  static const char kw[] = "PASS ";
  const size_t kwlen = sizeof kw - 1;
  for (size_t i = s; i + kwlen <= e; i++) {
    if (memcmp(in + i, kw, kwlen) != 0)
      continue;
    if (i > s && is_alnum((unsigned char)in[i - 1]))
      continue;
    size_t a = i + kwlen, z = a;
    while (z < e && !ends_pass_arg(in[z]))
      z++;
    for (size_t k = a; k < z; k++)
      mark[k] = HIDE_PASS;
    i = z > i ? z - 1 : i;
  }
}

/* Marks every byte of every occurrence of every secret (a secret never
 * spans a newline, so line by line is the same as the whole text). */
static void mark_secrets(const char *const *sec, size_t nsec, const char *in,
                         size_t n, unsigned char *mark)
{
  for (size_t k = 0; k < nsec; k++) {
    size_t sl = sec[k] ? strlen(sec[k]) : 0;
    if (sl == 0)
      continue;
    for (size_t i = 0; i + sl <= n; i++)
      if (in[i] == sec[k][0] && memcmp(in + i, sec[k], sl) == 0)
        memset(mark + i, HIDE_SECRET, sl);
  }
}

char *qc_redact_with(const char *const *sec, size_t nsec, const char *in,
                     size_t n, size_t *outlen)
{
  if (!in)
    n = 0;
  unsigned char *mark = calloc(n ? n : 1, 1);
  if (!mark)
    return NULL;
  for (size_t s = 0; s < n;) {
    const char *nl = memchr(in + s, '\n', n - s);
    size_t e = nl ? (size_t)(nl - in) : n;
    mark_pass(in, s, e, mark);
    s = e + 1;
  }
  mark_secrets(sec, nsec, in, n, mark);
  /* Each run of hidden bytes shrinks or grows to its mask: the output is
   * at most the input plus one mask per run. */
  size_t cap = n + 1, o = 0;
  for (size_t i = 0; i < n; i++)
    if (mark[i] && (i == 0 || mark[i - 1] != mark[i]))
      cap += sizeof QC_REDACT_SECRET;
  char *out = malloc(cap);
  if (!out) {
    free(mark);
    return NULL;
  }
  for (size_t i = 0; i < n;) {
    if (mark[i] == KEEP) {
      out[o++] = in[i++];
      continue;
    }
    /* One mask per run of hidden bytes; a PASS argument holding a secret
     * (or touching one) gets the secret's. */
    bool secret = false;
    size_t j = i;
    for (; j < n && mark[j] != KEEP; j++)
      secret = secret || mark[j] == HIDE_SECRET;
    const char *mask = secret ? QC_REDACT_SECRET : QC_REDACT_PASS;
    size_t ml = strlen(mask);
    memcpy(out + o, mask, ml);
    o += ml;
    i = j;
  }
  out[o] = '\0';
  free(mark);
  if (outlen)
    *outlen = o;
  return out;
}

char *qc_redact_text(const char *in, size_t n, size_t *outlen)
{
  if (in && n == (size_t)-1)
    n = strlen(in);
  return qc_redact_with((const char *const *)secrets, nsecrets, in, n,
                        outlen);
}

static int write_all(int fd, const char *p, size_t n)
{
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      if (w == 0)
        errno = EIO;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int put_redacted(int out, const char *p, size_t n)
{
  size_t len;
  char *r = qc_redact_text(p, n, &len);
  if (!r) {
    errno = ENOMEM;
    return -1;
  }
  int rc = write_all(out, r, len);
  free(r);
  return rc;
}

int qc_redact_copy_fd(int in, uint64_t max, int out)
{
  /* Whole lines only: the tail without its newline waits for the next
   * read, so a secret split between two reads is seen whole. */
  size_t cap = 64 * 1024, len = 0;
  char *buf = malloc(cap);
  if (!buf) {
    errno = ENOMEM;
    return -1;
  }
  int rc = 0;
  uint64_t left = max;
  while (left > 0) {
    if (len == cap) {
      char *g = realloc(buf, cap * 2);
      if (!g) {
        errno = ENOMEM;
        rc = -1;
        break;
      }
      buf = g;
      cap *= 2;
    }
    size_t want = cap - len;
    if ((uint64_t)want > left)
      want = (size_t)left;
    ssize_t r = read(in, buf + len, want);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      rc = -1;
      break;
    }
    if (r == 0)
      break; /* end of file, or truncated under us: keep what we have */
    size_t from = len;
    len += (size_t)r;
    left -= (uint64_t)r;
    /* Only the new bytes can hold the last newline: what was kept had
     * none, so a long line costs one pass, not one per read. */
    char *nl = NULL;
    for (size_t i = len; i > from; i--)
      if (buf[i - 1] == '\n') {
        nl = buf + i - 1;
        break;
      }
    if (!nl)
      continue;
    size_t whole = (size_t)(nl - buf) + 1;
    if (put_redacted(out, buf, whole) < 0) {
      rc = -1;
      break;
    }
    memmove(buf, buf + whole, len - whole);
    len -= whole;
  }
  if (rc == 0 && len > 0)
    rc = put_redacted(out, buf, len);
  int e = errno;
  free(buf);
  errno = e;
  return rc;
}
