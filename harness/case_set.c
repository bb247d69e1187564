/* case_set: discovery, loading and selection of case files. */
#include "case_set.h"
#include "case_id.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { SET_MAX_FILES = 100000, SET_MAX_DEPTH = 16 };

/* A case file found: its path and its path relative to the cases root
 * (what its id is derived from). */
typedef struct found {
  char *path, *rel;
} found;

typedef struct names {
  found *v;
  size_t n, cap;
} names;

static int names_add(names *ns, const char *path, const char *rel)
{
  if (ns->n == ns->cap) {
    size_t cap = ns->cap ? ns->cap * 2 : 64;
    found *v = realloc(ns->v, cap * sizeof *v);
    if (!v)
      return -1;
    ns->v = v;
    ns->cap = cap;
  }
  char *p = strdup(path), *r = strdup(rel);
  if (!p || !r) {
    free(p);
    free(r);
    return -1;
  }
  ns->v[ns->n++] = (found){p, r};
  return 0;
}

static bool has_yaml_suffix(const char *name)
{
  size_t n = strlen(name);
  return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
         (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

/* dir is `rel` (ends in "/" unless empty) below the cases root. */
static size_t walk(const char *dir, const char *rel, int depth, names *out,
                   FILE *errs)
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
    char path[4096], sub[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
            sizeof path ||
        (size_t)snprintf(sub, sizeof sub, "%s%s", rel, e->d_name) >=
            sizeof sub) {
      fprintf(errs, "%s/%s: path too long\n", dir, e->d_name);
      errors++;
      continue;
    }
    struct stat st;
    if (stat(path, &st) < 0)
      continue; /* a dangling link is no case */
    if (S_ISDIR(st.st_mode)) {
      size_t n = strlen(sub);
      if (n + 1 < sizeof sub) {
        sub[n] = '/';
        sub[n + 1] = '\0';
      }
      errors += walk(path, sub, depth + 1, out, errs);
    } else if (S_ISREG(st.st_mode) && has_yaml_suffix(e->d_name) &&
               out->n < SET_MAX_FILES && names_add(out, path, sub) < 0) {
      fprintf(errs, "out of memory\n");
      errors++;
    }
  }
  closedir(d);
  return errors;
}

static int cmp_found(const void *a, const void *b)
{
  return strcmp(((const found *)a)->path, ((const found *)b)->path);
}

/* Where `arg` lies below the cases root: a directory gives the prefix of
 * its files' relative paths ("" or "faults/"), a file its relative path.
 * Inside the project's cases directory (root_real, resolved) the root is
 * that directory, so `run cases/faults` and `run cases/faults/x.yaml` give
 * the ids the whole suite gives; elsewhere a directory argument is its own
 * root and a file argument lies directly in its root. */
static void arg_rel(const char *arg, bool is_dir, const char *root_real,
                    char *out, size_t len)
{
  char real[PATH_MAX];
  size_t rn = root_real ? strlen(root_real) : 0;
  if (rn && realpath(arg, real) && strncmp(real, root_real, rn) == 0 &&
      (real[rn] == '\0' || real[rn] == '/')) {
    const char *rest = real[rn] ? real + rn + 1 : "";
    snprintf(out, len, "%s%s", rest, is_dir && *rest ? "/" : "");
    return;
  }
  if (is_dir) {
    out[0] = '\0';
    return;
  }
  const char *slash = strrchr(arg, '/');
  snprintf(out, len, "%s", slash ? slash + 1 : arg);
}

static int cmp_case(const void *a, const void *b)
{
  const qh_case *x = *(qh_case *const *)a, *y = *(qh_case *const *)b;
  return strcmp(x->id, y->id);
}

size_t qh_case_set_load(qh_case_set *set, const char *const *paths,
                        size_t npaths, const char *fragments_dir,
                        const char *cases_root, FILE *errs)
{
  names files = {0};
  size_t errors = 0;
  char root_real[PATH_MAX];
  if (!cases_root || !realpath(cases_root, root_real))
    root_real[0] = '\0';
  for (size_t i = 0; i < npaths; i++) {
    struct stat st;
    char rel[PATH_MAX];
    if (stat(paths[i], &st) < 0) {
      fprintf(errs, "%s: %s\n", paths[i], strerror(errno));
      errors++;
      continue;
    }
    bool dir = S_ISDIR(st.st_mode);
    arg_rel(paths[i], dir, root_real[0] ? root_real : NULL, rel, sizeof rel);
    if (dir) {
      errors += walk(paths[i], rel, 0, &files, errs);
    } else if (names_add(&files, paths[i], rel) < 0) {
      fprintf(errs, "out of memory\n");
      errors++;
    }
  }
  if (files.n > 1) /* qsort(NULL, 0, ...) is undefined */
    qsort(files.v, files.n, sizeof *files.v, cmp_found);
  for (size_t i = 0; i < files.n; i++) {
    char err[1024], id[QH_CASE_ID_MAX + 1];
    qh_case *c = NULL;
    if (qh_case_id_derive(files.v[i].rel, id, sizeof id, err, sizeof err) <
        0) {
      fprintf(errs, "%s:1:1: no case id follows from the file's place: %s\n",
              files.v[i].path, err);
      errors++;
      continue;
    }
    if (qh_case_load_as(files.v[i].path, fragments_dir, id, &c, err,
                        sizeof err) < 0) {
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
  for (size_t i = 0; i < files.n; i++) {
    free(files.v[i].path);
    free(files.v[i].rel);
  }
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

size_t qh_case_set_dead_term(const qh_case_set *set, const char *expr,
                             char *term, size_t termlen)
{
  char t[256];
  bool neg;
  for (size_t i = 1; qh_filter_term(expr, i, t, sizeof t, &neg); i++) {
    bool hit = false;
    for (size_t k = 0; k < set->n && !hit; k++)
      hit = qh_filter_term_match(t, set->cases[k]);
    if (!hit) {
      snprintf(term, termlen, "%s%s", neg ? "!" : "", t);
      return i;
    }
  }
  return 0;
}

static int cmp_cstr(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t qh_case_set_tags(const qh_case_set *set, const char ***tags,
                        size_t **counts)
{
  size_t total = 0;
  for (size_t i = 0; i < set->n; i++)
    total += set->cases[i]->ntags;
  const char **all = malloc((total ? total : 1) * sizeof *all);
  size_t *cnt = malloc((total ? total : 1) * sizeof *cnt);
  if (!all || !cnt) {
    free(all);
    free(cnt);
    return (size_t)-1;
  }
  size_t k = 0;
  for (size_t i = 0; i < set->n; i++)
    for (size_t t = 0; t < set->cases[i]->ntags; t++)
      all[k++] = set->cases[i]->tags[t];
  if (k > 1)
    qsort(all, k, sizeof *all, cmp_cstr);
  size_t n = 0; /* a case lists a tag at most once: runs are case counts */
  for (size_t i = 0; i < k; i++) {
    if (n && strcmp(all[n - 1], all[i]) == 0) {
      cnt[n - 1]++;
    } else {
      all[n] = all[i];
      cnt[n++] = 1;
    }
  }
  *tags = all;
  *counts = cnt;
  return n;
}
