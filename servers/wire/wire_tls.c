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
  /* A record too short for the handshake header cannot hold a hello. */
  if (rlen < 4 || rlen > WIRE_TLS_HELLO_MAX || p[5] != 0x01) /* client_hello */
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

/* SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest,
 * RFC 8446 4.1.3. */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* One ServerHello body (RFC 8446 4.1.3; RFC 5246 7.4.1.3 when it has no
 * extensions). 0 parsed, -1 malformed. */
static int parse_sh_body(const uint8_t *p, size_t n,
                         wire_tls_server_hello *out, bool *is_hrr)
{
  memset(out, 0, sizeof *out);
  rd r = {p, n};
  uint32_t v, sid, extlen;
  const uint8_t *random;
  if (!take_u(&r, 2, &v) || !take(&r, 32, &random))
    return -1;
  out->legacy_version = (uint16_t)v;
  *is_hrr = memcmp(random, hrr_random, sizeof hrr_random) == 0;
  /* session id (at most 32), cipher_suite, compression_method */
  if (!take_u(&r, 1, &sid) || sid > 32 || !take(&r, sid, NULL) ||
      !take(&r, 3, NULL))
    return -1;
  if (r.n && (!take_u(&r, 2, &extlen) || extlen != r.n))
    return -1; /* the extensions fill the rest of the message exactly */
  while (r.n) {
    uint32_t type, len;
    const uint8_t *body;
    if (!take_u(&r, 2, &type) || !take_u(&r, 2, &len) ||
        !take(&r, len, &body))
      return -1;
    if (type != 43) /* supported_versions, 4.2.1: one selected version */
      continue;
    if (len != 2)
      return -1;
    out->selected_version = (uint16_t)(body[0] << 8 | body[1]);
  }
  out->version =
      out->selected_version ? out->selected_version : out->legacy_version;
  return 0;
}

/* Takes the complete handshake messages at the start of hs[0..*n).
 * 1 a ServerHello (not a retry) in out; 0 need more; -1 bad. */
static int take_messages(uint8_t *hs, size_t *n, wire_tls_server_hello *out)
{
  while (*n >= 4) {
    size_t mlen = (size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3];
    if (hs[0] != 2 || mlen > WIRE_TLS_HELLO_MAX) /* 2: server_hello */
      return -1;
    if (*n < 4 + mlen)
      return 0;
    wire_tls_server_hello sh;
    bool is_hrr;
    if (parse_sh_body(hs + 4, mlen, &sh, &is_hrr) < 0)
      return -1;
    if (!is_hrr) {
      sh.hrr = out->hrr;
      *out = sh;
      return 1;
    }
    out->hrr = true; /* the real ServerHello follows the 2nd ClientHello */
    memmove(hs, hs + 4 + mlen, *n - 4 - mlen);
    *n -= 4 + mlen;
  }
  return 0;
}

int wire_tls_parse_server_hello(const uint8_t *p, size_t n,
                                wire_tls_server_hello *out)
{
  memset(out, 0, sizeof *out);
  uint8_t hs[WIRE_TLS_HELLO_MAX + 4]; /* one message being reassembled */
  size_t nhs = 0, off = 0;
  while (off < n) {
    if (n - off < 5)
      return 0;
    const uint8_t *h = p + off;
    size_t rlen = (size_t)h[3] << 8 | h[4];
    if (h[1] != 0x03 || rlen == 0 || rlen > WIRE_TLS_RECORD_MAX)
      return -1;
    size_t avail = n - off - 5 < rlen ? n - off - 5 : rlen;
    if (h[0] == 20) { /* change_cipher_spec (8446 D.4): skipped */
      if (avail < rlen)
        return 0;
      off += 5 + rlen;
      continue;
    }
    if (h[0] != 22) /* an alert or encrypted data: no ServerHello */
      return -1;
    const uint8_t *q = h + 5;
    for (size_t left = avail; left;) {
      size_t k = sizeof hs - nhs;
      if (k > left)
        k = left;
      memcpy(hs + nhs, q, k);
      nhs += k;
      q += k;
      left -= k;
      int rc = take_messages(hs, &nhs, out);
      if (rc != 0)
        return rc;
    }
    if (avail < rlen)
      return 0;
    off += 5 + rlen;
  }
  return 0;
}
