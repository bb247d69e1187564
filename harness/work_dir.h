/* work_dir: the run's scratch directory under /tmp (servers' homes, the
 * simulated module's file system), and the sweep of those a killed run
 * left behind. */
#ifndef QH_WORK_DIR_H
#define QH_WORK_DIR_H

#include <stddef.h>

/* The prefix every work directory's name starts with. */
#define QH_WORK_DIR_PREFIX "qftp-run-"

/* Creates base/qftp-run-XXXXXX (mode 0755, so vsftpd's generated user can
 * reach its home) and records this process's pid in it. Fills dir.
 * 0, or -1 with errno set. */
int qh_work_dir_create(const char *base, char *dir, size_t dirlen);

/* Removes base/qftp-run-* directories whose recorded runner is gone (a
 * run killed with SIGKILL cannot clean up after itself). Only directories
 * owned by this user with a pid record of this user's, written in this
 * pid namespace, are candidates; those whose runner lives are left alone.
 * Returns how many were removed. */
int qh_work_dir_sweep(const char *base);

#endif
