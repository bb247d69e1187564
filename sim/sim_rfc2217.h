/* sim_rfc2217: the AT port served over TCP as an RFC 2217 (Telnet
 * COM-PORT-OPTION) server, the way ser2net's telnet(rfc2217) accepter
 * serves a serial port, so a host reaches the simulator as it reaches a
 * module in a lab: --device rfc2217://HOST:PORT.
 *
 * The server relays between one TCP client and the "line": the host side
 * of the simulator's pty (its slave), which the module reads and writes
 * at the master as ever. Payload is Telnet-escaped both ways (IAC IAC);
 * BINARY, SGA and COM-PORT-OPTION are offered at connect. SET-BAUDRATE,
 * -DATASIZE, -PARITY, -STOPSIZE and -CONTROL are answered with the
 * command + 100 and the value in effect (a pty has no speed: any is
 * taken). SET-CONTROL DTR ON/OFF (8/9) is the host's DTR: its changes go
 * to the on_dtr hook, which hands them to the module (sim_dtr.h). When
 * the client goes, DTR drops (as a serial port closed with HUPCL).
 *
 * One client at a time: a second is told so in one line and closed.
 * Bytes the module sends while no client is connected are dropped, as on
 * a serial line nobody listens to. Back-pressure both ways: a client that
 * does not read stops the relay reading the line (the module's output
 * queue holds the rest), a line that is full stops the socket's reads.
 *
 * Owner: the caller owns line_fd and closes it after sim_rfc2217_free(),
 * which closes the sockets. Every call is non-blocking. */
#ifndef SIM_RFC2217_H
#define SIM_RFC2217_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_rfc2217 sim_rfc2217;

typedef struct sim_rfc2217_cfg {
  const char *addr; /* IPv4 or IPv6 literal to listen on */
  int port;         /* 0: any free port (sim_rfc2217_port says which) */
  int line_fd;      /* the pty's host side; made non-blocking */
  /* DTR changed (RFC 2217 SET-CONTROL 8/9, or the client went away).
   * The payload that came before it has been written to line_fd. */
  void (*on_dtr)(void *ctx, bool up);
  void *ctx;
} sim_rfc2217_cfg;

/* Listens (port 0 or cfg->port; -1 in cfg->port is refused). NULL and a
 * message naming the address on failure. */
sim_rfc2217 *sim_rfc2217_new(const sim_rfc2217_cfg *cfg, char *err,
                             size_t errlen);
void sim_rfc2217_free(sim_rfc2217 *s);

/* The port listened on (the one the kernel chose for port 0). */
int sim_rfc2217_port(const sim_rfc2217 *s);

/* Serves an already connected stream socket as the client (what accept
 * does; tests hand a socketpair). -1 when a client is already there (fd
 * is then closed after the one-line notice). */
int sim_rfc2217_adopt(sim_rfc2217 *s, int fd);

bool sim_rfc2217_connected(const sim_rfc2217 *s);
/* The DTR the client set (false with no client). */
bool sim_rfc2217_dtr(const sim_rfc2217 *s);

/* The poll loop's part: SIM_RFC2217_NFDS entries to poll (fd -1 where
 * nothing is wanted now), then the same array after poll. */
enum { SIM_RFC2217_NFDS = 3 };
void sim_rfc2217_poll_fds(const sim_rfc2217 *s, struct pollfd *p);
void sim_rfc2217_on_poll(sim_rfc2217 *s, const struct pollfd *p);

#endif
