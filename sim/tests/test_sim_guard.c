/* The "+++" detector (1.5) fed (time, byte) events: table-driven. */
#include "sim_guard.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define G 100 /* guard time in ms for the table */

typedef struct {
  const char *name;
  const char *bytes; /* one event per byte */
  int64_t t[16];     /* time of each byte */
  int64_t end;       /* time of the final tick */
  const char *payload;
  int escaped;
} row;

static const row rows[] = {
    {"guard respected", "+++", {100, 110, 120}, 220, "", 1},
    {"data then guarded", "ab+++", {10, 20, 200, 210, 220}, 400, "ab", 1},
    {"too short before", "a+++", {10, 50, 60, 70}, 400, "a+++", 0},
    {"too short after", "+++x", {100, 110, 120, 150}, 400, "+++x", 0},
    {"plus split slowly", "+++", {100, 150, 250}, 500, "+++", 0},
    {"four plus", "++++", {100, 110, 120, 130}, 400, "++++", 0},
    {"payload holds +++", "x+++y", {10, 20, 21, 22, 23}, 400, "x+++y", 0},
    {"two plus then stop", "++", {100, 110}, 400, "++", 0},
    {"no guard at start", "+++", {0, 10, 20}, 400, "+++", 0},
};

START_TEST(test_table)
{
  const row *r = &rows[_i];
  sim_guard g;
  sim_guard_init(&g, G, 0);
  char got[64];
  size_t n = 0;
  char out[SIM_GUARD_OUT_MAX];
  for (size_t i = 0; r->bytes[i]; i++) {
    /* ticks between events, as the poll loop would do */
    while (sim_guard_deadline(&g) <= r->t[i])
      n += sim_guard_tick(&g, sim_guard_deadline(&g), got + n);
    size_t k = sim_guard_byte(&g, r->t[i], (unsigned char)r->bytes[i], out);
    memcpy(got + n, out, k);
    n += k;
  }
  while (sim_guard_deadline(&g) <= r->end)
    n += sim_guard_tick(&g, sim_guard_deadline(&g), got + n);
  got[n] = '\0';
  ck_assert_msg(strcmp(got, r->payload) == 0, "%s: payload '%s'", r->name,
                got);
  ck_assert_msg(sim_guard_escaped(&g) == (r->escaped != 0), "%s: escaped",
                r->name);
}
END_TEST

START_TEST(test_flush_hands_back_held)
{
  sim_guard g;
  sim_guard_init(&g, G, 0);
  char out[SIM_GUARD_OUT_MAX];
  ck_assert_uint_eq(sim_guard_byte(&g, 200, '+', out), 0);
  ck_assert_uint_eq(sim_guard_byte(&g, 210, '+', out), 0);
  ck_assert_uint_eq(sim_guard_flush(&g, out), 2);
  ck_assert(memcmp(out, "++", 2) == 0);
  ck_assert(!sim_guard_escaped(&g));
}
END_TEST

/* The fast path agrees with byte-by-byte feeding at one instant: same
 * payload, same state, for each guard time (0: the ignore-guard quirk). */
static void feed_both(int64_t guard, int64_t t, const char *bytes)
{
  sim_guard a, b;
  sim_guard_init(&a, guard, 0);
  sim_guard_init(&b, guard, 0);
  size_t n = strlen(bytes), na = 0, nb = 0;
  char ga[64], gb[64];
  for (size_t i = 0; i < n; i++)
    na += sim_guard_byte(&a, t, (unsigned char)bytes[i], ga + na);
  for (size_t i = 0; i < n;) {
    size_t k = sim_guard_plain(&b, t, (const unsigned char *)bytes + i, n - i);
    if (k > 0) {
      memcpy(gb + nb, bytes + i, k);
      nb += k;
      i += k;
      continue;
    }
    nb += sim_guard_byte(&b, t, (unsigned char)bytes[i++], gb + nb);
  }
  ck_assert_msg(na == nb && memcmp(ga, gb, na) == 0,
                "guard %lld '%s': payload differs", (long long)guard, bytes);
  ck_assert_msg(a.st == b.st && a.held == b.held && a.last_ms == b.last_ms,
                "guard %lld '%s': state differs", (long long)guard, bytes);
}

START_TEST(test_plain_matches_bytes)
{
  static const char *const inputs[] = {"abc", "+++", "a+++", "+a+", "++++x",
                                       "x+y++z+++", "+"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    feed_both(G, 50, inputs[i]);  /* no silence yet: all payload */
    feed_both(G, 500, inputs[i]); /* after a silence: '+' may start one */
    feed_both(0, 500, inputs[i]); /* no guard time */
  }
}
END_TEST

START_TEST(test_plain_stops_at_escape)
{
  sim_guard g;
  sim_guard_init(&g, G, 0);
  /* After a silence a leading '+' is not plain; other bytes are. */
  ck_assert_uint_eq(sim_guard_plain(&g, 500, (const unsigned char *)"+ab", 3),
                    0);
  ck_assert_uint_eq(sim_guard_plain(&g, 500, (const unsigned char *)"ab+", 3),
                    3);
  /* Once a '+' is held, nothing is plain. */
  char out[SIM_GUARD_OUT_MAX];
  ck_assert_uint_eq(sim_guard_byte(&g, 900, '+', out), 0);
  ck_assert_uint_eq(sim_guard_plain(&g, 900, (const unsigned char *)"ab", 2),
                    0);
  /* No guard time: a run ends before the next '+'. */
  sim_guard_init(&g, 0, 0);
  ck_assert_uint_eq(sim_guard_plain(&g, 5, (const unsigned char *)"ab+c", 4),
                    2);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_guard");
  TCase *tc = tcase_create("guard");
  tcase_add_loop_test(tc, test_table, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_flush_hands_back_held);
  tcase_add_test(tc, test_plain_matches_bytes);
  tcase_add_test(tc, test_plain_stops_at_escape);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
