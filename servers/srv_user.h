/* srv_user: the system user and PAM service a run's vsftpd logs in with.
 *
 * The user is "qftp" + 6 random [a-z0-9], a system account whose GECOS is
 * "qftp-harness pid <runner pid>", with a random 16-char password set via
 * chpasswd on stdin (never on a command line). Its PAM service
 * /etc/pam.d/qftp-<user> is pam_unix with nodelay, so a wrong password
 * fails at once. A run killed before it could clean up leaves both behind;
 * srv_user_reap_stale removes those whose runner pid is gone. Needs root. */
#ifndef SRV_USER_H
#define SRV_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
  SRV_USER_NAME_LEN = 10, /* "qftp" + 6 */
  SRV_USER_PASS_LEN = 16,
  SRV_USER_PATH_MAX = 64, /* /etc/pam.d/qftp-<user> */
};

typedef struct srv_user {
  char name[SRV_USER_NAME_LEN + 1];
  char pass[SRV_USER_PASS_LEN + 1];
  char pam_service[SRV_USER_NAME_LEN + 6]; /* "qftp-<name>" */
  char pam_path[SRV_USER_PATH_MAX];
  uid_t uid;
  gid_t gid;
  bool created, pam_written;
} srv_user;

/* Fills buf with n random characters of [a-z0-9] and a NUL (buf holds
 * n + 1). 0, or -1 when the kernel gave no randomness. */
int srv_user_random(char *buf, size_t n);

/* The runner pid recorded for a user we generated, or 0 when name/gecos
 * are not ours ("qftp" + 6 [a-z0-9], GECOS "qftp-harness pid <N>"). */
pid_t srv_user_owner_pid(const char *name, const char *gecos);

/* Creates the user (home `home`, not created here) and its PAM service.
 * On failure nothing is left behind. 0, or -1 with a message in err. */
int srv_user_create(srv_user *u, const char *home, char *err, size_t errlen);

/* Removes the PAM file and the user (not its home). Safe to call twice.
 * 0, or -1 with a message (the user still has processes, userdel failed).
 * Bounded: waits at most ~2 s for the user's processes to end. */
int srv_user_remove(srv_user *u, char *err, size_t errlen);

/* Removes users and PAM files left by runs whose pid is gone. Returns how
 * many were removed; failures are described in err (best effort). */
int srv_user_reap_stale(char *err, size_t errlen);

#endif
