/* reconnect_check: the preflight again, after the device came back. */
#include "reconnect_check.h"

int qh_reconnect_check(qh_transport *t, qh_lines *lines,
                       const qh_preflight_opts *o, qh_module_id *id,
                       char *err, size_t errlen)
{
  return qh_preflight(t, lines, o, id, err, errlen) == QH_PF_OK ? 0 : -1;
}
