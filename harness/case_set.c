/* case_set: discovery, loading and selection of case files. */
#include "case_set.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { SET_MAX_FILES = 100000, SET_MAX_DEPTH = 16 };

typedef struct names {
  char **v;
  size_t n, cap;
} names;

static int names_add(names *ns, const char *s)
{
  if (ns->n == ns->cap) {
    size_t cap = ns->cap ? ns->cap * 2 : 64;
    char **v = realloc(ns->v, cap * sizeof *v);
    if (!v)
      return -1;
    ns->v = v;
    ns->cap = cap;
  }
  if (!(ns->v[ns->n] = strdup(s)))
    return -1;
  ns->n++;
  return 0;
}

static bool has_yaml_suffix(const char *name)
{
  size_t n = strlen(name);
  return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
         (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static size_t walk(const char *dir, int depth, names *out, FILE *errs)
{
  if (depth > SET_MAX_DEPTH) {
    fprintf(errs, "%s: directories nested too deep\n", dir);
    return 1;
  }
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(errs, "%s: %s\n", dir, strerror(errno));
    return 1;
  }
  size_t errors = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || e->d_name[0] == '_')
      continue;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
        sizeof path) {
      fprintf(errs, "%s/%s: path too long\n", dir, e->d_name);
      errors++;
      continue;
    }
    struct stat st;
    if (stat(path, &st) < 0)
      continue; /* a dangling link is no case */
    if (S_ISDIR(st.st_mode))
      errors += walk(path, depth + 1, out, errs);
    else if (S_ISREG(st.st_mode) && has_yaml_suffix(e->d_name) &&
             out->n < SET_MAX_FILES && names_add(out, path) < 0) {
      fprintf(errs, "out of memory\n");
      errors++;
    }
  }
  closedir(d);
  return errors;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_case(const void *a, const void *b)
{
  const qh_case *x = *(qh_case *const *)a, *y = *(qh_case *const *)b;
  return strcmp(x->id, y->id);
}

size_t qh_case_set_load(qh_case_set *set, const char *const *paths,
                        size_t npaths, const char *fragments_dir, FILE *errs)
{
  names files = {0};
  size_t errors = 0;
  for (size_t i = 0; i < npaths; i++) {
    struct stat st;
    if (stat(paths[i], &st) < 0) {
      fprintf(errs, "%s: %s\n", paths[i], strerror(errno));
      errors++;
    } else if (S_ISDIR(st.st_mode)) {
      errors += walk(paths[i], 0, &files, errs);
    } else if (names_add(&files, paths[i]) < 0) {
      fprintf(errs, "out of memory\n");
      errors++;
    }
  }
  if (files.n > 1) /* qsort(NULL, 0, ...) is undefined */
    qsort(files.v, files.n, sizeof *files.v, cmp_str);
  for (size_t i = 0; i < files.n; i++) {
    char err[1024];
    qh_case *c = NULL;
    if (qh_case_load(files.v[i], fragments_dir, &c, err, sizeof err) < 0) {
      fprintf(errs, "%s\n", err);
      errors++;
      continue;
    }
    if (set->n == set->cap) {
      size_t cap = set->cap ? set->cap * 2 : 64;
      qh_case **v = realloc(set->cases, cap * sizeof *v);
      if (!v) {
        qh_case_free(c);
        fprintf(errs, "out of memory\n");
        errors++;
        continue;
      }
      set->cases = v;
      set->cap = cap;
    }
    set->cases[set->n++] = c;
  }
  for (size_t i = 0; i < files.n; i++)
    free(files.v[i]);
  free(files.v);

  if (set->n > 1)
    qsort(set->cases, set->n, sizeof *set->cases, cmp_case);
  for (size_t i = 1; i < set->n; i++)
    if (strcmp(set->cases[i - 1]->id, set->cases[i]->id) == 0) {
      fprintf(errs, "%s:1:1: duplicate case id \"%s\" (also in %s)\n",
              set->cases[i]->path, set->cases[i]->id,
              set->cases[i - 1]->path);
      errors++;
    }
  return errors;
}

static bool term_match(const char *term, size_t len, const qh_case *c)
{
  char t[256];
  if (len >= sizeof t)
    len = sizeof t - 1;
  memcpy(t, term, len);
  t[len] = '\0';
  if (strncmp(t, "tag:", 4) == 0)
    return qh_case_has_tag(c, t + 4);
  return fnmatch(t, c->id, 0) == 0;
}

bool qh_filter_match(const char *expr, const qh_case *c)
{
  if (!expr || !*expr)
    return true;
  bool any_positive = false, positive_hit = false;
  const char *p = expr;
  while (*p) {
    size_t len = strcspn(p, ",");
    bool neg = p[0] == '!';
    const char *t = neg ? p + 1 : p;
    size_t tl = neg ? len - 1 : len;
    if (tl > 0) {
      bool m = term_match(t, tl, c);
      if (neg && m)
        return false;
      if (!neg) {
        any_positive = true;
        positive_hit = positive_hit || m;
      }
    }
    p += len;
    if (*p == ',')
      p++;
  }
  return !any_positive || positive_hit;
}

int qh_filter_check(const char *expr, char *err, size_t errlen)
{
  if (!expr)
    return 0;
  if (!*expr) {
    snprintf(err, errlen, "empty filter");
    return -1;
  }
  int i = 1;
  for (const char *p = expr;; i++) {
    size_t len = strcspn(p, ",");
    const char *t = p[0] == '!' ? p + 1 : p;
    size_t tl = (size_t)(p + len - t);
    const char *why = NULL;
    if (len == 0)
      why = "is empty";
    else if (tl == 0)
      why = "is \"!\" without a term to exclude";
    else if (tl == 4 && strncmp(t, "tag:", 4) == 0)
      why = "is \"tag:\" without a tag name";
    if (why) {
      snprintf(err, errlen, "term %d %s", i, why);
      return -1;
    }
    p += len;
    if (*p != ',')
      return 0;
    p++;
  }
}

void qh_case_set_filter(qh_case_set *set, const char *expr)
{
  size_t k = 0;
  for (size_t i = 0; i < set->n; i++) {
    if (qh_filter_match(expr, set->cases[i]))
      set->cases[k++] = set->cases[i];
    else
      qh_case_free(set->cases[i]);
  }
  set->n = k;
}

void qh_case_set_free(qh_case_set *set)
{
  for (size_t i = 0; i < set->n; i++)
    qh_case_free(set->cases[i]);
  free(set->cases);
  memset(set, 0, sizeof *set);
}
