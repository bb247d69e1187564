/* srv_tls: the FTPS profiles' certificate, made per run (no key is ever
 * kept in the repository). Self-signed RSA 2048 for CN and
 * subjectAltName = the listen IP, valid 10 years, via the openssl CLI. */
#ifndef SRV_TLS_H
#define SRV_TLS_H

#include <stddef.h>
#include <stdint.h>

/* Writes cert_path and key_path (0600). 0, or -1 with a message in err.
 * Bounded: openssl gets at most 30 s. */
int srv_tls_make_cert(const char *ip, const char *cert_path,
                      const char *key_path, char *err, size_t errlen);

/* Implicit FTPS (port-990 style) says 220 only inside TLS: handshakes on
 * the connected fd (certificate not verified: this only asks "is it up")
 * and reads the first reply (all its lines, cut to len) into line.
 * Returns its code, or -1 with a message in err. The fd stays open (the
 * caller closes it). */
int srv_tls_banner(int fd, int64_t deadline, char *line, size_t len, char *err,
                   size_t errlen);

#endif
