/* qc_time: the one clock every deadline in the project is measured on.
 *
 * All deadlines are absolute CLOCK_MONOTONIC milliseconds, so a wall-clock
 * step (NTP, a lab PC's clock change) never stretches or cuts a wait. */
#ifndef QC_TIME_H
#define QC_TIME_H

#include <stdint.h>

/* Monotonic milliseconds since an arbitrary origin. */
int64_t qc_now_ms(void);

/* Absolute deadline `ms` from now; ms < 0 is treated as 0. */
int64_t qc_deadline_in(int64_t ms);

/* Milliseconds left before `deadline`, never negative, clamped to INT32_MAX
 * so the result can be handed to poll(2). */
int qc_remaining_ms(int64_t deadline);

/* Sleeps until `deadline` (restarting on EINTR). */
void qc_sleep_until(int64_t deadline);

/* Wall-clock time as "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf (>= 25 bytes). */
void qc_iso8601_now(char *buf, unsigned long len);

#endif
