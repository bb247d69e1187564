#include "sim_pty.h"

#include "qc_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int sim_pty_raw(int fd, const char *name, char *err, size_t errlen)
{
  struct termios t;
  if (tcgetattr(fd, &t) != 0) {
    snprintf(err, errlen, "%s: tcgetattr: %s", name, strerror(errno));
    return -1;
  }
  cfmakeraw(&t);
  if (tcsetattr(fd, TCSANOW, &t) != 0) {
    snprintf(err, errlen, "%s: tcsetattr (raw mode): %s", name,
             strerror(errno));
    return -1;
  }
  /* tcsetattr succeeds when any one change took: see that all did. */
  struct termios now;
  if (tcgetattr(fd, &now) != 0 || (now.c_lflag & (ICANON | ECHO | ISIG)) ||
      (now.c_oflag & OPOST) || (now.c_iflag & (ICRNL | IXON))) {
    snprintf(err, errlen, "%s: raw mode did not take", name);
    return -1;
  }
  return 0;
}

int sim_pty_open(int *master, int *slave, char *name, size_t len, char *err,
                 size_t errlen)
{
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 ||
      ptsname_r(m, name, len) != 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    if (m >= 0)
      close(m);
    return -1;
  }
  int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    snprintf(err, errlen, "open %s: %s", name, strerror(errno));
    close(m);
    return -1;
  }
  int rc = sim_pty_raw(s, name, err, errlen);
  if (rc == 0 && qc_set_nonblock(m, 1) != 0) {
    snprintf(err, errlen, "master of %s: O_NONBLOCK: %s", name,
             strerror(errno));
    rc = -1;
  }
  if (rc != 0) {
    close(s);
    close(m);
    return -1;
  }
  *master = m;
  *slave = s;
  return 0;
}
