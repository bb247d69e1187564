/* px_rules: the proxy's fault rules, read from the rules file (JSON).
 *
 * The harness rewrites the file before each case; the proxy reads it again
 * at each new control connection, so a session keeps the rules it started
 * with. Format (README.md):
 *   {"faults":[{"kind":"reply","on":"RETR","nth":1,"reply":"452 ..."}, ...]}
 * A px_rules owns all its strings (px_rules_free). */
#ifndef PX_RULES_H
#define PX_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "px_fault.h" /* px_kind */

/* The `on` of a reply rule that replaces the server's first reply (its
 * greeting, RFC 959 5.4 "connection establishment") instead of the reply
 * to a command. */
#define PX_ON_GREETING "GREETING"

enum {
  PX_VERB_MAX = 16,           /* longest command verb we count (RFC 959: 4) */
  PX_REPLY_TEXT_MAX = 4096,   /* longest injected reply */
  PX_RULES_MAX = 64,          /* faults per file */
  PX_RULES_FILE_MAX = 1 << 20 /* rules file size */
};

typedef struct px_rule {
  px_kind kind;
  char on[PX_VERB_MAX]; /* upper case verb; "" for data kinds */
  int nth;              /* 1-based occurrence; 0 = every one */
  char *reply;          /* REPLY: whole replies, lines joined by "\n" */
  int delay_ms;         /* DELAY */
  int after_ms;         /* CLOSE, RESET: 0 at once (the command is not
                           forwarded); else the command is relayed and the
                           drop comes this long after its final reply: a
                           server dropping an idle session */
  uint64_t bytes;       /* DATA_CLOSE */
  char address[64];     /* REWRITE_PASV: dotted IPv4 */
} px_rule;

typedef struct px_rules {
  px_rule *v;
  size_t n;
} px_rules;

/* Parses JSON text. 0, or -1 with a message in err (rules left empty).
 * An empty text (only white space) means no faults. */
int px_rules_parse(const char *text, size_t len, px_rules *out, char *err,
                   size_t errlen);

/* Reads and parses `path`; a missing or empty file means no faults. */
int px_rules_load(const char *path, px_rules *out, char *err, size_t errlen);

void px_rules_free(px_rules *r);

/* Per-session occurrence counters of command verbs. */
enum { PX_COUNT_VERBS = 64 };
typedef struct px_counts {
  struct {
    char verb[PX_VERB_MAX];
    unsigned n;
  } v[PX_COUNT_VERBS];
  size_t n;
} px_counts;

/* Counts one occurrence of `verb` (any case) and returns the first
 * control rule (reply/delay/close/reset) that fires on it, or NULL.
 * Close and reset win over reply, reply over delay. Verbs beyond
 * PX_COUNT_VERBS distinct ones still match nth == 0 rules. */
const px_rule *px_rules_on_command(const px_rules *r, px_counts *c,
                                   const char *verb);

/* The data rule (data_*) for the session's n-th (1-based) data channel,
 * or NULL. */
const px_rule *px_rules_on_data(const px_rules *r, unsigned n);

/* The rewrite_pasv address, or NULL. */
const char *px_rules_pasv_address(const px_rules *r);

#endif
