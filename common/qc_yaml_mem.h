/* qc_yaml_mem: a qc_yaml_src that serves a few files from memory, and a
 * check of the one-line messages the loaders give, for fuzz targets and
 * tests that run a loader without touching the disk. */
#ifndef QC_YAML_MEM_H
#define QC_YAML_MEM_H

#include <stdbool.h>
#include <stddef.h>

#include "qc_yaml.h"

typedef struct qc_yaml_mem_file {
  const char *path;
  const void *data; /* len bytes, not NUL-terminated */
  size_t len;
  bool present;     /* false: the path does not exist */
} qc_yaml_mem_file;

typedef struct qc_yaml_mem {
  const qc_yaml_mem_file *files;
  size_t n;
} qc_yaml_mem;

/* A source reading m's files; every other path does not exist (ENOENT),
 * as in an empty directory. m must outlive the source's use. */
qc_yaml_src qc_yaml_mem_src(const qc_yaml_mem *m);

/* true when err is one line "PATH: what" or "PATH:LINE:COL: what" for
 * one of m's paths: the shape every loader message has. */
bool qc_yaml_msg_ok(const qc_yaml_mem *m, const char *err);

#endif
