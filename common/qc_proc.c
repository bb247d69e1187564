#include "qc_proc.h"
#include "qc_time.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Closes every fd above 2 but `keep` and `keep2` (-1: none) in the child;
 * /proc lists exactly the open ones. */
static void close_other_fds(int keep, int keep2)
{
  DIR *d = opendir("/proc/self/fd");
  if (!d) {
    for (int fd = 3; fd < 1024; fd++)
      if (fd != keep && fd != keep2)
        close(fd);
    return;
  }
  int dfd = dirfd(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int fd = (int)strtol(e->d_name, NULL, 10);
    if (fd > 2 && fd != dfd && fd != keep && fd != keep2)
      close(fd);
  }
  closedir(d);
}

pid_t qc_spawn(char *const argv[], int in_fd, int out_fd, int err_fd,
               char *err, size_t errlen)
{
  return qc_spawn_fd(argv, in_fd, out_fd, err_fd, -1, err, errlen);
}

pid_t qc_spawn_fd(char *const argv[], int in_fd, int out_fd, int err_fd,
                  int pass_fd, char *err, size_t errlen)
{
  int pipefd[2]; /* reports an exec failure back to the parent */
  if (pipe2(pipefd, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errlen, "fork: %s", strerror(errno));
    close(pipefd[0]);
    close(pipefd[1]);
    return -1;
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* The exec-failure pipe, moved above stdio before stdio is replaced;
     * it survives the sweep and is close-on-exec, so a successful exec
     * closes it and the parent reads EOF. Above QC_SPAWN_PASS_FD when an
     * fd is passed there. */
    int hi = fcntl(pipefd[1], F_DUPFD_CLOEXEC, QC_SPAWN_PASS_FD + 1);
    if (hi < 0) {
      int e = errno;
      if (write(pipefd[1], &e, sizeof e) < 0) {
        /* nothing more we can report */
      }
      _exit(127);
    }
    int fds[3] = {in_fd, out_fd, err_fd};
    for (int i = 0; i < 3; i++) {
      int fd = fds[i];
      if (fd < 0)
        fd = open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY);
      if (fd >= 0 && fd != i)
        dup2(fd, i);
    }
    int pass = -1;
    if (pass_fd >= 0) { /* inherited across exec: no close-on-exec */
      if (pass_fd == QC_SPAWN_PASS_FD)
        fcntl(pass_fd, F_SETFD, 0);
      else
        dup2(pass_fd, QC_SPAWN_PASS_FD);
      pass = QC_SPAWN_PASS_FD;
    }
    close_other_fds(hi, pass);
    execvp(argv[0], argv);
    int e = errno;
    if (write(hi, &e, sizeof e) < 0) {
      /* nothing more we can report */
    }
    _exit(127);
  }
  setpgid(pid, pid); /* also in the parent: no race with a quick qc_stop */
  close(pipefd[1]);
  int e = 0;
  ssize_t r;
  do {
    r = read(pipefd[0], &e, sizeof e);
  } while (r < 0 && errno == EINTR);
  close(pipefd[0]);
  if (r == (ssize_t)sizeof e) {
    snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(e));
    waitpid(pid, NULL, 0);
    return -1;
  }
  return pid;
}

bool qc_alive(pid_t pid, int *status)
{
  int st = 0;
  pid_t r;
  do {
    r = waitpid(pid, &st, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0)
    return true;
  if (status)
    *status = r == pid ? st : -1;
  return false;
}

static int reap_until(pid_t pid, int64_t deadline, int *status)
{
  for (;;) {
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) {
      *status = st;
      return 1;
    }
    if (r < 0 && errno != EINTR) {
      *status = -1;
      return 1;
    }
    if (qc_remaining_ms(deadline) <= 0)
      return 0;
    qc_sleep_until(qc_deadline_in(10));
  }
}

int qc_stop(pid_t pid, int sig, int grace_ms)
{
  int status = -1;
  if (pid <= 0)
    return -1;
  kill(-pid, sig);
  kill(pid, sig);
  if (reap_until(pid, qc_deadline_in(grace_ms), &status)) {
    kill(-pid, SIGKILL); /* stragglers left in the group */
    return status;
  }
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  reap_until(pid, qc_deadline_in(5000), &status);
  return status;
}

void qc_status_str(int status, char *buf, size_t len)
{
  if (status < 0)
    snprintf(buf, len, "gone");
  else if (WIFEXITED(status))
    snprintf(buf, len, "exited %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    snprintf(buf, len, "killed by SIG%s", sigabbrev_np(WTERMSIG(status))
                                             ? sigabbrev_np(WTERMSIG(status))
                                             : "?");
  else
    snprintf(buf, len, "status 0x%x", status);
}
