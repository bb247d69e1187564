/* resp_time: the note's maximum response times (resp_time.h). */
#include "resp_time.h"

#include "qc_profile.h"
#include "qc_profile_schema.h"
#include "qr_latency.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every FTP command of chapter 2 and what its maximum response time
 * bounds (2.1 <timeout>; each command's table). */
static const qh_rt_bound bounds[] = {
    {"AT+QFTPCFG", QH_RT_OK, QH_RT_FIXED_CFG, "2.1"},
    {"AT+QFTPOPEN", QH_RT_URC, QH_RT_FIXED_OPEN, "2.2"},
    {"AT+QFTPCWD", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.3"},
    {"AT+QFTPPWD", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.4"},
    {"AT+QFTPPUT", QH_RT_CONNECT, QH_RT_RSPTIMEOUT, "2.5"},
    {"AT+QFTPGET", QH_RT_CONNECT, QH_RT_RSPTIMEOUT, "2.6"},
    {"AT+QFTPSIZE", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.7"},
    {"AT+QFTPDEL", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.8"},
    {"AT+QFTPMKDIR", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.9"},
    {"AT+QFTPRMDIR", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.10"},
    {"AT+QFTPLIST", QH_RT_CONNECT, QH_RT_RSPTIMEOUT, "2.11"},
    {"AT+QFTPNLST", QH_RT_CONNECT, QH_RT_RSPTIMEOUT, "2.12"},
    {"AT+QFTPMLSD", QH_RT_CONNECT, QH_RT_RSPTIMEOUT, "2.13"},
    {"AT+QFTPMDTM", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.14"},
    {"AT+QFTPRENAME", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.15"},
    {"AT+QFTPLEN", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.16"},
    {"AT+QFTPSTAT", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.17"},
    {"AT+QFTPCLOSE", QH_RT_URC, QH_RT_RSPTIMEOUT, "2.18"},
};

enum { NBOUNDS = sizeof bounds / sizeof bounds[0] };

static const char *const what_names[] = {"ok", "urc", "connect"};
static const char *const fixed_keys[QH_RT_FIXED] = {"response_ms.qftpcfg",
                                                    "response_ms.qftpopen"};

const qh_rt_bound *qh_rt_find(const char *cmd)
{
  for (size_t i = 0; cmd && i < NBOUNDS; i++)
    if (strcmp(bounds[i].cmd, cmd) == 0)
      return &bounds[i];
  return NULL;
}

size_t qh_rt_count(void)
{
  return NBOUNDS;
}

const qh_rt_bound *qh_rt_at(size_t i)
{
  return i < NBOUNDS ? &bounds[i] : NULL;
}

const char *qh_rt_what_name(qh_rt_what w)
{
  return (unsigned)w < 3 ? what_names[w] : "?";
}

const char *qh_rt_key(qh_rt_src src)
{
  return (unsigned)src < QH_RT_FIXED ? fixed_keys[src] : NULL;
}

/* A key's value, else the schema's default: one source for both. */
static double key_value(const qc_profile *p, const char *key)
{
  const qc_pkey *k = qc_pschema_find(key);
  long dflt = k && k->dflt ? strtol(k->dflt, NULL, 10) : 0;
  return (double)(p ? qc_profile_get_long(p, key, dflt) : dflt);
}

void qh_rt_limits_from_profile(const qc_profile *p, double time_scale,
                               qh_rt_limits *out)
{
  memset(out, 0, sizeof *out);
  out->time_scale = time_scale > 0 ? time_scale : 1;
  out->tolerance_pct = key_value(p, "response.tolerance_pct");
  out->margin_ms = key_value(p, "response.margin_ms");
  for (int i = 0; i < QH_RT_FIXED; i++)
    out->fixed_ms[i] = key_value(p, fixed_keys[i]);
  out->rsptimeout_s = QH_RT_RSPTIMEOUT_DEFAULT;
}

/* N of 'AT+QFTPCFG="rsptimeout",N' (letter case and '_' in the key
 * ignored, as lenient firmware does); -1 for any other line. */
static long rsptimeout_set(const char *t)
{
  static const char pre[] = "AT+QFTPCFG=\"";
  if (strncasecmp(t, pre, sizeof pre - 1) != 0)
    return -1;
  const char *p = t + sizeof pre - 1, *want = "rsptimeout";
  for (; *p && *p != '"'; p++) {
    if (*p == '_')
      continue;
    if (!*want || tolower((unsigned char)*p) != *want)
      return -1;
    want++;
  }
  if (*want || p[0] != '"' || p[1] != ',' || !isdigit((unsigned char)p[2]))
    return -1;
  char *end;
  long v = strtol(p + 2, &end, 10);
  return *end ? -1 : v;
}

static bool is_final(const char *t)
{
  return strcmp(t, "OK") == 0 || strcmp(t, "ERROR") == 0 ||
         strncmp(t, "+CME ERROR:", 11) == 0;
}

/* rsptimeout as the case sets it, followed line by line. */
typedef struct rsp_track {
  size_t next;   /* the next line to look at */
  long pending;  /* a set sent, not answered yet; -1 none */
  double cur_s;
} rsp_track;

static void rsp_advance(rsp_track *rt, const qr_tline *lines, size_t upto)
{
  for (; rt->next < upto; rt->next++) {
    const qr_tline *l = &lines[rt->next];
    if (l->dir == '>') {
      rt->pending = rsptimeout_set(l->text);
    } else if (l->dir == '<' && rt->pending >= 0 && is_final(l->text)) {
      if (strcmp(l->text, "OK") == 0)
        rt->cur_s = (double)rt->pending;
      rt->pending = -1;
    }
  }
}

/* The command line a sample ending at `end` started with: the last AT+
 * line sent before it (qr_latency_scan's own rule). */
static long command_line(const qr_tline *lines, size_t end)
{
  for (size_t i = end; i-- > 0;)
    if (lines[i].dir == '>' && strncasecmp(lines[i].text, "AT+", 3) == 0)
      return (long)i;
  return -1;
}

long qh_rt_check(const qr_tline *lines, size_t n, const qh_rt_limits *lim,
                 qh_rt_late *late, size_t cap, size_t *nlate, double *ratio)
{
  *nlate = 0;
  if (ratio)
    *ratio = 0;
  size_t ns = qr_latency_scan(lines, n, NULL, 0);
  if (!ns)
    return 0;
  qr_lat *s = calloc(ns, sizeof *s);
  if (!s)
    return -1;
  ns = qr_latency_scan(lines, n, s, ns);
  double scale = lim->time_scale > 0 ? lim->time_scale : 1;
  double margin_s = lim->margin_ms / 1000.0 / scale;
  rsp_track rt = {.pending = -1, .cur_s = lim->rsptimeout_s};
  long checked = 0;
  for (size_t i = 0; i < ns; i++) {
    const qh_rt_bound *b = qh_rt_find(s[i].cmd);
    qr_lat_to want = !b                     ? QR_LAT_OK
                     : b->what == QH_RT_URC ? QR_LAT_URC
                     : b->what == QH_RT_OK  ? QR_LAT_OK
                                            : QR_LAT_CONNECT;
    if (!b || s[i].to != want)
      continue;
    long cl = command_line(lines, s[i].line);
    if (cl < 0)
      continue;
    const qr_tline *cmd = &lines[cl], *end = &lines[s[i].line];
    /* The case's own steps only: the preflight's and the teardown's
     * commands are the harness's. */
    if (cmd->step <= 0 || end->step < 0)
      continue;
    rsp_advance(&rt, lines, (size_t)cl);
    /* From the command, through its OK for a URC (ok + urc). */
    double real = end->t - cmd->t;
    double took = (real > 0 ? real : 0) / scale;
    double bound_s = b->src == QH_RT_RSPTIMEOUT ? rt.cur_s
                                                : lim->fixed_ms[b->src] / 1000.0;
    double limit = bound_s * (1 + lim->tolerance_pct / 100.0) + margin_s;
    checked++;
    if (ratio && limit > 0 && took / limit > *ratio)
      *ratio = took / limit;
    if (took <= limit)
      continue;
    if (*nlate < cap) {
      qh_rt_late *l = &late[*nlate];
      memset(l, 0, sizeof *l);
      l->b = b;
      l->s = took;
      l->bound_s = bound_s;
      l->limit_s = limit;
      l->line = s[i].line;
      l->step = end->step > 0 ? end->step : cmd->step;
      l->cmd_step = cmd->step;
      snprintf(l->seen, sizeof l->seen, "%s", end->text);
    }
    (*nlate)++;
  }
  free(s);
  return checked;
}

/* "412 ms", "95.2 s", "90 s". */
static void fmt_dur(double s, char *buf, size_t len)
{
  if (s < 10)
    snprintf(buf, len, "%.0f ms", s * 1000);
  else if (fabs(s - (double)(long long)(s + 0.5)) < 0.05)
    snprintf(buf, len, "%.0f s", s);
  else
    snprintf(buf, len, "%.1f s", s);
}

void qh_rt_describe(const qh_rt_late *l, const qh_rt_limits *lim, char *buf,
                    size_t len)
{
  char took[32], bound[32], margin[96] = "";
  fmt_dur(l->s, took, sizeof took);
  fmt_dur(l->bound_s, bound, sizeof bound);
  if (lim->time_scale != 1) {
    char m[32];
    fmt_dur(lim->margin_ms / 1000.0 / lim->time_scale, m, sizeof m);
    snprintf(margin, sizeof margin, ", %s of module time at time scale %g", m,
             lim->time_scale);
  }
  char src[48] = "";
  if (l->b->src == QH_RT_RSPTIMEOUT)
    snprintf(src, sizeof src, ": rsptimeout %s", bound);
  const char *verb = l->b->what == QH_RT_URC ? "gave" : "answered";
  snprintf(buf, len,
           "%s %s %s after %s, the note allows %s (%s%s; tolerance %g %% + "
           "%g ms host time%s)",
           l->b->cmd, verb, l->seen, took, bound, l->b->section, src,
           lim->tolerance_pct, lim->margin_ms, margin);
}

enum { LATE_MAX = 32 }; /* late commands one case records */

/* A sleep step between the command and the late line: the line may have
 * come long before the harness read it. */
static bool slept(const qr_case_result *cr, const qh_rt_late *l)
{
  for (int s = l->cmd_step; s <= l->step; s++)
    if (s > 0 && (size_t)s <= cr->nsteps && cr->steps[s - 1].kind &&
        strcmp(cr->steps[s - 1].kind, "sleep") == 0)
      return true;
  return false;
}

void qh_rt_check_case(qr_case_result *cr, const qh_rt_limits *lim)
{
  qh_rt_late late[LATE_MAX];
  size_t nlate = 0;
  double worst = 0;
  long n = qh_rt_check(cr->lines, cr->nlines, lim, late, LATE_MAX, &nlate,
                       &worst);
  if (n < 0) {
    qr_case_note(cr, 0, "response times not checked: out of memory");
    return;
  }
  qr_case_rt_checked(cr, n, worst);
  if (nlate > LATE_MAX) {
    qr_case_note(cr, 0, "%zu commands over their maximum response time; "
                        "the first %d recorded", nlate, LATE_MAX);
    nlate = LATE_MAX;
  }
  for (size_t i = 0; i < nlate; i++) {
    const qh_rt_late *l = &late[i];
    char msg[512];
    qh_rt_describe(l, lim, msg, sizeof msg);
    if (slept(cr, l)) {
      qr_case_note(cr, 0, "%s; not held against the module: a sleep step "
                          "came between, when no line was read", msg);
      continue;
    }
    qr_case_add_rt_late(cr, l->b->cmd, qh_rt_what_name(l->b->what),
                        l->b->section, l->s, l->limit_s, (long)l->line);
    qr_case_note(cr, 0, "%s", msg);
    if (cr->verdict != QR_PASS)
      continue; /* the first failure stays; the note tells the rest */
    const qr_step_result *st =
        l->step > 0 && (size_t)l->step <= cr->nsteps ? &cr->steps[l->step - 1]
                                                     : NULL;
    char want[128], seen[128], lim_s[32], took[32];
    fmt_dur(l->limit_s, lim_s, sizeof lim_s);
    fmt_dur(l->s, took, sizeof took);
    snprintf(want, sizeof want, "%s within %s of module time (%s)",
             l->b->what == QH_RT_URC ? "its URC" : l->seen, lim_s,
             l->b->section);
    snprintf(seen, sizeof seen, "%s after %s", l->seen, took);
    if (st && st->where)
      qr_case_set_verdict(cr, QR_FAIL, l->step, "step %d (%s): %s", l->step,
                          st->where, msg);
    else
      qr_case_set_verdict(cr, QR_FAIL, l->step, "%s", msg);
    qr_case_set_failure(cr, l->step, "response-time", st ? st->where : NULL,
                        st ? st->fragment : NULL, want, seen, (long)l->line);
  }
}
