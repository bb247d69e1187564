/* report_dir: the directory a run writes its reports into. Created when
 * missing, marked as ours, and emptied of a previous run's cases/ - only
 * when it is a report directory of ours, and never inside the project's
 * own sources (`--report-dir .` must not delete the suite's cases/). */
#ifndef QH_REPORT_DIR_H
#define QH_REPORT_DIR_H

#include <stddef.h>

/* The file that marks a report directory as ours. */
#define QH_REPORT_MARK ".qftp-harness-report"

/* Makes dir ready for a run of the project at home. 0, or -1 with a
 * message (without "qftp-harness: ") in err; nothing is created or removed
 * on error. */
int qh_report_dir_prepare(const char *dir, const char *home, char *err,
                          size_t errlen);

#endif
