/* qr_file: the report writers' only contact with the file system. */
#ifndef QR_FILE_H
#define QR_FILE_H

#include <limits.h>
#include <stddef.h>

/* The largest report file we render or read back: far above any real run
 * (a 1000-case run with full transcripts is a few MiB). The renderers'
 * buffers (qc_buf.h) are capped at it. */
enum { QR_FILE_MAX = 256 * 1024 * 1024 };

/* Formats a message into err (errlen bytes; nothing when errlen is 0). */
void qr_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* mkdir -p path (0755). 0, or -1 with err naming the directory. */
int qr_mkdirs(const char *path, char *err, size_t errlen);

/* Writes n bytes to a temporary file beside path, flushes it and renames
 * it over path: readers see the old file or the whole new one. The
 * temporary file is removed on every failure. 0, or -1 with err. */
int qr_write_atomic(const char *path, const void *data, size_t n, char *err,
                    size_t errlen);

/* A file written piece by piece to a temporary name beside path and
 * renamed over path by qr_atomic_commit: a report too large to hold in
 * memory whole is still never seen half-written. */
typedef struct qr_atomic {
  int fd;          /* -1 once committed or aborted */
  int saved_errno; /* the first write's failure; 0 while none */
  char path[PATH_MAX], tmp[PATH_MAX];
} qr_atomic;

/* Creates the temporary file. 0, or -1 with err naming path. */
int qr_atomic_open(qr_atomic *a, const char *path, char *err, size_t errlen);
/* Appends n bytes; a failure is kept and reported by qr_atomic_commit. */
void qr_atomic_write(qr_atomic *a, const void *data, size_t n);
/* Flushes, closes and renames; on any failure (this one or an earlier
 * write's) removes the temporary file. 0, or -1 with err. */
int qr_atomic_commit(qr_atomic *a, char *err, size_t errlen);
/* Closes and removes the temporary file (a writer that gave up). */
void qr_atomic_abort(qr_atomic *a);

/* The whole of the regular file at path, NUL-terminated (caller frees), at
 * most max bytes; *len gets its length. NULL with err "cannot read PATH:
 * why" (the system's words: "No such file or directory", "Is a
 * directory", or "larger than N bytes"). */
char *qr_read_file(const char *path, size_t max, size_t *len, char *err,
                   size_t errlen);

/* 1 when dir/rel names a regular file (rel may hold '/'), else 0. */
int qr_is_file(const char *dir, const char *rel);

#endif
