#include "sim_cmd.h"

#include "qc_time.h"
#include "sim_log.h"
#include "sim_slow.h"
#include "sim_strict.h"

#include <string.h>

/* Every table the dispatcher searches; later chapters add a line. */
static const sim_cmd_table *const tables[] = {
    &sim_cmd_basic_table,
    &sim_cmd_ftpcfg_table,
    &sim_cmd_ftp_table,
    &sim_cmd_xfer_table,
    &sim_cmd_file_table,
    &sim_cmd_ssl_table,
};

const sim_cmd_row *sim_cmd_find(const char *name)
{
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
    for (size_t i = 0; i < tables[t]->n; i++)
      if (strcmp(tables[t]->rows[i].name, name) == 0)
        return &tables[t]->rows[i];
  return NULL;
}

void sim_cmd_dispatch(sim_ctx *c, const char *line, size_t len)
{
  sim_at_cmd cmd;
  if (!sim_strict_prefix_ok(c, line, len)) {
    sim_log("at: prefix is neither AT nor at (1.2)");
    sim_out_error(c);
    return;
  }
  if (sim_at_split(line, len, &cmd) != 0) {
    sim_log("at: malformed command line");
    sim_out_error(c);
    return;
  }
  sim_slow_begin(c, cmd.name, qc_now_ms()); /* --slow: answer late */
  const sim_cmd_row *row = sim_cmd_find(cmd.name);
  if (!row || !(row->forms & cmd.form)) {
    sim_log("at: %s AT%s (form %d)", row ? "unsupported form of" : "unknown",
            cmd.name, (int)cmd.form);
    sim_out_error(c);
    return;
  }
  sim_at_params ps; /* ~1 KB: on the stack, so dispatch keeps no state */
  if (sim_at_params_parse(cmd.args, cmd.args_len, &ps) != 0) {
    sim_log("at: AT%s: malformed parameters", cmd.name);
    if (row->syntax_err)
      sim_out_cme(c, row->syntax_err);
    else
      sim_out_error(c);
    return;
  }
  row->fn(c, cmd.form, &ps);
}
