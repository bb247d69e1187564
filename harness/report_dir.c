/* report_dir: make a report directory ready, safely. */
#include "report_dir.h"

#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The canonical form of path, which need not exist yet: realpath of its
 * longest existing prefix, then the rest as written. A "." or ".." in the
 * rest could climb back anywhere once created: refused (-1, EINVAL). */
static int resolve(const char *path, char *out, size_t len)
{
  char head[PATH_MAX], cwd[PATH_MAX];
  int n = path[0] == '/' ? snprintf(head, sizeof head, "%s", path)
          : getcwd(cwd, sizeof cwd)
              ? snprintf(head, sizeof head, "%s/%s", cwd, path)
              : -1;
  if (n < 0 || n >= (int)sizeof head) {
    errno = ENAMETOOLONG;
    return -1;
  }
  char tail[PATH_MAX] = ""; /* the components that do not exist yet */
  for (;;) {
    char real[PATH_MAX];
    if (realpath(head, real)) {
      n = snprintf(out, len, "%s%s%s", strcmp(real, "/") ? real : "",
                   tail[0] ? "/" : "", tail);
      if (n >= (int)len)
        errno = ENAMETOOLONG;
      return n < (int)len ? 0 : -1;
    }
    if (errno != ENOENT)
      return -1;
    char *slash = strrchr(head, '/'); /* head is absolute: always one */
    const char *comp = slash + 1;
    if (!strcmp(comp, ".") || !strcmp(comp, "..")) {
      errno = EINVAL;
      return -1;
    }
    if (comp[0]) {
      char t[PATH_MAX];
      if (snprintf(t, sizeof t, "%s%s%s", comp, tail[0] ? "/" : "", tail) >=
          (int)sizeof t) {
        errno = ENAMETOOLONG;
        return -1;
      }
      memcpy(tail, t, strlen(t) + 1);
    }
    if (slash == head)
      slash[1] = '\0'; /* "/" always resolves */
    else
      *slash = '\0';
  }
}

/* true when dir is the project itself or inside one of its source
 * folders: a report there would land in the suite's own tree. */
static bool inside_project(const char *d, const char *home)
{
  static const char *const own[] = {"cases",   "fixtures", "servers", "harness",
                                    "sim",     "reports",  "ci",      ".ci"};
  char h[PATH_MAX];
  if (!realpath(home, h))
    return false;
  if (strcmp(d, h) == 0)
    return true;
  size_t hl = strlen(h);
  if (strncmp(d, h, hl) != 0 || d[hl] != '/')
    return false;
  const char *rest = d + hl + 1;
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
    size_t n = strlen(own[i]);
    if (strncmp(rest, own[i], n) == 0 && (rest[n] == '\0' || rest[n] == '/'))
      return true;
  }
  return false;
}

/* A directory is ours when it has our mark, or a results.json we wrote
 * (reports from before the mark existed). */
static bool ours(const char *dir)
{
  char p[PATH_MAX + 32];
  struct stat st;
  snprintf(p, sizeof p, "%s/" QH_REPORT_MARK, dir);
  if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
    return true;
  snprintf(p, sizeof p, "%s/results.json", dir);
  int fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return false;
  char head[512];
  ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                  ? read(fd, head, sizeof head - 1)
                  : -1;
  close(fd);
  if (n <= 0)
    return false;
  head[n] = '\0';
  return strstr(head, "\"tool\": \"qftp-harness\"") != NULL;
}

int qh_report_dir_prepare(const char *dir, const char *home, char *err,
                          size_t errlen)
{
  char real[PATH_MAX];
  if (resolve(dir, real, sizeof real) < 0) {
    snprintf(err, errlen, "--report-dir %s: %s", dir,
             errno == EINVAL ? "no . or .. after the part that exists"
                             : strerror(errno));
    return -1;
  }
  if (inside_project(real, home)) {
    snprintf(err, errlen,
             "--report-dir %s is inside the project's own sources: choose "
             "a directory of its own (default ./qftp-reports)",
             dir);
    return -1;
  }
  struct stat st;
  if (stat(real, &st) == 0 && !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "--report-dir %s: not a directory", dir);
    return -1;
  }
  char cases[PATH_MAX + 16];
  snprintf(cases, sizeof cases, "%s/cases", real);
  if (stat(cases, &st) == 0 && !ours(real)) {
    snprintf(err, errlen,
             "%s/cases already exists and is not from a report of ours: "
             "choose another --report-dir",
             dir);
    return -1;
  }
  if (qh_mkdirs(real, 0755) < 0) {
    snprintf(err, errlen, "%s: %s", dir, strerror(errno));
    return -1;
  }
  char mark[PATH_MAX + 32];
  snprintf(mark, sizeof mark, "%s/" QH_REPORT_MARK, real);
  FILE *f = fopen(mark, "w");
  if (!f || fputs("qftp-harness report directory; its cases/ is replaced "
                  "by each run\n",
                  f) < 0 ||
      fclose(f) != 0) {
    snprintf(err, errlen, "%s: %s", mark, strerror(errno));
    return -1;
  }
  qh_remove_tree(cases); /* a previous run's cases are not this run's */
  return 0;
}
