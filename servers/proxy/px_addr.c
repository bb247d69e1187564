#include "px_addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* Reads a decimal number of at most `maxd` digits and value <= max. */
static bool num(const char *s, size_t n, size_t *i, unsigned max, unsigned *out)
{
  size_t k = *i;
  unsigned v = 0;
  while (k < n && isdigit((unsigned char)s[k]) && k - *i < 6) {
    v = v * 10 + (unsigned)(s[k] - '0');
    k++;
  }
  if (k == *i || k - *i >= 6 || v > max)
    return false;
  *i = k;
  *out = v;
  return true;
}

bool px_addr_parse_hp(const char *s, size_t n, struct sockaddr_storage *out)
{
  for (size_t start = 0; start < n; start++) {
    if (!isdigit((unsigned char)s[start]) ||
        (start > 0 && isdigit((unsigned char)s[start - 1])))
      continue;
    size_t i = start;
    unsigned v[6];
    int k = 0;
    for (; k < 6; k++) {
      if (!num(s, n, &i, 255, &v[k]))
        break;
      if (k < 5) {
        if (i >= n || s[i] != ',')
          break;
        i++;
      }
    }
    if (k < 6 || (i < n && isdigit((unsigned char)s[i])))
      continue;
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    memset(out, 0, sizeof *out);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr =
        htonl((uint32_t)v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]);
    a->sin_port = htons((uint16_t)(v[4] << 8 | v[5]));
    return true;
  }
  return false;
}

bool px_addr_parse_229(const char *s, size_t n, unsigned *port)
{
  const char *lp = memchr(s, '(', n);
  if (!lp)
    return false;
  size_t i = (size_t)(lp - s) + 1;
  if (i + 4 > n)
    return false;
  char d = s[i];
  if (d < 33 || d > 126 || s[i + 1] != d || s[i + 2] != d)
    return false;
  i += 3;
  unsigned p;
  if (!num(s, n, &i, 65535, &p) || p == 0)
    return false;
  if (i + 1 >= n || s[i] != d || s[i + 1] != ')')
    return false;
  *port = p;
  return true;
}

bool px_addr_parse_eprt(const char *s, size_t n, struct sockaddr_storage *out)
{
  /* <d><proto><d><addr><d><port><d> (RFC 2428 2) */
  if (n < 8)
    return false;
  char d = s[0];
  if (d < 33 || d > 126)
    return false;
  const char *f[4];
  size_t fl[3];
  size_t i = 1;
  for (int k = 0; k < 3; k++) {
    f[k] = s + i;
    const char *e = memchr(s + i, d, n - i);
    if (!e)
      return false;
    fl[k] = (size_t)(e - f[k]);
    i = (size_t)(e - s) + 1;
  }
  char addr[INET6_ADDRSTRLEN];
  if (fl[0] != 1 || fl[1] == 0 || fl[1] >= sizeof addr)
    return false;
  memcpy(addr, f[1], fl[1]);
  addr[fl[1]] = '\0';
  size_t j = 0;
  unsigned port;
  if (!num(f[2], fl[2], &j, 65535, &port) || j != fl[2] || port == 0)
    return false;
  memset(out, 0, sizeof *out);
  if (f[0][0] == '1') {
    struct sockaddr_in *a = (struct sockaddr_in *)out;
    a->sin_family = AF_INET;
    if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
      return false;
  } else if (f[0][0] == '2') {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
    a->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
      return false;
  } else {
    return false;
  }
  px_addr_set_port(out, port);
  return true;
}

bool px_addr_format_hp(const struct sockaddr_storage *a, char *out, size_t cap)
{
  if (a->ss_family != AF_INET)
    return false;
  const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
  uint32_t h = ntohl(v4->sin_addr.s_addr);
  unsigned p = ntohs(v4->sin_port);
  int w = snprintf(out, cap, "%u,%u,%u,%u,%u,%u", h >> 24, (h >> 16) & 255,
                   (h >> 8) & 255, h & 255, p >> 8, p & 255);
  return w > 0 && (size_t)w < cap;
}

bool px_addr_format_eprt(const struct sockaddr_storage *a, char *out,
                         size_t cap)
{
  char host[INET6_ADDRSTRLEN];
  const void *src =
      a->ss_family == AF_INET
          ? (const void *)&((const struct sockaddr_in *)a)->sin_addr
          : (const void *)&((const struct sockaddr_in6 *)a)->sin6_addr;
  if ((a->ss_family != AF_INET && a->ss_family != AF_INET6) ||
      !inet_ntop(a->ss_family, src, host, sizeof host))
    return false;
  int w = snprintf(out, cap, "|%c|%s|%u|", a->ss_family == AF_INET ? '1' : '2',
                   host, px_addr_port(a));
  return w > 0 && (size_t)w < cap;
}

unsigned px_addr_port(const struct sockaddr_storage *a)
{
  if (a->ss_family == AF_INET)
    return ntohs(((const struct sockaddr_in *)a)->sin_port);
  if (a->ss_family == AF_INET6)
    return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
  return 0;
}

void px_addr_set_port(struct sockaddr_storage *a, unsigned port)
{
  if (a->ss_family == AF_INET)
    ((struct sockaddr_in *)a)->sin_port = htons((uint16_t)port);
  else if (a->ss_family == AF_INET6)
    ((struct sockaddr_in6 *)a)->sin6_port = htons((uint16_t)port);
}

socklen_t px_addr_len(const struct sockaddr_storage *a)
{
  return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                  : sizeof(struct sockaddr_in);
}

void px_addr_str(const struct sockaddr_storage *a, char *out, size_t cap)
{
  char host[INET6_ADDRSTRLEN] = "?";
  if (a->ss_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)a)->sin_addr, host,
              sizeof host);
  else if (a->ss_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)a)->sin6_addr, host,
              sizeof host);
  snprintf(out, cap, a->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host,
           px_addr_port(a));
}

bool px_addr_parse_hostport(const char *s, struct sockaddr_storage *out)
{
  char host[INET6_ADDRSTRLEN];
  const char *colon;
  size_t hl;
  memset(out, 0, sizeof *out);
  if (s[0] == '[') {
    const char *rb = strchr(s, ']');
    if (!rb || rb[1] != ':')
      return false;
    hl = (size_t)(rb - s - 1);
    colon = rb + 1;
    s++;
  } else {
    colon = strrchr(s, ':');
    if (!colon)
      return false;
    hl = (size_t)(colon - s);
  }
  if (hl == 0 || hl >= sizeof host)
    return false;
  memcpy(host, s, hl);
  host[hl] = '\0';
  const char *ps = colon + 1;
  size_t i = 0, pn = strlen(ps);
  unsigned port;
  if (!num(ps, pn, &i, 65535, &port) || i != pn)
    return false;
  if (inet_pton(AF_INET, host, &((struct sockaddr_in *)out)->sin_addr) == 1)
    out->ss_family = AF_INET;
  else if (inet_pton(AF_INET6, host,
                     &((struct sockaddr_in6 *)out)->sin6_addr) == 1)
    out->ss_family = AF_INET6;
  else
    return false;
  px_addr_set_port(out, port);
  return true;
}
