#include "px_rules.h"
#include "qc_reply.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void px_rules_free(px_rules *r)
{
  for (size_t i = 0; i < r->n; i++)
    free(r->v[i].reply);
  free(r->v);
  r->v = NULL;
  r->n = 0;
}

/* Upper-cases a verb into out; false unless 1..PX_VERB_MAX-1 letters. */
static bool verb_norm(const char *in, char out[PX_VERB_MAX])
{
  size_t n = strlen(in);
  if (n == 0 || n >= PX_VERB_MAX)
    return false;
  for (size_t i = 0; i < n; i++) {
    if (!isalpha((unsigned char)in[i]))
      return false;
    out[i] = (char)toupper((unsigned char)in[i]);
  }
  out[n] = '\0';
  return true;
}

/* An injected text is one or more whole replies (RFC 959 4.2), lines
 * joined by "\n" and none empty: "NNN text" alone, or "NNN-text", any
 * lines (code-like ones included), then "NNN text" with the same code.
 * Several replies in a row are what a command gets, e.g. "150 ...\n226 ...". */
static bool reply_ok(const char *s)
{
  size_t len = strlen(s);
  if (len == 0 || len > PX_REPLY_TEXT_MAX || strchr(s, '\r') || s[0] == '\n' ||
      s[len - 1] == '\n' || strstr(s, "\n\n"))
    return false;
  for (size_t at = 0; at < len;) {
    int code;
    size_t used;
    if (qc_reply_scan(s + at, len - at, &code, &used) != QC_REPLY_DONE)
      return false;
    at += used;
  }
  return true;
}

static int fail(char *err, size_t errlen, size_t i, const char *what)
{
  snprintf(err, errlen, "faults[%zu]: %s", i, what);
  return -1;
}

static bool int_value(json_t *v, long long lo, long long hi, long long *out)
{
  if (!json_is_integer(v))
    return false;
  long long x = json_integer_value(v);
  if (x < lo || x > hi)
    return false;
  *out = x;
  return true;
}

static bool takes_param(const px_fault_def *d, unsigned p)
{
  return d->takes & PX_P(p);
}

static bool greets(const px_fault_def *d, unsigned unused)
{
  (void)unused;
  return d->greeting;
}

/* Reads parameter p from v (NULL when absent) into r. NULL if good, else
 * what is wrong. */
static const char *param_value(px_param p, json_t *v, const px_fault_def *d,
                               px_rule *r, char *buf, size_t len)
{
  long long x = 0;
  const char *s = json_string_value(v);
  struct in_addr a;
  switch (p) {
  case PX_PARAM_ON:
    if (!s || !verb_norm(s, r->on))
      return "\"on\" must be a command verb";
    if (strcmp(r->on, PX_ON_GREETING) == 0 && !d->greeting) {
      char kinds[128];
      px_fault_kinds_str(greets, 0, kinds, sizeof kinds);
      snprintf(buf, len, "\"on\": \"GREETING\" takes kind %s only", kinds);
      return buf;
    }
    return NULL;
  case PX_PARAM_NTH:
    if (!int_value(v, 0, 1000000, &x))
      return "\"nth\" must be an integer >= 0";
    r->nth = (int)x;
    return NULL;
  case PX_PARAM_REPLY:
    if (!s || !reply_ok(s))
      return "\"reply\" must be whole replies: \"NNN text\" lines (100-599), "
             "a multi-line one from \"NNN-\" to \"NNN \"";
    return (r->reply = strdup(s)) ? NULL : "out of memory";
  case PX_PARAM_AFTER:
    if (!int_value(v, 0, 600000, &x))
      return "\"after_ms\" must be 0..600000";
    r->after_ms = (int)x;
    return NULL;
  case PX_PARAM_DELAY:
    if (!int_value(v, 0, 600000, &x))
      return "\"delay_ms\" must be 0..600000";
    r->delay_ms = (int)x;
    return NULL;
  case PX_PARAM_BYTES:
    if (!int_value(v, 0, (long long)1 << 53, &x))
      return "\"bytes\" must be an integer >= 0";
    r->bytes = (uint64_t)x;
    return NULL;
  case PX_PARAM_ADDRESS:
    if (!s || strlen(s) >= sizeof r->address || inet_pton(AF_INET, s, &a) != 1)
      return "\"address\" must be a dotted IPv4 address";
    snprintf(r->address, sizeof r->address, "%s", s);
    return NULL;
  case PX_PARAM_COUNT:
    break;
  }
  return "unknown parameter";
}

static int parse_one(json_t *o, size_t i, px_rule *r, char *err, size_t errlen)
{
  if (!json_is_object(o))
    return fail(err, errlen, i, "not an object");
  char m[256];
  const char *key;
  json_t *val;
  json_object_foreach(o, key, val)
  {
    bool known = strcmp(key, "kind") == 0;
    for (int p = 0; p < PX_PARAM_COUNT; p++)
      known = known || strcmp(key, px_param_json((px_param)p)) == 0;
    if (!known) {
      snprintf(m, sizeof m, "unknown key \"%s\"", key);
      return fail(err, errlen, i, m);
    }
  }
  const char *kind = json_string_value(json_object_get(o, "kind"));
  if (!kind)
    return fail(err, errlen, i, "\"kind\" missing or not a string");
  const px_fault_def *d = px_fault_by_json(kind);
  if (!d) {
    snprintf(m, sizeof m, "unknown kind \"%s\"", kind);
    return fail(err, errlen, i, m);
  }
  memset(r, 0, sizeof *r);
  r->kind = d->kind;
  r->nth = 1; /* absent nth: the first occurrence */
  for (int p = 0; p < PX_PARAM_COUNT; p++) {
    json_t *v = json_object_get(o, px_param_json((px_param)p));
    if (v && !(d->takes & PX_P(p))) {
      char kinds[160];
      px_fault_kinds_str(takes_param, (unsigned)p, kinds, sizeof kinds);
      snprintf(m, sizeof m, "\"%s\" applies to %s only",
               px_param_json((px_param)p), kinds);
      return fail(err, errlen, i, m);
    }
    if (!v && !(d->needs & PX_P(p)))
      continue;
    const char *why = param_value((px_param)p, v, d, r, m, sizeof m);
    if (why)
      return fail(err, errlen, i, why);
  }
  return 0;
}

int px_rules_parse(const char *text, size_t len, px_rules *out, char *err,
                   size_t errlen)
{
  out->v = NULL;
  out->n = 0;
  size_t i = 0;
  while (i < len && isspace((unsigned char)text[i]))
    i++;
  if (i == len)
    return 0;
  json_error_t je;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    snprintf(err, errlen, "line %d column %d: %s", je.line, je.column, je.text);
    return -1;
  }
  int rc = -1;
  json_t *faults = json_object_get(root, "faults");
  if (!json_is_object(root)) {
    snprintf(err, errlen, "top level must be an object");
    goto out;
  }
  if (json_object_size(root) != (faults ? 1u : 0u)) {
    snprintf(err, errlen, "only the key \"faults\" is allowed at top level");
    goto out;
  }
  if (!faults) {
    rc = 0;
    goto out;
  }
  if (!json_is_array(faults) || json_array_size(faults) > PX_RULES_MAX) {
    snprintf(err, errlen, "\"faults\" must be an array of at most %d",
             PX_RULES_MAX);
    goto out;
  }
  size_t n = json_array_size(faults);
  out->v = calloc(n ? n : 1, sizeof *out->v);
  if (!out->v) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  for (size_t k = 0; k < n; k++) {
    if (parse_one(json_array_get(faults, k), k, &out->v[k], err, errlen)) {
      free(out->v[k].reply);
      px_rules_free(out);
      goto out;
    }
    out->n++;
  }
  rc = 0;
out:
  json_decref(root);
  return rc;
}

int px_rules_load(const char *path, px_rules *out, char *err, size_t errlen)
{
  out->v = NULL;
  out->n = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT)
      return 0; /* no file: no faults */
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  char *buf = malloc(PX_RULES_FILE_MAX);
  if (!buf) {
    fclose(f);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  size_t n = fread(buf, 1, PX_RULES_FILE_MAX, f);
  bool bad = ferror(f) || n == PX_RULES_FILE_MAX;
  fclose(f);
  int rc;
  if (bad) {
    snprintf(err, errlen, "%s: unreadable or larger than %d bytes", path,
             PX_RULES_FILE_MAX - 1);
    rc = -1;
  } else {
    char m[256];
    rc = px_rules_parse(buf, n, out, m, sizeof m);
    if (rc)
      snprintf(err, errlen, "%s: %s", path, m);
  }
  free(buf);
  return rc;
}

static unsigned count_verb(px_counts *c, const char *verb)
{
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->v[i].verb, verb) == 0)
      return ++c->v[i].n;
  if (c->n == PX_COUNT_VERBS)
    return 0; /* not counted: only nth == 0 can match */
  snprintf(c->v[c->n].verb, PX_VERB_MAX, "%s", verb);
  c->v[c->n].n = 1;
  return c->v[c->n++].n;
}

const px_rule *px_rules_on_command(const px_rules *r, px_counts *c,
                                   const char *verb)
{
  char v[PX_VERB_MAX];
  if (!verb_norm(verb, v))
    return NULL;
  unsigned n = count_verb(c, v);
  const px_rule *best = NULL;
  for (size_t i = 0; i < r->n; i++) {
    const px_rule *x = &r->v[i];
    const px_fault_def *d = px_fault_of(x->kind);
    if (d->trigger != PX_ON_COMMAND || strcmp(x->on, v) != 0)
      continue;
    if (x->nth != 0 && (unsigned)x->nth != n)
      continue;
    if (!best || d->rank > px_fault_of(best->kind)->rank)
      best = x;
  }
  return best;
}

const px_rule *px_rules_on_data(const px_rules *r, unsigned n)
{
  for (size_t i = 0; i < r->n; i++) {
    const px_rule *x = &r->v[i];
    if (px_fault_of(x->kind)->trigger == PX_ON_DATA &&
        (x->nth == 0 || (unsigned)x->nth == n))
      return x;
  }
  return NULL;
}

const char *px_rules_pasv_address(const px_rules *r)
{
  for (size_t i = 0; i < r->n; i++)
    if (px_fault_of(r->v[i].kind)->trigger == PX_ON_PASV)
      return r->v[i].address;
  return NULL;
}
