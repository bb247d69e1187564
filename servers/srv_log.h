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
 * offset (replaced) is copied whole. 0, or -1 with a message in err. */
int srv_log_copy_since(const char *path, uint64_t offset, const char *dest_path,
                       char *err, size_t errlen);

#endif
