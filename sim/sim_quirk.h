/* sim_quirk: named deviations from the note (--quirk NAME), so the harness
 * can be shown to catch them. Adding one = a row here + the check where
 * the behaviour lives. */
#ifndef SIM_QUIRK_H
#define SIM_QUIRK_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  /* AT+QFTPSTAT prints +QFTPSTAT before OK, as 3.6 shows (erratum). */
  SIM_QUIRK_STAT_BEFORE_OK = 1u << 0,
  /* AT+QFTPCFG keys are case-sensitive: "sslctxid" is refused. */
  SIM_QUIRK_CFG_KEY_CASE = 1u << 1,
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
