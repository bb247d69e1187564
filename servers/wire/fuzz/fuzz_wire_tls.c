/* wire_tls: the ClientHello and ServerHello parsers read nothing outside
 * the bytes given (each call gets a buffer of exactly that size), give
 * bounded results, and are consistent over prefixes: a prefix either
 * needs more (0) or gives the full input's answer. Input: a selector
 * byte, then the stream. */
#include "wire_tls.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hello(const uint8_t *p, size_t n, wire_tls_hello *h)
{
  uint8_t *b = malloc(n ? n : 1); /* exact size: ASan sees any overread */
  if (!b)
    abort();
  memcpy(b, p, n);
  int rc = wire_tls_parse_hello(b, n, h);
  free(b);
  if (rc < -1 || rc > 1 || h->nversions > WIRE_TLS_VERSIONS_MAX)
    abort();
  return rc;
}

static int server_hello(const uint8_t *p, size_t n, wire_tls_server_hello *h)
{
  uint8_t *b = malloc(n ? n : 1);
  if (!b)
    abort();
  memcpy(b, p, n);
  int rc = wire_tls_parse_server_hello(b, n, h);
  free(b);
  if (rc < -1 || rc > 1)
    abort();
  if (rc == 1 && h->version != (h->selected_version ? h->selected_version
                                                     : h->legacy_version))
    abort();
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const uint8_t *p = data + 1;
  size_t n = size - 1;
  /* a prefix cut at a point the first byte picks */
  size_t m = n ? (size_t)data[0] * 131 % (n + 1) : 0;
  if (data[0] & 1) {
    wire_tls_hello full, part;
    int rf = hello(p, n, &full);
    int rp = hello(p, m, &part);
    if (rp != 0 && (rp != rf || memcmp(&full, &part, sizeof full)))
      abort();
    if (rf == 1 && !wire_tls_is_record(p, n))
      abort();
  } else {
    wire_tls_server_hello full, part;
    int rf = server_hello(p, n, &full);
    int rp = server_hello(p, m, &part);
    if (rp != 0 && (rp != rf || memcmp(&full, &part, sizeof full)))
      abort();
    if (rf == 0 && rp == 0 && part.hrr && !full.hrr)
      abort(); /* a retry seen stays seen */
  }
  char name[16];
  uint16_t v = n >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 0;
  if (strlen(wire_tls_version_name(v, name, sizeof name)) == 0)
    abort();
  return 0;
}
