/* qr_file: see qr_file.h. */
#include "qr_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qc_io.h"
#include "qc_time.h"

/* A report file goes to a local disk; anything slower than this is a
 * broken mount, and the run should say so rather than hang. Binds only
 * where qc_write_all can (see qc_io.h). */
enum { QR_WRITE_TIMEOUT_MS = 30000 };

void qr_errf(char *err, size_t errlen, const char *fmt, ...)
{
  if (!err || errlen == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

static int mkdir_one(const char *p)
{
  if (mkdir(p, 0755) == 0)
    return 0;
  struct stat st;
  if (errno == EEXIST && stat(p, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return 0;
    errno = ENOTDIR;
  }
  return -1;
}

int qr_mkdirs(const char *path, char *err, size_t errlen)
{
  char p[PATH_MAX];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof p) {
    qr_errf(err, errlen, "cannot create directory %s: %s", path,
            n ? "path too long" : "empty path");
    return -1;
  }
  memcpy(p, path, n + 1);
  for (size_t i = 1; i < n; i++) {
    if (p[i] != '/')
      continue;
    p[i] = '\0';
    int rc = mkdir_one(p);
    p[i] = '/';
    if (rc < 0) {
      qr_errf(err, errlen, "cannot create directory %.*s: %s", (int)i, p,
              strerror(errno));
      return -1;
    }
  }
  if (mkdir_one(p) < 0) {
    qr_errf(err, errlen, "cannot create directory %s: %s", p, strerror(errno));
    return -1;
  }
  return 0;
}

int qr_atomic_open(qr_atomic *a, const char *path, char *err, size_t errlen)
{
  a->fd = -1;
  a->saved_errno = 0;
  int len = snprintf(a->tmp, sizeof a->tmp, "%s.tmp.XXXXXX", path);
  int plen = snprintf(a->path, sizeof a->path, "%s", path);
  if (len < 0 || (size_t)len >= sizeof a->tmp || plen < 0 ||
      (size_t)plen >= sizeof a->path) {
    qr_errf(err, errlen, "cannot write %s: path too long", path);
    return -1;
  }
  a->fd = mkstemp(a->tmp);
  if (a->fd < 0) {
    qr_errf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

void qr_atomic_write(qr_atomic *a, const void *data, size_t n)
{
  if (a->fd < 0 || a->saved_errno || n == 0)
    return;
  int rc = qc_write_all(a->fd, data, n, qc_deadline_in(QR_WRITE_TIMEOUT_MS));
  if (rc == QC_IO_TIMEOUT)
    a->saved_errno = ETIMEDOUT;
  else if (rc < 0)
    a->saved_errno = errno ? errno : EIO;
}

void qr_atomic_abort(qr_atomic *a)
{
  if (a->fd < 0)
    return;
  close(a->fd);
  a->fd = -1;
  unlink(a->tmp);
}

int qr_atomic_commit(qr_atomic *a, char *err, size_t errlen)
{
  if (a->fd < 0) {
    qr_errf(err, errlen, "cannot write %s: not open", a->path);
    return -1;
  }
  const char *what = "write";
  int rc = a->saved_errno ? -1 : 0;
  int saved = a->saved_errno;
  if (rc == 0) {
    /* mkstemp makes 0600; reports are for everyone who may read the dir. */
    what = "chmod";
    rc = fchmod(a->fd, 0644);
    saved = errno;
  }
  if (rc == 0) {
    what = "fsync";
    rc = fsync(a->fd);
    saved = errno;
  }
  if (close(a->fd) < 0 && rc == 0) {
    what = "close";
    saved = errno;
    rc = -1;
  }
  a->fd = -1;
  if (rc == 0) {
    what = "rename";
    rc = rename(a->tmp, a->path);
    saved = errno;
  }
  if (rc < 0) {
    unlink(a->tmp);
    qr_errf(err, errlen, "cannot write %s (%s): %s", a->path, what,
            strerror(saved));
    return -1;
  }
  return 0;
}

int qr_write_atomic(const char *path, const void *data, size_t n, char *err,
                    size_t errlen)
{
  qr_atomic a;
  if (qr_atomic_open(&a, path, err, errlen) < 0)
    return -1;
  qr_atomic_write(&a, data, n);
  return qr_atomic_commit(&a, err, errlen);
}

char *qr_read_file(const char *path, size_t max, size_t *len, char *err,
                   size_t errlen)
{
  *len = 0;
  /* O_NONBLOCK: opening a FIFO named by mistake must not wait for a
   * writer; it is refused below as not a regular file. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    qr_errf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  const char *why = NULL;
  char toobig[64];
  snprintf(toobig, sizeof toobig, "larger than %zu bytes", max);
  if (fstat(fd, &st) < 0)
    why = strerror(errno);
  else if (S_ISDIR(st.st_mode))
    why = strerror(EISDIR);
  else if (!S_ISREG(st.st_mode))
    why = "not a regular file";
  else if ((unsigned long long)st.st_size > max)
    why = toobig;
  char *s = why ? NULL : malloc((size_t)st.st_size + 1);
  if (!why && !s)
    why = strerror(ENOMEM);
  size_t n = 0;
  int64_t deadline = qc_deadline_in(QR_WRITE_TIMEOUT_MS);
  while (!why) {
    /* Read to end of file, not to st_size: the file may have changed. */
    if (n == (size_t)st.st_size) {
      char probe;
      ssize_t k = qc_read_some(fd, &probe, 1, deadline);
      if (k == 0)
        break;
      why = k > 0 ? "changed while being read" : NULL;
      if (k < 0)
        why = k == QC_IO_TIMEOUT ? strerror(ETIMEDOUT) : strerror(errno);
      break;
    }
    ssize_t k = qc_read_some(fd, s + n, (size_t)st.st_size - n, deadline);
    if (k == 0)
      break;
    if (k < 0)
      why = k == QC_IO_TIMEOUT ? strerror(ETIMEDOUT) : strerror(errno);
    else
      n += (size_t)k;
  }
  close(fd);
  if (why) {
    free(s);
    qr_errf(err, errlen, "cannot read %s: %s", path, why);
    return NULL;
  }
  s[n] = '\0';
  *len = n;
  return s;
}

int qr_is_file(const char *dir, const char *rel)
{
  char p[PATH_MAX];
  int n = snprintf(p, sizeof p, "%s/%s", dir, rel);
  struct stat st;
  return n > 0 && (size_t)n < sizeof p && stat(p, &st) == 0 &&
         S_ISREG(st.st_mode);
}
