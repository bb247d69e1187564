/* qr_merge_files: the streamed merge (qr_merge.h qr_merge_files). Each
 * part is read once for its keys and its cases' ids, folders and places;
 * the merged file is written by reading each case again from its part, in
 * id order, and dumping it as the whole-tree merge would have. */
#include "qr_merge.h"

#include "qr_file.h"
#include "qr_json.h"
#include "qr_merge_top.h"

#include <stdlib.h>
#include <string.h>

/* One case of a part: enough to check, sort, move and find it again. */
typedef struct mcase {
  char *id, *dir;
  size_t part;
  long long off; /* where it starts in its part's file */
} mcase;

struct qr_merge {
  json_t *head;
  char **paths; /* the parts' files, read again by qr_merge_write */
  size_t nparts;
  mcase *cases; /* part by part, as the parts hold them */
  size_t ncases, cap;
  size_t *order; /* cases by id */
};

void qr_merge_free(qr_merge *m)
{
  if (!m)
    return;
  json_decref(m->head);
  for (size_t i = 0; m->paths && i < m->nparts; i++)
    free(m->paths[i]);
  free(m->paths);
  for (size_t i = 0; i < m->ncases; i++) {
    free(m->cases[i].id);
    free(m->cases[i].dir);
  }
  free(m->cases);
  free(m->order);
  free(m);
}

static int add_case(qr_merge *m, const json_t *c, size_t part, long long off)
{
  if (m->ncases == m->cap) {
    size_t cap = m->cap ? 2 * m->cap : 256;
    mcase *v = realloc(m->cases, cap * sizeof *v);
    if (!v)
      return -1;
    m->cases = v;
    m->cap = cap;
  }
  size_t n;
  mcase *k = &m->cases[m->ncases];
  k->id = strdup(json_string_value(json_object_get(c, "id")));
  k->dir = strdup(qr_doc_str(c, "dir", &n));
  k->part = part;
  k->off = off;
  m->ncases++;
  return k->id && k->dir ? 0 : -1;
}

/* Part i: its keys into heads[i], its cases indexed, its verdicts
 * counted. */
static int read_part(qr_merge *m, size_t i, json_t **head, size_t *ran,
                     size_t *cases_pos, size_t counts[QR_VERDICTS], char *err,
                     size_t errlen)
{
  qr_doc_stream *s = qr_doc_open(m->paths[i], err, errlen);
  if (!s)
    return -1;
  *cases_pos = qr_doc_cases_pos(s);
  *head = json_incref((json_t *)qr_doc_head(s));
  *ran = qr_doc_stream_state(s).ran;
  size_t c[QR_VERDICTS];
  qr_doc_counts(s, c);
  for (int v = 0; v < QR_VERDICTS; v++)
    counts[v] += c[v];
  size_t got = 0;
  int rc = 0;
  const json_t *cs;
  while (rc == 0 && (cs = qr_doc_next(s))) {
    rc = add_case(m, cs, i, qr_doc_case_offset(s));
    got++;
  }
  if (rc < 0)
    qr_errf(err, errlen, "out of memory");
  else if (got != *ran) {
    qr_errf(err, errlen, "cannot read %s: changed while being read",
            m->paths[i]);
    rc = -1;
  }
  qr_doc_close(s);
  return rc;
}

/* A case id twice names both parts (the first met twice, as the parts
 * are read in order). */
static int check_ids(const qr_merge *m, const char *const *names, char *err,
                     size_t errlen)
{
  json_t *seen = json_object(); /* id -> index of its part */
  int rc = seen ? 0 : -1;
  for (size_t i = 0; rc == 0 && i < m->ncases; i++) {
    const mcase *c = &m->cases[i];
    json_t *prev = json_object_get(seen, c->id);
    if (prev) {
      qr_errf(err, errlen, "case id \"%s\" is in both %s and %s", c->id,
              names[json_integer_value(prev)], names[c->part]);
      json_decref(seen);
      return -1;
    }
    if (json_object_set_new(seen, c->id, json_integer((json_int_t)c->part)) < 0)
      rc = -1;
  }
  json_decref(seen);
  if (rc < 0)
    qr_errf(err, errlen, "out of memory");
  return rc;
}

static const mcase *sort_base; /* qsort has no context argument */

static int by_id(const void *a, const void *b)
{
  return strcmp(sort_base[*(const size_t *)a].id,
                sort_base[*(const size_t *)b].id);
}

/* Part 0's keys with "cases" back where the file had it, as the
 * whole-tree merge starts from part 0's document. */
static json_t *base_of(const json_t *head, size_t cases_pos)
{
  json_t *out = json_object();
  size_t i = 0;
  const char *k;
  json_t *v;
  int bad = !out;
  json_object_foreach((json_t *)head, k, v)
  {
    if (i++ == cases_pos)
      bad = bad || json_object_set_new(out, "cases", json_array()) < 0;
    bad = bad || json_object_set_new(out, k, json_deep_copy(v)) < 0;
  }
  if (cases_pos >= i)
    bad = bad || json_object_set_new(out, "cases", json_array()) < 0;
  if (bad) {
    json_decref(out);
    return NULL;
  }
  return out;
}

/* Every part read, checked and its keys merged; heads[i] and ran[i] are
 * the parts'. 0, or -1 with err. */
static int merge_parts(qr_merge *m, json_t **heads, size_t *ran,
                       const char *const *names, FILE *warn, char *err,
                       size_t errlen)
{
  size_t counts[QR_VERDICTS] = {0};
  size_t cases_pos = 0, pos; /* where "cases" stood in part 0 */
  for (size_t i = 0; i < m->nparts; i++) {
    if (read_part(m, i, &heads[i], &ran[i], &pos, counts, err, errlen) < 0)
      return -1;
    if (i == 0)
      cases_pos = pos;
  }
  if (qr_merge_check(heads, names, m->nparts, err, errlen) < 0 ||
      check_ids(m, names, err, errlen) < 0)
    return -1;
  m->order = calloc(m->ncases ? m->ncases : 1, sizeof *m->order);
  json_t *base = base_of(heads[0], cases_pos);
  if (!m->order || !base) {
    json_decref(base);
    qr_errf(err, errlen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < m->ncases; i++)
    m->order[i] = i;
  sort_base = m->cases;
  if (m->ncases > 1)
    qsort(m->order, m->ncases, sizeof *m->order, by_id);
  m->head = qr_merge_top(base, heads, ran, names, m->nparts, counts, m->ncases,
                         warn, err, errlen);
  return m->head ? 0 : -1;
}

qr_merge *qr_merge_files(const char *const *paths, const char *const *names,
                         size_t n, FILE *warn, char *err, size_t errlen)
{
  if (n == 0) {
    qr_errf(err, errlen, "nothing to merge");
    return NULL;
  }
  qr_merge *m = calloc(1, sizeof *m);
  json_t **heads = calloc(n, sizeof *heads);
  size_t *ran = calloc(n, sizeof *ran);
  if (m)
    m->paths = calloc(n, sizeof *m->paths);
  int rc = -1;
  if (m && heads && ran && m->paths) {
    m->nparts = n;
    rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
      if (!(m->paths[i] = strdup(paths[i])))
        rc = -1;
    if (rc < 0)
      qr_errf(err, errlen, "out of memory");
    else
      rc = merge_parts(m, heads, ran, names, warn, err, errlen);
  } else {
    qr_errf(err, errlen, "out of memory");
  }
  for (size_t i = 0; heads && i < n; i++)
    json_decref(heads[i]);
  free(heads);
  free(ran);
  if (rc < 0) {
    qr_merge_free(m);
    return NULL;
  }
  return m;
}

json_t *qr_merge_head(qr_merge *m)
{
  return m->head;
}

qr_doc_run qr_merge_state(const qr_merge *m)
{
  return qr_doc_head_state(m->head, m->ncases);
}

qr_merge_case qr_merge_case_at(const qr_merge *m, size_t k)
{
  const mcase *c = &m->cases[k];
  return (qr_merge_case){.id = c->id, .dir = c->dir, .part = c->part};
}

/* Case k (in id order) as the merged file holds it, appended to b. */
static int case_text(const qr_merge *m, size_t k, qc_buf *b, char *err,
                     size_t errlen)
{
  const mcase *c = &m->cases[m->order[k]];
  const char *path = m->paths[c->part];
  json_t *j = qr_doc_read_case(path, c->off, err, errlen);
  if (!j)
    return -1;
  int rc = 0;
  if (strcmp(json_string_value(json_object_get(j, "id")), c->id) != 0) {
    qr_errf(err, errlen, "cannot read %s: changed while being read", path);
    rc = -1;
  } else if (qr_json_dump_case(j, b) < 0) {
    qr_errf(err, errlen, "case %s: out of memory building the JSON", c->id);
    rc = -1;
  }
  json_decref(j);
  return rc;
}

int qr_merge_write(const qr_merge *m, const char *path, char *err,
                   size_t errlen)
{
  /* The head is dumped with its empty "cases"; the cases go where its
   * "[]" is. A raw newline and two spaces start a key of the top object
   * only (strings escape newlines, deeper keys are indented further). */
  static const char mark[] = "\n  \"cases\": []";
  char *text = json_dumps(m->head, QR_JSON_FLAGS);
  char *at = text ? strstr(text, mark) : NULL;
  if (!at) {
    free(text);
    qr_errf(err, errlen, "cannot write %s: out of memory building the JSON",
            path);
    return -1;
  }
  qr_atomic a;
  if (qr_atomic_open(&a, path, err, errlen) < 0) {
    free(text);
    return -1;
  }
  size_t upto = (size_t)(at - text) + sizeof mark - 3; /* before "[]" */
  qr_atomic_write(&a, text, upto);
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  int rc = 0;
  qr_atomic_write(&a, m->ncases ? "[" : "[]", m->ncases ? 1 : 2);
  for (size_t k = 0; rc == 0 && k < m->ncases; k++) {
    qc_buf_reset(&b);
    qc_buf_addf(&b, "%s\n%*s", k ? "," : "",
                QR_JSON_CASE_DEPTH * QR_JSON_INDENT, "");
    rc = case_text(m, k, &b, err, errlen);
    qr_atomic_write(&a, qc_buf_data(&b), qc_buf_len(&b));
  }
  qc_buf_free(&b);
  if (rc < 0) {
    free(text);
    qr_atomic_abort(&a);
    return -1;
  }
  if (m->ncases)
    qr_atomic_write(&a, "\n  ]", 4);
  const char *rest = text + upto + 2;
  qr_atomic_write(&a, rest, strlen(rest));
  qr_atomic_write(&a, "\n", 1);
  free(text);
  return qr_atomic_commit(&a, err, errlen);
}
