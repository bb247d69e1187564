/* coverage: the matrix model, the reasons file and the exit logic. */
#include "coverage.h"

#include "coverage_derive.h"
#include "qc_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { REASONS_MAX_FILE = 1 << 20, REASON_MAX = 1000 };

int qh_cov_model_init(qh_cov_model *m)
{
  memset(m, 0, sizeof *m);
  size_t n;
  qh_cov_item *items = qh_cov_items(&n);
  if (!items)
    return -1;
  m->e = calloc(n, sizeof *m->e);
  if (!m->e) {
    free(items);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    m->e[i].item = items[i];
  m->n = n;
  free(items);
  return 0;
}

void qh_cov_model_free(qh_cov_model *m)
{
  for (size_t i = 0; i < m->n; i++) {
    for (size_t j = 0; j < m->e[i].ncovered; j++)
      free(m->e[i].covered_by[j]);
    free(m->e[i].covered_by);
    free(m->e[i].reason);
  }
  free(m->e);
  memset(m, 0, sizeof *m);
}

qh_cov_entry *qh_cov_model_find(qh_cov_model *m, const char *key)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp(m->e[i].item.key, key) == 0)
      return &m->e[i];
  return NULL;
}

typedef struct add_ctx {
  qh_cov_model *m;
  const char *id;
} add_ctx;

static void cover(void *vctx, const char *key)
{
  add_ctx *a = vctx;
  qh_cov_entry *e = qh_cov_model_find(a->m, key);
  if (!e) /* a code the note does not list (630, a reply 200): no item */
    return;
  if (e->ncovered && strcmp(e->covered_by[e->ncovered - 1], a->id) == 0)
    return; /* the same case again */
  if (e->ncovered == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 4;
    char **v = realloc(e->covered_by, cap * sizeof *v);
    if (!v) {
      a->m->oom = true;
      return;
    }
    e->covered_by = v;
    e->cap = cap;
  }
  char *id = strdup(a->id);
  if (!id) {
    a->m->oom = true;
    return;
  }
  e->covered_by[e->ncovered++] = id;
}

void qh_cov_model_add_case(qh_cov_model *m, const qh_case *c,
                           const qh_vars *vars)
{
  add_ctx a = {m, c->id};
  qh_cov_derive(c, vars, cover, &a);
  m->cases++;
}

static int reasons_fail(char *err, size_t errlen, const char *path,
                        const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int reasons_fail(char *err, size_t errlen, const char *path,
                        const yaml_node_t *n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  qc_yaml_vfail(err, errlen, path, n, fmt, ap);
  va_end(ap);
  return -1;
}

int qh_cov_reasons_load(qh_cov_model *m, const char *path, char *err,
                        size_t errlen)
{
  qc_yaml_opts o = {.max_bytes = REASONS_MAX_FILE,
                    .noun = "coverage reasons file",
                    .one_doc = "one mapping with the key uncovered"};
  yaml_document_t doc;
  yaml_node_t *root;
  if (qc_yaml_load_map(path, &o, &doc, &root, err, errlen) < 0)
    return -1;
  int rc = 0;
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
       rc == 0 && p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&doc, p->key);
    yaml_node_t *v = yaml_document_get_node(&doc, p->value);
    if (!k || k->type != YAML_SCALAR_NODE ||
        strcmp((const char *)k->data.scalar.value, "uncovered") != 0) {
      rc = reasons_fail(err, errlen, path, k, "unknown key %s (expected "
                        "uncovered)",
                        k && k->type == YAML_SCALAR_NODE
                            ? (const char *)k->data.scalar.value
                            : "that is not a string");
      break;
    }
    if (!v || v->type != YAML_MAPPING_NODE) {
      rc = reasons_fail(err, errlen, path, v ? v : k,
                        "uncovered: expected a mapping of item -> reason, "
                        "got %s",
                        qc_yaml_type_name(v ? v->type : YAML_NO_NODE));
      break;
    }
    for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
         q < v->data.mapping.pairs.top; q++) {
      yaml_node_t *ik = yaml_document_get_node(&doc, q->key);
      yaml_node_t *iv = yaml_document_get_node(&doc, q->value);
      if (!ik || ik->type != YAML_SCALAR_NODE) {
        rc = reasons_fail(err, errlen, path, ik ? ik : v,
                          "%s", "uncovered: an item key must be a string");
        break;
      }
      const char *key = (const char *)ik->data.scalar.value;
      qh_cov_entry *e = qh_cov_model_find(m, key);
      if (!e) {
        rc = reasons_fail(err, errlen, path, ik,
                          "uncovered: unknown item \"%s\" (see qftp-harness "
                          "coverage --json for the keys)",
                          key);
        break;
      }
      if (!e->item.required) {
        rc = reasons_fail(err, errlen, path, ik,
                          "uncovered: \"%s\" is not a required item; it "
                          "needs no reason",
                          key);
        break;
      }
      if (e->reason) {
        rc = reasons_fail(err, errlen, path, ik,
                          "uncovered: \"%s\" is given twice", key);
        break;
      }
      if (!iv || iv->type != YAML_SCALAR_NODE || !iv->data.scalar.length ||
          iv->data.scalar.length > REASON_MAX) {
        rc = reasons_fail(err, errlen, path, iv ? iv : ik,
                          "uncovered: \"%s\": the reason must be a "
                          "non-empty string (at most 1000 bytes)",
                          key);
        break;
      }
      e->reason = strdup((const char *)iv->data.scalar.value);
      if (!e->reason) {
        rc = reasons_fail(err, errlen, path, iv, "%s", "out of memory");
        break;
      }
      e->reason_line = (int)ik->start_mark.line + 1;
    }
  }
  yaml_document_delete(&doc);
  return rc;
}

void qh_cov_model_inherit(qh_cov_model *m)
{
  for (size_t i = 0; i < m->n; i++) {
    qh_cov_entry *e = &m->e[i];
    if (e->item.kind != QH_KIND_POST || e->reason)
      continue;
    char key[96];
    snprintf(key, sizeof key, "err:%s", e->item.key + strlen("post:"));
    qh_cov_entry *src = qh_cov_model_find(m, key);
    if (src && src->reason && !src->ncovered) {
      size_t len = strlen(src->reason) + 64;
      e->reason = malloc(len);
      if (!e->reason) {
        m->oom = true;
        continue;
      }
      snprintf(e->reason, len, "as %s: %s", key, src->reason);
      e->inherited = true;
    }
  }
}

bool qh_cov_entry_missing(const qh_cov_entry *e)
{
  return e->item.required && !e->ncovered && !e->reason;
}

qh_cov_counts qh_cov_model_counts(const qh_cov_model *m)
{
  qh_cov_counts c = {0};
  for (size_t i = 0; i < m->n; i++) {
    const qh_cov_entry *e = &m->e[i];
    if (e->reason && e->ncovered && !e->inherited)
      c.stale++;
    if (!e->item.required)
      continue;
    c.required++;
    if (e->ncovered)
      c.covered++;
    else if (e->reason)
      c.reasoned++;
    else
      c.uncovered++;
  }
  return c;
}

int qh_cov_exit_status(const qh_cov_model *m)
{
  return qh_cov_model_counts(m).uncovered ? 1 : 0;
}
