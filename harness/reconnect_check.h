/* reconnect_check: is the module there and answering after its device came
 * back (a reopened tty, a reconnected RFC 2217 port)?
 *
 * The hook a fuller preflight (identity, firmware revision) plugs into;
 * today it sends AT and waits, bounded, for OK. */
#ifndef QH_RECONNECT_CHECK_H
#define QH_RECONNECT_CHECK_H

#include <stddef.h>

#include "at_lines.h"
#include "transport.h"

enum { QH_RECONNECT_CHECK_MS = 3000 };

/* 0 when the module answered OK to AT within QH_RECONNECT_CHECK_MS (two
 * tries: the first AT may meet a module still booting), or -1 with err. */
int qh_reconnect_check(qh_transport *t, qh_lines *lines, char *err,
                       size_t errlen);

#endif
