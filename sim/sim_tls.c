#include "sim_tls.h"

#include "qc_time.h"
#include "sim_log.h"

#include <errno.h>
#include <openssl/err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CIPHER_IDS_MAX 64    /* ids in one "ciphersuite" list */
#define CIPHER_LIST_MAX 2048 /* the OpenSSL names joined with ':' */
#define SIM_TLS_CLOSE_MS 2000 /* longest wait for room to send close_notify */

void sim_sslcfg_defaults(sim_sslcfg *s)
{
  memset(s, 0, sizeof *s);
  s->sslversion = 4;
  memcpy(s->ciphers, "0xFFFF", sizeof "0xFFFF");
  s->seclevel = 0;
}

/* ---- plain ---- */

static ssize_t plain_read(sim_io *io, void *b, size_t n)
{
  io->want = 0;
  ssize_t r = read(io->fd, b, n);
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    errno = EAGAIN;
    io->want = POLLIN;
  }
  return r;
}

static ssize_t plain_write(sim_io *io, const void *b, size_t n)
{
  io->want = 0;
  ssize_t w = send(io->fd, b, n, MSG_NOSIGNAL);
  if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    errno = EAGAIN;
    io->want = POLLOUT;
  }
  return w;
}

static size_t plain_pending(const sim_io *io)
{
  (void)io;
  return 0;
}

static void plain_close(sim_io *io, bool rst)
{
  (void)io;
  (void)rst;
}

static const sim_io_ops plain_ops = {"plain", plain_read, plain_write,
                                     plain_pending, plain_close};

/* ---- TLS ---- */

/* Maps an SSL_get_error result: -1 with errno EAGAIN (want set) or a
 * failure (errno ECONNRESET, or EPIPE for a peer that closed). */
static ssize_t tls_again_or_fail(sim_io *io, int rc)
{
  int e = SSL_get_error(io->ssl, rc);
  switch (e) {
  case SSL_ERROR_WANT_READ:
    io->want = POLLIN;
    errno = EAGAIN;
    return -1;
  case SSL_ERROR_WANT_WRITE:
    io->want = POLLOUT;
    errno = EAGAIN;
    return -1;
  case SSL_ERROR_ZERO_RETURN: /* close_notify: a clean end of stream */
    return 0;
  case SSL_ERROR_SYSCALL:
    if (errno == 0 || errno == EAGAIN)
      errno = EPIPE; /* EOF without close_notify */
    ERR_clear_error();
    return -1;
  default:
    ERR_clear_error();
    errno = ECONNRESET;
    return -1;
  }
}

static ssize_t tls_read(sim_io *io, void *b, size_t n)
{
  io->want = 0;
  size_t got = 0;
  ERR_clear_error();
  if (SSL_read_ex(io->ssl, b, n, &got) == 1)
    return (ssize_t)got;
  ssize_t r = tls_again_or_fail(io, 0);
  /* A peer that just closes (FTP data end, RFC 4217 12.6 tolerates it)
   * is an end of stream, not an error. */
  if (r < 0 && errno == EPIPE)
    return 0;
  return r;
}

static ssize_t tls_write(sim_io *io, const void *b, size_t n)
{
  io->want = 0;
  size_t put = 0;
  ERR_clear_error();
  if (SSL_write_ex(io->ssl, b, n, &put) == 1)
    return (ssize_t)put;
  return tls_again_or_fail(io, 0);
}

static size_t tls_pending(const sim_io *io)
{
  return (size_t)SSL_pending(io->ssl);
}

/* Sends close_notify (no wait for the peer's). The socket is non-blocking:
 * after a burst of upload data its send buffer may be full, and a FIN
 * without close_notify makes the server fail the upload (vsftpd: 426). So
 * a shutdown that wants to write waits for room, briefly and boundedly. */
static void tls_close(sim_io *io, bool rst)
{
  if (!rst) {
    int64_t dl = qc_deadline_in(SIM_TLS_CLOSE_MS);
    for (;;) {
      int r = SSL_shutdown(io->ssl);
      if (r >= 0 || SSL_get_error(io->ssl, r) != SSL_ERROR_WANT_WRITE ||
          qc_now_ms() >= dl)
        break;
      struct pollfd p = {.fd = io->fd, .events = POLLOUT};
      poll(&p, 1, (int)qc_remaining_ms(dl));
    }
  }
  ERR_clear_error();
}

static const sim_io_ops tls_ops = {"tls", tls_read, tls_write, tls_pending,
                                   tls_close};

void sim_io_plain(sim_io *io, int fd)
{
  memset(io, 0, sizeof *io);
  io->ops = &plain_ops;
  io->fd = fd;
}

int sim_io_tls(sim_io *io, int fd, SSL_CTX *ctx, SSL_SESSION *reuse)
{
  sim_io_plain(io, fd);
  SSL *s = SSL_new(ctx);
  if (!s || SSL_set_fd(s, fd) != 1) {
    SSL_free(s);
    return -1;
  }
  if (reuse)
    SSL_set_session(s, reuse);
  SSL_set_connect_state(s);
  SSL_set_mode(s, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  io->ssl = s;
  io->ops = &tls_ops;
  return 0;
}

bool sim_io_is_tls(const sim_io *io)
{
  return io->ssl != NULL;
}

/* The reason of a failed handshake, for the log. */
static void log_tls_failure(SSL *s)
{
  char why[256] = "";
  unsigned long e = ERR_peek_last_error();
  if (e)
    ERR_error_string_n(e, why, sizeof why);
  long v = SSL_get_verify_result(s);
  sim_log("tls: handshake failed: %s%s%s", why[0] ? why : "connection closed",
          v != X509_V_OK ? "; verify: " : "",
          v != X509_V_OK ? X509_verify_cert_error_string(v) : "");
  ERR_clear_error();
}

sim_io_step sim_io_handshake(sim_io *io)
{
  io->want = 0;
  if (!io->ssl)
    return SIM_IO_DONE;
  ERR_clear_error();
  int rc = SSL_do_handshake(io->ssl);
  if (rc == 1) {
    sim_log("tls: %s, %s%s", SSL_get_version(io->ssl),
            SSL_get_cipher_name(io->ssl),
            SSL_session_reused(io->ssl) ? ", session resumed" : "");
    return SIM_IO_DONE;
  }
  int e = SSL_get_error(io->ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
    io->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
    return SIM_IO_AGAIN;
  }
  log_tls_failure(io->ssl);
  return SIM_IO_FAILED;
}

short sim_io_events(const sim_io *io, short dflt)
{
  return io->want ? io->want : dflt;
}

void sim_io_close(sim_io *io, bool rst)
{
  if (io->ops)
    io->ops->close(io, rst);
  SSL_free(io->ssl);
  io->ssl = NULL;
  io->ops = NULL;
  io->want = 0;
}

int sim_io_write_all(sim_io *io, const void *b, size_t n, int64_t deadline)
{
  const char *p = b;
  size_t off = 0;
  while (off < n) {
    ssize_t w = sim_io_write(io, p + off, n - off);
    if (w > 0) {
      off += (size_t)w;
      continue;
    }
    if (w == 0 || errno != EAGAIN)
      return -1;
    int left = qc_remaining_ms(deadline);
    if (left <= 0)
      return -1;
    struct pollfd pf = {.fd = io->fd, .events = io->want};
    if (poll(&pf, 1, left) < 0 && errno != EINTR)
      return -1;
  }
  return 0;
}

/* ---- SSL_CTX from AT+QSSLCFG ---- */

int sim_tls_parse_ciphers(const char *s, unsigned *out, size_t n)
{
  size_t k = 0;
  bool all = false;
  while (*s) {
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
      return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s + 2, &end, 16);
    if (errno || end == s + 2 || end - (s + 2) > 4 || v > 0xFFFF)
      return -1;
    if (v == 0xFFFF)
      all = true;
    else if (k < n)
      out[k++] = (unsigned)v;
    else
      return -1;
    s = end;
    if (*s == ';' || *s == ':' || *s == ',') {
      s++;
      if (!*s)
        return -1;
    } else if (*s) {
      return -1;
    }
  }
  if (all)
    return 0;
  return k ? (int)k : -1;
}

/* "0x0035;0x1301" -> OpenSSL cipher lists (TLS <= 1.2 and TLS 1.3). */
static int cipher_lists(SSL_CTX *ctx, const char *spec, bool old_proto,
                        char *err, size_t len)
{
  unsigned ids[CIPHER_IDS_MAX];
  int n = sim_tls_parse_ciphers(spec, ids, CIPHER_IDS_MAX);
  if (n < 0) {
    snprintf(err, len, "ciphersuite '%s' is malformed", spec);
    return -1;
  }
  const char *lvl = old_proto ? ":@SECLEVEL=0" : "";
  if (n == 0)
    return old_proto ? !SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0")
                     : 0;
  SSL *probe = SSL_new(ctx);
  if (!probe) {
    snprintf(err, len, "SSL_new failed");
    return -1;
  }
  char l12[CIPHER_LIST_MAX] = "", l13[CIPHER_LIST_MAX] = "";
  for (int i = 0; i < n; i++) {
    unsigned char b[2] = {(unsigned char)(ids[i] >> 8),
                          (unsigned char)(ids[i] & 0xFF)};
    const SSL_CIPHER *c = SSL_CIPHER_find(probe, b);
    if (!c) {
      sim_log("tls: cipher 0x%04X unknown to OpenSSL, skipped", ids[i]);
      continue;
    }
    bool v13 = (ids[i] >> 8) == 0x13;
    char *l = v13 ? l13 : l12;
    size_t used = strlen(l);
    snprintf(l + used, CIPHER_LIST_MAX - used, "%s%s", used ? ":" : "",
             v13 ? SSL_CIPHER_standard_name(c) : SSL_CIPHER_get_name(c));
  }
  SSL_free(probe);
  if (!l12[0] && !l13[0]) {
    snprintf(err, len, "no cipher of '%s' is known", spec);
    return -1;
  }
  size_t used = strlen(l12);
  snprintf(l12 + used, sizeof l12 - used, "%s", lvl);
  /* An empty list for one family disables it: only what was asked. */
  if ((l12[0] && l12[0] != ':' && !SSL_CTX_set_cipher_list(ctx, l12)) ||
      !SSL_CTX_set_ciphersuites(ctx, l13)) {
    snprintf(err, len, "OpenSSL refused the cipher list");
    return -1;
  }
  if (!l12[0] || l12[0] == ':')
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  return 0;
}

SSL_CTX *sim_tls_ctx_new(const sim_sslcfg *cfg, char *err, size_t len)
{
  /* sslversion (Quectel SSL note): 0 SSL3, 1 TLS1.0, 2 TLS1.1, 3 TLS1.2,
   * 4 all. OpenSSL 3 has no SSL 3: that handshake fails (631). */
  static const int vers[] = {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION,
                             TLS1_2_VERSION, 0};
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    snprintf(err, len, "SSL_CTX_new failed");
    return NULL;
  }
  int v = cfg->sslversion >= 0 && cfg->sslversion <= 4 ? cfg->sslversion : 4;
  bool old_proto = v == 0 || v == 1 || v == 2;
  if (v < 4) {
    SSL_CTX_set_min_proto_version(ctx, vers[v]);
    SSL_CTX_set_max_proto_version(ctx, vers[v]);
  } else {
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  }
  if (old_proto)
    SSL_CTX_set_security_level(ctx, 0); /* TLS 1.0/1.1 on OpenSSL 3 */
  if (cipher_lists(ctx, cfg->ciphers, old_proto, err, len) != 0)
    goto bad;
  /* Key share for P-256 first, as embedded TLS stacks offer: vsftpd's
   * only curve, so TLS 1.3 needs no HelloRetryRequest round trip. */
  if (SSL_CTX_set1_groups_list(ctx, "P-256:X25519:P-384:P-521") != 1) {
    snprintf(err, len, "OpenSSL refused the key exchange groups");
    goto bad;
  }
  /* Client sessions are kept by us (the pool), not OpenSSL's cache. */
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
                                          SSL_SESS_CACHE_NO_INTERNAL_STORE);
  if (sim_tls_pool_attach(ctx) != 0) {
    snprintf(err, len, "cannot attach the session pool");
    goto bad;
  }
  if (cfg->seclevel == 0) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* No cacert: nothing is trusted, so every server fails (631). */
    if (cfg->cacert[0] &&
        SSL_CTX_load_verify_locations(ctx, cfg->cacert, NULL) != 1) {
      sim_log("tls: cannot load cacert %s", cfg->cacert_name);
      ERR_clear_error();
    }
  }
  if (cfg->seclevel == 2 && cfg->clientcert[0]) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->clientcert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, cfg->clientkey[0] ? cfg->clientkey
                                                           : cfg->clientcert,
                                    SSL_FILETYPE_PEM) != 1) {
      snprintf(err, len, "cannot load the client certificate or key");
      ERR_clear_error();
      goto bad;
    }
  }
  return ctx;
bad:
  SSL_CTX_free(ctx);
  return NULL;
}
