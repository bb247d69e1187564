/* AT framing and parameters (sim_at.c). The framer, fed the input byte by
 * byte, gives exactly the events of a reference framing (split at CR, LF
 * dropped, overlong and non-AT lines ERROR, empty lines nothing); every
 * line it gives splits into a command whose parts lie inside the line;
 * parameters parse into a store they stay inside, and printing them back
 * (quoted strings quoted) parses to the same parameters. */
#include "sim_at.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sim_at_framer f;
static sim_at_params ps, again;
static char line[SIM_AT_LINE_MAX + 1];
static char text[4 * SIM_AT_LINE_MAX];

static void check_params(const sim_at_params *p, const char *s, size_t n)
{
  if (p->n == 0 || p->n > SIM_AT_MAX_PARAMS)
    abort();
  const char *lo = p->store, *hi = p->store + sizeof p->store;
  size_t total = 0;
  for (size_t i = 0; i < p->n; i++) {
    const sim_at_param *q = &p->p[i];
    if (q->str < lo || q->str + q->len >= hi || q->str[q->len] != '\0')
      abort();
    total += q->len + 1;
    switch (q->kind) {
    case SIM_AT_P_EMPTY:
      if (q->len != 0 || !sim_at_param_omitted(p, i))
        abort();
      break;
    case SIM_AT_P_INT: {
      long long v = -1;
      if (q->num < 0 || q->len == 0 || q->len > 9 ||
          !sim_at_param_int(p, i, 0, q->num, &v) || v != q->num)
        abort();
      break;
    }
    case SIM_AT_P_STR:
      if ((sim_at_param_cstr(p, i) != NULL) !=
          (memchr(q->str, '\0', q->len) == NULL))
        abort();
      break;
    case SIM_AT_P_RAW:
      if (q->len == 0 || memchr(q->str, '"', q->len) ||
          memchr(q->str, ',', q->len) || q->str[0] == ' ' ||
          q->str[q->len - 1] == ' ')
        abort();
      break;
    }
  }
  if (total > n + p->n || sim_at_param_cstr(p, p->n) ||
      !sim_at_param_omitted(p, p->n))
    abort();
  (void)s;
}

/* Prints p back as an argument list. */
static size_t print(const sim_at_params *p, char *out)
{
  size_t o = 0;
  for (size_t i = 0; i < p->n; i++) {
    if (i)
      out[o++] = ',';
    const sim_at_param *q = &p->p[i];
    if (q->kind == SIM_AT_P_STR)
      out[o++] = '"';
    memcpy(out + o, q->str, q->len);
    o += q->len;
    if (q->kind == SIM_AT_P_STR)
      out[o++] = '"';
  }
  return o;
}

static void params(const char *s, size_t n)
{
  if (sim_at_params_parse(s, n, &ps) != 0) {
    if (n == 0)
      abort(); /* no parameters is fine */
    return;
  }
  if (n == 0) {
    if (ps.n != 0)
      abort();
    return;
  }
  check_params(&ps, s, n);
  if (ps.n == 1 && ps.p[0].kind == SIM_AT_P_EMPTY)
    return; /* " " is one empty parameter; "" is none */
  size_t m = print(&ps, text);
  if (m > SIM_AT_LINE_MAX)
    return; /* quoting may add bytes past the cap */
  if (sim_at_params_parse(text, m, &again) != 0 || again.n != ps.n)
    abort();
  for (size_t i = 0; i < ps.n; i++)
    if (again.p[i].kind != ps.p[i].kind || again.p[i].len != ps.p[i].len ||
        memcmp(again.p[i].str, ps.p[i].str, ps.p[i].len) != 0 ||
        (ps.p[i].kind == SIM_AT_P_INT && again.p[i].num != ps.p[i].num))
      abort();
}

static void split(const char *l, size_t n)
{
  sim_at_cmd cmd;
  if (sim_at_split(l, n, &cmd) != 0)
    return;
  if (cmd.args < l || cmd.args + cmd.args_len > l + n)
    abort();
  size_t nl = strlen(cmd.name);
  if (nl > SIM_AT_NAME_MAX)
    abort();
  for (size_t i = 0; i < nl; i++)
    if (islower((unsigned char)cmd.name[i]))
      abort();
  if (cmd.form != SIM_AT_FORM_SET && cmd.args_len != 0 &&
      !(nl == 1 && cmd.form == SIM_AT_FORM_EXEC))
    abort();
  params(cmd.args, cmd.args_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  sim_at_framer_init(&f);
  /* The reference: the current line (LF dropped), its length, overlong. */
  size_t len = 0;
  bool overlong = false, after_cr = false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = d[i];
    if (sim_at_framer_echoes(&f, c) != !(c == '\n' && after_cr))
      abort();
    sim_at_event ev = sim_at_framer_byte(&f, c);
    sim_at_event want = SIM_AT_EV_NONE;
    after_cr = c == '\r';
    if (c == '\n')
      ;
    else if (c != '\r') {
      if (len < SIM_AT_LINE_MAX)
        line[len++] = (char)c;
      else
        overlong = true;
    } else {
      if (overlong)
        want = SIM_AT_EV_ERROR;
      else if (len == 0)
        want = SIM_AT_EV_NONE;
      else if (len >= 2 && toupper((unsigned char)line[0]) == 'A' &&
               toupper((unsigned char)line[1]) == 'T')
        want = SIM_AT_EV_LINE;
      else
        want = SIM_AT_EV_ERROR;
    }
    if (ev != want)
      abort();
    if (ev == SIM_AT_EV_LINE) {
      size_t got = 0;
      const char *l = sim_at_framer_line(&f, &got);
      if (got != len || memcmp(l, line, len) != 0 || l[got] != '\0')
        abort();
      split(l, got);
    }
    if (c == '\r') {
      len = 0;
      overlong = false;
    }
  }
  /* The input as one argument list, too (lines rarely hold quotes). */
  params((const char *)d, n);
  return 0;
}
