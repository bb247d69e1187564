/* sim_quirk: named deviations from the note (--quirk NAME), so the harness
 * can be shown to catch them. Adding one = a row in sim_quirk.c + a bit
 * here + one check where the behaviour lives (never a second code path).
 * sim/README.md lists each with the case that should catch it. */
#ifndef SIM_QUIRK_H
#define SIM_QUIRK_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  SIM_QUIRK_STAT_BEFORE_OK = 1u << 0,    /* sim_cmd_ftp.c at_qftpstat */
  SIM_QUIRK_CFG_KEY_CASE = 1u << 1,      /* sim_cmd_ftpcfg.c key_eq */
  SIM_QUIRK_WRONG_TYPE = 1u << 2,        /* sim_xfer.c sim_xfer_start */
  SIM_QUIRK_IGNORE_TRANSMODE = 1u << 3,  /* sim_xfer.c passive() */
  SIM_QUIRK_IGNORE_STARTPOS = 1u << 4,   /* sim_xfer.c send_transfer_command */
  SIM_QUIRK_FIN_NOT_RST = 1u << 5,       /* sim_xfer.c use_rst() */
  SIM_QUIRK_LEN_OFF_BY_ONE = 1u << 6,    /* sim_xfer.c finish */
  SIM_QUIRK_WRONG_ERR = 1u << 7,         /* sim_cmd_ftp.c map_reply */
  SIM_QUIRK_URC_BEFORE_OK = 1u << 8,     /* sim_cmd_xfer.c at_qftplen */
  SIM_QUIRK_NO_QUIT = 1u << 9,           /* sim_cmd_ftp.c at_qftpclose */
  SIM_QUIRK_BAD_RSPTIMEOUT = 1u << 10,   /* sim_cmd_ftpcfg.c cfg_int */
  SIM_QUIRK_EXTRA_BYTES = 1u << 11,      /* sim_xfer.c on_data_readable */
  SIM_QUIRK_PROT_C = 1u << 12,           /* sim_cmd_ftp.c at_qftpopen */
  SIM_QUIRK_LATE_URC = 1u << 13,         /* sim_cmd_ftp.c urc() */
  SIM_QUIRK_IGNORE_GUARD = 1u << 14,     /* sim_xfer.c begin_moving */
  SIM_QUIRK_WRONG_STAT = 1u << 15,       /* sim_cmd_ftp.c ftpstat */
  SIM_QUIRK_PWD_UNQUOTED = 1u << 16,     /* sim_cmd_ftp.c pwd_result */
  SIM_QUIRK_PWD_QUOTED = 1u << 17,       /* sim_cmd_ftp.c pwd_result */
  SIM_QUIRK_NO_ECHO = 1u << 18,          /* main.c on_pty_bytes */
  SIM_QUIRK_NO_RESUME = 1u << 19,        /* sim_resume.c sim_resume_init */
  SIM_QUIRK_IGNORE_PDP_DEACT = 1u << 20, /* sim_pdp_loss.c sim_pdp_lost */
  SIM_QUIRK_QFUPL_NO_ESCAPE = 1u << 21,  /* sim_cmd_file.c at_qfupl */
  SIM_QUIRK_LENIENT_CFG_KEYS = 1u << 22, /* sim_strict.c match_mode */
  SIM_QUIRK_AT_PREFIX_ANY_CASE = 1u << 23, /* sim_strict.c prefix_ok */
  SIM_QUIRK_UPLOADLEN_ALONE = 1u << 24,  /* sim_strict.c put_lengths_ok */
  SIM_QUIRK_KEEP_PARTIAL_FILE = 1u << 25, /* sim_strict.c keep_partial */
  SIM_QUIRK_IGNORE_DTR = 1u << 26,       /* sim_dtr.c sim_dtr_changed */
} sim_quirk;

typedef struct {
  const char *name;
  sim_quirk bit;
  const char *what;
} sim_quirk_entry;

size_t sim_quirk_count(void);
const sim_quirk_entry *sim_quirk_at(size_t i);
/* The bit for `name`, or 0 when unknown. */
unsigned sim_quirk_lookup(const char *name);

#endif
