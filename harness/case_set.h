/* case_set: the cases of a run — found on disk, loaded, filtered, sorted.
 *
 * Directories are walked recursively for *.yaml; names starting with "_"
 * (cases/_fragments) are skipped. Ids must be unique across the set. */
#ifndef QH_CASE_SET_H
#define QH_CASE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "case.h"

typedef struct qh_case_set {
  qh_case **cases;
  size_t n, cap;
} qh_case_set;

/* Loads every case under paths into set. Each error is printed to `errs`
 * as "file:line:col: what"; returns the number of errors (0 = all good). */
size_t qh_case_set_load(qh_case_set *set, const char *const *paths,
                        size_t npaths, const char *fragments_dir, FILE *errs);

/* Filter expression: comma-separated terms; "tag:NAME" matches a tag, any
 * other term is a glob on the id; a term starting with "!" excludes. A case
 * is selected when no positive term exists or one matches, and no
 * exclusion matches. NULL or "" selects everything. */
bool qh_filter_match(const char *expr, const qh_case *c);

/* 0 when expr is a well-formed filter; otherwise -1 and why in err (an
 * empty term, "!" alone, "tag:" without a name). NULL is well-formed. */
int qh_filter_check(const char *expr, char *err, size_t errlen);

/* Keeps only the cases `expr` selects. */
void qh_case_set_filter(qh_case_set *set, const char *expr);

void qh_case_set_free(qh_case_set *set);

#endif
