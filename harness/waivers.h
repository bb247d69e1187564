/* waivers: known failures a run reports as `waived` instead of `fail`.
 *
 * A waivers file (--waivers FILE) is YAML:
 *
 *   waivers:
 *     - case: replies.cwd-421        # a case id or an fnmatch(3) glob
 *       reason: firmware answers 601 to a 421 reply
 *       reference: https://tracker.example/FW-123   # bug or document
 *       revision: EG25GGBR07A08M2G  # optional: only for this module
 *
 * A waiver applies to a case that failed (never to an error or a skip)
 * when its glob matches the case id and it names no revision or the run's
 * module revision (--module-revision). The first such waiver in the file
 * wins. After the run each waiver gets a status (qh_waiver_status): one
 * that waived nothing but whose cases passed is stale, one that matches
 * no case of the suite is unmatched; both are warnings. */
#ifndef QH_WAIVERS_H
#define QH_WAIVERS_H

#include <stdbool.h>
#include <stddef.h>

enum { QH_WAIVERS_MAX = 10000 };

typedef enum qh_waiver_status {
  QH_WAIVER_APPLIED,        /* waived at least one failed case */
  QH_WAIVER_STALE,          /* waived nothing; a case it matches passed */
  QH_WAIVER_UNMATCHED,      /* matches no case of the loaded suite */
  QH_WAIVER_NOT_RUN,        /* its cases were not selected (--filter) */
  QH_WAIVER_OTHER_REVISION, /* for another module revision */
  QH_WAIVER_IDLE,           /* its cases ran, none failed nor passed
                               (error, skip) */
} qh_waiver_status;

typedef struct qh_waiver {
  char *pattern;   /* `case` */
  char *reason;
  char *reference;
  char *revision;  /* NULL: any revision */
  int line, col;   /* where the entry starts, 1-based */
} qh_waiver;

typedef struct qh_waivers {
  char *path;
  qh_waiver *v;
  size_t n;
} qh_waivers;

/* Loads path into *w. 0, or -1 with "file:line:col: what" (or "file:
 * reason" when it cannot be read) in err; *w is then empty. */
int qh_waivers_load(const char *path, qh_waivers *w, char *err,
                    size_t errlen);

void qh_waivers_free(qh_waivers *w);

/* Whether waiver x is for this run: no revision, or rev (NULL: the run's
 * revision is unknown) equals it. */
bool qh_waiver_for_revision(const qh_waiver *x, const char *rev);

/* Whether x's glob matches case id. */
bool qh_waiver_matches(const qh_waiver *x, const char *id);

/* The waiver for case id under revision rev: the first that matches and is
 * for this revision; NULL when none. */
const qh_waiver *qh_waivers_find(const qh_waivers *w, const char *id,
                                 const char *rev);

/* Status of waiver x after a run. all_ids: every case of the suite as
 * loaded (before --filter); ran_ids/ran_verdicts: the cases the run
 * produced, with their final verdicts as names ("pass", "waived", ...).
 * A case counts as waived by x only when x is the waiver that applied to
 * it (waived_by[i] == x). */
qh_waiver_status qh_waiver_status_of(const qh_waiver *x, const char *rev,
                                     const char *const *all_ids, size_t nall,
                                     const char *const *ran_ids,
                                     const char *const *ran_verdicts,
                                     const qh_waiver *const *waived_by,
                                     size_t nran);

/* "applied", "stale", "unmatched", "not-run", "other-revision", "idle". */
const char *qh_waiver_status_name(qh_waiver_status s);

#endif
