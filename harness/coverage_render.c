/* coverage_render: the matrix as text for people and as JSON for tools
 * (schema in README.md, "Coverage of the note"). */
#include "coverage.h"

#include <jansson.h>
#include <string.h>

static const char *const kind_titles[QH_KIND_COUNT] = {
    "command x form (2.1-2.18; only the forms the note defines are required)",
    ("AT+QFTPCFG parameter x value class (2.1 ranges; read_back: a set, "
     "then a query of that key)"),
    "err (chapter 5)",
    "FTP reply x command family (chapter 6; required where RFC 959 allows)",
    "post-condition: a command after each err",
    "note section (chapters 1-4) x cases (spec:)",
    "other commands' parameters (information only)",
};

/* The part of a key after its kind: "form:QFTPCWD:set" -> "QFTPCWD:set". */
static const char *bare(const qh_cov_entry *e)
{
  const char *c = strchr(e->item.key, ':');
  return c ? c + 1 : e->item.key;
}

static void cell(const qh_cov_model *m, const char *key, FILE *out)
{
  qh_cov_entry *e = qh_cov_model_find((qh_cov_model *)m, key);
  if (!e)
    fprintf(out, " %9s", "?");
  else if (e->ncovered)
    fprintf(out, " %9zu", e->ncovered);
  else if (e->reason)
    fprintf(out, " %9s", "reason");
  else if (e->item.required)
    fprintf(out, " %9s", "MISSING");
  else
    fprintf(out, " %9s", ".");
}

/* The two-dimensional views: rows x columns of case counts. */
static void grid_forms(const qh_cov_model *m, FILE *out)
{
  fprintf(out, "  %-11s", "");
  for (int f = 0; f < QH_FORM_COUNT; f++)
    fprintf(out, " %9s", qh_cov_form_name((qh_cov_form)f));
  fputc('\n', out);
  for (size_t i = 0; i < qh_cov_ncommands; i++) {
    fprintf(out, "  %-11s", qh_cov_commands[i].name);
    for (int f = 0; f < QH_FORM_COUNT; f++) {
      char key[80];
      snprintf(key, sizeof key, "form:%s:%s", qh_cov_commands[i].name,
               qh_cov_form_name((qh_cov_form)f));
      cell(m, key, out);
    }
    fputc('\n', out);
  }
}

static void grid_replies(const qh_cov_model *m, FILE *out)
{
  fprintf(out, "  %-11s", "");
  for (int f = 0; f < QH_FAM_COUNT; f++)
    fprintf(out, " %9s", qh_cov_family_name((qh_cov_family)f));
  fputc('\n', out);
  for (size_t i = 0; i < qh_cov_nreplies; i++) {
    fprintf(out, "  %-11d", qh_cov_replies[i].code);
    for (int f = 0; f < QH_FAM_COUNT; f++) {
      char key[80];
      snprintf(key, sizeof key, "reply:%d:%s", qh_cov_replies[i].code,
               qh_cov_family_name((qh_cov_family)f));
      cell(m, key, out);
    }
    fputc('\n', out);
  }
}

static void item_line(const qh_cov_entry *e, FILE *out)
{
  if (e->ncovered)
    fprintf(out, "  %-40s %4zu  %s%s\n", bare(e), e->ncovered,
            e->covered_by[0], e->item.required ? "" : "  (not required)");
  else if (e->reason)
    fprintf(out, "  %-40s    -  reason: %s\n", bare(e), e->reason);
  else
    fprintf(out, "  %-40s    -  ** UNCOVERED **\n", bare(e));
}

void qh_cov_render_text(const qh_cov_model *m, const char *source, FILE *out)
{
  qh_cov_counts c = qh_cov_model_counts(m);
  fprintf(out, "Coverage of the FTP(S) application note by %s\n", source);
  fprintf(out, "%zu passing case%s counted. Columns: item, passing cases, "
               "one of them.\n",
          m->cases, m->cases == 1 ? "" : "s");
  for (int k = 0; k < QH_KIND_COUNT; k++) {
    fprintf(out, "\n== %s ==\n", kind_titles[k]);
    if (k == QH_KIND_FORM)
      grid_forms(m, out);
    if (k == QH_KIND_REPLY)
      grid_replies(m, out);
    if (k == QH_KIND_FORM || k == QH_KIND_REPLY)
      fputc('\n', out);
    for (size_t i = 0; i < m->n; i++) {
      const qh_cov_entry *e = &m->e[i];
      if ((int)e->item.kind != k)
        continue;
      /* Optional items only when a case touches them. */
      if (e->item.required || e->ncovered)
        item_line(e, out);
    }
  }
  if (c.stale) {
    fprintf(out, "\nReasons given for items a passing case covers "
                 "(remove them from the reasons file):\n");
    for (size_t i = 0; i < m->n; i++)
      if (m->e[i].reason && m->e[i].ncovered && !m->e[i].inherited)
        fprintf(out, "  %s (%s)\n", m->e[i].item.key, m->e[i].covered_by[0]);
  }
  fprintf(out, "\nRequired items: %zu; covered %zu, with a stated reason "
               "%zu, uncovered %zu.\n",
          c.required, c.covered, c.reasoned, c.uncovered);
  if (c.uncovered) {
    fprintf(out, "\nUNCOVERED required items (%zu):\n", c.uncovered);
    for (size_t i = 0; i < m->n; i++)
      if (qh_cov_entry_missing(&m->e[i]))
        fprintf(out, "  %s\n", m->e[i].item.key);
  }
}

static json_t *entry_json(const qh_cov_entry *e)
{
  json_t *by = json_array();
  for (size_t i = 0; i < e->ncovered; i++)
    json_array_append_new(by, json_string(e->covered_by[i]));
  return json_pack("{s:s, s:s, s:b, s:o, s:o}", "kind",
                   qh_cov_kind_name(e->item.kind), "key", e->item.key,
                   "required", e->item.required, "covered_by", by, "reason",
                   e->reason ? json_string(e->reason) : json_null());
}

int qh_cov_render_json(const qh_cov_model *m, const char *source,
                       const char *profile, FILE *out)
{
  qh_cov_counts c = qh_cov_model_counts(m);
  json_t *items = json_array();
  json_t *missing = json_array();
  for (size_t i = 0; i < m->n; i++) {
    json_array_append_new(items, entry_json(&m->e[i]));
    if (qh_cov_entry_missing(&m->e[i]))
      json_array_append_new(missing, json_string(m->e[i].item.key));
  }
  json_t *doc = json_pack(
      "{s:i, s:s, s:s, s:s, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o}",
      "schema", 1, "tool", "qftp-harness coverage", "results", source,
      "profile", profile ? profile : "", "cases_counted", (json_int_t)m->cases,
      "summary", "required", (json_int_t)c.required, "covered",
      (json_int_t)c.covered, "reasoned", (json_int_t)c.reasoned, "uncovered",
      (json_int_t)c.uncovered, "stale_reasons", (json_int_t)c.stale,
      "uncovered", missing, "items", items);
  if (!doc)
    return -1;
  int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  fputc('\n', out);
  json_decref(doc);
  return rc;
}
