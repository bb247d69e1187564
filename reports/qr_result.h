/* qr_result: what a run produced, the model every report is rendered from.
 *
 * It belongs to reports/, the layer below the harness: the harness's engine
 * fills it; reports/ turns it into results.json (the single
 * source of truth) and renders junit.xml and the rest from that JSON.
 * Everything here is owned by the run result (qr_run_result_free). */
#ifndef QR_RESULT_H
#define QR_RESULT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum qr_verdict {
  QR_PASS,  /* every step held */
  QR_FAIL,  /* the module (or the wire) did not do what the case expects */
  QR_ERROR, /* the case could not be run: environment, server, bad case */
  QR_SKIP,  /* not applicable here (a needs: tag this target lacks) */
  QR_WAIVED, /* failed, and a waiver (--waivers) names the failure as known;
                counts as passed for the exit status, never reads as pass */
} qr_verdict;

enum { QR_VERDICTS = 5 }; /* how many verdicts there are */

/* The phases of one case, in the order the runner goes through them
 * (harness/run_case.c); results.json names them (qr_phase_name). */
typedef enum qr_phase {
  QR_PHASE_PREPARE,        /* module answers, server up with the files */
  QR_PHASE_START_EVIDENCE, /* log offsets, quiet drain, proxy, capture */
  QR_PHASE_STEPS,          /* the case's own steps */
  QR_PHASE_TEARDOWN,       /* the module put back in a known state */
  QR_PHASE_EVIDENCE,       /* capture analysed, logs copied */
  QR_PHASE_FINISH,         /* duration, waiver, console line */
} qr_phase;

enum { QR_PHASES = 6 }; /* how many phases there are */

/* A waiver (the harness's waivers file) as the reports show it. On a case: the one
 * that turned its failure into `waived` (status, where, cases unset). On
 * the run: every waiver of the file, with what became of it. */
typedef struct qr_waiver_note {
  char *pattern;   /* the waiver's `case`: an id or a glob */
  char *reason;
  char *reference; /* bug tracker URL or document */
  char *revision;  /* NULL: any module revision */
  char *status;    /* run: "applied", "stale", "unmatched", "not-run",
                      "other-revision", "idle" */
  char *where;     /* run: "file:line:col" of the entry */
  char **cases;    /* run: ids it waived (applied) or that passed (stale) */
  size_t ncases, cap;
} qr_waiver_note;

/* One transcript entry. dir: '>' bytes sent to the module, '<' a line (or
 * raw bytes) from it, '#' a note of the harness's own (step boundaries,
 * restarts, verdict reasons). Text is printable: control bytes are escaped
 * as \r \n \xNN by the engine before they are stored. */
typedef struct qr_tline {
  double t; /* seconds since the case started */
  char dir;
  char *text;
  int step; /* the case step it was recorded during (1-based); 0 before the
               first and after the last; -1 the teardown (qr_case_result
               cur_step when it was added) */
} qr_tline;

/* Why a case failed, as a record a report can lay out (results.json
 * "failure"): NULL on a case that passed or was skipped. Strings are
 * owned by the record; where and fragment may be NULL. */
typedef struct qr_failure {
  int step;       /* 1-based; 0 when not a step's (wire, server, environment) */
  char *kind;     /* step kind name, or "wire", "server", "environment" */
  char *where;    /* "file:line:col" of the step; NULL when none */
  char *fragment; /* the fragment (use:) the step came from; NULL when none */
  char *expected; /* what the step wanted, variables expanded; "" unknown */
  char *seen;     /* what came instead: the line, or a sentence */
  long line;      /* transcript index of the entry seen; -1 when none */
} qr_failure;

/* A command slower than the note allows (results.json "response_checks",
 * harness/resp_time.h). Strings owned by the case. */
typedef struct qr_rt_late {
  char *cmd;        /* "AT+QFTPCFG" */
  char *bound;      /* what is bounded: "ok", "urc" (from the command),
                       "connect" */
  char *section;    /* the note's section: "2.1" */
  double s;         /* module seconds it took */
  double limit_s;   /* module seconds allowed, tolerance and margin in */
  long line;        /* transcript index of the line that ended it */
} qr_rt_late;

/* How a case step went (results.json "steps"). */
typedef enum qr_step_status {
  QR_STEP_NOT_RUN,         /* the case ended before it */
  QR_STEP_PASS,
  QR_STEP_FAIL,
  QR_STEP_SKIPPED,         /* its if_sent did not hold */
  QR_STEP_OPTIONAL_FAILED, /* failed, optional: the steps went on */
} qr_step_status;

enum { QR_STEP_STATUSES = 5 };

typedef struct qr_step_result {
  char *kind;     /* "send", "expect", ... */
  char *where;    /* "file:line:col"; NULL when unknown */
  char *fragment; /* NULL: the case's own step */
  qr_step_status status;
  double t;       /* case-clock second it started; NAN when not run */
} qr_step_result;

typedef struct qr_case_result {
  char *id, *title, *spec, *file;
  char **tags;
  size_t ntags;
  qr_verdict verdict;
  char *reason;       /* NULL on pass: "step 4 (case.yaml:12:5): ..."; on
                         waived, the failure's own reason */
  qr_waiver_note *waiver; /* verdict waived: the waiver; NULL otherwise */
  int failed_step;    /* 1-based; 0 when none */
  qr_failure *failure; /* NULL on pass and skip, and until a failure is
                          recorded (qr_case_set_failure) */
  bool interrupted;   /* cut short by a Ctrl-C / SIGTERM mid-case */
  double started;     /* seconds since the run started */
  double duration_s;
  /* Seconds each phase took (where a case's time goes); < 0: the phase
   * did not run (a skipped case, one whose prepare failed). finish starts
   * after duration_s is taken, so it is not part of it. */
  double phase_s[QR_PHASES];
  qr_tline *lines;
  size_t nlines, cap;
  int cur_step;       /* what qr_case_add_line stamps on an entry (see
                         qr_tline.step); set by the engine and teardown */
  qr_step_result *steps; /* one per case step, fragments spliced, in order */
  size_t nsteps, steps_cap;
  char **unexpected;  /* lines skipped by wait_for, in order */
  size_t nunexpected, unexp_cap;
  /* Maximum response times (harness/resp_time.h): how many commands had
   * a bound, -1 when not checked (skipped, not run, opted out); the late
   * ones, in transcript order. */
  long rt_checked;
  double rt_worst;    /* the largest measured / allowed of those checked */
  qr_rt_late *rt_late;
  size_t nrt_late, rt_late_cap;
  char *dir;          /* its report directory, relative to the report dir */
  char *server_json;  /* the server's view of the case (servers/: commands,
                         replies, stored files), JSON text; may be NULL */
  char *wire_json;    /* the capture's analysis (servers/wire), JSON text;
                         may be NULL */
  /* Sealed (qr_case_seal, reports/qr_seal.c): transcript.txt is written,
   * the case's results.json entry sits in the run's spill file at
   * [spill_off, spill_off + spill_len), and lines, unexpected,
   * server_json and wire_json are freed. What stays is what the run
   * still reads: id, verdict, reason, waiver, timings. */
  bool sealed;
  long long spill_off;
  size_t spill_len;
} qr_case_result;

/* The module as the preflight read it (the harness's preflight). Strings are
 * "" when the module did not say; the IMEI is only ever kept masked. */
typedef struct qr_module_info {
  char *manufacturer, *model, *revision, *imei_masked;
  char **ati; /* ATI's lines, as the module sent them */
  size_t nati;
  bool echo;      /* echoed after ATE1 */
  bool sim_ready; /* +CPIN: READY */
  char *sim;      /* what AT+CPIN? said */
  struct qr_module_pdp {
    int ctx, state, type;
    char *addr; /* space-separated (IPv4v6 gives two) */
  } *pdp;       /* AT+QIACT? */
  size_t npdp, pdp_cap;
} qr_module_info;

typedef struct qr_run_result {
  char *started_at;  /* ISO 8601 UTC */
  char *target;      /* "sim" or "device:/dev/ttyUSB0" */
  char *profile;     /* module profile name */
  double time_scale;
  char *version;     /* qftp-harness version */
  double duration_s;
  /* Ctrl-C / SIGTERM: the run stopped after ncases of `planned` cases;
   * the reports must not read as a complete run. */
  bool interrupted;
  size_t planned; /* cases selected for the run */
  /* Why the run stopped before its last case: NULL (it did not),
   * "interrupted" (Ctrl-C, SIGTERM), "device-lost" (the device did not
   * come back within --device-wait), "max-module-errors", "preflight"
   * (the module failed it: no case ran). stop_detail says it in words. */
  char *stop_reason;
  char *stop_detail;
  qr_module_info *module; /* NULL when the preflight did not read it */
  char *module_revision; /* --module-revision; NULL when not given */
  char *waivers_file;    /* --waivers; NULL when not given */
  qr_waiver_note *waivers; /* every waiver of the file, with its status */
  size_t nwaivers, waivers_cap;
  qr_case_result *cases;
  size_t ncases, cap;
  /* The sealed cases' results.json entries, one after another: an
   * unlinked file in the report directory (gone with the process, however
   * it ends); -1 until the first case is sealed. */
  int spill_fd;
  long long spill_end;
} qr_run_result;

const char *qr_verdict_name(qr_verdict v); /* "pass", "fail", ... */
const char *qr_phase_name(qr_phase p);     /* "prepare", "steps", ... */
/* "pass", "fail", "skipped", "optional-failed", "not-run". */
const char *qr_step_status_name(qr_step_status s);

/* Parses "pass"/"fail"/"error"/"skip"/"waived"; -1 when unknown. */
int qr_verdict_parse(const char *s);

/* Model building (reports/qr_model.c). Allocation failure aborts: the
 * model is small and a run without memory cannot report anyway. */
qr_run_result *qr_run_result_new(const char *target, const char *profile,
                                 double time_scale);
/* Appends a case (copies the strings; tags may be NULL) and returns it. */
qr_case_result *qr_run_add_case(qr_run_result *r, const char *id,
                                const char *title, const char *spec,
                                const char *file, char *const *tags,
                                size_t ntags);
/* Appends a transcript entry; text is escaped (\r \n \xNN) on the way in,
 * n bytes of it (n = (size_t)-1: up to the NUL). */
void qr_case_add_line(qr_case_result *c, double t, char dir, const char *text,
                      size_t n);
/* Appends a '#' note, printf-style. */
void qr_case_note(qr_case_result *c, double t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void qr_case_add_unexpected(qr_case_result *c, const char *line);
/* Sets the verdict; reason (printf-style, may be NULL for pass) replaces any
 * earlier one. */
void qr_case_set_verdict(qr_case_result *c, qr_verdict v, int failed_step,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records why the case failed (strings copied and redacted; where,
 * fragment may be NULL; expected NULL as ""); replaces an earlier record.
 * The verdict and reason are set apart (qr_case_set_verdict). */
void qr_case_set_failure(qr_case_result *c, int step, const char *kind,
                         const char *where, const char *fragment,
                         const char *expected, const char *seen, long line);
/* Records the count of commands whose response time was checked and the
 * largest measured / allowed ratio among them (the headroom). */
void qr_case_rt_checked(qr_case_result *c, long n, double worst);
/* Appends a late command (strings copied). */
void qr_case_add_rt_late(qr_case_result *c, const char *cmd,
                         const char *bound, const char *section, double s,
                         double limit_s, long line);
/* Drops the failure record (a case that passes after all). */
void qr_case_clear_failure(qr_case_result *c);
/* Appends a step, not run yet (strings copied; where, fragment may be
 * NULL), and returns its index. */
size_t qr_case_add_step(qr_case_result *c, const char *kind,
                        const char *where, const char *fragment);
/* Sets step i's status and start (ignored when i is out of range). */
void qr_case_step_status(qr_case_result *c, size_t i, qr_step_status st,
                         double t);
/* Attaches JSON evidence (copied); invalid JSON is stored as a string. */
void qr_case_set_evidence(qr_case_result *c, const char *server_json,
                          const char *wire_json);
/* Turns a failed case into a waived one: the verdict becomes QR_WAIVED,
 * the failure's reason and step stay, the waiver is attached (copied;
 * revision may be NULL). */
void qr_case_waive(qr_case_result *c, const char *pattern, const char *reason,
                   const char *reference, const char *revision);
/* Records the run's module revision and waivers file (either may be
 * NULL). */
void qr_run_set_waiver_info(qr_run_result *r, const char *module_revision,
                            const char *waivers_file);
/* Records why the run stopped early (copied; see stop_reason). */
void qr_run_set_stop(qr_run_result *r, const char *reason, const char *detail);
/* Sets the run's module identity (strings copied; ati may be NULL) and
 * returns it for qr_module_add_pdp. */
qr_module_info *qr_run_set_module(qr_run_result *r, const char *manufacturer,
                                  const char *model, const char *revision,
                                  const char *imei_masked,
                                  const char *const *ati, size_t nati,
                                  bool echo, bool sim_ready, const char *sim);
void qr_module_add_pdp(qr_module_info *m, int ctx, int state, int type,
                       const char *addr);
/* Appends a run-level waiver (copied) and returns it. */
qr_waiver_note *qr_run_add_waiver(qr_run_result *r, const char *pattern,
                                  const char *reason, const char *reference,
                                  const char *revision, const char *status,
                                  const char *where);
void qr_waiver_note_add_case(qr_waiver_note *w, const char *id);
/* Counts of each verdict. */
void qr_run_counts(const qr_run_result *r, size_t counts[QR_VERDICTS]);
void qr_run_result_free(qr_run_result *r);
/* Frees a case's transcript, steps, unexpected lines and evidence (what
 * sealing spills); the rest of the case stays. */
void qr_case_free_heavy(qr_case_result *c);

#endif
