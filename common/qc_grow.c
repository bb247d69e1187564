/* qc_grow: see qc_grow.h. */
#include "qc_grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { QC_GROW_FIRST = 8 }; /* first capacity: most arrays stay small */

int qc_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t max)
{
  if (need <= *cap)
    return 0;
  size_t limit = elem ? SIZE_MAX / elem : SIZE_MAX;
  if (max && max < limit)
    limit = max;
  if (need > limit) {
    errno = E2BIG;
    return -1;
  }
  size_t ncap = *cap ? *cap : QC_GROW_FIRST;
  while (ncap < need)
    ncap = ncap > limit / 2 ? limit : ncap * 2;
  if (ncap > limit)
    ncap = limit;
  size_t bytes = ncap * elem; /* <= SIZE_MAX: ncap <= limit */
  void *p = realloc(*arr, bytes ? bytes : 1);
  if (!p) {
    errno = ENOMEM;
    return -1;
  }
  memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
  *arr = p;
  *cap = ncap;
  return 0;
}
