/* sim_tls: the byte I/O under the FTP control and data connections, plain
 * or TLS (2.1 "ssltype"), chosen by an ops table so the state machines in
 * sim_ftp and sim_data read and write the same way either way.
 *
 * Non-blocking throughout: a TLS call that needs the socket readable or
 * writable returns "again" and records which poll event it waits for
 * (sim_io_events); the poll loop calls back. The io never owns the fd:
 * whoever made the socket closes it after sim_io_close(). */
#ifndef SIM_TLS_H
#define SIM_TLS_H

#include "sim_sslcfg.h"

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct sim_io sim_io;

typedef struct {
  const char *name;
  /* > 0 bytes, 0 end of stream, -1 with errno (EAGAIN: call again when
   * sim_io_events says). */
  ssize_t (*read)(sim_io *io, void *buf, size_t n);
  ssize_t (*write)(sim_io *io, const void *buf, size_t n);
  /* Bytes already decrypted and waiting (poll cannot see them). */
  size_t (*pending)(const sim_io *io);
  /* Ends the stream: TLS sends close_notify unless rst. */
  void (*close)(sim_io *io, bool rst);
} sim_io_ops;

typedef enum {
  SIM_IO_DONE,
  SIM_IO_AGAIN,  /* wait for sim_io_events(), then call again */
  SIM_IO_FAILED, /* handshake or verification failed (631) */
} sim_io_step;

struct sim_io {
  const sim_io_ops *ops;
  int fd;
  SSL *ssl;   /* NULL for plain */
  short want; /* POLLIN or POLLOUT after an AGAIN; 0 otherwise */
};

/* Plain TCP on fd. */
void sim_io_plain(sim_io *io, int fd);
/* TLS client on fd; `reuse` (may be NULL) is offered for resumption (the
 * data connection resumes the control session, RFC 4217 10.2). 0, or -1
 * when OpenSSL cannot make the SSL object. The handshake follows. */
int sim_io_tls(sim_io *io, int fd, SSL_CTX *ctx, SSL_SESSION *reuse);
bool sim_io_is_tls(const sim_io *io);

/* One step of the TLS handshake (DONE at once for plain). */
sim_io_step sim_io_handshake(sim_io *io);

/* The events to poll for: `dflt` unless the last TLS call asked for the
 * other direction. */
short sim_io_events(const sim_io *io, short dflt);

static inline ssize_t sim_io_read(sim_io *io, void *b, size_t n)
{
  return io->ops->read(io, b, n);
}
static inline ssize_t sim_io_write(sim_io *io, const void *b, size_t n)
{
  return io->ops->write(io, b, n);
}
static inline size_t sim_io_pending(const sim_io *io)
{
  return io->ops ? io->ops->pending(io) : 0;
}
/* Frees the TLS state; the fd stays open (the caller closes it). */
void sim_io_close(sim_io *io, bool rst);

/* Writes all n bytes before `deadline` (short control lines): 0 or -1. */
int sim_io_write_all(sim_io *io, const void *b, size_t n, int64_t deadline);

/* A client SSL_CTX for one SSL context's settings: protocol versions,
 * cipher list (IANA ids mapped by OpenSSL), verification (seclevel 1, 2
 * against cacert; chain only, no host name check), client certificate
 * (seclevel 2). NULL with a reason in err when a setting cannot apply. */
SSL_CTX *sim_tls_ctx_new(const sim_sslcfg *cfg, char *err, size_t len);

/* Session pool (sim_tls_pool.c): keeps every session the server issues on
 * a connection of ctx (TLS 1.3 tickets, TLS 1.2 session ids). 0 or -1. */
int sim_tls_pool_attach(SSL_CTX *ctx);
/* A session not offered before, for a new data connection (the caller
 * frees it); NULL when the pool is empty. */
SSL_SESSION *sim_tls_pool_take(SSL_CTX *ctx);
/* Before a data connection's clean close: reads the tickets the server
 * sent on it into the pool, waiting up to max_ms for one when the pool is
 * empty (TLS 1.3 only). */
void sim_tls_pool_collect(sim_io *io, int max_ms);

/* Parses "0xFFFF" or "0x0035;0xC02F" (separators ';' ':' ','): number of
 * ids written to out (max n), 0 for "all", -1 when malformed. Pure. */
int sim_tls_parse_ciphers(const char *s, unsigned *out, size_t n);

#endif
