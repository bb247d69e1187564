/* sim_addr: the address texts of the data connection (pure): the 227
 * reply to PASV and the PORT argument (RFC 959 4.1.2, 4.2). */
#ifndef SIM_ADDR_H
#define SIM_ADDR_H

#include <netinet/in.h>
#include <stddef.h>

/* Finds "h1,h2,h3,h4,p1,p2" in a 227 reply text (RFC 1123 4.1.2.6: the
 * parentheses are optional, so the first digit run is used). 0 and *out
 * set (network order), or -1 when malformed or a number exceeds 255. */
int sim_addr_parse_227(const char *text, struct sockaddr_in *out);

/* "h1,h2,h3,h4,p1,p2" for PORT into buf. 0, or -1 when it does not fit. */
int sim_addr_port_arg(const struct sockaddr_in *a, char *buf, size_t len);

#endif
