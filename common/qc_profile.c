/* qc_profile: loads a module profile (qc_profile.h), checks it against the
 * schema (qc_profile_schema.c) and resolves its bases.
 *
 * Bounds, so a hostile file cannot hang us or grow our memory: the file is
 * read whole (qc_yaml.c) up to QC_PROFILE_MAX_FILE bytes; anchors and
 * aliases are refused before the document is built (a few hundred bytes
 * of nested aliases name a tree of billions of nodes); every key must be a
 * schema key, so a file sets at most as many values as the schema has
 * rows; mappings nest at most QC_PROFILE_MAX_DEPTH deep and bases chain
 * at most QC_PROFILE_MAX_BASES deep. */
#include "qc_profile.h"
#include "qc_profile_schema.h"
#include "qc_yaml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  QC_PROFILE_MAX_FILE = 1 << 20,
  QC_PROFILE_MAX_KEY = 128,
  QC_PROFILE_MAX_DEPTH = 4,
  QC_PROFILE_MAX_NAME = 64,
  QC_PROFILE_MAX_BASES = 8,
  QC_PROFILE_MAX_EVIDENCE = 2048,
};

struct qc_profile {
  size_t n;        /* qc_pschema_count() */
  char **values;   /* per schema row; NULL only for name/base unset */
  char **origin;   /* per row: profile that set it, NULL for the default */
  char **evidence; /* per row: its citation, or NULL */
};

/* One value the file sets, and where. */
typedef struct own_val {
  size_t row;
  const char *value;
  size_t vlen;
  const yaml_node_t *kn, *vn;
} own_val;

typedef struct own_ev {
  char key[QC_PROFILE_MAX_KEY + 1];
  char text[QC_PROFILE_MAX_EVIDENCE];
  const yaml_node_t *kn;
} own_ev;

typedef struct loader {
  const char *path;
  yaml_document_t *doc;
  char *err;
  size_t errlen;
  own_val *vals; /* at most one per schema row */
  size_t nvals;
  own_ev *evs; /* likewise */
  size_t nevs;
  size_t nrows;
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

static size_t row_index(const char *key)
{
  size_t n = qc_pschema_count();
  for (size_t i = 0; i < n; i++)
    if (strcmp(qc_pschema_at(i)->key, key) == 0)
      return i;
  return SIZE_MAX;
}

static const own_val *own_find(const loader *l, size_t row)
{
  for (size_t i = 0; i < l->nvals; i++)
    if (l->vals[i].row == row)
      return &l->vals[i];
  return NULL;
}

/* True when `full` names a group of keys ("timeouts", "err"). */
static bool is_group(const char *full)
{
  size_t n = qc_pschema_count(), len = strlen(full);
  for (size_t i = 0; i < n; i++) {
    const char *key = qc_pschema_at(i)->key;
    if (strncmp(key, full, len) == 0 && key[len] == '.')
      return true;
  }
  return false;
}

static int unknown_key(loader *l, const yaml_node_t *k, const char *full)
{
  const char *s = qc_pschema_suggest(full);
  if (s)
    fail_at(l, k, "unknown key \"%s\" (did you mean \"%s\"?)", full, s);
  else
    fail_at(l, k, "unknown key \"%s\" (docs/PROFILES.md lists the keys)",
            full);
  return -1;
}

static int add_value(loader *l, const yaml_node_t *k, const yaml_node_t *v,
                     const char *full)
{
  size_t row = row_index(full);
  if (row == SIZE_MAX && is_group(full)) {
    fail_at(l, v, "key \"%s\": expected a mapping, got a scalar", full);
    return -1;
  }
  if (row == SIZE_MAX)
    return unknown_key(l, k, full);
  const own_val *dup = own_find(l, row);
  if (dup) {
    fail_at(l, k, "duplicate key \"%s\" (first at line %lu)", full,
            (unsigned long)dup->kn->start_mark.line + 1);
    return -1;
  }
  const char *s = (const char *)v->data.scalar.value;
  size_t len = v->data.scalar.length;
  if (memchr(s, '\0', len)) {
    fail_at(l, v, "key \"%s\": value contains a NUL byte", full);
    return -1;
  }
  char why[256];
  if (qc_pschema_check(qc_pschema_at(row), s, why, sizeof why) < 0) {
    fail_at(l, v, "key \"%s\": %s", full, why);
    return -1;
  }
  l->vals[l->nvals++] = (own_val){row, s, len, k, v};
  return 0;
}

/* "owner/repo:path" then, optionally, a space and a line or a quote. */
static bool citation_ok(const char *s)
{
  /* strchr finds the terminating NUL too: test *p first. */
  const char *p = s;
  size_t n = 0;
  while (isalnum((unsigned char)*p) || (*p && strchr("_.-", *p)))
    p++, n++;
  if (!n || *p++ != '/')
    return false;
  n = 0;
  while (isalnum((unsigned char)*p) || (*p && strchr("_.-", *p)))
    p++, n++;
  if (!n || *p++ != ':')
    return false;
  n = 0;
  while (*p && !isspace((unsigned char)*p))
    p++, n++;
  return n > 0 && (!*p || *p == ' ');
}

static int add_citation(loader *l, own_ev *e, const yaml_node_t *v)
{
  if (v->type != YAML_SCALAR_NODE) {
    fail_at(l, v, "evidence for \"%s\": expected \"owner/repo:path\", got %s",
            e->key, qc_yaml_type_name(v->type));
    return -1;
  }
  const char *s = (const char *)v->data.scalar.value;
  if (memchr(s, '\0', v->data.scalar.length) || !citation_ok(s)) {
    fail_at(l, v,
            "evidence for \"%s\": \"%.60s\" is not \"owner/repo:path "
            "[line or quote]\"",
            e->key, s);
    return -1;
  }
  size_t have = strlen(e->text);
  int w = snprintf(e->text + have, sizeof e->text - have, "%s%s",
                   have ? "; " : "", s);
  if (w < 0 || (size_t)w >= sizeof e->text - have) {
    fail_at(l, v, "evidence for \"%s\": too long (at most %d bytes)", e->key,
            QC_PROFILE_MAX_EVIDENCE - 1);
    return -1;
  }
  return 0;
}

/* evidence: {key: "owner/repo:path ...", key: [citation, ...]} */
static int read_evidence(loader *l, const yaml_node_t *map)
{
  if (map->type != YAML_MAPPING_NODE) {
    fail_at(l, map, "evidence: expected a mapping (key: \"owner/repo:path\"), "
                    "got %s",
            qc_yaml_type_name(map->type));
    return -1;
  }
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
       pr < map->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = yaml_document_get_node(l->doc, pr->key);
    yaml_node_t *v = yaml_document_get_node(l->doc, pr->value);
    if (!k || !v || k->type != YAML_SCALAR_NODE) {
      fail_at(l, k ? k : map, "evidence: keys must be profile keys");
      return -1;
    }
    const char *ks = (const char *)k->data.scalar.value;
    size_t row = row_index(ks);
    if (row != SIZE_MAX && qc_pschema_at(row)->kind != QC_PK_MODULE) {
      fail_at(l, k, "evidence for \"%.64s\": not a module key (needs none)",
              ks);
      return -1;
    }
    if (row == SIZE_MAX) {
      const char *s = qc_pschema_suggest(ks);
      fail_at(l, k, "evidence for \"%.64s\": not a module key%s%s%s", ks,
              s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
      return -1;
    }
    for (size_t i = 0; i < l->nevs; i++)
      if (strcmp(l->evs[i].key, ks) == 0) {
        fail_at(l, k, "evidence for \"%s\" given twice", ks);
        return -1;
      }
    own_ev *e = &l->evs[l->nevs++];
    snprintf(e->key, sizeof e->key, "%s", ks);
    e->text[0] = '\0';
    e->kn = k;
    if (v->type == YAML_SEQUENCE_NODE) {
      if (v->data.sequence.items.start == v->data.sequence.items.top) {
        fail_at(l, v, "evidence for \"%s\": empty list", ks);
        return -1;
      }
      for (yaml_node_item_t *it = v->data.sequence.items.start;
           it < v->data.sequence.items.top; it++)
        if (add_citation(l, e, yaml_document_get_node(l->doc, *it)) < 0)
          return -1;
    } else if (add_citation(l, e, v) < 0) {
      return -1;
    }
  }
  return 0;
}

/* Walks one mapping; `prefix` is the dotted path to it ("" at the top). */
static int walk(loader *l, const yaml_node_t *map, const char *prefix,
                int depth)
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
      fail_at(l, k, "unknown key \"%.40s...\" (too long)", ks);
      return -1;
    }
    int rc;
    if (!*prefix && strcmp(full, "evidence") == 0) {
      rc = read_evidence(l, v);
    } else if (v->type == YAML_SCALAR_NODE) {
      rc = add_value(l, k, v, full);
    } else if (v->type == YAML_MAPPING_NODE && row_index(full) == SIZE_MAX) {
      rc = walk(l, v, full, depth + 1);
    } else {
      if (row_index(full) == SIZE_MAX && !is_group(full))
        return unknown_key(l, k, full);
      fail_at(l, v, "key \"%s\": expected %s, got %s", full,
              is_group(full) ? "a mapping" : "a scalar",
              qc_yaml_type_name(v->type));
      rc = -1;
    }
    if (rc < 0)
      return -1;
  }
  return 0;
}

static bool name_ok(const char *name)
{
  size_t n = strlen(name);
  bool ok = n > 0 && n <= QC_PROFILE_MAX_NAME;
  for (size_t i = 0; ok && i < n; i++)
    ok = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '-';
  return ok;
}

static qc_profile *profile_new(void)
{
  qc_profile *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->n = qc_pschema_count();
  p->values = calloc(p->n, sizeof *p->values);
  p->origin = calloc(p->n, sizeof *p->origin);
  p->evidence = calloc(p->n, sizeof *p->evidence);
  if (!p->values || !p->origin || !p->evidence) {
    qc_profile_free(p);
    return NULL;
  }
  return p;
}

/* Replaces row i's value, origin and evidence (NULL: none). */
static int set_row(qc_profile *p, size_t i, const char *v, size_t vlen,
                   const char *origin, const char *ev)
{
  char *nv = v ? strndup(v, vlen) : NULL;
  char *no = origin ? strdup(origin) : NULL;
  char *ne = ev ? strdup(ev) : NULL;
  if ((v && !nv) || (origin && !no) || (ev && !ne)) {
    free(nv);
    free(no);
    free(ne);
    return -1;
  }
  free(p->values[i]);
  free(p->origin[i]);
  free(p->evidence[i]);
  p->values[i] = nv;
  p->origin[i] = no;
  p->evidence[i] = ne;
  return 0;
}

static int defaults(qc_profile *p)
{
  for (size_t i = 0; i < p->n; i++) {
    const char *d = qc_pschema_at(i)->dflt;
    if (set_row(p, i, d, d ? strlen(d) : 0, NULL, NULL) < 0)
      return -1;
  }
  return 0;
}

static int load_file(const qc_yaml_src *src, const char *path, const char *dir,
                     const char **chain, int depth, qc_profile **out, char *err,
                     size_t errlen);

/* Loads the base named at node `vn` of l's file into *out. */
static int load_base(loader *l, const qc_yaml_src *src, const own_val *b,
                     const char *dir, const char **chain, int depth,
                     const char *self, qc_profile **out)
{
  char name[QC_PROFILE_MAX_NAME + 1];
  snprintf(name, sizeof name, "%.*s", (int)b->vlen, b->value);
  if (!name_ok(b->value)) {
    fail_at(l, b->vn, "base \"%.64s\": expected 1 to %d of A-Z a-z 0-9 _ -",
            b->value, QC_PROFILE_MAX_NAME);
    return -1;
  }
  chain[depth] = self;
  for (int i = 0; i <= depth; i++) {
    if (strcmp(chain[i], name) != 0)
      continue;
    char cyc[512];
    size_t o = 0;
    for (int j = i; j <= depth && o < sizeof cyc; j++)
      o += (size_t)snprintf(cyc + o, sizeof cyc - o, "%s -> ", chain[j]);
    if (o < sizeof cyc)
      snprintf(cyc + o, sizeof cyc - o, "%s", name);
    fail_at(l, b->vn, "base \"%s\": a cycle of bases (%s)", name, cyc);
    return -1;
  }
  if (depth + 1 >= QC_PROFILE_MAX_BASES) {
    fail_at(l, b->vn, "base \"%s\": bases chained deeper than %d", name,
            QC_PROFILE_MAX_BASES);
    return -1;
  }
  char bpath[PATH_MAX], inner[1024];
  snprintf(bpath, sizeof bpath, "%s/%s.yaml", dir, name);
  if (load_file(src, bpath, dir, chain, depth + 1, out, inner, sizeof inner) <
      0) {
    fail_at(l, b->vn, "base \"%s\": %s", name, inner);
    return -1;
  }
  return 0;
}

/* `v` as a YAML double-quoted string, for messages: "\"" not """. */
static void quoted(const char *v, char *buf, size_t len)
{
  size_t o = 0;
  if (len < 3)
    return;
  buf[o++] = '"';
  for (; *v && o + 4 < len; v++) {
    if (*v == '"' || *v == '\\')
      buf[o++] = '\\';
    buf[o++] = *v;
  }
  buf[o++] = '"';
  buf[o] = '\0';
}

/* The checks that need the whole file: name, evidence. */
static int check_file(loader *l, const yaml_node_t *root, const char *name,
                      bool test)
{
  if (!name) {
    fail_at(l, root, "missing required key \"name\"");
    return -1;
  }
  for (size_t i = 0; i < l->nevs; i++) {
    if (!own_find(l, row_index(l->evs[i].key))) {
      fail_at(l, l->evs[i].kn,
              "evidence for \"%s\", which this profile does not set",
              l->evs[i].key);
      return -1;
    }
  }
  if (test || strcmp(name, "note") == 0)
    return 0;
  for (size_t i = 0; i < l->nvals; i++) {
    const own_val *v = &l->vals[i];
    const qc_pkey *k = qc_pschema_at(v->row);
    if (k->kind != QC_PK_MODULE || strcmp(v->value, k->dflt) == 0)
      continue;
    bool cited = false;
    for (size_t j = 0; j < l->nevs && !cited; j++)
      cited = strcmp(l->evs[j].key, k->key) == 0;
    if (!cited) {
      char have[128], note[128];
      quoted(v->value, have, sizeof have);
      quoted(k->dflt, note, sizeof note);
      fail_at(l, v->vn,
              "key \"%s\": %s differs from the note's %s and has no "
              "evidence (add evidence: {%s: \"owner/repo:path\"})",
              k->key, have, note, k->key);
      return -1;
    }
  }
  return 0;
}

static const char *own_str(const loader *l, const char *key)
{
  const own_val *v = own_find(l, row_index(key));
  return v ? v->value : NULL;
}

static int load_file(const qc_yaml_src *src, const char *path, const char *dir,
                     const char **chain, int depth, qc_profile **out, char *err,
                     size_t errlen)
{
  static const qc_yaml_opts opts = {QC_PROFILE_MAX_FILE, "profile",
                                    "one profile per file"};
  *out = NULL;
  yaml_document_t doc;
  yaml_node_t *root;
  if (qc_yaml_load_map_src(src, path, &opts, QC_YAML_NO_ALIASES, &doc, &root,
                           err, errlen) < 0)
    return -1;
  size_t nrows = qc_pschema_count();
  loader l = {path, &doc, err, errlen, calloc(nrows, sizeof(own_val)), 0,
              calloc(nrows, sizeof(own_ev)), 0, nrows};
  qc_profile *p = NULL, *base = NULL;
  int rc = -1;
  if (!l.vals || !l.evs) {
    snprintf(err, errlen, "%s: out of memory", path);
    goto out;
  }
  if (walk(&l, root, "", 1) < 0)
    goto out;
  const char *name = own_str(&l, "name");
  const char *t = own_str(&l, "test");
  if (check_file(&l, root, name, t && strcmp(t, "true") == 0) < 0)
    goto out;
  const own_val *b = own_find(&l, row_index("base"));
  if (b) {
    if (load_base(&l, src, b, dir, chain, depth, name, &base) < 0)
      goto out;
    p = base;
    base = NULL;
  } else if (!(p = profile_new()) || defaults(p) < 0) {
    snprintf(err, errlen, "%s: out of memory", path);
    goto out;
  }
  /* name, description, test, base belong to the file, not its bases. */
  for (size_t i = 0; i < p->n; i++) {
    const qc_pkey *k = qc_pschema_at(i);
    if (k->kind == QC_PK_META &&
        set_row(p, i, k->dflt, k->dflt ? strlen(k->dflt) : 0, NULL, NULL) < 0)
      goto oom;
  }
  for (size_t i = 0; i < l.nvals; i++) {
    const own_val *v = &l.vals[i];
    const char *ev = NULL;
    for (size_t j = 0; j < l.nevs; j++)
      if (strcmp(l.evs[j].key, qc_pschema_at(v->row)->key) == 0)
        ev = l.evs[j].text;
    if (set_row(p, v->row, v->value, v->vlen, name, ev) < 0)
      goto oom;
  }
  *out = p;
  p = NULL;
  rc = 0;
  goto out;
oom:
  snprintf(err, errlen, "%s: out of memory", path);
out:
  qc_profile_free(p);
  qc_profile_free(base);
  free(l.vals);
  free(l.evs);
  yaml_document_delete(&doc);
  return rc;
}

/* The directory of `path` (bases are looked up beside the file). */
static void dir_of(const char *path, char *dir, size_t len)
{
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, len, ".");
  else if (slash == path)
    snprintf(dir, len, "/");
  else
    snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int qc_profile_load(const char *path, qc_profile **out, char *err,
                    size_t errlen)
{
  return qc_profile_load_src(NULL, path, out, err, errlen);
}

int qc_profile_load_src(const qc_yaml_src *src, const char *path,
                        qc_profile **out, char *err, size_t errlen)
{
  char dir[PATH_MAX];
  const char *chain[QC_PROFILE_MAX_BASES + 1];
  dir_of(path, dir, sizeof dir);
  return load_file(src, path, dir, chain, 0, out, err, errlen);
}

int qc_profile_load_named(const char *dir, const char *name, qc_profile **out,
                          char *err, size_t errlen)
{
  *out = NULL;
  if (!name_ok(name)) {
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
  const char *chain[QC_PROFILE_MAX_BASES + 1];
  return load_file(NULL, path, dir, chain, 0, out, err, errlen);
}

static size_t find(const qc_profile *p, const char *key)
{
  if (!p)
    return SIZE_MAX;
  size_t i = row_index(key);
  return i < p->n ? i : SIZE_MAX;
}

const char *qc_profile_get(const qc_profile *p, const char *key)
{
  size_t i = find(p, key);
  return i == SIZE_MAX ? NULL : p->values[i];
}

const char *qc_profile_origin(const qc_profile *p, const char *key)
{
  size_t i = find(p, key);
  return i == SIZE_MAX ? NULL : p->origin[i];
}

const char *qc_profile_evidence(const qc_profile *p, const char *key)
{
  size_t i = find(p, key);
  return i == SIZE_MAX ? NULL : p->evidence[i];
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
  const char *v = qc_profile_get(p, key);
  if (v && strcmp(v, "true") == 0)
    return true;
  if (v && strcmp(v, "false") == 0)
    return false;
  return dflt;
}

size_t qc_profile_count(const qc_profile *p)
{
  return p ? p->n : 0;
}

const char *qc_profile_key_at(const qc_profile *p, size_t i)
{
  return p && i < p->n ? qc_pschema_at(i)->key : NULL;
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
    if (p->values)
      free(p->values[i]);
    if (p->origin)
      free(p->origin[i]);
    if (p->evidence)
      free(p->evidence[i]);
  }
  free(p->values);
  free(p->origin);
  free(p->evidence);
  free(p);
}
