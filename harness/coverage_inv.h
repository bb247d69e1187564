/* coverage_inv: what the application note asks a suite to cover.
 *
 * The required inventory is data, in one place (coverage_inv.c): the
 * note's commands (2.1-2.18) with the forms each defines, the
 * AT+QFTPCFG parameters with the note's ranges, the other commands'
 * parameters (for information), the errs of chapter 5, the FTP replies
 * of chapter 6 with the command families RFC 959 lets answer them, and
 * the sections of chapters 1-4 that describe behaviour. qh_cov_items()
 * expands it into the flat list of items the matrix reports. Nothing
 * here names a case. */
#ifndef QH_COVERAGE_INV_H
#define QH_COVERAGE_INV_H

#include <stdbool.h>
#include <stddef.h>

/* AT command forms (note 1.2.2). */
typedef enum qh_cov_form {
  QH_FORM_TEST,  /* AT+CMD=? */
  QH_FORM_QUERY, /* AT+CMD?  */
  QH_FORM_SET,   /* AT+CMD=... */
  QH_FORM_EXEC,  /* AT+CMD   */
  QH_FORM_COUNT
} qh_cov_form;

/* FTP command families a reply is counted against. */
typedef enum qh_cov_family {
  QH_FAM_NONE = -1,
  QH_FAM_LOGIN,     /* QFTPOPEN: USER, PASS, ACCT */
  QH_FAM_DIRECTORY, /* QFTPCWD, QFTPPWD, QFTPMKDIR, QFTPRMDIR */
  QH_FAM_FILE,      /* QFTPSIZE, QFTPDEL, QFTPMDTM, QFTPRENAME */
  QH_FAM_TRANSFER,  /* QFTPPUT, QFTPGET */
  QH_FAM_LISTING,   /* QFTPLIST, QFTPNLST, QFTPMLSD */
  QH_FAM_COUNT
} qh_cov_family;

/* How a parameter value is typed in the note. */
typedef enum qh_cov_vtype {
  QH_VT_INT,    /* integer in [min, max] */
  QH_VT_STRING, /* quoted string of at most max bytes */
} qh_cov_vtype;

/* Classes a sent parameter value falls in (coverage_derive.c). */
typedef enum qh_cov_vclass {
  QH_VC_MIN,        /* the range's lower end */
  QH_VC_MAX,        /* the upper end; a string of exactly max bytes */
  QH_VC_BELOW,      /* below the range */
  QH_VC_ABOVE,      /* above the range */
  QH_VC_WRONG_TYPE, /* a string for an integer, or the other way round */
  QH_VC_MISSING,    /* the field is empty or absent */
  QH_VC_TOO_LONG,   /* a string longer than max */
  QH_VC_READ_BACK,  /* (per key) a set, then a query of that key */
  QH_VC_COUNT,
  QH_VC_INSIDE = QH_VC_COUNT, /* in range, not at an end: no item */
  QH_VC_UNKNOWN,              /* holds a run-time ${variable}: no item */
} qh_cov_vclass;

typedef struct qh_cov_param {
  const char *name; /* the note's name without <> */
  qh_cov_vtype type;
  long min, max;    /* INT: range; STRING: min 0, max bytes */
} qh_cov_param;

enum { QH_COV_MAX_PARAMS = 5 };

typedef struct qh_cov_cfgkey {
  const char *key;   /* as 2.1 writes it */
  const char *alias; /* another spelling firmware and 3.2 use, or NULL */
  size_t nparams;
  qh_cov_param params[QH_COV_MAX_PARAMS];
} qh_cov_cfgkey;

typedef struct qh_cov_command {
  const char *name;    /* "QFTPCWD" */
  const char *section; /* "2.3" */
  unsigned forms;      /* 1 << qh_cov_form, the forms the note defines */
  qh_cov_family family;
  size_t nparams;      /* set-form parameters, in order */
  qh_cov_param params[QH_COV_MAX_PARAMS];
} qh_cov_command;

extern const qh_cov_command qh_cov_commands[];
extern const size_t qh_cov_ncommands;
extern const qh_cov_cfgkey qh_cov_cfgkeys[];
extern const size_t qh_cov_ncfgkeys;

/* The errs of chapter 5 a suite must cover (0 is success: not listed). */
extern const int qh_cov_errs[];
extern const size_t qh_cov_nerrs;

/* FTP replies of chapter 6; `families` has bit 1 << family set where RFC
 * 959 (and RFC 3659 for SIZE, MDTM, MLSD) lets a command of that family
 * get this reply. */
typedef struct qh_cov_reply {
  int code;
  unsigned families;
} qh_cov_reply;
extern const qh_cov_reply qh_cov_replies[];
extern const size_t qh_cov_nreplies;

/* Sections of chapters 1-4 that describe behaviour. */
extern const char *const qh_cov_sections[];
extern const size_t qh_cov_nsections;

const char *qh_cov_form_name(qh_cov_form f);       /* "test" ... */
const char *qh_cov_family_name(qh_cov_family f);   /* "login" ... */
const char *qh_cov_vclass_name(qh_cov_vclass c);   /* "min" ... "read_back" */

/* The command named `name` (without "AT+", any case), or NULL. */
const qh_cov_command *qh_cov_command_find(const char *name, size_t len);
/* The item label of parameter p of k: "rsptimeout", "account.password",
 * "data_address.type", "data_address.data_timeout". */
void qh_cov_cfg_label(const qh_cov_cfgkey *k, size_t p, char *buf, size_t len);
/* The AT+QFTPCFG key `key` (any case, either spelling), or NULL. */
const qh_cov_cfgkey *qh_cov_cfgkey_find(const char *key, size_t len);
/* The family of an FTP verb ("RETR" -> transfer); QH_FAM_NONE for the
 * verbs both transfers and listings send (PASV, PORT, TYPE, ...) and for
 * unknown ones; *shared says it is one of those shared verbs. */
qh_cov_family qh_cov_verb_family(const char *verb, bool *shared);

/* Item kinds of the matrix. */
typedef enum qh_cov_kind {
  QH_KIND_FORM,    /* "form:QFTPCWD:set" */
  QH_KIND_CFG,     /* "cfg:rsptimeout:min", "cfg:account.password:too_long",
                      "cfg:rsptimeout:read_back" */
  QH_KIND_ERR,     /* "err:627" */
  QH_KIND_REPLY,   /* "reply:550:directory" */
  QH_KIND_POST,    /* "post:627": a command after err 627 */
  QH_KIND_SECTION, /* "section:2.3" */
  QH_KIND_ARG,     /* "arg:QFTPOPEN.port:above" (informational) */
  QH_KIND_COUNT
} qh_cov_kind;

const char *qh_cov_kind_name(qh_cov_kind k); /* "form", "cfg", ... */

typedef struct qh_cov_item {
  qh_cov_kind kind;
  char key[80];
  bool required;
} qh_cov_item;

/* Every item of the inventory in a fixed order (kinds in enum order).
 * Returns a malloc'ed array (*n items), or NULL when out of memory. */
qh_cov_item *qh_cov_items(size_t *n);

#endif
