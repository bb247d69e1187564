/* vars: ${name} substitution. */
#include "vars.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "qc_redact.h"

/* A variable whose name says it holds a credential: its value is one of
 * the run's secrets, hidden in everything written out (qc_redact.h). */
bool qh_vars_is_secret(const char *name)
{
  static const char *const words[] = {"pass", "secret", "token"};
  const char *last = strrchr(name, '.');
  last = last ? last + 1 : name;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strstr(last, words[i]))
      return true;
  return false;
}

int qh_vars_set(qh_vars *v, const char *name, const char *value)
{
  if (strlen(name) >= QH_VAR_NAME_MAX || strlen(value) >= QH_VAR_VALUE_MAX)
    return -1;
  size_t i = 0;
  while (i < v->n && strcmp(v->v[i].name, name) != 0)
    i++;
  if (i == v->n) {
    if (v->n == QH_VARS_MAX)
      return -1;
    v->n++;
  }
  if (qh_vars_is_secret(name) && qc_redact_add_secret(value) < 0)
    return -1; /* a secret we could not hide is not handed out */
  snprintf(v->v[i].name, QH_VAR_NAME_MAX, "%s", name);
  snprintf(v->v[i].value, QH_VAR_VALUE_MAX, "%s", value);
  return 0;
}

int qh_vars_setf(qh_vars *v, const char *name, const char *fmt, ...)
{
  char buf[QH_VAR_VALUE_MAX];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf)
    return -1;
  return qh_vars_set(v, name, buf);
}

const char *qh_vars_get(const qh_vars *v, const char *name)
{
  if (strncmp(name, "profile.", 8) == 0)
    return v->profile ? qc_profile_get(v->profile, name + 8) : NULL;
  for (size_t i = 0; i < v->n; i++)
    if (strcmp(v->v[i].name, name) == 0)
      return v->v[i].value;
  return NULL;
}

/* How much of s (at most max bytes) an error may quote: up to the first
 * control byte, so a reference broken across lines stays a one-line error. */
static int quotable(const char *s, size_t max)
{
  size_t i = 0;
  while (i < max && (unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
    i++;
  return (int)i;
}

int qh_vars_expand(const qh_vars *v, const char *in, char *out, size_t cap,
                   char *err, size_t errlen)
{
  size_t o = 0;
  for (const char *p = in; *p;) {
    const char *piece = p;
    size_t plen = 1;
    char name[QH_VAR_NAME_MAX];
    if (p[0] == '$' && p[1] == '$') {
      p += 2;
    } else if (p[0] == '$' && p[1] == '{') {
      const char *end = strchr(p + 2, '}');
      size_t nlen = end ? (size_t)(end - p - 2) : 0;
      if (!end || nlen == 0 || nlen >= sizeof name) {
        snprintf(err, errlen, "malformed variable reference at \"%.*s\"",
                 quotable(p, 20), p);
        return -1;
      }
      memcpy(name, p + 2, nlen);
      name[nlen] = '\0';
      piece = qh_vars_get(v, name);
      if (!piece) {
        snprintf(err, errlen, "unknown variable ${%.*s}",
                 quotable(name, nlen), name);
        return -1;
      }
      plen = strlen(piece);
      p = end + 1;
    } else {
      p++;
    }
    if (o + plen >= cap) {
      snprintf(err, errlen, "text too long after substitution (max %zu)",
               cap - 1);
      return -1;
    }
    memcpy(out + o, piece, plen);
    o += plen;
  }
  out[o] = '\0';
  return 0;
}
