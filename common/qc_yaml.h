/* qc_yaml: one YAML file whose top level is a mapping, read whole within a
 * size bound and parsed with libyaml's document API. Shared by the loaders
 * of case files (harness/case_load.c) and module profiles (qc_profile.c),
 * so both report the same way:
 *   "path: reason"          the file cannot be read (no line to point at);
 *   "path:line:col: what"   anything in it (libyaml marks are 0-based, we
 *                           print 1-based; columns count bytes). */
#ifndef QC_YAML_H
#define QC_YAML_H

#include <stdarg.h>
#include <stddef.h>
#include <yaml.h>

typedef struct qc_yaml_opts {
  size_t max_bytes; /* a larger file is an error */
  const char *noun; /* an empty file: "empty <noun> (expected a mapping)" */
  /* Non-NULL: a second document is an error, "a second YAML document
   * (<one_doc>)". NULL: nothing after the first document is read. */
  const char *one_doc;
} qc_yaml_opts;

/* Where a loader gets the text of a file. qc_yaml_files reads the file
 * system; a caller (a unit test, a fuzz target) may serve texts from
 * memory, so the same loader code runs without touching the disk. */
typedef struct qc_yaml_src {
  /* The whole text of `path`, NUL-terminated and malloc'd (the caller
   * frees it), *len its length; when longer than `max` bytes, any text
   * longer than `max` (the caller refuses it). NULL with "path: reason" in
   * err when it cannot be read. */
  char *(*read)(void *ctx, const char *path, size_t max, size_t *len,
                char *err, size_t errlen);
  /* 0 when `path` exists, else an errno value (ENOENT). */
  int (*exists)(void *ctx, const char *path);
  void *ctx;
} qc_yaml_src;

extern const qc_yaml_src qc_yaml_files;

/* Reads and parses `path` (a FIFO or a directory is refused, never waited
 * on). On success returns 0, *doc holds the first document (the caller
 * deletes it with yaml_document_delete) and *root is its top-level
 * mapping. On error returns -1 with err set; *doc then holds nothing. */
int qc_yaml_load_map(const char *path, const qc_yaml_opts *o,
                     yaml_document_t *doc, yaml_node_t **root, char *err,
                     size_t errlen);

/* As qc_yaml_load_map, with QC_YAML_* flags. QC_YAML_NO_ALIASES: any
 * anchor or alias is an error at its line and column, found by a linear
 * pass over the tokens before the document is built. */
enum { QC_YAML_NO_ALIASES = 1u << 0 };
int qc_yaml_load_map_flags(const char *path, const qc_yaml_opts *o,
                           unsigned flags, yaml_document_t *doc,
                           yaml_node_t **root, char *err, size_t errlen);

/* "a scalar", "a sequence", "a mapping", "nothing": for "got %s". */
/* As qc_yaml_load_map_flags, the text read through src (NULL: the file
 * system); `path` names it in messages. */
int qc_yaml_load_map_src(const qc_yaml_src *src, const char *path,
                         const qc_yaml_opts *o, unsigned flags,
                         yaml_document_t *doc, yaml_node_t **root, char *err,
                         size_t errlen);

const char *qc_yaml_type_name(yaml_node_type_t t);

/* Writes "path:line:col: " and the message, at node n, into err. */
void qc_yaml_fail(char *err, size_t errlen, const char *path,
                  const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void qc_yaml_vfail(char *err, size_t errlen, const char *path,
                   const yaml_node_t *n, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

#endif
