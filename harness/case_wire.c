/* case_wire: the `wire:` mapping, assertions checked on the case's packet
 * capture: the client's FTP commands (globs, in order), commands that must
 * not appear, passive or active mode, the data connections, TLS on the
 * control and data connections, and no credentials or payload in clear. */
#include "case_parse.h"

#include <stdio.h>
#include <string.h>

static int load_wire_data(cl_loader *l, const cl_doc *dc,
                          const yaml_node_t *item, size_t index,
                          wire_expect_data *w)
{
  static const char *const dirs[] = {"download", "upload"};
  static const char *const closes[] = {"fin", "rst"};
  static const char *const openers[] = {"client", "server"};
  char what[48], full[64];
  snprintf(what, sizeof what, "wire: data item %zu", index);
  w->where = cl_where(dc, item);
  w->bytes = -1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_item(l, dc, item, SC_WIRE_DATA, what, "a mapping", kn, vals) < 0)
    return -1;
  int i;
  snprintf(full, sizeof full, "%s: direction", what);
  if (vals[K_DIRECTION]) {
    if (cl_enum_value(l, dc, vals[K_DIRECTION], full, dirs, 2, &i) < 0)
      return -1;
    w->direction = i == 0 ? WIRE_WANT_DOWNLOAD : WIRE_WANT_UPLOAD;
  }
  snprintf(full, sizeof full, "%s: close", what);
  if (vals[K_CLOSE]) {
    if (cl_enum_value(l, dc, vals[K_CLOSE], full, closes, 2, &i) < 0)
      return -1;
    w->close = i == 0 ? WIRE_WANT_CLOSE_FIN : WIRE_WANT_CLOSE_RST;
  }
  snprintf(full, sizeof full, "%s: opened_by", what);
  if (vals[K_OPENED_BY]) {
    if (cl_enum_value(l, dc, vals[K_OPENED_BY], full, openers, 2, &i) < 0)
      return -1;
    w->opened_by = i == 0 ? WIRE_WANT_OPENER_CLIENT : WIRE_WANT_OPENER_SERVER;
  }
  snprintf(full, sizeof full, "%s: bytes", what);
  if (vals[K_BYTES]) {
    uint64_t u;
    if (cl_u64_value(l, dc, vals[K_BYTES], full, 0, CL_MAX_PAYLOAD, "bytes",
                     &u) < 0)
      return -1;
    w->bytes = (int64_t)u;
  }
  return 0;
}

static int load_data_list(cl_loader *l, const cl_doc *dc,
                          const yaml_node_t *seq, wire_expect *w)
{
  if (cl_expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "wire: data") < 0)
    return -1;
  w->data_given = true;
  size_t cap = 0, index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++) {
    yaml_node_t *item = cl_node(dc, *it);
    if (w->ndata == CL_MAX_WIRE_DATA) {
      cl_fail(l, dc, item, "wire: data: more than %d items", CL_MAX_WIRE_DATA);
      return -1;
    }
    if (cl_grow(l, dc, item, (void **)&w->data, &cap, w->ndata,
                sizeof *w->data) < 0 ||
        load_wire_data(l, dc, item, index, &w->data[w->ndata++]) < 0)
      return -1;
  }
  return 0;
}

static int load_tls(cl_loader *l, const cl_doc *dc, const yaml_node_t *map,
                    wire_expect *w)
{
  if (cl_expect_type(l, dc, map, YAML_MAPPING_NODE, "wire: tls") < 0)
    return -1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_map(l, dc, map, SC_WIRE_TLS, "wire: tls: ", kn, vals) < 0)
    return -1;
  bool on;
  if (vals[K_CONTROL]) {
    if (cl_bool_value(l, dc, vals[K_CONTROL], "wire: tls: control", &on) < 0)
      return -1;
    w->tls_control = on;
  }
  if (vals[K_DATA]) {
    if (cl_bool_value(l, dc, vals[K_DATA], "wire: tls: data", &on) < 0)
      return -1;
    w->tls_data = on;
  }
  if (vals[K_VERSION]) {
    /* The ServerHello's choice, as the wire analysis names it. */
    static const char *const names[] = {"TLS1.0", "TLS1.1", "TLS1.2",
                                        "TLS1.3"};
    int i;
    if (cl_enum_value(l, dc, vals[K_VERSION], "wire: tls: version", names, 4,
                      &i) < 0)
      return -1;
    w->tls_version = (uint16_t)(0x0301 + i);
  }
  return 0;
}

int cl_load_wire(cl_loader *l, const cl_doc *dc, const yaml_node_t *map)
{
  static const char *const modes[] = {"passive", "active"};
  wire_expect *w = &l->c->wire;
  w->tls_control = w->tls_data = -1;
  if (cl_expect_type(l, dc, map, YAML_MAPPING_NODE, "wire") < 0)
    return -1;
  w->present = true;
  w->where = cl_where(dc, map);
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_map(l, dc, map, SC_WIRE, "wire: ", kn, vals) < 0)
    return -1;
  if (vals[K_COMMANDS] &&
      cl_string_list(l, dc, vals[K_COMMANDS], "wire: commands", true,
                     &w->commands, &w->ncommands) < 0)
    return -1;
  if (vals[K_FORBIDDEN] &&
      cl_string_list(l, dc, vals[K_FORBIDDEN], "wire: forbidden", true,
                     &w->forbidden, &w->nforbidden) < 0)
    return -1;
  if (vals[K_MODE]) {
    int i;
    if (cl_enum_value(l, dc, vals[K_MODE], "wire: mode", modes, 2, &i) < 0)
      return -1;
    w->mode = i == 0 ? WIRE_WANT_PASSIVE : WIRE_WANT_ACTIVE;
  }
  if (vals[K_DATA] && load_data_list(l, dc, vals[K_DATA], w) < 0)
    return -1;
  if (vals[K_TLS] && load_tls(l, dc, vals[K_TLS], w) < 0)
    return -1;
  if (vals[K_NO_PLAINTEXT] &&
      cl_bool_value(l, dc, vals[K_NO_PLAINTEXT], "wire: no_plaintext",
                    &w->no_plaintext) < 0)
    return -1;
  return 0;
}
