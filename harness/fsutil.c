/* fsutil: mkdir -p, rm -rf, copy a file's tail. */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qc_redact.h"

int qh_mkdirs(const char *path, mode_t mode)
{
  char buf[PATH_MAX];
  if (strlen(path) >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, mode) < 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  if (mkdir(buf, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
  (void)st;
  (void)ftw;
  if (flag == FTW_DP)
    return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
  return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int qh_remove_tree(const char *path)
{
  struct stat st;
  if (lstat(path, &st) < 0)
    return errno == ENOENT ? 0 : -1;
  /* Read-only directories (seeded for 553 cases) must be opened to be
   * emptied: FTW_DEPTH visits children first; chmod as root is implied. */
  return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

int qh_copy_file_from(const char *src, uint64_t offset, const char *dst)
{
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return -1;
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    close(in);
    return -1;
  }
  int rc = 0;
  if (lseek(in, (off_t)offset, SEEK_SET) < 0)
    rc = -1;
  else
    rc = qc_redact_copy_fd(in, UINT64_MAX, out);
  close(in);
  if (close(out) < 0)
    rc = -1;
  return rc;
}

/* The part of path after dir and its '/', or NULL when path is not under
 * dir ("/a/b" is not under "/a/bc"). */
static const char *under(const char *dir, const char *path)
{
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/')
    n--;
  if (n == 1 && dir[0] == '/')
    return path[0] == '/' && path[1] ? path + 1 : NULL;
  if (strncmp(path, dir, n) != 0 || path[n] != '/')
    return NULL;
  path += n;
  while (*path == '/')
    path++;
  return *path ? path : NULL;
}

const char *qh_path_from_home(const char *home, const char *path, char *out,
                              size_t len)
{
  const char *rel = NULL;
  if (home && *home && path) {
    /* The spelling the runner builds case paths with: HOME/cases/... */
    rel = under(home, path);
    if (!rel && strcmp(home, ".") == 0 && path[0] != '/')
      rel = path;
    while (rel && rel[0] == '.' && rel[1] == '/')
      rel += 2;
    char rh[PATH_MAX], rp[PATH_MAX];
    if (!rel && realpath(home, rh) && realpath(path, rp)) {
      const char *r = under(rh, rp);
      if (r) { /* rp is ours: copied before it goes out of scope */
        snprintf(out, len, "%s", r);
        return out;
      }
    }
  }
  snprintf(out, len, "%s", rel ? rel : path ? path : "");
  return out;
}
