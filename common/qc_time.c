#include "qc_time.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

int64_t qc_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t qc_deadline_in(int64_t ms)
{
  return qc_now_ms() + (ms < 0 ? 0 : ms);
}

int qc_remaining_ms(int64_t deadline)
{
  int64_t left = deadline - qc_now_ms();
  if (left < 0)
    return 0;
  if (left > INT32_MAX)
    return INT32_MAX;
  return (int)left;
}

void qc_sleep_until(int64_t deadline)
{
  for (;;) {
    int left = qc_remaining_ms(deadline);
    if (left <= 0)
      return;
    struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000L};
    if (nanosleep(&ts, NULL) == 0)
      return;
    if (errno != EINTR)
      return;
  }
}

void qc_iso8601_now(char *buf, unsigned long len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           ts.tv_nsec / 1000000L);
}
