/* qc_profile_schema: every key a module profile may hold, typed, in ONE
 * table (qc_profile_schema.c), in the manner of vsftpd's parseconf.c.
 *
 * Each row gives the key, its type and range, its default (the note's
 * value where the note fixes one, else the value this project assumes),
 * what it means, the note's section, and whether the note leaves it open.
 * The loader (qc_profile.c) checks files against it, fills defaults from
 * it, and docs/PROFILES.md is generated from it (qc_profile_doc). The
 * err.<reply> rows are not written out here: they come from the pairing in
 * qc_err.c, one per chapter 6 reply. */
#ifndef QC_PROFILE_SCHEMA_H
#define QC_PROFILE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum qc_ptype {
  QC_PT_BOOL,   /* true / false */
  QC_PT_INT,    /* decimal integer in [min, max] */
  QC_PT_STRING, /* at most max bytes */
  QC_PT_ENUM,   /* one of `choices` */
  QC_PT_ERR,    /* a chapter 5 <err> code (qc_err.h) */
} qc_ptype;

typedef enum qc_pkind {
  QC_PK_META,    /* name, description, base: about the file itself */
  QC_PK_MODULE,  /* module behaviour: a value other than the note's needs
                    evidence */
  QC_PK_HARNESS, /* the harness's own setting (waits): no evidence */
} qc_pkind;

typedef struct qc_pkey {
  const char *key;
  qc_ptype type;
  qc_pkind kind;
  long min, max;               /* INT, ERR: range; STRING: max length */
  const char *const *choices;  /* ENUM: NULL-terminated */
  const char *dflt;            /* textual default; NULL: none */
  bool open;                   /* the note leaves the value open */
  const char *section;         /* the note's section(s) */
  const char *meaning;
} qc_pkey;

/* The rows in table order, err.<reply> rows last (one per qc_err reply). */
size_t qc_pschema_count(void);
const qc_pkey *qc_pschema_at(size_t i);

/* The row of `key`, or NULL when the schema has no such key. */
const qc_pkey *qc_pschema_find(const char *key);

/* The known key closest to `key` (edit distance at most 3), or NULL. */
const char *qc_pschema_suggest(const char *key);

/* Checks `value` against the row. 0, or -1 with a reason ("expected a
 * boolean (true or false), got \"ture\"") in why. */
int qc_pschema_check(const qc_pkey *k, const char *value, char *why,
                     size_t whylen);

/* "bool", "int 1..255", "one of \"\", \"\\\"\"", ...: for messages and the
 * doc. */
void qc_pschema_type_text(const qc_pkey *k, char *buf, size_t len);

/* Writes docs/PROFILES.md's text, generated from the table. */
void qc_pschema_write_doc(FILE *f);

#endif
