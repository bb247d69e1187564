#include "sim_quirk.h"

#include <string.h>

static const sim_quirk_entry table[] = {
    {"stat-before-ok", SIM_QUIRK_STAT_BEFORE_OK,
     "AT+QFTPSTAT answers +QFTPSTAT before OK (as 3.6 shows)"},
    {"cfg-key-case", SIM_QUIRK_CFG_KEY_CASE,
     "AT+QFTPCFG keys are case-sensitive (\"sslctxid\" refused)"},
};

size_t sim_quirk_count(void)
{
  return sizeof table / sizeof table[0];
}

const sim_quirk_entry *sim_quirk_at(size_t i)
{
  return i < sim_quirk_count() ? &table[i] : NULL;
}

unsigned sim_quirk_lookup(const char *name)
{
  for (size_t i = 0; i < sim_quirk_count(); i++)
    if (strcmp(table[i].name, name) == 0)
      return table[i].bit;
  return 0;
}
