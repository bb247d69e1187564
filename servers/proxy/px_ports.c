#include "px_ports.h"
#include "px_addr.h"
#include "px_net.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal port 1..65535 at *s, digits only; moves *s past it. */
static bool parse_port(const char **s, unsigned *out)
{
  const char *p = *s;
  unsigned long v = 0;
  size_t n = 0;
  while (isdigit((unsigned char)p[n])) {
    v = v * 10 + (unsigned long)(p[n] - '0');
    if (v > 65535)
      return false;
    n++;
  }
  if (n == 0 || v == 0)
    return false;
  *out = (unsigned)v;
  *s = p + n;
  return true;
}

bool px_ports_parse(const char *s, px_ports *out)
{
  unsigned lo, hi;
  if (!s || !parse_port(&s, &lo) || *s++ != '-' || !parse_port(&s, &hi) ||
      *s != '\0' || lo > hi)
    return false;
  out->lo = lo;
  out->hi = hi;
  out->next = lo;
  return true;
}

void px_ports_none(px_ports *p)
{
  memset(p, 0, sizeof *p);
}

bool px_ports_ranged(const px_ports *p)
{
  return p && p->lo > 0;
}

int px_ports_listen(px_ports *p, const struct sockaddr_storage *local,
                    int backlog)
{
  struct sockaddr_storage a = *local;
  if (!px_ports_ranged(p)) {
    px_addr_set_port(&a, 0);
    return px_net_listen(&a, backlog);
  }
  unsigned span = p->hi - p->lo + 1;
  if (p->next < p->lo || p->next > p->hi)
    p->next = p->lo;
  for (unsigned i = 0; i < span; i++) {
    unsigned port = p->next;
    p->next = port == p->hi ? p->lo : port + 1;
    px_addr_set_port(&a, port);
    int fd = px_net_listen(&a, backlog);
    if (fd >= 0)
      return fd;
    if (errno != EADDRINUSE)
      return -1; /* not this port's fault: no other port would do */
  }
  errno = EADDRINUSE;
  return -1;
}

void px_ports_str(const px_ports *p, char *out, size_t cap)
{
  if (px_ports_ranged(p))
    snprintf(out, cap, "%u-%u", p->lo, p->hi);
  else
    snprintf(out, cap, "0 (any)");
}
