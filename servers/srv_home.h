/* srv_home: empties the FTP user's home and seeds a case's files in it.
 *
 * Everything is done relative to an fd of the home and never follows a
 * symbolic link, so a link left by a previous case (or made by the module
 * under test through the server) cannot send a removal or a write outside
 * the home. What is created belongs to uid/gid: vsftpd runs each session
 * as the FTP user, so that user must own what it may change. */
#ifndef SRV_HOME_H
#define SRV_HOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "qc_where.h"

/* One file the home holds when a case starts (a case's `files:`). */
typedef enum srv_file_kind {
  SRV_FILE_PAYLOAD, /* size + seed: deterministic pseudo-random bytes */
  SRV_FILE_TEXT,    /* text: literal content */
  SRV_FILE_DIR,     /* a directory */
} srv_file_kind;

typedef struct srv_file {
  srv_file_kind kind;
  char *path;     /* relative to the FTP user's home, no ".." */
  uint64_t size;  /* payload */
  uint32_t seed;  /* payload */
  char *text;     /* text */
  bool writable;  /* dir: false makes it read-only for the FTP user */
  qc_where where; /* for messages */
} srv_file;

enum {
  SRV_HOME_DEPTH_MAX = 64, /* directory levels removed or created */
};
#define SRV_HOME_PAYLOAD_MAX (4ULL << 30) /* bytes of one payload file */

/* Removes every entry inside `home` (home itself stays). 0, or -1 with a
 * message naming the entry in err. */
int srv_home_empty(const char *home, char *err, size_t errlen);

/* Empties `home`, then creates the n files: payloads (qc_payload bytes of
 * (seed, size)), text files, directories; parents are created as needed
 * (0755), files are 0644, directories with writable=false become 0555 once
 * everything is in place. Every path is checked (srv_path.h) first, so a
 * bad one fails before anything is removed. Returns 0, or -1 with a
 * message naming the file (and where the case declared it). */
int srv_home_seed(const char *home, uid_t uid, gid_t gid, const srv_file *files,
                  size_t n, char *err, size_t errlen);

#endif
