/* transport_sim: qftp-sim spawned on a pty, watched, reset, respawned.
 *
 * The simulator creates the pty and the symlink (its contract); we wait,
 * bounded, for the link and open it like any serial device. Its stderr is
 * appended to a log in the run directory so a crash leaves evidence. A
 * socketpair is its control channel (--control-fd): "reset" brings the
 * module back to power-on without a new process. */
#include "transport.h"

#include "qc_io.h"
#include "qc_proc.h"
#include "qc_time.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

enum {
  SIM_START_MS = 5000,
  SIM_STOP_GRACE_MS = 1000,
  SIM_RESET_MS = 1000, /* a reset is done in microseconds; past this the
                          simulator is stuck and is restarted instead */
  SIM_MAX_ARGS = 160, /* 15 of its own, 2 per quirk and slow command */
};

typedef struct sim_priv {
  char *binary, *link, *root, *log_path, *profile, *profile_dir, *revision;
  double time_scale;
  char **quirks;
  size_t nquirks;
  char **slows;
  size_t nslows;
  pid_t pid;
  int ctl; /* our end of the control channel, -1 while not running */
  int last_status; /* wait status once it died */
} sim_priv;

/* Why the simulator refused to start: the last line of its log that is
 * one of its own error messages ("qftp-sim: ..." at the start of a line),
 * else the last line; "" when the log is empty. */
static void log_tail(const char *path, char *buf, size_t len)
{
  buf[0] = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  char tmp[4096];
  off_t end = lseek(fd, 0, SEEK_END);
  off_t from = end > (off_t)sizeof tmp - 1 ? end - (off_t)sizeof tmp + 1 : 0;
  ssize_t n = pread(fd, tmp, sizeof tmp - 1, from);
  close(fd);
  if (n <= 0)
    return;
  tmp[n] = '\0';
  const char *pick = NULL, *last = NULL;
  for (char *line = strtok(tmp, "\r\n"); line; line = strtok(NULL, "\r\n")) {
    last = line;
    if (strncmp(line, "qftp-sim:", 9) == 0)
      pick = line;
  }
  snprintf(buf, len, "%s", pick ? pick : last ? last : "");
}

static int sim_spawn(qh_transport *t, char *err, size_t errlen)
{
  sim_priv *p = t->priv;
  char scale[32], ctl_fd[16];
  snprintf(scale, sizeof scale, "%g", p->time_scale);
  snprintf(ctl_fd, sizeof ctl_fd, "%d", QC_SPAWN_PASS_FD);
  char *argv[SIM_MAX_ARGS];
  size_t n = 0;
  argv[n++] = p->binary;
  argv[n++] = "--link";
  argv[n++] = p->link;
  argv[n++] = "--root";
  argv[n++] = p->root;
  argv[n++] = "--time-scale";
  argv[n++] = scale;
  argv[n++] = "--profile";
  argv[n++] = p->profile;
  argv[n++] = "--control-fd";
  argv[n++] = ctl_fd;
  if (p->profile_dir) {
    argv[n++] = "--profile-dir";
    argv[n++] = p->profile_dir;
  }
  if (p->revision) {
    argv[n++] = "--revision";
    argv[n++] = p->revision;
  }
  for (size_t i = 0; i < p->nquirks && n + 3 < SIM_MAX_ARGS; i++) {
    argv[n++] = "--quirk";
    argv[n++] = p->quirks[i];
  }
  for (size_t i = 0; i < p->nslows && n + 3 < SIM_MAX_ARGS; i++) {
    argv[n++] = "--slow";
    argv[n++] = p->slows[i];
  }
  argv[n] = NULL;

  unlink(p->link); /* a stale link would be mistaken for the new one */
  int logfd = open(p->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                   0644);
  if (logfd < 0) {
    snprintf(err, errlen, "%s: %s", p->log_path, strerror(errno));
    return -1;
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    snprintf(err, errlen, "socketpair: %s", strerror(errno));
    close(logfd);
    return -1;
  }
  p->last_status = -1;
  p->pid = qc_spawn_fd(argv, -1, logfd, logfd, sv[1], err, errlen);
  close(logfd);
  close(sv[1]);
  if (p->pid < 0) {
    close(sv[0]);
    p->pid = 0;
    return -1;
  }
  p->ctl = sv[0];
  int64_t deadline = qc_deadline_in(SIM_START_MS);
  qh_tty_opts o = {.baud = 115200, .rtscts = false, .dtr = true};
  char oerr[256] = "";
  for (;;) {
    int st;
    if (!qc_alive(p->pid, &st)) {
      char s[64], last[256];
      qc_status_str(st, s, sizeof s);
      log_tail(p->log_path, last, sizeof last);
      snprintf(err, errlen, "qftp-sim %s at start: %s (see %s)", s,
               last[0] ? last : "no message", p->log_path);
      p->pid = 0;
      close(p->ctl);
      p->ctl = -1;
      return -1;
    }
    struct stat sb;
    if (lstat(p->link, &sb) == 0) {
      t->fd = qh_tty_open(p->link, &o, oerr, sizeof oerr);
      if (t->fd >= 0)
        return 0;
    }
    if (qc_remaining_ms(deadline) <= 0)
      break;
    qc_sleep_until(qc_deadline_in(5));
  }
  qc_stop(p->pid, SIGTERM, SIM_STOP_GRACE_MS);
  p->pid = 0;
  close(p->ctl);
  p->ctl = -1;
  snprintf(err, errlen, "qftp-sim did not create %s within %d ms%s%s",
           p->link, SIM_START_MS, oerr[0] ? ": " : "", oerr);
  return -1;
}

static void sim_stop(qh_transport *t)
{
  sim_priv *p = t->priv;
  if (t->fd >= 0) {
    close(t->fd);
    t->fd = -1;
  }
  if (p->ctl >= 0) {
    close(p->ctl);
    p->ctl = -1;
  }
  if (p->pid > 0) {
    qc_stop(p->pid, SIGTERM, SIM_STOP_GRACE_MS);
    p->pid = 0;
  }
}

static bool sim_alive(qh_transport *t, char *why, size_t len)
{
  sim_priv *p = t->priv;
  if (p->pid <= 0) {
    char st[64] = "not running";
    if (p->last_status >= 0)
      qc_status_str(p->last_status, st, sizeof st);
    snprintf(why, len, "qftp-sim %s", st);
    return false;
  }
  int st;
  if (qc_alive(p->pid, &st))
    return true;
  p->pid = 0;
  p->last_status = st;
  char s[64];
  qc_status_str(st, s, sizeof s);
  snprintf(why, len, "qftp-sim %s", s);
  return false;
}

static int sim_restart(qh_transport *t, char *err, size_t errlen)
{
  sim_stop(t);
  return sim_spawn(t, err, errlen);
}

/* "reset\n", then "ok\n" within SIM_RESET_MS. The simulator has dropped
 * its queued output and our unread input by then; what it wrote before
 * and we have not read is still in the pty, and goes too: a fresh
 * simulator would be on a fresh pty. A simulator that does not answer is
 * left to the caller's restart (which closes this channel, so a late
 * answer can never be taken for the next one's). */
static int sim_reset(qh_transport *t, char *err, size_t errlen)
{
  sim_priv *p = t->priv;
  if (p->pid <= 0 || p->ctl < 0 || t->fd < 0) {
    snprintf(err, errlen, "qftp-sim is not running");
    return -1;
  }
  int64_t deadline = qc_deadline_in(SIM_RESET_MS);
  if (qc_write_all(p->ctl, "reset\n", 6, deadline) != 0) {
    snprintf(err, errlen, "qftp-sim control channel: %s", strerror(errno));
    return -1;
  }
  char got[16];
  size_t n = 0;
  while (n < sizeof got - 1 && (n == 0 || got[n - 1] != '\n')) {
    ssize_t r = qc_read_some(p->ctl, got + n, sizeof got - 1 - n, deadline);
    if (r <= 0) {
      snprintf(err, errlen, "qftp-sim did not confirm a reset within %d ms%s",
               SIM_RESET_MS, r == 0 ? " (channel closed)" : "");
      return -1;
    }
    n += (size_t)r;
  }
  got[n] = '\0';
  if (strcmp(got, "ok\n") != 0) {
    snprintf(err, errlen, "qftp-sim refused a reset: %.*s", (int)strcspn(got, "\n"),
             got);
    return -1;
  }
  tcflush(t->fd, TCIFLUSH);
  return 0;
}

static void sim_priv_free(sim_priv *p)
{
  if (!p)
    return;
  free(p->binary);
  free(p->link);
  free(p->root);
  free(p->log_path);
  free(p->profile);
  free(p->profile_dir);
  free(p->revision);
  for (size_t i = 0; i < p->nquirks; i++)
    free(p->quirks[i]);
  free(p->quirks);
  for (size_t i = 0; i < p->nslows; i++)
    free(p->slows[i]);
  free(p->slows);
  free(p);
}

static void sim_close(qh_transport *t)
{
  sim_stop(t);
  sim_priv_free(t->priv);
  free(t);
}

static const qh_transport_ops sim_ops = {
    .read = qh_fd_read_nb, /* the link is opened by qh_tty_open */
    .write = qh_fd_write,
    .set_modem = qh_fd_set_modem,
    .alive = sim_alive,
    .restart = sim_restart,
    .reset = sim_reset,
    .close = sim_close,
};

static char *dup_or_null(const char *s)
{
  return s ? strdup(s) : NULL;
}

/* Copies n strings into *out (*nout counts those copied, for the free on
 * failure); -1 when memory ran out. */
static int dup_list(const char *const *in, size_t n, char ***out,
                    size_t *nout)
{
  if (!n)
    return 0;
  if (!(*out = calloc(n, sizeof **out)))
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (!((*out)[i] = strdup(in[i])))
      return -1;
    (*nout)++;
  }
  return 0;
}

qh_transport *qh_transport_sim_new(const qh_sim_opts *o, char *err,
                                   size_t errlen)
{
  qh_transport *t = calloc(1, sizeof *t);
  sim_priv *p = calloc(1, sizeof *p);
  if (!t || !p)
    goto oom;
  t->ops = &sim_ops;
  t->caps = QH_CAP_OWNED;
  t->fd = -1;
  t->priv = p;
  p->ctl = -1;
  p->binary = strdup(o->binary);
  p->link = strdup(o->link);
  p->root = strdup(o->root);
  p->log_path = strdup(o->log_path);
  p->profile = strdup(o->profile);
  p->profile_dir = dup_or_null(o->profile_dir);
  p->revision = dup_or_null(o->revision);
  p->time_scale = o->time_scale;
  if (!p->binary || !p->link || !p->root || !p->log_path || !p->profile ||
      (o->profile_dir && !p->profile_dir) || (o->revision && !p->revision))
    goto oom;
  if (dup_list(o->quirks, o->nquirks, &p->quirks, &p->nquirks) < 0 ||
      dup_list(o->slows, o->nslows, &p->slows, &p->nslows) < 0)
    goto oom;
  snprintf(t->desc, sizeof t->desc, "qftp-sim on %s", o->link);
  snprintf(t->target, sizeof t->target, "qftp-sim");
  if (sim_spawn(t, err, errlen) < 0) {
    sim_priv_free(p);
    free(t);
    return NULL;
  }
  return t;
oom:
  snprintf(err, errlen, "out of memory");
  sim_priv_free(p);
  free(t);
  return NULL;
}

int qh_transport_sim_control(qh_transport *t, const char *line, char *err,
                             size_t errlen)
{
  if (t->ops != &sim_ops) {
    snprintf(err, errlen, "%s is not the simulator: no control channel",
             t->target[0] ? t->target : "the module");
    return -1;
  }
  sim_priv *p = t->priv;
  size_t n = strlen(line);
  char req[80];
  if (n == 0 || n + 1 >= sizeof req || strchr(line, '\n')) {
    snprintf(err, errlen, "control request must be one line of 1-%zu bytes",
             sizeof req - 2);
    return -1;
  }
  if (p->pid <= 0 || p->ctl < 0) {
    snprintf(err, errlen, "qftp-sim is not running");
    return -1;
  }
  memcpy(req, line, n);
  req[n++] = '\n';
  int64_t deadline = qc_deadline_in(SIM_RESET_MS);
  if (qc_write_all(p->ctl, req, n, deadline) != 0) {
    snprintf(err, errlen, "qftp-sim control channel: %s", strerror(errno));
    return -1;
  }
  char got[16];
  size_t k = 0;
  while (k < sizeof got - 1 && (k == 0 || got[k - 1] != '\n')) {
    ssize_t r = qc_read_some(p->ctl, got + k, sizeof got - 1 - k, deadline);
    if (r <= 0) {
      snprintf(err, errlen, "qftp-sim did not answer \"%s\" within %d ms",
               line, SIM_RESET_MS);
      return -1;
    }
    k += (size_t)r;
  }
  got[k] = '\0';
  if (strcmp(got, "ok\n") != 0) {
    snprintf(err, errlen, "qftp-sim refused \"%s\": %.*s", line,
             (int)strcspn(got, "\n"), got);
    return -1;
  }
  return 0;
}

pid_t qh_transport_sim_pid(const qh_transport *t)
{
  return t->ops == &sim_ops ? ((const sim_priv *)t->priv)->pid : 0;
}
