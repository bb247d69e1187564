/* px_frame: commands and replies framed from the bytes as they arrive, in
 * any chunking, are the units framed from the whole input at once, and
 * the units plus what is left are the input: nothing lost or duplicated.
 * Input: 4 bytes of chunking seed, then the stream. */
#include "px_frame.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef px_frame_rc (*framer)(const char *buf, size_t n, size_t *len,
                              int *code);

static px_frame_rc cmd_framer(const char *buf, size_t n, size_t *len,
                              int *code)
{
  *code = 0;
  return px_frame_command(buf, n, len);
}

/* The units of in[0..n) fed in chunks (chunk 0: whole). Unit ends go to
 * ends[], codes to codes[]; returns how many units; *err: stopped on
 * PX_FRAME_ERR at byte offset *err_at. */
static size_t frame_all(framer f, const char *in, size_t n, uint32_t seed,
                        size_t *ends, int *codes, bool *err, size_t *err_at)
{
  char *buf = malloc(n + 1);
  size_t have = 0, fed = 0, off = 0, k = 0;
  *err = false;
  while (buf) {
    size_t len;
    int code;
    px_frame_rc rc = have ? f(buf, have, &len, &code) : PX_FRAME_MORE;
    if (rc == PX_FRAME_DONE) {
      if (len == 0 || len > have)
        abort(); /* a unit is some of what we hold */
      memmove(buf, buf + len, have - len);
      have -= len;
      off += len;
      ends[k] = off;
      codes[k++] = code;
      continue;
    }
    if (rc == PX_FRAME_ERR) {
      *err = true;
      *err_at = off;
      break;
    }
    if (fed == n)
      break;
    size_t c = n - fed;
    if (seed) {
      seed = seed * 1103515245u + 12345u;
      size_t want = 1 + (seed >> 16) % 97;
      if (want < c)
        c = want;
    }
    memcpy(buf + have, in + fed, c);
    have += c;
    fed += c;
  }
  if (buf && !*err && off + have != n)
    abort(); /* bytes lost or duplicated */
  free(buf);
  return k;
}

static void check(framer f, const char *in, size_t n, uint32_t seed,
                  bool reply)
{
  size_t *e1 = malloc((n + 1) * sizeof *e1), *e2 = malloc((n + 1) * sizeof *e2);
  int *c1 = malloc((n + 1) * sizeof *c1), *c2 = malloc((n + 1) * sizeof *c2);
  if (!e1 || !e2 || !c1 || !c2)
    abort();
  bool err1, err2;
  size_t at1 = 0, at2 = 0;
  size_t k1 = frame_all(f, in, n, 0, e1, c1, &err1, &at1);
  size_t k2 = frame_all(f, in, n, seed | 1, e2, c2, &err2, &at2);
  if (k1 != k2 || err1 != err2 || (err1 && at1 != at2))
    abort();
  for (size_t i = 0; i < k1; i++) {
    if (e1[i] != e2[i] || c1[i] != c2[i])
      abort();
    size_t start = i ? e1[i - 1] : 0, len = e1[i] - start;
    const char *u = in + start;
    if (!reply) {
      /* a command is one line: LF only at its end, within the cap */
      if (u[len - 1] != '\n' || memchr(u, '\n', len - 1) || len > PX_CMD_MAX)
        abort();
    } else {
      if (u[len - 1] != '\n' || len > PX_REPLY_MAX + 1)
        abort();
      if (c1[i] && (c1[i] < 100 || c1[i] > 599 ||
                    (u[0] - '0') * 100 + (u[1] - '0') * 10 + (u[2] - '0') !=
                        c1[i]))
        abort(); /* the code is the first line's */
      if (!c1[i] && memchr(u, '\n', len - 1))
        abort(); /* a line that is no reply is framed alone */
    }
  }
  char verb[8];
  if (k1) {
    px_frame_verb(in, e1[0], verb, sizeof verb);
    if (strlen(verb) >= sizeof verb || memchr(verb, ' ', strlen(verb)))
      abort();
  }
  free(e1);
  free(e2);
  free(c1);
  free(c2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 5)
    return 0;
  uint32_t seed = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
                  (uint32_t)data[2] << 8 | data[3];
  const char *in = (const char *)data + 5;
  size_t n = size - 5;
  if (data[4] & 1)
    check(px_frame_reply, in, n, seed, true);
  else
    check(cmd_framer, in, n, seed, false);
  return 0;
}
