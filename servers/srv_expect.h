/* srv_expect: a case's `server_expect:` checked after its steps — files in
 * the FTP home (equal to a payload (size, seed), equal to a text, absent,
 * or just present) and substrings of the case's slice of the protocol log.
 * Files are compared streaming (payload bytes regenerated with
 * qc_payload_fill), so a 4 GiB upload costs no memory; paths are checked
 * as when seeding (srv_path.h) and read without following links
 * (srv_homefile.h). srv_ftp_check_expect (srv_ftp.h) is this on a running
 * server's home and log. */
#ifndef SRV_EXPECT_H
#define SRV_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "case.h" /* qh_server_expect */

/* Checks every assertion of e (NULL or empty: nothing to check). 0 when
 * all hold; -1 with a message naming the first that failed, what was
 * expected and what was seen, e.g.
 *   case.yaml:12:7: server_expect file "up.bin": expected payload
 *   (1000 bytes, seed 7), seen 1000 bytes differing from offset 512
 *   (0x41, expected 0x9c)
 * and "(+N more failed)" when others failed too. Also -1 when the log or
 * the home cannot be read (the message says so). */
int srv_expect_check(const char *home, const char *log_path, uint64_t offset,
                     const qh_server_expect *e, char *msg, size_t len);

#endif
