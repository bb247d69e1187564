/* vars: ${name} substitution in case text (cases/FORMAT.md).
 *
 * The runner knows the run's facts (server address, generated account,
 * ports that refuse or never answer); the module profile knows what the
 * note leaves open (${profile.err.530}). Case files name them; this file
 * fills them in. */
#ifndef QH_VARS_H
#define QH_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include "qc_profile.h"

enum { QH_VARS_MAX = 32, QH_VAR_NAME_MAX = 64, QH_VAR_VALUE_MAX = 512 };

typedef struct qh_vars {
  struct {
    char name[QH_VAR_NAME_MAX];
    char value[QH_VAR_VALUE_MAX];
  } v[QH_VARS_MAX];
  size_t n;
  const qc_profile *profile; /* ${profile.KEY}; may be NULL */
} qh_vars;

/* Whether a variable named so holds a credential ("pass", "password",
 * "ftp_pass", "secret", "token" in its last dotted part). */
bool qh_vars_is_secret(const char *name);

/* Sets (or replaces) a variable. A secret one (qh_vars_is_secret) is
 * registered with qc_redact, so it never appears in clear in a report.
 * -1 if the table is full, a value too long, or the secret table full. */
int qh_vars_set(qh_vars *v, const char *name, const char *value);
int qh_vars_setf(qh_vars *v, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The value of `name` (with "profile." looked up in the profile), or NULL. */
const char *qh_vars_get(const qh_vars *v, const char *name);

/* Expands every ${name} of `in` into out (cap bytes). "$$" is a literal
 * "$". Returns 0, or -1 with "unknown variable ${x}" / "... too long" in
 * err. */
int qh_vars_expand(const qh_vars *v, const char *in, char *out, size_t cap,
                   char *err, size_t errlen);

#endif
