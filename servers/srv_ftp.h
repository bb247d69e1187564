/* srv_ftp: the FTP server a run owns (vsftpd, or ProFTPD for "mlsd";
 * rendered from a template).
 *
 * One srv_ftp is one vsftpd listener plus everything it needs: a rendered
 * config, a generated system user and password, a fast PAM service, a home
 * directory re-seeded before each case, and a protocol log. All of it lives
 * under opts->run_dir and is removed (user, PAM file) or left as evidence
 * (logs) by srv_ftp_stop. vsftpd runs in a PID namespace of its own, so
 * stopping it ends every session it forked. Needs root (useradd, PAM). */
#ifndef SRV_FTP_H
#define SRV_FTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srv_expect.h" /* srv_expect */
#include "srv_home.h"   /* srv_file */

typedef struct srv_ftp srv_ftp;

typedef struct srv_ftp_opts {
  const char *run_dir;      /* created if missing; config, home, logs here */
  const char *template_dir; /* servers/vsftpd: <profile>.conf.in files
                               (other servers' in ../<server>/) */
  const char *profile;      /* "plain", "ftps-explicit", "ftps-implicit",
                               "ftps-legacy", "ftps-reuse", "mlsd"
                               (srv_profile.h) */
  const char *listen_addr;  /* NULL = "127.0.0.1" */
  int port;                 /* 0 = a free port chosen at start */
} srv_ftp_opts;

/* Starts the server and waits (bounded) until it accepts connections.
 * Returns 0, or -1 with a message in err. */
int srv_ftp_start(const srv_ftp_opts *o, srv_ftp **out, char *err,
                  size_t errlen);

/* false when the listener has died (why says how); never blocks. */
bool srv_ftp_alive(srv_ftp *s, char *why, size_t len);

/* Stops what is left and starts it again with the same user, port and
 * config. */
int srv_ftp_restart(srv_ftp *s, char *err, size_t errlen);

/* Empties the user's home and creates `files` in it (payloads generated
 * by size and seed with qc_payload_fill (qc_payload.h), text, directories,
 * read-only dirs). Called before every case. */
int srv_ftp_seed_home(srv_ftp *s, const srv_file *files, size_t n, char *err,
                      size_t errlen);

/* Current size of the protocol log, and a copy of everything it gained
 * since `offset` into dest_path (the case's server.log). */
uint64_t srv_ftp_log_offset(const srv_ftp *s);
int srv_ftp_copy_log_since(const srv_ftp *s, uint64_t offset,
                           const char *dest_path, char *err, size_t errlen);

const char *srv_ftp_host(const srv_ftp *s);
int srv_ftp_port(const srv_ftp *s);
const char *srv_ftp_user(const srv_ftp *s);
const char *srv_ftp_pass(const srv_ftp *s);
const char *srv_ftp_home(const srv_ftp *s);

/* Stops the listener and every session, reaps, removes the user and the
 * PAM file, frees. NULL is fine. Bounded in time. */
void srv_ftp_stop(srv_ftp *s);

/* A TCP port on listen_addr that nothing listens on right now (for the
 * "connection refused" cases). 0 on failure. */
int srv_free_port(const char *listen_addr);

/* Added: the passive port range the config was rendered with (for the
 * fault proxy and wire checks), and the rendered config's path (vsftpd's
 * argv[1], which tells its processes apart). 0/NULL for NULL. */
void srv_ftp_pasv_range(const srv_ftp *s, int *min, int *max);
const char *srv_ftp_conf_path(const srv_ftp *s);

/* The protocol log srv_ftp_log_offset measures (<run_dir>/vsftpd.log or
 * proftpd.log), and the server's name ("vsftpd", "proftpd"). */
const char *srv_ftp_log_path(const srv_ftp *s);
const char *srv_ftp_server_name(const srv_ftp *s);

/* Server-side evidence of one case: the protocol log from log_offset on,
 * summarised as JSON text (malloc'd, *json_out, free it):
 *   {"commands": [{"pid": 4, "line": "STOR up.bin"}, ...],
 *    "replies":  [{"pid": 4, "code": 226, "text": "Transfer complete."}],
 *    "stored":   [{"path": "up.bin", "bytes": 5000, "complete": true,
 *                  "sha256": "<hex>" | null}]}
 * in log order; "stored" paths are home-relative, their SHA-256 is of the
 * file in the home now (null when it is gone). See srv_summary.h.
 * 0, or -1 with a message in err. */
int srv_ftp_summary_json(const srv_ftp *s, uint64_t log_offset, char **json_out,
                         char *err, size_t errlen);

/* Checks a case's `server_expect:` against the home and the protocol log
 * from log_offset on (srv_expect.h): 0 all hold, -1 with a message naming
 * the first failed assertion, expected vs seen. */
int srv_ftp_check_expect(const srv_ftp *s, uint64_t log_offset,
                         const srv_expect *e, char *msg, size_t len);

#endif
