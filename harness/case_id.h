/* case_id: a case's id follows its file's place under the cases root.
 *
 * cases/faults/x.yaml has the id "faults.x": the folders below the root
 * the file was loaded from, joined with dots, then the file name without
 * ".yaml" (or ".yml"). The `id:` key of the file must say the same, so a
 * file read on its own still names itself (cases/FORMAT.md). */
#ifndef QH_CASE_ID_H
#define QH_CASE_ID_H

#include <stdbool.h>
#include <stddef.h>

/* The longest id (cases/FORMAT.md). */
enum { QH_CASE_ID_MAX = 64 };

/* true when id is 1..QH_CASE_ID_MAX of [a-z0-9._-] made of non-empty
 * dot-separated parts: no leading or trailing dot, no "..". So "." and
 * ".." are refused, and no id can name a place outside the report's
 * cases/ folder. */
bool qh_case_id_valid(const char *id);

/* The id of the case file at `rel`, a path relative to the cases root
 * ("faults/x.yaml"). 0, or -1 with why in err (a folder or file name that
 * gives no valid id, e.g. an upper-case letter, or a name without
 * ".yaml"). */
int qh_case_id_derive(const char *rel, char *out, size_t outlen, char *err,
                      size_t errlen);

#endif
