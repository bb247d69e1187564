#include "px_log.h"
#include "qc_time.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Process-wide: the proxy has one log, like vsftpd's. */
static FILE *log_file;
static bool log_verbose;

int px_log_open(const char *path, bool verbose)
{
  log_verbose = verbose;
  if (!path)
    return 0;
  log_file = fopen(path, "ae");
  return log_file ? 0 : -1;
}

void px_log_close(void)
{
  if (log_file)
    fclose(log_file);
  log_file = NULL;
}

void px_log(unsigned sid, const char *fmt, ...)
{
  if (!log_file && !log_verbose)
    return;
  char ts[32], msg[PX_LOG_LINE_MAX];
  qc_iso8601_now(ts, sizeof ts);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* Keep one event on one line whatever the peer sent. */
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\r' || msg[n - 1] == '\n'))
    msg[--n] = '\0';
  for (char *p = msg; *p; p++)
    if (*p == '\r' || *p == '\n')
      *p = ' ';
  if (log_file) {
    fprintf(log_file, "%s s%u %s\n", ts, sid, msg);
    fflush(log_file);
  }
  if (log_verbose)
    fprintf(stderr, "%s s%u %s\n", ts, sid, msg);
}
