/* qc_proc: child processes we own — started, watched, always reaped.
 *
 * Each child runs in a process group of its own, so stopping it reaches
 * whatever it forked too (vsftpd sessions, the simulator's helpers). */
#ifndef QC_PROC_H
#define QC_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Starts argv[0] (searched in PATH) with stdin/stdout/stderr redirected to
 * the given fds (-1 = /dev/null). Returns the pid, or -1 with a message in
 * err. The child's fds other than 0-2 are closed (close-on-exec is not
 * relied upon). */
/* The child also gets PR_SET_PDEATHSIG SIGTERM: if the runner dies, what it
 * started does not outlive it. */
pid_t qc_spawn(char *const argv[], int in_fd, int out_fd, int err_fd,
               char *err, size_t errlen);

/* The fd number a child of qc_spawn_fd finds pass_fd at. */
#define QC_SPAWN_PASS_FD 3
/* qc_spawn, and pass_fd (-1: none) is open in the child as
 * QC_SPAWN_PASS_FD (a control channel; name it in argv). */
pid_t qc_spawn_fd(char *const argv[], int in_fd, int out_fd, int err_fd,
                  int pass_fd, char *err, size_t errlen);

/* true while pid has not exited; when it has, reaps it and stores its
 * wait status in *status (may be NULL). */
bool qc_alive(pid_t pid, int *status);

/* Sends `sig` to the child's process group, waits up to grace_ms, then
 * SIGKILLs the group and reaps. Returns the wait status, or -1 if pid was
 * not our child (already reaped). Never blocks longer than grace_ms plus
 * a short bound for the kill. */
int qc_stop(pid_t pid, int sig, int grace_ms);

/* Describes a wait status: "exited 2", "killed by SIGSEGV". */
void qc_status_str(int status, char *buf, size_t len);

#endif
