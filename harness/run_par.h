/* run_par: `run -j N`, N workers side by side.
 *
 * The parent loads the selection, prepares the report directory and forks
 * N workers. Each is the single run (rn_run_set) with a simulator (or
 * --device), a loopback address, servers, proxy and capture of its own,
 * writing into REPORT_DIR/workers/wK. The parent hands out one case at a
 * time over a pipe (the next one when a worker reports the last done, so
 * long cases do not unbalance the workers), prints each worker's progress
 * as it comes, and at the end merges the workers' results into
 * REPORT_DIR (harness/merge.h), cases in id order. A Ctrl-C reaches the
 * parent, which passes it to every worker (they end their case with the
 * short teardown) and still writes the merged reports, marked interrupted.
 * A worker that dies makes its case in flight `error`; the run goes on
 * with the others.
 *
 * The protocol, one line each: parent -> worker "IDX\n" (the index of a
 * case in the selection); worker -> parent "S IDX\n" when it starts it,
 * "D IDX VERDICT SECONDS\tREASON\tWAIVER-REASON\tWAIVER-REFERENCE\n" when
 * it is done. End of the parent's pipe: no more cases. Internal: runner.c
 * and run_par.c only. */
#ifndef QH_RUN_PAR_H
#define QH_RUN_PAR_H

#include <signal.h>
#include <stddef.h>

#include "case_set.h"
#include "qr_result.h"
#include "runner.h"

enum { RN_MAX_JOBS = 64 };

/* A worker's ends of its two pipes. */
typedef struct rn_link {
  int in, out;
} rn_link;

/* Loads and selects the cases (--filter, --shard); *all_ids (when given)
 * every id before the filter. 0 or -1 (printed). */
int rn_load_set(const qh_run_opts *o, qh_case_set *set, char ***all_ids,
                size_t *nall);
void rn_free_ids(char **ids, size_t n);

/* The run on a loaded selection, which it takes over (set is left empty,
 * all_ids freed); w: NULL for a plain run, a worker's link otherwise. */
int rn_run_set(const qh_run_opts *o, qh_case_set *set, char **all_ids,
               size_t nall, const rn_link *w);

/* The parent of `run -j N` (o->jobs > 1). */
int rn_par_run(const qh_run_opts *o);

/* Worker side: the next case's index (< n) into *idx, and "S" sent; -1 at
 * the end of the parent's pipe, on a bad line, or when *intr is set. */
int rn_worker_next(const rn_link *w, size_t n, size_t *idx,
                   volatile sig_atomic_t *intr);
/* Worker side: "D" for the case at idx. */
void rn_worker_done(const rn_link *w, size_t idx, const qr_case_result *cr);

#endif
