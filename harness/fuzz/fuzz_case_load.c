/* The case loader (case_load.c and the cl_* parsers over qc_yaml.c): any
 * text loads or is refused with one line "path:line:col: what" (or
 * "path: what" when a file itself cannot be read), in bounded time
 * (libFuzzer's -timeout) and memory (-rss_limit_mb).
 *
 * Input: the case text; after a NUL byte, the text of a fragment
 * "f.yaml" in the fragments directory, so `use: f` reaches a second file.
 * Both are served from memory through the loader's qc_yaml_src. */
#include "case.h"
#include "qc_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The two files live in memory (a qc_yaml_src), so a run costs no file
 * system calls; every other path does not exist, as in an empty directory. */
static const char dir[] = "/fuzz", case_path[] = "/fuzz/c.yaml",
                  frag_path[] = "/fuzz/f.yaml";

typedef struct mem_file {
  const char *path;
  const uint8_t *d;
  size_t n;
  int present;
} mem_file;

static mem_file files[2] = {{case_path, NULL, 0, 0}, {frag_path, NULL, 0, 0}};

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
  files[0] = (mem_file){case_path, d, n1, 1};
  files[1] = (mem_file){frag_path, nul ? nul + 1 : NULL,
                        nul ? n - n1 - 1 : 0, nul != NULL};
  qh_case *c = NULL;
  char err[1024];
  err[0] = '\0';
  if (qh_case_load_src(&mem, case_path, dir, NULL, &c, err, sizeof err) < 0) {
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
