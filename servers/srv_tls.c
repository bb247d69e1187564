#include "srv_tls.h"
#include "qc_io.h"
#include "qc_reply.h"
#include "qc_time.h"
#include "srv_net.h"
#include "srv_tool.h"

#include <errno.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int srv_tls_make_cert(const char *ip, const char *cert_path,
                      const char *key_path, char *err, size_t errlen)
{
  char subj[96], san[96];
  snprintf(subj, sizeof subj, "/CN=%s", ip);
  snprintf(san, sizeof san, "subjectAltName=IP:%s", ip);
  char *argv[] = {
      "openssl",         "req",   "-x509",   "-newkey",        "rsa:2048",
      "-nodes",          "-days", "3650",    "-subj",          subj,
      "-addext",         san,     "-keyout", (char *)key_path, "-out",
      (char *)cert_path, NULL};
  if (srv_tool_run(argv, NULL, 30000, err, errlen) < 0)
    return -1;
  if (chmod(key_path, 0600) < 0) {
    snprintf(err, errlen, "%s: %s", key_path, strerror(errno));
    return -1;
  }
  return 0;
}

/* Waits for what OpenSSL asked for; false on timeout. */
static bool wait_ssl(SSL *ssl, int rc, int fd, int64_t deadline)
{
  int e = SSL_get_error(ssl, rc);
  if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
    return false;
  struct pollfd p = {.fd = fd,
                     .events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT};
  int n;
  do {
    n = poll(&p, 1, qc_remaining_ms(deadline));
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

int srv_tls_banner(int fd, int64_t deadline, char *line, size_t len, char *err,
                   size_t errlen)
{
  int code = -1;
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  SSL *ssl = ctx ? SSL_new(ctx) : NULL;
  if (!ssl || !SSL_set_fd(ssl, fd) || qc_set_nonblock(fd, 1) < 0) {
    snprintf(err, errlen, "TLS setup failed");
    goto out;
  }
  int rc;
  while ((rc = SSL_connect(ssl)) != 1)
    if (!wait_ssl(ssl, rc, fd, deadline)) {
      snprintf(err, errlen, "TLS handshake failed or timed out");
      goto out;
    }
  /* Byte by byte, as srv_net_read_reply, so nothing after it is taken. */
  char store[SRV_NET_REPLY_MAX + 1];
  qc_reply r;
  qc_reply_init(&r, QC_REPLY_STRICT, SRV_NET_LINE_MAX, SRV_NET_REPLY_MAX,
                store);
  qc_reply_status st = QC_REPLY_MORE;
  while (st == QC_REPLY_MORE) {
    char c;
    rc = SSL_read(ssl, &c, 1);
    if (rc == 1) {
      size_t used;
      st = qc_reply_feed(&r, &c, 1, &used);
      continue;
    }
    if (!wait_ssl(ssl, rc, fd, deadline)) {
      snprintf(err, errlen, "no banner inside TLS");
      goto out;
    }
  }
  if (len)
    snprintf(line, len, "%s", qc_reply_text(&r));
  if (st == QC_REPLY_DONE)
    code = qc_reply_code(&r);
  else
    snprintf(err, errlen, "malformed banner: %.80s", qc_reply_text(&r));
out:
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return code;
}
