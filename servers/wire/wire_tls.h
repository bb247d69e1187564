/* wire_tls: recognising TLS on a reassembled stream (RFC 8446 5.1, 4.1.2).
 *
 * Pure functions over the first bytes of a stream. Nothing is decrypted:
 * the ClientHello is read for the versions the client offers, the
 * ServerHello (in the clear in every version, RFC 8446 2) for the one the
 * server selected. */
#ifndef WIRE_TLS_H
#define WIRE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_TLS_VERSIONS_MAX 8
/* A ClientHello record bigger than this is not parsed (versions unknown). */
#define WIRE_TLS_HELLO_MAX 16384
/* Largest record accepted: 2^14 + 2048 (RFC 5246 6.2.3). */
#define WIRE_TLS_RECORD_MAX (16384 + 2048)

typedef struct wire_tls_hello {
  uint16_t record_version; /* record layer version (0x0301 often) */
  uint16_t legacy_version; /* ClientHello.legacy_version (0x0303: 1.2) */
  uint16_t versions[WIRE_TLS_VERSIONS_MAX]; /* supported_versions, if any */
  size_t nversions;
} wire_tls_hello;

/* The server's answer (RFC 8446 4.1.3, 4.1.4; RFC 5246 7.4.1.3). */
typedef struct wire_tls_server_hello {
  uint16_t legacy_version;   /* ServerHello.legacy_version / server_version */
  uint16_t selected_version; /* supported_versions extension; 0: absent */
  uint16_t version;          /* negotiated: selected_version or legacy */
  bool hrr;                  /* a HelloRetryRequest came before it */
} wire_tls_server_hello;

/* true if p starts like a TLS handshake record: 0x16 0x03 0x00..0x04.
 * Needs n >= 3; fewer bytes: false. */
bool wire_tls_is_record(const uint8_t *p, size_t n);

/* Parses a ClientHello at the start of p. 1 parsed, 0 need more bytes,
 * -1 not a ClientHello (or malformed, or larger than WIRE_TLS_HELLO_MAX). */
int wire_tls_parse_hello(const uint8_t *p, size_t n, wire_tls_hello *out);

/* Finds the ServerHello in the start p[0..n) of the server's stream:
 * handshake records (type 22) are reassembled into handshake messages (a
 * message may span records), ChangeCipherSpec records are skipped, and a
 * HelloRetryRequest (a ServerHello with the RFC 8446 4.1.3 random) sets
 * out->hrr and the search goes on to the next ServerHello.
 * 1: found (out complete); 0: need more bytes (out->hrr may already be
 * set); -1: not a ServerHello stream (an alert, application data or
 * another message first), malformed, or a message larger than
 * WIRE_TLS_HELLO_MAX. Reads nothing outside p[0..n). */
int wire_tls_parse_server_hello(const uint8_t *p, size_t n,
                                wire_tls_server_hello *out);

/* "TLS1.2", "TLS1.3", "SSL3.0", or "0x%04x" for others; buf >= 8 bytes. */
const char *wire_tls_version_name(uint16_t v, char *buf, size_t len);

#endif
