/* srv_conf: any template renders or fails with a message naming a line;
 * a rendering holds no placeholder left (every value is line-break free,
 * so the rendered text has exactly the template's lines) and stays within
 * SRV_CONF_OUT_MAX. Input: the template (cut at the first NUL). */
#include "srv_conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t lines(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *t = malloc(size + 1);
  if (!t)
    return 0;
  memcpy(t, data, size);
  t[size] = '\0';
  static const srv_conf_kv kv[] = {
      {"LISTEN_PORT", "2121"}, {"HOME", "/srv/ftp"}, {"NONE", NULL},
      {"A", "@B@"}, {"EMPTY", ""}, {"AT", "@@"},
  };
  static const srv_conf_kv kv2[] = {{"LISTEN_PORT", "1"}};
  char *out = NULL, err[256] = "";
  if (srv_conf_render(t, kv, sizeof kv / sizeof kv[0], &out, err,
                      sizeof err) == 0) {
    if (!out || strlen(out) >= SRV_CONF_OUT_MAX || lines(out) != lines(t))
      abort();
    free(out);
  } else if (out || strncmp(err, "line ", 5) != 0) {
    abort();
  }
  out = NULL;
  if (srv_conf_render(t, kv2, 1, &out, err, sizeof err) == 0) {
    if (!out)
      abort();
    free(out);
  } else if (out) {
    abort();
  }
  free(t);
  return 0;
}
