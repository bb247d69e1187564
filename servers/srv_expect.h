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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qc_where.h"

/* What must hold after a case's steps (a case's `server_expect:`). */
typedef struct srv_want_file {
  char *path;       /* relative to the FTP home */
  bool absent;      /* must not exist */
  bool has_payload; /* equals payload (size, seed) */
  uint64_t size;
  uint32_t seed;
  char *text; /* equals this text */
  qc_where where;
} srv_want_file;

typedef struct srv_expect {
  srv_want_file *files;
  size_t nfiles;
  char **log_contains; /* substrings of the case's server protocol log */
  size_t nlog;
} srv_expect;

/* Checks every assertion of e (NULL or empty: nothing to check). 0 when
 * all hold; -1 with a message naming the first that failed, what was
 * expected and what was seen, e.g.
 *   case.yaml:12:7: server_expect file "up.bin": expected payload
 *   (1000 bytes, seed 7), seen 1000 bytes differing from offset 512
 *   (0x41, expected 0x9c)
 * and "(+N more failed)" when others failed too. Also -1 when the log or
 * the home cannot be read (the message says so). */
int srv_expect_check(const char *home, const char *log_path, uint64_t offset,
                     const srv_expect *e, char *msg, size_t len);

#endif
