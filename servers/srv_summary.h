/* srv_summary: one case's server-side evidence as JSON — the commands the
 * server saw and the replies it gave (in log order, with the session
 * pid), and the files it stored with their SHA-256 now in the home.
 * Built with jansson from the protocol log's slice (srv_log.h) read line
 * by line (srv_evidence.h). srv_ftp_summary_json (srv_ftp.h) is this on a
 * running server's home and log. */
#ifndef SRV_SUMMARY_H
#define SRV_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

/* Summarises log_path from `offset` on; stored paths are made relative to
 * `home` and hashed there. *json_out is malloc'd text (free it):
 *   {"commands": [{"pid", "line"}], "replies": [{"pid", "code", "text"}],
 *    "stored": [{"path", "bytes", "complete", "sha256"}],
 *    "log_bytes": N, "log_cut": false}
 * "pid" is null for xferlog records; "sha256" is null (and "error" says
 * why) when the file cannot be read; "log_cut" is true when the slice
 * was longer than SRV_LOG_SLICE_MAX and only its end was read.
 * 0, or -1 with a message in err. */
int srv_summary_json(const char *home, const char *log_path, uint64_t offset,
                     char **json_out, char *err, size_t errlen);

#endif
