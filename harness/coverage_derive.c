/* coverage_derive: items from a case's steps, faults and spec. */
#include "coverage_derive.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int qh_cov_parse_at(const char *line, qh_cov_at *out)
{
  memset(out, 0, sizeof *out);
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  if (strncasecmp(p, "AT+", 3) != 0)
    return -1;
  p += 3;
  out->name = p;
  while (isalnum((unsigned char)*p) || *p == '_')
    p++;
  out->name_len = (size_t)(p - out->name);
  if (!out->name_len)
    return -1;
  /* The end: before a trailing CR/LF and blanks. */
  const char *end = p + strlen(p);
  while (end > p && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  if (p == end) {
    out->form = QH_FORM_EXEC;
    return 0;
  }
  if (end - p == 1 && *p == '?') {
    out->form = QH_FORM_QUERY;
    return 0;
  }
  if (*p != '=')
    return -1;
  p++;
  if (end - p == 1 && *p == '?') {
    out->form = QH_FORM_TEST;
    return 0;
  }
  out->form = QH_FORM_SET;
  /* Fields: split on commas outside quotes; `=` alone is one empty field. */
  for (;;) {
    if (out->nfields == QH_COV_MAX_FIELDS)
      return -1;
    qh_cov_field *f = &out->fields[out->nfields++];
    while (p < end && *p == ' ')
      p++;
    if (p < end && *p == '"') {
      const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
      if (!q) /* unbalanced: the rest is the string */
        q = end;
      f->p = p + 1;
      f->len = (size_t)(q - p - 1);
      f->quoted = true;
      p = q < end ? q + 1 : end;
      while (p < end && *p != ',')
        p++; /* junk after the quote stays part of this field */
    } else {
      f->p = p;
      while (p < end && *p != ',')
        p++;
      const char *e = p;
      while (e > f->p && e[-1] == ' ')
        e--;
      f->len = (size_t)(e - f->p);
    }
    if (p >= end)
      break;
    p++; /* the comma */
  }
  return 0;
}

static bool holds_var(const qh_cov_field *f)
{
  for (size_t i = 0; i + 1 < f->len; i++)
    if (f->p[i] == '$' && f->p[i + 1] == '{')
      return true;
  return false;
}

qh_cov_vclass qh_cov_classify(const qh_cov_param *p, const qh_cov_field *f)
{
  if (!f || (!f->quoted && f->len == 0))
    return QH_VC_MISSING;
  if (holds_var(f))
    return QH_VC_UNKNOWN;
  if (p->type == QH_VT_STRING) {
    if (!f->quoted)
      return QH_VC_WRONG_TYPE;
    if ((long)f->len > p->max)
      return QH_VC_TOO_LONG;
    return (long)f->len == p->max ? QH_VC_MAX : QH_VC_INSIDE;
  }
  if (f->quoted)
    return QH_VC_WRONG_TYPE;
  /* An integer: optional '-', digits only. */
  size_t i = f->p[0] == '-' ? 1 : 0;
  if (i == f->len)
    return QH_VC_WRONG_TYPE;
  for (size_t j = i; j < f->len; j++)
    if (!isdigit((unsigned char)f->p[j]))
      return QH_VC_WRONG_TYPE;
  if (f->len - i > 18) /* beyond any range of the note */
    return i ? QH_VC_BELOW : QH_VC_ABOVE;
  char buf[24];
  memcpy(buf, f->p, f->len);
  buf[f->len] = '\0';
  long long v = strtoll(buf, NULL, 10);
  if (v < p->min)
    return QH_VC_BELOW;
  if (v > p->max)
    return QH_VC_ABOVE;
  if (v == p->min)
    return QH_VC_MIN;
  return v == p->max ? QH_VC_MAX : QH_VC_INSIDE;
}

/* Exactly three digits at s, not followed by another digit or by regex
 * syntax that makes them a pattern rather than a value. */
static int three_digits(const char *s, bool regex)
{
  for (int i = 0; i < 3; i++)
    if (!isdigit((unsigned char)s[i]))
      return -1;
  if (isdigit((unsigned char)s[3]))
    return -1;
  if (regex && s[3] && strchr("([{?*+.", s[3]))
    return -1;
  return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

size_t qh_cov_scan(const char *text, bool regex, qh_cov_hit *hits, size_t max)
{
  char buf[QH_COV_LINE_MAX];
  size_t o = 0;
  for (const char *p = text; *p && o + 1 < sizeof buf; p++) {
    if (regex && *p == '|')
      return 0;
    if (regex && *p == '\\' && p[1])
      p++;
    buf[o++] = *p;
  }
  buf[o] = '\0';
  size_t n = 0;
  for (const char *p = buf; *p && n < max; p++) {
    if (p[0] != '+')
      continue;
    if (strncmp(p, "+CME ERROR:", 11) == 0) {
      const char *d = p + 11;
      while (*d == ' ')
        d++;
      int err = three_digits(d, regex);
      if (err >= 0)
        hits[n++] = (qh_cov_hit){.err = err, .reply = -1, .cmd = NULL};
      continue;
    }
    const char *name = p + 1;
    const char *e = name;
    while (isalnum((unsigned char)*e))
      e++;
    const qh_cov_command *cmd = qh_cov_command_find(name, (size_t)(e - name));
    if (!cmd || *e != ':')
      continue;
    const char *d = e + 1;
    while (*d == ' ')
      d++;
    int err = three_digits(d, regex);
    if (err < 0 || d[3] != ',')
      continue;
    const char *r = d + 4;
    while (*r == ' ')
      r++;
    int reply = three_digits(r, regex);
    if (reply < 0 && r[0] == '0' && !isdigit((unsigned char)r[1]))
      reply = 0;
    hits[n++] = (qh_cov_hit){.err = err, .reply = reply, .cmd = cmd};
  }
  return n;
}

void qh_cov_expand(const qh_vars *vars, const char *in, char *out, size_t cap)
{
  size_t o = 0;
  if (!cap)
    return;
  for (const char *p = in; *p;) {
    const char *piece = p;
    size_t plen = 1;
    if (p[0] == '$' && p[1] == '$') {
      plen = 1;
      p += 2;
    } else if (p[0] == '$' && p[1] == '{' && strchr(p + 2, '}')) {
      const char *end = strchr(p + 2, '}');
      char name[QH_VAR_NAME_MAX];
      size_t nlen = (size_t)(end - p - 2);
      const char *val = NULL;
      if (nlen && nlen < sizeof name) {
        memcpy(name, p + 2, nlen);
        name[nlen] = '\0';
        val = vars ? qh_vars_get(vars, name) : NULL;
      }
      if (val) {
        piece = val;
        plen = strlen(val);
      } else {
        plen = (size_t)(end - p + 1); /* kept as written */
      }
      p = end + 1;
    } else {
      p++;
    }
    if (o + plen >= cap)
      plen = cap - 1 - o;
    memcpy(out + o, piece, plen);
    o += plen;
  }
  out[o] = '\0';
}

/* A send_raw's text up to its first line end (escaped or not). */
static void raw_line(const char *raw, char *out, size_t cap)
{
  size_t o = 0;
  for (const char *p = raw; *p && o + 1 < cap; p++) {
    if (*p == '\r' || *p == '\n' ||
        (p[0] == '\\' && (p[1] == 'r' || p[1] == 'n')))
      break;
    out[o++] = *p;
  }
  out[o] = '\0';
}

enum { MAX_ERRS_PENDING = 64, MAX_SETS = 32 };

typedef struct derive_state {
  qh_cov_emit emit;
  void *ctx;
  const qh_cov_cfgkey *set_keys[MAX_SETS]; /* keys set with a valid value */
  size_t nset;
  int pending[MAX_ERRS_PENDING]; /* errs expected, awaiting a command */
  size_t npending;
} derive_state;

static void emitf(derive_state *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void emitf(derive_state *s, const char *fmt, ...)
{
  char key[96];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(key, sizeof key, fmt, ap);
  va_end(ap);
  s->emit(s->ctx, key);
}

static void derive_cfg(derive_state *s, const qh_cov_at *at)
{
  if (at->nfields == 0 || !at->fields[0].quoted)
    return;
  const qh_cov_cfgkey *k =
      qh_cov_cfgkey_find(at->fields[0].p, at->fields[0].len);
  if (!k)
    return;
  if (at->nfields == 1) { /* the key alone queries it (2.1) */
    for (size_t i = 0; i < s->nset; i++)
      if (s->set_keys[i] == k) {
        emitf(s, "cfg:%s:read_back", k->key);
        break;
      }
    return;
  }
  bool valid = true; /* a set the module should take */
  for (size_t p = 0; p < k->nparams; p++) {
    const qh_cov_field *f = p + 1 < at->nfields ? &at->fields[p + 1] : NULL;
    /* 2.1: <data_timeout> only means something with type 2. */
    if (!f && strcmp(k->params[p].name, "data_timeout") == 0 &&
        !(at->fields[1].len == 1 && at->fields[1].p[0] == '2'))
      continue;
    qh_cov_vclass vc = qh_cov_classify(&k->params[p], f);
    if (vc != QH_VC_MIN && vc != QH_VC_MAX && vc != QH_VC_INSIDE &&
        vc != QH_VC_UNKNOWN)
      valid = false;
    if (vc < QH_VC_COUNT) {
      char label[64];
      qh_cov_cfg_label(k, p, label, sizeof label);
      emitf(s, "cfg:%s:%s", label, qh_cov_vclass_name(vc));
    }
  }
  if (valid && s->nset < MAX_SETS)
    s->set_keys[s->nset++] = k;
}

static void derive_send(derive_state *s, const char *line)
{
  qh_cov_at at;
  if (qh_cov_parse_at(line, &at) < 0)
    return;
  /* Any extended AT command after an expected err shows the module still
   * answers: the post-condition of that err. */
  for (size_t i = 0; i < s->npending; i++)
    emitf(s, "post:%d", s->pending[i]);
  s->npending = 0;
  const qh_cov_command *cmd = qh_cov_command_find(at.name, at.name_len);
  if (!cmd)
    return;
  emitf(s, "form:%s:%s", cmd->name, qh_cov_form_name(at.form));
  if (at.form != QH_FORM_SET)
    return;
  if (strcmp(cmd->name, "QFTPCFG") == 0) {
    derive_cfg(s, &at);
    return;
  }
  for (size_t p = 0; p < cmd->nparams; p++) {
    const qh_cov_field *f = p < at.nfields ? &at.fields[p] : NULL;
    if (!f && p > 0)
      continue; /* optional trailing parameters may be left out */
    qh_cov_vclass vc = qh_cov_classify(&cmd->params[p], f);
    if (vc < QH_VC_COUNT)
      emitf(s, "arg:%s.%s:%s", cmd->name, cmd->params[p].name,
            qh_cov_vclass_name(vc));
  }
}

static void derive_expect(derive_state *s, const char *text, bool regex)
{
  qh_cov_hit hits[16];
  size_t n = qh_cov_scan(text, regex, hits, 16);
  for (size_t i = 0; i < n; i++) {
    if (hits[i].err == 0)
      continue;
    emitf(s, "err:%d", hits[i].err);
    bool known = false;
    for (size_t j = 0; j < s->npending; j++)
      known = known || s->pending[j] == hits[i].err;
    if (!known && s->npending < MAX_ERRS_PENDING)
      s->pending[s->npending++] = hits[i].err;
    if (hits[i].cmd && hits[i].cmd->family != QH_FAM_NONE &&
        hits[i].reply > 0)
      emitf(s, "reply:%d:%s", hits[i].reply,
            qh_cov_family_name(hits[i].cmd->family));
  }
}

/* The families of the data commands a case sends: for faults on PASV,
 * PORT, TYPE, which both transfers and listings send. */
static unsigned data_families(const qh_case *c, const qh_vars *vars)
{
  unsigned fams = 0;
  char line[QH_COV_LINE_MAX];
  for (size_t i = 0; i < c->nsteps; i++) {
    if (c->steps[i].kind != QH_STEP_SEND)
      continue;
    qh_cov_expand(vars, c->steps[i].text, line, sizeof line);
    qh_cov_at at;
    if (qh_cov_parse_at(line, &at) < 0)
      continue;
    const qh_cov_command *cmd = qh_cov_command_find(at.name, at.name_len);
    if (cmd && (cmd->family == QH_FAM_TRANSFER ||
                cmd->family == QH_FAM_LISTING))
      fams |= 1u << cmd->family;
  }
  return fams;
}

static void derive_faults(derive_state *s, const qh_case *c,
                          const qh_vars *vars)
{
  for (size_t i = 0; i < c->nfaults; i++) {
    const qh_fault *f = &c->faults[i];
    if (f->kind != PX_KIND_REPLY || !f->reply || !f->on)
      continue;
    int code = three_digits(f->reply, false);
    if (code < 0)
      continue;
    bool shared;
    qh_cov_family fam = qh_cov_verb_family(f->on, &shared);
    unsigned fams = fam != QH_FAM_NONE ? 1u << fam
                    : shared           ? data_families(c, vars)
                                       : 0;
    for (int k = 0; k < QH_FAM_COUNT; k++)
      if (fams >> k & 1)
        emitf(s, "reply:%d:%s", code, qh_cov_family_name((qh_cov_family)k));
  }
}

static void derive_spec(derive_state *s, const char *spec)
{
  if (!spec)
    return;
  char tok[32];
  for (const char *p = spec; *p;) {
    while (*p && strchr(" ,;", *p))
      p++;
    size_t n = strcspn(p, " ,;");
    if (!n)
      break;
    snprintf(tok, sizeof tok, "%.*s", (int)(n < 31 ? n : 31), p);
    p += n;
    /* "2.3.1" also covers its section "2.3": cut to two levels. */
    char *dot = strchr(tok, '.');
    if (dot && (dot = strchr(dot + 1, '.')) != NULL)
      *dot = '\0';
    emitf(s, "section:%s", tok);
  }
}

void qh_cov_derive(const qh_case *c, const qh_vars *vars, qh_cov_emit emit,
                   void *ctx)
{
  derive_state s = {.emit = emit, .ctx = ctx};
  char line[QH_COV_LINE_MAX];
  for (size_t i = 0; i < c->nsteps; i++) {
    const qh_step *st = &c->steps[i];
    switch (st->kind) {
    case QH_STEP_SEND:
      qh_cov_expand(vars, st->text, line, sizeof line);
      derive_send(&s, line);
      break;
    case QH_STEP_SEND_RAW: {
      char raw[QH_COV_LINE_MAX];
      raw_line(st->text, raw, sizeof raw);
      qh_cov_expand(vars, raw, line, sizeof line);
      derive_send(&s, line);
      break;
    }
    case QH_STEP_EXPECT:
    case QH_STEP_WAIT_FOR:
    case QH_STEP_EXPECT_MATCH:
    case QH_STEP_WAIT_MATCH:
      qh_cov_expand(vars, st->text, line, sizeof line);
      derive_expect(&s, line, st->kind == QH_STEP_EXPECT_MATCH ||
                                  st->kind == QH_STEP_WAIT_MATCH);
      break;
    case QH_STEP_SILENCE:
    case QH_STEP_SLEEP:
    case QH_STEP_SEND_DATA:
    case QH_STEP_EXPECT_DATA:
    case QH_STEP_READ_LISTING:
    case QH_STEP_ESCAPE:
    case QH_STEP_DTR:
    case QH_STEP_SIM_CONTROL:
      break;
    }
  }
  derive_faults(&s, c, vars);
  derive_spec(&s, c->spec);
}
