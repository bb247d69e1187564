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

typedef struct qh_where {
  const char *file; /* owned by the case (qh_case.sources) */
  int line, col;    /* 1-based */
} qh_where;

/* Switches over this enum have no default, so a new kind is flagged. */
typedef enum qh_step_kind {
  QH_STEP_SEND,         /* send: "AT..."      a line, <CR> appended */
  QH_STEP_SEND_RAW,     /* send_raw: "..."    bytes, \r \n \xNN escapes */
  QH_STEP_EXPECT,       /* expect: "OK"       the next line equals this */
  QH_STEP_EXPECT_MATCH, /* expect_match: RE   the next line matches (ERE) */
  QH_STEP_WAIT_FOR,     /* wait_for: "..."    skip other lines until this */
  QH_STEP_SILENCE,      /* silence: 0.5       no byte arrives for 0.5 s */
  QH_STEP_SLEEP,        /* sleep: 0.5         just wait */
  /* Data mode (note 1.5), after CONNECT: */
  QH_STEP_SEND_DATA,    /* send_data: {size, seed} | {text}  payload bytes */
  QH_STEP_EXPECT_DATA,  /* expect_data: {size, seed} | {text} exactly these
                           bytes, counted, then line mode again */
  QH_STEP_READ_LISTING, /* read_listing: {contains: [..], absent: [..]}
                           bytes up to the "\r\nOK\r\n" that ends a
                           listing; ${data_len} = their count */
  QH_STEP_ESCAPE,       /* escape: 1.0   guard time, "+++", guard time
                           (module seconds, scaled) */
  QH_STEP_DTR,          /* dtr: down | up   (a real line only) */
} qh_step_kind;

typedef struct qh_step {
  qh_step_kind kind;
  char *text;       /* send/send_raw/expect/expect_match/wait_for; the
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
  double timeout_s; /* expect*, wait_for: 0 = the profile's default */
  qh_where where;
} qh_step;

/* One file the server's home holds when the case starts (servers/). */
typedef enum qh_file_kind {
  QH_FILE_PAYLOAD, /* size + seed: deterministic pseudo-random bytes */
  QH_FILE_TEXT,    /* text: literal content */
  QH_FILE_DIR,     /* a directory */
} qh_file_kind;

typedef struct qh_file {
  qh_file_kind kind;
  char *path;        /* relative to the FTP user's home, no ".." */
  uint64_t size;     /* payload */
  uint32_t seed;     /* payload */
  char *text;        /* text */
  bool writable;     /* dir: false makes it read-only for the FTP user */
  qh_where where;
} qh_file;

/* A fault the proxy between module and server injects (case `faults:`).
 * A case with faults reaches the server through the proxy (${port} is the
 * proxy's); faults apply to plain FTP only. */
typedef enum qh_fault_kind {
  QH_FAULT_REPLY,        /* reply: "452 ..."  replaces the reply to `on` */
  QH_FAULT_DELAY,        /* delay: 2000       ms before the reply to `on` */
  QH_FAULT_CLOSE,        /* close: control    FIN when `on` arrives */
  QH_FAULT_RESET,        /* reset: control    RST when `on` arrives */
  QH_FAULT_DATA_CLOSE,   /* data: close_after (with bytes: N) */
  QH_FAULT_DATA_RESET,   /* data: reset       RST the data connection */
  QH_FAULT_DATA_STALL,   /* data: stall       stop forwarding, keep open */
  QH_FAULT_DATA_REFUSE,  /* data: refuse      never let it connect */
  QH_FAULT_REWRITE_PASV, /* rewrite_pasv: ADDR  in 227/229 replies */
} qh_fault_kind;

typedef struct qh_fault {
  qh_fault_kind kind;
  char *on;        /* command verb, upper case ("RETR"); NULL: any / n.a. */
  int nth;         /* 1-based occurrence of `on` (or data connection);
                      0 = every one */
  char *reply;     /* REPLY: the whole reply, lines joined by "\n" */
  int delay_ms;    /* DELAY */
  int after_ms;    /* CLOSE, RESET: 0 on the command; else relay it and
                      drop this long (module time) after its reply */
  uint64_t bytes;  /* DATA_CLOSE: forward this many bytes, then FIN */
  char *address;   /* REWRITE_PASV: dotted IPv4 */
  qh_where where;
} qh_fault;

/* Wire assertions (case `wire:`), checked on the case's capture. */
typedef enum qh_wire_dir { QH_DIR_ANY, QH_DIR_DOWNLOAD, QH_DIR_UPLOAD }
    qh_wire_dir;
typedef enum qh_wire_close { QH_CLOSE_ANY, QH_CLOSE_FIN, QH_CLOSE_RST }
    qh_wire_close;
typedef enum qh_wire_opener { QH_OPENER_ANY, QH_OPENER_CLIENT,
                              QH_OPENER_SERVER } qh_wire_opener;
typedef enum qh_wire_mode { QH_MODE_ANY, QH_MODE_PASSIVE, QH_MODE_ACTIVE }
    qh_wire_mode;

typedef struct qh_wire_data {
  qh_wire_dir direction;
  int64_t bytes;         /* -1: any */
  qh_wire_close close;   /* how the module (client) side closed it */
  qh_wire_opener opened_by;
  qh_where where;
} qh_wire_data;

typedef struct qh_wire {
  bool present;
  char **commands;  /* client commands, in order (a subsequence); glob
                       patterns: "PORT *", "REST 1000", "TYPE I" */
  size_t ncommands;
  char **forbidden; /* globs no client command may match */
  size_t nforbidden;
  qh_wire_data *data; /* data connections, in order */
  size_t ndata;
  bool data_given;  /* `data:` present (an empty list: none at all) */
  int tls_control;  /* -1 unspecified, 0 plain, 1 TLS required */
  int tls_data;
  uint16_t tls_version; /* every TLS connection negotiated this (RFC 8446
                           numbering: 0x0303 is TLS 1.2); 0 unspecified */
  bool no_plaintext; /* no USER/PASS argument or payload byte in clear */
  qh_wire_mode mode;
  qh_where where;
} qh_wire;

/* Server assertions (case `server_expect:`), checked after the steps. */
typedef struct qh_server_file {
  char *path;       /* relative to the FTP home */
  bool absent;      /* must not exist */
  bool has_payload; /* equals payload (size, seed) */
  uint64_t size;
  uint32_t seed;
  char *text;       /* equals this text */
  qh_where where;
} qh_server_file;

typedef struct qh_server_expect {
  qh_server_file *files;
  size_t nfiles;
  char **log_contains; /* substrings of the case's server protocol log */
  size_t nlog;
} qh_server_expect;

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
  qh_file *files;
  size_t nfiles;
  qh_step *steps;   /* fragments (use:) already spliced in */
  size_t nsteps;
  qh_fault *faults;
  size_t nfaults;
  qh_wire wire;
  qh_server_expect expect;
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

void qh_case_free(qh_case *c);

/* true if the case carries `tag`. */
bool qh_case_has_tag(const qh_case *c, const char *tag);

/* A tag profile:KEY:VALUE (the value after the last ':'): true with KEY
 * copied to key and *value pointing into tag; false for any other tag or
 * a KEY that is empty or does not fit. */
bool qh_case_profile_tag(const char *tag, char *key, size_t keylen,
                         const char **value);

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
