/* px_fault: the one table of fault kinds.
 *
 * The proxy implements the faults, so it owns their names: how a case file
 * spells each kind (harness loader), how the rules file spells it (written
 * by the harness, read by px_rules.c), which parameters it takes, and what
 * triggers it. Everything that asks "which kind is this" or "does this kind
 * take X" asks this table. */
#ifndef PX_FAULT_H
#define PX_FAULT_H

#include <stdbool.h>
#include <stddef.h>

/* Switches over this enum have no default, so a new kind is flagged. */
typedef enum px_kind {
  PX_KIND_REPLY,        /* answer `on` ourselves, do not forward it */
  PX_KIND_DELAY,        /* hold the server's reply to `on` delay_ms */
  PX_KIND_CLOSE,        /* FIN both control sides when `on` arrives */
  PX_KIND_RESET,        /* RST the client's control side when `on` arrives */
  PX_KIND_DATA_CLOSE,   /* forward `bytes`, then FIN both data sides */
  PX_KIND_DATA_RESET,   /* RST the client's data side once connected */
  PX_KIND_DATA_STALL,   /* stop forwarding, keep both data sides open */
  PX_KIND_DATA_REFUSE,  /* no data connection reaches the client */
  PX_KIND_REWRITE_PASV, /* put `address` in every 227 */
  PX_KIND_COUNT
} px_kind;

/* A fault's parameters, in the order the rules file lists them. */
typedef enum px_param {
  PX_PARAM_ON,      /* command verb that fires it */
  PX_PARAM_NTH,     /* which occurrence (or data connection); 0 = every */
  PX_PARAM_REPLY,   /* the injected reply text */
  PX_PARAM_AFTER,   /* close/reset: ms after the command's reply */
  PX_PARAM_DELAY,   /* ms the reply is held */
  PX_PARAM_BYTES,   /* data bytes forwarded before the fault */
  PX_PARAM_ADDRESS, /* dotted IPv4 for 227 */
  PX_PARAM_COUNT,
  PX_PARAM_NONE = PX_PARAM_COUNT
} px_param;

#define PX_P(p) (1u << (p)) /* a px_param as a bit of takes / needs */

/* What triggers a kind. */
typedef enum px_fault_trigger {
  PX_ON_COMMAND, /* a command verb (`on`, its nth occurrence) */
  PX_ON_DATA,    /* the session's nth data connection */
  PX_ON_PASV,    /* every 227 reply */
} px_fault_trigger;

/* What a control fault does to the client's control connection. */
typedef enum px_fault_drop {
  PX_DROP_NONE,
  PX_DROP_FIN, /* shutdown: an orderly close */
  PX_DROP_RST, /* abortive close */
} px_fault_drop;

typedef struct px_fault_def {
  px_kind kind;
  const char *json;       /* "kind" in the rules file */
  const char *case_key;   /* its key in a case's `faults:` item */
  const char *case_value; /* the value of case_key that names this kind
                             (data: stall, close: control); NULL: the key
                             alone does and its value is value_param */
  px_param value_param;   /* what the case key's value carries, or NONE */
  unsigned takes;         /* PX_P() bits it may carry */
  unsigned needs;         /* PX_P() bits it must carry */
  px_fault_trigger trigger;
  int rank;               /* on one command the highest rank wins */
  px_fault_drop drop;
  bool greeting;          /* may fire on the server's greeting */
} px_fault_def;

/* Indexed by px_kind. */
extern const px_fault_def px_faults[PX_KIND_COUNT];

/* The row of k, or NULL when k is not a kind. */
const px_fault_def *px_fault_of(px_kind k);

/* The row whose rules-file spelling is `json`, or NULL. */
const px_fault_def *px_fault_by_json(const char *json);

/* The row a case file's `key: value` names, or NULL. For a key whose
 * rows have case_value, the value picks the row; else the key alone. */
const px_fault_def *px_fault_by_case(const char *key, const char *value);

/* "reply", "delay", ... as written in the rules file; "?" for no kind. */
const char *px_kind_name(px_kind k);

/* The rules-file spelling of a parameter ("delay_ms"). */
const char *px_param_json(px_param p);

/* "FIN" / "RST" / "" for logs. */
const char *px_drop_name(px_fault_drop d);

/* "a, b and c": the rules-file names of the kinds for which want(row)
 * holds, for messages. */
void px_fault_kinds_str(bool (*want)(const px_fault_def *, unsigned),
                        unsigned arg, char *buf, size_t len);

#endif
