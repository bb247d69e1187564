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
} qh_step_kind;

typedef struct qh_step {
  qh_step_kind kind;
  char *text;       /* send/send_raw/expect/expect_match/wait_for */
  double seconds;   /* silence/sleep duration */
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

typedef struct qh_case {
  char *id;    /* unique, [a-z0-9._-]+; also the report directory name */
  char *title;
  char *spec;  /* application-note section, e.g. "2.3" */
  char *path;  /* the case file */
  char **tags;
  size_t ntags;
  char *server;     /* server profile: "plain" (default), "ftps-explicit",
                       "ftps-implicit" or "none" */
  qh_file *files;
  size_t nfiles;
  qh_step *steps;   /* fragments (use:) already spliced in */
  size_t nsteps;
  char **sources;   /* file names steps point into (the case, fragments) */
  size_t nsources;
} qh_case;

/* Loads one case file. Fragments named by `use:` are read from
 * `fragments_dir`/<name>.yaml. Returns 0, or -1 with
 * "file:line:col: what is wrong" in err. */
int qh_case_load(const char *path, const char *fragments_dir, qh_case **out,
                 char *err, size_t errlen);

void qh_case_free(qh_case *c);

/* true if the case carries `tag`. */
bool qh_case_has_tag(const qh_case *c, const char *tag);

const char *qh_step_kind_name(qh_step_kind k);

/* The loader's key table, for documentation checks: the i-th key a case or
 * fragment file may hold (reserved keys included), or NULL past the end;
 * *scope (if given) says where it goes: "case", "server", "file", "step",
 * "fragment". */
size_t qh_case_key_count(void);
const char *qh_case_key_name(size_t i, const char **scope);

#endif
