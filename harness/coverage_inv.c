/* coverage_inv: the note's required inventory, as tables. */
#include "coverage_inv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define F(x) (1u << QH_FORM_##x)
#define FAM(x) (1u << QH_FAM_##x)
#define STR(n, max) {n, QH_VT_STRING, 0, max}
#define INT(n, lo, hi) {n, QH_VT_INT, lo, hi}
/* Byte counts and offsets the note leaves unbounded: any non-negative
 * value a 32-bit module can hold. */
#define COUNT(n) INT(n, 0, 2147483647L)

/* 2.2-2.18: the forms each section's syntax table defines, the set
 * form's parameters with the note's limits. AT+QFTPCFG (2.1) has its own
 * table below. */
const qh_cov_command qh_cov_commands[] = {
    {"QFTPCFG", "2.1", F(TEST) | F(SET), QH_FAM_NONE, 0, {{0}}},
    {"QFTPOPEN", "2.2", F(TEST) | F(SET), QH_FAM_LOGIN, 2,
     {STR("hostname", 255), INT("port", 1, 65535)}},
    {"QFTPCWD", "2.3", F(TEST) | F(SET), QH_FAM_DIRECTORY, 1,
     {STR("path_name", 128)}},
    {"QFTPPWD", "2.4", F(TEST) | F(EXEC), QH_FAM_DIRECTORY, 0, {{0}}},
    {"QFTPPUT", "2.5", F(TEST) | F(SET), QH_FAM_TRANSFER, 5,
     {STR("file_name", 255), STR("local_name", 255), COUNT("startpos"),
      COUNT("uploadlen"), INT("beof", 0, 1)}},
    {"QFTPGET", "2.6", F(TEST) | F(SET), QH_FAM_TRANSFER, 4,
     {STR("file_name", 255), STR("local_name", 255), COUNT("startpos"),
      COUNT("downloadlen")}},
    {"QFTPSIZE", "2.7", F(TEST) | F(SET), QH_FAM_FILE, 1,
     {STR("file_name", 255)}},
    {"QFTPDEL", "2.8", F(TEST) | F(SET), QH_FAM_FILE, 1,
     {STR("file_name", 255)}},
    {"QFTPMKDIR", "2.9", F(TEST) | F(SET), QH_FAM_DIRECTORY, 1,
     {STR("folder_name", 255)}},
    {"QFTPRMDIR", "2.10", F(TEST) | F(SET), QH_FAM_DIRECTORY, 1,
     {STR("folder_name", 255)}},
    {"QFTPLIST", "2.11", F(TEST) | F(SET), QH_FAM_LISTING, 2,
     {STR("dirname", 255), STR("local_name", 255)}},
    {"QFTPNLST", "2.12", F(TEST) | F(SET), QH_FAM_LISTING, 2,
     {STR("dirname", 255), STR("local_name", 255)}},
    {"QFTPMLSD", "2.13", F(TEST) | F(SET), QH_FAM_LISTING, 2,
     {STR("dirname", 255), STR("local_name", 255)}},
    {"QFTPMDTM", "2.14", F(TEST) | F(SET), QH_FAM_FILE, 1,
     {STR("file_name", 255)}},
    {"QFTPRENAME", "2.15", F(TEST) | F(SET), QH_FAM_FILE, 2,
     {STR("old_name", 255), STR("new_name", 255)}},
    {"QFTPLEN", "2.16", F(TEST) | F(EXEC), QH_FAM_NONE, 0, {{0}}},
    {"QFTPSTAT", "2.17", F(TEST) | F(EXEC), QH_FAM_NONE, 0, {{0}}},
    {"QFTPCLOSE", "2.18", F(TEST) | F(EXEC), QH_FAM_NONE, 0, {{0}}},
};
const size_t qh_cov_ncommands = sizeof qh_cov_commands / sizeof *qh_cov_commands;

/* 2.1, parameter table. */
const qh_cov_cfgkey qh_cov_cfgkeys[] = {
    {"account", NULL, 2, {STR("username", 255), STR("password", 255)}},
    {"filetype", NULL, 1, {INT("file_type", 0, 1)}},
    {"transmode", NULL, 1, {INT("transmode", 0, 1)}},
    {"contextid", NULL, 1, {INT("contextID", 1, 15)}},
    {"rsptimeout", NULL, 1, {INT("timeout", 20, 180)}},
    {"ssltype", NULL, 1, {INT("SSL_type", 0, 2)}},
    {"SSL_ctxID", "sslctxid", 1, {INT("SSL_ctxID", 0, 5)}},
    {"data_address", NULL, 2,
     {INT("data_address_type", 0, 2), INT("data_timeout", 15, 50)}},
    {"restenable", NULL, 1, {INT("rest_enable", 0, 1)}},
    {"cache", NULL, 1, {INT("cache_type", 0, 2)}},
};
const size_t qh_cov_ncfgkeys = sizeof qh_cov_cfgkeys / sizeof *qh_cov_cfgkeys;

/* Chapter 5 without 0 (success); the note has no 630. */
const int qh_cov_errs[] = {601, 602, 603, 604, 605, 606, 607, 608, 609,
                           610, 611, 612, 613, 614, 615, 616, 617, 618,
                           619, 620, 621, 622, 623, 624, 625, 626, 627,
                           628, 629, 631};
const size_t qh_cov_nerrs = sizeof qh_cov_errs / sizeof *qh_cov_errs;

/* Chapter 6 x RFC 959 5.4 (command-reply sequences; RFC 3659 for SIZE,
 * MDTM, MLSD). login: USER PASS ACCT; directory: CWD PWD MKD RMD; file:
 * SIZE DELE MDTM RNFR RNTO; transfer: RETR STOR REST TYPE PASV PORT;
 * listing: LIST NLST MLSD PASV PORT (a listing sets no type: the note's
 * LIST/NLST/MLSD take none, so TYPE, and with it 504, is the transfer
 * family's alone). */
#define ALL (FAM(LOGIN) | FAM(DIRECTORY) | FAM(FILE) | FAM(TRANSFER) | \
             FAM(LISTING))
const qh_cov_reply qh_cov_replies[] = {
    {421, ALL},
    {425, FAM(TRANSFER) | FAM(LISTING)},
    {426, FAM(TRANSFER) | FAM(LISTING)},
    {450, FAM(FILE) | FAM(TRANSFER) | FAM(LISTING)},   /* DELE RNFR RETR STOR LIST */
    {451, FAM(TRANSFER) | FAM(LISTING)},
    {452, FAM(TRANSFER)},                             /* STOR */
    {500, ALL},
    {501, ALL},
    {502, FAM(DIRECTORY) | FAM(FILE) | FAM(TRANSFER) | FAM(LISTING)},
    {503, FAM(LOGIN) | FAM(FILE)},                    /* PASS ACCT RNTO */
    {504, FAM(TRANSFER)},                             /* TYPE */
    {530, ALL},
    {532, FAM(FILE) | FAM(TRANSFER)},                 /* RNTO STOR */
    {550, FAM(DIRECTORY) | FAM(FILE) | FAM(TRANSFER) | FAM(LISTING)},
    {551, FAM(TRANSFER)},                             /* STOR */
    {552, FAM(TRANSFER)},                             /* STOR */
    {553, FAM(FILE) | FAM(TRANSFER)},                 /* RNTO STOR */
};
const size_t qh_cov_nreplies = sizeof qh_cov_replies / sizeof *qh_cov_replies;

/* Chapters 1-4 but 1.1 (module list) and 1.3 (how examples are written). */
const char *const qh_cov_sections[] = {
    "1.2", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6",
    "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15",
    "2.16", "2.17", "2.18", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
    "3.7", "3.8", "4.1", "4.2", "4.3", "4.4",
};
const size_t qh_cov_nsections = sizeof qh_cov_sections / sizeof *qh_cov_sections;

/* FTP verbs and the family that sends them; NONE + shared for the data
 * connection set-up both transfers and listings use. */
static const struct {
  const char *verb;
  qh_cov_family family;
} verbs[] = {
    {"USER", QH_FAM_LOGIN},     {"PASS", QH_FAM_LOGIN},
    {"ACCT", QH_FAM_LOGIN},     {"AUTH", QH_FAM_LOGIN},
    {"PBSZ", QH_FAM_LOGIN},     {"PROT", QH_FAM_LOGIN},
    {"CWD", QH_FAM_DIRECTORY},  {"CDUP", QH_FAM_DIRECTORY},
    {"PWD", QH_FAM_DIRECTORY},  {"XPWD", QH_FAM_DIRECTORY},
    {"MKD", QH_FAM_DIRECTORY},  {"XMKD", QH_FAM_DIRECTORY},
    {"RMD", QH_FAM_DIRECTORY},  {"XRMD", QH_FAM_DIRECTORY},
    {"SIZE", QH_FAM_FILE},      {"DELE", QH_FAM_FILE},
    {"MDTM", QH_FAM_FILE},      {"RNFR", QH_FAM_FILE},
    {"RNTO", QH_FAM_FILE},      {"RETR", QH_FAM_TRANSFER},
    {"STOR", QH_FAM_TRANSFER},  {"APPE", QH_FAM_TRANSFER},
    {"STOU", QH_FAM_TRANSFER},  {"REST", QH_FAM_TRANSFER},
    {"LIST", QH_FAM_LISTING},   {"NLST", QH_FAM_LISTING},
    {"MLSD", QH_FAM_LISTING},
};
static const char *const shared_verbs[] = {"PASV", "EPSV", "PORT", "EPRT",
                                           "TYPE"};

qh_cov_family qh_cov_verb_family(const char *verb, bool *shared)
{
  if (shared)
    *shared = false;
  for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
    if (strcasecmp(verb, verbs[i].verb) == 0)
      return verbs[i].family;
  for (size_t i = 0; i < sizeof shared_verbs / sizeof *shared_verbs; i++)
    if (strcasecmp(verb, shared_verbs[i]) == 0 && shared)
      *shared = true;
  return QH_FAM_NONE;
}

static const char *const form_names[] = {"test", "query", "set", "exec"};
static const char *const family_names[] = {"login", "directory", "file",
                                           "transfer", "listing"};
static const char *const vclass_names[] = {
    "min", "max", "below", "above", "wrong_type", "missing", "too_long",
    "read_back"};
static const char *const kind_names[] = {"form", "cfg", "err", "reply",
                                         "post", "section", "arg"};

const char *qh_cov_form_name(qh_cov_form f)
{
  return f >= 0 && f < QH_FORM_COUNT ? form_names[f] : "?";
}

const char *qh_cov_family_name(qh_cov_family f)
{
  return f >= 0 && f < QH_FAM_COUNT ? family_names[f] : "?";
}

const char *qh_cov_vclass_name(qh_cov_vclass c)
{
  return c >= 0 && c < QH_VC_COUNT ? vclass_names[c] : "?";
}

const char *qh_cov_kind_name(qh_cov_kind k)
{
  return k >= 0 && k < QH_KIND_COUNT ? kind_names[k] : "?";
}

const qh_cov_command *qh_cov_command_find(const char *name, size_t len)
{
  for (size_t i = 0; i < qh_cov_ncommands; i++)
    if (strlen(qh_cov_commands[i].name) == len &&
        strncasecmp(qh_cov_commands[i].name, name, len) == 0)
      return &qh_cov_commands[i];
  return NULL;
}

const qh_cov_cfgkey *qh_cov_cfgkey_find(const char *key, size_t len)
{
  for (size_t i = 0; i < qh_cov_ncfgkeys; i++) {
    const qh_cov_cfgkey *k = &qh_cov_cfgkeys[i];
    if ((strlen(k->key) == len && strncasecmp(k->key, key, len) == 0) ||
        (k->alias && strlen(k->alias) == len &&
         strncasecmp(k->alias, key, len) == 0))
      return k;
  }
  return NULL;
}

/* The classes a parameter of this type has items for. */
static bool class_applies(qh_cov_vtype t, qh_cov_vclass c)
{
  switch (c) {
  case QH_VC_MIN:
  case QH_VC_BELOW:
  case QH_VC_ABOVE:
    return t == QH_VT_INT;
  case QH_VC_TOO_LONG:
    return t == QH_VT_STRING;
  case QH_VC_MAX:
  case QH_VC_WRONG_TYPE:
  case QH_VC_MISSING:
    return true;
  default:
    return false; /* READ_BACK is per key */
  }
}

typedef struct item_list {
  qh_cov_item *v;
  size_t n, cap;
  bool oom;
} item_list;

static void add(item_list *l, qh_cov_kind kind, bool required, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

static void add(item_list *l, qh_cov_kind kind, bool required, const char *fmt,
                ...)
{
  if (l->oom)
    return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 256;
    qh_cov_item *v = realloc(l->v, cap * sizeof *v);
    if (!v) {
      l->oom = true;
      return;
    }
    l->v = v;
    l->cap = cap;
  }
  qh_cov_item *it = &l->v[l->n++];
  it->kind = kind;
  it->required = required;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(it->key, sizeof it->key, fmt, ap);
  va_end(ap);
}

/* "account.username", "data_address.type" for keys of several
 * parameters; the key alone for the others. */
void qh_cov_cfg_label(const qh_cov_cfgkey *k, size_t p, char *buf, size_t len)
{
  if (k->nparams < 2)
    snprintf(buf, len, "%s", k->key);
  else if (strcmp(k->params[p].name, "data_address_type") == 0)
    snprintf(buf, len, "%s.type", k->key);
  else
    snprintf(buf, len, "%s.%s", k->key, k->params[p].name);
}

qh_cov_item *qh_cov_items(size_t *n)
{
  item_list l = {0};
  for (size_t i = 0; i < qh_cov_ncommands; i++)
    for (int f = 0; f < QH_FORM_COUNT; f++)
      add(&l, QH_KIND_FORM, (qh_cov_commands[i].forms >> f) & 1, "form:%s:%s",
          qh_cov_commands[i].name, form_names[f]);
  for (size_t i = 0; i < qh_cov_ncfgkeys; i++) {
    const qh_cov_cfgkey *k = &qh_cov_cfgkeys[i];
    for (size_t p = 0; p < k->nparams; p++) {
      char label[64];
      qh_cov_cfg_label(k, p, label, sizeof label);
      for (int c = 0; c < QH_VC_READ_BACK; c++)
        if (class_applies(k->params[p].type, (qh_cov_vclass)c))
          add(&l, QH_KIND_CFG, true, "cfg:%s:%s", label, vclass_names[c]);
    }
    add(&l, QH_KIND_CFG, true, "cfg:%s:read_back", k->key);
  }
  for (size_t i = 0; i < qh_cov_nerrs; i++)
    add(&l, QH_KIND_ERR, true, "err:%d", qh_cov_errs[i]);
  for (size_t i = 0; i < qh_cov_nreplies; i++)
    for (int f = 0; f < QH_FAM_COUNT; f++)
      add(&l, QH_KIND_REPLY, (qh_cov_replies[i].families >> f) & 1,
          "reply:%d:%s", qh_cov_replies[i].code, family_names[f]);
  for (size_t i = 0; i < qh_cov_nerrs; i++)
    add(&l, QH_KIND_POST, true, "post:%d", qh_cov_errs[i]);
  for (size_t i = 0; i < qh_cov_nsections; i++)
    add(&l, QH_KIND_SECTION, true, "section:%s", qh_cov_sections[i]);
  for (size_t i = 0; i < qh_cov_ncommands; i++) {
    const qh_cov_command *c = &qh_cov_commands[i];
    for (size_t p = 0; p < c->nparams; p++)
      for (int vc = 0; vc < QH_VC_READ_BACK; vc++)
        if (class_applies(c->params[p].type, (qh_cov_vclass)vc))
          add(&l, QH_KIND_ARG, false, "arg:%s.%s:%s", c->name,
              c->params[p].name, vclass_names[vc]);
  }
  if (l.oom) {
    free(l.v);
    return NULL;
  }
  *n = l.n;
  return l.v;
}
