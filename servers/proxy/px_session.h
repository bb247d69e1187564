/* px_session: one control connection through the proxy (README.md).
 *
 * Relays commands client -> server and whole replies server -> client,
 * applies the control faults of the rules it loaded when the client
 * connected, and rewrites PASV/EPSV replies and PORT/EPRT commands so every
 * data connection runs through a px_data channel of its own. */
#ifndef PX_SESSION_H
#define PX_SESSION_H

#include "px_data.h"

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

enum {
  PX_SESS_DATA = 4, /* data channels alive at once per session */
  PX_SESS_NFDS = 2 + PX_SESS_DATA * PX_DATA_NFDS, /* poll slots */
  PX_SESS_CONNECT_MS = 10000,                     /* to reach the server */
  PX_SESS_FLUSH_MS = 5000 /* to hand the last bytes to the client */
};

typedef struct px_session px_session;

/* Takes ownership of the accepted client fd. Reads the rules file; when it
 * is malformed the session only sends 421 and closes. Its data listeners
 * take their ports from `ports` (shared by every session; it must outlive
 * the session). NULL when out of memory (cfd is closed then). */
px_session *px_session_new(unsigned sid, int cfd,
                           const struct sockaddr_storage *upstream,
                           const char *rules_path, px_ports *ports);

/* Fills the session's PX_SESS_NFDS poll slots and lowers *next to its
 * earliest deadline. */
void px_session_prep(const px_session *s, struct pollfd *p, int64_t *next);

/* Acts on the poll result at time `now`. */
void px_session_step(px_session *s, const struct pollfd *p, int64_t now);

/* true once the session has closed its sockets and can be freed. */
bool px_session_done(const px_session *s);

/* Closes whatever is still open and frees. */
void px_session_free(px_session *s);

#endif
