/* wire_check: commands (ordered subsequence of globs), forbidden commands,
 * mode, data connections in order, TLS and clear-text assertions. Each
 * failure names the assertion, what was expected and what was seen. */
#include "wire_check.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *msg, size_t len, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, len, fmt, ap);
  va_end(ap);
  return -1;
}

/* The i-th client command over all control sessions, in capture order of
 * the sessions. NULL past the end. */
static const char *nth_cmd(const wire_analysis *a, size_t i)
{
  for (size_t s = 0; s < a->nsessions; s++) {
    if (i < a->sessions[s].ncmds)
      return a->sessions[s].cmds[i].text;
    i -= a->sessions[s].ncmds;
  }
  return NULL;
}

/* "A, B, C" of commands from index `from`, cut at WIRE_CHECK_SAW_MAX. */
static void saw_list(const wire_analysis *a, size_t from, char *buf,
                     size_t len)
{
  size_t o = 0;
  buf[0] = '\0';
  const char *c;
  for (size_t i = from; (c = nth_cmd(a, i)) != NULL; i++) {
    if (o + strlen(c) + 8 > len || o > WIRE_CHECK_SAW_MAX) {
      snprintf(buf + o, len - o, "%s...", i > from ? ", " : "");
      return;
    }
    o += (size_t)snprintf(buf + o, len - o, "%s%s", i > from ? ", " : "", c);
  }
  if (!o)
    snprintf(buf, len, "nothing");
}

static bool glob_eq(const char *pat, const char *cmd)
{
  return fnmatch(pat, cmd, 0) == 0;
}

static int check_commands(const wire_analysis *a, const wire_expect *w,
                          char *msg, size_t len)
{
  size_t pos = 0;
  const char *prev = NULL;
  for (size_t k = 0; k < w->ncommands; k++) {
    size_t i = pos;
    const char *c;
    while ((c = nth_cmd(a, i)) != NULL && !glob_eq(w->commands[k], c))
      i++;
    if (!c) {
      char saw[WIRE_CHECK_SAW_MAX + 64];
      saw_list(a, pos, saw, sizeof saw);
      if (prev)
        return fail(msg, len,
                    "wire: expected client command \"%s\" after \"%s\", "
                    "saw %s", w->commands[k], prev, saw);
      return fail(msg, len, "wire: expected client command \"%s\", saw %s",
                  w->commands[k], saw);
    }
    prev = c;
    pos = i + 1;
  }
  for (size_t k = 0; k < w->nforbidden; k++) {
    const char *c;
    for (size_t i = 0; (c = nth_cmd(a, i)) != NULL; i++)
      if (glob_eq(w->forbidden[k], c))
        return fail(msg, len,
                    "wire: forbidden client command \"%s\": saw \"%s\" "
                    "(command %zu)", w->forbidden[k], c, i + 1);
  }
  return 0;
}

static const char *want_mode(wire_want_mode m)
{
  switch (m) {
  case WIRE_WANT_MODE_ANY: return NULL;
  case WIRE_WANT_PASSIVE: return "passive";
  case WIRE_WANT_ACTIVE: return "active";
  }
  return NULL;
}

static const char *want_dir(wire_want_dir d)
{
  switch (d) {
  case WIRE_WANT_DIR_ANY: return NULL;
  case WIRE_WANT_DOWNLOAD: return "download";
  case WIRE_WANT_UPLOAD: return "upload";
  }
  return NULL;
}

static const char *want_close(wire_want_close c)
{
  switch (c) {
  case WIRE_WANT_CLOSE_ANY: return NULL;
  case WIRE_WANT_CLOSE_FIN: return "fin";
  case WIRE_WANT_CLOSE_RST: return "rst";
  }
  return NULL;
}

static const char *want_opener(wire_want_opener o)
{
  switch (o) {
  case WIRE_WANT_OPENER_ANY: return NULL;
  case WIRE_WANT_OPENER_CLIENT: return "client";
  case WIRE_WANT_OPENER_SERVER: return "server";
  }
  return NULL;
}

static int check_data(const wire_analysis *a, const wire_expect *w, char *msg,
                      size_t len)
{
  if (!w->data_given)
    return 0;
  if (a->ndata != w->ndata)
    return fail(msg, len, "wire: expected %zu data connection(s), saw %zu",
                w->ndata, a->ndata);
  for (size_t i = 0; i < w->ndata; i++) {
    const wire_expect_data *e = &w->data[i];
    const wire_data_conn *d = &a->data[i];
    const char *s;
    if ((s = want_dir(e->direction)) && strcmp(s, wire_xfer_name(d->direction)))
      return fail(msg, len,
                  "wire: data connection %zu: expected direction %s, saw %s",
                  i + 1, s, wire_xfer_name(d->direction));
    if (e->bytes >= 0 && (uint64_t)e->bytes != d->bytes)
      return fail(msg, len,
                  "wire: data connection %zu: expected %lld bytes %s, saw "
                  "%llu", i + 1, (long long)e->bytes,
                  wire_xfer_name(d->direction), (unsigned long long)d->bytes);
    if ((s = want_close(e->close)) &&
        strcmp(s, wire_close_name(d->module_close)))
      return fail(msg, len,
                  "wire: data connection %zu: expected close %s by the "
                  "module, saw %s", i + 1, s,
                  wire_close_name(d->module_close));
    if ((s = want_opener(e->opened_by)) &&
        strcmp(s, wire_side_name(d->opened_by)))
      return fail(msg, len,
                  "wire: data connection %zu: expected opened by the %s, saw "
                  "%s", i + 1, s, wire_side_name(d->opened_by));
  }
  return 0;
}

static int check_tls(const wire_analysis *a, const wire_expect *w, char *msg,
                     size_t len)
{
  static const char *const word[] = {"plain", "TLS"};
  if (w->tls_control >= 0)
    for (size_t i = 0; i < a->nsessions; i++)
      if (a->sessions[i].tls.tls != (w->tls_control == 1))
        return fail(msg, len,
                    "wire: expected %s on control connection %u, saw %s",
                    word[w->tls_control == 1], a->sessions[i].conn,
                    word[a->sessions[i].tls.tls]);
  if (w->tls_data >= 0)
    for (size_t i = 0; i < a->ndata; i++)
      if (a->data[i].tls.tls != (w->tls_data == 1))
        return fail(msg, len, "wire: data connection %zu: expected %s, saw %s",
                    i + 1, word[w->tls_data == 1], word[a->data[i].tls.tls]);
  if (w->tls_version) {
    char wb[16], saw[16];
    const char *want = wire_tls_version_name(w->tls_version, wb, sizeof wb);
    for (size_t i = 0; i < a->nsessions + a->ndata; i++) {
      bool ctl = i < a->nsessions;
      const wire_tls_info *t =
          ctl ? &a->sessions[i].tls : &a->data[i - a->nsessions].tls;
      if (!t->tls)
        continue;
      const char *what = ctl ? "control connection" : "data connection";
      size_t no = ctl ? a->sessions[i].conn : i - a->nsessions + 1;
      if (!t->server_hello)
        return fail(msg, len, "wire: %s %zu: expected %s negotiated, saw no "
                    "ServerHello", what, no, want);
      if (t->sh.version != w->tls_version)
        return fail(msg, len, "wire: %s %zu: expected %s negotiated, saw %s",
                    what, no, want,
                    wire_tls_version_name(t->sh.version, saw, sizeof saw));
    }
  }
  if (w->no_plaintext) {
    for (size_t i = 0; i < a->nsessions; i++)
      if (a->sessions[i].clear_login)
        return fail(msg, len,
                    "wire: no_plaintext: expected no USER/PASS in clear, saw "
                    "%u on control connection %u",
                    a->sessions[i].clear_login, a->sessions[i].conn);
    for (size_t i = 0; i < a->ndata; i++)
      if (!a->data[i].tls.tls && a->data[i].to_server + a->data[i].to_client)
        return fail(msg, len,
                    "wire: no_plaintext: data connection %zu: expected no "
                    "payload in clear, saw %llu bytes", i + 1,
                    (unsigned long long)(a->data[i].to_server +
                                         a->data[i].to_client));
  }
  return 0;
}

int wire_check(const wire_analysis *a, const wire_expect *w, char *msg,
               size_t len)
{
  if (len)
    msg[0] = '\0';
  if (!w->present)
    return 0;
  if (check_commands(a, w, msg, len) < 0)
    return -1;
  const char *m = want_mode(w->mode);
  if (m && strcmp(m, wire_mode_name(a->mode)))
    return fail(msg, len, "wire: expected mode %s, saw %s", m,
                wire_mode_name(a->mode));
  if (check_data(a, w, msg, len) < 0)
    return -1;
  return check_tls(a, w, msg, len);
}
