/* case_cost: see case_cost.h. */
#include "case_cost.h"

#include <stdlib.h>

/* Bytes a second through a module's serial line in data mode, as the
 * simulator on a pty manages it; only the ratio between cases matters. */
#define COST_BYTES_PER_S (40.0 * 1024 * 1024)

double qh_case_cost(const qh_case *c, double time_scale)
{
  double s = 0;
  for (size_t i = 0; i < c->nsteps; i++) {
    const qh_step *st = &c->steps[i];
    switch (st->kind) {
    case QH_STEP_SEND_DATA:
    case QH_STEP_EXPECT_DATA:
      s += (double)st->size / COST_BYTES_PER_S;
      break;
    case QH_STEP_SILENCE:
      s += st->scaled ? st->seconds * time_scale : st->seconds;
      break;
    case QH_STEP_SLEEP:
    case QH_STEP_ESCAPE:
      s += st->seconds * time_scale;
      break;
    case QH_STEP_SEND:
    case QH_STEP_SEND_RAW:
    case QH_STEP_EXPECT:
    case QH_STEP_EXPECT_MATCH:
    case QH_STEP_WAIT_FOR:
    case QH_STEP_WAIT_MATCH:
    case QH_STEP_READ_LISTING:
    case QH_STEP_DTR:
    case QH_STEP_SIM_CONTROL:
      break; /* as fast as the module answers */
    }
  }
  for (size_t i = 0; i < c->nfiles; i++)
    s += (double)c->files[i].size / COST_BYTES_PER_S / 4; /* disk, not line */
  return s;
}

typedef struct {
  double cost;
  size_t idx;
} costed;

static int by_cost(const void *a, const void *b)
{
  const costed *x = a, *y = b;
  if (x->cost != y->cost)
    return x->cost < y->cost ? 1 : -1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void qh_case_cost_order(qh_case *const *cases, size_t n, double time_scale,
                        size_t *order)
{
  costed *v = malloc(n * sizeof *v);
  if (!v) { /* no order is still an order */
    for (size_t i = 0; i < n; i++)
      order[i] = i;
    return;
  }
  for (size_t i = 0; i < n; i++)
    v[i] = (costed){qh_case_cost(cases[i], time_scale), i};
  qsort(v, n, sizeof *v, by_cost);
  for (size_t i = 0; i < n; i++)
    order[i] = v[i].idx;
  free(v);
}
