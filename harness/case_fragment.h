/* case_fragment: a fragment file (cases/_fragments/NAME.yaml) loaded on
 * its own, as a step list the runner plays outside any case (the
 * teardown). The result is a qh_case with id NAME, path the file, and the
 * fragment's steps (its own use: spliced in); free it with qh_case_free. */
#ifndef QH_CASE_FRAGMENT_H
#define QH_CASE_FRAGMENT_H

#include <stddef.h>

#include "case.h"

/* 0, or -1 with "file:line:col: what is wrong" in err. */
int qh_fragment_load(const char *fragments_dir, const char *name,
                     qh_case **out, char *err, size_t errlen);

#endif
