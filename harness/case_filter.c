/* case_filter: --filter terms and their matching (case_filter.h). */
#include "case_filter.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

enum { TERM_MAX = 256 };

bool qh_filter_term_match(const char *t, const qh_case *c)
{
  if (strncmp(t, "tag:", 4) == 0) {
    for (size_t i = 0; i < c->ntags; i++)
      if (fnmatch(t + 4, c->tags[i], 0) == 0)
        return true;
    return false;
  }
  return fnmatch(t, c->id, 0) == 0;
}

bool qh_filter_term(const char *expr, size_t i, char *buf, size_t len,
                    bool *neg)
{
  if (!expr || !*expr || i == 0)
    return false;
  const char *p = expr;
  for (size_t k = 1; k < i; k++) {
    p += strcspn(p, ",");
    if (*p != ',')
      return false;
    p++;
  }
  size_t n = strcspn(p, ",");
  *neg = p[0] == '!';
  if (*neg) {
    p++;
    n = n ? n - 1 : 0;
  }
  if (n >= len)
    n = len ? len - 1 : 0;
  if (len) {
    memcpy(buf, p, n);
    buf[n] = '\0';
  }
  return true;
}

bool qh_filter_match(const char *expr, const qh_case *c)
{
  bool any_positive = false, positive_hit = false, neg;
  char t[TERM_MAX];
  for (size_t i = 1; qh_filter_term(expr, i, t, sizeof t, &neg); i++) {
    if (!*t)
      continue;
    bool m = qh_filter_term_match(t, c);
    if (neg && m)
      return false;
    if (!neg) {
      any_positive = true;
      positive_hit = positive_hit || m;
    }
  }
  return !any_positive || positive_hit;
}

int qh_filter_check(const char *expr, char *err, size_t errlen)
{
  if (!expr)
    return 0;
  if (!*expr) {
    snprintf(err, errlen, "empty filter");
    return -1;
  }
  int i = 1;
  for (const char *p = expr;; i++) {
    size_t len = strcspn(p, ",");
    const char *t = p[0] == '!' ? p + 1 : p;
    size_t tl = (size_t)(p + len - t);
    const char *why = NULL;
    if (len == 0)
      why = "is empty";
    else if (tl == 0)
      why = "is \"!\" without a term to exclude";
    else if (tl == 4 && strncmp(t, "tag:", 4) == 0)
      why = "is \"tag:\" without a tag name";
    else if (tl >= TERM_MAX)
      why = "is too long";
    if (why) {
      snprintf(err, errlen, "term %d %s", i, why);
      return -1;
    }
    p += len;
    if (*p != ',')
      return 0;
    p++;
  }
}
