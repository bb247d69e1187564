/* srv_profile: which FTP server implementation a profile name starts.
 *
 * A case names a profile (`server: {profile: ...}`); most are vsftpd
 * templates (servers/vsftpd/<profile>.conf.in), a few need what vsftpd
 * lacks and run another Debian server from its own template folder beside
 * it (servers/proftpd/<profile>.conf.in): "mlsd" is ProFTPD, for RFC 3659
 * MLSD. The table is the one place that knows this; a name not in it is a
 * vsftpd template, so a new vsftpd profile needs only its file. */
#ifndef SRV_PROFILE_H
#define SRV_PROFILE_H

#include <stddef.h>

/* Switches over this enum have no default, so a new server is flagged. */
typedef enum srv_kind {
  SRV_KIND_VSFTPD,  /* vsftpd 3.0.3: vsftpd <conf> */
  SRV_KIND_PROFTPD, /* ProFTPD 1.3.8: proftpd --nodaemon --config <conf> */
} srv_kind;

enum {
  SRV_PROFILE_ARGV_MAX = 6, /* argv slots srv_profile_argv fills, NULL too */
};

/* The server a profile runs on. */
srv_kind srv_profile_kind(const char *profile);

/* "vsftpd", "proftpd": the program, the template folder's name and the
 * stem of the run dir's files (<name>.conf, <name>.log, <name>.stderr). */
const char *srv_kind_name(srv_kind k);

/* Fills argv (SRV_PROFILE_ARGV_MAX slots) with the foreground command
 * line for config `conf`, NULL-terminated. */
void srv_profile_argv(srv_kind k, const char *conf,
                      char *argv[SRV_PROFILE_ARGV_MAX]);

/* The template of `profile`: <template_dir>/<profile>.conf.in for vsftpd,
 * <template_dir>/../<server>/<profile>.conf.in for the others
 * (template_dir is servers/vsftpd). 0, or -1 when it does not fit. */
int srv_profile_template(const char *template_dir, const char *profile,
                         char *buf, size_t len);

#endif
