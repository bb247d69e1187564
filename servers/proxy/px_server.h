/* px_server: the proxy's one poll loop over its listener and sessions. */
#ifndef PX_SERVER_H
#define PX_SERVER_H

#include "px_ports.h"

#include <signal.h>
#include <sys/socket.h>

enum { PX_MAX_SESSIONS = 32 }; /* more at once get 421 */

typedef struct px_server_cfg {
  struct sockaddr_storage listen, upstream;
  const char *rules_path;
  px_ports data_ports; /* --data-ports; px_ports_none without */
} px_server_cfg;

/* Listens, prints "listening <port>" on stdout (flushed), and serves until
 * *stop becomes non-zero (set by the caller's signal handler); then closes
 * every socket. 0, or -1 with a message in err when it cannot listen. */
int px_server_run(const px_server_cfg *cfg, volatile sig_atomic_t *stop,
                  char *err, size_t errlen);

#endif
