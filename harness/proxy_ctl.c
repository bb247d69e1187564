/* proxy_ctl: qftp-proxy as a child of the run. */
#include "proxy_ctl.h"

#include "qc_io.h"
#include "qc_proc.h"
#include "qc_time.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PROXY_START_MS = 5000, PROXY_STOP_MS = 1000 };

struct qh_proxy {
  pid_t pid;
  int port;
  int data_lo, data_hi; /* --data-ports */
  char rules[PATH_MAX];
  char log[PATH_MAX];
};

/* Module milliseconds to real ones, never below 1 (0 means no delay). */
static json_int_t scaled_ms(int ms, double scale)
{
  double v = (double)ms * scale + 0.5;
  return v < 1 ? 1 : (json_int_t)v;
}

/* Parameter p of f as the rules file has it, or NULL to leave it out: a
 * parameter the kind does not take, or an optional one not set. */
static json_t *param_json(const qh_fault *f, const px_fault_def *d, px_param p,
                          double time_scale)
{
  if (!(d->takes & PX_P(p)))
    return NULL;
  bool need = d->needs & PX_P(p);
  switch (p) {
  case PX_PARAM_ON:
    return f->on ? json_string(f->on) : NULL;
  case PX_PARAM_NTH: /* always: absent would mean 1, and 0 means every */
    return json_integer(f->nth);
  case PX_PARAM_REPLY:
    return f->reply ? json_string(f->reply) : NULL;
  case PX_PARAM_AFTER:
    return f->after_ms > 0
               ? json_integer(scaled_ms(f->after_ms, time_scale))
               : NULL;
  case PX_PARAM_DELAY:
    return need || f->delay_ms > 0
               ? json_integer(scaled_ms(f->delay_ms, time_scale))
               : NULL;
  case PX_PARAM_BYTES:
    return need || f->bytes ? json_integer((json_int_t)f->bytes) : NULL;
  case PX_PARAM_ADDRESS:
    return f->address ? json_string(f->address) : NULL;
  case PX_PARAM_COUNT:
    break;
  }
  return NULL;
}

char *qh_proxy_rules_json(const qh_fault *f, size_t n, double time_scale)
{
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    const px_fault_def *d = px_fault_of(f[i].kind);
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(px_kind_name(f[i].kind)));
    for (int p = 0; d && p < PX_PARAM_COUNT; p++) {
      json_t *v = param_json(&f[i], d, (px_param)p, time_scale);
      if (v)
        json_object_set_new(o, px_param_json((px_param)p), v);
    }
    json_array_append_new(arr, o);
  }
  json_t *root = json_object();
  json_object_set_new(root, "faults", arr);
  char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  return s;
}

int qh_proxy_set_faults(qh_proxy *p, const qh_fault *f, size_t n,
                        double time_scale, char *err, size_t errlen)
{
  char *s = qh_proxy_rules_json(f, n, time_scale);
  if (!s) {
    snprintf(err, errlen, "proxy rules: out of memory");
    return -1;
  }
  /* Written whole and renamed: a session starting meanwhile reads the old
   * rules or the new ones, never half. */
  char tmp[PATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", p->rules);
  FILE *fp = fopen(tmp, "w");
  int rc = -1;
  if (fp) {
    bool ok = fputs(s, fp) >= 0;
    ok = fclose(fp) == 0 && ok;
    rc = ok && rename(tmp, p->rules) == 0 ? 0 : -1;
  }
  if (rc < 0)
    snprintf(err, errlen, "%s: %s", p->rules, strerror(errno));
  free(s);
  return rc;
}

/* Whether lo..hi holds a port of avoid. */
static bool holds(int lo, int hi, const int *avoid, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (avoid[i] >= lo && avoid[i] <= hi)
      return true;
  return false;
}

int qh_proxy_data_range(int pasv_lo, int pasv_hi, const int *avoid,
                        size_t navoid, int *lo, int *hi)
{
  *lo = *hi = 0;
  if (pasv_lo <= 0 || pasv_hi < pasv_lo || pasv_hi > 65535)
    return -1;
  const int w = QH_PROXY_DATA_PORTS;
  const int up = pasv_hi + 1, down = pasv_lo - w; /* the blocks' starts */
  bool up_ok = up + w - 1 <= 65535, down_ok = down >= 1;
  if (up_ok && !holds(up, up + w - 1, avoid, navoid))
    *lo = up;
  else if (down_ok && !holds(down, down + w - 1, avoid, navoid))
    *lo = down;
  else if (up_ok || down_ok)
    *lo = up_ok ? up : down;
  else
    return -1; /* a passive range of nearly all ports: nothing beside it */
  *hi = *lo + w - 1;
  return 0;
}

int qh_proxy_start(const char *binary, const char *dir,
                   const char *listen_addr, const char *upstream_addr,
                   int upstream_port, int data_lo, int data_hi,
                   qh_proxy **out, char *err, size_t errlen)
{
  qh_proxy *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  p->data_lo = data_lo;
  p->data_hi = data_hi;
  snprintf(p->rules, sizeof p->rules, "%s/proxy-rules.json", dir);
  snprintf(p->log, sizeof p->log, "%s/proxy.log", dir);
  if (qh_proxy_set_faults(p, NULL, 0, 1.0, err, errlen) < 0) {
    free(p);
    return -1;
  }
  char listen[96], upstream[96], dports[32];
  snprintf(listen, sizeof listen, "%s:0", listen_addr);
  snprintf(upstream, sizeof upstream, "%s:%d", upstream_addr, upstream_port);
  snprintf(dports, sizeof dports, "%d-%d", data_lo, data_hi);
  char *argv[] = {(char *)binary, "--listen", listen, "--upstream", upstream,
                  "--rules", p->rules, "--log", p->log, NULL, NULL, NULL};
  if (data_lo > 0) {
    argv[9] = "--data-ports";
    argv[10] = dports;
  }
  int pfd[2];
  if (pipe2(pfd, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "pipe: %s", strerror(errno));
    free(p);
    return -1;
  }
  int logfd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  p->pid = qc_spawn(argv, -1, pfd[1], logfd, err, errlen);
  close(pfd[1]);
  if (logfd >= 0)
    close(logfd);
  if (p->pid < 0) {
    close(pfd[0]);
    free(p);
    return -1;
  }
  /* "listening <port>\n" once it accepts. */
  char line[64] = "";
  size_t len = 0;
  int64_t deadline = qc_deadline_in(PROXY_START_MS);
  while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
    ssize_t r = qc_read_some(pfd[0], line + len, sizeof line - 1 - len,
                             deadline);
    if (r <= 0)
      break;
    len += (size_t)r;
    line[len] = '\0';
  }
  close(pfd[0]);
  if (sscanf(line, "listening %d", &p->port) != 1 || p->port <= 0) {
    snprintf(err, errlen, "qftp-proxy did not start within %d ms (see %s)",
             PROXY_START_MS, p->log);
    qc_stop(p->pid, SIGTERM, PROXY_STOP_MS);
    free(p);
    return -1;
  }
  *out = p;
  return 0;
}

int qh_proxy_port(const qh_proxy *p)
{
  return p->port;
}

void qh_proxy_data_ports(const qh_proxy *p, int *lo, int *hi)
{
  *lo = p->data_lo;
  *hi = p->data_hi;
}

const char *qh_proxy_log_path(const qh_proxy *p)
{
  return p->log;
}

bool qh_proxy_alive(qh_proxy *p, char *why, size_t len)
{
  int st;
  if (p->pid > 0 && qc_alive(p->pid, &st))
    return true;
  char s[64] = "not running";
  if (p->pid > 0)
    qc_status_str(st, s, sizeof s);
  p->pid = 0;
  snprintf(why, len, "qftp-proxy %s", s);
  return false;
}

void qh_proxy_stop(qh_proxy *p)
{
  if (!p)
    return;
  if (p->pid > 0)
    qc_stop(p->pid, SIGTERM, PROXY_STOP_MS);
  free(p);
}
