#include "srv_user.h"
#include "qc_time.h"
#include "srv_tool.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define PREFIX "qftp"
#define GECOS_PREFIX "qftp-harness pid "
#define PAM_DIR "/etc/pam.d"
enum { TOOL_MS = 10000, MAX_STALE = 64 };

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

int srv_user_random(char *buf, size_t n)
{
  size_t i = 0;
  while (i < n) {
    unsigned char r[32];
    ssize_t got = getrandom(r, sizeof r, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return -1;
    /* 252 = 7 * 36: rejecting the rest keeps every character equally
     * likely. */
    for (ssize_t k = 0; k < got && i < n; k++)
      if (r[k] < 252)
        buf[i++] = alphabet[r[k] % 36];
  }
  buf[n] = '\0';
  return 0;
}

pid_t srv_user_owner_pid(const char *name, const char *gecos)
{
  if (!name || !gecos || strlen(name) != SRV_USER_NAME_LEN ||
      strncmp(name, PREFIX, 4) != 0)
    return 0;
  for (const char *c = name + 4; *c; c++)
    if (!strchr(alphabet, *c))
      return 0;
  size_t pl = strlen(GECOS_PREFIX);
  if (strncmp(gecos, GECOS_PREFIX, pl) != 0 ||
      !isdigit((unsigned char)gecos[pl]))
    return 0;
  char *end;
  errno = 0;
  long pid = strtol(gecos + pl, &end, 10);
  if (errno || *end || pid <= 0 || pid > 0x3fffffffL)
    return 0;
  return (pid_t)pid;
}

static void pam_path_of(const char *name, char *buf, size_t len)
{
  snprintf(buf, len, PAM_DIR "/" PREFIX "-%s", name);
}

static int write_pam(srv_user *u, char *err, size_t errlen)
{
  /* nodelay: pam_unix otherwise sleeps ~2-3 s after a wrong password. */
  static const char text[] =
      "# qftp-harness: vsftpd service of one run, removed at its end.\n"
      "auth required pam_unix.so nodelay\n"
      "account required pam_unix.so\n"
      "session required pam_unix.so\n";
  int fd = open(u->pam_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", u->pam_path, strerror(errno));
    return -1;
  }
  u->pam_written = true;
  ssize_t w = write(fd, text, sizeof text - 1);
  int e = errno;
  if (close(fd) < 0 || w != (ssize_t)(sizeof text - 1)) {
    snprintf(err, errlen, "%s: %s", u->pam_path,
             w < 0 ? strerror(e) : "short write");
    return -1;
  }
  return 0;
}

int srv_user_create(srv_user *u, const char *home, char *err, size_t errlen)
{
  memset(u, 0, sizeof *u);
  char gecos[64];
  snprintf(gecos, sizeof gecos, GECOS_PREFIX "%ld", (long)getpid());
  for (int tries = 0; !u->created && tries < 5; tries++) {
    char rnd[7];
    if (srv_user_random(rnd, 6) < 0) {
      snprintf(err, errlen, "getrandom: %s", strerror(errno));
      return -1;
    }
    snprintf(u->name, sizeof u->name, PREFIX "%s", rnd);
    if (getpwnam(u->name))
      continue; /* taken: draw again */
    /* -r system account (no aging), -M no home made, -U its own group;
     * /bin/sh is in /etc/shells, which PAM and vsftpd may check. */
    char *argv[] = {"useradd", "-r",      "-M", "-U",  "-d",    (char *)home,
                    "-s",      "/bin/sh", "-c", gecos, u->name, NULL};
    if (srv_tool_run(argv, NULL, TOOL_MS, err, errlen) < 0)
      return -1;
    u->created = true;
  }
  if (!u->created) {
    snprintf(err, errlen, "no free user name after 5 draws");
    return -1;
  }
  struct passwd *pw = getpwnam(u->name);
  if (!pw) {
    snprintf(err, errlen, "useradd %s: user not found afterwards", u->name);
    goto fail;
  }
  u->uid = pw->pw_uid;
  u->gid = pw->pw_gid;
  if (srv_user_random(u->pass, SRV_USER_PASS_LEN) < 0) {
    snprintf(err, errlen, "getrandom: %s", strerror(errno));
    goto fail;
  }
  char line[SRV_USER_NAME_LEN + SRV_USER_PASS_LEN + 4];
  snprintf(line, sizeof line, "%s:%s\n", u->name, u->pass);
  char *cp[] = {"chpasswd", NULL};
  int rc = srv_tool_run(cp, line, TOOL_MS, err, errlen);
  memset(line, 0, sizeof line);
  if (rc < 0)
    goto fail;
  snprintf(u->pam_service, sizeof u->pam_service, PREFIX "-%s", u->name);
  pam_path_of(u->name, u->pam_path, sizeof u->pam_path);
  if (write_pam(u, err, errlen) < 0)
    goto fail;
  return 0;
fail:;
  char ignored[256];
  srv_user_remove(u, ignored, sizeof ignored);
  return -1;
}

/* true while some process runs as uid (sessions dying after a stop). */
static bool uid_busy(uid_t uid)
{
  DIR *d = opendir("/proc");
  if (!d)
    return false;
  bool busy = false;
  struct dirent *e;
  while (!busy && (e = readdir(d)) != NULL) {
    if (!isdigit((unsigned char)e->d_name[0]))
      continue;
    char path[300], line[256]; /* d_name: up to 255 bytes */
    snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
    FILE *f = fopen(path, "re");
    if (!f)
      continue;
    while (fgets(line, sizeof line, f)) {
      unsigned long r, eu;
      if (sscanf(line, "Uid: %lu %lu", &r, &eu) == 2) {
        busy = r == uid || eu == uid;
        break;
      }
    }
    fclose(f);
  }
  closedir(d);
  return busy;
}

/* userdel of one name; exit 6 (no such user) counts as done. */
static int userdel(const char *name, char *err, size_t errlen)
{
  char out[SRV_TOOL_OUT_MAX];
  char *argv[] = {"userdel", (char *)name, NULL};
  int code =
      srv_tool_exit_code(argv, NULL, TOOL_MS, out, sizeof out, err, errlen);
  if (code == 0 || code == 6)
    return 0;
  if (code > 0)
    snprintf(err, errlen, "userdel %s: exited %d: %s", name, code, out);
  return -1;
}

int srv_user_remove(srv_user *u, char *err, size_t errlen)
{
  int rc = 0;
  if (u->pam_written) {
    if (unlink(u->pam_path) < 0 && errno != ENOENT) {
      snprintf(err, errlen, "%s: %s", u->pam_path, strerror(errno));
      rc = -1;
    } else {
      u->pam_written = false;
    }
  }
  if (u->created) {
    /* userdel refuses a user that still runs processes: sessions in the
     * killed PID namespace may take a moment to go. */
    int64_t deadline = qc_deadline_in(2000);
    while (uid_busy(u->uid) && qc_remaining_ms(deadline) > 0)
      qc_sleep_until(qc_deadline_in(20));
    if (userdel(u->name, err, errlen) < 0)
      rc = -1;
    else
      u->created = false;
  }
  memset(u->pass, 0, sizeof u->pass);
  return rc;
}

int srv_user_reap_stale(char *err, size_t errlen)
{
  /* Collect first: userdel rewrites /etc/passwd under getpwent. */
  char names[MAX_STALE][SRV_USER_NAME_LEN + 1];
  int n = 0;
  setpwent();
  struct passwd *pw;
  while (n < MAX_STALE && (pw = getpwent()) != NULL) {
    pid_t owner = srv_user_owner_pid(pw->pw_name, pw->pw_gecos);
    if (owner > 0 && kill(owner, 0) < 0 && errno == ESRCH)
      snprintf(names[n++], sizeof names[0], "%s", pw->pw_name);
  }
  endpwent();
  int removed = 0;
  if (errlen)
    err[0] = '\0';
  for (int i = 0; i < n; i++) {
    char pam[SRV_USER_PATH_MAX];
    pam_path_of(names[i], pam, sizeof pam);
    unlink(pam);
    if (userdel(names[i], err, errlen) == 0)
      removed++;
  }
  return removed;
}
