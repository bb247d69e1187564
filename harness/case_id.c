/* case_id: ids derived from where a case file lies (case_id.h). */
#include "case_id.h"

#include <stdio.h>
#include <string.h>

bool qh_case_id_valid(const char *id)
{
  size_t n = strlen(id);
  if (n == 0 || n > QH_CASE_ID_MAX || id[0] == '.' || id[n - 1] == '.' ||
      strstr(id, ".."))
    return false;
  for (const char *p = id; *p; p++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return false;
  }
  return true;
}

static size_t yaml_suffix(const char *s, size_t n)
{
  if (n > 5 && memcmp(s + n - 5, ".yaml", 5) == 0)
    return 5;
  if (n > 4 && memcmp(s + n - 4, ".yml", 4) == 0)
    return 4;
  return 0;
}

int qh_case_id_derive(const char *rel, char *out, size_t outlen, char *err,
                      size_t errlen)
{
  while (rel[0] == '.' && rel[1] == '/') /* "./x.yaml" */
    rel += 2;
  size_t n = strlen(rel), suf = yaml_suffix(rel, n);
  if (!suf) {
    snprintf(err, errlen, "\"%s\" is not a .yaml file", rel);
    return -1;
  }
  n -= suf;
  if (n >= outlen || n > QH_CASE_ID_MAX) {
    snprintf(err, errlen, "\"%s\" gives an id longer than %d", rel,
             QH_CASE_ID_MAX);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    out[i] = rel[i] == '/' ? '.' : rel[i];
  out[n] = '\0';
  if (!qh_case_id_valid(out)) {
    snprintf(err, errlen,
             "\"%s\" gives the id \"%s\", not one of [a-z0-9._-] in "
             "non-empty dot-separated parts",
             rel, out);
    return -1;
  }
  return 0;
}
