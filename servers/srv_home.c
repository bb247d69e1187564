#include "srv_home.h"
#include "qc_payload.h"
#include "srv_path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int empty_dir(int dfd, const char *label, int depth, char *err,
                     size_t errlen)
{
  if (depth > SRV_HOME_DEPTH_MAX) {
    snprintf(err, errlen, "%s: deeper than %d levels", label,
             SRV_HOME_DEPTH_MAX);
    return -1;
  }
  int dup = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
  DIR *d = dup >= 0 ? fdopendir(dup) : NULL;
  if (!d) {
    snprintf(err, errlen, "%s: %s", label, strerror(errno));
    if (dup >= 0)
      close(dup);
    return -1;
  }
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    const char *name = e->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      snprintf(err, errlen, "%s/%s: %s", label, name, strerror(errno));
      rc = -1;
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      int c =
          openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (c < 0) {
        snprintf(err, errlen, "%s/%s: %s", label, name, strerror(errno));
        rc = -1;
        break;
      }
      /* a read-only (0555) dir of an earlier case must be emptied too */
      if (fchmod(c, 0700) < 0) {
        snprintf(err, errlen, "%s/%s: chmod: %s", label, name, strerror(errno));
        close(c);
        rc = -1;
        break;
      }
      char sub[SRV_PATH_MAX + 64];
      snprintf(sub, sizeof sub, "%s/%s", label, name);
      rc = empty_dir(c, sub, depth + 1, err, errlen);
      close(c);
      if (rc == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0) {
        snprintf(err, errlen, "%s/%s: rmdir: %s", label, name, strerror(errno));
        rc = -1;
      }
    } else if (unlinkat(dfd, name, 0) < 0) {
      snprintf(err, errlen, "%s/%s: unlink: %s", label, name, strerror(errno));
      rc = -1;
    }
  }
  closedir(d);
  return rc;
}

static int open_home(const char *home, char *err, size_t errlen)
{
  int fd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    snprintf(err, errlen, "home %s: %s", home, strerror(errno));
  return fd;
}

int srv_home_empty(const char *home, char *err, size_t errlen)
{
  int fd = open_home(home, err, errlen);
  if (fd < 0)
    return -1;
  int rc = empty_dir(fd, "home", 0, err, errlen);
  close(fd);
  return rc;
}

/* Opens (creating as needed, owned by uid/gid) the directory made of the
 * first `len` bytes of `rel` below home_fd; len 0 is the home itself.
 * Returns an fd or -1 (errno set). */
static int open_dirs(int home_fd, const char *rel, size_t len, uid_t uid,
                     gid_t gid)
{
  int cur = fcntl(home_fd, F_DUPFD_CLOEXEC, 0);
  size_t i = 0;
  while (cur >= 0 && i < len) {
    char comp[SRV_PATH_MAX + 1];
    size_t n = 0;
    while (i + n < len && rel[i + n] != '/')
      n++;
    memcpy(comp, rel + i, n);
    comp[n] = '\0';
    i += n + 1;
    bool made = mkdirat(cur, comp, 0755) == 0;
    if (!made && errno != EEXIST) {
      int e = errno;
      close(cur);
      errno = e;
      return -1;
    }
    int next =
        openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(cur);
    if (next >= 0 && made && fchown(next, uid, gid) < 0) {
      e = errno;
      close(next);
      next = -1;
    }
    cur = next;
    errno = e;
  }
  return cur;
}

static int write_text(int fd, const char *text)
{
  size_t n = text ? strlen(text) : 0, done = 0;
  while (done < n) {
    ssize_t w = write(fd, text + done, n - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    done += (size_t)w;
  }
  return 0;
}

static int make_file(int home_fd, const srv_file *f, uid_t uid, gid_t gid)
{
  const char *slash = strrchr(f->path, '/');
  size_t plen = slash ? (size_t)(slash - f->path) : 0;
  const char *base = slash ? slash + 1 : f->path;
  int dir = open_dirs(home_fd, f->path, plen, uid, gid);
  if (dir < 0)
    return -1;
  int fd = openat(dir, base,
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  int e = errno;
  close(dir);
  if (fd < 0) {
    errno = e;
    return -1;
  }
  int rc = fchown(fd, uid, gid);
  if (rc == 0 && f->kind == SRV_FILE_PAYLOAD)
    rc = qc_payload_write_fd(fd, f->seed, f->size);
  if (rc == 0 && f->kind == SRV_FILE_TEXT)
    rc = write_text(fd, f->text);
  e = errno;
  if (close(fd) < 0 && rc == 0) {
    e = errno;
    rc = -1;
  }
  errno = e;
  return rc;
}

static int make_one(int home_fd, const srv_file *f, uid_t uid, gid_t gid)
{
  int fd;
  switch (f->kind) {
  case SRV_FILE_DIR:
    fd = open_dirs(home_fd, f->path, strlen(f->path), uid, gid);
    if (fd < 0)
      return -1;
    close(fd);
    return 0;
  case SRV_FILE_PAYLOAD:
  case SRV_FILE_TEXT:
    return make_file(home_fd, f, uid, gid);
  }
  errno = EINVAL;
  return -1;
}

/* "cases/x.yaml:12:5: " when the case said where, else "". */
static void where_prefix(const srv_file *f, char *buf, size_t len)
{
  if (f->where.file)
    snprintf(buf, len, "%s:%d:%d: ", f->where.file, f->where.line,
             f->where.col);
  else if (len)
    buf[0] = '\0';
}

int srv_home_seed(const char *home, uid_t uid, gid_t gid, const srv_file *files,
                  size_t n, char *err, size_t errlen)
{
  char where[512], why[SRV_PATH_MAX + 128];
  for (size_t i = 0; i < n; i++) {
    const srv_file *f = &files[i];
    const char *bad = NULL;
    if (srv_path_check(f->path, why, sizeof why) < 0)
      bad = why;
    else if (f->kind == SRV_FILE_PAYLOAD && f->size > SRV_HOME_PAYLOAD_MAX)
      bad = "payload larger than 4 GiB";
    if (bad) {
      where_prefix(f, where, sizeof where);
      snprintf(err, errlen, "%s%s%s%s", where, bad == why ? "" : f->path,
               bad == why ? "" : ": ", bad);
      return -1;
    }
  }
  int home_fd = open_home(home, err, errlen);
  if (home_fd < 0)
    return -1;
  int rc = empty_dir(home_fd, "home", 0, err, errlen);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    if (make_one(home_fd, &files[i], uid, gid) < 0) {
      where_prefix(&files[i], where, sizeof where);
      snprintf(err, errlen, "%s%s: %s", where, files[i].path,
               errno == EEXIST ? "listed twice" : strerror(errno));
      rc = -1;
    }
  }
  /* read-only last, so files can still be seeded inside those dirs */
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const srv_file *f = &files[i];
    if (f->kind != SRV_FILE_DIR || f->writable)
      continue;
    int fd = openat(home_fd, f->path,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fchmod(fd, 0555) < 0) {
      where_prefix(f, where, sizeof where);
      snprintf(err, errlen, "%s%s: chmod: %s", where, f->path, strerror(errno));
      rc = -1;
    }
    if (fd >= 0)
      close(fd);
  }
  close(home_fd);
  return rc;
}
