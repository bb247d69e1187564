/* sim_resume: which transfers may resume (cache 2, GET, local file, no
 * quirk), which failures are breaks, how attempts run out, the offset. */
#include "sim_err.h"
#include "sim_quirk.h"
#include "sim_resume.h"

#include <check.h>
#include <string.h>

static const char *attempts_value;

static const char *get(const void *prof, const char *key)
{
  (void)prof;
  return strcmp(key, "resume_attempts") == 0 ? attempts_value : NULL;
}

static void ctx(sim_ctx *c, int cache)
{
  sim_ctx_init(c);
  c->cfg.cache = cache;
  c->prof_get = get;
}

static sim_xfer_req req(sim_xfer_kind kind, bool com, long long startpos)
{
  sim_xfer_req r;
  memset(&r, 0, sizeof r);
  r.kind = kind;
  r.com = com;
  r.startpos = startpos;
  return r;
}

/* {cache, kind, com, quirk, expected attempts} with no profile value */
static const struct {
  int cache;
  sim_xfer_kind kind;
  bool com;
  unsigned quirks;
  int left;
} eligible[] = {
    {2, SIM_XFER_GET, false, 0, SIM_RESUME_ATTEMPTS_DEFAULT},
    {0, SIM_XFER_GET, false, 0, 0},
    {1, SIM_XFER_GET, false, 0, 0},
    {2, SIM_XFER_GET, true, 0, 0},
    {2, SIM_XFER_PUT, false, 0, 0},
    {2, SIM_XFER_LIST, false, 0, 0},
    {2, SIM_XFER_GET, false, SIM_QUIRK_NO_RESUME, 0},
};

START_TEST(test_eligible)
{
  attempts_value = NULL;
  for (size_t i = 0; i < sizeof eligible / sizeof eligible[0]; i++) {
    sim_ctx c;
    ctx(&c, eligible[i].cache);
    c.quirks = eligible[i].quirks;
    sim_xfer_req r = req(eligible[i].kind, eligible[i].com, 0);
    sim_resume rs;
    sim_resume_init(&rs, &c, &r);
    ck_assert_msg(rs.left == eligible[i].left, "row %zu: %d", i, rs.left);
  }
}
END_TEST

/* {err, reply, a break} */
static const struct {
  int err, reply;
  bool brk;
} breaks[] = {
    {SIM_ERR_DATA_CLOSED, 0, true},   {SIM_ERR_PEER_CLOSED, 0, true},
    {616, 426, true},                 {618, 451, true},
    {627, 550, false},                {SIM_ERR_TIMEOUT, 0, false},
    {SIM_ERR_CTRL_CLOSED, 0, false},  {SIM_ERR_NETWORK, 0, false},
    {SIM_ERR_DATA_OPEN_FAILED, 0, false}, {SIM_ERR_FILE, 0, false},
    {SIM_ERR_DATA_CLOSED, 425, false},
};

START_TEST(test_breaks_and_attempts)
{
  for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
    sim_resume rs = {.left = 1, .base = 0};
    ck_assert_msg(sim_resume_take(&rs, breaks[i].err, breaks[i].reply) ==
                      breaks[i].brk,
                  "row %zu", i);
    ck_assert_int_eq(rs.left, breaks[i].brk ? 0 : 1);
  }
  sim_resume rs = {.left = 2, .base = 0};
  ck_assert(sim_resume_take(&rs, SIM_ERR_DATA_CLOSED, 0));
  ck_assert(sim_resume_take(&rs, 616, 426));
  ck_assert(!sim_resume_take(&rs, 616, 426)); /* none left */
}
END_TEST

START_TEST(test_profile_and_offset)
{
  sim_ctx c;
  ctx(&c, 2);
  sim_xfer_req r = req(SIM_XFER_GET, false, 1000);
  sim_resume rs;
  attempts_value = "0";
  sim_resume_init(&rs, &c, &r);
  ck_assert_int_eq(rs.left, 0);
  ck_assert(!sim_resume_take(&rs, SIM_ERR_DATA_CLOSED, 0));
  attempts_value = "7";
  sim_resume_init(&rs, &c, &r);
  ck_assert_int_eq(rs.left, 7);
  /* REST is <startpos> plus what this transfer stored. */
  ck_assert_int_eq(sim_resume_offset(&rs, 0), 1000);
  ck_assert_int_eq(sim_resume_offset(&rs, 5000), 6000);
  attempts_value = NULL;
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_resume");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_eligible);
  tcase_add_test(tc, test_breaks_and_attempts);
  tcase_add_test(tc, test_profile_and_offset);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
