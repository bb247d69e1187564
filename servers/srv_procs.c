#include "srv_procs.h"
#include "qc_time.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { CMDLINE_MAX = 4096 };

static int matches(const char *pid, const char *conf_path)
{
  char path[300], buf[CMDLINE_MAX]; /* pid: a d_name, <= 255 bytes */
  snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* argv[0] NUL argv[1] NUL: "vsftpd" (or a path ending in it), conf */
  const char *a0 = buf;
  size_t l0 = strlen(a0);
  if ((ssize_t)l0 + 1 >= n)
    return 0;
  const char *base = strrchr(a0, '/');
  base = base ? base + 1 : a0;
  return strcmp(base, "vsftpd") == 0 && strcmp(a0 + l0 + 1, conf_path) == 0;
}

int srv_procs_count(const char *conf_path)
{
  DIR *d = opendir("/proc");
  if (!d)
    return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (isdigit((unsigned char)e->d_name[0]))
      n += matches(e->d_name, conf_path);
  closedir(d);
  return n;
}

int srv_procs_wait_gone(const char *conf_path, int64_t deadline)
{
  for (;;) {
    int n = srv_procs_count(conf_path);
    if (n == 0 || qc_remaining_ms(deadline) <= 0)
      return n;
    qc_sleep_until(qc_deadline_in(10));
  }
}

pid_t srv_procs_first_child(pid_t pid)
{
  char path[64], buf[32];
  snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  long child = strtol(buf, NULL, 10);
  return child > 0 ? (pid_t)child : -1;
}
