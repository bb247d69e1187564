/* srv_procs: finds the vsftpd processes of one config in /proc, so a stop
 * can wait until the whole PID namespace is gone (not just our child). */
#ifndef SRV_PROCS_H
#define SRV_PROCS_H

#include <stdint.h>
#include <sys/types.h>

/* Processes whose command line is "vsftpd <conf_path>" (listener and
 * sessions, which keep the listener's argv). */
int srv_procs_count(const char *conf_path);

/* Waits until srv_procs_count is 0 or the deadline passes; returns the
 * count left. */
int srv_procs_wait_gone(const char *conf_path, int64_t deadline);

/* The first child of `pid` (/proc/<pid>/task/<pid>/children), or -1. */
pid_t srv_procs_first_child(pid_t pid);

#endif
