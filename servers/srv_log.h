/* srv_log: a case's slice of an append-only log (vsftpd's protocol log).
 *
 * The runner notes the log's size before a case and copies what was added
 * after it into the case's server.log. A log that does not exist yet has
 * size 0 (vsftpd creates it at the first session). */
#ifndef SRV_LOG_H
#define SRV_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Size of the file at `path` in bytes; 0 when it is missing. */
uint64_t srv_log_size(const char *path);

/* Copies bytes [offset, end) of `path` into dest_path (created or
 * truncated, 0644). A missing log gives an empty copy; a log shorter than
 * offset (replaced) is copied whole. The copy is for a report: the run's
 * secrets and PASS arguments are hidden in it (qc_redact.h). 0, or -1 with
 * a message in err. */
int srv_log_copy_since(const char *path, uint64_t offset, const char *dest_path,
                       char *err, size_t errlen);

enum {
  SRV_LOG_SLICE_MAX = 16 * 1024 * 1024, /* bytes of a slice read whole */
};

/* Reads bytes [offset, end) of `path` into a new NUL-terminated buffer
 * (*out, free it; *len its length). A missing log is an empty slice; a log
 * shorter than offset is read whole (as srv_log_copy_since); a slice over
 * SRV_LOG_SLICE_MAX keeps its last SRV_LOG_SLICE_MAX bytes and sets
 * *cut. 0, or -1 with a message in err. */
int srv_log_read_since(const char *path, uint64_t offset, char **out,
                       size_t *len, int *cut, char *err, size_t errlen);

#endif
