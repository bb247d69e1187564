/* case_cost: what a case is expected to cost, from its file alone, so
 * `-j N` can hand out the longest cases first (longest processing time
 * first: a 64 MiB transfer handed out last would leave the other workers
 * idle at the end). Only the order of the hand-out changes; results are
 * reported in case order as always. */
#ifndef QH_CASE_COST_H
#define QH_CASE_COST_H

#include <stddef.h>

#include "case.h"

/* Estimated seconds: payload bytes at a module's data-mode rate, plus
 * silence (real time), sleeps, escape guard times and wait timeouts' share
 * (module time, times time_scale). A rough, deterministic figure. */
double qh_case_cost(const qh_case *c, double time_scale);

/* Fills order[0..n) with 0..n-1 sorted by qh_case_cost, highest first;
 * equal costs keep their case order. */
void qh_case_cost_order(qh_case *const *cases, size_t n, double time_scale,
                        size_t *order);

#endif
