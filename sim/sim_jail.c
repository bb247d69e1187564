#include "sim_jail.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *prefix;
  const char *dir;
} stores[] = {{"UFS:", "UFS"}, {"SD:", "SD"}};

/* One path component: not empty, not "." or "..". */
static int component_ok(const char *s, size_t n)
{
  if (n == 0)
    return 0;
  if (n == 1 && s[0] == '.')
    return 0;
  if (n == 2 && s[0] == '.' && s[1] == '.')
    return 0;
  return 1;
}

static int path_ok(const char *p)
{
  if (*p == '/' || *p == '\0')
    return 0;
  for (const char *c = p; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == '\\' || *c == 0x7f)
      return 0;
  const char *s = p;
  for (;;) {
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (!component_ok(s, n))
      return 0;
    if (!slash)
      return 1;
    s = slash + 1;
  }
}

sim_local_kind sim_jail_local(const char *name, int allow_all, char *rel,
                              size_t rel_len)
{
  if (!name || strlen(name) > SIM_JAIL_NAME_MAX)
    return SIM_LOCAL_BAD;
  if (strcmp(name, "COM:") == 0)
    return SIM_LOCAL_COM;
  for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++) {
    size_t pl = strlen(stores[i].prefix);
    if (strncmp(name, stores[i].prefix, pl) != 0)
      continue;
    const char *p = name + pl;
    int n;
    if (allow_all && strcmp(p, "*") == 0) {
      n = snprintf(rel, rel_len, "%s", stores[i].dir);
      return n > 0 && (size_t)n < rel_len ? SIM_LOCAL_ALL : SIM_LOCAL_BAD;
    }
    if (!path_ok(p))
      return SIM_LOCAL_BAD;
    n = snprintf(rel, rel_len, "%s/%s", stores[i].dir, p);
    return n > 0 && (size_t)n < rel_len ? SIM_LOCAL_FILE : SIM_LOCAL_BAD;
  }
  return SIM_LOCAL_BAD;
}
