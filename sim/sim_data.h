/* sim_data: the FTP data connection (RFC 959 3.2), non-blocking.
 *
 * Passive: connect to an address (2.1 "data_address": a first target with
 * its own deadline, then an optional second one). Active ("transmode" 0):
 * listen on the control connection's local address and accept one
 * connection. Close with FIN or, "restenable" 1, with RST (SO_LINGER 0).
 * Socket buffers follow "cache": 64 KiB (0) or 128 KiB (1, 2). FTPS with
 * PROT P: a TLS handshake resuming the control session before OPEN. */
#ifndef SIM_DATA_H
#define SIM_DATA_H

#include "sim_tls.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
  SIM_DATA_NONE,       /* no socket */
  SIM_DATA_LISTENING,  /* active mode: waiting for the server */
  SIM_DATA_CONNECTING, /* passive mode: connect(2) in progress */
  SIM_DATA_HANDSHAKE,  /* TLS handshake (FTPS, PROT P) */
  SIM_DATA_OPEN,       /* fd carries the payload */
  SIM_DATA_FAILED,     /* could not be opened (615) */
} sim_data_state;

typedef struct {
  sim_data_state st;
  int fd;
  int lfd;
  sim_io io;            /* over fd once connected: plain or TLS */
  SSL_CTX *tls;         /* FTPS data: our reference, or NULL */
  SSL_SESSION *session; /* the control session to resume, or NULL */
  bool tls_failed;      /* FAILED because of the handshake (631) */
  bool tls_go;          /* the transfer command is out: handshake now */
  int bufsize;
  int64_t deadline; /* of LISTENING / CONNECTING */
  bool have_alt;
  struct sockaddr_in alt; /* data_address 2: the 227 address, second */
  int64_t alt_ms;
} sim_data;

const char *sim_data_state_name(sim_data_state s);

void sim_data_init(sim_data *d, int bufsize);

/* FTPS: the data connection speaks TLS with ctx, offering `session` for
 * resumption; d takes both references (freed by sim_data_close). */
void sim_data_use_tls(sim_data *d, SSL_CTX *ctx, SSL_SESSION *session);

/* Lets the TLS handshake start: servers (vsftpd) accept the data
 * connection only once RETR/STOR/LIST came, so the handshake waits for
 * it; until then a connected TLS socket rests in HANDSHAKE, unpolled.
 * ms bounds the handshake. */
void sim_data_tls_go(sim_data *d, int64_t ms);

/* Payload I/O while OPEN (sim_tls.h conventions), the events to poll for
 * while OPEN, and decrypted bytes waiting (poll cannot see them). */
ssize_t sim_data_read(sim_data *d, void *b, size_t n);
ssize_t sim_data_write(sim_data *d, const void *b, size_t n);
short sim_data_events(const sim_data *d, short dflt);
size_t sim_data_pending(const sim_data *d);

/* Active: listens next to ctrl_fd's local address; *bound gets the address
 * for PORT. 0, or -1 (state FAILED). */
int sim_data_listen(sim_data *d, int ctrl_fd, int64_t timeout_ms,
                    struct sockaddr_in *bound);

/* Passive: connects to `to` within first_ms; when that fails and alt is
 * given, to *alt within alt_ms. 0 started, -1 failed at once. */
int sim_data_connect(sim_data *d, const struct sockaddr_in *to,
                     int64_t first_ms, const struct sockaddr_in *alt,
                     int64_t alt_ms);

/* The fd and events to poll while LISTENING, CONNECTING or HANDSHAKE
 * (-1: none). */
int sim_data_poll_fd(const sim_data *d, short *events);
/* Progress on poll events or on the deadline (revents 0). */
void sim_data_on_event(sim_data *d, short revents);
int64_t sim_data_next_deadline(const sim_data *d);

/* Closes every socket; rst: SO_LINGER 0 so the peer sees RST (no TLS
 * close_notify then). Releases the TLS references. */
void sim_data_close(sim_data *d, bool rst);

#endif
