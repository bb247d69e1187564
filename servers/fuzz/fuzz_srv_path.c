/* srv_path: a path accepted stays in the home: relative, within
 * SRV_PATH_MAX, no control byte, no empty, "." or ".." component; a path
 * refused says why. Input: the path (cut at the first NUL). */
#include "srv_path.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool escapes(const char *p)
{
  size_t len = strlen(p);
  if (len == 0 || len > SRV_PATH_MAX || p[0] == '/')
    return true;
  for (const char *c = p; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      return true;
  /* walk the components: the depth never drops below the home */
  const char *seg = p;
  for (;;) {
    const char *end = strchr(seg, '/');
    size_t n = end ? (size_t)(end - seg) : strlen(seg);
    if (n == 0 || (n == 1 && seg[0] == '.') ||
        (n == 2 && seg[0] == '.' && seg[1] == '.'))
      return true;
    if (!end)
      return false;
    seg = end + 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *p = malloc(size + 1);
  if (!p)
    return 0;
  memcpy(p, data, size);
  p[size] = '\0';
  char err[300] = "";
  int rc = srv_path_check(p, err, sizeof err);
  if (rc == 0 && (escapes(p) || strcmp(p, "..") == 0 ||
                  strncmp(p, "../", 3) == 0 || strstr(p, "/../") ||
                  strstr(p, "//") || p[strlen(p) - 1] == '/'))
    abort();
  if (rc != 0 && (rc != -1 || strncmp(err, "file path \"", 11) != 0 ||
                  !escapes(p)))
    abort();
  if (srv_path_check(NULL, err, sizeof err) != -1)
    abort();
  free(p);
  return 0;
}
