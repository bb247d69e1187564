/* sim_pty: the pty the host talks to. The master is ours; the slave is
 * kept open so the master never reads EIO while the host closes and
 * reopens the link, and is set to raw mode (AT bytes pass unchanged). */
#ifndef SIM_PTY_H
#define SIM_PTY_H

#include <stddef.h>

/* Raw mode on fd, a terminal named `name` (for the message). 0, or -1
 * with why in err (naming the terminal and errno) when fd is no terminal
 * or the mode does not take. */
int sim_pty_raw(int fd, const char *name, char *err, size_t errlen);

/* Opens a pty: master non-blocking, slave raw; the slave's path in name.
 * 0, or -1 with why in err (nothing left open). */
int sim_pty_open(int *master, int *slave, char *name, size_t len, char *err,
                 size_t errlen);

#endif
