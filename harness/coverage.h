/* coverage: the suite's coverage matrix of the application note.
 *
 * The model holds every inventory item (coverage_inv.h) with the passing
 * cases that exercise it (coverage_derive.h) and the reasons stated for
 * items no case can cover (cases/_coverage.yaml). coverage_render.c prints
 * it; coverage_main.c is `qftp-harness coverage`. */
#ifndef QH_COVERAGE_H
#define QH_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "case.h"
#include "coverage_inv.h"
#include "vars.h"

typedef struct qh_cov_entry {
  qh_cov_item item;
  char **covered_by; /* case ids, in the order cases were added, unique */
  size_t ncovered, cap;
  char *reason;      /* stated (or inherited) reason, or NULL */
  bool inherited;    /* post:NNN takes the reason of err:NNN */
  int reason_line;   /* where the reason was stated (0: inherited) */
} qh_cov_entry;

typedef struct qh_cov_model {
  qh_cov_entry *e;
  size_t n;
  size_t cases;          /* passing cases added */
  bool oom;
} qh_cov_model;

int qh_cov_model_init(qh_cov_model *m); /* 0, or -1 out of memory */
void qh_cov_model_free(qh_cov_model *m);

/* The entry of `key`, or NULL. */
qh_cov_entry *qh_cov_model_find(qh_cov_model *m, const char *key);

/* Adds one passing case: every item it exercises gets its id. */
void qh_cov_model_add_case(qh_cov_model *m, const qh_case *c,
                           const qh_vars *vars);

/* Reads the reasons file: a YAML mapping with one key, `uncovered`, a
 * mapping of item key -> reason (a non-empty string). An unknown or
 * optional item, a duplicate or an empty reason is an error
 * ("path:line:col: what"). Returns 0 or -1 with err. */
int qh_cov_reasons_load(qh_cov_model *m, const char *path, char *err,
                        size_t errlen);

/* After the reasons: post:NNN without its own reason takes that of
 * err:NNN (no command can follow an err no case can bring about). */
void qh_cov_model_inherit(qh_cov_model *m);

/* Counts over the required items. */
typedef struct qh_cov_counts {
  size_t required, covered, reasoned, uncovered;
  size_t stale; /* items with a reason that a case covers all the same */
} qh_cov_counts;
qh_cov_counts qh_cov_model_counts(const qh_cov_model *m);

/* An entry counts as missing when required, with no case and no reason. */
bool qh_cov_entry_missing(const qh_cov_entry *e);

/* Exit status: 0 every required item covered or with a reason, 1 not. */
int qh_cov_exit_status(const qh_cov_model *m);

/* Renderers (coverage_render.c). `source` names the results file. */
void qh_cov_render_text(const qh_cov_model *m, const char *source, FILE *out);
int qh_cov_render_json(const qh_cov_model *m, const char *source,
                       const char *profile, FILE *out);

/* `qftp-harness coverage ...` (coverage_main.c); argv[1] is "coverage". */
int qh_coverage_main(int argc, char **argv);

#endif
