/* case_parse: the loader's common ground: messages with file:line:col,
 * scalars and their shapes (numbers, seconds, booleans, names from a
 * list, ${...} references, regexes, string lists), growing arrays and the
 * walk of one mapping against the key table. */
#include "case_parse.h"

#include "qc_grow.h"
#include "qc_regex.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- messages ---------------------------------------------------------- */

void cl_fail(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
             const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  qc_yaml_vfail(l->err, l->errlen, dc->file, n, fmt, ap);
  va_end(ap);
}

/* Appends to an error already written (context from an outer level). */
void cl_append_err(cl_loader *l, const char *fmt, ...)
{
  size_t n = strnlen(l->err, l->errlen);
  if (n + 1 >= l->errlen)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->err + n, l->errlen - n, fmt, ap);
  va_end(ap);
}

/* ---- scalars ----------------------------------------------------------- */

yaml_node_t *cl_node(const cl_doc *dc, int id)
{
  return yaml_document_get_node((yaml_document_t *)&dc->d, id);
}

/* The text of a scalar node, or NULL after an error naming `what`. */
const char *cl_scalar(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                      const char *what)
{
  if (n->type != YAML_SCALAR_NODE) {
    cl_fail(l, dc, n, "%s: expected a scalar, got %s", what,
            qc_yaml_type_name(n->type));
    return NULL;
  }
  size_t len = n->data.scalar.length;
  const char *s = (const char *)n->data.scalar.value;
  if (len > CL_MAX_STRING) {
    cl_fail(l, dc, n, "%s: longer than %d bytes", what, CL_MAX_STRING);
    return NULL;
  }
  if (memchr(s, '\0', len)) {
    cl_fail(l, dc, n, "%s: contains a NUL byte", what);
    return NULL;
  }
  return s;
}

const char *cl_nonempty(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                        const char *what)
{
  const char *s = cl_scalar(l, dc, n, what);
  if (s && !*s) {
    cl_fail(l, dc, n, "%s: must not be empty", what);
    return NULL;
  }
  return s;
}

bool cl_chars_in(const char *s, size_t max, const char *extra, bool upper)
{
  size_t n = strlen(s);
  if (n == 0 || n > max)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (!(islower(ch) || isdigit(ch) || (upper && isupper(ch)) ||
          strchr(extra, ch)))
      return false;
  }
  return true;
}

/* Seconds: a plain decimal number (no hex, inf or nan). */
bool cl_parse_seconds(const char *s, double *out)
{
  if (!*s || strspn(s, "0123456789.+-eE") != strlen(s))
    return false;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || !isfinite(v))
    return false;
  *out = v;
  return true;
}

bool cl_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
  if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 20)
    return false;
  errno = 0;
  unsigned long long v = strtoull(s, NULL, 10);
  if (errno || v > max)
    return false;
  *out = v;
  return true;
}

/* A duration in (0, max] or, with zero_ok, [0, max]. */
int cl_seconds_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                     const char *what, bool zero_ok, double *out)
{
  const char *s = cl_nonempty(l, dc, n, what);
  if (!s)
    return -1;
  if (!cl_parse_seconds(s, out)) {
    cl_fail(l, dc, n, "%s: bad number \"%.40s\" (seconds, e.g. 0.5)", what, s);
    return -1;
  }
  if (*out < 0 || (*out == 0 && !zero_ok) || *out > CL_MAX_SECONDS) {
    cl_fail(l, dc, n, "%s: %s must be %s 0 and <= %g seconds", what, s,
            zero_ok ? ">=" : ">", CL_MAX_SECONDS);
    return -1;
  }
  return 0;
}

/* Checks each ${name}: closed, name [A-Za-z0-9_.]+. "$$" is a literal "$"
 * (vars.h). With `subst`, writes the text with every variable replaced by
 * "0" (for compiling a regex before the real values are known). */
int cl_check_vars(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                  const char *what, const char *s, char *subst)
{
  size_t o = 0;
  for (size_t i = 0; s[i];) {
    if (s[i] == '$' && s[i + 1] == '$') {
      if (subst)
        subst[o++] = '$';
      i += 2;
      continue;
    }
    if (s[i] != '$' || s[i + 1] != '{') {
      if (subst)
        subst[o++] = s[i];
      i++;
      continue;
    }
    const char *name = s + i + 2;
    const char *close = strchr(name, '}');
    if (!close) {
      cl_fail(l, dc, n, "%s: unclosed \"${\" at byte %zu", what, i + 1);
      return -1;
    }
    size_t len = (size_t)(close - name);
    bool ok = len > 0 && len <= CL_MAX_VAR_NAME;
    for (size_t k = 0; ok && k < len; k++)
      ok = isalnum((unsigned char)name[k]) || name[k] == '_' || name[k] == '.';
    if (!ok) {
      cl_fail(l, dc, n, "%s: bad variable name \"${%.*s}\" (A-Z a-z 0-9 _ .)",
              what, (int)(len > 40 ? 40 : len), name);
      return -1;
    }
    if (subst)
      subst[o++] = '0';
    i += len + 3;
  }
  if (subst)
    subst[o] = '\0';
  return 0;
}

int cl_check_regex(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                   const char *what, const char *s)
{
  char *plain = malloc(strlen(s) + 1);
  if (!plain) {
    cl_fail(l, dc, n, "out of memory");
    return -1;
  }
  int rc = cl_check_vars(l, dc, n, what, s, plain);
  char why[160];
  if (rc == 0 && qc_regex_check(plain, why, sizeof why) < 0) {
    cl_fail(l, dc, n, "%s: regular expression refused: %s", what, why);
    rc = -1;
  }
  regex_t re;
  int e = rc == 0 ? regcomp(&re, plain, REG_EXTENDED | REG_NOSUB) : 0;
  if (rc == 0 && e != 0) {
    char msg[128];
    regerror(e, &re, msg, sizeof msg);
    cl_fail(l, dc, n, "%s: bad regular expression: %s", what, msg);
    rc = -1;
  } else if (rc == 0) {
    regfree(&re);
  }
  free(plain);
  return rc;
}

/* ---- growing arrays (zeroed slots, so qh_case_free sees no garbage) ---- */

int cl_grow(cl_loader *l, const cl_doc *dc, const yaml_node_t *n, void **arr,
            size_t *cap, size_t count, size_t elem)
{
  if (qc_grow(arr, cap, count + 1, elem, 0) == 0)
    return 0;
  cl_fail(l, dc, n, "out of memory");
  return -1;
}

char *cl_dup(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
             const char *s)
{
  size_t len = strlen(s) + 1;
  if (len > CL_MAX_TEXT_TOTAL - l->copied) {
    cl_fail(l, dc, n,
            "more than %d bytes of text in all (aliases and "
            "fragments count each time they are used)",
            CL_MAX_TEXT_TOTAL);
    return NULL;
  }
  char *d = strdup(s);
  if (!d) {
    cl_fail(l, dc, n, "out of memory");
    return NULL;
  }
  l->copied += len;
  return d;
}

/* Walks the pairs of a mapping of scope `sc`: rejects non-scalar, unknown,
 * reserved and duplicate keys, and records each value in vals[key]. `what`
 * prefixes messages ("step 3: "). */
int cl_walk_map(cl_loader *l, const cl_doc *dc, const yaml_node_t *map,
                cl_scope sc, const char *what, yaml_node_t *kn[K_COUNT],
                yaml_node_t *vals[K_COUNT])
{
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
       pr < map->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = cl_node(dc, pr->key), *v = cl_node(dc, pr->value);
    char kwhat[48];
    snprintf(kwhat, sizeof kwhat, "%skey", what);
    const char *name = cl_scalar(l, dc, k, kwhat);
    if (!name)
      return -1;
    const cl_keydef *d = cl_find_key(sc, name);
    if (!d) {
      char list[256];
      cl_scope_keys(sc, sc == SC_STEP ? KF_STEP : 0, list, sizeof list);
      cl_fail(l, dc, k, "%sunknown %skey \"%.64s\" (expected one of %s)", what,
              sc == SC_STEP ? "step " : "", name, list);
      return -1;
    }
    if (d->flags & KF_RESERVED) {
      cl_fail(l, dc, k, "%skey \"%s\" is not supported yet", what, name);
      return -1;
    }
    if (kn[d->key]) {
      cl_fail(l, dc, k, "%sduplicate key \"%s\" (first at line %lu)", what,
              name, (unsigned long)kn[d->key]->start_mark.line + 1);
      return -1;
    }
    kn[d->key] = k;
    vals[d->key] = v;
  }
  for (size_t i = 0; i < cl_nkeys; i++) {
    if (cl_keys[i].scope == sc && (cl_keys[i].flags & KF_REQUIRED) &&
        !kn[cl_keys[i].key]) {
      cl_fail(l, dc, map, "%smissing required key \"%s\"", what,
              cl_keys[i].name);
      return -1;
    }
  }
  return 0;
}

int cl_expect_type(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                   yaml_node_type_t t, const char *what)
{
  if (n->type == t)
    return 0;
  cl_fail(l, dc, n, "%s: expected %s, got %s", what, qc_yaml_type_name(t),
          qc_yaml_type_name(n->type));
  return -1;
}

int cl_walk_item(cl_loader *l, const cl_doc *dc, const yaml_node_t *map,
                 cl_scope sc, const char *what, const char *shape,
                 yaml_node_t *kn[K_COUNT], yaml_node_t *vals[K_COUNT])
{
  if (map->type != YAML_MAPPING_NODE) {
    cl_fail(l, dc, map, "%s: expected %s, got %s", what, shape,
            qc_yaml_type_name(map->type));
    return -1;
  }
  char prefix[80];
  snprintf(prefix, sizeof prefix, "%s: ", what);
  return cl_walk_map(l, dc, map, sc, prefix, kn, vals);
}

const yaml_node_t *cl_one_of(cl_loader *l, const cl_doc *dc,
                             const yaml_node_t *map, yaml_node_t *kn[K_COUNT],
                             const cl_key *keys, size_t count, const char *what,
                             const char *list)
{
  const yaml_node_t *first = NULL;
  for (size_t i = 0; i < count; i++) {
    const yaml_node_t *k = kn[keys[i]];
    if (!k)
      continue;
    if (first) {
      const yaml_node_t *later =
          k->start_mark.index > first->start_mark.index ? k : first;
      cl_fail(l, dc, later,
              "%s: \"%s\" and \"%s\" exclude each other (one of %s)", what,
              (const char *)first->data.scalar.value,
              (const char *)k->data.scalar.value, list);
      return NULL;
    }
    first = k;
  }
  if (!first)
    cl_fail(l, dc, map, "%s: needs one of %s", what, list);
  return first;
}

/* Relative, no ".." component, no empty component, no backslash. */
bool cl_good_rel_path(const char *p)
{
  size_t n = strlen(p);
  if (n == 0 || n > CL_MAX_PATH || p[0] == '/' || strchr(p, '\\'))
    return false;
  for (const char *s = p; *s;) {
    size_t len = strcspn(s, "/");
    if (len == 0 || (len == 2 && s[0] == '.' && s[1] == '.'))
      return false;
    s += len;
    if (*s == '/')
      s++;
  }
  return p[n - 1] != '/';
}

int cl_parse_bool(const char *s, bool *out)
{
  if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
    *out = true;
  else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
    *out = false;
  else
    return -1;
  return 0;
}

qh_where cl_where(const cl_doc *dc, const yaml_node_t *n)
{
  qh_where w = {dc->file, (int)n->start_mark.line + 1,
                (int)n->start_mark.column + 1};
  return w;
}

int cl_u64_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                 const char *what, uint64_t min, uint64_t max, const char *unit,
                 uint64_t *out)
{
  const char *s = cl_nonempty(l, dc, n, what);
  if (!s)
    return -1;
  if (!cl_parse_u64(s, max, out) || *out < min) {
    cl_fail(l, dc, n, "%s: bad number \"%.40s\" (%s%s%llu to %llu)", what, s,
            unit, *unit ? ", " : "", (unsigned long long)min,
            (unsigned long long)max);
    return -1;
  }
  return 0;
}

char *cl_path_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                    const char *what, const char *label)
{
  const char *path = cl_nonempty(l, dc, n, label);
  if (!path)
    return NULL;
  if (!cl_good_rel_path(path)) {
    cl_fail(l, dc, n,
            "%s: path \"%.64s\" must be relative, without \"..\" or empty "
            "parts (at most %d bytes)",
            what, path, CL_MAX_PATH);
    return NULL;
  }
  return cl_dup(l, dc, n, path);
}

int cl_payload_value(cl_loader *l, const cl_doc *dc,
                     yaml_node_t *const vals[K_COUNT], const char *what,
                     uint64_t max, uint64_t *size, uint32_t *seed)
{
  char full[96];
  *seed = 1;
  snprintf(full, sizeof full, "%s: size", what);
  if (cl_u64_value(l, dc, vals[K_SIZE], full, 0, max, "bytes",
                   size) < 0)
    return -1;
  if (vals[K_SEED]) {
    uint64_t u;
    snprintf(full, sizeof full, "%s: seed", what);
    if (cl_u64_value(l, dc, vals[K_SEED], full, 0, UINT32_MAX, "", &u) < 0)
      return -1;
    *seed = (uint32_t)u;
  }
  return 0;
}

int cl_bool_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                  const char *what, bool *out)
{
  const char *s = cl_scalar(l, dc, n, what);
  if (!s)
    return -1;
  if (cl_parse_bool(s, out) < 0) {
    cl_fail(l, dc, n, "%s: expected true or false, got \"%.40s\"", what, s);
    return -1;
  }
  return 0;
}

int cl_enum_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                  const char *what, const char *const *names, size_t count,
                  int *out)
{
  const char *s = cl_scalar(l, dc, n, what);
  if (!s)
    return -1;
  for (size_t i = 0; i < count; i++) {
    if (strcmp(names[i], s) == 0) {
      *out = (int)i;
      return 0;
    }
  }
  char list[128] = "";
  size_t o = 0;
  for (size_t i = 0; i < count; i++) {
    int w =
        snprintf(list + o, sizeof list - o, "%s%s", i ? " | " : "", names[i]);
    if (w < 0 || (size_t)w >= sizeof list - o)
      break;
    o += (size_t)w;
  }
  cl_fail(l, dc, n, "%s: \"%.40s\" is not one of %s", what, s, list);
  return -1;
}

int cl_string_list(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq,
                   const char *what, bool vars, char ***out, size_t *n)
{
  if (cl_expect_type(l, dc, seq, YAML_SEQUENCE_NODE, what) < 0)
    return -1;
  size_t cap = 0, index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++) {
    yaml_node_t *item = cl_node(dc, *it);
    char full[96];
    snprintf(full, sizeof full, "%s item %zu", what, index);
    if (*n == CL_MAX_LIST) {
      cl_fail(l, dc, item, "%s: more than %d items", what, CL_MAX_LIST);
      return -1;
    }
    const char *s = cl_nonempty(l, dc, item, full);
    if (!s)
      return -1;
    /* One line each: a name, a command, a log substring. */
    if (strpbrk(s, "\r\n")) {
      cl_fail(l, dc, item, "%s: must be one line", full);
      return -1;
    }
    if (vars && cl_check_vars(l, dc, item, full, s, NULL) < 0)
      return -1;
    if (cl_grow(l, dc, item, (void **)out, &cap, *n, sizeof **out) < 0 ||
        !((*out)[*n] = cl_dup(l, dc, item, s)))
      return -1;
    (*n)++;
  }
  return 0;
}

const cl_keydef *cl_pick_one(cl_loader *l, const cl_doc *dc,
                             const yaml_node_t *map, cl_scope sc, unsigned flag,
                             const char *what, const char *noun,
                             const char *unit, yaml_node_t *kn[K_COUNT])
{
  const cl_keydef *d = NULL;
  for (size_t i = 0; i < cl_nkeys; i++) {
    if (cl_keys[i].scope != sc || !(cl_keys[i].flags & flag) ||
        !kn[cl_keys[i].key])
      continue;
    if (d) {
      const yaml_node_t *a = kn[d->key], *b = kn[cl_keys[i].key];
      bool b_later = b->start_mark.index > a->start_mark.index;
      cl_fail(l, dc, b_later ? b : a,
              "%s: two %ss \"%s\" and \"%s\" (one per %s)", what, noun,
              b_later ? d->name : cl_keys[i].name,
              b_later ? cl_keys[i].name : d->name, unit);
      return NULL;
    }
    d = &cl_keys[i];
  }
  if (!d) {
    char list[256];
    cl_scope_keys(sc, flag, list, sizeof list);
    cl_fail(l, dc, map, "%s: no %s (expected one of %s)", what, noun, list);
  }
  return d;
}
