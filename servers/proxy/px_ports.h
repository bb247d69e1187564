/* px_ports: where the proxy's data listeners bind (README.md "Data ports").
 *
 * Without --data-ports every listener binds port 0 (a kernel-chosen
 * ephemeral port). With --data-ports LO-HI each listener takes a port of
 * that range, tried in turn from a cursor that moves on past each port
 * handed out, so a port just used is the last to be used again; a port in
 * use (EADDRINUSE) is skipped. The harness gives each proxy a range of the
 * run's own, so a capture can name the proxy's data ports. */
#ifndef PX_PORTS_H
#define PX_PORTS_H

#include <stdbool.h>
#include <sys/socket.h>

typedef struct px_ports {
  unsigned lo, hi; /* 0, 0: no range (port 0) */
  unsigned next;   /* the next port to try, lo..hi */
} px_ports;

/* "LO-HI", decimal, 1 <= LO <= HI <= 65535 ("N-N": one port). The cursor
 * starts at LO. false (and *out untouched) on anything else. */
bool px_ports_parse(const char *s, px_ports *out);

/* No range: listeners bind port 0. */
void px_ports_none(px_ports *p);

bool px_ports_ranged(const px_ports *p);

/* A listening socket (px_net_listen) on `local`'s address: port 0 without
 * a range, else the first port from the cursor on that is not in use (the
 * cursor moves past it). fd, or -1 with errno: EADDRINUSE when every port
 * of the range is in use, else the failure of the first other error. */
int px_ports_listen(px_ports *p, const struct sockaddr_storage *local,
                    int backlog);

/* "LO-HI", or "0 (any)" without a range, for logs. */
void px_ports_str(const px_ports *p, char *out, size_t cap);

#endif
