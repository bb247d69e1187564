/* resp_time: the note's maximum response times, checked on every case.
 *
 * Each command table of the note gives a "maximum response time":
 * AT+QFTPCFG 300 ms to its OK (2.1), AT+QFTPOPEN 125 s to its +QFTPOPEN
 * URC (2.2), every other FTP command "depends on <timeout>", the
 * AT+QFTPCFG="rsptimeout" value (20..180 s, default 90), which 2.1's
 * <timeout> row explains: the longest wait for the command's +QFTPxxx:
 * result URC; for PUT/GET/LIST/NLST (MLSD alike) the longest wait for
 * CONNECT. With a UFS:/SD: local name it only bounds the gaps between
 * data packets: no assertion then (such a transfer has no CONNECT).
 *
 * The checker reads a finished case's transcript (the latencies
 * qr_latency_scan finds; command -> URC is its ok + urc samples), tracks
 * rsptimeout as the case sets it (a '>' AT+QFTPCFG="rsptimeout",N
 * answered OK), and works in module time: measured real seconds /
 * time_scale. Allowed = bound x (1 + tolerance) + margin, the margin host
 * time (real: divided by the scale). Only commands sent during the case's
 * own steps are checked (not the preflight's, not the teardown's). */
#ifndef QH_RESP_TIME_H
#define QH_RESP_TIME_H

#include <stdbool.h>
#include <stddef.h>

#include "qr_result.h"

struct qc_profile;

/* What a bound ends at. */
typedef enum qh_rt_what {
  QH_RT_OK,      /* command -> its final result code */
  QH_RT_URC,     /* command -> its result URC (through its OK) */
  QH_RT_CONNECT, /* command -> CONNECT (COM: data mode) */
} qh_rt_what;

/* Where a bound comes from. */
typedef enum qh_rt_src {
  QH_RT_FIXED_CFG,  /* profile key response_ms.qftpcfg */
  QH_RT_FIXED_OPEN, /* profile key response_ms.qftpopen */
  QH_RT_RSPTIMEOUT, /* the rsptimeout in force when the command was sent */
} qh_rt_src;

enum { QH_RT_FIXED = 2 }; /* the fixed sources, each a profile key */

/* The note's rsptimeout before a case sets one (2.1), seconds. */
enum { QH_RT_RSPTIMEOUT_DEFAULT = 90 };

typedef struct qh_rt_bound {
  const char *cmd; /* family, as qr_latency names it: "AT+QFTPCWD" */
  qh_rt_what what;
  qh_rt_src src;
  const char *section; /* the note's */
} qh_rt_bound;

/* The table, one row per command family; NULL when cmd has none. */
const qh_rt_bound *qh_rt_find(const char *cmd);
size_t qh_rt_count(void);
const qh_rt_bound *qh_rt_at(size_t i);
/* "ok", "urc", "connect". */
const char *qh_rt_what_name(qh_rt_what w);
/* The profile key of a fixed source; NULL for QH_RT_RSPTIMEOUT. */
const char *qh_rt_key(qh_rt_src src);

typedef struct qh_rt_limits {
  double time_scale;           /* module time = real / time_scale */
  double tolerance_pct;        /* response.tolerance_pct */
  double margin_ms;            /* response.margin_ms: real (host) ms */
  double fixed_ms[QH_RT_FIXED]; /* by qh_rt_src, module ms */
  double rsptimeout_s;         /* in force when the case starts */
} qh_rt_limits;

/* The limits a profile gives (its defaults when p is NULL). */
void qh_rt_limits_from_profile(const struct qc_profile *p, double time_scale,
                               qh_rt_limits *out);

/* One command over its bound. */
typedef struct qh_rt_late {
  const qh_rt_bound *b;
  double s;       /* module seconds it took */
  double bound_s; /* the note's bound, module seconds */
  double limit_s; /* allowed: tolerance and margin in */
  size_t line;    /* transcript index of the line that ended it */
  int step;       /* that line's step (the command's when that is 0) */
  int cmd_step;   /* the command's step */
  char seen[48];  /* that line ("OK", "+QFTPPWD: 609,0"), cut */
} qh_rt_late;

/* Checks lines[0..n): returns how many commands had a bound (a negative
 * count when memory ran out); the late ones go to late (at most cap; *nlate
 * is the count found, even when larger). ratio, when not NULL, gets the
 * largest measured / allowed seen (the headroom). */
long qh_rt_check(const qr_tline *lines, size_t n, const qh_rt_limits *lim,
                 qh_rt_late *late, size_t cap, size_t *nlate, double *ratio);

/* The sentence a late command fails with: "AT+QFTPCFG answered OK after
 * 412 ms, the note allows 300 ms (2.1; tolerance 10 % + 250 ms host
 * time)". */
void qh_rt_describe(const qh_rt_late *l, const qh_rt_limits *lim, char *buf,
                    size_t len);

/* The runner's check after a case's steps and evidence: counts and late
 * commands into the case's result; a case that otherwise passed fails
 * (failure kind "response-time", the step of the late line); one that
 * already failed keeps its verdict and gets a '#' note per late command.
 * A line's time is when the harness read it: a late answer with a `sleep`
 * step between it and its command (nobody was reading) is only noted. */
void qh_rt_check_case(qr_case_result *cr, const qh_rt_limits *lim);

#endif
