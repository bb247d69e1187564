#include "srv_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A growing output buffer capped at SRV_CONF_OUT_MAX. */
typedef struct outbuf {
  char *p;
  size_t len, cap;
} outbuf;

static int out_put(outbuf *o, const char *s, size_t n)
{
  if (o->len + n + 1 > SRV_CONF_OUT_MAX)
    return -1;
  if (o->len + n + 1 > o->cap) {
    size_t cap = o->cap ? o->cap : 1024;
    while (cap < o->len + n + 1)
      cap *= 2;
    char *q = realloc(o->p, cap);
    if (!q)
      return -1;
    o->p = q;
    o->cap = cap;
  }
  memcpy(o->p + o->len, s, n);
  o->len += n;
  o->p[o->len] = '\0';
  return 0;
}

static bool name_start(char c)
{
  return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
  return name_start(c) || (c >= '0' && c <= '9');
}

static const srv_conf_kv *lookup(const srv_conf_kv *kv, size_t n,
                                 const char *name, size_t len)
{
  for (size_t i = 0; i < n; i++)
    if (kv[i].key && strlen(kv[i].key) == len &&
        memcmp(kv[i].key, name, len) == 0)
      return &kv[i];
  return NULL;
}

/* Placeholders computed from others when the table does not name them.
 * DATA_PORT: the port active-mode data connections come from, the
 * control port - 1 (RFC 959 3.2's default L-1; what ProFTPD uses on its
 * own), so a capture filter can name it in advance. */
static const srv_conf_kv *derived(const srv_conf_kv *kv, size_t n,
                                  const char *name, size_t len,
                                  srv_conf_kv *tmp, char *buf, size_t blen)
{
  if (len != 9 || memcmp(name, "DATA_PORT", 9) != 0)
    return NULL;
  const srv_conf_kv *lp = lookup(kv, n, "LISTEN_PORT", 11);
  char *end;
  long port = lp && lp->value ? strtol(lp->value, &end, 10) : 0;
  tmp->key = "DATA_PORT";
  tmp->value = NULL; /* "no value" unless LISTEN_PORT is a port above 1 */
  if (lp && lp->value && !*end && port > 1 && port <= 65535) {
    snprintf(buf, blen, "%ld", port - 1);
    tmp->value = buf;
  }
  return lp ? tmp : NULL;
}

int srv_conf_render(const char *tmpl, const srv_conf_kv *kv, size_t n,
                    char **out, char *err, size_t errlen)
{
  outbuf o = {0};
  int line = 1;
  const char *p = tmpl;
  *out = NULL;
  if (out_put(&o, "", 0) < 0)
    goto too_big;
  while (*p) {
    if (p[0] == '@' && p[1] == '@') { /* "@@" is a literal '@' */
      if (out_put(&o, "@", 1) < 0)
        goto too_big;
      p += 2;
      continue;
    }
    if (*p != '@' || !name_start(p[1])) {
      if (*p == '\n')
        line++;
      if (out_put(&o, p, 1) < 0)
        goto too_big;
      p++;
      continue;
    }
    const char *name = p + 1;
    size_t len = 0;
    while (name_char(name[len]))
      len++;
    if (name[len] != '@' || len > SRV_CONF_NAME_MAX) {
      snprintf(err, errlen, "line %d: unterminated placeholder @%.*s", line,
               (int)(len > SRV_CONF_NAME_MAX ? SRV_CONF_NAME_MAX : len), name);
      goto fail;
    }
    srv_conf_kv tmp;
    char dbuf[16];
    const srv_conf_kv *e = lookup(kv, n, name, len);
    if (!e)
      e = derived(kv, n, name, len, &tmp, dbuf, sizeof dbuf);
    if (!e) {
      snprintf(err, errlen, "line %d: unknown placeholder @%.*s@", line,
               (int)len, name);
      goto fail;
    }
    if (!e->value) {
      snprintf(err, errlen, "line %d: no value for placeholder @%.*s@", line,
               (int)len, name);
      goto fail;
    }
    if (strpbrk(e->value, "\r\n")) {
      snprintf(err, errlen, "line %d: value of @%.*s@ holds a line break", line,
               (int)len, name);
      goto fail;
    }
    if (out_put(&o, e->value, strlen(e->value)) < 0)
      goto too_big;
    p = name + len + 1;
  }
  *out = o.p;
  return 0;
too_big:
  snprintf(err, errlen, "line %d: rendered config exceeds %d bytes", line,
           SRV_CONF_OUT_MAX);
fail:
  free(o.p);
  return -1;
}

int srv_conf_read_file(const char *path, char **out, char *err, size_t errlen)
{
  *out = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  char *buf = malloc(SRV_CONF_OUT_MAX + 1);
  size_t len = 0;
  ssize_t r = 1;
  while (buf && len < SRV_CONF_OUT_MAX + 1) {
    r = read(fd, buf + len, SRV_CONF_OUT_MAX + 1 - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    len += (size_t)r;
  }
  int e = errno;
  close(fd);
  if (!buf || r < 0) {
    snprintf(err, errlen, "%s: %s", path, buf ? strerror(e) : "out of memory");
    free(buf);
    return -1;
  }
  if (len > SRV_CONF_OUT_MAX) {
    snprintf(err, errlen, "%s: larger than %d bytes", path, SRV_CONF_OUT_MAX);
    free(buf);
    return -1;
  }
  buf[len] = '\0';
  if (memchr(buf, '\0', len)) {
    snprintf(err, errlen, "%s: holds a NUL byte", path);
    free(buf);
    return -1;
  }
  *out = buf;
  return 0;
}
