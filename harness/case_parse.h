/* case_parse: what the loader's files (case_load.c, case_keys.c,
 * case_parse.c, case_steps.c, case_faults.c, case_wire.c,
 * case_server_expect.c) share. Internal to the loader: nothing outside
 * harness/case_*.c includes it; the public API is case.h.
 *
 * Every cl_* function that can fail returns -1 (or NULL) after writing
 * "file:line:col: what" into the loader's error buffer. */
#ifndef QH_CASE_PARSE_H
#define QH_CASE_PARSE_H

#include "case.h"
#include "qc_yaml.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

enum {
  CL_MAX_FILE = 1 << 20,    /* bytes of one case or fragment file */
  CL_MAX_STEPS = 10000,     /* steps of a case, fragments spliced in */
  CL_MAX_STRING = 64 << 10, /* bytes of any scalar */
  CL_MAX_FRAG_DEPTH = 4,    /* case -> f1 -> f2 -> f3 -> f4 */
  CL_MAX_ID = 64,
  CL_MAX_TAGS = 64,
  CL_MAX_TAG = 64,
  CL_MAX_SPEC = 16,
  CL_MAX_FILES = 1000, /* server.files, server_expect.files */
  CL_MAX_PATH = 255,
  CL_MAX_FRAG_NAME = 64,
  CL_MAX_VAR_NAME = 63, /* vars.h: QH_VAR_NAME_MAX with its NUL */
  CL_MAX_LIST = 1000,   /* items of a string list (contains, commands...) */
  CL_MAX_FAULTS = 64,
  CL_MAX_WIRE_DATA = 1000,
  CL_MAX_NTH = 1000000,
  CL_MAX_DELAY_MS = 600000,
  /* Text copied into one case, all strings together: aliases and reused
   * fragments count each time, so a small file cannot expand without
   * limit. */
  CL_MAX_TEXT_TOTAL = 32 << 20,
};

#define CL_MAX_SECONDS 600.0
#define CL_MAX_ESCAPE_S 10.0
#define CL_MAX_PAYLOAD ((uint64_t)1 << 40)
/* A server file is written to disk before the case: 4 GiB at most
 * (servers/srv_home.h, SRV_HOME_PAYLOAD_MAX). */
#define CL_MAX_FILE_PAYLOAD ((uint64_t)4 << 30)

/* Where a key may appear (the names are in case_keys.c). */
typedef enum cl_scope {
  SC_CASE,      /* top level of a case file */
  SC_SERVER,    /* inside server: */
  SC_FILE,      /* inside one server.files entry */
  SC_STEP,      /* inside one steps entry */
  SC_DATA,      /* the value of send_data / expect_data */
  SC_LISTING,   /* the value of read_listing */
  SC_FAULT,     /* one faults entry */
  SC_WIRE,      /* inside wire: */
  SC_WIRE_DATA, /* one wire.data entry */
  SC_WIRE_TLS,  /* inside wire.tls */
  SC_SEXPECT,   /* inside server_expect: */
  SC_SFILE,     /* one server_expect.files entry */
  SC_FRAGMENT,  /* top level of a fragment file */
  SC_COUNT
} cl_scope;

/* One id per key name; a name used in several scopes shares its id (a
 * mapping is walked against one scope, so ids never clash within it). */
typedef enum cl_key {
  K_ID,
  K_TITLE,
  K_SPEC,
  K_TAGS,
  K_SERVER,
  K_STEPS,
  K_FAULTS,
  K_WIRE,
  K_SERVER_EXPECT,
  K_PROFILE,
  K_FILES,
  K_PATH,
  K_SIZE,
  K_SEED,
  K_OFFSET,
  K_TEXT,
  K_DIR,
  K_WRITABLE,
  K_SEND,
  K_SEND_RAW,
  K_EXPECT,
  K_EXPECT_MATCH,
  K_WAIT_FOR,
  K_WAIT_MATCH,
  K_SILENCE,
  K_SLEEP,
  K_SEND_DATA,
  K_EXPECT_DATA,
  K_READ_LISTING,
  K_ESCAPE,
  K_DTR,
  K_SIM_CONTROL,
  K_USE,
  K_TIMEOUT,
  K_BUSY,
  K_OPTIONAL,
  K_IF_SENT,
  K_SCALED,
  K_CONTAINS,
  K_ABSENT,
  K_REPLY,
  K_DELAY,
  K_CLOSE,
  K_RESET,
  K_DATA,
  K_REWRITE_PASV,
  K_ON,
  K_NTH,
  K_BYTES,
  K_COMMANDS,
  K_FORBIDDEN,
  K_MODE,
  K_TLS,
  K_NO_PLAINTEXT,
  K_DIRECTION,
  K_OPENED_BY,
  K_CONTROL,
  K_VERSION,
  K_AFTER,
  K_LOG_CONTAINS,
  K_FTITLE,
  K_FSTEPS,
  K_COUNT
} cl_key;

enum {
  KF_REQUIRED = 1 << 0, /* must be present in its mapping */
  KF_RESERVED = 1 << 1, /* reserved for a later issue: rejected for now */
  KF_STEP = 1 << 2,     /* a step key: exactly one per step */
  KF_TIMEOUT = 1 << 3,  /* a step that takes `timeout:` */
  KF_KIND = 1 << 4,     /* a fault kind: exactly one per fault */
  KF_LINE = 1 << 5,     /* a step that waits for a line: takes `busy:` */
};

typedef struct cl_keydef {
  const char *name;
  cl_scope scope;
  cl_key key;
  unsigned flags;
  qh_step_kind kind; /* step keys but use: */
} cl_keydef;

extern const cl_keydef cl_keys[];
extern const size_t cl_nkeys;

/* One parsed file: the case or a fragment. */
typedef struct cl_doc {
  const char *file; /* owned by the case (sources) */
  yaml_document_t d;
} cl_doc;

typedef struct cl_loader {
  qh_case *c;
  const char *fragments_dir;
  const qc_yaml_src *src; /* where files are read; NULL: the file system */
  const char *want_id; /* the id the file's place gives; NULL: not checked */
  char *err;
  size_t errlen;
  const char *stack[CL_MAX_FRAG_DEPTH + 1]; /* fragments being spliced */
  int depth;
  size_t steps_cap, files_cap, tags_cap, sources_cap;
  size_t copied; /* bytes cl_dup copied so far (CL_MAX_TEXT_TOTAL) */
} cl_loader;

/* case_keys.c: the key table and the server profiles. */
void cl_scope_keys(cl_scope sc, unsigned need, char *buf, size_t len);
const cl_keydef *cl_find_key(cl_scope sc, const char *name);
/* true if `name` is a server profile; *ftps says whether it is FTPS. */
bool cl_server_profile(const char *name, bool *ftps);
void cl_server_profiles(char *buf, size_t len); /* "plain, ftps-..." */

/* case_parse.c: messages. */
void cl_fail(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cl_append_err(cl_loader *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* case_parse.c: nodes and scalars. */
yaml_node_t *cl_node(const cl_doc *dc, int id);
qh_where cl_where(const cl_doc *dc, const yaml_node_t *n);
const char *cl_scalar(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                      const char *what);
const char *cl_nonempty(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                        const char *what);
bool cl_chars_in(const char *s, size_t max, const char *extra, bool upper);
bool cl_parse_seconds(const char *s, double *out);
bool cl_parse_u64(const char *s, uint64_t max, uint64_t *out);
int cl_parse_bool(const char *s, bool *out);
bool cl_good_rel_path(const char *p);
int cl_seconds_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                     const char *what, bool zero_ok, double *out);
/* An integer in [min, max]; `unit` names it in the message ("bytes"). */
int cl_u64_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                 const char *what, uint64_t min, uint64_t max, const char *unit,
                 uint64_t *out);
int cl_bool_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                  const char *what, bool *out);
/* A copy of a path under the FTP home (cl_good_rel_path); `label` names
 * the scalar when empty, `what` the entry when the path is bad. */
char *cl_path_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                    const char *what, const char *label);
/* A generated payload (qc_payload.h): vals[K_SIZE] in bytes, required;
 * vals[K_SEED] optional, 1 when absent. Messages: "what: size: ...". */
int cl_payload_value(cl_loader *l, const cl_doc *dc,
                     yaml_node_t *const vals[K_COUNT], const char *what,
                     uint64_t max, uint64_t *size, uint32_t *seed);
/* The index of the scalar's value in names[0..n), as in "down | up". */
int cl_enum_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                  const char *what, const char *const *names, size_t count,
                  int *out);
int cl_check_vars(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                  const char *what, const char *s, char *subst);
int cl_check_regex(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                   const char *what, const char *s);
/* A sequence of non-empty, single-line strings (at most CL_MAX_LIST),
 * each checked for ${...} with `vars`. */
int cl_string_list(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq,
                   const char *what, bool vars, char ***out, size_t *n);

/* case_parse.c: memory (grown slots are zeroed for qh_case_free). */
int cl_grow(cl_loader *l, const cl_doc *dc, const yaml_node_t *n, void **arr,
            size_t *cap, size_t count, size_t elem);
char *cl_dup(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
             const char *s);

/* case_parse.c: mappings. */
int cl_walk_map(cl_loader *l, const cl_doc *dc, const yaml_node_t *map,
                cl_scope sc, const char *what, yaml_node_t *kn[K_COUNT],
                yaml_node_t *vals[K_COUNT]);
int cl_expect_type(cl_loader *l, const cl_doc *dc, const yaml_node_t *n,
                   yaml_node_type_t t, const char *what);
/* A list item that must be a mapping (`shape` names it in the message:
 * "a mapping", "a mapping with one step key"), walked like cl_walk_map
 * with messages prefixed "what: " (`what` under 64 bytes). */
int cl_walk_item(cl_loader *l, const cl_doc *dc, const yaml_node_t *map,
                 cl_scope sc, const char *what, const char *shape,
                 yaml_node_t *kn[K_COUNT], yaml_node_t *vals[K_COUNT]);
/* The one of keys[0..count) present in kn (a file's size, text or dir);
 * NULL after an error if none or two. `list` names them ("size, text"). */
const yaml_node_t *cl_one_of(cl_loader *l, const cl_doc *dc,
                             const yaml_node_t *map, yaml_node_t *kn[K_COUNT],
                             const cl_key *keys, size_t count, const char *what,
                             const char *list);
/* The one key of `sc` with flag `flag` present in kn (a step key, a fault
 * kind); NULL after an error if none or two. `noun` names it ("step
 * key"), `unit` the thing it belongs to ("step"). */
const cl_keydef *cl_pick_one(cl_loader *l, const cl_doc *dc,
                             const yaml_node_t *map, cl_scope sc, unsigned flag,
                             const char *what, const char *noun,
                             const char *unit, yaml_node_t *kn[K_COUNT]);

/* case_load.c: documents. */
const char *cl_add_source(cl_loader *l, const char *path);
int cl_open_doc(cl_loader *l, const char *path, cl_doc *dc, yaml_node_t **root);
void cl_close_doc(cl_doc *dc);

/* The sections: case_steps.c, case_faults.c, case_wire.c,
 * case_server_expect.c. */
int cl_load_steps(cl_loader *l, const cl_doc *dc, const yaml_node_t *seq);
int cl_load_faults(cl_loader *l, const cl_doc *dc, const yaml_node_t *key,
                   const yaml_node_t *seq);
int cl_load_wire(cl_loader *l, const cl_doc *dc, const yaml_node_t *map);
int cl_load_server_expect(cl_loader *l, const cl_doc *dc,
                          const yaml_node_t *key, const yaml_node_t *map);

#endif
