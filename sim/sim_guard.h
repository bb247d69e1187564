/* sim_guard: the "+++" escape detector of data mode (1.5), as a pure state
 * machine fed (time, byte) events.
 *
 * An escape is: guard_ms of silence, then "+++" with the three bytes within
 * guard_ms of the first, then guard_ms of silence. Anything else is
 * payload and comes out byte-exact and in order; '+' bytes that might
 * still start an escape are held (at most 3) until the pattern breaks.
 * The caller calls sim_guard_tick() at sim_guard_deadline() so held bytes
 * are decided when no further byte comes. Times are monotonic ms. */
#ifndef SIM_GUARD_H
#define SIM_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  SIM_GUARD_PAYLOAD, /* no escape pending */
  SIM_GUARD_PLUS,    /* 1 or 2 '+' held, after a silence */
  SIM_GUARD_AFTER,   /* "+++" held, waiting for the silence after */
  SIM_GUARD_ESCAPED, /* escape seen; stays until re-initialised */
} sim_guard_state;

/* Most bytes one call can release: three held '+' and the new byte. */
#define SIM_GUARD_OUT_MAX 4

typedef struct {
  sim_guard_state st;
  int64_t guard_ms; /* 1000 scaled by --time-scale */
  int64_t last_ms;  /* time of the last byte (or of entering data mode) */
  int64_t first_ms; /* time of the first held '+' */
  int held;         /* '+' bytes held */
} sim_guard;

const char *sim_guard_state_name(sim_guard_state s);

/* `now` counts as the last byte: data mode starts with no silence yet. */
void sim_guard_init(sim_guard *g, int64_t guard_ms, int64_t now);

/* One byte at time t. Writes the bytes now known to be payload into out
 * and returns how many (0..SIM_GUARD_OUT_MAX). */
size_t sim_guard_byte(sim_guard *g, int64_t t, unsigned char b, char *out);

/* How many of the n bytes at the start of b, all arriving at time t, are
 * payload with no escape pending (0..n): they need no sim_guard_byte()
 * each, and the state is as if they had been fed one by one. 0 when an
 * escape may be starting (the caller feeds that byte singly). */
size_t sim_guard_plain(sim_guard *g, int64_t t, const unsigned char *b,
                       size_t n);

/* Time t passed with no byte: returns payload released (held '+' whose
 * window ran out) into out; sets ESCAPED when the silence after "+++" is
 * complete. */
size_t sim_guard_tick(sim_guard *g, int64_t t, char *out);

/* Hands back whatever is held (e.g. the upload length was reached). */
size_t sim_guard_flush(sim_guard *g, char *out);

bool sim_guard_escaped(const sim_guard *g);
/* When sim_guard_tick() may change something; INT64_MAX: never. */
int64_t sim_guard_deadline(const sim_guard *g);

#endif
