/* shard: see shard.h. */
#include "shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int parse_part(const char *s, char **end, unsigned long *out)
{
  if (*s < '0' || *s > '9') /* no sign, no space */
    return -1;
  errno = 0;
  *out = strtoul(s, end, 10);
  return errno ? -1 : 0;
}

int qh_shard_parse(const char *s, qh_shard *out, char *err, size_t errlen)
{
  unsigned long k, n;
  char *end;
  if (parse_part(s, &end, &k) < 0 || *end != '/' ||
      parse_part(end + 1, &end, &n) < 0 || *end) {
    snprintf(err, errlen, "'%s' is not K/N (e.g. 2/4)", s);
    return -1;
  }
  if (n < 1 || n > QH_SHARD_MAX || k < 1 || k > n) {
    snprintf(err, errlen, "'%s': K must be 1..N and N 1..%d", s,
             QH_SHARD_MAX);
    return -1;
  }
  out->k = (unsigned)k;
  out->n = (unsigned)n;
  return 0;
}

bool qh_shard_has(qh_shard s, size_t i)
{
  return s.n == 0 || i % s.n == s.k - 1;
}

void qh_shard_apply(qh_case_set *set, qh_shard s)
{
  size_t k = 0;
  for (size_t i = 0; i < set->n; i++) {
    if (qh_shard_has(s, i))
      set->cases[k++] = set->cases[i];
    else
      qh_case_free(set->cases[i]);
  }
  set->n = k;
}
