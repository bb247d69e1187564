/* The profile loader (qc_profile.c over qc_yaml.c): any text loads or is
 * refused with one line "path:line:col: what" (or "path: what" when the
 * file itself cannot be read), in bounded time (libFuzzer's -timeout);
 * a loaded profile answers every schema key.
 *
 * Input: the profile text; after a NUL byte, the text of a second profile
 * "b.yaml" beside it, so `base: b` (and `base: p`, a cycle) reach real
 * files. */
#include "qc_profile.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[PATH_MAX], main_path[PATH_MAX], base_path[PATH_MAX];

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
  unlink(main_path);
  unlink(base_path);
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  const char *t = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/fuzz-profile-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(dir))
    abort();
  snprintf(main_path, sizeof main_path, "%s/p.yaml", dir);
  snprintf(base_path, sizeof base_path, "%s/b.yaml", dir);
  atexit(cleanup);
  return 0;
}

/* "<path>:<line>:<col>: what" or "<path>: what", one line, where <path>
 * is one of the two files (a base's error is wrapped in its user's). */
static void check_err(const char *err)
{
  if (strchr(err, '\n') || strchr(err, '\r'))
    abort();
  size_t lp = strlen(main_path), lb = strlen(base_path);
  const char *p;
  if (strncmp(err, main_path, lp) == 0)
    p = err + lp;
  else if (strncmp(err, base_path, lb) == 0)
    p = err + lb;
  else
    abort();
  if (p[0] == ':' && p[1] == ' ' && p[2])
    return;
  if (*p++ != ':' || !isdigit((unsigned char)*p))
    abort();
  while (isdigit((unsigned char)*p))
    p++;
  if (*p++ != ':' || !isdigit((unsigned char)*p))
    abort();
  while (isdigit((unsigned char)*p))
    p++;
  if (p[0] != ':' || p[1] != ' ' || !p[2])
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  const uint8_t *nul = memchr(d, 0, n);
  size_t n1 = nul ? (size_t)(nul - d) : n;
  put(main_path, d, n1);
  if (nul)
    put(base_path, nul + 1, n - n1 - 1);
  else
    unlink(base_path);
  qc_profile *p = NULL;
  char err[1024];
  err[0] = '\0';
  if (qc_profile_load(main_path, &p, err, sizeof err) < 0) {
    if (p)
      abort();
    check_err(err);
    return 0;
  }
  if (!p)
    abort();
  size_t count = qc_profile_count(p);
  if (count == 0)
    abort();
  for (size_t i = 0; i < count; i++) {
    const char *k = qc_profile_key_at(p, i);
    if (!k)
      abort();
    const char *v = qc_profile_value_at(p, i);
    if (v != qc_profile_get(p, k))
      abort();
    (void)qc_profile_get_long(p, k, 0);
    (void)qc_profile_get_bool(p, k, false);
    (void)qc_profile_origin(p, k);
    (void)qc_profile_evidence(p, k);
  }
  qc_profile_free(p);
  return 0;
}
