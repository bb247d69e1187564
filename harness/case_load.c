/* case_load: reads one case file (cases/FORMAT.md) into a qh_case.
 *
 * libyaml's document API builds the node tree; this file walks it against
 * one key table (keys[] below, which FORMAT.md must document: a unit test
 * checks it). The schema fixes the nesting, so the walk never recurses on
 * the file's own depth, and an alias cannot multiply work: a step value,
 * a tag or a file field must be a scalar. `use:` splices a fragment's steps
 * in place; fragments nest at most CL_MAX_FRAG_DEPTH deep.
 *
 * Every error is "file:line:col: what" with the position of the offending
 * node (libyaml marks are 0-based; we print 1-based). The partly built case
 * is freed on every error path. */
#include "case.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

enum {
  CL_MAX_FILE = 1 << 20,    /* bytes of one case or fragment file */
  CL_MAX_STEPS = 10000,     /* steps of a case, fragments spliced in */
  CL_MAX_STRING = 64 << 10, /* bytes of any scalar */
  CL_MAX_FRAG_DEPTH = 4,    /* case -> f1 -> f2 -> f3 -> f4 */
  CL_MAX_ID = 64,
  CL_MAX_TAGS = 64,
  CL_MAX_TAG = 64,
  CL_MAX_SPEC = 16,
  CL_MAX_FILES = 1000,
  CL_MAX_PATH = 255,
  CL_MAX_FRAG_NAME = 64,
  CL_MAX_VAR_NAME = 63, /* vars.h: QH_VAR_NAME_MAX with its NUL */
};

#define CL_MAX_SECONDS 600.0
#define CL_MAX_PAYLOAD ((uint64_t)1 << 40)

/* Where a key may appear. */
typedef enum cl_scope {
  SC_CASE,     /* top level of a case file */
  SC_SERVER,   /* inside server: */
  SC_FILE,     /* inside one server.files entry */
  SC_STEP,     /* inside one steps entry */
  SC_FRAGMENT, /* top level of a fragment file */
} cl_scope;

typedef enum cl_key {
  K_ID,
  K_TITLE,
  K_SPEC,
  K_TAGS,
  K_SERVER,
  K_STEPS,
  K_FAULTS,
  K_WIRE,
  K_SERVER_EXPECT,
  K_PROFILE,
  K_FILES,
  K_PATH,
  K_SIZE,
  K_SEED,
  K_TEXT,
  K_DIR,
  K_WRITABLE,
  K_SEND,
  K_SEND_RAW,
  K_EXPECT,
  K_EXPECT_MATCH,
  K_WAIT_FOR,
  K_SILENCE,
  K_SLEEP,
  K_USE,
  K_TIMEOUT,
  K_FTITLE,
  K_FSTEPS,
  K_COUNT
} cl_key;

enum {
  KF_REQUIRED = 1 << 0, /* must be present in its mapping */
  KF_RESERVED = 1 << 1, /* reserved for a later issue: rejected for now */
  KF_STEP = 1 << 2,     /* a step key: exactly one per step */
  KF_TIMEOUT = 1 << 3,  /* a step that takes `timeout:` */
};

typedef struct cl_keydef {
  const char *name;
  cl_scope scope;
  cl_key key;
  unsigned flags;
  qh_step_kind kind; /* step keys but use: */
} cl_keydef;

/* The one key table. Order matters only for messages ("expected one of"). */
static const cl_keydef keys[] = {
    {"id", SC_CASE, K_ID, KF_REQUIRED, 0},
    {"title", SC_CASE, K_TITLE, KF_REQUIRED, 0},
    {"spec", SC_CASE, K_SPEC, KF_REQUIRED, 0},
    {"tags", SC_CASE, K_TAGS, 0, 0},
    {"server", SC_CASE, K_SERVER, 0, 0},
    {"steps", SC_CASE, K_STEPS, KF_REQUIRED, 0},
    {"faults", SC_CASE, K_FAULTS, KF_RESERVED, 0},
    {"wire", SC_CASE, K_WIRE, KF_RESERVED, 0},
    {"server_expect", SC_CASE, K_SERVER_EXPECT, KF_RESERVED, 0},
    {"profile", SC_SERVER, K_PROFILE, 0, 0},
    {"files", SC_SERVER, K_FILES, 0, 0},
    {"path", SC_FILE, K_PATH, KF_REQUIRED, 0},
    {"size", SC_FILE, K_SIZE, 0, 0},
    {"seed", SC_FILE, K_SEED, 0, 0},
    {"text", SC_FILE, K_TEXT, 0, 0},
    {"dir", SC_FILE, K_DIR, 0, 0},
    {"writable", SC_FILE, K_WRITABLE, 0, 0},
    {"send", SC_STEP, K_SEND, KF_STEP, QH_STEP_SEND},
    {"send_raw", SC_STEP, K_SEND_RAW, KF_STEP, QH_STEP_SEND_RAW},
    {"expect", SC_STEP, K_EXPECT, KF_STEP | KF_TIMEOUT, QH_STEP_EXPECT},
    {"expect_match", SC_STEP, K_EXPECT_MATCH, KF_STEP | KF_TIMEOUT,
     QH_STEP_EXPECT_MATCH},
    {"wait_for", SC_STEP, K_WAIT_FOR, KF_STEP | KF_TIMEOUT, QH_STEP_WAIT_FOR},
    {"silence", SC_STEP, K_SILENCE, KF_STEP, QH_STEP_SILENCE},
    {"sleep", SC_STEP, K_SLEEP, KF_STEP, QH_STEP_SLEEP},
    {"use", SC_STEP, K_USE, KF_STEP, 0},
    {"timeout", SC_STEP, K_TIMEOUT, 0, 0},
    {"title", SC_FRAGMENT, K_FTITLE, 0, 0},
    {"steps", SC_FRAGMENT, K_FSTEPS, KF_REQUIRED, 0},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static const char *const scope_names[] = {
    [SC_CASE] = "case", [SC_SERVER] = "server",     [SC_FILE] = "file",
    [SC_STEP] = "step", [SC_FRAGMENT] = "fragment",
};

/* server.profile values (servers/ renders one vsftpd setup per name). */
static const char *const server_profiles[] = {"plain", "ftps-explicit",
                                              "ftps-implicit", "none"};

/* One parsed file: the case or a fragment. */
typedef struct cl_doc {
  const char *file; /* owned by the case (sources) */
  yaml_document_t d;
} cl_doc;

typedef struct cl_loader {
  qh_case *c;
  const char *fragments_dir;
  char *err;
  size_t errlen;
  const char *stack[CL_MAX_FRAG_DEPTH + 1]; /* fragments being spliced */
  int depth;
  size_t steps_cap, files_cap, tags_cap, sources_cap;
} cl_loader;

/* ---- messages ---------------------------------------------------------- */

static void fail(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                 const char *fmt, ...)
{
  int w = snprintf(l->err, l->errlen, "%s:%lu:%lu: ", dc->file,
                   (unsigned long)n->start_mark.line + 1,
                   (unsigned long)n->start_mark.column + 1);
  if (w < 0 || (size_t)w >= l->errlen)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->err + w, l->errlen - (size_t)w, fmt, ap);
  va_end(ap);
}

/* Appends to an error already written (context from an outer level). */
static void append_err(cl_loader *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void append_err(cl_loader *l, const char *fmt, ...)
{
  size_t n = strnlen(l->err, l->errlen);
  if (n + 1 >= l->errlen)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->err + n, l->errlen - n, fmt, ap);
  va_end(ap);
}

static const char *type_name(yaml_node_type_t t)
{
  switch (t) {
  case YAML_NO_NODE:
    return "nothing";
  case YAML_SCALAR_NODE:
    return "a scalar";
  case YAML_SEQUENCE_NODE:
    return "a sequence";
  case YAML_MAPPING_NODE:
    return "a mapping";
  }
  return "?";
}

/* "a, b, c": the keys of one scope, for "expected one of". */
static void scope_keys(cl_scope sc, unsigned need, char *buf, size_t len)
{
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < NKEYS; i++) {
    if (keys[i].scope != sc || (keys[i].flags & KF_RESERVED) ||
        (need && !(keys[i].flags & need)))
      continue;
    int w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", keys[i].name);
    if (w < 0 || (size_t)w >= len - n)
      return;
    n += (size_t)w;
  }
}

static const cl_keydef *find_key(cl_scope sc, const char *name)
{
  for (size_t i = 0; i < NKEYS; i++)
    if (keys[i].scope == sc && strcmp(keys[i].name, name) == 0)
      return &keys[i];
  return NULL;
}

/* ---- scalars ----------------------------------------------------------- */

static yaml_node_t *node(const cl_doc *dc, int id)
{
  return yaml_document_get_node((yaml_document_t *)&dc->d, id);
}

/* The text of a scalar node, or NULL after an error naming `what`. */
static const char *scalar(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                          const char *what)
{
  if (n->type != YAML_SCALAR_NODE) {
    fail(l, dc, n, "%s: expected a scalar, got %s", what, type_name(n->type));
    return NULL;
  }
  size_t len = n->data.scalar.length;
  const char *s = (const char *)n->data.scalar.value;
  if (len > CL_MAX_STRING) {
    fail(l, dc, n, "%s: longer than %d bytes", what, CL_MAX_STRING);
    return NULL;
  }
  if (memchr(s, '\0', len)) {
    fail(l, dc, n, "%s: contains a NUL byte", what);
    return NULL;
  }
  return s;
}

static const char *nonempty(cl_loader *l, const cl_doc *dc,
                            const yaml_node_t *n, const char *what)
{
  const char *s = scalar(l, dc, n, what);
  if (s && !*s) {
    fail(l, dc, n, "%s: must not be empty", what);
    return NULL;
  }
  return s;
}

static bool chars_in(const char *s, size_t max, const char *extra, bool upper)
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
static bool parse_seconds(const char *s, double *out)
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

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
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
static int seconds_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                         const char *what, bool zero_ok, double *out)
{
  const char *s = nonempty(l, dc, n, what);
  if (!s)
    return -1;
  if (!parse_seconds(s, out)) {
    fail(l, dc, n, "%s: bad number \"%.40s\" (seconds, e.g. 0.5)", what, s);
    return -1;
  }
  if (*out < 0 || (*out == 0 && !zero_ok) || *out > CL_MAX_SECONDS) {
    fail(l, dc, n, "%s: %s must be %s 0 and <= %g seconds", what, s,
         zero_ok ? ">=" : ">", CL_MAX_SECONDS);
    return -1;
  }
  return 0;
}

/* Checks each ${name}: closed, name [A-Za-z0-9_.]+. "$$" is a literal "$"
 * (vars.h). With `subst`, writes the text with every variable replaced by
 * "0" (for compiling a regex before the real values are known). */
static int check_vars(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
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
      fail(l, dc, n, "%s: unclosed \"${\" at byte %zu", what, i + 1);
      return -1;
    }
    size_t len = (size_t)(close - name);
    bool ok = len > 0 && len <= CL_MAX_VAR_NAME;
    for (size_t k = 0; ok && k < len; k++)
      ok = isalnum((unsigned char)name[k]) || name[k] == '_' || name[k] == '.';
    if (!ok) {
      fail(l, dc, n, "%s: bad variable name \"${%.*s}\" (A-Z a-z 0-9 _ .)",
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

static int check_regex(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                       const char *what, const char *s)
{
  char *plain = malloc(strlen(s) + 1);
  if (!plain) {
    fail(l, dc, n, "out of memory");
    return -1;
  }
  int rc = check_vars(l, dc, n, what, s, plain);
  regex_t re;
  int e = rc == 0 ? regcomp(&re, plain, REG_EXTENDED | REG_NOSUB) : 0;
  if (rc == 0 && e != 0) {
    char msg[128];
    regerror(e, &re, msg, sizeof msg);
    fail(l, dc, n, "%s: bad regular expression: %s", what, msg);
    rc = -1;
  } else if (rc == 0) {
    regfree(&re);
  }
  free(plain);
  return rc;
}

/* ---- growing arrays (zeroed slots, so qh_case_free sees no garbage) ---- */

static int grow(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                void **arr, size_t *cap, size_t count, size_t elem)
{
  if (count < *cap)
    return 0;
  size_t ncap = *cap ? *cap * 2 : 8;
  void *p = realloc(*arr, ncap * elem);
  if (!p) {
    fail(l, dc, n, "out of memory");
    return -1;
  }
  memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
  *arr = p;
  *cap = ncap;
  return 0;
}

static char *dup_or_fail(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                         const char *s)
{
  char *d = strdup(s);
  if (!d)
    fail(l, dc, n, "out of memory");
  return d;
}

/* The case owns every file name a qh_where points at; one copy each. */
static const char *add_source(cl_loader *l, const char *path)
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

/* ---- files ------------------------------------------------------------- */

/* Reads the whole file, at most `max` bytes, NUL-terminated. On error
 * writes "path: reason" into err. */
static char *read_bounded(const char *path, size_t max, size_t *len, char *err,
                          size_t errlen)
{
  /* O_NONBLOCK: opening a FIFO left where a case belongs must not hang. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s: %s", path,
             S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
    close(fd);
    return NULL;
  }
  char *buf = malloc(max + 2);
  if (!buf) {
    snprintf(err, errlen, "%s: out of memory", path);
    close(fd);
    return NULL;
  }
  size_t got = 0;
  while (got <= max) {
    ssize_t r = read(fd, buf + got, max + 1 - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      snprintf(err, errlen, "%s: %s", path, strerror(errno));
      free(buf);
      close(fd);
      return NULL;
    }
    if (r == 0)
      break;
    got += (size_t)r;
  }
  close(fd);
  if (got > max) {
    snprintf(err, errlen, "%s: file too large (more than %zu bytes)", path,
             max);
    free(buf);
    return NULL;
  }
  buf[got] = '\0';
  *len = got;
  return buf;
}

/* Reader errors (bad UTF-8) carry only a byte offset: count lines up to it
 * (columns in bytes). Other errors carry libyaml's problem mark. */
static void error_pos(const yaml_parser_t *p, const char *text, size_t len,
                      unsigned long *line, unsigned long *col)
{
  if (p->error != YAML_READER_ERROR) {
    *line = (unsigned long)p->problem_mark.line + 1;
    *col = (unsigned long)p->problem_mark.column + 1;
    return;
  }
  size_t end = p->problem_offset < len ? p->problem_offset : len;
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < end; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static void syntax_error(cl_loader *l, const char *file, const yaml_parser_t *p,
                         const char *text, size_t len)
{
  unsigned long line, col;
  error_pos(p, text, len, &line, &col);
  snprintf(l->err, l->errlen, "%s:%lu:%lu: YAML syntax error: %s%s%s", file,
           line, col, p->problem ? p->problem : "unknown problem",
           p->context ? " " : "", p->context ? p->context : "");
}

/* Parses `path` into dc; *root is its top-level mapping. One document per
 * file. Returns 0, or -1 with err set (dc then holds nothing). */
static int open_doc(cl_loader *l, const char *path, cl_doc *dc,
                    yaml_node_t **root)
{
  memset(dc, 0, sizeof *dc);
  size_t len = 0;
  char *text = read_bounded(path, CL_MAX_FILE, &len, l->err, l->errlen);
  if (!text)
    return -1;
  if (!(dc->file = add_source(l, path))) {
    snprintf(l->err, l->errlen, "%s: out of memory", path);
    free(text);
    return -1;
  }
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    snprintf(l->err, l->errlen, "%s: out of memory", path);
    free(text);
    return -1;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  int rc = -1;
  if (!yaml_parser_load(&p, &dc->d)) {
    syntax_error(l, dc->file, &p, text, len);
    goto out;
  }
  *root = yaml_document_get_root_node(&dc->d);
  if (!*root) {
    snprintf(l->err, l->errlen, "%s:1:1: empty file (expected a mapping)",
             dc->file);
    goto out_doc;
  }
  if ((*root)->type != YAML_MAPPING_NODE) {
    fail(l, dc, *root, "top level must be a mapping, got %s",
         type_name((*root)->type));
    goto out_doc;
  }
  yaml_document_t next;
  if (!yaml_parser_load(&p, &next)) {
    syntax_error(l, dc->file, &p, text, len);
    goto out_doc;
  }
  yaml_node_t *extra = yaml_document_get_root_node(&next);
  if (extra) {
    cl_doc tmp = {dc->file, next};
    fail(l, &tmp, extra, "a second YAML document (one case per file)");
  }
  yaml_document_delete(&next);
  if (!extra)
    rc = 0;
out_doc:
  if (rc < 0)
    yaml_document_delete(&dc->d);
out:
  yaml_parser_delete(&p);
  free(text);
  return rc;
}

static void close_doc(cl_doc *dc)
{
  yaml_document_delete(&dc->d);
}

/* Walks the pairs of a mapping of scope `sc`: rejects non-scalar, unknown,
 * reserved and duplicate keys, and records each value in vals[key]. `what`
 * prefixes messages ("step 3: "). */
static int walk_map(cl_loader *l, const cl_doc *dc, const yaml_node_t *map,
                    cl_scope sc, const char *what, yaml_node_t *kn[K_COUNT],
                    yaml_node_t *vals[K_COUNT])
{
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
       pr < map->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = node(dc, pr->key), *v = node(dc, pr->value);
    char kwhat[48];
    snprintf(kwhat, sizeof kwhat, "%skey", what);
    const char *name = scalar(l, dc, k, kwhat);
    if (!name)
      return -1;
    const cl_keydef *d = find_key(sc, name);
    if (!d) {
      char list[256];
      scope_keys(sc, sc == SC_STEP ? KF_STEP : 0, list, sizeof list);
      fail(l, dc, k, "%sunknown %skey \"%.64s\" (expected one of %s)", what,
           sc == SC_STEP ? "step " : "", name, list);
      return -1;
    }
    if (d->flags & KF_RESERVED) {
      fail(l, dc, k, "%skey \"%s\" is not supported yet", what, name);
      return -1;
    }
    if (kn[d->key]) {
      fail(l, dc, k, "%sduplicate key \"%s\" (first at line %lu)", what, name,
           (unsigned long)kn[d->key]->start_mark.line + 1);
      return -1;
    }
    kn[d->key] = k;
    vals[d->key] = v;
  }
  for (size_t i = 0; i < NKEYS; i++) {
    if (keys[i].scope == sc && (keys[i].flags & KF_REQUIRED) &&
        !kn[keys[i].key]) {
      fail(l, dc, map, "%smissing required key \"%s\"", what, keys[i].name);
      return -1;
    }
  }
  return 0;
}

static int expect_type(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                       yaml_node_type_t t, const char *what)
{
  if (n->type == t)
    return 0;
  fail(l, dc, n, "%s: expected %s, got %s", what, type_name(t),
       type_name(n->type));
  return -1;
}

/* ---- steps ------------------------------------------------------------- */

static int load_steps(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq);

/* Splices fragment `name` (a use: step at `at`) in place. */
static int use_fragment(cl_loader *l, const cl_doc *dc, const yaml_node_t *at,
                        const char *what, const char *name)
{
  bool ok = name[0] != '.' && chars_in(name, CL_MAX_FRAG_NAME, "_.-", true);
  if (!ok) {
    fail(l, dc, at, "%s: bad fragment name \"%.64s\" (A-Z a-z 0-9 _ . -)", what,
         name);
    return -1;
  }
  if (!l->fragments_dir) {
    fail(l, dc, at, "%s: fragment \"%s\" but no fragments directory", what,
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
      fail(l, dc, at, "%s: fragment cycle: %s%s", what, chain, name);
      return -1;
    }
  }
  if (l->depth == CL_MAX_FRAG_DEPTH) {
    fail(l, dc, at, "%s: fragments nested deeper than %d", what,
         CL_MAX_FRAG_DEPTH);
    return -1;
  }
  char path[PATH_MAX];
  int w = snprintf(path, sizeof path, "%s/%s.yaml", l->fragments_dir, name);
  if (w < 0 || (size_t)w >= sizeof path) {
    fail(l, dc, at, "%s: fragment path too long", what);
    return -1;
  }
  if (access(path, F_OK) != 0) {
    fail(l, dc, at, "%s: unknown fragment \"%s\" (%s: %s)", what, name, path,
         strerror(errno));
    return -1;
  }
  cl_doc fd;
  yaml_node_t *root;
  int rc = open_doc(l, path, &fd, &root);
  if (rc == 0) {
    yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
    l->stack[l->depth++] = name;
    rc = walk_map(l, &fd, root, SC_FRAGMENT, "", kn, vals);
    if (rc == 0 && vals[K_FTITLE])
      rc = scalar(l, &fd, vals[K_FTITLE], "title") ? 0 : -1;
    if (rc == 0)
      rc = load_steps(l, &fd, vals[K_FSTEPS]);
    l->depth--;
    close_doc(&fd);
  }
  if (rc < 0)
    append_err(l, " (in fragment \"%s\", used at %s:%lu:%lu)", name, dc->file,
               (unsigned long)at->start_mark.line + 1,
               (unsigned long)at->start_mark.column + 1);
  return rc;
}

/* Fills a step's text or seconds from the value of its step key. */
static int step_value(cl_loader *l, const cl_doc *dc, const cl_keydef *d,
                      const yaml_node_t *v, const char *what, qh_step *s)
{
  char full[64];
  snprintf(full, sizeof full, "%s: %s", what, d->name);
  const char *t = NULL;
  switch (d->kind) {
  case QH_STEP_SILENCE:
    return seconds_value(l, dc, v, full, false, &s->seconds);
  case QH_STEP_SLEEP:
    return seconds_value(l, dc, v, full, true, &s->seconds);
  case QH_STEP_SEND:
    t = scalar(l, dc, v, full); /* empty: a bare <CR> */
    break;
  case QH_STEP_SEND_RAW:
  case QH_STEP_EXPECT:
  case QH_STEP_WAIT_FOR:
    t = nonempty(l, dc, v, full);
    break;
  case QH_STEP_EXPECT_MATCH:
    t = nonempty(l, dc, v, full);
    if (t && check_regex(l, dc, v, full, t) < 0)
      return -1;
    break;
  }
  if (!t || check_vars(l, dc, v, full, t, NULL) < 0)
    return -1;
  s->text = dup_or_fail(l, dc, v, t);
  return s->text ? 0 : -1;
}

static int load_step(cl_loader *l, const cl_doc *dc, const yaml_node_t *item,
                     size_t index)
{
  char what[32];
  snprintf(what, sizeof what, "step %zu", index);
  if (item->type != YAML_MAPPING_NODE) {
    fail(l, dc, item, "%s: expected a mapping with one step key, got %s", what,
         type_name(item->type));
    return -1;
  }
  char prefix[40];
  snprintf(prefix, sizeof prefix, "%s: ", what);
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (walk_map(l, dc, item, SC_STEP, prefix, kn, vals) < 0)
    return -1;
  const cl_keydef *d = NULL;
  for (size_t i = 0; i < NKEYS; i++) {
    if (keys[i].scope != SC_STEP || !(keys[i].flags & KF_STEP) ||
        !kn[keys[i].key])
      continue;
    if (d) {
      const yaml_node_t *a = kn[d->key], *b = kn[keys[i].key];
      bool b_later = b->start_mark.index > a->start_mark.index;
      fail(l, dc, b_later ? b : a,
           "%s: two step keys \"%s\" and \"%s\" (one per step)", what,
           b_later ? d->name : keys[i].name, b_later ? keys[i].name : d->name);
      return -1;
    }
    d = &keys[i];
  }
  if (!d) {
    char list[256];
    scope_keys(SC_STEP, KF_STEP, list, sizeof list);
    fail(l, dc, item, "%s: no step key (expected one of %s)", what, list);
    return -1;
  }
  if (kn[K_TIMEOUT] && !(d->flags & KF_TIMEOUT)) {
    char list[128];
    scope_keys(SC_STEP, KF_TIMEOUT, list, sizeof list);
    fail(l, dc, kn[K_TIMEOUT],
         "%s: \"timeout\" does not apply to %s (only to %s)", what, d->name,
         list);
    return -1;
  }
  if (d->key == K_USE) {
    const char *name = nonempty(l, dc, vals[K_USE], "use");
    return name ? use_fragment(l, dc, vals[K_USE], what, name) : -1;
  }
  qh_case *c = l->c;
  if (c->nsteps == CL_MAX_STEPS) {
    fail(l, dc, item, "%s: more than %d steps", what, CL_MAX_STEPS);
    return -1;
  }
  if (grow(l, dc, item, (void **)&c->steps, &l->steps_cap, c->nsteps,
           sizeof *c->steps) < 0)
    return -1;
  qh_step *s = &c->steps[c->nsteps++];
  s->kind = d->kind;
  s->where.file = dc->file;
  s->where.line = (int)item->start_mark.line + 1;
  s->where.col = (int)item->start_mark.column + 1;
  if (kn[K_TIMEOUT]) {
    char full[48];
    snprintf(full, sizeof full, "%s: timeout", what);
    if (seconds_value(l, dc, vals[K_TIMEOUT], full, false, &s->timeout_s) < 0)
      return -1;
  }
  return step_value(l, dc, d, vals[d->key], what, s);
}

static int load_steps(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq)
{
  if (expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "steps") < 0)
    return -1;
  if (seq->data.sequence.items.top == seq->data.sequence.items.start) {
    fail(l, dc, seq, "steps: must not be empty");
    return -1;
  }
  size_t index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++)
    if (load_step(l, dc, node(dc, *it), index) < 0)
      return -1;
  return 0;
}

/* ---- server and its files ---------------------------------------------- */

/* Relative, no ".." component, no empty component, no backslash. */
static bool good_rel_path(const char *p)
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

static int parse_bool(const char *s, bool *out)
{
  if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
    *out = true;
  else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
    *out = false;
  else
    return -1;
  return 0;
}

static int load_file(cl_loader *l, const cl_doc *dc, const yaml_node_t *item,
                     size_t index, qh_file *f)
{
  char what[40], w2[64];
  snprintf(what, sizeof what, "files item %zu", index);
  f->where.file = dc->file;
  f->where.line = (int)item->start_mark.line + 1;
  f->where.col = (int)item->start_mark.column + 1;
  f->writable = true;
  if (expect_type(l, dc, item, YAML_MAPPING_NODE, what) < 0)
    return -1;
  char prefix[48];
  snprintf(prefix, sizeof prefix, "%s: ", what);
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (walk_map(l, dc, item, SC_FILE, prefix, kn, vals) < 0)
    return -1;
  static const cl_key kinds[] = {K_SIZE, K_TEXT, K_DIR};
  const yaml_node_t *first = NULL;
  for (size_t i = 0; i < 3; i++) {
    const yaml_node_t *k = kn[kinds[i]];
    if (!k)
      continue;
    if (first) {
      const yaml_node_t *later =
          k->start_mark.index > first->start_mark.index ? k : first;
      fail(l, dc, later,
           "%s: \"%s\" and \"%s\" exclude each other (one of size, text, "
           "dir)",
           what, (const char *)first->data.scalar.value,
           (const char *)k->data.scalar.value);
      return -1;
    }
    first = k;
  }
  if (!first) {
    fail(l, dc, item, "%s: needs one of size, text, dir", what);
    return -1;
  }
  const char *path = nonempty(l, dc, vals[K_PATH], "path");
  if (!path)
    return -1;
  if (!good_rel_path(path)) {
    fail(l, dc, vals[K_PATH],
         "%s: path \"%.64s\" must be relative, without \"..\" or empty parts "
         "(at most %d bytes)",
         what, path, CL_MAX_PATH);
    return -1;
  }
  if (!(f->path = dup_or_fail(l, dc, vals[K_PATH], path)))
    return -1;
  if (kn[K_SEED] && !kn[K_SIZE]) {
    fail(l, dc, kn[K_SEED], "%s: \"seed\" only goes with \"size\"", what);
    return -1;
  }
  if (kn[K_WRITABLE] && !kn[K_DIR]) {
    fail(l, dc, kn[K_WRITABLE], "%s: \"writable\" only goes with \"dir\"",
         what);
    return -1;
  }
  const char *s;
  if (kn[K_SIZE]) {
    f->kind = QH_FILE_PAYLOAD;
    f->seed = 1;
    snprintf(w2, sizeof w2, "%s: size", what);
    if (!(s = nonempty(l, dc, vals[K_SIZE], w2)))
      return -1;
    if (!parse_u64(s, CL_MAX_PAYLOAD, &f->size)) {
      fail(l, dc, vals[K_SIZE], "%s: bad number \"%.40s\" (bytes, 0 to %llu)",
           w2, s, (unsigned long long)CL_MAX_PAYLOAD);
      return -1;
    }
    if (kn[K_SEED]) {
      uint64_t seed;
      snprintf(w2, sizeof w2, "%s: seed", what);
      if (!(s = nonempty(l, dc, vals[K_SEED], w2)))
        return -1;
      if (!parse_u64(s, UINT32_MAX, &seed)) {
        fail(l, dc, vals[K_SEED], "%s: bad number \"%.40s\" (0 to %lu)", w2, s,
             (unsigned long)UINT32_MAX);
        return -1;
      }
      f->seed = (uint32_t)seed;
    }
  } else if (kn[K_TEXT]) {
    f->kind = QH_FILE_TEXT;
    snprintf(w2, sizeof w2, "%s: text", what);
    if (!(s = scalar(l, dc, vals[K_TEXT], w2)) ||
        !(f->text = dup_or_fail(l, dc, vals[K_TEXT], s)))
      return -1;
  } else {
    f->kind = QH_FILE_DIR;
    bool on;
    snprintf(w2, sizeof w2, "%s: dir", what);
    if (!(s = scalar(l, dc, vals[K_DIR], w2)))
      return -1;
    if (parse_bool(s, &on) < 0 || !on) {
      fail(l, dc, vals[K_DIR], "%s: must be true", w2);
      return -1;
    }
    if (kn[K_WRITABLE]) {
      snprintf(w2, sizeof w2, "%s: writable", what);
      if (!(s = scalar(l, dc, vals[K_WRITABLE], w2)))
        return -1;
      if (parse_bool(s, &f->writable) < 0) {
        fail(l, dc, vals[K_WRITABLE],
             "%s: expected true or false, got "
             "\"%.40s\"",
             w2, s);
        return -1;
      }
    }
  }
  return 0;
}

static int load_files(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq)
{
  if (expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "files") < 0)
    return -1;
  qh_case *c = l->c;
  size_t index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++) {
    yaml_node_t *item = node(dc, *it);
    if (c->nfiles == CL_MAX_FILES) {
      fail(l, dc, item, "files: more than %d entries", CL_MAX_FILES);
      return -1;
    }
    if (grow(l, dc, item, (void **)&c->files, &l->files_cap, c->nfiles,
             sizeof *c->files) < 0)
      return -1;
    qh_file *f = &c->files[c->nfiles++];
    if (load_file(l, dc, item, index, f) < 0)
      return -1;
    for (size_t i = 0; i + 1 < c->nfiles; i++) {
      if (strcmp(c->files[i].path, f->path) == 0) {
        fail(l, dc, item,
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
  if (expect_type(l, dc, map, YAML_MAPPING_NODE, "server") < 0)
    return -1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (walk_map(l, dc, map, SC_SERVER, "server: ", kn, vals) < 0)
    return -1;
  const char *prof = "plain";
  if (vals[K_PROFILE]) {
    if (!(prof = nonempty(l, dc, vals[K_PROFILE], "server: profile")))
      return -1;
    size_t n = sizeof server_profiles / sizeof server_profiles[0], i = 0;
    while (i < n && strcmp(server_profiles[i], prof) != 0)
      i++;
    if (i == n) {
      char list[128] = "";
      for (size_t k = 0; k < n; k++) {
        size_t o = strlen(list);
        snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "",
                 server_profiles[k]);
      }
      fail(l, dc, vals[K_PROFILE],
           "server: profile \"%.40s\" unknown (expected one of %s)", prof,
           list);
      return -1;
    }
  }
  if (!(l->c->server = dup_or_fail(l, dc, map, prof)))
    return -1;
  if (!vals[K_FILES])
    return 0;
  if (strcmp(prof, "none") == 0) {
    fail(l, dc, kn[K_FILES], "server: files need a server (profile is none)");
    return -1;
  }
  return load_files(l, dc, vals[K_FILES]);
}

/* ---- the case ---------------------------------------------------------- */

static int load_tags(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq)
{
  if (expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "tags") < 0)
    return -1;
  qh_case *c = l->c;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++) {
    yaml_node_t *n = node(dc, *it);
    const char *t = scalar(l, dc, n, "tags");
    if (!t)
      return -1;
    if (!chars_in(t, CL_MAX_TAG, ":._-", false)) {
      fail(l, dc, n, "tags: \"%.64s\" must be 1-%d of a-z 0-9 : . _ -", t,
           CL_MAX_TAG);
      return -1;
    }
    if (qh_case_has_tag(c, t)) {
      fail(l, dc, n, "tags: \"%s\" listed twice", t);
      return -1;
    }
    if (c->ntags == CL_MAX_TAGS) {
      fail(l, dc, n, "tags: more than %d", CL_MAX_TAGS);
      return -1;
    }
    if (grow(l, dc, n, (void **)&c->tags, &l->tags_cap, c->ntags,
             sizeof *c->tags) < 0 ||
        !(c->tags[c->ntags] = dup_or_fail(l, dc, n, t)))
      return -1;
    c->ntags++;
  }
  return 0;
}

/* id, title, spec: scalars with their own shapes. */
static int load_header(cl_loader *l, const cl_doc *dc, yaml_node_t **vals)
{
  qh_case *c = l->c;
  const char *id = nonempty(l, dc, vals[K_ID], "id");
  if (!id)
    return -1;
  if (!chars_in(id, CL_MAX_ID, "._-", false)) {
    fail(l, dc, vals[K_ID], "id: \"%.64s\" must be 1-%d of a-z 0-9 . _ -", id,
         CL_MAX_ID);
    return -1;
  }
  const char *title = nonempty(l, dc, vals[K_TITLE], "title");
  if (!title)
    return -1;
  const char *spec = nonempty(l, dc, vals[K_SPEC], "spec");
  if (!spec)
    return -1;
  /* A section number of the application note: "2", "2.5", "2.5.1". */
  bool ok = strlen(spec) <= CL_MAX_SPEC && isdigit((unsigned char)spec[0]) &&
            isdigit((unsigned char)spec[strlen(spec) - 1]) &&
            !strstr(spec, "..") && strspn(spec, "0123456789.") == strlen(spec);
  if (!ok) {
    fail(l, dc, vals[K_SPEC],
         "spec: \"%.40s\" is not a section number like \"2.5\"", spec);
    return -1;
  }
  if (!(c->id = dup_or_fail(l, dc, vals[K_ID], id)) ||
      !(c->title = dup_or_fail(l, dc, vals[K_TITLE], title)) ||
      !(c->spec = dup_or_fail(l, dc, vals[K_SPEC], spec)))
    return -1;
  return 0;
}

static int load_case(cl_loader *l, const char *path)
{
  cl_doc dc;
  yaml_node_t *root;
  if (open_doc(l, path, &dc, &root) < 0)
    return -1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  int rc = walk_map(l, &dc, root, SC_CASE, "", kn, vals);
  if (rc == 0)
    rc = load_header(l, &dc, vals);
  if (rc == 0 && vals[K_TAGS])
    rc = load_tags(l, &dc, vals[K_TAGS]);
  if (rc == 0 && vals[K_SERVER])
    rc = load_server(l, &dc, vals[K_SERVER]);
  if (rc == 0 && !l->c->server)
    rc = (l->c->server = dup_or_fail(l, &dc, root, "plain")) ? 0 : -1;
  if (rc == 0)
    rc = load_steps(l, &dc, vals[K_STEPS]);
  close_doc(&dc);
  return rc;
}

int qh_case_load(const char *path, const char *fragments_dir, qh_case **out,
                 char *err, size_t errlen)
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
  cl_loader l = {
      .c = c, .fragments_dir = fragments_dir, .err = err, .errlen = errlen};
  if (load_case(&l, path) < 0) {
    qh_case_free(c);
    return -1;
  }
  *out = c;
  return 0;
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
  for (size_t i = 0; i < c->nsteps; i++)
    free(c->steps[i].text);
  free(c->steps);
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
  case QH_STEP_SILENCE:
    return "silence";
  case QH_STEP_SLEEP:
    return "sleep";
  }
  return "?";
}

size_t qh_case_key_count(void)
{
  return NKEYS;
}

const char *qh_case_key_name(size_t i, const char **scope)
{
  if (i >= NKEYS)
    return NULL;
  if (scope)
    *scope = scope_names[keys[i].scope];
  return keys[i].name;
}
