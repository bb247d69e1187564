/* wire_json: the analysis as the case result's "wire" object (jansson). */
#include "wire_analyze.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

const char *wire_mode_name(wire_mode m)
{
  switch (m) {
  case WIRE_MODE_NONE: return "none";
  case WIRE_MODE_PASSIVE: return "passive";
  case WIRE_MODE_ACTIVE: return "active";
  case WIRE_MODE_MIXED: return "mixed";
  }
  return "?";
}

const char *wire_close_name(wire_close_how h)
{
  switch (h) {
  case WIRE_CLOSE_NONE: return "none";
  case WIRE_CLOSE_FIN: return "fin";
  case WIRE_CLOSE_RST: return "rst";
  }
  return "?";
}

const char *wire_side_name(wire_side s)
{
  switch (s) {
  case WIRE_SIDE_NONE: return "none";
  case WIRE_SIDE_CLIENT: return "client";
  case WIRE_SIDE_SERVER: return "server";
  }
  return "?";
}

const char *wire_xfer_name(wire_xfer_dir d)
{
  switch (d) {
  case WIRE_XFER_NONE: return "none";
  case WIRE_XFER_DOWNLOAD: return "download";
  case WIRE_XFER_UPLOAD: return "upload";
  }
  return "?";
}

/* Times as JSON: seconds since the clock's zero (the first packet, or the
 * base the caller gave: shift = first packet - base), rounded to the
 * microsecond so a shift leaves no float noise. */
typedef struct clock_shift {
  double shift;
} clock_shift;

static json_t *jtime(const clock_shift *k, double t)
{
  double v = t + k->shift;
  if (!isfinite(v))
    return json_null();
  char b[64];
  snprintf(b, sizeof b, "%.6f", v);
  return json_real(strtod(b, NULL));
}

static json_t *tls_json(const wire_tls_info *t)
{
  json_t *o = json_object();
  json_object_set_new(o, "tls", json_boolean(t->tls));
  if (!t->tls)
    return o;
  json_object_set_new(o, "implicit", json_boolean(t->implicit));
  if (t->hello) {
    char b[16];
    json_object_set_new(o, "legacy_version",
                        json_string(wire_tls_version_name(t->h.legacy_version,
                                                          b, sizeof b)));
    json_t *v = json_array();
    for (size_t i = 0; i < t->h.nversions; i++)
      json_array_append_new(v, json_string(wire_tls_version_name(
                                   t->h.versions[i], b, sizeof b)));
    json_object_set_new(o, "supported_versions", v);
  }
  /* The server's choice (RFC 8446 4.1.3): absent until a ServerHello. */
  if (t->server_hello) {
    char b[16];
    json_object_set_new(o, "negotiated",
                        json_string(wire_tls_version_name(t->sh.version, b,
                                                          sizeof b)));
  }
  json_object_set_new(o, "hello_retry", json_boolean(t->hrr));
  return o;
}

static json_t *lines_json(const clock_shift *k, const wire_line *l, size_t n)
{
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_pack("{s:o,s:s}", "t", jtime(k, l[i].t), "text",
                          l[i].text ? l[i].text : "");
    if (l[i].code)
      json_object_set_new(o, "code", json_integer(l[i].code));
    json_array_append_new(arr, o);
  }
  return arr;
}

static json_t *strs_json(char *const *s, size_t n)
{
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, json_string(s[i] ? s[i] : ""));
  return arr;
}

/* The ClientHello's time, null when none was read. */
static json_t *hello_time(const clock_shift *k, const wire_tls_info *t)
{
  return t->hello ? jtime(k, t->t_hello) : json_null();
}

static char *to_json(const wire_analysis *a, bool rebased, double base)
{
  clock_shift k = {.shift = rebased ? a->t_first - base : 0};
  json_t *root = json_object();
  if (rebased)
    json_object_set_new(root, "clock", json_string("case"));
  json_object_set_new(root, "packets", json_integer((json_int_t)a->packets));
  json_object_set_new(root, "tcp_packets",
                      json_integer((json_int_t)a->tcp_packets));
  json_object_set_new(root, "undecoded",
                      json_integer((json_int_t)a->undecoded));
  json_object_set_new(root, "duration_s", json_real(a->duration));
  /* A damaged capture: everything here covers only the packets before. */
  json_object_set_new(root, "capture_truncated", json_boolean(a->truncated));
  if (a->truncated)
    json_object_set_new(root, "capture_error",
                        json_string(a->capture_error));
  json_object_set_new(root, "mode", json_string(wire_mode_name(a->mode)));
  json_t *ss = json_array();
  for (size_t i = 0; i < a->nsessions; i++) {
    const wire_session *s = &a->sessions[i];
    json_t *o = json_pack("{s:i,s:s,s:s,s:o,s:o,s:o,s:b,s:b,s:s,s:s}",
                          "conn", (int)s->conn, "client", s->client, "server",
                          s->server, "t_open", jtime(&k, s->t_open), "t_close",
                          jtime(&k, s->t_close), "t_hello",
                          hello_time(&k, &s->tls), "auth_tls", s->auth_tls,
                          "truncated",
                          s->truncated, "module_close",
                          wire_close_name(s->module_close), "server_close",
                          wire_close_name(s->server_close));
    json_object_set_new(o, "tls", tls_json(&s->tls));
    json_object_set_new(o, "commands", lines_json(&k, s->cmds, s->ncmds));
    json_object_set_new(o, "replies",
                        lines_json(&k, s->replies, s->nreplies));
    json_array_append_new(ss, o);
  }
  json_object_set_new(root, "control", ss);
  json_t *ds = json_array();
  for (size_t i = 0; i < a->ndata; i++) {
    const wire_data_conn *d = &a->data[i];
    json_t *o = json_pack(
        "{s:i,s:i,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:I}",
        "conn", (int)d->conn, "session", d->session, "client", d->client,
        "server", d->server, "mode", d->passive ? "passive" : "active",
        "direction", wire_xfer_name(d->direction), "bytes",
        (json_int_t)d->bytes, "to_server", (json_int_t)d->to_server,
        "to_client", (json_int_t)d->to_client, "opened_by",
        wire_side_name(d->opened_by), "module_close",
        wire_close_name(d->module_close), "first_closer",
        wire_side_name(d->first_closer), "t_open", jtime(&k, d->t_open),
        "t_close", jtime(&k, d->t_close), "t_hello", hello_time(&k, &d->tls),
        "missing", (json_int_t)d->missing);
    json_object_set_new(o, "server_close",
                        json_string(wire_close_name(d->server_close)));
    json_object_set_new(o, "tls", tls_json(&d->tls));
    json_array_append_new(ds, o);
  }
  json_object_set_new(root, "data", ds);
  json_object_set_new(root, "other_connections",
                      json_integer(a->other_conns));
  json_object_set_new(root, "missing_bytes",
                      json_integer((json_int_t)a->missing));
  json_object_set_new(root, "uncaptured_bytes",
                      json_integer((json_int_t)a->uncaptured));
  json_object_set_new(root, "missing",
                      strs_json(a->missing_notes, a->nmissing_notes));
  json_object_set_new(root, "plaintext",
                      strs_json(a->plaintext, a->nplaintext));
  char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(root);
  return s;
}

char *wire_analysis_to_json(const wire_analysis *a)
{
  return to_json(a, false, 0);
}

char *wire_analysis_to_json_at(const wire_analysis *a, double base)
{
  return to_json(a, true, base);
}
