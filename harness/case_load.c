/* case_load: reads one case file (cases/FORMAT.md) into a qh_case.
 *
 * libyaml's document API builds the node tree; the loader walks it against
 * one key table (case_keys.c, which FORMAT.md must document: a unit test
 * checks it). The schema fixes the nesting, so the walk never recurses on
 * the file's own depth, and an alias cannot multiply work: every leaf
 * value must be a scalar. This file: the entry point, opening files (read
 * and parsed by qc_yaml.c, shared with the profile loader), the case
 * header, tags and server; the other sections live in case_steps.c,
 * case_faults.c, case_wire.c and case_server_expect.c.
 *
 * Every error is "file:line:col: what" with the position of the offending
 * node (libyaml marks are 0-based; we print 1-based). The partly built case
 * is freed on every error path. */
#include "case_parse.h"
#include "case_id.h"
#include "qc_profile_schema.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The case owns every file name a qh_where points at; one copy each. */
const char *cl_add_source(cl_loader *l, const char *path)
{
  qh_case *c = l->c;
  for (size_t i = 0; i < c->nsources; i++)
    if (strcmp(c->sources[i], path) == 0)
      return c->sources[i];
  if (c->nsources == l->sources_cap) {
    size_t cap = l->sources_cap ? l->sources_cap * 2 : 4;
    char **v = realloc(c->sources, cap * sizeof *v);
    if (!v)
      return NULL;
    c->sources = v;
    l->sources_cap = cap;
  }
  char *d = strdup(path);
  if (!d)
    return NULL;
  c->sources[c->nsources++] = d;
  return d;
}

/* Parses `path` into dc; *root is its top-level mapping. One document per
 * file. Returns 0, or -1 with err set (dc then holds nothing). */
int cl_open_doc(cl_loader *l, const char *path, cl_doc *dc, yaml_node_t **root)
{
  static const qc_yaml_opts opts = {CL_MAX_FILE, "file", "one case per file"};
  memset(dc, 0, sizeof *dc);
  if (qc_yaml_load_map_src(l->src, path, &opts, 0, &dc->d, root, l->err,
                           l->errlen) < 0)
    return -1;
  if (!(dc->file = cl_add_source(l, path))) {
    snprintf(l->err, l->errlen, "%s: out of memory", path);
    yaml_document_delete(&dc->d);
    return -1;
  }
  return 0;
}

void cl_close_doc(cl_doc *dc)
{
  yaml_document_delete(&dc->d);
}

static int load_file(cl_loader *l, const cl_doc *dc, const yaml_node_t *item,
                     size_t index, srv_file *f)
{
  static const cl_key kinds[] = {K_SIZE, K_TEXT, K_DIR};
  char what[40], w2[64];
  snprintf(what, sizeof what, "files item %zu", index);
  f->where = cl_where(dc, item);
  f->writable = true;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_item(l, dc, item, SC_FILE, what, "a mapping", kn, vals) < 0 ||
      !cl_one_of(l, dc, item, kn, kinds, 3, what, "size, text, dir"))
    return -1;
  /* The empty path is named "path" alone, unlike server_expect's. */
  if (!(f->path = cl_path_value(l, dc, vals[K_PATH], what, "path")))
    return -1;
  if (kn[K_SEED] && !kn[K_SIZE]) {
    cl_fail(l, dc, kn[K_SEED], "%s: \"seed\" only goes with \"size\"", what);
    return -1;
  }
  if (kn[K_WRITABLE] && !kn[K_DIR]) {
    cl_fail(l, dc, kn[K_WRITABLE], "%s: \"writable\" only goes with \"dir\"",
            what);
    return -1;
  }
  const char *s;
  if (kn[K_SIZE]) {
    f->kind = SRV_FILE_PAYLOAD;
    return cl_payload_value(l, dc, vals, what, CL_MAX_FILE_PAYLOAD, &f->size,
                          &f->seed);
  }
  if (kn[K_TEXT]) {
    f->kind = SRV_FILE_TEXT;
    snprintf(w2, sizeof w2, "%s: text", what);
    if (!(s = cl_scalar(l, dc, vals[K_TEXT], w2)) ||
        !(f->text = cl_dup(l, dc, vals[K_TEXT], s)))
      return -1;
    return 0;
  }
  f->kind = SRV_FILE_DIR;
  bool on;
  snprintf(w2, sizeof w2, "%s: dir", what);
  if (!(s = cl_scalar(l, dc, vals[K_DIR], w2)))
    return -1;
  if (cl_parse_bool(s, &on) < 0 || !on) {
    cl_fail(l, dc, vals[K_DIR], "%s: must be true", w2);
    return -1;
  }
  snprintf(w2, sizeof w2, "%s: writable", what);
  if (kn[K_WRITABLE] &&
      cl_bool_value(l, dc, vals[K_WRITABLE], w2, &f->writable) < 0)
    return -1;
  return 0;
}

static int load_files(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq)
{
  if (cl_expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "files") < 0)
    return -1;
  qh_case *c = l->c;
  size_t index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++) {
    yaml_node_t *item = cl_node(dc, *it);
    if (c->nfiles == CL_MAX_FILES) {
      cl_fail(l, dc, item, "files: more than %d entries", CL_MAX_FILES);
      return -1;
    }
    if (cl_grow(l, dc, item, (void **)&c->files, &l->files_cap, c->nfiles,
                sizeof *c->files) < 0)
      return -1;
    srv_file *f = &c->files[c->nfiles++];
    if (load_file(l, dc, item, index, f) < 0)
      return -1;
    for (size_t i = 0; i + 1 < c->nfiles; i++) {
      if (strcmp(c->files[i].path, f->path) == 0) {
        cl_fail(l, dc, item,
                "files item %zu: path \"%.64s\" already listed "
                "(line %d)",
                index, f->path, c->files[i].where.line);
        return -1;
      }
    }
  }
  return 0;
}

static int load_server(cl_loader *l, const cl_doc *dc, const yaml_node_t *map)
{
  if (cl_expect_type(l, dc, map, YAML_MAPPING_NODE, "server") < 0)
    return -1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_map(l, dc, map, SC_SERVER, "server: ", kn, vals) < 0)
    return -1;
  const char *prof = "plain";
  if (vals[K_PROFILE]) {
    if (!(prof = cl_nonempty(l, dc, vals[K_PROFILE], "server: profile")))
      return -1;
    if (!cl_server_profile(prof, NULL)) {
      char list[160];
      cl_server_profiles(list, sizeof list);
      cl_fail(l, dc, vals[K_PROFILE],
              "server: profile \"%.40s\" unknown (expected one of %s)", prof,
              list);
      return -1;
    }
  }
  if (!(l->c->server = cl_dup(l, dc, map, prof)))
    return -1;
  if (!vals[K_FILES])
    return 0;
  if (strcmp(prof, "none") == 0) {
    cl_fail(l, dc, kn[K_FILES],
            "server: files need a server (profile is none)");
    return -1;
  }
  return load_files(l, dc, vals[K_FILES]);
}

/* ---- the case ---------------------------------------------------------- */

/* A tag profile:KEY:VALUE runs the case only under profiles whose KEY has
 * VALUE (profile-not:KEY:VALUE: another value); KEY must be a schema key
 * and VALUE valid for it. */
bool qh_case_profile_tag(const char *tag, char *key, size_t keylen,
                         const char **value, bool *negated)
{
  size_t pre;
  if (strncmp(tag, "profile:", 8) == 0)
    pre = 8, *negated = false;
  else if (strncmp(tag, "profile-not:", 12) == 0)
    pre = 12, *negated = true;
  else
    return false;
  const char *colon = strrchr(tag, ':');
  if (colon < tag + pre)
    return false;
  size_t klen = (size_t)(colon - (tag + pre));
  if (klen == 0 || klen >= keylen)
    return false;
  memcpy(key, tag + pre, klen);
  key[klen] = '\0';
  *value = colon + 1;
  return true;
}

static int check_profile_tag(cl_loader *l, const cl_doc *dc,
                             const yaml_node_t *n, const char *t)
{
  if (strncmp(t, "profile:", 8) != 0 && strncmp(t, "profile-not:", 12) != 0)
    return 0;
  char key[CL_MAX_TAG + 1];
  const char *value;
  bool negated;
  if (!qh_case_profile_tag(t, key, sizeof key, &value, &negated)) {
    cl_fail(l, dc, n, "tags: \"%s\": expected profile:KEY:VALUE or "
            "profile-not:KEY:VALUE", t);
    return -1;
  }
  const qc_pkey *k = qc_pschema_find(key);
  if (!k) {
    const char *s = qc_pschema_suggest(key);
    cl_fail(l, dc, n, "tags: \"%s\": no profile key \"%s\"%s%s%s", t, key,
            s ? " (did you mean " : "", s ? s : "", s ? "?)" : "");
    return -1;
  }
  char why[160];
  if (qc_pschema_check(k, value, why, sizeof why) < 0) {
    cl_fail(l, dc, n, "tags: \"%s\": %s", t, why);
    return -1;
  }
  return 0;
}

static int load_tags(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq)
{
  if (cl_expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "tags") < 0)
    return -1;
  qh_case *c = l->c;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++) {
    yaml_node_t *n = cl_node(dc, *it);
    const char *t = cl_scalar(l, dc, n, "tags");
    if (!t)
      return -1;
    if (!cl_chars_in(t, CL_MAX_TAG, ":._-", false)) {
      cl_fail(l, dc, n, "tags: \"%.64s\" must be 1-%d of a-z 0-9 : . _ -", t,
              CL_MAX_TAG);
      return -1;
    }
    if (check_profile_tag(l, dc, n, t) < 0)
      return -1;
    if (qh_case_has_tag(c, t)) {
      cl_fail(l, dc, n, "tags: \"%s\" listed twice", t);
      return -1;
    }
    if (c->ntags == CL_MAX_TAGS) {
      cl_fail(l, dc, n, "tags: more than %d", CL_MAX_TAGS);
      return -1;
    }
    if (cl_grow(l, dc, n, (void **)&c->tags, &l->tags_cap, c->ntags,
                sizeof *c->tags) < 0 ||
        !(c->tags[c->ntags] = cl_dup(l, dc, n, t)))
      return -1;
    c->ntags++;
  }
  return 0;
}

/* id, title, spec: scalars with their own shapes. */
static int load_header(cl_loader *l, const cl_doc *dc, yaml_node_t **vals)
{
  qh_case *c = l->c;
  const char *id = cl_nonempty(l, dc, vals[K_ID], "id");
  if (!id)
    return -1;
  if (!cl_chars_in(id, CL_MAX_ID, "._-", false)) {
    cl_fail(l, dc, vals[K_ID], "id: \"%.64s\" must be 1-%d of a-z 0-9 . _ -",
            id, CL_MAX_ID);
    return -1;
  }
  /* "." and ".." would be no directory of their own in a report. */
  if (!qh_case_id_valid(id)) {
    cl_fail(l, dc, vals[K_ID],
            "id: \"%.64s\" must be non-empty parts joined by single dots "
            "(no leading, trailing or double dot)",
            id);
    return -1;
  }
  if (l->want_id && strcmp(id, l->want_id) != 0) {
    cl_fail(l, dc, vals[K_ID],
            "id: \"%.64s\" does not follow the file's place: it must be "
            "\"%s\" (folders under the cases root joined with dots, then "
            "the file name)",
            id, l->want_id);
    return -1;
  }
  const char *title = cl_nonempty(l, dc, vals[K_TITLE], "title");
  if (!title)
    return -1;
  /* One line: list, the reports and JUnit show it as a row. */
  for (const char *p = title; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) {
      cl_fail(l, dc, vals[K_TITLE],
              "title: must be one line of text (control byte at %zu)",
              (size_t)(p - title) + 1);
      return -1;
    }
  const char *spec = cl_nonempty(l, dc, vals[K_SPEC], "spec");
  if (!spec)
    return -1;
  /* A section number of the application note: "2", "2.5", "2.5.1". */
  bool ok = strlen(spec) <= CL_MAX_SPEC && isdigit((unsigned char)spec[0]) &&
            isdigit((unsigned char)spec[strlen(spec) - 1]) &&
            !strstr(spec, "..") && strspn(spec, "0123456789.") == strlen(spec);
  if (!ok) {
    cl_fail(l, dc, vals[K_SPEC],
            "spec: \"%.40s\" is not a section number like \"2.5\"", spec);
    return -1;
  }
  if (!(c->id = cl_dup(l, dc, vals[K_ID], id)) ||
      !(c->title = cl_dup(l, dc, vals[K_TITLE], title)) ||
      !(c->spec = cl_dup(l, dc, vals[K_SPEC], spec)))
    return -1;
  return 0;
}

static int load_case(cl_loader *l, const char *path)
{
  cl_doc dc;
  yaml_node_t *root;
  if (cl_open_doc(l, path, &dc, &root) < 0)
    return -1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  int rc = cl_walk_map(l, &dc, root, SC_CASE, "", kn, vals);
  if (rc == 0)
    rc = load_header(l, &dc, vals);
  if (rc == 0 && vals[K_TAGS])
    rc = load_tags(l, &dc, vals[K_TAGS]);
  if (rc == 0 && vals[K_SERVER])
    rc = load_server(l, &dc, vals[K_SERVER]);
  if (rc == 0 && !l->c->server)
    rc = (l->c->server = cl_dup(l, &dc, root, "plain")) ? 0 : -1;
  if (rc == 0)
    rc = cl_load_steps(l, &dc, vals[K_STEPS]);
  if (rc == 0 && vals[K_FAULTS])
    rc = cl_load_faults(l, &dc, kn[K_FAULTS], vals[K_FAULTS]);
  if (rc == 0 && vals[K_WIRE])
    rc = cl_load_wire(l, &dc, vals[K_WIRE]);
  if (rc == 0 && vals[K_SERVER_EXPECT])
    rc = cl_load_server_expect(l, &dc, kn[K_SERVER_EXPECT],
                               vals[K_SERVER_EXPECT]);
  cl_close_doc(&dc);
  return rc;
}

int qh_case_load(const char *path, const char *fragments_dir, qh_case **out,
                 char *err, size_t errlen)
{
  return qh_case_load_as(path, fragments_dir, NULL, out, err, errlen);
}

int qh_case_load_as(const char *path, const char *fragments_dir,
                    const char *want_id, qh_case **out, char *err,
                    size_t errlen)
{
  return qh_case_load_src(NULL, path, fragments_dir, want_id, out, err,
                          errlen);
}

int qh_case_load_src(const struct qc_yaml_src *src, const char *path,
                     const char *fragments_dir, const char *want_id,
                     qh_case **out, char *err, size_t errlen)
{
  *out = NULL;
  if (errlen)
    err[0] = '\0';
  qh_case *c = calloc(1, sizeof *c);
  if (!c || !(c->path = strdup(path))) {
    snprintf(err, errlen, "%s: out of memory", path);
    free(c);
    return -1;
  }
  c->wire.tls_control = c->wire.tls_data = -1; /* unspecified */
  cl_loader l = {
      .c = c,
      .fragments_dir = fragments_dir,
      .src = src,
      .want_id = want_id,
      .err = err,
      .errlen = errlen};
  if (load_case(&l, path) < 0) {
    qh_case_free(c);
    return -1;
  }
  *out = c;
  return 0;
}

static void free_strings(char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void qh_case_free(qh_case *c)
{
  if (!c)
    return;
  free(c->id);
  free(c->title);
  free(c->spec);
  free(c->path);
  for (size_t i = 0; i < c->ntags; i++)
    free(c->tags[i]);
  free(c->tags);
  free(c->server);
  for (size_t i = 0; i < c->nfiles; i++) {
    free(c->files[i].path);
    free(c->files[i].text);
  }
  free(c->files);
  for (size_t i = 0; i < c->nsteps; i++) {
    qh_step *s = &c->steps[i];
    free(s->text);
    free(s->busy);
    free(s->if_sent);
    free_strings(s->contains, s->ncontains);
    free_strings(s->absent, s->nabsent);
  }
  free(c->steps);
  for (size_t i = 0; i < c->nfaults; i++) {
    free(c->faults[i].on);
    free(c->faults[i].reply);
    free(c->faults[i].address);
  }
  free(c->faults);
  free_strings(c->wire.commands, c->wire.ncommands);
  free_strings(c->wire.forbidden, c->wire.nforbidden);
  free(c->wire.data);
  for (size_t i = 0; i < c->expect.nfiles; i++) {
    free(c->expect.files[i].path);
    free(c->expect.files[i].text);
  }
  free(c->expect.files);
  free_strings(c->expect.log_contains, c->expect.nlog);
  for (size_t i = 0; i < c->nsources; i++)
    free(c->sources[i]);
  free(c->sources);
  free(c);
}

bool qh_case_has_tag(const qh_case *c, const char *tag)
{
  for (size_t i = 0; c && i < c->ntags; i++)
    if (strcmp(c->tags[i], tag) == 0)
      return true;
  return false;
}

const char *qh_step_kind_name(qh_step_kind k)
{
  switch (k) {
  case QH_STEP_SEND:
    return "send";
  case QH_STEP_SEND_RAW:
    return "send_raw";
  case QH_STEP_EXPECT:
    return "expect";
  case QH_STEP_EXPECT_MATCH:
    return "expect_match";
  case QH_STEP_WAIT_FOR:
    return "wait_for";
  case QH_STEP_WAIT_MATCH:
    return "wait_match";
  case QH_STEP_SILENCE:
    return "silence";
  case QH_STEP_SLEEP:
    return "sleep";
  case QH_STEP_SEND_DATA:
    return "send_data";
  case QH_STEP_EXPECT_DATA:
    return "expect_data";
  case QH_STEP_READ_LISTING:
    return "read_listing";
  case QH_STEP_ESCAPE:
    return "escape";
  case QH_STEP_DTR:
    return "dtr";
  case QH_STEP_SIM_CONTROL:
    return "sim_control";
  }
  return "?";
}
