/* case: the in-memory form of one case file (cases/FORMAT.md).
 *
 * A case is loaded once by case_load.c and then only read. Every string is
 * owned by the case and freed by qh_case_free. Text fields keep their
 * ${...} references; the engine substitutes them at run time. Each step and
 * file remembers where it was written (file:line:col) for messages. */
#ifndef QH_CASE_H
#define QH_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "px_fault.h"  /* px_kind: faults: */
#include "qc_where.h"
#include "srv_expect.h" /* srv_expect: server_expect: */
#include "srv_home.h"   /* srv_file: files: */
#include "wire_expect.h" /* wire_expect: wire: */

/* Longest sim_control line (qftp-sim reads lines of at most 64 bytes). */
#define QH_SIM_CONTROL_MAX 60

/* file is owned by the case (qh_case.sources). */
typedef qc_where qh_where;

/* Switches over this enum have no default, so a new kind is flagged. */
typedef enum qh_step_kind {
  QH_STEP_SEND,         /* send: "AT..."      a line, <CR> appended */
  QH_STEP_SEND_RAW,     /* send_raw: "..."    bytes, \r \n \xNN escapes */
  QH_STEP_EXPECT,       /* expect: "OK"       the next line equals this */
  QH_STEP_EXPECT_MATCH, /* expect_match: RE   the next line matches (ERE) */
  QH_STEP_WAIT_FOR,     /* wait_for: "..."    skip other lines until this */
  QH_STEP_WAIT_MATCH,   /* wait_match: RE     skip other lines until one
                           matches (ERE) */
  QH_STEP_SILENCE,      /* silence: 0.5       no byte arrives for 0.5 s */
  QH_STEP_SLEEP,        /* sleep: 0.5         just wait */
  /* Data mode (note 1.5), after CONNECT: */
  QH_STEP_SEND_DATA,    /* send_data: {size, seed} | {text}  payload bytes */
  QH_STEP_EXPECT_DATA,  /* expect_data: {size, seed} | {text} exactly these
                           bytes, counted, then line mode again */
  QH_STEP_READ_LISTING, /* read_listing: {contains: [..], absent: [..]}
                           bytes up to the "\r\nOK\r\n" the command's
                           URC follows (an entry named OK does not end
                           it); ${data_len} = their count */
  QH_STEP_ESCAPE,       /* escape: 1.0   guard time, "+++", guard time
                           (module seconds, scaled) */
  QH_STEP_DTR,          /* dtr: down | up   (a real line only) */
  QH_STEP_SIM_CONTROL,  /* sim_control: "pdp-drop 1"  a line to the
                           simulator's control channel, answered "ok"
                           (needs:sim-control) */
} qh_step_kind;

typedef struct qh_step {
  qh_step_kind kind;
  char *text;       /* send/send_raw/expect/expect_match/wait_for/
                       sim_control; the
                       {text} form of send_data/expect_data (escapes as
                       send_raw) */
  double seconds;   /* silence/sleep duration; escape guard time */
  bool has_payload; /* send_data/expect_data: {size, seed} form */
  uint64_t size;    /* payload bytes */
  uint32_t seed;    /* payload seed (default 1) */
  uint64_t offset;  /* payload bytes [offset, offset+size) (startpos) */
  char **contains;  /* read_listing: names that must appear */
  size_t ncontains;
  char **absent;    /* read_listing: names that must not appear */
  size_t nabsent;
  bool up;          /* dtr */
  double timeout_s; /* expect*, wait_*: 0 = the profile's default */
  char *busy;       /* expect*, wait_*: this line says the module is busy */
  bool optional;    /* a failure is noted and the steps go on */
  bool scaled;      /* silence: seconds of module time (--time-scale) */
  char *if_sent;    /* ERE: the step plays only when a line the case sent
                       matches it (teardown: what the case never changed
                       needs no reset) */
  qh_where where;
} qh_step;


/* A fault the proxy between module and server injects (case `faults:`).
 * A case with faults reaches the server through the proxy (${port} is the
 * proxy's); faults apply to plain FTP only. The kinds, their spellings and
 * the parameters each takes are the proxy's table (px_fault.h). */
typedef struct qh_fault {
  px_kind kind;
  char *on;        /* command verb, upper case ("RETR"); NULL: any / n.a. */
  int nth;         /* 1-based occurrence of `on` (or data connection);
                      0 = every one */
  char *reply;     /* PX_KIND_REPLY: the whole reply, lines joined by "\n" */
  int delay_ms;    /* PX_KIND_DELAY */
  int after_ms;    /* PX_KIND_CLOSE, _RESET: 0 on the command; else relay
                      it and drop this long (module time) after its reply */
  uint64_t bytes;  /* PX_KIND_DATA_CLOSE: forward this many bytes, then FIN
                      (and _STALL, _RESET: that many first) */
  char *address;   /* PX_KIND_REWRITE_PASV: dotted IPv4 */
  qh_where where;
} qh_fault;



typedef struct qh_case {
  char *id;    /* unique, [a-z0-9._-]+; also the report directory name */
  char *title;
  char *spec;  /* application-note section, e.g. "2.3" */
  char *path;  /* the case file */
  char **tags;
  size_t ntags;
  char *server;     /* server profile: "plain" (default), "ftps-explicit",
                       "ftps-implicit", "ftps-legacy", "ftps-reuse",
                       "mlsd" or "none" */
  srv_file *files;
  size_t nfiles;
  qh_step *steps;   /* fragments (use:) already spliced in */
  size_t nsteps;
  qh_fault *faults;
  size_t nfaults;
  wire_expect wire;
  srv_expect expect;
  char **sources;   /* file names steps point into (the case, fragments) */
  size_t nsources;
} qh_case;

/* Loads one case file. Fragments named by `use:` are read from
 * `fragments_dir`/<name>.yaml. Returns 0, or -1 with
 * "file:line:col: what is wrong" in err. */
int qh_case_load(const char *path, const char *fragments_dir, qh_case **out,
                 char *err, size_t errlen);

/* As qh_case_load, and the file's `id:` must equal want_id (the id its
 * place under the cases root gives, case_id.h); NULL checks nothing. */
int qh_case_load_as(const char *path, const char *fragments_dir,
                    const char *want_id, qh_case **out, char *err,
                    size_t errlen);

/* As qh_case_load_as, the case and its fragments read through src
 * (qc_yaml.h; NULL: the file system), for tests and fuzzing. */
struct qc_yaml_src;
int qh_case_load_src(const struct qc_yaml_src *src, const char *path,
                     const char *fragments_dir, const char *want_id,
                     qh_case **out, char *err, size_t errlen);

void qh_case_free(qh_case *c);

/* true if the case carries `tag`. */
bool qh_case_has_tag(const qh_case *c, const char *tag);

/* A tag profile:KEY:VALUE, or profile-not:KEY:VALUE (negated: the case
 * runs where KEY has any other value), the value after the last ':': true
 * with KEY copied to key, *value pointing into tag and *negated set; false
 * for any other tag or a KEY that is empty or does not fit. */
bool qh_case_profile_tag(const char *tag, char *key, size_t keylen,
                         const char **value, bool *negated);

const char *qh_step_kind_name(qh_step_kind k);

/* The loader's key table, for documentation checks: the i-th key a case or
 * fragment file may hold (reserved keys included), or NULL past the end;
 * *scope (if given) says where it goes: "case", "server", "file", "step",
 * "data" (send_data/expect_data value), "listing", "fault", "wire",
 * "wire.data", "wire.tls", "server_expect", "server_expect.file",
 * "fragment". A name may appear in several scopes. */
size_t qh_case_key_count(void);
const char *qh_case_key_name(size_t i, const char **scope);

#endif
