/* srv_ftp: one FTP server per run (vsftpd, or ProFTPD for the profiles
 * srv_profile.c names) — set up, started, watched, stopped.
 *
 * The pieces live in their own files (template rendering srv_conf.c, the
 * user and PAM service srv_user.c, home seeding srv_home.c, log slices
 * srv_log.c, TCP probing srv_net.c); this file owns the run directory and
 * the listener's lifecycle, an explicit state machine traced to
 * run_dir/srv_ftp.trace. */
#include "srv_ftp.h"
#include "qc_io.h"
#include "qc_proc.h"
#include "qc_time.h"
#include "srv_conf.h"
#include "srv_home.h"
#include "srv_log.h"
#include "srv_net.h"
#include "srv_procs.h"
#include "srv_profile.h"
#include "srv_tls.h"
#include "srv_user.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  SRV_FTP_DIR_MAX = 512,    /* bytes of the run dir's real path */
  SRV_FTP_FILE_MAX = 640,   /* bytes of a path inside it */
  SRV_FTP_START_MS = 5000,  /* listener up and saying 220 */
  SRV_FTP_STOP_MS = 2000,   /* reap and namespace gone */
  SRV_FTP_PASV_PORTS = 32,  /* passive range width */
  SRV_FTP_PROFILE_MAX = 32, /* bytes of a profile name */
  SRV_FTP_TAIL_MAX = 480,   /* bytes of vsftpd.stderr in messages */
};

/* Switches over this enum have no default, so a new state is flagged. */
typedef enum srv_ftp_state {
  SRV_FTP_NEW,      /* allocated, nothing spawned */
  SRV_FTP_STARTING, /* spawned, waiting for the 220 banner */
  SRV_FTP_RUNNING,  /* accepted a connection and said 220 */
  SRV_FTP_DEAD,     /* the listener exited or never came up */
  SRV_FTP_STOPPING, /* srv_ftp_stop: killing, removing the user */
  SRV_FTP_STOPPED,  /* stopped by us; user and PAM file removed */
} srv_ftp_state;

static const char *const state_names[] = {
    [SRV_FTP_NEW] = "NEW",           [SRV_FTP_STARTING] = "STARTING",
    [SRV_FTP_RUNNING] = "RUNNING",   [SRV_FTP_DEAD] = "DEAD",
    [SRV_FTP_STOPPING] = "STOPPING", [SRV_FTP_STOPPED] = "STOPPED",
};

struct srv_ftp {
  srv_ftp_state state;
  srv_kind kind; /* vsftpd, or proftpd for "mlsd" (srv_profile.c) */
  pid_t pid;     /* setpriv/unshare, the listener's parent; -1 when none */
  int trace_fd;
  bool implicit_tls; /* the config has implicit_ssl=YES: TLS before 220 */
  int port, pasv_min, pasv_max;
  char host[INET_ADDRSTRLEN];
  char run_dir[SRV_FTP_DIR_MAX];
  char conf[SRV_FTP_FILE_MAX], home[SRV_FTP_FILE_MAX];
  char empty[SRV_FTP_FILE_MAX], log[SRV_FTP_FILE_MAX];
  char xferlog[SRV_FTP_FILE_MAX], stderr_path[SRV_FTP_FILE_MAX];
  char cert[SRV_FTP_FILE_MAX], key[SRV_FTP_FILE_MAX];
  srv_user user;
};

/* The one place the state changes; each change is a trace line. */
static void set_state(srv_ftp *s, srv_ftp_state to, const char *why)
{
  if (s->trace_fd >= 0) {
    char ts[32], line[768];
    qc_iso8601_now(ts, sizeof ts);
    int n = snprintf(line, sizeof line, "%s srv_ftp: %s -> %s: %s\n", ts,
                     state_names[s->state], state_names[to], why);
    if (n > 0 &&
        write(s->trace_fd, line,
              (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
      /* tracing is best effort */
    }
  }
  s->state = to;
}

static int path_in(srv_ftp *s, char *dst, const char *name, char *err,
                   size_t errlen)
{
  int n = snprintf(dst, SRV_FTP_FILE_MAX, "%s/%s", s->run_dir, name);
  if (n < 0 || n >= SRV_FTP_FILE_MAX) {
    snprintf(err, errlen, "run dir path too long for %s", name);
    return -1;
  }
  return 0;
}

/* The end of <server>.stderr on one line: OOPS messages land there. */
static void stderr_tail(const srv_ftp *s, char *buf, size_t len)
{
  if (len)
    buf[0] = '\0';
  int fd = open(s->stderr_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  char tmp[SRV_FTP_TAIL_MAX + 1];
  off_t end = lseek(fd, 0, SEEK_END);
  off_t from = end > SRV_FTP_TAIL_MAX ? end - SRV_FTP_TAIL_MAX : 0;
  ssize_t n = pread(fd, tmp, SRV_FTP_TAIL_MAX, from);
  close(fd);
  if (n <= 0)
    return;
  tmp[n] = '\0';
  for (ssize_t i = 0; i < n; i++)
    if (tmp[i] == '\n' || tmp[i] == '\r')
      tmp[i] = i == n - 1 ? '\0' : ' ';
  snprintf(buf, len, "%s", tmp);
}

static void describe_exit(const srv_ftp *s, int status, char *buf, size_t len)
{
  char st[64], tail[SRV_FTP_TAIL_MAX + 1];
  qc_status_str(status, st, sizeof st);
  stderr_tail(s, tail, sizeof tail);
  const char *name = srv_kind_name(s->kind);
  int k = snprintf(buf, len, "%s %s; %s.stderr: ", name, st, name);
  if (k < 0 || (size_t)k >= len)
    return;
  /* The tail is cut to what fits: the start says what went wrong. */
  const char *t = tail[0] ? tail : "(empty)";
  size_t tl = strlen(t), room = len - (size_t)k - 1;
  if (tl > room)
    tl = room;
  memcpy(buf + k, t, tl);
  buf[(size_t)k + tl] = '\0';
}

/* Kills the listener's namespace and waits until it is gone. The
 * namespace's PID 1 (the shell in front of the server) ignores SIGTERM
 * from outside, and unshare blocks SIGTERM: only SIGKILL ends them, and
 * there is no state to flush (logs are written line by line), so there is
 * no point in a grace. PID 1 goes first — its death ends every process of
 * the namespace — so unshare reaps it; killed together, it would be
 * orphaned to a parent that may never reap it. */
static void kill_listener(srv_ftp *s)
{
  if (s->pid > 0) {
    pid_t ns_init = srv_procs_first_child(s->pid);
    if (ns_init > 0)
      kill(ns_init, SIGKILL);
    int64_t deadline = qc_deadline_in(SRV_FTP_STOP_MS / 2);
    int st = -1;
    bool alive;
    while ((alive = qc_alive(s->pid, &st)) && qc_remaining_ms(deadline) > 0)
      qc_sleep_until(qc_deadline_in(5));
    if (alive) /* still there: the hard way */
      st = qc_stop(s->pid, SIGKILL, SRV_FTP_STOP_MS / 2);
    char why[96], buf[64];
    qc_status_str(st, buf, sizeof buf);
    snprintf(why, sizeof why, "listener killed (%s)", buf);
    s->pid = -1;
    set_state(s,
              s->state == SRV_FTP_RUNNING || s->state == SRV_FTP_STARTING
                  ? SRV_FTP_DEAD
                  : s->state,
              why);
  }
  srv_procs_wait_gone(s->conf, qc_deadline_in(SRV_FTP_STOP_MS));
}

/* Connects until vsftpd answers with 220, or fails with the reason. */
static int await_banner(srv_ftp *s, int64_t deadline, char *err, size_t errlen)
{
  char msg[256];
  for (;;) {
    int status;
    if (!qc_alive(s->pid, &status)) {
      s->pid = -1;
      describe_exit(s, status, msg, sizeof msg);
      snprintf(err, errlen, "%s did not start: %s", srv_kind_name(s->kind),
               msg);
      return -1;
    }
    int refused;
    int fd =
        srv_net_connect(s->host, s->port, deadline, &refused, msg, sizeof msg);
    if (fd >= 0) {
      /* Someone else may hold the port (vsftpd then exits with OOPS): keep
       * checking that our listener lives while the banner is due. With
       * implicit TLS the client speaks first, so there is nothing to wait
       * for. */
      while (!s->implicit_tls &&
             qc_wait_readable(fd, qc_deadline_in(50)) == QC_IO_TIMEOUT &&
             qc_remaining_ms(deadline) > 0 && qc_alive(s->pid, &status))
        ;
      if (s->pid > 0 && !qc_alive(s->pid, &status)) {
        close(fd);
        s->pid = -1;
        describe_exit(s, status, msg, sizeof msg);
        snprintf(err, errlen, "%s did not start: %s", srv_kind_name(s->kind),
                 msg);
        return -1;
      }
      char reply[SRV_NET_REPLY_MAX + 1];
      int code = s->implicit_tls
                     ? srv_tls_banner(fd, deadline, reply, sizeof reply, msg,
                                      sizeof msg)
                     : srv_net_read_reply(fd, deadline, reply, sizeof reply,
                                          msg, sizeof msg);
      if (code == 220 && !s->implicit_tls)
        srv_net_command(fd, "QUIT", qc_deadline_in(500), reply, sizeof reply,
                        msg, sizeof msg);
      close(fd);
      if (code == 220)
        return 0;
      char tail[SRV_FTP_TAIL_MAX + 1];
      stderr_tail(s, tail, sizeof tail);
      const char *name = srv_kind_name(s->kind);
      snprintf(err, errlen, "%s on %s:%d: no 220 banner (%s%s); %s.stderr: %s",
               name, s->host, s->port, code > 0 ? "got " : "",
               code > 0 ? reply : msg, name, tail[0] ? tail : "(empty)");
      return -1;
    }
    if (!refused || qc_remaining_ms(deadline) <= 0) {
      char tail[SRV_FTP_TAIL_MAX + 1];
      stderr_tail(s, tail, sizeof tail);
      const char *name = srv_kind_name(s->kind);
      snprintf(err, errlen,
               "%s on %s:%d not accepting within %d ms (%s); %s.stderr: %s",
               name, s->host, s->port, SRV_FTP_START_MS, msg, name,
               tail[0] ? tail : "(empty)");
      return -1;
    }
    qc_sleep_until(qc_deadline_in(20));
  }
}

static int launch(srv_ftp *s, char *err, size_t errlen)
{
  set_state(s, SRV_FTP_STARTING, s->conf);
  int fd = open(s->stderr_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", s->stderr_path, strerror(errno));
    set_state(s, SRV_FTP_DEAD, err);
    return -1;
  }
  /* vsftpd writes its start-up errors (500 OOPS) to fd 0, so fd 0 is the
   * log too. setpriv makes unshare die with the runner (it blocks the
   * SIGTERM qc_spawn's death signal would send); --kill-child then
   * takes vsftpd, and with it every session of the namespace. */
  /* PID 1 of the namespace inherits every orphaned process and must reap
   * it. vsftpd's listener cannot be PID 1: it looks each reaped pid up in
   * its per-IP table, and an orphan it never forked (a session's helper)
   * crashes it with SIGSEGV. So a shell is PID 1: it starts the server,
   * reaps whatever is orphaned while it waits, and exits with the server's
   * status. A background job's stdin would be /dev/null; fd 0 is handed
   * on explicitly because vsftpd reports start-up errors there. */
  char *argv[11 + SRV_PROFILE_ARGV_MAX] = {
      "setpriv", "--pdeathsig", "KILL",        "unshare", "--pid",
      "--fork",  "--kill-child", "bash",       "-c",
      "exec 3<&0; \"$@\" 0<&3 3<&- & wait $!", };
  argv[10] = "qftp-ns-init";
  srv_profile_argv(s->kind, s->conf, argv + 11);
  s->pid = qc_spawn(argv, fd, fd, fd, err, errlen);
  close(fd);
  if (s->pid < 0) {
    set_state(s, SRV_FTP_DEAD, err);
    return -1;
  }
  if (await_banner(s, qc_deadline_in(SRV_FTP_START_MS), err, errlen) < 0) {
    kill_listener(s);
    set_state(s, SRV_FTP_DEAD, err);
    return -1;
  }
  char why[64];
  snprintf(why, sizeof why, "220 on %s:%d", s->host, s->port);
  set_state(s, SRV_FTP_RUNNING, why);
  return 0;
}

static int check_opts(const srv_ftp_opts *o, char *err, size_t errlen)
{
  struct in_addr a;
  const char *addr = o->listen_addr ? o->listen_addr : "127.0.0.1";
  if (!o->run_dir || !o->template_dir || !o->profile) {
    snprintf(err, errlen,
             "srv_ftp: run_dir, template_dir and profile are "
             "required");
    return -1;
  }
  if (inet_pton(AF_INET, addr, &a) != 1) {
    snprintf(err, errlen, "srv_ftp: listen address %s is not IPv4", addr);
    return -1;
  }
  size_t pl = strlen(o->profile);
  if (pl == 0 || pl > SRV_FTP_PROFILE_MAX ||
      strspn(o->profile, "abcdefghijklmnopqrstuvwxyz0123456789-") != pl) {
    snprintf(err, errlen, "srv_ftp: bad profile name \"%.40s\"", o->profile);
    return -1;
  }
  if (o->port < 0 || o->port > 65535) {
    snprintf(err, errlen, "srv_ftp: port %d out of range", o->port);
    return -1;
  }
  if (geteuid() != 0) {
    snprintf(err, errlen,
             "srv_ftp needs root: it creates a system user (useradd, "
             "chpasswd) and a PAM service in /etc/pam.d for vsftpd");
    return -1;
  }
  return 0;
}

/* Creates the run dir and checks the FTP user can reach its home: vsftpd
 * changes into the home as that user before the chroot. */
static int make_run_dir(srv_ftp *s, const char *dir, char *err, size_t errlen)
{
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
    snprintf(err, errlen, "run dir %s: %s", dir, strerror(errno));
    return -1;
  }
  char real[PATH_MAX];
  errno = 0;
  if (!realpath(dir, real) || strlen(real) >= sizeof s->run_dir) {
    snprintf(err, errlen, "run dir %s: %s", dir,
             errno ? strerror(errno) : "path too long");
    return -1;
  }
  memcpy(s->run_dir, real, strlen(real) + 1);
  struct stat st;
  if (stat(real, &st) < 0 || chmod(real, (st.st_mode & 07777) | 0111) < 0) {
    snprintf(err, errlen, "run dir %s: %s", real, strerror(errno));
    return -1;
  }
  for (char *slash = strrchr(real, '/'); slash && slash != real;
       slash = strrchr(real, '/')) {
    *slash = '\0';
    if (stat(real, &st) == 0 && !(st.st_mode & S_IXOTH)) {
      snprintf(err, errlen,
               "%s (mode %04o) is not searchable by others: "
               "the FTP user could not reach its home below it",
               real, (unsigned)(st.st_mode & 07777));
      return -1;
    }
  }
  return 0;
}

static int make_dirs(srv_ftp *s, char *err, size_t errlen)
{
  /* <server>.conf, .log, .stderr: vsftpd.conf for the vsftpd profiles. */
  const char *srv = srv_kind_name(s->kind);
  char conf[32], log[32], serr[32];
  snprintf(conf, sizeof conf, "%s.conf", srv);
  snprintf(log, sizeof log, "%s.log", srv);
  snprintf(serr, sizeof serr, "%s.stderr", srv);
  const char *const names[] = {conf,      "home", "empty",    log,
                               "xferlog", serr,   "cert.pem", "key.pem"};
  char *dst[] = {s->conf,    s->home,        s->empty, s->log,
                 s->xferlog, s->stderr_path, s->cert,  s->key};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (path_in(s, dst[i], names[i], err, errlen) < 0)
      return -1;
  /* empty/: vsftpd's secure_chroot_dir, root's and not writable by the
   * user. home/: the user's, emptied and seeded before every case. */
  if ((mkdir(s->empty, 0755) < 0 && errno != EEXIST) ||
      (mkdir(s->home, 0755) < 0 && errno != EEXIST)) {
    snprintf(err, errlen, "%s: %s", s->run_dir, strerror(errno));
    return -1;
  }
  return 0;
}

/* Renders the profile's template (srv_profile_template) into the run
 * dir's <server>.conf. */
static int write_conf(srv_ftp *s, const srv_ftp_opts *o, char *err,
                      size_t errlen)
{
  char path[SRV_FTP_FILE_MAX];
  if (srv_profile_template(o->template_dir, o->profile, path, sizeof path) <
      0) {
    snprintf(err, errlen, "template path too long");
    return -1;
  }
  char *tmpl = NULL, *text = NULL, msg[256];
  if (srv_conf_read_file(path, &tmpl, msg, sizeof msg) < 0) {
    snprintf(err, errlen, "profile %s: %s", o->profile, msg);
    return -1;
  }
  if (strstr(tmpl, "@CERT_FILE@") &&
      srv_tls_make_cert(s->host, s->cert, s->key, msg, sizeof msg) < 0) {
    snprintf(err, errlen, "certificate for %s: %s", o->profile, msg);
    free(tmpl);
    return -1;
  }
  char port[8], pmin[8], pmax[8];
  snprintf(port, sizeof port, "%d", s->port);
  snprintf(pmin, sizeof pmin, "%d", s->pasv_min);
  snprintf(pmax, sizeof pmax, "%d", s->pasv_max);
  const srv_conf_kv kv[] = {
      {"LISTEN_ADDR", s->host},
      {"LISTEN_PORT", port},
      {"HOME", s->home},
      {"SECURE_CHROOT_DIR", s->empty},
      {"LOG_FILE", s->log},
      {"XFERLOG_FILE", s->xferlog},
      {"PAM_SERVICE", s->user.pam_service},
      {"PASV_MIN_PORT", pmin},
      {"PASV_MAX_PORT", pmax},
      {"CERT_FILE", s->cert},
      {"KEY_FILE", s->key},
      {"RUN_DIR", s->run_dir},
      {"FTP_USER", s->user.name},
  };
  int rc = srv_conf_render(tmpl, kv, sizeof kv / sizeof kv[0], &text, msg,
                           sizeof msg);
  free(tmpl);
  if (rc < 0) {
    snprintf(err, errlen, "%s: %s", path, msg);
    return -1;
  }
  s->implicit_tls = s->kind == SRV_KIND_VSFTPD &&
                    strstr(text, "\nimplicit_ssl=YES\n") != NULL;
  int fd = open(s->conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  size_t len = strlen(text);
  ssize_t w = fd >= 0 ? write(fd, text, len) : -1;
  int e = errno;
  free(text);
  if (fd < 0 || w != (ssize_t)len || close(fd) < 0) {
    snprintf(err, errlen, "%s: %s", s->conf, strerror(e));
    return -1;
  }
  return 0;
}

/* Passive ports: a window beginning at a port that is free now. vsftpd
 * draws at random inside it and retries a taken one. */
static void pick_pasv(srv_ftp *s)
{
  int p = srv_free_port(s->host);
  if (p <= 0)
    p = 40000;
  if (p > 65535 - SRV_FTP_PASV_PORTS)
    p = 65535 - SRV_FTP_PASV_PORTS;
  s->pasv_min = p;
  s->pasv_max = p + SRV_FTP_PASV_PORTS - 1;
}

int srv_ftp_start(const srv_ftp_opts *o, srv_ftp **out, char *err,
                  size_t errlen)
{
  *out = NULL;
  if (check_opts(o, err, errlen) < 0)
    return -1;
  srv_ftp *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "srv_ftp: out of memory");
    return -1;
  }
  s->pid = -1;
  s->trace_fd = -1;
  s->state = SRV_FTP_NEW;
  s->kind = srv_profile_kind(o->profile);
  snprintf(s->host, sizeof s->host, "%s",
           o->listen_addr ? o->listen_addr : "127.0.0.1");
  if (make_run_dir(s, o->run_dir, err, errlen) < 0 ||
      make_dirs(s, err, errlen) < 0)
    goto fail;
  char trace[SRV_FTP_FILE_MAX];
  if (path_in(s, trace, "srv_ftp.trace", err, errlen) == 0)
    s->trace_fd = open(trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  char msg[512];
  int reaped = srv_user_reap_stale(msg, sizeof msg);
  if (reaped > 0 || msg[0]) {
    char why[600];
    snprintf(why, sizeof why, "removed %d stale user(s)%s%s", reaped,
             msg[0] ? "; " : "", msg);
    set_state(s, SRV_FTP_NEW, why);
  }
  if (srv_user_create(&s->user, s->home, err, errlen) < 0)
    goto fail;
  if (chown(s->home, s->user.uid, s->user.gid) < 0 ||
      chmod(s->home, 0755) < 0) {
    snprintf(err, errlen, "%s: %s", s->home, strerror(errno));
    goto fail;
  }
  s->port = o->port ? o->port : srv_free_port(s->host);
  if (s->port <= 0) {
    snprintf(err, errlen, "no free port on %s", s->host);
    goto fail;
  }
  pick_pasv(s);
  if (write_conf(s, o, err, errlen) < 0 || launch(s, err, errlen) < 0)
    goto fail;
  *out = s;
  return 0;
fail:
  srv_ftp_stop(s); /* keeps what err says: stop never writes to it */
  return -1;
}

bool srv_ftp_alive(srv_ftp *s, char *why, size_t len)
{
  if (!s) {
    snprintf(why, len, "no server");
    return false;
  }
  switch (s->state) {
  case SRV_FTP_RUNNING:
    break;
  case SRV_FTP_NEW:
  case SRV_FTP_STARTING:
  case SRV_FTP_DEAD:
  case SRV_FTP_STOPPING:
  case SRV_FTP_STOPPED:
    snprintf(why, len, "server is %s", state_names[s->state]);
    return false;
  }
  int status;
  if (qc_alive(s->pid, &status))
    return true;
  s->pid = -1;
  describe_exit(s, status, why, len);
  set_state(s, SRV_FTP_DEAD, why);
  return false;
}

int srv_ftp_restart(srv_ftp *s, char *err, size_t errlen)
{
  if (!s) {
    snprintf(err, errlen, "no server");
    return -1;
  }
  switch (s->state) {
  case SRV_FTP_NEW:
  case SRV_FTP_STOPPING:
  case SRV_FTP_STOPPED:
    snprintf(err, errlen, "cannot restart a server that is %s",
             state_names[s->state]);
    return -1;
  case SRV_FTP_STARTING:
  case SRV_FTP_RUNNING:
  case SRV_FTP_DEAD:
    break;
  }
  kill_listener(s);
  return launch(s, err, errlen);
}

int srv_ftp_seed_home(srv_ftp *s, const srv_file *files, size_t n, char *err,
                      size_t errlen)
{
  if (!s) {
    snprintf(err, errlen, "no server");
    return -1;
  }
  return srv_home_seed(s->home, s->user.uid, s->user.gid, files, n, err,
                       errlen);
}

uint64_t srv_ftp_log_offset(const srv_ftp *s)
{
  return s ? srv_log_size(s->log) : 0;
}

int srv_ftp_copy_log_since(const srv_ftp *s, uint64_t offset,
                           const char *dest_path, char *err, size_t errlen)
{
  if (!s) {
    snprintf(err, errlen, "no server");
    return -1;
  }
  return srv_log_copy_since(s->log, offset, dest_path, err, errlen);
}

const char *srv_ftp_host(const srv_ftp *s)
{
  return s ? s->host : NULL;
}

int srv_ftp_port(const srv_ftp *s)
{
  return s ? s->port : 0;
}

const char *srv_ftp_user(const srv_ftp *s)
{
  return s ? s->user.name : NULL;
}

const char *srv_ftp_pass(const srv_ftp *s)
{
  return s ? s->user.pass : NULL;
}

const char *srv_ftp_home(const srv_ftp *s)
{
  return s ? s->home : NULL;
}

void srv_ftp_pasv_range(const srv_ftp *s, int *min, int *max)
{
  *min = s ? s->pasv_min : 0;
  *max = s ? s->pasv_max : 0;
}

const char *srv_ftp_conf_path(const srv_ftp *s)
{
  return s ? s->conf : NULL;
}

const char *srv_ftp_log_path(const srv_ftp *s)
{
  return s ? s->log : NULL;
}

const char *srv_ftp_server_name(const srv_ftp *s)
{
  return s ? srv_kind_name(s->kind) : NULL;
}

void srv_ftp_stop(srv_ftp *s)
{
  if (!s)
    return;
  set_state(s, SRV_FTP_STOPPING, "stop requested");
  kill_listener(s);
  char msg[512];
  if (srv_user_remove(&s->user, msg, sizeof msg) < 0)
    set_state(s, s->state, msg); /* evidence in the trace; go on */
  set_state(s, SRV_FTP_STOPPED, "user and PAM service removed, logs kept");
  if (s->trace_fd >= 0)
    close(s->trace_fd);
  free(s);
}
