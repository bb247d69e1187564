/* px_data: one data channel the proxy stands in (README.md "Data").
 *
 * Passive (PASV/EPSV): the proxy listens for the client, and when it
 * connects, connects to the server's offered address. Active (PORT/EPRT):
 * it listens for the server, and when that connects, connects to the
 * client's address. Then it relays both ways through bounded buffers and
 * applies the channel's data fault, if any. The session owns its channels;
 * a channel's fault points into the session's rules. */
#ifndef PX_DATA_H
#define PX_DATA_H

#include "qc_buf.h"
#include "px_ports.h"
#include "px_rules.h"

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* Switches over this enum have no default, so a new state is flagged. */
typedef enum px_data_state {
  PX_DATA_IDLE,       /* no sockets */
  PX_DATA_LISTENING,  /* waiting for the first side to connect */
  PX_DATA_CONNECTING, /* connecting to the second side */
  PX_DATA_RELAY,      /* forwarding bytes */
  PX_DATA_STALLED,    /* data_stall: both open, nothing forwarded */
  PX_DATA_STATE_COUNT
} px_data_state;

const char *px_data_state_name(px_data_state s);

enum {
  PX_DATA_BUF = 65536,        /* relay buffer, each direction */
  PX_DATA_ACCEPT_MS = 120000, /* longer than vsftpd's accept_timeout */
  PX_DATA_CONNECT_MS = 10000,
  PX_DATA_NFDS = 2 /* poll slots a channel uses */
};

typedef struct px_data {
  px_data_state state;
  unsigned sid, n; /* session id, channel number in the session */
  bool passive;
  int lfd, cfd, sfd;              /* listener, client side, server side */
  struct sockaddr_storage target; /* where the second side is */
  const px_rule *fault;           /* data_* rule or NULL */
  qc_buf c2s, s2c;
  bool c_eof, s_eof;
  uint64_t taken;        /* bytes read from both sides */
  uint64_t n_c2s, n_s2c; /* bytes delivered */
  int64_t deadline;      /* LISTENING / CONNECTING */
} px_data;

void px_data_init(px_data *d);

/* Sets up channel n for a passive reply: listens on `local`'s address, on
 * a port `ports` hands out (px_ports_listen), and stores the address to
 * offer the client in *offer. `server` is where the server waits.
 * data_refuse closes the listener at once, so the offered port refuses.
 * 0 or -1 (errno; EADDRINUSE: every port of the range is in use). */
int px_data_passive(px_data *d, unsigned sid, unsigned n, px_ports *ports,
                    const struct sockaddr_storage *local,
                    const struct sockaddr_storage *server, const px_rule *fault,
                    struct sockaddr_storage *offer);

/* Sets up channel n for PORT/EPRT: listens on `local`'s address (a port
 * from `ports`) for the server and will connect to `client`. *offer is
 * what to send the server. 0 or -1 (errno) as px_data_passive. */
int px_data_active(px_data *d, unsigned sid, unsigned n, px_ports *ports,
                   const struct sockaddr_storage *local,
                   const struct sockaddr_storage *client, const px_rule *fault,
                   struct sockaddr_storage *offer);

/* Fills the channel's poll slots (fd -1 when unused) and lowers *next to
 * the channel's deadline. */
void px_data_prep(const px_data *d, struct pollfd p[PX_DATA_NFDS],
                  int64_t *next);

/* Acts on the poll result (and on the deadline at `now`). */
void px_data_step(px_data *d, const struct pollfd p[PX_DATA_NFDS], int64_t now);

/* Closes every socket of the channel (FIN) and logs why. */
void px_data_close(px_data *d, const char *why);

#endif
