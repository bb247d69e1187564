#include "px_rules.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[PX_KIND_COUNT] = {
    [PX_KIND_REPLY] = "reply",
    [PX_KIND_DELAY] = "delay",
    [PX_KIND_CLOSE] = "close",
    [PX_KIND_RESET] = "reset",
    [PX_KIND_DATA_CLOSE] = "data_close",
    [PX_KIND_DATA_RESET] = "data_reset",
    [PX_KIND_DATA_STALL] = "data_stall",
    [PX_KIND_DATA_REFUSE] = "data_refuse",
    [PX_KIND_REWRITE_PASV] = "rewrite_pasv",
};

const char *px_kind_name(px_kind k)
{
  return k < PX_KIND_COUNT ? kind_names[k] : "?";
}

static bool is_control_kind(px_kind k)
{
  switch (k) {
  case PX_KIND_REPLY:
  case PX_KIND_DELAY:
  case PX_KIND_CLOSE:
  case PX_KIND_RESET:
    return true;
  case PX_KIND_DATA_CLOSE:
  case PX_KIND_DATA_RESET:
  case PX_KIND_DATA_STALL:
  case PX_KIND_DATA_REFUSE:
  case PX_KIND_REWRITE_PASV:
  case PX_KIND_COUNT:
    return false;
  }
  return false;
}

static bool is_data_kind(px_kind k)
{
  return k == PX_KIND_DATA_CLOSE || k == PX_KIND_DATA_RESET ||
         k == PX_KIND_DATA_STALL || k == PX_KIND_DATA_REFUSE;
}

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

/* The code of a reply line "NNN", "NNN text" or "NNN-text" (1xx-5xx), or
 * 0 when the line is not one. */
static int line_code(const char *p, size_t l)
{
  if (l < 3 || p[0] < '1' || p[0] > '5' || !isdigit((unsigned char)p[1]) ||
      !isdigit((unsigned char)p[2]) || (l > 3 && p[3] != ' ' && p[3] != '-'))
    return 0;
  return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* An injected text is one or more whole replies (RFC 959 4.2), lines
 * joined by "\n": "NNN text" alone, or "NNN-text", any non-empty lines
 * (code-like ones included), then "NNN text" with the same code. Several
 * replies in a row are what a command gets, e.g. "150 ...\n226 ...". */
static bool reply_ok(const char *s)
{
  size_t len = strlen(s);
  if (len == 0 || len > PX_REPLY_TEXT_MAX || strchr(s, '\r'))
    return false;
  int open = 0; /* code of the multi-line reply being read; 0 none */
  const char *p = s;
  for (;;) {
    const char *nl = strchr(p, '\n');
    size_t l = nl ? (size_t)(nl - p) : strlen(p);
    int c = line_code(p, l);
    if (l == 0)
      return false;
    if (!open) {
      if (!c)
        return false;
      if (l > 3 && p[3] == '-')
        open = c;
    } else if (c == open && (l == 3 || p[3] == ' ')) {
      open = 0; /* only the same code and a space ends it */
    }
    if (!nl)
      return open == 0;
    p = nl + 1;
  }
}

static int fail(char *err, size_t errlen, size_t i, const char *what)
{
  snprintf(err, errlen, "faults[%zu]: %s", i, what);
  return -1;
}

static int get_int(json_t *o, const char *key, long long lo, long long hi,
                   long long *out)
{
  json_t *v = json_object_get(o, key);
  if (!v)
    return 0;
  if (!json_is_integer(v))
    return -1;
  long long x = json_integer_value(v);
  if (x < lo || x > hi)
    return -1;
  *out = x;
  return 1;
}

static int parse_one(json_t *o, size_t i, px_rule *r, char *err, size_t errlen)
{
  static const char *const keys[] = {"kind",     "on",    "nth",    "reply",
                                     "delay_ms", "after_ms", "bytes",
                                     "address"};
  if (!json_is_object(o))
    return fail(err, errlen, i, "not an object");
  const char *key;
  json_t *val;
  json_object_foreach(o, key, val)
  {
    bool known = false;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      known = known || strcmp(key, keys[k]) == 0;
    if (!known) {
      char m[128];
      snprintf(m, sizeof m, "unknown key \"%s\"", key);
      return fail(err, errlen, i, m);
    }
  }
  const char *kind = json_string_value(json_object_get(o, "kind"));
  if (!kind)
    return fail(err, errlen, i, "\"kind\" missing or not a string");
  px_kind k = PX_KIND_COUNT;
  for (int j = 0; j < PX_KIND_COUNT; j++)
    if (strcmp(kind, kind_names[j]) == 0)
      k = (px_kind)j;
  if (k == PX_KIND_COUNT) {
    char m[128];
    snprintf(m, sizeof m, "unknown kind \"%s\"", kind);
    return fail(err, errlen, i, m);
  }
  memset(r, 0, sizeof *r);
  r->kind = k;
  r->nth = 1; /* absent nth: the first occurrence */

  json_t *on = json_object_get(o, "on");
  if (is_control_kind(k)) {
    if (!json_is_string(on) || !verb_norm(json_string_value(on), r->on))
      return fail(err, errlen, i, "\"on\" must be a command verb");
    if (strcmp(r->on, PX_ON_GREETING) == 0 && k != PX_KIND_REPLY)
      return fail(err, errlen, i, "\"on\": \"GREETING\" takes kind reply only");
  } else if (on) {
    return fail(err, errlen, i, "\"on\" applies to control kinds only");
  }
  long long x = 0;
  int g = get_int(o, "nth", 0, 1000000, &x);
  if (g < 0)
    return fail(err, errlen, i, "\"nth\" must be an integer >= 0");
  if (g > 0)
    r->nth = (int)x;

  json_t *rep = json_object_get(o, "reply");
  if (k == PX_KIND_REPLY) {
    if (!json_is_string(rep) || !reply_ok(json_string_value(rep)))
      return fail(err, errlen, i,
                  "\"reply\" must be whole replies: \"NNN text\" lines (100-599), "
                  "a multi-line one from \"NNN-\" to \"NNN \"");
    r->reply = strdup(json_string_value(rep));
    if (!r->reply)
      return fail(err, errlen, i, "out of memory");
  } else if (rep) {
    return fail(err, errlen, i, "\"reply\" applies to kind reply only");
  }
  x = 0;
  g = get_int(o, "after_ms", 0, 600000, &x);
  if (g < 0)
    return fail(err, errlen, i, "\"after_ms\" must be 0..600000");
  if (g > 0 && x > 0 && k != PX_KIND_CLOSE && k != PX_KIND_RESET)
    return fail(err, errlen, i, "\"after_ms\" applies to close and reset only");
  r->after_ms = (int)x;
  x = 0;
  g = get_int(o, "delay_ms", 0, 600000, &x);
  if (g < 0 || (k == PX_KIND_DELAY && g == 0))
    return fail(err, errlen, i, "\"delay_ms\" must be 0..600000");
  r->delay_ms = (int)x;
  x = 0;
  g = get_int(o, "bytes", 0, (long long)1 << 53, &x);
  if (g < 0 || (k == PX_KIND_DATA_CLOSE && g == 0))
    return fail(err, errlen, i, "\"bytes\" must be an integer >= 0");
  r->bytes = (uint64_t)x;

  json_t *addr = json_object_get(o, "address");
  if (k == PX_KIND_REWRITE_PASV) {
    struct in_addr a;
    const char *s = json_string_value(addr);
    if (!s || strlen(s) >= sizeof r->address || inet_pton(AF_INET, s, &a) != 1)
      return fail(err, errlen, i, "\"address\" must be a dotted IPv4 address");
    snprintf(r->address, sizeof r->address, "%s", s);
  } else if (addr) {
    return fail(err, errlen, i, "\"address\" applies to rewrite_pasv only");
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

static int control_rank(px_kind k)
{
  switch (k) {
  case PX_KIND_CLOSE:
  case PX_KIND_RESET:
    return 3;
  case PX_KIND_REPLY:
    return 2;
  case PX_KIND_DELAY:
    return 1;
  case PX_KIND_DATA_CLOSE:
  case PX_KIND_DATA_RESET:
  case PX_KIND_DATA_STALL:
  case PX_KIND_DATA_REFUSE:
  case PX_KIND_REWRITE_PASV:
  case PX_KIND_COUNT:
    return 0;
  }
  return 0;
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
    if (!is_control_kind(x->kind) || strcmp(x->on, v) != 0)
      continue;
    if (x->nth != 0 && (unsigned)x->nth != n)
      continue;
    if (!best || control_rank(x->kind) > control_rank(best->kind))
      best = x;
  }
  return best;
}

const px_rule *px_rules_on_data(const px_rules *r, unsigned n)
{
  for (size_t i = 0; i < r->n; i++) {
    const px_rule *x = &r->v[i];
    if (is_data_kind(x->kind) && (x->nth == 0 || (unsigned)x->nth == n))
      return x;
  }
  return NULL;
}

const char *px_rules_pasv_address(const px_rules *r)
{
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].kind == PX_KIND_REWRITE_PASV)
      return r->v[i].address;
  return NULL;
}
