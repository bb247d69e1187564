#include "sim_log.h"

#include "qc_time.h"

#include <stdarg.h>
#include <stdio.h>

/* Process-wide on purpose, and not in sim_ctx: it says how much goes to
 * the process's one stderr, is set once from the command line before the
 * loop starts and only read afterwards, and the state machines that trace
 * (sim_ftp, sim_data, sim_guard) hold no sim_ctx. It carries nothing of a
 * session, so two contexts still share no state. */
static bool verbose;

void sim_log_set_verbose(bool on)
{
  verbose = on;
}

bool sim_log_verbose(void)
{
  return verbose;
}

static void emit(const char *fmt, va_list ap)
{
  char ts[32];
  char msg[1024]; /* longer messages are cut, never overflow */
  qc_iso8601_now(ts, sizeof ts);
  vsnprintf(msg, sizeof msg, fmt, ap);
  fprintf(stderr, "%s qftp-sim: %s\n", ts, msg);
}

void sim_log(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  emit(fmt, ap);
  va_end(ap);
}

void sim_trace(const char *fmt, ...)
{
  if (!verbose)
    return;
  va_list ap;
  va_start(ap, fmt);
  emit(fmt, ap);
  va_end(ap);
}
