#include "srv_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qc_redact.h"

uint64_t srv_log_size(const char *path)
{
  struct stat st;
  if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
    return 0;
  return (uint64_t)st.st_size;
}

int srv_log_copy_since(const char *path, uint64_t offset, const char *dest_path,
                       char *err, size_t errlen)
{
  int out = open(dest_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    snprintf(err, errlen, "%s: %s", dest_path, strerror(errno));
    return -1;
  }
  int in = open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    int e = errno;
    close(out);
    if (e == ENOENT)
      return 0;
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    return -1;
  }
  struct stat st;
  /* Copy up to the size seen now: a log still growing cannot keep us. */
  uint64_t end = fstat(in, &st) == 0 ? (uint64_t)st.st_size : 0;
  if (offset > end)
    offset = 0;
  int rc = 0;
  const char *what = path;
  if (lseek(in, (off_t)offset, SEEK_SET) < 0)
    rc = -1;
  /* The copy goes into a report: credentials hidden (qc_redact.h). */
  else if (qc_redact_copy_fd(in, end - offset, out) < 0) {
    what = errno == EIO || errno == ENOSPC ? dest_path : path;
    rc = -1;
  }
  int e = errno;
  close(in);
  if (close(out) < 0 && rc == 0) {
    e = errno;
    what = dest_path;
    rc = -1;
  }
  if (rc < 0)
    snprintf(err, errlen, "%s: %s", what, strerror(e));
  return rc;
}

int srv_log_read_since(const char *path, uint64_t offset, char **out,
                       size_t *len, int *cut, char *err, size_t errlen)
{
  *out = NULL;
  *len = 0;
  *cut = 0;
  int in = open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0 && errno != ENOENT) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  uint64_t end = in >= 0 && fstat(in, &st) == 0 ? (uint64_t)st.st_size : 0;
  if (offset > end)
    offset = 0;
  if (end - offset > SRV_LOG_SLICE_MAX) {
    offset = end - SRV_LOG_SLICE_MAX;
    *cut = 1;
  }
  size_t want = (size_t)(end - offset), got = 0;
  char *buf = malloc(want + 1);
  if (!buf) {
    if (in >= 0)
      close(in);
    snprintf(err, errlen, "%s: out of memory for %zu bytes", path, want);
    return -1;
  }
  while (got < want) {
    ssize_t r = pread(in, buf + got, want - got, (off_t)(offset + got));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      snprintf(err, errlen, "%s: %s", path, strerror(errno));
      close(in);
      free(buf);
      return -1;
    }
    if (r == 0)
      break; /* truncated under us: keep what we have */
    got += (size_t)r;
  }
  if (in >= 0)
    close(in);
  buf[got] = '\0';
  *out = buf;
  *len = got;
  return 0;
}
