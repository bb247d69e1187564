#include "sim_strict.h"

#include "sim_quirk.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool quirk(const sim_ctx *c, unsigned bit)
{
  return (c->quirks & bit) != 0;
}

bool sim_strict_prefix_ok(const sim_ctx *c, const char *line, size_t len)
{
  if (len < 2)
    return false;
  if ((line[0] == 'A' && line[1] == 'T') || (line[0] == 'a' && line[1] == 't'))
    return true;
  bool mixed = (line[0] == 'A' || line[0] == 'a') &&
               (line[1] == 'T' || line[1] == 't');
  return mixed && (quirk(c, SIM_QUIRK_AT_PREFIX_ANY_CASE) ||
                   sim_ctx_prof_bool(c, "at_prefix_any_case", false));
}

/* Letter case and '_' ignored: "rsp_time_out" is "rsptimeout". */
static bool loose_eq(const char *a, const char *b)
{
  for (;;) {
    while (*a == '_')
      a++;
    while (*b == '_')
      b++;
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
      return false;
    if (!*a)
      return true;
    a++;
    b++;
  }
}

typedef enum { MATCH_EXACT, MATCH_NOCASE, MATCH_LOOSE } key_match;

static key_match match_mode(const sim_ctx *c)
{
  if (quirk(c, SIM_QUIRK_LENIENT_CFG_KEYS))
    return MATCH_LOOSE;
  const char *m = sim_ctx_prof(c, "cfg_key_match");
  if (m && strcmp(m, "loose") == 0)
    return MATCH_LOOSE;
  if (m && strcmp(m, "nocase") == 0)
    return MATCH_NOCASE;
  return MATCH_EXACT;
}

bool sim_strict_cfg_key(const sim_ctx *c, const char *given,
                        const char *const *spellings)
{
  /* quirk cfg-key-case: case-sensitive, and 2.1's spelling only (3.2's
   * "sslctxid" refused), whatever the profile says */
  bool case_quirk = quirk(c, SIM_QUIRK_CFG_KEY_CASE);
  key_match m = case_quirk ? MATCH_EXACT : match_mode(c);
  size_t n = case_quirk ? 1 : SIZE_MAX;
  for (size_t i = 0; i < n && spellings[i]; i++) {
    const char *s = spellings[i];
    switch (m) {
    case MATCH_EXACT:
      if (strcmp(given, s) == 0)
        return true;
      break;
    case MATCH_NOCASE:
      if (strcasecmp(given, s) == 0)
        return true;
      break;
    case MATCH_LOOSE:
      if (loose_eq(given, s))
        return true;
      break;
    }
  }
  return false;
}

bool sim_strict_put_lengths_ok(const sim_ctx *c, const sim_at_params *ps)
{
  if (sim_at_param_omitted(ps, 3) == sim_at_param_omitted(ps, 4))
    return true;
  return quirk(c, SIM_QUIRK_UPLOADLEN_ALONE) ||
         sim_ctx_prof_bool(c, "uploadlen_without_beof", false);
}

bool sim_strict_keep_partial(const sim_ctx *c)
{
  return quirk(c, SIM_QUIRK_KEEP_PARTIAL_FILE) ||
         sim_ctx_prof_bool(c, "keep_partial_download", false);
}
