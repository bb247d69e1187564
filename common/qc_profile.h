/* qc_profile: a module profile, fixtures/profiles/<name>.yaml.
 *
 * A profile records what a module does where the application note leaves
 * the behaviour open or where a firmware departs from the note. Every key
 * is typed in one table (qc_profile_schema.h; reference in
 * docs/PROFILES.md); a key the file does not set has the table's default,
 * the note's value. The file is a YAML mapping; nested mappings name
 * dotted keys, so
 *     err:
 *       "530": 625
 * sets "err.530". A profile may start from another (`base: note`) and list
 * only its differences; `name`, `description` and `test` are its own.
 * Every module value that differs from the note must cite its source in
 * an `evidence:` mapping (key -> "owner/repo:path ..."), except in the
 * `note` profile and in profiles marked `test: true`. Unknown keys, wrong
 * types, values out of range, YAML anchors/aliases, evidence missing or
 * for keys the file does not set, a missing base or a cycle of bases are
 * errors reported as "path:line:col: what". */
#ifndef QC_PROFILE_H
#define QC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct qc_profile qc_profile;

/* Parses `path` (its bases are looked up beside it). On error returns -1
 * and writes "path:line:col: what" to err; on success returns 0 and *out
 * owns the profile (qc_profile_free). */
int qc_profile_load(const char *path, qc_profile **out, char *err,
                    size_t errlen);

/* As qc_profile_load, every file (the profile and its bases) read through
 * src (qc_yaml.h; NULL: the file system), for tests and fuzzing. */
struct qc_yaml_src;
int qc_profile_load_src(const struct qc_yaml_src *src, const char *path,
                        qc_profile **out, char *err, size_t errlen);

/* Loads dir/<name>.yaml; `name` must be [A-Za-z0-9_-]+. */
int qc_profile_load_named(const char *dir, const char *name, qc_profile **out,
                          char *err, size_t errlen);

/* The value of `key`: the file's, else its bases', else the schema's
 * default; NULL for a key the schema does not have (or `base` when none).
 * Owned by the profile. */
const char *qc_profile_get(const qc_profile *p, const char *key);

/* Integer / boolean views of a value; `dflt` when absent or malformed. */
long qc_profile_get_long(const qc_profile *p, const char *key, long dflt);
bool qc_profile_get_bool(const qc_profile *p, const char *key, bool dflt);

/* Name of the profile (this one or a base) whose file set `key`, or NULL
 * when the value is the schema default. */
const char *qc_profile_origin(const qc_profile *p, const char *key);
/* Evidence cited for `key` by the profile that set it, or NULL. */
const char *qc_profile_evidence(const qc_profile *p, const char *key);

/* Iteration over every schema key in schema order, with its value. */
size_t qc_profile_count(const qc_profile *p);
const char *qc_profile_key_at(const qc_profile *p, size_t i);
const char *qc_profile_value_at(const qc_profile *p, size_t i);

void qc_profile_free(qc_profile *p);

#endif
