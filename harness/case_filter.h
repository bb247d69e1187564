/* case_filter: the --filter expression of run, list and check.
 *
 * Comma-separated terms; "tag:GLOB" matches a case carrying a tag the glob
 * matches (tag:reply:4*), any other term is a glob on the id (faults.*); a
 * term starting with "!" excludes. A case is selected when no positive
 * term exists or one matches, and no exclusion matches. NULL or ""
 * selects everything. Globs are fnmatch(3) patterns. */
#ifndef QH_CASE_FILTER_H
#define QH_CASE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"

bool qh_filter_match(const char *expr, const qh_case *c);

/* 0 when expr is a well-formed filter; otherwise -1 and why in err (an
 * empty term, "!" alone, "tag:" without a name). NULL is well-formed. */
int qh_filter_check(const char *expr, char *err, size_t errlen);

/* Term i (1-based) of expr, without its "!", into buf; *neg says whether
 * it excludes. false past the last term. */
bool qh_filter_term(const char *expr, size_t i, char *buf, size_t len,
                    bool *neg);

/* Whether one term (without "!") matches c. */
bool qh_filter_term_match(const char *term, const qh_case *c);

#endif
