/* The case loader (case_load.c and the cl_* parsers over qc_yaml.c): any
 * text loads or is refused with one line "path:line:col: what" (or
 * "path: what" when a file itself cannot be read), in bounded time
 * (libFuzzer's -timeout) and memory (-rss_limit_mb).
 *
 * Input: the case text; after a NUL byte, the text of a fragment
 * "f.yaml" in the fragments directory, so `use: f` reaches a real file. */
#include "case.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[PATH_MAX], case_path[PATH_MAX], frag_path[PATH_MAX];

static void put(const char *path, const uint8_t *d, size_t n)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    abort();
  while (n > 0) {
    ssize_t w = write(fd, d, n);
    if (w <= 0)
      abort();
    d += w;
    n -= (size_t)w;
  }
  close(fd);
}

static void cleanup(void)
{
  unlink(case_path);
  unlink(frag_path);
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  const char *t = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/fuzz-case-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(dir))
    abort();
  snprintf(case_path, sizeof case_path, "%s/c.yaml", dir);
  snprintf(frag_path, sizeof frag_path, "%s/f.yaml", dir);
  atexit(cleanup);
  return 0;
}

/* Skips "<digits>:" and returns what follows, or NULL. */
static const char *number(const char *p)
{
  if (!isdigit((unsigned char)*p))
    return NULL;
  while (isdigit((unsigned char)*p))
    p++;
  return *p == ':' ? p + 1 : NULL;
}

static void check_err(const char *err)
{
  if (!err[0] || strchr(err, '\n') || strchr(err, '\r'))
    abort();
  size_t lc = strlen(case_path), lf = strlen(frag_path);
  const char *p;
  if (strncmp(err, case_path, lc) == 0)
    p = err + lc;
  else if (strncmp(err, frag_path, lf) == 0)
    p = err + lf;
  else
    abort();
  if (*p++ != ':')
    abort();
  if (*p != ' ') {
    const char *q = number(p);
    if (!q || !(q = number(q)))
      abort();
    p = q;
  }
  if (p[0] != ' ' || !p[1])
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  const uint8_t *nul = memchr(d, 0, n);
  size_t n1 = nul ? (size_t)(nul - d) : n;
  put(case_path, d, n1);
  if (nul)
    put(frag_path, nul + 1, n - n1 - 1);
  else
    unlink(frag_path);
  qh_case *c = NULL;
  char err[1024];
  err[0] = '\0';
  if (qh_case_load(case_path, dir, &c, err, sizeof err) < 0) {
    if (c)
      abort();
    check_err(err);
    return 0;
  }
  if (!c)
    abort();
  qh_case_free(c);
  return 0;
}
