/* sim_cmd: the AT command table and its dispatcher.
 *
 * Each sim_cmd_*.c file exports one table of rows; sim_cmd.c lists the
 * tables. A new command is a row (and a handler) in the file of its
 * chapter; the dispatcher checks the form and parses the parameters, so
 * handlers only judge values and answer. */
#ifndef SIM_CMD_H
#define SIM_CMD_H

#include "sim_at.h"
#include "sim_ctx.h"

#include <stddef.h>

typedef void (*sim_cmd_fn)(sim_ctx *c, sim_at_form form,
                           const sim_at_params *ps);

typedef struct {
  const char *name; /* as sim_at_split() gives it: "+QFTPCFG", "E", "" */
  unsigned forms;   /* sim_at_form bits accepted; others answer ERROR */
  sim_cmd_fn fn;
  int syntax_err; /* malformed parameters: 0 "ERROR", else +CME ERROR */
} sim_cmd_row;

typedef struct {
  const sim_cmd_row *rows;
  size_t n;
} sim_cmd_table;

extern const sim_cmd_table sim_cmd_basic_table;  /* sim_cmd_basic.c */
extern const sim_cmd_table sim_cmd_ftpcfg_table; /* sim_cmd_ftpcfg.c */
extern const sim_cmd_table sim_cmd_ftp_table;    /* sim_cmd_ftp.c */
extern const sim_cmd_table sim_cmd_xfer_table;   /* sim_cmd_xfer.c */
extern const sim_cmd_table sim_cmd_file_table;   /* sim_cmd_file.c */
extern const sim_cmd_table sim_cmd_ssl_table;    /* sim_cmd_ssl.c */

/* The row named `name` (upper case), or NULL. */
const sim_cmd_row *sim_cmd_find(const char *name);

/* Answers one framed AT line (with its "AT" prefix, len bytes). */
void sim_cmd_dispatch(sim_ctx *c, const char *line, size_t len);

#endif
