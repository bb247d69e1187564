/* qc_io: the one place that reads and writes file descriptors.
 *
 * Every call takes an absolute deadline (qc_time.h) and restarts on EINTR,
 * so callers never see a short write or an interrupted poll. Return values
 * share one convention: QC_IO_TIMEOUT when the deadline passed first,
 * QC_IO_ERR with errno set on failure. */
#ifndef QC_IO_H
#define QC_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { QC_IO_ERR = -1, QC_IO_TIMEOUT = -2 };

/* Waits for `fd` to become readable (or hung up). 1 ready, QC_IO_TIMEOUT,
 * QC_IO_ERR. */
int qc_wait_readable(int fd, int64_t deadline);

/* Reads at most n bytes once data is available: > 0 bytes read, 0 end of
 * file (or pty hang-up, EIO), QC_IO_TIMEOUT, QC_IO_ERR. */
ssize_t qc_read_some(int fd, void *buf, size_t n, int64_t deadline);

/* qc_read_some for an O_NONBLOCK fd: the read comes first and the wait
 * only when nothing is there, so a stream costs one call per read, not
 * two (a pty gives at most 4 KiB a read). */
ssize_t qc_read_nb(int fd, void *buf, size_t n, int64_t deadline);

/* Writes all n bytes: 0, QC_IO_TIMEOUT (some bytes may have gone out),
 * QC_IO_ERR. The deadline only binds when fd is non-blocking: a blocking
 * write(2) into a full pipe cannot be interrupted by it. */
int qc_write_all(int fd, const void *buf, size_t n, int64_t deadline);

int qc_set_nonblock(int fd, int on);
int qc_set_cloexec(int fd);

#endif
