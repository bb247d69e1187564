/* sim_strict: where the note is explicit and firmware may be looser, the
 * one place that decides whether a looser input is taken. The note's
 * reading is the default; a profile key (docs/PROFILES.md) makes the
 * simulator play a looser firmware, and a quirk (sim_quirk.h) makes it
 * loose against its profile so a case can be shown to catch it. */
#ifndef SIM_STRICT_H
#define SIM_STRICT_H

#include "sim_at.h"
#include "sim_ctx.h"

#include <stdbool.h>
#include <stddef.h>

/* 1.2 (and V.25ter 5.2.1): a command line starts with "AT" or "at";
 * "At" and "aT" only under the profile's at_prefix_any_case. */
bool sim_strict_prefix_ok(const sim_ctx *c, const char *line, size_t len);

/* 2.1: whether `given` names the AT+QFTPCFG key whose spellings are
 * `spellings` (NULL-terminated, the note's first). The profile's
 * cfg_key_match says how: "exact" (only those spellings, byte for byte),
 * "nocase" (any letter case) or "loose" (case and '_' ignored). */
bool sim_strict_cfg_key(const sim_ctx *c, const char *given,
                        const char *const *spellings);

/* 2.5: <uploadlen> and <beof> of AT+QFTPPUT come together or not at all
 * (parameters 3 and 4); one alone only under uploadlen_without_beof. */
bool sim_strict_put_lengths_ok(const sim_ctx *c, const sim_at_params *ps);

/* 2.6: a failed download to UFS:/SD: leaves its partial local file only
 * under keep_partial_download. */
bool sim_strict_keep_partial(const sim_ctx *c);

#endif
