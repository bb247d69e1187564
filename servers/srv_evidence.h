/* srv_evidence: reads the servers' log lines into events — a command the
 * server saw, a reply it gave, a file it stored. Pure: a line in, events
 * out; nothing touches the disk. Three line formats are recognised:
 *
 *  - vsftpd's protocol log (log_ftp_protocol + dual_log_enable):
 *      <date> [pid 4] [user] FTP command: Client "127.0.0.1", "STOR a"
 *      <date> [pid 4] [user] FTP response: Client "127.0.0.1", "226 Ok."
 *      <date> [pid 4] [user] OK UPLOAD: Client "127.0.0.1", "/a", 5 bytes, ..
 *    (FAIL UPLOAD for an aborted one; "[user]" is absent before USER);
 *  - ProFTPD's ExtendedLog in our format (servers/proftpd/mlsd.conf.in),
 *    one line per answered command, tab-separated:
 *      <date> [pid 4] [user]<TAB>226<TAB>5000<TAB>/abs/a<TAB>STOR a<TAB>text
 *    (the command is what lies between the fifth and the last tab);
 *  - xferlog (wu-ftpd format, both servers' TransferLog):
 *      <24-char date> 0 127.0.0.1 5000 /a b _ i r user ftp 0 * c
 *    (no session pid; spaces in names are written as '_' by both servers).
 *
 * Anything else (CONNECT, OK LOGIN, DEBUG, continuation lines of a
 * multi-line reply) yields no event. Text fields are cut to their maxima. */
#ifndef SRV_EVIDENCE_H
#define SRV_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srv_path.h"

enum {
  SRV_EV_TEXT_MAX = 512, /* bytes of a command line or reply text */
  SRV_EV_PER_LINE = 3,   /* most events one line yields (ProFTPD STOR) */
  SRV_EV_LINE_MAX = 8192 /* bytes of a log line considered; more is cut */
};

/* Switches over this enum have no default, so a new kind is flagged. */
typedef enum srv_ev_kind {
  SRV_EV_COMMAND, /* text: the command line ("PASS <password>" hidden) */
  SRV_EV_REPLY,   /* code + text (without the code) */
  SRV_EV_STORED,  /* path (as logged), bytes, complete */
} srv_ev_kind;

typedef struct srv_ev {
  srv_ev_kind kind;
  long pid; /* session pid (in the server's PID namespace); -1: unknown */
  int code; /* REPLY: 100-599 */
  char text[SRV_EV_TEXT_MAX + 1];
  char path[SRV_PATH_MAX + 1]; /* STORED: as the server wrote it */
  uint64_t bytes;              /* STORED */
  bool complete;               /* STORED: transfer ended well */
} srv_ev;

/* Parses one log line (len bytes, no line end needed; "\r\n" is dropped)
 * into at most SRV_EV_PER_LINE events; returns how many. */
size_t srv_ev_parse_line(const char *line, size_t len, srv_ev *out);

/* A logged path as a home-relative one: `home` (the absolute home, as
 * ProFTPD logs real paths) or a leading '/' (vsftpd's chroot) is taken
 * off. Writes into buf; 0, or -1 when nothing is left or it does not fit
 * (the caller still checks it with srv_path_check). */
int srv_ev_home_relative(const char *logged, const char *home, char *buf,
                         size_t len);

#endif
