/* qr_path_norm: see qr_path_norm.h. */
#include "qr_path_norm.h"

#include <stdbool.h>
#include <string.h>

/* What may come right before a path's leading '/' (a NUL too: it ends
 * a path, so it may start one). */
static bool starts_after(char c)
{
  return c == '\0' || strchr(" \t\r\n([{\"'`=,;<>", c) != NULL;
}

/* What ends a path (NUL too: strchr finds the terminator). */
static bool ends_at(char c)
{
  return c == '\0' || strchr(" \t\r\n\"'`,;:)]}<>", c) != NULL;
}

/* Where the last component "cases" of p (n bytes) starts, or -1. */
static long last_cases(const char *p, size_t n)
{
  static const char comp[] = "/cases";
  const size_t k = sizeof comp - 1;
  for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
    if (memcmp(p + i, comp, k) == 0 && (i + k == n || p[i + k] == '/'))
      return (long)i + 1;
  return -1;
}

/* The longest of dirs that p (n bytes) is or is under; its length, 0. */
static size_t report_prefix(const char *p, size_t n, const char *const *dirs,
                            size_t ndirs)
{
  size_t best = 0;
  for (size_t i = 0; i < ndirs; i++) {
    size_t k = strlen(dirs[i]);
    if (k > 1 && k > best && k <= n && memcmp(p, dirs[i], k) == 0 &&
        (k == n || p[k] == '/'))
      best = k;
  }
  return best;
}

/* One absolute path (n bytes at p) into out. */
static void one_path(const char *p, size_t n, const char *const *dirs,
                     size_t ndirs, qc_buf *out)
{
  long c = last_cases(p, n);
  if (c >= 0) {
    qc_buf_add(out, p + c, n - (size_t)c);
    return;
  }
  size_t r = report_prefix(p, n, dirs, ndirs);
  if (r) {
    qc_buf_adds(out, "<report>");
    qc_buf_add(out, p + r, n - r);
    return;
  }
  /* The last two components: where the second-last '/' is. */
  size_t slashes = 0, i = n;
  while (i > 0 && slashes < 3)
    if (p[--i] == '/')
      slashes++;
  if (slashes == 3) {
    qc_buf_adds(out, "...");
    /* p[i] is the third '/' from the end: keep from the second. */
    const char *from = memchr(p + i + 1, '/', n - i - 1);
    qc_buf_add(out, from, n - (size_t)(from - p));
    return;
  }
  qc_buf_add(out, p, n);
}

void qr_path_norm(const char *s, size_t n, const char *const *dirs,
                  size_t ndirs, qc_buf *out)
{
  size_t i = 0;
  while (i < n) {
    bool at_path = s[i] == '/' && (i == 0 || starts_after(s[i - 1])) &&
                   i + 1 < n && s[i + 1] != '/' && !ends_at(s[i + 1]);
    if (!at_path) {
      qc_buf_addc(out, s[i++]);
      continue;
    }
    size_t j = i;
    while (j < n && !ends_at(s[j]))
      j++;
    one_path(s + i, j - i, dirs, ndirs, out);
    i = j;
  }
}
