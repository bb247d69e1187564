#include "sim_guard.h"

#include "sim_log.h"

#include <string.h>

static const char *const names[] = {
    [SIM_GUARD_PAYLOAD] = "PAYLOAD",
    [SIM_GUARD_PLUS] = "PLUS",
    [SIM_GUARD_AFTER] = "AFTER",
    [SIM_GUARD_ESCAPED] = "ESCAPED",
};

const char *sim_guard_state_name(sim_guard_state s)
{
  return names[s];
}

static void set_state(sim_guard *g, sim_guard_state s)
{
  if (g->st != s)
    sim_trace("guard: %s -> %s", names[g->st], names[s]);
  g->st = s;
}

void sim_guard_init(sim_guard *g, int64_t guard_ms, int64_t now)
{
  g->st = SIM_GUARD_PAYLOAD;
  g->guard_ms = guard_ms;
  g->last_ms = now;
  g->first_ms = 0;
  g->held = 0;
}

size_t sim_guard_flush(sim_guard *g, char *out)
{
  size_t n = 0;
  for (; g->held > 0; g->held--)
    out[n++] = '+';
  if (g->st != SIM_GUARD_ESCAPED)
    set_state(g, SIM_GUARD_PAYLOAD);
  return n;
}

/* A byte with no escape pending: a '+' after a full silence may start
 * one, anything else is payload. */
static size_t from_payload(sim_guard *g, int64_t t, unsigned char b, char *out)
{
  bool silent = t - g->last_ms >= g->guard_ms;
  g->last_ms = t;
  if (b == '+' && silent) {
    g->held = 1;
    g->first_ms = t;
    set_state(g, SIM_GUARD_PLUS);
    return 0;
  }
  out[0] = (char)b;
  return 1;
}

size_t sim_guard_byte(sim_guard *g, int64_t t, unsigned char b, char *out)
{
  size_t n;
  switch (g->st) {
  case SIM_GUARD_PAYLOAD:
    return from_payload(g, t, b, out);
  case SIM_GUARD_PLUS:
    if (b == '+' && t - g->first_ms <= g->guard_ms) {
      g->last_ms = t;
      if (++g->held == 3)
        set_state(g, SIM_GUARD_AFTER);
      return 0;
    }
    n = sim_guard_flush(g, out);
    return n + from_payload(g, t, b, out + n);
  case SIM_GUARD_AFTER: /* "++++" or "+++x": all payload */
    n = sim_guard_flush(g, out);
    return n + from_payload(g, t, b, out + n);
  case SIM_GUARD_ESCAPED:
    return 0; /* the caller left data mode; nothing is payload */
  }
  return 0;
}

size_t sim_guard_plain(sim_guard *g, int64_t t, const unsigned char *b,
                       size_t n)
{
  if (g->st != SIM_GUARD_PAYLOAD || n == 0)
    return 0;
  if (b[0] == '+' && t - g->last_ms >= g->guard_ms)
    return 0;
  g->last_ms = t;
  if (g->guard_ms > 0)
    return n; /* no silence between bytes of one instant */
  /* No guard time (a quirk): every '+' may start an escape. */
  const unsigned char *plus = memchr(b + 1, '+', n - 1);
  return plus ? (size_t)(plus - b) : n;
}

size_t sim_guard_tick(sim_guard *g, int64_t t, char *out)
{
  switch (g->st) {
  case SIM_GUARD_PAYLOAD:
  case SIM_GUARD_ESCAPED:
    return 0;
  case SIM_GUARD_PLUS:
    /* The 3 '+' must come within guard_ms of the first. */
    if (t - g->first_ms > g->guard_ms)
      return sim_guard_flush(g, out);
    return 0;
  case SIM_GUARD_AFTER:
    if (t - g->last_ms >= g->guard_ms) {
      g->held = 0;
      set_state(g, SIM_GUARD_ESCAPED);
    }
    return 0;
  }
  return 0;
}

bool sim_guard_escaped(const sim_guard *g)
{
  return g->st == SIM_GUARD_ESCAPED;
}

int64_t sim_guard_deadline(const sim_guard *g)
{
  switch (g->st) {
  case SIM_GUARD_PAYLOAD:
  case SIM_GUARD_ESCAPED:
    return INT64_MAX;
  case SIM_GUARD_PLUS:
    return g->first_ms + g->guard_ms + 1;
  case SIM_GUARD_AFTER:
    return g->last_ms + g->guard_ms;
  }
  return INT64_MAX;
}
