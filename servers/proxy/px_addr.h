/* px_addr: the addresses FTP carries in text (RFC 959 4.1.2 PORT and the
 * 227 reply; RFC 2428 EPRT and the 229 reply), parsed and re-written. */
#ifndef PX_ADDR_H
#define PX_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* "h1,h2,h3,h4,p1,p2" somewhere in s (227 text, PORT argument): the first
 * run of six comma-separated numbers 0..255. Fills an IPv4 address. */
bool px_addr_parse_hp(const char *s, size_t n, struct sockaddr_storage *out);

/* "(|||port|)" in a 229 reply (any delimiter character): the port. */
bool px_addr_parse_229(const char *s, size_t n, unsigned *port);

/* EPRT argument "|1|a.b.c.d|port|" or "|2|v6|port|" (any delimiter). */
bool px_addr_parse_eprt(const char *s, size_t n, struct sockaddr_storage *out);

/* Writes "h1,h2,h3,h4,p1,p2" for an IPv4 address; false otherwise. */
bool px_addr_format_hp(const struct sockaddr_storage *a, char *out, size_t cap);

/* Writes "|1|addr|port|" or "|2|addr|port|". */
bool px_addr_format_eprt(const struct sockaddr_storage *a, char *out,
                         size_t cap);

/* The port of an IPv4/IPv6 address (host order); sets it with _set. */
unsigned px_addr_port(const struct sockaddr_storage *a);
void px_addr_set_port(struct sockaddr_storage *a, unsigned port);
socklen_t px_addr_len(const struct sockaddr_storage *a);

/* "addr:port" ("[v6]:port") for logs. */
void px_addr_str(const struct sockaddr_storage *a, char *out, size_t cap);

/* Parses "ADDR:PORT" (IPv4, or "[v6]:PORT"); port 0..65535. */
bool px_addr_parse_hostport(const char *s, struct sockaddr_storage *out);

#endif
