/* case_server_expect: the `server_expect:` mapping, checked after the
 * steps: files the FTP home must (or must not) hold, with their content,
 * and substrings of the case's server protocol log. */
#include "case_parse.h"

#include <stdio.h>
#include <string.h>

static int load_sfile(cl_loader *l, const cl_doc *dc, const yaml_node_t *item,
                      size_t index, srv_want_file *f)
{
  static const cl_key kinds[] = {K_SIZE, K_TEXT, K_ABSENT};
  char what[48], full[64];
  snprintf(what, sizeof what, "server_expect: files item %zu", index);
  f->where = cl_where(dc, item);
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_item(l, dc, item, SC_SFILE, what, "a mapping", kn, vals) < 0 ||
      !cl_one_of(l, dc, item, kn, kinds, 3, what, "size, text, absent"))
    return -1;
  if (kn[K_SEED] && !kn[K_SIZE]) {
    cl_fail(l, dc, kn[K_SEED], "%s: \"seed\" only goes with \"size\"", what);
    return -1;
  }
  snprintf(full, sizeof full, "%s: path", what);
  if (!(f->path = cl_path_value(l, dc, vals[K_PATH], what, full)))
    return -1;
  if (kn[K_ABSENT]) {
    snprintf(full, sizeof full, "%s: absent", what);
    if (cl_bool_value(l, dc, vals[K_ABSENT], full, &f->absent) < 0)
      return -1;
    if (!f->absent) {
      cl_fail(l, dc, vals[K_ABSENT], "%s: must be true", full);
      return -1;
    }
    return 0;
  }
  if (kn[K_TEXT]) {
    snprintf(full, sizeof full, "%s: text", what);
    const char *t = cl_scalar(l, dc, vals[K_TEXT], full);
    return t && (f->text = cl_dup(l, dc, vals[K_TEXT], t)) ? 0 : -1;
  }
  f->has_payload = true;
  /* Compared by streaming the stored file: any size a transfer can move. */
  return cl_payload_value(l, dc, vals, what, CL_MAX_PAYLOAD, &f->size,
                          &f->seed);
}

static int load_sfiles(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq,
                       srv_expect *e)
{
  if (cl_expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "server_expect: files") <
      0)
    return -1;
  size_t cap = 0, index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++) {
    yaml_node_t *item = cl_node(dc, *it);
    if (e->nfiles == CL_MAX_FILES) {
      cl_fail(l, dc, item, "server_expect: files: more than %d entries",
              CL_MAX_FILES);
      return -1;
    }
    if (cl_grow(l, dc, item, (void **)&e->files, &cap, e->nfiles,
                sizeof *e->files) < 0)
      return -1;
    srv_want_file *f = &e->files[e->nfiles++];
    if (load_sfile(l, dc, item, index, f) < 0)
      return -1;
    for (size_t i = 0; i + 1 < e->nfiles; i++) {
      if (strcmp(e->files[i].path, f->path) == 0) {
        cl_fail(l, dc, item,
                "server_expect: files item %zu: path \"%.64s\" already "
                "listed (line %d)",
                index, f->path, e->files[i].where.line);
        return -1;
      }
    }
  }
  return 0;
}

int cl_load_server_expect(cl_loader *l, const cl_doc *dc,
                          const yaml_node_t *key, const yaml_node_t *map)
{
  srv_expect *e = &l->c->expect;
  if (strcmp(l->c->server, "none") == 0) {
    cl_fail(l, dc, key, "server_expect needs a server (profile is none)");
    return -1;
  }
  if (cl_expect_type(l, dc, map, YAML_MAPPING_NODE, "server_expect") < 0)
    return -1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_map(l, dc, map, SC_SEXPECT, "server_expect: ", kn, vals) < 0)
    return -1;
  if (vals[K_FILES] && load_sfiles(l, dc, vals[K_FILES], e) < 0)
    return -1;
  if (vals[K_LOG_CONTAINS] &&
      cl_string_list(l, dc, vals[K_LOG_CONTAINS], "server_expect: log_contains",
                     false, &e->log_contains, &e->nlog) < 0)
    return -1;
  return 0;
}
