/* netif: the few questions the command line asks about this machine's
 * network: is an address ours, which interface holds it, does an
 * interface exist. */
#ifndef QH_NETIF_H
#define QH_NETIF_H

#include <stdbool.h>
#include <stddef.h>

/* true when addr is a dotted IPv4 address one of this machine's
 * interfaces holds (all of 127/8 on lo); never 0.0.0.0. */
bool qh_netif_local_ipv4(const char *addr);

/* The interface that holds IPv4 address addr ("lo" for 127.0.0.0/8):
 * 0 with its name in name, -1 when none does. */
int qh_netif_for_addr(const char *addr, char *name, size_t len);

/* true when an interface of that name exists. */
bool qh_netif_exists(const char *name);

#endif
