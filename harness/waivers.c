/* waivers: the waivers file and the matching of waivers to cases
 * (waivers.h). Parsed with the project's YAML helper (qc_yaml), so errors
 * read "file:line:col: what" like a case file's. */
#include "waivers.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc_yaml.h"

enum { WAIVERS_MAX_FILE = 4 * 1024 * 1024, WAIVER_TEXT_MAX = 4096 };

/* One key of an entry: where its value goes. */
typedef struct wkey {
  const char *name;
  bool required;
  size_t off; /* offsetof the char * in qh_waiver */
} wkey;

static const wkey wkeys[] = {
    {"case", true, offsetof(qh_waiver, pattern)},
    {"reason", true, offsetof(qh_waiver, reason)},
    {"reference", true, offsetof(qh_waiver, reference)},
    {"revision", false, offsetof(qh_waiver, revision)},
};
#define NWKEYS (sizeof wkeys / sizeof wkeys[0])

typedef struct wload {
  const char *path;
  yaml_document_t *d;
  char *err;
  size_t errlen;
} wload;

static yaml_node_t *node(const wload *l, int i)
{
  return yaml_document_get_node(l->d, i);
}

static const char *scalar(const yaml_node_t *n)
{
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                          : NULL;
}

/* A value: a non-empty scalar on one line, no longer than the bound. */
static int text_value(wload *l, const yaml_node_t *v, const char *key,
                      size_t index, char **out)
{
  const char *s = scalar(v);
  if (!s) {
    qc_yaml_fail(l->err, l->errlen, l->path, v,
                 "waiver %zu: %s: expected a string, got %s", index, key,
                 qc_yaml_type_name(v->type));
    return -1;
  }
  size_t n = strlen(s);
  const char *why = NULL;
  if (n == 0)
    why = "must not be empty";
  else if (n > WAIVER_TEXT_MAX)
    why = "is too long";
  else if (n != v->data.scalar.length)
    why = "holds a NUL byte";
  for (size_t i = 0; !why && i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      why = "must be one line of text";
  if (!why && strcmp(key, "case") == 0 &&
      strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-*?[]!^") != n)
    why = "must be a case id or a glob of one (a-z 0-9 . _ - and * ? [ ])";
  if (why) {
    qc_yaml_fail(l->err, l->errlen, l->path, v, "waiver %zu: %s: %s", index,
                 key, why);
    return -1;
  }
  if (!(*out = strdup(s))) {
    snprintf(l->err, l->errlen, "%s: out of memory", l->path);
    return -1;
  }
  return 0;
}

static int load_entry(wload *l, const yaml_node_t *item, size_t index,
                      qh_waiver *w)
{
  w->line = (int)item->start_mark.line + 1;
  w->col = (int)item->start_mark.column + 1;
  if (item->type != YAML_MAPPING_NODE) {
    qc_yaml_fail(l->err, l->errlen, l->path, item,
                 "waiver %zu: expected a mapping (case, reason, reference, "
                 "revision), got %s",
                 index, qc_yaml_type_name(item->type));
    return -1;
  }
  const yaml_node_t *seen[NWKEYS] = {0};
  for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
       p < item->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
    const char *name = scalar(k);
    size_t i = 0;
    while (name && i < NWKEYS && strcmp(wkeys[i].name, name) != 0)
      i++;
    if (!name || i == NWKEYS) {
      qc_yaml_fail(l->err, l->errlen, l->path, k,
                   "waiver %zu: unknown key \"%.40s\" (expected one of case, "
                   "reason, reference, revision)",
                   index, name ? name : "?");
      return -1;
    }
    if (seen[i]) {
      qc_yaml_fail(l->err, l->errlen, l->path, k,
                   "waiver %zu: duplicate key \"%s\" (first at line %d)",
                   index, name, (int)seen[i]->start_mark.line + 1);
      return -1;
    }
    seen[i] = k;
    if (text_value(l, v, name, index, (char **)((char *)w + wkeys[i].off)) <
        0)
      return -1;
  }
  for (size_t i = 0; i < NWKEYS; i++)
    if (wkeys[i].required && !seen[i]) {
      qc_yaml_fail(l->err, l->errlen, l->path, item,
                   "waiver %zu: missing required key \"%s\"", index,
                   wkeys[i].name);
      return -1;
    }
  return 0;
}

static void waiver_free(qh_waiver *w)
{
  free(w->pattern);
  free(w->reason);
  free(w->reference);
  free(w->revision);
}

static bool same_str(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

static int load_list(wload *l, const yaml_node_t *root, qh_waivers *w)
{
  const yaml_node_t *list = NULL;
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
       p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = node(l, p->key);
    const char *name = scalar(k);
    if (!name || strcmp(name, "waivers") != 0) {
      qc_yaml_fail(l->err, l->errlen, l->path, k,
                   "unknown key \"%.40s\" (expected waivers)",
                   name ? name : "?");
      return -1;
    }
    if (list) {
      qc_yaml_fail(l->err, l->errlen, l->path, k,
                   "duplicate key \"waivers\"");
      return -1;
    }
    list = node(l, p->value);
  }
  if (!list) {
    qc_yaml_fail(l->err, l->errlen, l->path, root,
                 "missing required key \"waivers\"");
    return -1;
  }
  if (list->type != YAML_SEQUENCE_NODE) {
    qc_yaml_fail(l->err, l->errlen, l->path, list,
                 "waivers: expected a list of waivers, got %s",
                 qc_yaml_type_name(list->type));
    return -1;
  }
  size_t n = (size_t)(list->data.sequence.items.top -
                      list->data.sequence.items.start);
  if (n > QH_WAIVERS_MAX) {
    qc_yaml_fail(l->err, l->errlen, l->path, list,
                 "waivers: more than %d entries", QH_WAIVERS_MAX);
    return -1;
  }
  if (!(w->v = calloc(n ? n : 1, sizeof *w->v))) {
    snprintf(l->err, l->errlen, "%s: out of memory", l->path);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = node(l, list->data.sequence.items.start[i]);
    qh_waiver *x = &w->v[w->n++];
    if (load_entry(l, item, i + 1, x) < 0)
      return -1;
    /* The same case and revision twice: which reason holds is unclear. */
    for (size_t k = 0; k < i; k++)
      if (strcmp(w->v[k].pattern, x->pattern) == 0 &&
          same_str(w->v[k].revision, x->revision)) {
        qc_yaml_fail(l->err, l->errlen, l->path, item,
                     "waiver %zu: case \"%s\" is already waived at line %d",
                     i + 1, x->pattern, w->v[k].line);
        return -1;
      }
  }
  return 0;
}

int qh_waivers_load(const char *path, qh_waivers *w, char *err,
                    size_t errlen)
{
  static const qc_yaml_opts opts = {WAIVERS_MAX_FILE, "waivers file",
                                    "one list of waivers per file"};
  memset(w, 0, sizeof *w);
  yaml_document_t d;
  yaml_node_t *root;
  if (qc_yaml_load_map(path, &opts, &d, &root, err, errlen) < 0)
    return -1;
  wload l = {path, &d, err, errlen};
  int rc = load_list(&l, root, w);
  if (rc == 0 && !(w->path = strdup(path))) {
    snprintf(err, errlen, "%s: out of memory", path);
    rc = -1;
  }
  yaml_document_delete(&d);
  if (rc < 0)
    qh_waivers_free(w);
  return rc;
}

void qh_waivers_free(qh_waivers *w)
{
  for (size_t i = 0; i < w->n; i++)
    waiver_free(&w->v[i]);
  free(w->v);
  free(w->path);
  memset(w, 0, sizeof *w);
}

bool qh_waiver_for_revision(const qh_waiver *x, const char *rev)
{
  return !x->revision || (rev && strcmp(x->revision, rev) == 0);
}

bool qh_waiver_matches(const qh_waiver *x, const char *id)
{
  return fnmatch(x->pattern, id, 0) == 0;
}

const qh_waiver *qh_waivers_find(const qh_waivers *w, const char *id,
                                 const char *rev)
{
  for (size_t i = 0; w && i < w->n; i++)
    if (qh_waiver_for_revision(&w->v[i], rev) &&
        qh_waiver_matches(&w->v[i], id))
      return &w->v[i];
  return NULL;
}

qh_waiver_status qh_waiver_status_of(const qh_waiver *x, const char *rev,
                                     const char *const *all_ids, size_t nall,
                                     const char *const *ran_ids,
                                     const char *const *ran_verdicts,
                                     const qh_waiver *const *waived_by,
                                     size_t nran)
{
  /* A typo is worth a warning whatever revision the waiver is for. */
  bool known = false;
  for (size_t i = 0; i < nall && !known; i++)
    known = qh_waiver_matches(x, all_ids[i]);
  if (!known)
    return QH_WAIVER_UNMATCHED;
  if (!qh_waiver_for_revision(x, rev))
    return QH_WAIVER_OTHER_REVISION;
  bool ran = false, passed = false;
  for (size_t i = 0; i < nran; i++) {
    if (waived_by[i] == x)
      return QH_WAIVER_APPLIED;
    if (!qh_waiver_matches(x, ran_ids[i]))
      continue;
    ran = true;
    passed = passed || strcmp(ran_verdicts[i], "pass") == 0;
  }
  if (!ran)
    return QH_WAIVER_NOT_RUN;
  return passed ? QH_WAIVER_STALE : QH_WAIVER_IDLE;
}

const char *qh_waiver_status_name(qh_waiver_status s)
{
  static const char *const names[] = {
      [QH_WAIVER_APPLIED] = "applied",
      [QH_WAIVER_STALE] = "stale",
      [QH_WAIVER_UNMATCHED] = "unmatched",
      [QH_WAIVER_NOT_RUN] = "not-run",
      [QH_WAIVER_OTHER_REVISION] = "other-revision",
      [QH_WAIVER_IDLE] = "idle",
  };
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
