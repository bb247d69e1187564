/* qc_yaml: reading and parsing one YAML file for the case and profile
 * loaders (qc_yaml.h). The file is read whole first, within the caller's
 * bound, so a hostile file cannot grow our memory and reader errors can be
 * turned into a line and column. */
#include "qc_yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *qc_yaml_type_name(yaml_node_type_t t)
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

/* A message quotes values from the file: control bytes in them would
 * break the one-line "file:line:col: what" form, so they are escaped. */
static void escape_controls(char *s, size_t cap)
{
  char tmp[2048];
  size_t o = 0;
  for (const char *p = s; *p && o + 5 < sizeof tmp; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '\n' || c == '\r' || c == '\t') {
      tmp[o++] = '\\';
      tmp[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
    } else if (c < 0x20 || c == 0x7f) {
      o += (size_t)snprintf(tmp + o, sizeof tmp - o, "\\x%02x", c);
    } else {
      tmp[o++] = (char)c;
    }
  }
  tmp[o] = '\0';
  snprintf(s, cap, "%s", tmp);
}

void qc_yaml_vfail(char *err, size_t errlen, const char *path,
                   const yaml_node_t *n, const char *fmt, va_list ap)
{
  int w = snprintf(err, errlen, "%s:%lu:%lu: ", path,
                   (unsigned long)n->start_mark.line + 1,
                   (unsigned long)n->start_mark.column + 1);
  if (w < 0 || (size_t)w >= errlen)
    return;
  vsnprintf(err + w, errlen - (size_t)w, fmt, ap);
  escape_controls(err + w, errlen - (size_t)w);
}

void qc_yaml_fail(char *err, size_t errlen, const char *path,
                  const yaml_node_t *n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  qc_yaml_vfail(err, errlen, path, n, fmt, ap);
  va_end(ap);
}

/* Reads the whole file, at most `max` bytes, NUL-terminated. On error
 * writes "path: reason" into err. */
static char *read_bounded(void *ctx, const char *path, size_t max, size_t *len,
                          char *err, size_t errlen)
{
  (void)ctx;
  /* O_NONBLOCK: a FIFO left where a case or profile belongs must not hang
   * us. */
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
  buf[got] = '\0';
  *len = got;
  return buf;
}

static int file_exists(void *ctx, const char *path)
{
  (void)ctx;
  return access(path, F_OK) == 0 ? 0 : errno;
}

const qc_yaml_src qc_yaml_files = {read_bounded, file_exists, NULL};

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

static void syntax_error(const char *path, const yaml_parser_t *p,
                         const char *text, size_t len, char *err, size_t errlen)
{
  unsigned long line, col;
  error_pos(p, text, len, &line, &col);
  snprintf(err, errlen, "%s:%lu:%lu: YAML syntax error: %s%s%s", path, line,
           col, p->problem ? p->problem : "unknown problem",
           p->context ? " " : "", p->context ? p->context : "");
}

/* After the first document: anything but the end of the stream is an
 * error. Returns 0 or -1. */
static int no_second_doc(const char *path, const char *why, yaml_parser_t *p,
                         const char *text, size_t len, char *err, size_t errlen)
{
  yaml_document_t next;
  if (!yaml_parser_load(p, &next)) {
    syntax_error(path, p, text, len, err, errlen);
    return -1;
  }
  yaml_node_t *extra = yaml_document_get_root_node(&next);
  if (extra)
    qc_yaml_fail(err, errlen, path, extra, "a second YAML document (%s)", why);
  yaml_document_delete(&next);
  return extra ? -1 : 0;
}

/* libyaml has no nesting limit and its scanner slows down with the square
 * of the flow depth ("[[[[..." in a 1 MiB file parses for minutes). A
 * first pass over libyaml's own tokens stops at the first collection
 * nested deeper than this: exact (quotes, block scalars and comments are
 * the scanner's business) and linear, since it never goes deeper. A scan
 * error is left for the real parse to report. */
#define QC_YAML_MAX_FLOW_DEPTH 64

static int flow_depth_check(const char *path, const char *text, size_t len,
                            unsigned flags, char *err, size_t errlen)
{
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  int depth = 0, rc = 0;
  for (;;) {
    yaml_token_t t;
    if (!yaml_parser_scan(&p, &t))
      break;
    yaml_token_type_t type = t.type;
    yaml_mark_t at = t.start_mark;
    yaml_token_delete(&t);
    if (type == YAML_STREAM_END_TOKEN)
      break;
    /* An alias repeats a subtree without repeating its text: a small
     * file of nested aliases names a tree too big to walk. Refused here,
     * before anything is built, where the caller has no use for them. */
    if ((flags & QC_YAML_NO_ALIASES) &&
        (type == YAML_ANCHOR_TOKEN || type == YAML_ALIAS_TOKEN)) {
      snprintf(err, errlen,
               "%s:%lu:%lu: YAML %s not allowed here (write each value out)",
               path, (unsigned long)at.line + 1, (unsigned long)at.column + 1,
               type == YAML_ANCHOR_TOKEN ? "anchors are" : "aliases are");
      rc = -1;
      break;
    }
    if (type == YAML_FLOW_SEQUENCE_START_TOKEN ||
        type == YAML_FLOW_MAPPING_START_TOKEN) {
      if (++depth > QC_YAML_MAX_FLOW_DEPTH) {
        snprintf(err, errlen,
                 "%s:%lu:%lu: flow collections nested deeper than %d", path,
                 (unsigned long)at.line + 1, (unsigned long)at.column + 1,
                 QC_YAML_MAX_FLOW_DEPTH);
        rc = -1;
        break;
      }
    } else if ((type == YAML_FLOW_SEQUENCE_END_TOKEN ||
                type == YAML_FLOW_MAPPING_END_TOKEN) &&
               depth > 0) {
      depth--;
    }
  }
  yaml_parser_delete(&p);
  return rc;
}

int qc_yaml_load_map(const char *path, const qc_yaml_opts *o,
                     yaml_document_t *doc, yaml_node_t **root, char *err,
                     size_t errlen)
{
  return qc_yaml_load_map_flags(path, o, 0, doc, root, err, errlen);
}

int qc_yaml_load_map_flags(const char *path, const qc_yaml_opts *o,
                           unsigned flags, yaml_document_t *doc,
                           yaml_node_t **root, char *err, size_t errlen)
{
  return qc_yaml_load_map_src(NULL, path, o, flags, doc, root, err, errlen);
}

int qc_yaml_load_map_src(const qc_yaml_src *src, const char *path,
                         const qc_yaml_opts *o, unsigned flags,
                         yaml_document_t *doc, yaml_node_t **root, char *err,
                         size_t errlen)
{
  memset(doc, 0, sizeof *doc);
  *root = NULL;
  if (!src)
    src = &qc_yaml_files;
  size_t len = 0;
  char *text = src->read(src->ctx, path, o->max_bytes, &len, err, errlen);
  if (!text)
    return -1;
  if (len > o->max_bytes) {
    snprintf(err, errlen, "%s: file too large (more than %zu bytes)", path,
             o->max_bytes);
    free(text);
    return -1;
  }
  if (flow_depth_check(path, text, len, flags, err, errlen) < 0) {
    free(text);
    return -1;
  }
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    snprintf(err, errlen, "%s: out of memory", path);
    free(text);
    return -1;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  int rc = -1;
  /* On failure libyaml leaves the document empty. */
  if (!yaml_parser_load(&p, doc)) {
    syntax_error(path, &p, text, len, err, errlen);
    goto out;
  }
  yaml_node_t *top = yaml_document_get_root_node(doc);
  if (!top)
    snprintf(err, errlen, "%s:1:1: empty %s (expected a mapping)", path,
             o->noun);
  else if (top->type != YAML_MAPPING_NODE)
    qc_yaml_fail(err, errlen, path, top, "top level must be a mapping, got %s",
                 qc_yaml_type_name(top->type));
  else if (!o->one_doc ||
           no_second_doc(path, o->one_doc, &p, text, len, err, errlen) == 0)
    rc = 0;
  if (rc == 0)
    *root = top;
  else
    yaml_document_delete(doc);
out:
  yaml_parser_delete(&p);
  free(text);
  return rc;
}
