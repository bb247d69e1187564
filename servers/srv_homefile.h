/* srv_homefile: reads what the server left in the FTP home — a file's
 * type and size, its bytes, its SHA-256 — without ever following a
 * symbolic link, so a link the module made through the server cannot make
 * us read outside the home. Paths are home-relative and checked with
 * srv_path_check first. */
#ifndef SRV_HOMEFILE_H
#define SRV_HOMEFILE_H

#include <stddef.h>
#include <sys/stat.h>

enum {
  SRV_SHA256_HEX = 64, /* hex digits of a SHA-256 */
};

/* lstat of home/rel: 0 with *st; -1 with *missing = 1 when there is no
 * such entry (or a parent is missing or not a directory), or *missing = 0
 * and a message in err for anything else (a link on the way, EACCES). */
int srv_homefile_stat(const char *home, const char *rel, struct stat *st,
                      int *missing, char *err, size_t errlen);

/* Opens home/rel for reading if it is a regular file: an fd (close it),
 * or -1 as srv_homefile_stat (a directory or link is "not a regular
 * file", *missing = 0). */
int srv_homefile_open(const char *home, const char *rel, int *missing,
                      char *err, size_t errlen);

/* SHA-256 of everything left to read on fd, as lower-case hex (hex holds
 * SRV_SHA256_HEX + 1). 0, or -1 with a message in err. */
int srv_homefile_sha256(int fd, char *hex, char *err, size_t errlen);

#endif
