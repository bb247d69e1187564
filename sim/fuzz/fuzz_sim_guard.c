/* The "+++" guard detector (sim_guard.c), driven as the data loop drives
 * it: bytes at times taken from the input, a tick at every deadline that
 * passes before the next byte. Every byte fed before the escape comes out
 * exactly once, in order (what is held comes out on flush); an escape is
 * only ever seen after silence, "+++" within the guard time, silence, and
 * those three '+' are the only bytes that do not come out; and a "+++"
 * that starts with nothing pending and has its silences is always seen.
 *
 * Input: [guard time] then pairs [gap ms][byte]; a gap of 255 is a flush
 * (the upload length was reached) instead of a byte. */
#include "sim_guard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MAXN = 1 << 15 };

static unsigned char fed[MAXN], got[MAXN + 8];
static int64_t at[MAXN];
static bool from_idle[MAXN]; /* nothing held before this byte */
static size_t flushes[MAXN + 1]; /* flush ops before this byte */

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 1)
    return 0;
  int64_t G = 1 + d[0] % 64, t = 1000, t0 = 1000, esc_at = -1;
  sim_guard g;
  sim_guard_init(&g, G, t);
  size_t nf = 0, ng = 0, nflush = 0;
  char out[SIM_GUARD_OUT_MAX];
  for (size_t i = 1; i + 1 < n && nf < MAXN; i += 2) {
    unsigned gap = d[i];
    if (gap == 255) {
      size_t k = sim_guard_flush(&g, out);
      if (k > 3)
        abort();
      memcpy(got + ng, out, k);
      ng += k;
      nflush++;
      continue;
    }
    t += gap;
    while (!sim_guard_escaped(&g) && sim_guard_deadline(&g) <= t) {
      int64_t dl = sim_guard_deadline(&g);
      size_t k = sim_guard_tick(&g, dl, out);
      if (k > 3)
        abort();
      memcpy(got + ng, out, k);
      ng += k;
      if (sim_guard_escaped(&g))
        esc_at = dl;
      else if (sim_guard_deadline(&g) == dl)
        abort(); /* a tick at the deadline must move it on */
    }
    if (sim_guard_escaped(&g)) {
      if (sim_guard_byte(&g, t, d[i + 1], out) != 0)
        abort(); /* after the escape nothing is payload */
      continue;
    }
    from_idle[nf] = g.st == SIM_GUARD_PAYLOAD;
    flushes[nf] = nflush;
    at[nf] = t;
    fed[nf++] = d[i + 1];
    size_t k = sim_guard_byte(&g, t, d[i + 1], out);
    if (k > SIM_GUARD_OUT_MAX)
      abort();
    memcpy(got + ng, out, k);
    ng += k;
    if (ng > nf)
      abort();
  }
  /* No more bytes: time runs on until nothing can change. */
  while (!sim_guard_escaped(&g) && sim_guard_deadline(&g) != INT64_MAX) {
    int64_t dl = sim_guard_deadline(&g);
    size_t k = sim_guard_tick(&g, dl, out);
    memcpy(got + ng, out, k);
    ng += k;
    if (sim_guard_escaped(&g))
      esc_at = dl;
    else if (sim_guard_deadline(&g) == dl)
      abort();
  }
  if (!sim_guard_escaped(&g)) {
    ng += sim_guard_flush(&g, (char *)got + ng);
    if (ng != nf || memcmp(got, fed, nf) != 0)
      abort();
  } else {
    /* The last three bytes fed were the escape; all else came out. */
    if (nf < 3 || ng != nf - 3 || memcmp(got, fed, ng) != 0)
      abort();
    size_t k = nf - 3;
    if (fed[k] != '+' || fed[k + 1] != '+' || fed[k + 2] != '+')
      abort();
    int64_t before = k ? at[k - 1] : t0;
    if (at[k] - before < G || at[k + 2] - at[k] > G ||
        esc_at - at[k + 2] < G || esc_at < 0)
      abort();
  }
  flushes[nf] = nflush;
  /* Completeness: the first "+++" after silence, from idle, within the
   * guard time, followed by silence (or the end) must be the escape. */
  for (size_t k = 0; k + 2 < nf; k++) {
    int64_t before = k ? at[k - 1] : t0;
    bool silent_after = k + 3 == nf || at[k + 3] - at[k + 2] >= G;
    if (from_idle[k] && fed[k] == '+' && fed[k + 1] == '+' &&
        fed[k + 2] == '+' && at[k] - before >= G &&
        at[k + 2] - at[k] <= G && silent_after &&
        flushes[k + 3 < nf ? k + 3 : nf] == flushes[k]) {
      if (!sim_guard_escaped(&g) || nf != k + 3)
        abort();
      break;
    }
  }
  return 0;
}
