#include "sim_slow.h"

#include "sim_cmd.h"
#include "sim_log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_slow_init(sim_slow *s)
{
  memset(s, 0, sizeof *s);
  s->until = INT64_MAX;
  qc_buf_init(&s->held, SIM_SLOW_HELD_MAX);
}

void sim_slow_free(sim_slow *s)
{
  qc_buf_free(&s->held);
}

int sim_slow_add(sim_slow *s, const char *arg, char *why, size_t cap)
{
  const char *eq = strrchr(arg, '=');
  size_t nlen = eq ? (size_t)(eq - arg) : 0;
  if (!eq || nlen < 2 || (arg[0] != 'A' && arg[0] != 'a') ||
      (arg[1] != 'T' && arg[1] != 't') || nlen - 2 > SIM_AT_NAME_MAX) {
    snprintf(why, cap, "'%s': want CMD=MS with CMD like AT+QFTPCFG", arg);
    return -1;
  }
  char name[SIM_AT_NAME_MAX + 1];
  for (size_t i = 2; i < nlen; i++)
    name[i - 2] = (char)toupper((unsigned char)arg[i]);
  name[nlen - 2] = '\0';
  if (!sim_cmd_find(name)) {
    snprintf(why, cap, "'%s': AT%s is not a command the simulator knows",
             arg, name);
    return -1;
  }
  errno = 0;
  char *end;
  long long ms = strtoll(eq + 1, &end, 10);
  if (errno || end == eq + 1 || *end || !isdigit((unsigned char)eq[1]) ||
      ms > SIM_SLOW_MS_MAX) {
    snprintf(why, cap, "'%s': MS must be 0..%d (milliseconds of module time)",
             arg, SIM_SLOW_MS_MAX);
    return -1;
  }
  size_t i = 0;
  while (i < s->n && strcmp(s->rules[i].name, name) != 0)
    i++;
  if (i == SIM_SLOW_RULES_MAX) {
    snprintf(why, cap, "'%s': at most %d commands can be slow", arg,
             SIM_SLOW_RULES_MAX);
    return -1;
  }
  memcpy(s->rules[i].name, name, sizeof name);
  s->rules[i].ms = ms;
  if (i == s->n)
    s->n++;
  return 0;
}

void sim_slow_begin(sim_ctx *c, const char *name, int64_t now)
{
  sim_slow *s = c->slow;
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++) {
    if (strcmp(s->rules[i].name, name) != 0 || s->rules[i].ms == 0)
      continue;
    int64_t until = now + sim_ctx_scaled_ms(c, s->rules[i].ms);
    if (s->until == INT64_MAX || until > s->until)
      s->until = until;
    sim_log("slow: AT%s answers after %lld ms of module time", name,
            (long long)s->rules[i].ms);
    return;
  }
}

bool sim_slow_hold(sim_ctx *c, const char *buf, size_t n)
{
  sim_slow *s = c->slow;
  if (!s || s->until == INT64_MAX)
    return false;
  if (qc_buf_add(&s->held, buf, n) != 0 && !s->dropped) {
    sim_log("slow: more than %d bytes held: output dropped",
            SIM_SLOW_HELD_MAX);
    s->dropped = true;
  }
  return true;
}

void sim_slow_tick(sim_ctx *c, int64_t now)
{
  sim_slow *s = c->slow;
  if (!s || now < s->until)
    return;
  s->until = INT64_MAX; /* first: what is written now is not held again */
  if (c->write && qc_buf_len(&s->held) > 0)
    c->write(c->wctx, qc_buf_data(&s->held), qc_buf_len(&s->held));
  qc_buf_reset(&s->held);
  s->dropped = false;
}

int64_t sim_slow_deadline(const sim_ctx *c)
{
  return c->slow ? c->slow->until : INT64_MAX;
}

size_t sim_slow_pending(const sim_ctx *c)
{
  return c->slow ? qc_buf_len(&c->slow->held) : 0;
}

void sim_slow_discard(sim_ctx *c)
{
  if (!c->slow)
    return;
  c->slow->until = INT64_MAX;
  qc_buf_reset(&c->slow->held);
  c->slow->dropped = false;
}
