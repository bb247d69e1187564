/* sim_log: one line per event on stderr.
 *
 * sim_log() always prints; sim_trace() only with --verbose (state
 * transitions old -> new, every FTP line sent and received). */
#ifndef SIM_LOG_H
#define SIM_LOG_H

#include <stdbool.h>

void sim_log_set_verbose(bool on);
bool sim_log_verbose(void);

void sim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sim_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
