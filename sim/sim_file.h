/* sim_file: local storage commands of the FILE note (AT+QFUPL, AT+QFLST,
 * AT+QFDEL, AT+QFREAD) on --root. While AT+QFUPL runs, bytes from the
 * host are file data (main.c routes them here). */
#ifndef SIM_FILE_H
#define SIM_FILE_H

#include "sim_ctx.h"

#include <stddef.h>
#include <stdint.h>

/* Host bytes during AT+QFUPL; returns how many were file data. */
size_t sim_file_input(sim_ctx *c, const char *b, size_t n);
/* When the AT+QFUPL input timeout expires (INT64_MAX: none). */
int64_t sim_file_next_deadline(const sim_ctx *c);
void sim_file_tick(sim_ctx *c);
/* Ends an AT+QFUPL without answering (the simulator is stopping): its
 * file keeps what arrived, its fd is closed. */
void sim_file_shutdown(sim_ctx *c);

#endif
