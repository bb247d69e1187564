#include "sim_addr.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int sim_addr_parse_227(const char *text, struct sockaddr_in *out)
{
  const char *p = text;
  while (*p && !isdigit((unsigned char)*p))
    p++;
  unsigned v[6];
  for (int i = 0; i < 6; i++) {
    if (!isdigit((unsigned char)*p))
      return -1;
    unsigned x = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
      x = x * 10 + (unsigned)(*p++ - '0');
      if (++digits > 3 || x > 255)
        return -1;
    }
    v[i] = x;
    if (i < 5) {
      if (*p != ',')
        return -1;
      p++;
    }
  }
  memset(out, 0, sizeof *out);
  out->sin_family = AF_INET;
  uint32_t ip = (v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3];
  out->sin_addr.s_addr = htonl(ip);
  out->sin_port = htons((uint16_t)(v[4] * 256 + v[5]));
  return 0;
}

int sim_addr_port_arg(const struct sockaddr_in *a, char *buf, size_t len)
{
  uint32_t ip = ntohl(a->sin_addr.s_addr);
  unsigned port = ntohs(a->sin_port);
  int n = snprintf(buf, len, "%u,%u,%u,%u,%u,%u", ip >> 24, (ip >> 16) & 255,
                   (ip >> 8) & 255, ip & 255, port >> 8, port & 255);
  return n > 0 && (size_t)n < len ? 0 : -1;
}
