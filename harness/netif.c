/* netif: local addresses and interfaces (getifaddrs, if_nametoindex). */
#include "netif.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* bind() is no test: it accepts 0.0.0.0, and any address at all with
 * net.ipv4.ip_nonlocal_bind=1. An address is ours when an interface
 * holds it. */
bool qh_netif_local_ipv4(const char *addr)
{
  char name[64];
  return qh_netif_for_addr(addr, name, sizeof name) == 0;
}

int qh_netif_for_addr(const char *addr, char *name, size_t len)
{
  struct in_addr want;
  if (inet_pton(AF_INET, addr, &want) != 1 || want.s_addr == INADDR_ANY ||
      want.s_addr == INADDR_BROADCAST)
    return -1;
  /* All of 127/8 answers on lo without being listed address by address. */
  if ((ntohl(want.s_addr) >> 24) == 127) {
    snprintf(name, len, "lo");
    return 0;
  }
  struct ifaddrs *all;
  if (getifaddrs(&all) < 0)
    return -1;
  int rc = -1;
  for (struct ifaddrs *i = all; i && rc < 0; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
      continue;
    const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
    if (a->sin_addr.s_addr == want.s_addr) {
      snprintf(name, len, "%s", i->ifa_name);
      rc = 0;
    }
  }
  freeifaddrs(all);
  return rc;
}

bool qh_netif_exists(const char *name)
{
  return if_nametoindex(name) != 0;
}
