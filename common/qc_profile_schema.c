/* qc_profile_schema: the one table of profile keys (qc_profile_schema.h). */
#include "qc_profile_schema.h"

#include "qc_err.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const quote_choices[] = {"", "\"", NULL};
static const char *const cfg_invalid_choices[] = {"ERROR", "+CME ERROR: 610",
                                                  NULL};
static const char *const key_match_choices[] = {"exact", "nocase", "loose",
                                                NULL};

/* Defaults are the note's value where the note fixes one (open = false);
 * where it leaves the value open, the value this project assumes. */
static const qc_pkey rows[] = {
    {"name", QC_PT_STRING, QC_PK_META, 0, 64, NULL, NULL, false, "",
     "the profile's name (required; not inherited)"},
    {"description", QC_PT_STRING, QC_PK_META, 0, 512, NULL, "", false, "",
     "one line for people, where sources conflict too (not inherited)"},
    {"base", QC_PT_STRING, QC_PK_META, 0, 64, NULL, NULL, false, "",
     "profile this one starts from (fixtures/profiles/<base>.yaml); without "
     "it, the defaults below"},
    {"test", QC_PT_BOOL, QC_PK_META, 0, 0, NULL, "false", false, "",
     "a profile for the project's own tests: values other than the note's "
     "need no evidence (not inherited)"},
    {"pwd_quote", QC_PT_ENUM, QC_PK_MODULE, 0, 0, quote_choices, "", false,
     "2.4",
     "quote around `<path_name>` in `+QFTPPWD: 0,<path_name>` (2.4 shows it "
     "bare)"},
    {"mdtm_quote", QC_PT_ENUM, QC_PK_MODULE, 0, 0, quote_choices, "\"",
     false, "2.14, 3.4",
     "quote around `<time>` in `+QFTPMDTM: 0,<time>` (2.14 types it a "
     "string, 3.4 quotes it)"},
    {"account_mask", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false", false,
     "2.1",
     "the `AT+QFTPCFG=\"account\"` query masks the password (2.1 answers "
     "`<username>,<password>`)"},
    {"nlst_alias", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false", false,
     "2.12", "`AT+QFTPNLIST` is accepted as `AT+QFTPNLST`"},
    {"plus_aborts_upload", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false",
     false, "1.5, 2.5",
     "`+++` during a `COM:` upload aborts it instead of ending it (1.5: it "
     "ends the upload)"},
    {"plus_aborts_download", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false",
     false, "1.5",
     "`+++` during a `COM:` download aborts it (`AT+QFTPSTAT` back to 1, "
     "`ATO` answers `NO CARRIER`) instead of pausing it (1.5: `ATO` "
     "resumes)"},
    {"busy_after_data_fail", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false",
     true, "2.5, 2.6, 5",
     "after the module fails to open a data connection (`615` with no "
     "server reply), every FTP command "
     "answers `+CME ERROR: 603` until `AT+QFTPCLOSE` (the note says nothing "
     "of the session after a 615)"},
    {"close_async", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "true", false,
     "2.18",
     "`AT+QFTPCLOSE` answers `OK` first, then `+QFTPCLOSE: 0,0`; a new open "
     "before that gets `+CME ERROR: 603`"},
    {"cfg_invalid", QC_PT_ENUM, QC_PK_MODULE, 0, 0, cfg_invalid_choices,
     "ERROR", false, "2.1",
     "what `AT+QFTPCFG` answers to a setting it refuses (2.1: \"OK or "
     "ERROR\")"},
    {"cfg_key_match", QC_PT_ENUM, QC_PK_MODULE, 0, 0, key_match_choices,
     "nocase", true, "2.1, 3.2",
     "how `AT+QFTPCFG` matches its keys: `exact` takes only the note's "
     "spellings (`\"account\"`, `\"filetype\"`, `\"transmode\"`, "
     "`\"contextid\"`, `\"rsptimeout\"`, `\"ssltype\"`, `\"SSL_ctxID\"` "
     "and 3.2's `\"sslctxid\"`, `\"data_address\"`, `\"restenable\"`, "
     "`\"cache\"`), `nocase` any letter case of them, `loose` letter case "
     "and `_` ignored (`\"rsp_time_out\"`); anything else is refused like a "
     "bad value. The note writes one key as `\"SSL_ctxID\"` (2.1) and "
     "`\"sslctxid\"` (3.2) and says nothing of letter case; clients of "
     "real modules write the keys in lower case: `nocase`"},
    {"dtr_d2_aborts", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "true", true,
     "1.5",
     "after `AT&D2`, dropping DTR in data mode ends the transfer (`OK`, no "
     "URC, `ATO` answers `NO CARRIER`), as V.250 6.2.9's &D2 ends a call; "
     "`false`: it leaves data mode as with `AT&D1`. The note names only "
     "&D1 (1.5); no log shows a module's &D2"},
    {"at_prefix_any_case", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false",
     false, "1.2",
     "`At` and `aT` are taken as the command prefix (1.2: a line starts "
     "with `AT` or `at`, as V.25ter 5.2.1 says); `false`: such a line is "
     "answered `ERROR`"},
    {"uploadlen_without_beof", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false",
     false, "2.5",
     "`AT+QFTPPUT=<file>,\"COM:\",<startpos>,<uploadlen>` without `<beof>` "
     "(or `<beof>` without `<uploadlen>`) is taken, the missing `<beof>` "
     "as 1 (2.5 gives the two together); `false`: `+CME ERROR: 610`"},
    {"keep_partial_download", QC_PT_BOOL, QC_PK_MODULE, 0, 0, NULL, "false",
     true, "2.6",
     "a failed `AT+QFTPGET` to `UFS:`/`SD:` leaves the local file with what "
     "arrived (the note does not say; `false`: the file is removed before "
     "the failing `+QFTPGET` URC, so `AT+QFLST` shows none)"},
    {"max_account_len", QC_PT_INT, QC_PK_MODULE, 1, 255, NULL, "255", false,
     "2.1",
     "longest user name / password `AT+QFTPCFG=\"account\"` accepts (2.1: "
     "at most 255 bytes)"},
    {"open_refused_err", QC_PT_ERR, QC_PK_MODULE, 0, 0, NULL, "606", true,
     "2.2, 5",
     "`<err>` of `+QFTPOPEN` when the server refuses the TCP connection"},
    {"ftps_active_refused", QC_PT_STRING, QC_PK_MODULE, 0, 64, NULL,
     "+CME ERROR: 610", true, "2.1",
     "what `AT+QFTPOPEN` answers for FTPS in active mode (2.1: FTPS is "
     "passive only; how it is refused is not said)"},
    {"stat_initial", QC_PT_INT, QC_PK_MODULE, 0, 4, NULL, "4", true, "2.17",
     "`+QFTPSTAT` value before the first `AT+QFTPOPEN` (2.17 lists 0-4)"},
    {"resume_attempts", QC_PT_INT, QC_PK_MODULE, 0, 10, NULL, "3", true,
     "2.1",
     "with `AT+QFTPCFG=\"cache\",2` (2.1: \"resumable download\"), how "
     "often a download to `UFS:`/`SD:` whose data connection breaks (reset, "
     "cut, 426, 451) is continued on a new one with `REST <bytes stored>`; "
     "0: never (the note gives no number, and no log shows one)"},
    {"pdp_deact_err", QC_PT_ERR, QC_PK_MODULE, 0, 0, NULL, "605", true,
     "1.4, 4.2, 4.3, 5",
     "`<err>` the FTP session ends with when its PDP context goes "
     "(`AT+QIDEACT`, or the network: `+QIURC: \"pdpdeact\"`): the URC of "
     "what was in flight, else `+QFTPCLOSE: <err>,0` (the note says nothing; "
     "4.2/4.3 point at 605 \"network error\")"},
    {"response_ms.qftpcfg", QC_PT_INT, QC_PK_MODULE, 1, 600000, NULL, "300",
     false, "2.1",
     "maximum response time of `AT+QFTPCFG`, ms: command to its `OK` "
     "(2.1: 300 ms); checked on every case "
     "(harness/resp_time.h)"},
    {"response_ms.qftpopen", QC_PT_INT, QC_PK_MODULE, 1, 600000, NULL,
     "125000", false, "2.2",
     "maximum response time of `AT+QFTPOPEN`, ms: command to its "
     "`+QFTPOPEN:` URC (2.2: 125 s); the other FTP commands are bounded by "
     "`AT+QFTPCFG=\"rsptimeout\"` (2.1 `<timeout>`)"},
    {"response.tolerance_pct", QC_PT_INT, QC_PK_HARNESS, 0, 1000, NULL, "10",
     true, "",
     "a maximum response time is exceeded past bound x (1 + this / 100) "
     "plus `response.margin_ms`"},
    {"response.margin_ms", QC_PT_INT, QC_PK_HARNESS, 0, 60000, NULL, "250",
     true, "",
     "host time (not scaled: the harness, scheduler and sanitizer builds "
     "jitter) added to every maximum response time before a case fails"},
    {"timeouts.expect", QC_PT_INT, QC_PK_HARNESS, 1, 600, NULL, "5", true,
     "", "default seconds for `expect` / `expect_match` steps"},
    {"timeouts.urc", QC_PT_INT, QC_PK_HARNESS, 1, 600, NULL, "10", true, "",
     "default seconds for `wait_for` steps"},
};

#define NROWS (sizeof rows / sizeof rows[0])
enum { MAX_REPLIES = 32 };

/* err.<reply>: one row per chapter 6 reply, built once from qc_err.c so
 * the pairing is written in one place only. */
static qc_pkey err_rows[MAX_REPLIES];
static char err_keys[MAX_REPLIES][16];
static char err_dflt[MAX_REPLIES][8];
static char err_meaning[MAX_REPLIES][160];
static size_t n_err_rows;

static void build_err_rows(void)
{
  if (n_err_rows)
    return;
  size_t n = qc_err_reply_count();
  if (n > MAX_REPLIES)
    n = MAX_REPLIES;
  for (size_t i = 0; i < n; i++) {
    const qc_err_reply *r = qc_err_reply_at(i);
    snprintf(err_keys[i], sizeof err_keys[i], "err.%d", r->reply);
    snprintf(err_dflt[i], sizeof err_dflt[i], "%d", r->err);
    snprintf(err_meaning[i], sizeof err_meaning[i],
             "`<err>` reported with reply %d \"%s\"%s", r->reply, r->name,
             r->from_note ? "" : " (the note gives none: see below)");
    err_rows[i] = (qc_pkey){err_keys[i],  QC_PT_ERR,    QC_PK_MODULE,
                            0,            0,            NULL,
                            err_dflt[i],  !r->from_note, "5, 6",
                            err_meaning[i]};
  }
  n_err_rows = n;
}

size_t qc_pschema_count(void)
{
  build_err_rows();
  return NROWS + n_err_rows;
}

const qc_pkey *qc_pschema_at(size_t i)
{
  build_err_rows();
  if (i < NROWS)
    return &rows[i];
  i -= NROWS;
  return i < n_err_rows ? &err_rows[i] : NULL;
}

const qc_pkey *qc_pschema_find(const char *key)
{
  size_t n = qc_pschema_count();
  for (size_t i = 0; i < n; i++)
    if (strcmp(qc_pschema_at(i)->key, key) == 0)
      return qc_pschema_at(i);
  return NULL;
}

/* Levenshtein distance, capped: keys are short (at most 64 bytes here). */
static size_t distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return 99;
  size_t d[65], prev;
  for (size_t j = 0; j <= lb; j++)
    d[j] = j;
  for (size_t i = 1; i <= la; i++) {
    prev = d[0];
    d[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = d[j];
      size_t sub = prev + (a[i - 1] != b[j - 1]);
      size_t del = d[j] + 1, ins = d[j - 1] + 1;
      d[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      prev = cur;
    }
  }
  return d[lb];
}

const char *qc_pschema_suggest(const char *key)
{
  const char *best = NULL;
  /* A near miss is at most 1 edit per 4 bytes, at most 3: "a" is not a
   * near miss of "name". */
  size_t most = strlen(key) / 4 + 1;
  if (most > 3)
    most = 3;
  size_t bd = most + 1;
  size_t n = qc_pschema_count();
  for (size_t i = 0; i < n; i++) {
    size_t d = distance(key, qc_pschema_at(i)->key);
    if (d < bd) {
      bd = d;
      best = qc_pschema_at(i)->key;
    }
  }
  return best;
}

static int parse_long(const char *v, long *out)
{
  if (!*v || isspace((unsigned char)*v) || *v == '+')
    return -1;
  char *end;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (errno || *end)
    return -1;
  *out = x;
  return 0;
}

void qc_pschema_type_text(const qc_pkey *k, char *buf, size_t len)
{
  size_t o = 0;
  switch (k->type) {
  case QC_PT_BOOL:
    snprintf(buf, len, "bool");
    return;
  case QC_PT_INT:
    snprintf(buf, len, "int %ld..%ld", k->min, k->max);
    return;
  case QC_PT_STRING:
    snprintf(buf, len, "string (at most %ld bytes)", k->max);
    return;
  case QC_PT_ERR:
    snprintf(buf, len, "err code (chapter 5)");
    return;
  case QC_PT_ENUM:
    /* Each choice as a YAML double-quoted string: "" and "\"" read. */
    o = (size_t)snprintf(buf, len, "one of");
    for (size_t i = 0; k->choices[i] && o < len; i++) {
      o += (size_t)snprintf(buf + o, len - o, "%s \"", i ? "," : "");
      for (const char *c = k->choices[i]; *c && o < len; c++)
        o += (size_t)snprintf(buf + o, len - o, "%s%c",
                              *c == '"' || *c == '\\' ? "\\" : "", *c);
      if (o < len)
        o += (size_t)snprintf(buf + o, len - o, "\"");
    }
    return;
  }
}

int qc_pschema_check(const qc_pkey *k, const char *v, char *why, size_t wl)
{
  long x;
  switch (k->type) {
  case QC_PT_BOOL:
    if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
      return 0;
    snprintf(why, wl, "expected a boolean (true or false), got \"%.40s\"", v);
    return -1;
  case QC_PT_INT:
    if (parse_long(v, &x) < 0) {
      snprintf(why, wl, "expected an integer, got \"%.40s\"", v);
      return -1;
    }
    if (x < k->min || x > k->max) {
      snprintf(why, wl, "%ld is out of range (%ld..%ld)", x, k->min, k->max);
      return -1;
    }
    return 0;
  case QC_PT_ERR:
    if (parse_long(v, &x) < 0) {
      snprintf(why, wl, "expected an <err> code (a number), got \"%.40s\"",
               v);
      return -1;
    }
    if (x == 0 || x < 0 || x > 999 || !qc_err_name((int)x)) {
      snprintf(why, wl, "%ld is not an <err> code of chapter 5 (601-631)",
               x);
      return -1;
    }
    return 0;
  case QC_PT_STRING:
    if ((long)strlen(v) > k->max) {
      snprintf(why, wl, "too long (at most %ld bytes)", k->max);
      return -1;
    }
    for (const char *p = v; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f) {
        snprintf(why, wl, "control characters are not allowed");
        return -1;
      }
    return 0;
  case QC_PT_ENUM:
    for (size_t i = 0; k->choices[i]; i++)
      if (strcmp(v, k->choices[i]) == 0)
        return 0;
    char t[160];
    qc_pschema_type_text(k, t, sizeof t);
    snprintf(why, wl, "expected %s, got \"%.40s\"", t, v);
    return -1;
  }
  return -1;
}
