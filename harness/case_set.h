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
#include "case_filter.h"

typedef struct qh_case_set {
  qh_case **cases;
  size_t n, cap;
} qh_case_set;

/* Loads every case under paths into set. Each error is printed to `errs`
 * as "file:line:col: what"; returns the number of errors (0 = all good). */
/* Each case's id must follow its file's place (case_id.h): below
 * cases_root (the project's cases/ directory; may be NULL) when the path
 * lies inside it, else below the directory given (a file given directly
 * lies in its own root: its id is its name). */
size_t qh_case_set_load(qh_case_set *set, const char *const *paths,
                        size_t npaths, const char *fragments_dir,
                        const char *cases_root, FILE *errs);

/* Keeps only the cases `expr` selects. */
void qh_case_set_filter(qh_case_set *set, const char *expr);

/* The first term of expr that selects (or, after "!", excludes) no case
 * of the set: copied to term, its 1-based position returned; 0 when every
 * term matches some case. A term that matches nothing is a typo that would
 * make a gate pass on fewer cases than meant. */
size_t qh_case_set_dead_term(const qh_case_set *set, const char *expr,
                             char *term, size_t termlen);

/* Each tag of the set's cases with how many cases carry it, sorted by
 * tag. *tags and *counts are malloc'd (free both; the strings belong to
 * the cases). Returns the number of tags, or (size_t)-1 out of memory. */
size_t qh_case_set_tags(const qh_case_set *set, const char ***tags,
                        size_t **counts);

void qh_case_set_free(qh_case_set *set);

#endif
