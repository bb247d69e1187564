/* qc_profile: loads a module profile (qc_profile.h) with libyaml's
 * document API and flattens it to an ordered list of dotted keys.
 *
 * Bounds, so a hostile file cannot grow our memory without limit: the file
 * is read whole (qc_yaml.c) up to QC_PROFILE_MAX_FILE bytes, at most
 * QC_PROFILE_MAX_KEYS
 * leaves, keys up to QC_PROFILE_MAX_KEY bytes once flattened, mappings
 * nested at most QC_PROFILE_MAX_DEPTH deep (an alias may point back at its
 * own mapping; the depth bound ends that too). */
#include "qc_profile.h"
#include "qc_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
  QC_PROFILE_MAX_FILE = 1 << 20,
  QC_PROFILE_MAX_KEYS = 1024,
  QC_PROFILE_MAX_KEY = 256,
  QC_PROFILE_MAX_VALUE = 4096,
  QC_PROFILE_MAX_DEPTH = 16,
  QC_PROFILE_MAX_NAME = 64,
};

struct qc_profile {
  char **keys, **values; /* parallel, in file order */
  size_t n, cap;
};

typedef struct loader {
  const char *path;
  yaml_document_t *doc;
  qc_profile *p;
  char *err;
  size_t errlen;
} loader;

static void fail_at(loader *l, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_at(loader *l, const yaml_node_t *node, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  qc_yaml_vfail(l->err, l->errlen, l->path, node, fmt, ap);
  va_end(ap);
}

static int add_pair(loader *l, const yaml_node_t *at, const char *key,
                    const char *value, size_t vlen)
{
  for (size_t i = 0; i < l->p->n; i++) {
    if (strcmp(l->p->keys[i], key) == 0) {
      fail_at(l, at, "duplicate key \"%s\"", key);
      return -1;
    }
  }
  if (l->p->n == QC_PROFILE_MAX_KEYS) {
    fail_at(l, at, "too many keys (at most %d)", QC_PROFILE_MAX_KEYS);
    return -1;
  }
  if (vlen > QC_PROFILE_MAX_VALUE) {
    fail_at(l, at, "value of \"%s\" too long (at most %d bytes)", key,
            QC_PROFILE_MAX_VALUE);
    return -1;
  }
  if (memchr(value, '\0', vlen)) {
    fail_at(l, at, "value of \"%s\" contains a NUL byte", key);
    return -1;
  }
  if (l->p->n == l->p->cap) {
    size_t cap = l->p->cap ? l->p->cap * 2 : 32;
    char **k = realloc(l->p->keys, cap * sizeof *k);
    if (!k)
      goto oom;
    l->p->keys = k;
    char **v = realloc(l->p->values, cap * sizeof *v);
    if (!v)
      goto oom;
    l->p->values = v;
    l->p->cap = cap;
  }
  char *k = strdup(key), *v = strndup(value, vlen);
  if (!k || !v) {
    free(k);
    free(v);
    goto oom;
  }
  l->p->keys[l->p->n] = k;
  l->p->values[l->p->n] = v;
  l->p->n++;
  return 0;
oom:
  fail_at(l, at, "out of memory");
  return -1;
}

/* Walks one mapping; `prefix` is the dotted path to it ("" at the top). */
static int flatten(loader *l, yaml_node_t *map, const char *prefix, int depth)
{
  if (depth > QC_PROFILE_MAX_DEPTH) {
    fail_at(l, map, "mappings nested deeper than %d", QC_PROFILE_MAX_DEPTH);
    return -1;
  }
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
       pr < map->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = yaml_document_get_node(l->doc, pr->key);
    yaml_node_t *v = yaml_document_get_node(l->doc, pr->value);
    if (!k || !v) {
      fail_at(l, map, "malformed mapping");
      return -1;
    }
    if (k->type != YAML_SCALAR_NODE) {
      fail_at(l, k, "key must be a scalar, got %s", qc_yaml_type_name(k->type));
      return -1;
    }
    const char *ks = (const char *)k->data.scalar.value;
    size_t klen = k->data.scalar.length;
    if (klen == 0 || memchr(ks, '\0', klen)) {
      fail_at(l, k, "empty key");
      return -1;
    }
    char full[QC_PROFILE_MAX_KEY + 1];
    int n =
        snprintf(full, sizeof full, "%s%s%s", prefix, *prefix ? "." : "", ks);
    if (n < 0 || (size_t)n >= sizeof full) {
      fail_at(l, k, "key \"%.40s...\" too long (at most %d bytes)", ks,
              QC_PROFILE_MAX_KEY);
      return -1;
    }
    int rc = 0;
    switch (v->type) {
    case YAML_SCALAR_NODE:
      rc = add_pair(l, k, full, (const char *)v->data.scalar.value,
                    v->data.scalar.length);
      break;
    case YAML_MAPPING_NODE:
      rc = flatten(l, v, full, depth + 1);
      break;
    case YAML_SEQUENCE_NODE:
      fail_at(l, v, "\"%s\": sequences are not allowed in a profile", full);
      rc = -1;
      break;
    case YAML_NO_NODE:
      fail_at(l, v, "\"%s\": missing value", full);
      rc = -1;
      break;
    }
    if (rc < 0)
      return -1;
  }
  return 0;
}

int qc_profile_load(const char *path, qc_profile **out, char *err,
                    size_t errlen)
{
  static const qc_yaml_opts opts = {QC_PROFILE_MAX_FILE, "profile", NULL};
  *out = NULL;
  yaml_document_t doc;
  yaml_node_t *root;
  if (qc_yaml_load_map(path, &opts, &doc, &root, err, errlen) < 0)
    return -1;
  qc_profile *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "%s: out of memory", path);
    yaml_document_delete(&doc);
    return -1;
  }
  loader l = {path, &doc, p, err, errlen};
  int rc = flatten(&l, root, "", 1);
  yaml_document_delete(&doc);
  if (rc < 0) {
    qc_profile_free(p);
    return -1;
  }
  *out = p;
  return 0;
}

int qc_profile_load_named(const char *dir, const char *name, qc_profile **out,
                          char *err, size_t errlen)
{
  *out = NULL;
  size_t n = strlen(name);
  bool ok = n > 0 && n <= QC_PROFILE_MAX_NAME;
  for (size_t i = 0; ok && i < n; i++)
    ok = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '-';
  if (!ok) {
    snprintf(err, errlen,
             "profile name \"%.64s\": expected 1 to %d of A-Z a-z 0-9 _ -",
             name, QC_PROFILE_MAX_NAME);
    return -1;
  }
  char path[PATH_MAX];
  int w = snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
  if (w < 0 || (size_t)w >= sizeof path) {
    snprintf(err, errlen, "profile %s: path too long", name);
    return -1;
  }
  return qc_profile_load(path, out, err, errlen);
}

const char *qc_profile_get(const qc_profile *p, const char *key)
{
  if (!p)
    return NULL;
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->keys[i], key) == 0)
      return p->values[i];
  return NULL;
}

long qc_profile_get_long(const qc_profile *p, const char *key, long dflt)
{
  const char *v = qc_profile_get(p, key);
  if (!v || !*v || isspace((unsigned char)*v))
    return dflt;
  char *end;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (errno || *end)
    return dflt;
  return x;
}

bool qc_profile_get_bool(const qc_profile *p, const char *key, bool dflt)
{
  static const struct {
    const char *word;
    bool value;
  } words[] = {{"true", true},   {"yes", true}, {"1", true},
               {"false", false}, {"no", false}, {"0", false}};
  const char *v = qc_profile_get(p, key);
  if (!v)
    return dflt;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcasecmp(v, words[i].word) == 0)
      return words[i].value;
  return dflt;
}

size_t qc_profile_count(const qc_profile *p)
{
  return p ? p->n : 0;
}

const char *qc_profile_key_at(const qc_profile *p, size_t i)
{
  return p && i < p->n ? p->keys[i] : NULL;
}

const char *qc_profile_value_at(const qc_profile *p, size_t i)
{
  return p && i < p->n ? p->values[i] : NULL;
}

void qc_profile_free(qc_profile *p)
{
  if (!p)
    return;
  for (size_t i = 0; i < p->n; i++) {
    free(p->keys[i]);
    free(p->values[i]);
  }
  free(p->keys);
  free(p->values);
  free(p);
}
