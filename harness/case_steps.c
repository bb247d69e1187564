/* case_steps: the `steps:` list of a case or fragment: one step key per
 * item (the table's KF_STEP keys), `timeout:` where it applies, the
 * value's shape per kind (data mode: note 1.5), and `use:` splicing a
 * fragment's steps in place, at most CL_MAX_FRAG_DEPTH deep. */
#include "case_parse.h"
#include "escape.h"
#include "qc_regex.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Splices fragment `name` (a use: step at `at`) in place. */
static int use_fragment(cl_loader *l, const cl_doc *dc, const yaml_node_t *at,
                        const char *what, const char *name)
{
  bool ok = name[0] != '.' && cl_chars_in(name, CL_MAX_FRAG_NAME, "_.-", true);
  if (!ok) {
    cl_fail(l, dc, at, "%s: bad fragment name \"%.64s\" (A-Z a-z 0-9 _ . -)",
            what, name);
    return -1;
  }
  if (!l->fragments_dir) {
    cl_fail(l, dc, at, "%s: fragment \"%s\" but no fragments directory", what,
            name);
    return -1;
  }
  for (int i = 0; i < l->depth; i++) {
    if (strcmp(l->stack[i], name) == 0) {
      char chain[512] = "";
      size_t n = 0;
      for (int k = i; k < l->depth; k++) {
        int w = snprintf(chain + n, sizeof chain - n, "%s -> ", l->stack[k]);
        if (w < 0 || (size_t)w >= sizeof chain - n)
          break;
        n += (size_t)w;
      }
      cl_fail(l, dc, at, "%s: fragment cycle: %s%s", what, chain, name);
      return -1;
    }
  }
  if (l->depth == CL_MAX_FRAG_DEPTH) {
    cl_fail(l, dc, at, "%s: fragments nested deeper than %d", what,
            CL_MAX_FRAG_DEPTH);
    return -1;
  }
  char path[PATH_MAX];
  int w = snprintf(path, sizeof path, "%s/%s.yaml", l->fragments_dir, name);
  if (w < 0 || (size_t)w >= sizeof path) {
    cl_fail(l, dc, at, "%s: fragment path too long", what);
    return -1;
  }
  const qc_yaml_src *src = l->src ? l->src : &qc_yaml_files;
  int e = src->exists(src->ctx, path);
  if (e != 0) {
    cl_fail(l, dc, at, "%s: unknown fragment \"%s\" (%s: %s)", what, name, path,
            strerror(e));
    return -1;
  }
  cl_doc fd;
  yaml_node_t *root;
  int rc = cl_open_doc(l, path, &fd, &root);
  if (rc == 0) {
    yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
    l->stack[l->depth++] = name;
    rc = cl_walk_map(l, &fd, root, SC_FRAGMENT, "", kn, vals);
    if (rc == 0 && vals[K_FTITLE])
      rc = cl_scalar(l, &fd, vals[K_FTITLE], "title") ? 0 : -1;
    if (rc == 0)
      rc = cl_load_steps(l, &fd, vals[K_FSTEPS]);
    l->depth--;
    cl_close_doc(&fd);
  }
  if (rc < 0)
    cl_append_err(l, " (in fragment \"%s\", used at %s:%lu:%lu)", name,
                  dc->file, (unsigned long)at->start_mark.line + 1,
                  (unsigned long)at->start_mark.column + 1);
  return rc;
}

/* send_data / expect_data: {size, seed} (a payload) or {text}. */
/* send_raw and data text are sent after decoding their escapes: a bad one
 * is this file's error, not a run-time surprise. */
static int check_escapes(cl_loader *l, const cl_doc *dc, const yaml_node_t *v,
                         const char *what, const char *t)
{
  size_t at;
  if (qh_escape_check(t, &at) == 0)
    return 0;
  cl_fail(l, dc, v,
          "%s: bad escape \"%.*s\" at byte %zu (use \\r \\n \\t \\\\ "
          "\\xNN)",
          what, t[at + 1] == 'x' ? 4 : 2, t + at, at + 1);
  return -1;
}

static int data_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *v,
                      const char *full, qh_step *s)
{
  char w2[96];
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_item(l, dc, v, SC_DATA, full, "a mapping {size, seed} or {text}",
                   kn, vals) < 0)
    return -1;
  if (kn[K_SIZE] && kn[K_TEXT]) {
    bool text_later =
        kn[K_TEXT]->start_mark.index > kn[K_SIZE]->start_mark.index;
    cl_fail(l, dc, text_later ? kn[K_TEXT] : kn[K_SIZE],
            "%s: \"size\" and \"text\" exclude each other", full);
    return -1;
  }
  if (!kn[K_SIZE] && !kn[K_TEXT]) {
    cl_fail(l, dc, v, "%s: needs size or text", full);
    return -1;
  }
  if (kn[K_SEED] && !kn[K_SIZE]) {
    cl_fail(l, dc, kn[K_SEED], "%s: \"seed\" only goes with \"size\"", full);
    return -1;
  }
  if (kn[K_OFFSET] && !kn[K_SIZE]) {
    cl_fail(l, dc, kn[K_OFFSET], "%s: \"offset\" only goes with \"size\"",
            full);
    return -1;
  }
  if (kn[K_TEXT]) {
    snprintf(w2, sizeof w2, "%s: text", full);
    const char *t = cl_nonempty(l, dc, vals[K_TEXT], w2);
    if (!t || cl_check_vars(l, dc, vals[K_TEXT], w2, t, NULL) < 0 ||
        check_escapes(l, dc, vals[K_TEXT], w2, t) < 0)
      return -1;
    s->text = cl_dup(l, dc, vals[K_TEXT], t);
    return s->text ? 0 : -1;
  }
  s->has_payload = true;
  if (cl_payload_value(l, dc, vals, full, CL_MAX_PAYLOAD, &s->size,
                       &s->seed) < 0)
    return -1;
  if (kn[K_OFFSET]) {
    snprintf(w2, sizeof w2, "%s: offset", full);
    if (cl_u64_value(l, dc, vals[K_OFFSET], w2, 0, CL_MAX_PAYLOAD, "bytes",
                     &s->offset) < 0)
      return -1;
  }
  return 0;
}

/* read_listing: {contains: [..], absent: [..]}, both optional; an empty
 * value checks nothing but still reads the listing. */
static int listing_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *v,
                         const char *full, qh_step *s)
{
  if (v->type == YAML_SCALAR_NODE && v->data.scalar.length == 0)
    return 0;
  char w2[96];
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_item(l, dc, v, SC_LISTING, full, "a mapping {contains, absent}",
                   kn, vals) < 0)
    return -1;
  snprintf(w2, sizeof w2, "%s: contains", full);
  if (vals[K_CONTAINS] && cl_string_list(l, dc, vals[K_CONTAINS], w2, false,
                                         &s->contains, &s->ncontains) < 0)
    return -1;
  snprintf(w2, sizeof w2, "%s: absent", full);
  if (vals[K_ABSENT] && cl_string_list(l, dc, vals[K_ABSENT], w2, false,
                                       &s->absent, &s->nabsent) < 0)
    return -1;
  for (size_t i = 0; i < s->nabsent; i++) {
    for (size_t k = 0; k < s->ncontains; k++) {
      if (strcmp(s->absent[i], s->contains[k]) == 0) {
        cl_fail(l, dc, vals[K_ABSENT],
                "%s: \"%.64s\" is both in contains and absent", full,
                s->absent[i]);
        return -1;
      }
    }
  }
  return 0;
}

/* A line for the simulator's control channel (qftp-sim --control-fd):
 * printable ASCII, one line, short enough for its line buffer. */
static int sim_control_value(cl_loader *l, const cl_doc *dc,
                             const yaml_node_t *v, const char *full,
                             const char *t)
{
  size_t n = strlen(t);
  for (size_t i = 0; i < n; i++)
    if (t[i] < 0x20 || t[i] > 0x7e) {
      cl_fail(l, dc, v, "%s: one line of printable ASCII expected", full);
      return -1;
    }
  if (n > QH_SIM_CONTROL_MAX) {
    cl_fail(l, dc, v, "%s: longer than %d bytes", full, QH_SIM_CONTROL_MAX);
    return -1;
  }
  return 0;
}

/* Fills a step's text, seconds or data fields from its step key's value. */
static int step_value(cl_loader *l, const cl_doc *dc, const cl_keydef *d,
                      const yaml_node_t *v, const char *what, qh_step *s)
{
  static const char *const dtr_names[] = {"down", "up"};
  char full[64];
  snprintf(full, sizeof full, "%s: %s", what, d->name);
  const char *t = NULL;
  int up;
  switch (d->kind) {
  case QH_STEP_SILENCE:
    return cl_seconds_value(l, dc, v, full, false, &s->seconds);
  case QH_STEP_SLEEP:
    return cl_seconds_value(l, dc, v, full, true, &s->seconds);
  case QH_STEP_SEND:
    t = cl_scalar(l, dc, v, full); /* empty: a bare <CR> */
    break;
  case QH_STEP_SEND_RAW:
    t = cl_nonempty(l, dc, v, full);
    if (t && check_escapes(l, dc, v, full, t) < 0)
      return -1;
    break;
  case QH_STEP_EXPECT:
  case QH_STEP_WAIT_FOR:
    t = cl_nonempty(l, dc, v, full);
    break;
  case QH_STEP_EXPECT_MATCH:
  case QH_STEP_WAIT_MATCH:
    t = cl_nonempty(l, dc, v, full);
    if (t && cl_check_regex(l, dc, v, full, t) < 0)
      return -1;
    break;
  case QH_STEP_SEND_DATA:
  case QH_STEP_EXPECT_DATA:
    return data_value(l, dc, v, full, s);
  case QH_STEP_READ_LISTING:
    return listing_value(l, dc, v, full, s);
  case QH_STEP_ESCAPE:
    /* The guard time around "+++" (1.5); longer than 10 s is no test. */
    if (cl_seconds_value(l, dc, v, full, false, &s->seconds) < 0)
      return -1;
    if (s->seconds > CL_MAX_ESCAPE_S) {
      cl_fail(l, dc, v, "%s: %s must be > 0 and <= %g seconds", full,
              (const char *)v->data.scalar.value, CL_MAX_ESCAPE_S);
      return -1;
    }
    return 0;
  case QH_STEP_DTR:
    if (cl_enum_value(l, dc, v, full, dtr_names, 2, &up) < 0)
      return -1;
    s->up = up == 1;
    return 0;
  case QH_STEP_SIM_CONTROL:
    t = cl_nonempty(l, dc, v, full);
    if (t && sim_control_value(l, dc, v, full, t) < 0)
      return -1;
    break;
  }
  if (!t || cl_check_vars(l, dc, v, full, t, NULL) < 0)
    return -1;
  s->text = cl_dup(l, dc, v, t);
  return s->text ? 0 : -1;
}

static int load_step(cl_loader *l, const cl_doc *dc, const yaml_node_t *item,
                     size_t index)
{
  char what[32];
  snprintf(what, sizeof what, "step %zu", index);
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_item(l, dc, item, SC_STEP, what, "a mapping with one step key",
                   kn, vals) < 0)
    return -1;
  const cl_keydef *d =
      cl_pick_one(l, dc, item, SC_STEP, KF_STEP, what, "step key", "step", kn);
  if (!d)
    return -1;
  if (kn[K_TIMEOUT] && !(d->flags & KF_TIMEOUT)) {
    char list[128];
    cl_scope_keys(SC_STEP, KF_TIMEOUT, list, sizeof list);
    cl_fail(l, dc, kn[K_TIMEOUT],
            "%s: \"timeout\" does not apply to %s (only to %s)", what, d->name,
            list);
    return -1;
  }
  if (kn[K_BUSY] && !(d->flags & KF_LINE)) {
    char list[128];
    cl_scope_keys(SC_STEP, KF_LINE, list, sizeof list);
    cl_fail(l, dc, kn[K_BUSY],
            "%s: \"busy\" does not apply to %s (only to %s)", what, d->name,
            list);
    return -1;
  }
  if (kn[K_SCALED] && d->key != K_SILENCE) {
    cl_fail(l, dc, kn[K_SCALED], "%s: \"scaled\" does not apply to %s (only "
            "to silence)", what, d->name);
    return -1;
  }
  if (d->key == K_USE && kn[K_IF_SENT]) {
    cl_fail(l, dc, kn[K_IF_SENT], "%s: \"if_sent\" does not apply to use",
            what);
    return -1;
  }
  if (d->key == K_USE && kn[K_OPTIONAL]) {
    cl_fail(l, dc, kn[K_OPTIONAL], "%s: \"optional\" does not apply to use",
            what);
    return -1;
  }
  if (d->key == K_USE) {
    const char *name = cl_nonempty(l, dc, vals[K_USE], "use");
    return name ? use_fragment(l, dc, vals[K_USE], what, name) : -1;
  }
  qh_case *c = l->c;
  if (c->nsteps == CL_MAX_STEPS) {
    cl_fail(l, dc, item, "%s: more than %d steps", what, CL_MAX_STEPS);
    return -1;
  }
  if (cl_grow(l, dc, item, (void **)&c->steps, &l->steps_cap, c->nsteps,
              sizeof *c->steps) < 0)
    return -1;
  qh_step *s = &c->steps[c->nsteps++];
  s->kind = d->kind;
  s->where = cl_where(dc, item);
  if (kn[K_TIMEOUT]) {
    char full[48];
    snprintf(full, sizeof full, "%s: timeout", what);
    if (cl_seconds_value(l, dc, vals[K_TIMEOUT], full, false, &s->timeout_s) <
        0)
      return -1;
  }
  if (kn[K_BUSY]) {
    char full[48];
    snprintf(full, sizeof full, "%s: busy", what);
    const char *b = cl_nonempty(l, dc, vals[K_BUSY], full);
    if (!b || !(s->busy = cl_dup(l, dc, vals[K_BUSY], b)))
      return -1;
  }
  if (kn[K_IF_SENT]) {
    char full[48];
    snprintf(full, sizeof full, "%s: if_sent", what);
    const char *v = cl_nonempty(l, dc, vals[K_IF_SENT], full);
    regex_t re;
    char why[160];
    if (!v)
      return -1;
    if (qc_regex_check(v, why, sizeof why) < 0) {
      cl_fail(l, dc, vals[K_IF_SENT], "%s: regular expression refused: %s",
              full, why);
      return -1;
    }
    if (regcomp(&re, v, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
      cl_fail(l, dc, vals[K_IF_SENT], "%s: not a regular expression", full);
      return -1;
    }
    regfree(&re);
    if (!(s->if_sent = cl_dup(l, dc, vals[K_IF_SENT], v)))
      return -1;
  }
  if (kn[K_SCALED]) {
    char full[48];
    snprintf(full, sizeof full, "%s: scaled", what);
    if (cl_bool_value(l, dc, vals[K_SCALED], full, &s->scaled) < 0)
      return -1;
  }
  if (kn[K_OPTIONAL]) {
    char full[48];
    snprintf(full, sizeof full, "%s: optional", what);
    if (cl_bool_value(l, dc, vals[K_OPTIONAL], full, &s->optional) < 0)
      return -1;
  }
  return step_value(l, dc, d, vals[d->key], what, s);
}

int cl_load_steps(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq)
{
  if (cl_expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "steps") < 0)
    return -1;
  if (seq->data.sequence.items.top == seq->data.sequence.items.start) {
    cl_fail(l, dc, seq, "steps: must not be empty");
    return -1;
  }
  size_t index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++)
    if (load_step(l, dc, cl_node(dc, *it), index) < 0)
      return -1;
  return 0;
}
