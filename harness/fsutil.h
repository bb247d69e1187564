/* fsutil: the few file-tree operations the runner needs. */
#ifndef QH_FSUTIL_H
#define QH_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* mkdir -p. 0 or -1 (errno). */
int qh_mkdirs(const char *path, mode_t mode);

/* rm -rf without following symlinks; a missing path is fine. 0 or -1. */
int qh_remove_tree(const char *path);

/* Copies src from byte `offset` to its end into dst (created/truncated),
 * for a report: the run's secrets and PASS arguments are hidden in the
 * copy (qc_redact.h), so never use it for payload data. 0 or -1 (errno). */
int qh_copy_file_from(const char *src, uint64_t offset, const char *dst);

/* path as reports show it: relative to the project home when it lies
 * under home ("cases/get/com.yaml", the same in every checkout), else as
 * given. Written to out (cut to len) and returned. home may be NULL. */
const char *qh_path_from_home(const char *home, const char *path, char *out,
                              size_t len);

#endif
