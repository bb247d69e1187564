/* The profile loader (qc_profile.c over qc_yaml.c): any text loads or is
 * refused with one line "path:line:col: what" (or "path: what" when the
 * file itself cannot be read), in bounded time (libFuzzer's -timeout);
 * a loaded profile answers every schema key.
 *
 * Input: the profile text; after a NUL byte, the text of a second profile
 * "b.yaml" beside it, so `base: b` (and `base: p`, a cycle) reach a second
 * file. Both are served from memory through the loader's qc_yaml_src. */
#include "qc_profile.h"
#include "qc_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The two files live in memory (a qc_yaml_src), so a run costs no file
 * system calls; every other path does not exist, as in an empty directory. */
static const char main_path[] = "/fuzz/p.yaml", base_path[] = "/fuzz/b.yaml";

typedef struct mem_file {
  const char *path;
  const uint8_t *d;
  size_t n;
  int present;
} mem_file;

static mem_file files[2] = {{main_path, NULL, 0, 0}, {base_path, NULL, 0, 0}};

static const mem_file *lookup(const char *path)
{
  for (size_t i = 0; i < 2; i++)
    if (files[i].present && strcmp(files[i].path, path) == 0)
      return &files[i];
  return NULL;
}

static char *mem_read(void *ctx, const char *path, size_t max, size_t *len,
                      char *err, size_t errlen)
{
  (void)ctx, (void)max;
  const mem_file *f = lookup(path);
  if (!f) {
    snprintf(err, errlen, "%s: %s", path, strerror(ENOENT));
    return NULL;
  }
  char *t = malloc(f->n + 1);
  if (!t)
    abort();
  if (f->n)
    memcpy(t, f->d, f->n);
  t[f->n] = '\0';
  *len = f->n;
  return t;
}

static int mem_exists(void *ctx, const char *path)
{
  (void)ctx;
  return lookup(path) ? 0 : ENOENT;
}

static const qc_yaml_src mem = {mem_read, mem_exists, NULL};

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
  files[0] = (mem_file){main_path, d, n1, 1};
  files[1] = (mem_file){base_path, nul ? nul + 1 : NULL,
                        nul ? n - n1 - 1 : 0, nul != NULL};
  qc_profile *p = NULL;
  char err[1024];
  err[0] = '\0';
  if (qc_profile_load_src(&mem, main_path, &p, err, sizeof err) < 0) {
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
