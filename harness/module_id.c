/* module_id: parsing the module's identity answers. */
#include "module_id.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

/* Copies s without surrounding blanks and quotes into out. */
static void copy_trim(char *out, size_t len, const char *s)
{
  while (*s == ' ' || *s == '\t' || *s == '"')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '"'))
    n--;
  if (n >= len)
    n = len - 1;
  memcpy(out, s, n);
  out[n] = '\0';
}

/* The text after a "+CMD:" or "Revision:" prefix (case-insensitive), or s
 * itself when it has none. */
static const char *after_prefix(const char *s, const char *prefix)
{
  size_t n = strlen(prefix);
  if (strncasecmp(s, prefix, n) == 0)
    return s + n;
  return s;
}

/* A value that can be an identity field: printable, no blank inside,
 * not a result code. */
static bool is_token(const char *s)
{
  if (!*s || strcmp(s, "OK") == 0 || strncmp(s, "ERROR", 5) == 0 ||
      strncmp(s, "+CME ERROR", 10) == 0)
    return false;
  for (; *s; s++)
    if (!isprint((unsigned char)*s) || *s == ' ')
      return false;
  return true;
}

void qh_module_parse_ati(qh_module_id *m, const char *const *lines, size_t n)
{
  size_t plain = 0; /* lines before "Revision:": manufacturer, model */
  for (size_t i = 0; i < n; i++) {
    const char *l = lines[i];
    if (m->nati < QH_MODULE_ATI_MAX)
      snprintf(m->ati[m->nati++], QH_MODULE_FIELD, "%s", l);
    const char *rev = after_prefix(l, "Revision:");
    char v[QH_MODULE_FIELD];
    copy_trim(v, sizeof v, rev);
    if (rev != l) {
      if (!m->revision[0] && is_token(v))
        snprintf(m->revision, sizeof m->revision, "%s", v);
      continue;
    }
    if (!*v)
      continue;
    if (plain == 0 && !m->manufacturer[0])
      snprintf(m->manufacturer, sizeof m->manufacturer, "%s", v);
    else if (plain == 1 && !m->model[0] && is_token(v))
      snprintf(m->model, sizeof m->model, "%s", v);
    plain++;
  }
}

/* The first line that, its prefix taken off, is one token. */
static bool first_token(const char *const *lines, size_t n,
                        const char *const *prefixes, char *out, size_t len)
{
  for (size_t i = 0; i < n; i++) {
    const char *s = lines[i];
    for (size_t k = 0; prefixes[k]; k++) {
      const char *a = after_prefix(s, prefixes[k]);
      if (a != s) {
        s = a;
        break;
      }
    }
    char v[QH_MODULE_FIELD];
    copy_trim(v, sizeof v, s);
    if (is_token(v)) {
      snprintf(out, len, "%s", v);
      return true;
    }
  }
  return false;
}

bool qh_module_parse_gmr(qh_module_id *m, const char *const *lines, size_t n)
{
  static const char *const pre[] = {"Revision:", "+GMR:", NULL};
  return first_token(lines, n, pre, m->revision, sizeof m->revision);
}

bool qh_module_parse_cgmm(qh_module_id *m, const char *const *lines, size_t n)
{
  static const char *const pre[] = {"+CGMM:", NULL};
  return first_token(lines, n, pre, m->model, sizeof m->model);
}

bool qh_module_parse_cgsn(qh_module_id *m, const char *const *lines, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    char v[QH_MODULE_FIELD];
    copy_trim(v, sizeof v, after_prefix(lines[i], "+CGSN:"));
    size_t len = strlen(v);
    if (len < 14 || len > 17 || strspn(v, "0123456789") != len)
      continue;
    qh_imei_mask(v, m->imei_masked, sizeof m->imei_masked);
    return true;
  }
  return false;
}

void qh_module_parse_cpin(qh_module_id *m, const char *const *lines, size_t n)
{
  m->sim_ready = false;
  m->sim[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    const char *a = after_prefix(lines[i], "+CPIN:");
    char v[QH_MODULE_FIELD];
    copy_trim(v, sizeof v, a);
    if (a == lines[i] && strncmp(v, "+CME ERROR", 10) != 0)
      continue;
    snprintf(m->sim, sizeof m->sim, "%s", v);
    m->sim_ready = strcmp(v, "READY") == 0;
    return;
  }
}

void qh_module_parse_qiact(qh_module_id *m, const char *const *lines,
                           size_t n)
{
  m->npdp = 0;
  for (size_t i = 0; i < n && m->npdp < QH_MODULE_PDP_MAX; i++) {
    const char *a = after_prefix(lines[i], "+QIACT:");
    if (a == lines[i])
      continue;
    qh_pdp_addr p = {0};
    char *end;
    p.ctx = (int)strtol(a, &end, 10);
    if (end == a || *end != ',' || p.ctx < 1 || p.ctx > 15)
      continue;
    a = end + 1;
    p.state = (int)strtol(a, &end, 10);
    if (end == a || (*end != ',' && *end))
      continue;
    a = *end ? end + 1 : end;
    p.type = (int)strtol(a, &end, 10);
    if (end == a)
      continue;
    /* Each quoted field that follows is an address (IPv4v6 gives two). */
    size_t o = 0;
    const char *q = end;
    while ((q = strchr(q, '"'))) {
      const char *close = strchr(q + 1, '"');
      if (!close)
        break;
      int len = (int)(close - q - 1);
      if (len > 0 && o < sizeof p.addr)
        o += (size_t)snprintf(p.addr + o, sizeof p.addr - o, "%s%.*s",
                              o ? " " : "", len, q + 1);
      q = close + 1;
    }
    if (o >= sizeof p.addr)
      p.addr[sizeof p.addr - 1] = '\0';
    m->pdp[m->npdp++] = p;
  }
}

void qh_imei_mask(const char *imei, char *out, size_t len)
{
  size_t n = strlen(imei);
  snprintf(out, len, "****%s", n > 4 ? imei + n - 4 : "");
}

void qh_imei_mask_text(const char *text, char *out, size_t len)
{
  if (!len)
    return;
  size_t o = 0;
  for (const char *p = text; *p && o + 1 < len;) {
    size_t d = strspn(p, "0123456789");
    if (d >= 14 && d <= 17) {
      char run[18], masked[18];
      memcpy(run, p, d);
      run[d] = '\0';
      qh_imei_mask(run, masked, sizeof masked);
      for (size_t i = 0; masked[i] && o + 1 < len; i++)
        out[o++] = masked[i];
      p += d;
    } else if (d) {
      for (size_t i = 0; i < d && o + 1 < len; i++)
        out[o++] = p[i];
      p += d;
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = '\0';
}

void qh_module_short(const qh_module_id *m, char *out, size_t len)
{
  snprintf(out, len, "%s rev %s", m->model[0] ? m->model : "(model unknown)",
           m->revision[0] ? m->revision : "(unknown)");
}

void qh_module_summary(const qh_module_id *m, char *out, size_t len)
{
  size_t o = (size_t)snprintf(
      out, len, "%s%s%s rev %s, IMEI %s, %s%s", m->manufacturer,
      m->manufacturer[0] ? " " : "", m->model[0] ? m->model : "(model unknown)",
      m->revision[0] ? m->revision : "(unknown)",
      m->imei_masked[0] ? m->imei_masked : "unknown",
      m->sim_ready ? "SIM ready" : "SIM not ready: ",
      m->sim_ready ? "" : (m->sim[0] ? m->sim : "no answer"));
  size_t active = 0;
  for (size_t i = 0; i < m->npdp && o < len; i++) {
    if (m->pdp[i].state != 1)
      continue;
    o += (size_t)snprintf(out + o, len - o, "%s%d %s",
                          active ? ", PDP " : ", PDP ", m->pdp[i].ctx,
                          m->pdp[i].addr[0] ? m->pdp[i].addr : "(no address)");
    active++;
  }
  if (!active && o < len)
    snprintf(out + o, len - o, ", no PDP context active");
}
