#include "srv_path.h"

#include <stdio.h>
#include <string.h>

static const char *why_bad(const char *path)
{
  size_t len = strlen(path);
  if (len == 0)
    return "is empty";
  if (len > SRV_PATH_MAX)
    return "is too long";
  if (path[0] == '/')
    return "must be relative to the home (leading '/')";
  for (const char *c = path; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      return "holds a control character";
  const char *seg = path;
  for (;;) {
    const char *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg);
    if (n == 0)
      return "has an empty component ('//' or a trailing '/')";
    if (n == 1 && seg[0] == '.')
      return "has a '.' component";
    if (n == 2 && seg[0] == '.' && seg[1] == '.')
      return "has a '..' component";
    if (!end)
      return NULL;
    seg = end + 1;
  }
}

int srv_path_check(const char *path, char *err, size_t errlen)
{
  const char *why = path ? why_bad(path) : "is missing";
  if (!why)
    return 0;
  snprintf(err, errlen, "file path \"%.*s\": %s", 200, path ? path : "", why);
  return -1;
}
