/* The bounded buffer against a reference model (a flat array): an op
 * sequence decoded from the input runs on both; after every op the data,
 * its length, the room, the failed flag and the NUL after the data agree,
 * and no append ever takes the buffer past its maximum.
 *
 * Input: [max lo][max hi] then ops, one byte each with its arguments. */
#include "qc_buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MODEL_MAX = 1 << 16 };

typedef struct model {
  unsigned char d[MODEL_MAX];
  size_t len, max;
  bool failed;
} model;

typedef struct cursor {
  const uint8_t *p;
  size_t n;
} cursor;

static size_t take(cursor *c, size_t want, const uint8_t **out)
{
  if (want > c->n)
    want = c->n;
  *out = c->p;
  c->p += want;
  c->n -= want;
  return want;
}

static unsigned byte(cursor *c)
{
  const uint8_t *b;
  return take(c, 1, &b) ? b[0] : 0;
}

/* An append the model takes whole or refuses. */
static bool model_add(model *m, const void *s, size_t n)
{
  if (n > m->max - m->len) {
    m->failed = true;
    return false;
  }
  memcpy(m->d + m->len, s, n);
  m->len += n;
  return true;
}

static void agree(const qc_buf *b, const model *m)
{
  if (qc_buf_len(b) != m->len || qc_buf_failed(b) != m->failed ||
      qc_buf_room(b) != m->max - m->len || m->len > m->max)
    abort();
  const char *data = qc_buf_data(b);
  if (memcmp(data, m->d, m->len) != 0 || data[m->len] != '\0')
    abort();
  if (b->p && b->off + b->len + 1 > b->cap)
    abort();
  if (b->cap > b->max + 1)
    abort();
}

static model m;

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 2)
    return 0;
  cursor c = {d + 2, n - 2};
  size_t max = ((size_t)d[0] | (size_t)d[1] << 8) % (MODEL_MAX / 4);
  qc_buf b;
  qc_buf_init(&b, max);
  m.len = 0;
  m.max = max;
  m.failed = false;
  static char tmp[MODEL_MAX];
  while (c.n > 0) {
    unsigned op = byte(&c);
    const uint8_t *arg;
    size_t len = 0;
    int rc = 0;
    bool ok = true;
    switch (op % 10) {
    case 0: /* add: a length byte (scaled), then that many bytes */
    case 1:
      len = byte(&c) * (op & 0x10 ? 16u : 1u);
      len = take(&c, len, &arg);
      rc = qc_buf_add(&b, arg, len);
      ok = model_add(&m, arg, len);
      break;
    case 2: { /* addc */
      char ch = (char)byte(&c);
      rc = qc_buf_addc(&b, ch);
      ok = model_add(&m, &ch, 1);
      break;
    }
    case 3: { /* addf of a number and a string of the input */
      len = take(&c, byte(&c) % 32, &arg);
      char s[33];
      memcpy(s, arg, len);
      s[len] = '\0';
      unsigned v = byte(&c);
      rc = qc_buf_addf(&b, "<%u:%s>", v, s);
      int k = snprintf(tmp, sizeof tmp, "<%u:%s>", v, s);
      ok = model_add(&m, tmp, (size_t)k);
      break;
    }
    case 4: /* consume */
    case 5:
      len = byte(&c) * (op & 0x10 ? 16u : 1u);
      qc_buf_consume(&b, len);
      if (len >= m.len)
        m.len = 0;
      else {
        memmove(m.d, m.d + len, m.len - len);
        m.len -= len;
      }
      break;
    case 6: { /* space + commit of part of it */
      len = byte(&c) * (op & 0x10 ? 16u : 1u);
      char *sp = qc_buf_space(&b, len);
      ok = len <= m.max - m.len;
      if (!ok)
        m.failed = true;
      if ((sp != NULL) != ok)
        abort();
      if (sp) {
        size_t w = take(&c, len, &arg);
        memcpy(sp, arg, w);
        qc_buf_commit(&b, w);
        model_add(&m, arg, w);
      }
      rc = ok ? 0 : -1;
      break;
    }
    case 7: /* reset */
      qc_buf_reset(&b);
      m.len = 0;
      m.failed = false;
      break;
    case 8: { /* take */
      char *s = qc_buf_take(&b);
      if (!s || memcmp(s, m.d, m.len) != 0 || s[m.len] != '\0')
        abort();
      free(s);
      m.len = 0;
      m.failed = false; /* b is as after init */
      break;
    }
    case 9: /* free: empty, same max */
      qc_buf_free(&b);
      m.len = 0;
      m.failed = false;
      break;
    }
    if ((rc == 0) != ok)
      abort();
    if (rc < 0 && errno != E2BIG && errno != ENOMEM)
      abort();
    agree(&b, &m);
  }
  qc_buf_free(&b);
  return 0;
}
