/* px_addr: whatever parses formats back to text that parses to the same
 * address (PORT/227 "h1,...,p2", EPRT "|1|a|p|" / "|2|v6|p|", 229 port,
 * "host:port"). Input: a selector byte, then the text. */
#include "px_addr.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool same(const struct sockaddr_storage *a,
                 const struct sockaddr_storage *b)
{
  if (a->ss_family != b->ss_family || px_addr_port(a) != px_addr_port(b))
    return false;
  if (a->ss_family == AF_INET)
    return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
                  &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
  return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

static void round_trip(const struct sockaddr_storage *a)
{
  char t[128];
  struct sockaddr_storage b;
  if (a->ss_family != AF_INET && a->ss_family != AF_INET6)
    abort();
  if (a->ss_family == AF_INET) {
    if (!px_addr_format_hp(a, t, sizeof t) ||
        !px_addr_parse_hp(t, strlen(t), &b) || !same(a, &b))
      abort();
  } else if (px_addr_format_hp(a, t, sizeof t)) {
    abort(); /* no h,p form for IPv6 */
  }
  if (!px_addr_format_eprt(a, t, sizeof t) ||
      (px_addr_port(a) != 0 && /* EPRT refuses port 0 */
       (!px_addr_parse_eprt(t, strlen(t), &b) || !same(a, &b))))
    abort();
  /* a short buffer is refused, never overrun */
  char small[4];
  if (px_addr_format_eprt(a, small, sizeof small))
    abort();
  px_addr_str(a, t, sizeof t);
  if (!px_addr_parse_hostport(t, &b) || !same(a, &b))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const char *s = (const char *)data + 1;
  size_t n = size - 1;
  struct sockaddr_storage a;
  unsigned port;
  switch (data[0] % 4) {
  case 0:
    if (px_addr_parse_hp(s, n, &a))
      round_trip(&a);
    break;
  case 1:
    if (px_addr_parse_eprt(s, n, &a)) {
      if (px_addr_port(&a) == 0)
        abort(); /* port 0 is refused */
      round_trip(&a);
    }
    break;
  case 2:
    if (px_addr_parse_229(s, n, &port)) {
      char t[32];
      if (port == 0 || port > 65535)
        abort();
      int w = snprintf(t, sizeof t, "229 ok (|||%u|)", port);
      unsigned p2;
      if (!px_addr_parse_229(t, (size_t)w, &p2) || p2 != port)
        abort();
    }
    break;
  default: {
    char *z = malloc(n + 1); /* a NUL-terminated argument */
    if (!z)
      return 0;
    memcpy(z, s, n);
    z[n] = '\0';
    if (px_addr_parse_hostport(z, &a)) {
      if (px_addr_port(&a) > 65535)
        abort();
      round_trip(&a);
    }
    free(z);
  }
  }
  return 0;
}
