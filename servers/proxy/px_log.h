/* px_log: the proxy's event log, one line per event, appended to --log FILE
 * (the case's evidence) and echoed to stderr with --verbose:
 *   2024-01-01T00:00:00.000Z s3 cmd RETR x
 * Lines are cut at PX_LOG_LINE_MAX. */
#ifndef PX_LOG_H
#define PX_LOG_H

#include <stdbool.h>

enum { PX_LOG_LINE_MAX = 1024 };

/* Opens `path` for appending (NULL: no file). 0 or -1 (errno). */
int px_log_open(const char *path, bool verbose);
void px_log_close(void);

/* One event of session `sid` (0: the proxy itself). */
void px_log(unsigned sid, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
