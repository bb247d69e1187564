/* reconnect_check: is the module there and answering after its device came
 * back (a reopened tty, a reconnected RFC 2217 port)?
 *
 * It is the preflight (preflight.h) run again: the module answers AT (a
 * guarded +++ first if it sits in data mode), echo on, its identity read,
 * SIM ready, the FTP(S) commands there. Bounded by QH_PREFLIGHT_MAX_MS. */
#ifndef QH_RECONNECT_CHECK_H
#define QH_RECONNECT_CHECK_H

#include <stddef.h>

#include "at_lines.h"
#include "module_id.h"
#include "preflight.h"
#include "transport.h"

/* 0 when the preflight passed (*id is what the module says now), or -1
 * with the diagnosis in err. */
int qh_reconnect_check(qh_transport *t, qh_lines *lines,
                       const qh_preflight_opts *o, qh_module_id *id,
                       char *err, size_t errlen);

#endif
