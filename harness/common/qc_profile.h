/* qc_profile: a module profile, fixtures/profiles/<name>.yaml.
 *
 * A profile records what the application note leaves open and what a given
 * firmware does (PWD quoting, which err a reply maps to, ...). The runner
 * substitutes its values into case expectations as ${profile.<key>}; the
 * simulator plays the same values. The file is a YAML mapping; nested
 * mappings flatten to dotted keys, so
 *     err:
 *       "530": 625
 * is the key "err.530" with the value "625". Leaves are scalars; sequences
 * are rejected. Keys are unique (a duplicate is an error). */
#ifndef QC_PROFILE_H
#define QC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct qc_profile qc_profile;

/* Parses `path`. On error returns -1 and writes "path:line:col: what" to
 * err; on success returns 0 and *out owns the profile (qc_profile_free). */
int qc_profile_load(const char *path, qc_profile **out, char *err,
                    size_t errlen);

/* Loads dir/<name>.yaml; `name` must be [A-Za-z0-9_-]+. */
int qc_profile_load_named(const char *dir, const char *name, qc_profile **out,
                          char *err, size_t errlen);

/* The value of `key`, or NULL when absent. Owned by the profile. */
const char *qc_profile_get(const qc_profile *p, const char *key);

/* Integer / boolean views of a value; `dflt` when absent or malformed.
 * Booleans accept true/false/yes/no/1/0. */
long qc_profile_get_long(const qc_profile *p, const char *key, long dflt);
bool qc_profile_get_bool(const qc_profile *p, const char *key, bool dflt);

/* Iteration in file order: number of keys, and the i-th key/value. */
size_t qc_profile_count(const qc_profile *p);
const char *qc_profile_key_at(const qc_profile *p, size_t i);
const char *qc_profile_value_at(const qc_profile *p, size_t i);

void qc_profile_free(qc_profile *p);

#endif
