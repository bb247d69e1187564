/* sim_jail: local file names of the note ("COM:", "UFS:x", "SD:x") and the
 * jail that keeps them under --root (pure).
 *
 * "UFS:a/b" maps to the relative path "UFS/a/b". Refused: an empty name,
 * a leading '/', any ".." or "." component, an empty component ("a//b"),
 * a backslash or control byte, and names longer than SIM_JAIL_NAME_MAX. */
#ifndef SIM_JAIL_H
#define SIM_JAIL_H

#include <stddef.h>

#define SIM_JAIL_NAME_MAX 255 /* <local_name> (2.5, 2.6) */

typedef enum {
  SIM_LOCAL_BAD = -1, /* malformed or leaves the root */
  SIM_LOCAL_COM = 0,  /* "COM:": data mode on the AT port (1.5) */
  SIM_LOCAL_FILE = 1, /* a file; rel holds "UFS/..." or "SD/..." */
  SIM_LOCAL_ALL = 2,  /* "UFS:*" / "SD:*" (QFLST, QFDEL); rel "UFS" */
} sim_local_kind;

/* Classifies `name`; for FILE and ALL writes the path relative to the
 * root into rel (NUL-terminated). allow_all admits the "*" form. */
sim_local_kind sim_jail_local(const char *name, int allow_all, char *rel,
                              size_t rel_len);

#endif
