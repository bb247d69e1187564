/* wire_tls: ClientHello parsing, RFC 8446 4.1.2 and 4.2.1. */
#include "wire_tls.h"

#include <stdio.h>
#include <string.h>

bool wire_tls_is_record(const uint8_t *p, size_t n)
{
  return n >= 3 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04;
}

const char *wire_tls_version_name(uint16_t v, char *buf, size_t len)
{
  static const struct { uint16_t v; const char *name; } names[] = {
      {0x0300, "SSL3.0"}, {0x0301, "TLS1.0"}, {0x0302, "TLS1.1"},
      {0x0303, "TLS1.2"}, {0x0304, "TLS1.3"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].v == v)
      return names[i].name;
  snprintf(buf, len, "0x%04x", (unsigned)v);
  return buf;
}

/* A bounded reader: every take checks the remaining length. */
typedef struct rd {
  const uint8_t *p;
  size_t n;
} rd;

static bool take(rd *r, size_t k, const uint8_t **out)
{
  if (r->n < k)
    return false;
  if (out)
    *out = r->p;
  r->p += k;
  r->n -= k;
  return true;
}

static bool take_u(rd *r, size_t k, uint32_t *v)
{
  const uint8_t *q;
  if (!take(r, k, &q))
    return false;
  *v = 0;
  for (size_t i = 0; i < k; i++)
    *v = *v << 8 | q[i];
  return true;
}

/* Skips a vector whose length takes k bytes. */
static bool skip_vec(rd *r, size_t k)
{
  uint32_t len;
  return take_u(r, k, &len) && take(r, len, NULL);
}

int wire_tls_parse_hello(const uint8_t *p, size_t n, wire_tls_hello *out)
{
  memset(out, 0, sizeof *out);
  if (n < 3)
    return 0;
  if (!wire_tls_is_record(p, n))
    return -1;
  if (n < 9)
    return 0;
  size_t rlen = (size_t)p[3] << 8 | p[4];
  if (rlen > WIRE_TLS_HELLO_MAX || p[5] != 0x01) /* 1: client_hello */
    return -1;
  if (n < 5 + rlen)
    return 0;
  out->record_version = (uint16_t)(p[1] << 8 | p[2]);
  /* The hello may span records; the versions sit in its first part in
   * practice, and a truncated body only loses the extensions. */
  rd r = {p + 9, rlen - 4};
  uint32_t v;
  if (!take_u(&r, 2, &v))
    return -1;
  out->legacy_version = (uint16_t)v;
  if (!take(&r, 32, NULL) || !skip_vec(&r, 1) || !skip_vec(&r, 2) ||
      !skip_vec(&r, 1))
    return 1; /* no extensions (or cut): legacy_version is all there is */
  uint32_t extlen;
  const uint8_t *ext;
  if (!take_u(&r, 2, &extlen))
    return 1;
  if (extlen > r.n)
    extlen = (uint32_t)r.n;
  take(&r, extlen, &ext);
  rd e = {ext, extlen};
  while (e.n >= 4) {
    uint32_t type, len;
    const uint8_t *body;
    take_u(&e, 2, &type);
    take_u(&e, 2, &len);
    if (!take(&e, len, &body))
      break;
    if (type != 43) /* supported_versions, 4.2.1 */
      continue;
    rd b = {body, len};
    uint32_t vlen;
    if (!take_u(&b, 1, &vlen) || vlen > b.n)
      break;
    for (uint32_t i = 0; i + 1 < vlen &&
                         out->nversions < WIRE_TLS_VERSIONS_MAX; i += 2)
      out->versions[out->nversions++] =
          (uint16_t)(b.p[i] << 8 | b.p[i + 1]);
  }
  return 1;
}
