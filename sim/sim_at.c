#include "sim_at.h"

#include <ctype.h>
#include <string.h>

void sim_at_framer_init(sim_at_framer *f)
{
  f->len = 0;
  f->overlong = false;
  f->ready = false;
  f->after_cr = false;
  f->buf[0] = '\0';
}

static bool starts_at(const char *s, size_t len)
{
  return len >= 2 && (s[0] == 'A' || s[0] == 'a') &&
         (s[1] == 'T' || s[1] == 't');
}

bool sim_at_framer_echoes(const sim_at_framer *f, unsigned char c)
{
  return !(c == '\n' && f->after_cr);
}

static sim_at_event frame_byte(sim_at_framer *f, unsigned char c)
{
  if (f->ready)
    sim_at_framer_init(f);
  if (c == '\n') /* 1.2: lines end at CR; LF alone means nothing */
    return SIM_AT_EV_NONE;
  if (c != '\r') {
    if (f->len < SIM_AT_LINE_MAX)
      f->buf[f->len++] = (char)c;
    else
      f->overlong = true;
    return SIM_AT_EV_NONE;
  }
  f->buf[f->len] = '\0';
  sim_at_event ev;
  if (f->overlong)
    ev = SIM_AT_EV_ERROR;
  else if (f->len == 0)
    ev = SIM_AT_EV_NONE;
  else if (starts_at(f->buf, f->len))
    ev = SIM_AT_EV_LINE;
  else
    ev = SIM_AT_EV_ERROR; /* garbage before (or instead of) AT */
  if (ev == SIM_AT_EV_LINE)
    f->ready = true;
  else
    sim_at_framer_init(f);
  return ev;
}

sim_at_event sim_at_framer_byte(sim_at_framer *f, unsigned char c)
{
  sim_at_event ev = frame_byte(f, c);
  f->after_cr = c == '\r'; /* after frame_byte: its resets clear it */
  return ev;
}

const char *sim_at_framer_line(const sim_at_framer *f, size_t *len)
{
  *len = f->len;
  return f->buf;
}

static bool name_char(unsigned char c)
{
  return isalnum(c) || c == '_';
}

int sim_at_split(const char *line, size_t len, sim_at_cmd *out)
{
  memset(out, 0, sizeof *out);
  if (!starts_at(line, len))
    return -1;
  const char *s = line + 2;
  size_t n = len - 2, i = 0;
  out->args = s + n;
  if (n == 0) {
    out->form = SIM_AT_FORM_EXEC;
    return 0;
  }
  if (s[0] == '+' || s[0] == '&') {
    out->name[0] = s[0];
    i = 1;
    while (i < n && name_char((unsigned char)s[i])) {
      if (i >= SIM_AT_NAME_MAX)
        return -1;
      out->name[i] = (char)toupper((unsigned char)s[i]);
      i++;
    }
    if (i == 1)
      return -1;
  } else if (isalpha((unsigned char)s[0])) {
    /* Basic command: one letter, the rest is its argument (ATE0). */
    out->name[0] = (char)toupper((unsigned char)s[0]);
    out->args = s + 1;
    out->args_len = n - 1;
    out->form = n > 1 ? SIM_AT_FORM_SET : SIM_AT_FORM_EXEC;
    return 0;
  } else {
    return -1;
  }
  const char *rest = s + i;
  size_t rn = n - i;
  if (rn == 0) {
    out->form = SIM_AT_FORM_EXEC;
  } else if (rn == 1 && rest[0] == '?') {
    out->form = SIM_AT_FORM_QUERY;
  } else if (rn == 2 && rest[0] == '=' && rest[1] == '?') {
    out->form = SIM_AT_FORM_TEST;
  } else if (rest[0] == '=') {
    out->form = SIM_AT_FORM_SET;
    out->args = rest + 1;
    out->args_len = rn - 1;
  } else {
    return -1;
  }
  if (out->form != SIM_AT_FORM_SET)
    out->args_len = 0;
  return 0;
}

/* Classifies an unquoted token [s, s+n) already trimmed. */
static void classify(sim_at_param *p, const char *s, size_t n)
{
  if (n == 0) {
    p->kind = SIM_AT_P_EMPTY;
    return;
  }
  bool digits = n <= 9; /* 9 digits always fit in long */
  for (size_t i = 0; i < n && digits; i++)
    digits = isdigit((unsigned char)s[i]);
  if (digits) {
    long v = 0;
    for (size_t i = 0; i < n; i++)
      v = v * 10 + (s[i] - '0');
    p->kind = SIM_AT_P_INT;
    p->num = v;
  } else {
    p->kind = SIM_AT_P_RAW;
  }
}

int sim_at_params_parse(const char *s, size_t n, sim_at_params *out)
{
  memset(out, 0, sizeof out->p);
  out->n = 0;
  if (n > SIM_AT_LINE_MAX)
    return -1;
  if (n == 0)
    return 0;
  size_t i = 0, st = 0; /* st: next free byte in store */
  for (;;) {
    if (out->n == SIM_AT_MAX_PARAMS)
      return -1;
    sim_at_param *p = &out->p[out->n++];
    while (i < n && s[i] == ' ')
      i++;
    p->str = out->store + st;
    if (i < n && s[i] == '"') {
      size_t b = ++i;
      while (i < n && s[i] != '"')
        i++;
      if (i == n)
        return -1; /* missing closing quote */
      p->kind = SIM_AT_P_STR;
      p->len = i - b;
      memcpy(out->store + st, s + b, p->len);
      i++;
      while (i < n && s[i] == ' ')
        i++;
      if (i < n && s[i] != ',')
        return -1; /* junk after the closing quote */
    } else {
      size_t b = i;
      while (i < n && s[i] != ',') {
        if (s[i] == '"')
          return -1;
        i++;
      }
      size_t e = i;
      while (e > b && s[e - 1] == ' ')
        e--;
      p->len = e - b;
      memcpy(out->store + st, s + b, p->len);
      classify(p, s + b, p->len);
    }
    st += p->len;
    out->store[st++] = '\0';
    if (i == n)
      return 0;
    i++; /* the comma: a parameter always follows, maybe empty */
  }
}

const char *sim_at_param_cstr(const sim_at_params *ps, size_t i)
{
  if (i >= ps->n || ps->p[i].kind != SIM_AT_P_STR)
    return NULL;
  if (memchr(ps->p[i].str, '\0', ps->p[i].len))
    return NULL;
  return ps->p[i].str;
}

bool sim_at_param_omitted(const sim_at_params *ps, size_t i)
{
  return i >= ps->n || ps->p[i].kind == SIM_AT_P_EMPTY;
}

bool sim_at_param_int(const sim_at_params *ps, size_t i, long long lo,
                      long long hi, long long *out)
{
  if (i >= ps->n || ps->p[i].kind != SIM_AT_P_INT || ps->p[i].num < lo ||
      ps->p[i].num > hi)
    return false;
  *out = ps->p[i].num;
  return true;
}

bool sim_at_param_opt_int(const sim_at_params *ps, size_t i, long long lo,
                          long long hi, long long *out)
{
  return sim_at_param_omitted(ps, i) || sim_at_param_int(ps, i, lo, hi, out);
}
