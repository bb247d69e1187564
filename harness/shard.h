/* shard: one slice of the selected cases, for a CI matrix (`run --shard
 * K/N`, `list --shard K/N`).
 *
 * Round-robin over the cases in id order: the i-th selected case
 * (0-based) belongs to shard i mod N + 1. Ids sort by family (open.*,
 * faults.*, ...), so every shard gets its share of each family, and the
 * shards' sizes differ by at most one. The slice depends only on the
 * selected ids: every job of a matrix computes the same split. */
#ifndef QH_SHARD_H
#define QH_SHARD_H

#include <stdbool.h>
#include <stddef.h>

#include "case_set.h"

enum { QH_SHARD_MAX = 1000 };

typedef struct qh_shard {
  unsigned k, n; /* shard k of n (1 <= k <= n); n == 0: the whole set */
} qh_shard;

/* Parses "K/N" (decimal, 1 <= K <= N <= QH_SHARD_MAX). 0, or -1 with why
 * in err. */
int qh_shard_parse(const char *s, qh_shard *out, char *err, size_t errlen);

/* Whether the case at index i of the sorted selection is in s. */
bool qh_shard_has(qh_shard s, size_t i);

/* Keeps only the cases of s (the others are freed). */
void qh_shard_apply(qh_case_set *set, qh_shard s);

#endif
