/* case_keys: the loader's one key table (cases/FORMAT.md documents every
 * key; a unit test checks it) and the server profile names. */
#include "case_parse.h"

#include <stdio.h>
#include <string.h>

/* Order matters only for messages ("expected one of"). */
const cl_keydef cl_keys[] = {
    {"id", SC_CASE, K_ID, KF_REQUIRED, 0},
    {"title", SC_CASE, K_TITLE, KF_REQUIRED, 0},
    {"spec", SC_CASE, K_SPEC, KF_REQUIRED, 0},
    {"tags", SC_CASE, K_TAGS, 0, 0},
    {"server", SC_CASE, K_SERVER, 0, 0},
    {"steps", SC_CASE, K_STEPS, KF_REQUIRED, 0},
    {"faults", SC_CASE, K_FAULTS, 0, 0},
    {"wire", SC_CASE, K_WIRE, 0, 0},
    {"server_expect", SC_CASE, K_SERVER_EXPECT, 0, 0},
    {"profile", SC_SERVER, K_PROFILE, 0, 0},
    {"files", SC_SERVER, K_FILES, 0, 0},
    {"path", SC_FILE, K_PATH, KF_REQUIRED, 0},
    {"size", SC_FILE, K_SIZE, 0, 0},
    {"seed", SC_FILE, K_SEED, 0, 0},
    {"text", SC_FILE, K_TEXT, 0, 0},
    {"dir", SC_FILE, K_DIR, 0, 0},
    {"writable", SC_FILE, K_WRITABLE, 0, 0},
    {"send", SC_STEP, K_SEND, KF_STEP, QH_STEP_SEND},
    {"send_raw", SC_STEP, K_SEND_RAW, KF_STEP, QH_STEP_SEND_RAW},
    {"expect", SC_STEP, K_EXPECT, KF_STEP | KF_TIMEOUT | KF_LINE,
     QH_STEP_EXPECT},
    {"expect_match", SC_STEP, K_EXPECT_MATCH, KF_STEP | KF_TIMEOUT | KF_LINE,
     QH_STEP_EXPECT_MATCH},
    {"wait_for", SC_STEP, K_WAIT_FOR, KF_STEP | KF_TIMEOUT | KF_LINE,
     QH_STEP_WAIT_FOR},
    {"wait_match", SC_STEP, K_WAIT_MATCH, KF_STEP | KF_TIMEOUT | KF_LINE,
     QH_STEP_WAIT_MATCH},
    {"silence", SC_STEP, K_SILENCE, KF_STEP, QH_STEP_SILENCE},
    {"sleep", SC_STEP, K_SLEEP, KF_STEP, QH_STEP_SLEEP},
    {"send_data", SC_STEP, K_SEND_DATA, KF_STEP, QH_STEP_SEND_DATA},
    {"expect_data", SC_STEP, K_EXPECT_DATA, KF_STEP | KF_TIMEOUT,
     QH_STEP_EXPECT_DATA},
    {"read_listing", SC_STEP, K_READ_LISTING, KF_STEP | KF_TIMEOUT,
     QH_STEP_READ_LISTING},
    {"escape", SC_STEP, K_ESCAPE, KF_STEP, QH_STEP_ESCAPE},
    {"dtr", SC_STEP, K_DTR, KF_STEP, QH_STEP_DTR},
    {"sim_control", SC_STEP, K_SIM_CONTROL, KF_STEP, QH_STEP_SIM_CONTROL},
    {"use", SC_STEP, K_USE, KF_STEP, 0},
    {"timeout", SC_STEP, K_TIMEOUT, 0, 0},
    {"busy", SC_STEP, K_BUSY, 0, 0},
    {"optional", SC_STEP, K_OPTIONAL, 0, 0},
    {"if_sent", SC_STEP, K_IF_SENT, 0, 0},
    {"scaled", SC_STEP, K_SCALED, 0, 0},
    {"size", SC_DATA, K_SIZE, 0, 0},
    {"seed", SC_DATA, K_SEED, 0, 0},
    {"offset", SC_DATA, K_OFFSET, 0, 0},
    {"text", SC_DATA, K_TEXT, 0, 0},
    {"contains", SC_LISTING, K_CONTAINS, 0, 0},
    {"absent", SC_LISTING, K_ABSENT, 0, 0},
    {"reply", SC_FAULT, K_REPLY, KF_KIND, 0},
    {"delay", SC_FAULT, K_DELAY, KF_KIND, 0},
    {"close", SC_FAULT, K_CLOSE, KF_KIND, 0},
    {"reset", SC_FAULT, K_RESET, KF_KIND, 0},
    {"data", SC_FAULT, K_DATA, KF_KIND, 0},
    {"rewrite_pasv", SC_FAULT, K_REWRITE_PASV, KF_KIND, 0},
    {"on", SC_FAULT, K_ON, 0, 0},
    {"nth", SC_FAULT, K_NTH, 0, 0},
    {"bytes", SC_FAULT, K_BYTES, 0, 0},
    {"after", SC_FAULT, K_AFTER, 0, 0},
    {"commands", SC_WIRE, K_COMMANDS, 0, 0},
    {"forbidden", SC_WIRE, K_FORBIDDEN, 0, 0},
    {"mode", SC_WIRE, K_MODE, 0, 0},
    {"data", SC_WIRE, K_DATA, 0, 0},
    {"tls", SC_WIRE, K_TLS, 0, 0},
    {"no_plaintext", SC_WIRE, K_NO_PLAINTEXT, 0, 0},
    {"direction", SC_WIRE_DATA, K_DIRECTION, 0, 0},
    {"bytes", SC_WIRE_DATA, K_BYTES, 0, 0},
    {"close", SC_WIRE_DATA, K_CLOSE, 0, 0},
    {"opened_by", SC_WIRE_DATA, K_OPENED_BY, 0, 0},
    {"control", SC_WIRE_TLS, K_CONTROL, 0, 0},
    {"data", SC_WIRE_TLS, K_DATA, 0, 0},
    {"version", SC_WIRE_TLS, K_VERSION, 0, 0},
    {"files", SC_SEXPECT, K_FILES, 0, 0},
    {"log_contains", SC_SEXPECT, K_LOG_CONTAINS, 0, 0},
    {"path", SC_SFILE, K_PATH, KF_REQUIRED, 0},
    {"size", SC_SFILE, K_SIZE, 0, 0},
    {"seed", SC_SFILE, K_SEED, 0, 0},
    {"text", SC_SFILE, K_TEXT, 0, 0},
    {"absent", SC_SFILE, K_ABSENT, 0, 0},
    {"title", SC_FRAGMENT, K_FTITLE, 0, 0},
    {"steps", SC_FRAGMENT, K_FSTEPS, KF_REQUIRED, 0},
};
const size_t cl_nkeys = sizeof cl_keys / sizeof cl_keys[0];

static const char *const scope_names[SC_COUNT] = {
    [SC_CASE] = "case",
    [SC_SERVER] = "server",
    [SC_FILE] = "file",
    [SC_STEP] = "step",
    [SC_DATA] = "data",
    [SC_LISTING] = "listing",
    [SC_FAULT] = "fault",
    [SC_WIRE] = "wire",
    [SC_WIRE_DATA] = "wire.data",
    [SC_WIRE_TLS] = "wire.tls",
    [SC_SEXPECT] = "server_expect",
    [SC_SFILE] = "server_expect.file",
    [SC_FRAGMENT] = "fragment",
};

/* server.profile values (servers/ renders one setup per name). */
static const struct {
  const char *name;
  bool ftps;
} server_profiles[] = {
    {"plain", false},      {"ftps-explicit", true}, {"ftps-implicit", true},
    {"ftps-legacy", true}, {"ftps-reuse", true},    {"mlsd", false},
    {"none", false},
};
#define NPROFILES (sizeof server_profiles / sizeof server_profiles[0])

bool cl_server_profile(const char *name, bool *ftps)
{
  for (size_t i = 0; i < NPROFILES; i++) {
    if (strcmp(server_profiles[i].name, name) == 0) {
      if (ftps)
        *ftps = server_profiles[i].ftps;
      return true;
    }
  }
  return false;
}

void cl_server_profiles(char *buf, size_t len)
{
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < NPROFILES; i++) {
    int w = snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                     server_profiles[i].name);
    if (w < 0 || (size_t)w >= len - n)
      return;
    n += (size_t)w;
  }
}

/* "a, b, c": the keys of one scope, for "expected one of". */
void cl_scope_keys(cl_scope sc, unsigned need, char *buf, size_t len)
{
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < cl_nkeys; i++) {
    if (cl_keys[i].scope != sc || (cl_keys[i].flags & KF_RESERVED) ||
        (need && !(cl_keys[i].flags & need)))
      continue;
    int w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", cl_keys[i].name);
    if (w < 0 || (size_t)w >= len - n)
      return;
    n += (size_t)w;
  }
}

const cl_keydef *cl_find_key(cl_scope sc, const char *name)
{
  for (size_t i = 0; i < cl_nkeys; i++)
    if (cl_keys[i].scope == sc && strcmp(cl_keys[i].name, name) == 0)
      return &cl_keys[i];
  return NULL;
}

size_t qh_case_key_count(void)
{
  return cl_nkeys;
}

const char *qh_case_key_name(size_t i, const char **scope)
{
  if (i >= cl_nkeys)
    return NULL;
  if (scope)
    *scope = scope_names[cl_keys[i].scope];
  return cl_keys[i].name;
}
