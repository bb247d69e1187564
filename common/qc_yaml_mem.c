/* qc_yaml_mem: see qc_yaml_mem.h. */
#include "qc_yaml_mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const qc_yaml_mem_file *lookup(const qc_yaml_mem *m, const char *path)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->files[i].present && strcmp(m->files[i].path, path) == 0)
      return &m->files[i];
  return NULL;
}

static char *mem_read(void *ctx, const char *path, size_t max, size_t *len,
                      char *err, size_t errlen)
{
  (void)max; /* the loader refuses what is longer */
  const qc_yaml_mem_file *f = lookup(ctx, path);
  if (!f) {
    snprintf(err, errlen, "%s: %s", path, strerror(ENOENT));
    return NULL;
  }
  char *t = malloc(f->len + 1);
  if (!t) {
    snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  if (f->len)
    memcpy(t, f->data, f->len);
  t[f->len] = '\0';
  *len = f->len;
  return t;
}

static int mem_exists(void *ctx, const char *path)
{
  return lookup(ctx, path) ? 0 : ENOENT;
}

qc_yaml_src qc_yaml_mem_src(const qc_yaml_mem *m)
{
  return (qc_yaml_src){mem_read, mem_exists, (void *)m};
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

bool qc_yaml_msg_ok(const qc_yaml_mem *m, const char *err)
{
  if (!err[0] || strchr(err, '\n') || strchr(err, '\r'))
    return false;
  for (size_t i = 0; i < m->n; i++) {
    size_t lp = strlen(m->files[i].path);
    if (strncmp(err, m->files[i].path, lp) != 0 || err[lp] != ':')
      continue;
    const char *p = err + lp + 1;
    if (*p != ' ') { /* LINE:COL: */
      const char *q = number(p);
      if (!q || !(q = number(q)))
        continue;
      p = q;
    }
    if (p[0] == ' ' && p[1])
      return true;
  }
  return false;
}
