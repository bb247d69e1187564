/* coverage_derive: which inventory items one case exercises, read from
 * what its steps send and expect (fragments already spliced in by the
 * loader) and from its faults and spec.
 *
 *  - send: lines give command x form, AT+QFTPCFG parameter classes
 *    (values against the note's ranges), read-backs (a set of a key and a
 *    later query of it) and the other commands' parameter classes;
 *  - expect / wait_for / expect_match give errs ("+CME ERROR: 610",
 *    "+QFTPCWD: 627,550") and replies x family ("+QFTPCWD: 627,550" is
 *    550 in the directory family); an expect_match holding "|" gives
 *    nothing, since the case passes on either branch;
 *  - a later AT command after a step expecting err NNN gives post:NNN;
 *  - faults: `reply: "NNN ..."` with `on: VERB` give reply x family of
 *    the verb (PASV, PORT, TYPE: the family of the case's transfer or
 *    listing commands);
 *  - spec: "2.3" gives section:2.3 (and "2.3.1" too).
 * Text is expanded with the run's variables first (${profile.err.550}
 * becomes 627, as the runner does); a reference only a run knows
 * (${host}) is kept as written, and a value holding one gives no class. */
#ifndef QH_COVERAGE_DERIVE_H
#define QH_COVERAGE_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "case.h"
#include "coverage_inv.h"
#include "vars.h"

enum { QH_COV_MAX_FIELDS = 16, QH_COV_LINE_MAX = 4096 };

/* One field of a set command: `"x"` (quoted) or a bare token. */
typedef struct qh_cov_field {
  const char *p; /* inside the quotes for a quoted field */
  size_t len;
  bool quoted;
} qh_cov_field;

/* An AT command line split. */
typedef struct qh_cov_at {
  const char *name; /* after "AT+", not NUL-terminated */
  size_t name_len;
  qh_cov_form form;
  size_t nfields; /* set form: the comma-separated fields after "=" */
  qh_cov_field fields[QH_COV_MAX_FIELDS];
} qh_cov_at;

/* Splits `line` ("AT+QFTPCWD=\"x\"", leading blanks and a trailing CR
 * allowed). Returns 0, or -1 when it is no extended AT command ("AT",
 * "ATO", garbage) or has more than QH_COV_MAX_FIELDS fields. Fields point
 * into `line`. */
int qh_cov_parse_at(const char *line, qh_cov_at *out);

/* The class of a field (NULL: the field is absent) against parameter p. */
qh_cov_vclass qh_cov_classify(const qh_cov_param *p, const qh_cov_field *f);

/* One result code found in expected text. */
typedef struct qh_cov_hit {
  int err;                   /* 601..., or 0 */
  int reply;                 /* the <protocol_error>, -1 when none */
  const qh_cov_command *cmd; /* +QFTPxxx: the command; NULL for +CME ERROR */
} qh_cov_hit;

/* The result codes `text` expects: "+CME ERROR: NNN" and
 * "+QFTPxxx: NNN,RRR" with exactly three digits each. With `regex`
 * backslashes are dropped first and a pattern with "|" gives nothing.
 * Returns the number of hits stored (at most max). */
size_t qh_cov_scan(const char *text, bool regex, qh_cov_hit *hits, size_t max);

/* Expands ${name} from vars (profile.* from its profile); a name vars does
 * not know is copied as written. "$$" is "$". Truncates at cap - 1. */
void qh_cov_expand(const qh_vars *vars, const char *in, char *out, size_t cap);

/* Calls emit(ctx, key) for each item key case c exercises (a key may
 * come more than once). `vars` may be NULL. */
typedef void (*qh_cov_emit)(void *ctx, const char *key);
void qh_cov_derive(const qh_case *c, const qh_vars *vars, qh_cov_emit emit,
                   void *ctx);

#endif
