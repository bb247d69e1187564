/* srv_homefile: home files read component by component, never through a
 * link (O_NOFOLLOW on every step). */
#include "srv_homefile.h"
#include "srv_path.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { HOMEFILE_BUF = 16 * 1024 }; /* bytes read at a time */

static int fail(int e, const char *rel, int *missing, char *err, size_t errlen)
{
  *missing = e == ENOENT || e == ENOTDIR;
  if (!*missing)
    snprintf(err, errlen, "\"%.200s\": %s", rel,
             e == ELOOP ? "a symbolic link is on the way" : strerror(e));
  else
    snprintf(err, errlen, "\"%.200s\": no such file", rel);
  return -1;
}

/* The directory holding rel's last component: an fd, *base its name. */
static int open_parent(const char *home, const char *rel, const char **base,
                       int *missing, char *err, size_t errlen)
{
  if (srv_path_check(rel, err, errlen) < 0) {
    *missing = 0;
    return -1;
  }
  int cur = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cur < 0) {
    *missing = 0;
    snprintf(err, errlen, "home %s: %s", home, strerror(errno));
    return -1;
  }
  const char *p = rel;
  for (const char *slash; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
    char comp[SRV_PATH_MAX + 1];
    size_t n = (size_t)(slash - p);
    memcpy(comp, p, n);
    comp[n] = '\0';
    int next =
        openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    struct stat st;
    /* O_NOFOLLOW|O_DIRECTORY on a link fails ENOTDIR, as on a file: tell
     * "a link is on the way" from "no such directory". */
    if (next < 0 && e == ENOTDIR &&
        fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(st.st_mode))
      e = ELOOP;
    close(cur);
    if (next < 0)
      return fail(e, rel, missing, err, errlen);
    cur = next;
  }
  *base = p;
  return cur;
}

int srv_homefile_stat(const char *home, const char *rel, struct stat *st,
                      int *missing, char *err, size_t errlen)
{
  const char *base;
  int dir = open_parent(home, rel, &base, missing, err, errlen);
  if (dir < 0)
    return -1;
  int rc = fstatat(dir, base, st, AT_SYMLINK_NOFOLLOW);
  int e = errno;
  close(dir);
  return rc < 0 ? fail(e, rel, missing, err, errlen) : 0;
}

int srv_homefile_open(const char *home, const char *rel, int *missing,
                      char *err, size_t errlen)
{
  const char *base;
  int dir = open_parent(home, rel, &base, missing, err, errlen);
  if (dir < 0)
    return -1;
  /* O_NONBLOCK: a FIFO planted in the home must not hang us. */
  int fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  int e = errno;
  close(dir);
  if (fd < 0)
    return fail(e, rel, missing, err, errlen);
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    *missing = 0;
    snprintf(err, errlen, "\"%.200s\": not a regular file", rel);
    return -1;
  }
  return fd;
}

int srv_homefile_sha256(int fd, char *hex, char *err, size_t errlen)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(ctx);
    snprintf(err, errlen, "SHA-256: OpenSSL could not start a digest");
    return -1;
  }
  unsigned char buf[HOMEFILE_BUF];
  int rc = 0;
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      snprintf(err, errlen, "SHA-256: read: %s", strerror(errno));
      rc = -1;
      break;
    }
    if (r == 0)
      break;
    if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1) {
      snprintf(err, errlen, "SHA-256: digest update failed");
      rc = -1;
      break;
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  if (rc == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
    snprintf(err, errlen, "SHA-256: digest final failed");
    rc = -1;
  }
  EVP_MD_CTX_free(ctx);
  if (rc == 0)
    for (unsigned int i = 0; i < mdlen; i++)
      snprintf(hex + 2 * i, 3, "%02x", md[i]);
  return rc;
}
