/* srv_summary: protocol log slice -> JSON evidence (see srv_summary.h). */
#include "srv_summary.h"
#include "srv_evidence.h"
#include "srv_ftp.h"
#include "srv_homefile.h"
#include "srv_log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *pid_json(long pid)
{
  return pid >= 0 ? json_integer(pid) : json_null();
}

/* The log holds the peer's bytes; jansson takes only UTF-8, so a line
 * that is not becomes one with '?' for every non-ASCII byte (kept, lossy,
 * rather than dropped). */
static json_t *str_json(const char *s)
{
  json_t *j = json_string(s);
  if (j)
    return j;
  char copy[SRV_PATH_MAX + 1];
  size_t n = strlen(s) < SRV_PATH_MAX ? strlen(s) : SRV_PATH_MAX;
  for (size_t i = 0; i < n; i++)
    copy[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
  copy[n] = '\0';
  return json_string(copy);
}

/* {"path", "bytes", "complete", "sha256"[, "error"]}: hashed in the home. */
static json_t *stored_json(const srv_ev *ev, const char *home)
{
  char rel[SRV_PATH_MAX + 1], hex[SRV_SHA256_HEX + 1], why[256] = "";
  json_t *o = json_object();
  bool have = false;
  if (srv_ev_home_relative(ev->path, home, rel, sizeof rel) < 0) {
    snprintf(rel, sizeof rel, "%s", ev->path);
    snprintf(why, sizeof why, "logged path is not inside the home");
  } else {
    int missing;
    int fd = srv_homefile_open(home, rel, &missing, why, sizeof why);
    if (fd >= 0) {
      have = srv_homefile_sha256(fd, hex, why, sizeof why) == 0;
      close(fd);
    }
  }
  json_object_set_new(o, "path", str_json(rel));
  json_object_set_new(o, "bytes", json_integer((json_int_t)ev->bytes));
  json_object_set_new(o, "complete", json_boolean(ev->complete));
  json_object_set_new(o, "sha256", have ? json_string(hex) : json_null());
  if (!have)
    json_object_set_new(o, "error", str_json(why));
  return o;
}

/* Adds one event to its list; false when jansson ran out of memory. */
static bool add_event(const srv_ev *ev, const char *home, json_t *cmds,
                      json_t *replies, json_t *stored)
{
  json_t *o = NULL, *list = NULL;
  switch (ev->kind) {
  case SRV_EV_COMMAND:
    o = json_pack("{s:o,s:o}", "pid", pid_json(ev->pid), "line",
                  str_json(ev->text));
    list = cmds;
    break;
  case SRV_EV_REPLY:
    o = json_pack("{s:o,s:i,s:o}", "pid", pid_json(ev->pid), "code", ev->code,
                  "text", str_json(ev->text));
    list = replies;
    break;
  case SRV_EV_STORED:
    o = stored_json(ev, home);
    list = stored;
    break;
  }
  return o && json_array_append_new(list, o) == 0;
}

int srv_summary_json(const char *home, const char *log_path, uint64_t offset,
                     char **json_out, char *err, size_t errlen)
{
  *json_out = NULL;
  char *text;
  size_t len;
  int cut;
  if (srv_log_read_since(log_path, offset, &text, &len, &cut, err, errlen) < 0)
    return -1;
  json_t *cmds = json_array(), *replies = json_array(), *stored = json_array();
  bool ok = cmds && replies && stored;
  for (size_t at = 0; ok && at < len;) {
    const char *nl = memchr(text + at, '\n', len - at);
    size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
    srv_ev ev[SRV_EV_PER_LINE];
    size_t k = srv_ev_parse_line(text + at, n, ev);
    for (size_t i = 0; ok && i < k; i++)
      ok = add_event(&ev[i], home, cmds, replies, stored);
    at += n + 1;
  }
  free(text);
  json_t *root = ok ? json_pack("{s:o,s:o,s:o,s:I,s:b}", "commands", cmds,
                                "replies", replies, "stored", stored,
                                "log_bytes", (json_int_t)len, "log_cut", cut)
                    : NULL;
  if (!root) {
    if (!ok) {
      json_decref(cmds);
      json_decref(replies);
      json_decref(stored);
    }
    snprintf(err, errlen, "server summary: out of memory");
    return -1;
  }
  *json_out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  if (!*json_out) {
    snprintf(err, errlen, "server summary: out of memory");
    return -1;
  }
  return 0;
}

int srv_ftp_summary_json(const srv_ftp *s, uint64_t log_offset, char **json_out,
                         char *err, size_t errlen)
{
  if (!s) {
    *json_out = NULL;
    snprintf(err, errlen, "no server");
    return -1;
  }
  return srv_summary_json(srv_ftp_home(s), srv_ftp_log_path(s), log_offset,
                          json_out, err, errlen);
}
