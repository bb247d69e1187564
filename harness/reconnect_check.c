/* reconnect_check: AT -> OK after the device came back. */
#include "reconnect_check.h"

#include "qc_io.h"
#include "qc_time.h"

#include <stdio.h>
#include <string.h>

int qh_reconnect_check(qh_transport *t, qh_lines *lines, char *err,
                       size_t errlen)
{
  int64_t end = qc_deadline_in(QH_RECONNECT_CHECK_MS);
  char last[128] = "";
  for (int attempt = 0; attempt < 2; attempt++) {
    int64_t dl = qc_deadline_in(QH_RECONNECT_CHECK_MS / 2);
    if (dl > end)
      dl = end;
    if (qh_transport_write(t, "AT\r", 3, dl) != 0) {
      snprintf(err, errlen, "cannot write AT%s%s",
               qh_transport_lost(t) ? ": " : "",
               qh_transport_lost(t) ? qh_transport_lost(t) : "");
      return -1;
    }
    qh_line ln;
    int r;
    while ((r = qh_lines_next(lines, t, dl, &ln)) == 1) {
      if (strcmp(ln.text, "OK") == 0)
        return 0;
      snprintf(last, sizeof last, "%.100s", ln.text);
    }
    if (r == 0 || r == QC_IO_ERR) {
      snprintf(err, errlen, "no answer to AT: %s",
               qh_transport_lost(t) ? qh_transport_lost(t) : "read error");
      return -1;
    }
  }
  snprintf(err, errlen, "no OK to AT within %d ms%s%s%s",
           QH_RECONNECT_CHECK_MS, last[0] ? " (last line `" : "", last,
           last[0] ? "`)" : "");
  return -1;
}
