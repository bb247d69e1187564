/* ${name} substitution (vars.c) against a reference expansion: the same
 * text or the same refusal; the output always fits its cap, is
 * NUL-terminated, and an error is one line. Values that look like
 * references are not expanded again.
 *
 * Input: [cap] then the text. */
#include "vars.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MAXN = 1 << 13 };

static qh_vars vars;
static char in[MAXN + 1], out[MAXN + 1], ref[MAXN + 1], err[256];

static const char *const names[][2] = {
    {"host", "127.0.0.1"},
    {"port", "2121"},
    {"user", "qftp-${port}"},
    {"dollar", "$$"},
    {"empty", ""},
    {"a.b", "x}y"},
    {"long", "0123456789012345678901234567890123456789"},
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  memset(&vars, 0, sizeof vars);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (qh_vars_set(&vars, names[i][0], names[i][1]) != 0)
      abort();
  return 0;
}

/* 0 and the text, or -1. */
static int reference(const char *s, size_t cap)
{
  size_t o = 0;
  while (*s) {
    const char *piece = s;
    size_t plen = 1;
    if (s[0] == '$' && s[1] == '$') {
      s += 2;
    } else if (s[0] == '$' && s[1] == '{') {
      const char *end = strchr(s + 2, '}');
      if (!end || end == s + 2 || (size_t)(end - s - 2) >= QH_VAR_NAME_MAX)
        return -1;
      piece = NULL;
      for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i][0]) == (size_t)(end - s - 2) &&
            memcmp(names[i][0], s + 2, (size_t)(end - s - 2)) == 0)
          piece = names[i][1];
      if (!piece)
        return -1;
      plen = strlen(piece);
      s = end + 1;
    } else {
      s++;
    }
    if (o + plen >= cap)
      return -1;
    memcpy(ref + o, piece, plen);
    o += plen;
  }
  ref[o] = '\0';
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 1 || n > MAXN)
    return 0;
  size_t cap = 1 + (size_t)d[0] * 8;
  memcpy(in, d + 1, n - 1);
  in[n - 1] = '\0';
  err[0] = '\0';
  memset(out, 'Z', cap);
  int rc = qh_vars_expand(&vars, in, out, cap, err, sizeof err);
  int want = reference(in, cap);
  if (rc != want)
    abort();
  if (rc == 0) {
    if (strcmp(out, ref) != 0 || strlen(out) >= cap)
      abort();
  } else if (!err[0] || strchr(err, '\n')) {
    abort();
  }
  return 0;
}
