/* sim_tls_pool: the sessions a server hands out, kept per SSL_CTX so each
 * FTPS data connection can resume one (RFC 4217 10.2) even when the
 * server's TLS 1.3 tickets are single-use, as vsftpd's are. */
#include "sim_tls.h"

#include "qc_io.h"
#include "qc_time.h"

#include <openssl/err.h>
#include <string.h>

#define POOL_MAX 8 /* older tickets are dropped past this */

typedef struct {
  SSL_SESSION *s[POOL_MAX];
  int n;
} pool;

/* OpenSSL's ex_data slot for the pool: a key into OpenSSL's process-wide
 * registry, taken once and never changed, so it cannot live in a sim_ctx
 * (the new-session callback gets only the SSL). The pools themselves hang
 * off each SSL_CTX, which one session owns: contexts share no tickets. */
static int pool_index = -1;

static void pool_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
                      long argl, void *argp)
{
  (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
  pool *p = ptr;
  if (!p)
    return;
  for (int i = 0; i < p->n; i++)
    SSL_SESSION_free(p->s[i]);
  OPENSSL_free(p);
}

/* OpenSSL's new-session callback: every ticket (TLS 1.3) or new session
 * (TLS 1.2) received on a connection of this ctx. Returning 1 keeps the
 * reference. */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
  pool *p = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), pool_index);
  if (!p || !SSL_SESSION_is_resumable(sess))
    return 0;
  if (p->n == POOL_MAX) {
    SSL_SESSION_free(p->s[0]);
    memmove(p->s, p->s + 1, sizeof p->s[0] * (POOL_MAX - 1));
    p->n--;
  }
  p->s[p->n++] = sess;
  return 1;
}

int sim_tls_pool_attach(SSL_CTX *ctx)
{
  if (pool_index < 0)
    pool_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, pool_free);
  if (pool_index < 0)
    return -1;
  pool *p = OPENSSL_zalloc(sizeof *p);
  if (!p || !SSL_CTX_set_ex_data(ctx, pool_index, p)) {
    OPENSSL_free(p);
    return -1;
  }
  SSL_CTX_sess_set_new_cb(ctx, on_new_session);
  return 0;
}

/* An upload never reads its data connection, so the ticket the server
 * sends once it has the client's Finished (TLS 1.3) would be lost with the
 * socket. Read what is there; with the pool empty, wait for it a little. */
void sim_tls_pool_collect(sim_io *io, int max_ms)
{
  /* SSL_version() says TLS 1.3 before a handshake has chosen anything. */
  if (!io->ssl || !SSL_is_init_finished(io->ssl) ||
      SSL_version(io->ssl) != TLS1_3_VERSION)
    return;
  SSL_CTX *ctx = SSL_get_SSL_CTX(io->ssl);
  pool *p = pool_index < 0 ? NULL : SSL_CTX_get_ex_data(ctx, pool_index);
  if (!p)
    return;
  int64_t deadline = qc_deadline_in(max_ms);
  char junk[4096];
  for (int i = 0; i < 64; i++) {
    int n = SSL_read(io->ssl, junk, sizeof junk);
    if (n > 0)
      continue;
    int e = SSL_get_error(io->ssl, n);
    if (e != SSL_ERROR_WANT_READ || p->n > 0 ||
        qc_wait_readable(io->fd, deadline) != 1)
      break;
  }
  ERR_clear_error();
}

SSL_SESSION *sim_tls_pool_take(SSL_CTX *ctx)
{
  pool *p = pool_index < 0 ? NULL : SSL_CTX_get_ex_data(ctx, pool_index);
  if (!p || p->n == 0)
    return NULL;
  return p->s[--p->n]; /* the newest: least likely to have expired */
}
