/* srv_evidence: any log line gives at most SRV_EV_PER_LINE events whose
 * fields are within their caps and NUL-terminated, whose reply codes are
 * 100-599; the same line with "\r\n" appended gives the
 * same events; home-relative paths never start with '/'. Input: a
 * selector byte, then the line (or home NUL logged path). */
#include "srv_evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static srv_ev a[SRV_EV_PER_LINE + 1], b[SRV_EV_PER_LINE + 1];

static void check(const srv_ev *e, size_t n)
{
  if (n > SRV_EV_PER_LINE)
    abort();
  for (size_t i = 0; i < n; i++) {
    if (!memchr(e[i].text, '\0', sizeof e[i].text) ||
        !memchr(e[i].path, '\0', sizeof e[i].path))
      abort();
    switch (e[i].kind) {
    case SRV_EV_COMMAND:
      break;
    case SRV_EV_REPLY:
      if (e[i].code < 100 || e[i].code > 599)
        abort();
      break;
    case SRV_EV_STORED:
      break;
    default:
      abort();
    }
    if (e[i].pid < -1)
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const char *line = (const char *)data + 1;
  size_t len = size - 1;
  if (data[0] & 1) {
    /* home '\0' logged */
    const char *nul = memchr(line, '\0', len);
    if (!nul)
      return 0;
    char *logged = malloc(len - (size_t)(nul - line));
    if (!logged)
      return 0;
    memcpy(logged, nul + 1, len - (size_t)(nul - line) - 1);
    logged[len - (size_t)(nul - line) - 1] = '\0';
    char buf[SRV_PATH_MAX + 1];
    if (srv_ev_home_relative(logged, line, buf, sizeof buf) == 0 &&
        (buf[0] == '/' || buf[0] == '\0'))
      abort();
    free(logged);
    return 0;
  }
  char *copy = malloc(len + 2); /* exact size: ASan sees any overread */
  if (!copy)
    return 0;
  memcpy(copy, line, len);
  size_t na = srv_ev_parse_line(copy, len, a);
  check(a, na);
  if (len + 2 <= SRV_EV_LINE_MAX && (len == 0 || (line[len - 1] != '\r' &&
                                                  line[len - 1] != '\n'))) {
    memcpy(copy + len, "\r\n", 2);
    size_t nb = srv_ev_parse_line(copy, len + 2, b);
    if (na != nb)
      abort();
    for (size_t i = 0; i < na; i++)
      if (a[i].kind != b[i].kind || a[i].pid != b[i].pid ||
          a[i].code != b[i].code || strcmp(a[i].text, b[i].text) ||
          strcmp(a[i].path, b[i].path) || a[i].bytes != b[i].bytes ||
          a[i].complete != b[i].complete)
        abort();
  }
  free(copy);
  return 0;
}
