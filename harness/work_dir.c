/* work_dir: create the run's scratch directory; sweep dead runs' ones. */
#include "work_dir.h"

#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PID_FILE "runner.pid"

/* The inode of our pid namespace: a pid means something only inside it
 * (another container sharing /tmp has runs we cannot see). 0 if unknown. */
static unsigned long long pid_ns(void)
{
  struct stat st;
  return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long long)st.st_ino
                                             : 0;
}

int qh_work_dir_create(const char *base, char *dir, size_t dirlen)
{
  if (snprintf(dir, dirlen, "%s/" QH_WORK_DIR_PREFIX "XXXXXX", base) >=
      (int)dirlen) {
    errno = ENAMETOOLONG;
    return -1;
  }
  if (!mkdtemp(dir))
    return -1;
  char pid_path[PATH_MAX];
  snprintf(pid_path, sizeof pid_path, "%s/" PID_FILE, dir);
  FILE *f = fopen(pid_path, "w");
  int ok = f && fprintf(f, "%ld %llu\n", (long)getpid(), pid_ns()) > 0;
  if (f && fclose(f) != 0)
    ok = 0;
  if (!ok || chmod(dir, 0755) < 0) {
    int e = errno;
    qh_remove_tree(dir);
    errno = e;
    return -1;
  }
  return 0;
}

/* The pid recorded in dir by a runner of ours (same user, same pid
 * namespace), or 0: no record, garbage, a symlink, someone else's. */
static long recorded_pid(const char *dir)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/" PID_FILE, dir);
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return 0;
  struct stat st;
  FILE *f = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                    st.st_uid == geteuid()
                ? fdopen(fd, "r")
                : NULL;
  if (!f) {
    close(fd);
    return 0;
  }
  long pid = 0;
  unsigned long long ns = 0;
  if (fscanf(f, "%ld %llu", &pid, &ns) != 2 || pid <= 0 || ns != pid_ns())
    pid = 0;
  fclose(f);
  return pid;
}

int qh_work_dir_sweep(const char *base)
{
  DIR *d = opendir(base);
  if (!d)
    return 0;
  int removed = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, QH_WORK_DIR_PREFIX,
                strlen(QH_WORK_DIR_PREFIX)) != 0)
      continue;
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", base, e->d_name) >=
        (int)sizeof path)
      continue;
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != geteuid())
      continue; /* only what a runner of ours made */
    long pid = recorded_pid(path);
    /* EPERM means the process exists under another user: alive. */
    if (pid == 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue;
    if (qh_remove_tree(path) == 0)
      removed++;
  }
  closedir(d);
  return removed;
}
