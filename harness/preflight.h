/* preflight: before the first case (and after a lost device came back),
 * is this a module the run can test?
 *
 * In order, each with a deadline, the whole under QH_PREFLIGHT_MAX_MS:
 *   AT -> OK; when nothing answers, a guarded "+++" (1 s of silence scaled
 *      by --time-scale, "+++", silence: 1.5 leaves data mode) and AT again;
 *   ATE1, then AT to see the echo (the harness expects echo on);
 *   ATI, AT+GMR, AT+CGMM, AT+CGSN: the identity (module_id.h);
 *   AT+CPIN? -> +CPIN: READY;
 *   AT+QFTPCFG=? answers (not ERROR): the firmware has the FTP(S) commands;
 *   AT+QIACT?: the PDP contexts and the module's addresses.
 * A failure is diagnosed for a lab engineer ("no answer to AT on
 * /dev/ttyUSB2: wrong port, or wrong baud?"). The exchange is written to
 * a transcript of its own (preflight.txt), IMEIs masked. */
#ifndef QH_PREFLIGHT_H
#define QH_PREFLIGHT_H

#include <stddef.h>

#include "at_lines.h"
#include "module_id.h"
#include "transport.h"

enum {
  QH_PREFLIGHT_MAX_MS = 13000, /* the whole preflight, failure included */
  QH_PREFLIGHT_AT_MS = 2000,   /* one AT (or a short query) */
  QH_PREFLIGHT_CPIN_MS = 5000, /* AT+CPIN?: the note's 5 s */
  QH_PREFLIGHT_GUARD_MS = 1000 /* +++ guard time (1.5), before scaling */
};

typedef struct qh_preflight_opts {
  double time_scale;     /* scales the +++ guard time */
  int baud;              /* the line speed tried, for the diagnosis; 0: none
                            applies (tcp://, the simulator) */
  const char *transcript; /* preflight.txt, appended to; NULL: none */
  const char *heading;   /* first transcript note ("before the first case") */
} qh_preflight_opts;

/* What failed (the exit status is the same; tests tell them apart). */
typedef enum qh_preflight_fail {
  QH_PF_OK = 0,
  QH_PF_SILENT,    /* not a byte in answer to AT */
  QH_PF_GARBAGE,   /* bytes, but no line of text */
  QH_PF_NO_OK,     /* lines, but no OK to AT */
  QH_PF_LOST,      /* the line hung up or went away */
  QH_PF_SIM,       /* SIM not ready */
  QH_PF_NO_FTP,    /* ERROR (or nothing) to AT+QFTPCFG=? */
} qh_preflight_fail;

/* Runs the preflight on t. QH_PF_OK with *id filled, or the failure with
 * a diagnosis in err naming t->target. */
qh_preflight_fail qh_preflight(qh_transport *t, qh_lines *lines,
                               const qh_preflight_opts *o, qh_module_id *id,
                               char *err, size_t errlen);

#endif
