/* Unit tests: AT&D (V.250 6.2.9) sets what a DTR drop does; the default
 * is AT&D2; a drop with no transfer says nothing. The drops in data mode
 * are the cases tagged needs:dtr (e2e.dtr). */
#include "sim_cmd.h"
#include "sim_ctx.h"
#include "sim_dtr.h"
#include "sim_quirk.h"
#include "sim_xfer.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  sim_ctx c;
  char out[512];
  size_t len;
} module;

static void capture(void *wctx, const char *buf, size_t n)
{
  module *m = wctx;
  if (n > sizeof m->out - 1 - m->len)
    n = sizeof m->out - 1 - m->len;
  memcpy(m->out + m->len, buf, n);
  m->len += n;
  m->out[m->len] = '\0';
}

static void module_init(module *m)
{
  memset(m, 0, sizeof *m);
  sim_ctx_init(&m->c);
  m->c.write = capture;
  m->c.wctx = m;
  m->c.xfer = sim_xfer_new(&m->c);
  ck_assert_ptr_nonnull(m->c.xfer);
}

/* {line, AT&D after it (from 2), answer} */
static const struct {
  const char *line;
  int mode;
  const char *answer;
} cases[] = {
    {"AT&D0", 0, "\r\nOK\r\n"},     {"AT&D1", 1, "\r\nOK\r\n"},
    {"AT&D2", 2, "\r\nOK\r\n"},     {"AT&D", 0, "\r\nOK\r\n"},
    {"at&d1", 1, "\r\nOK\r\n"},     {"AT&D3", 2, "\r\nERROR\r\n"},
    {"AT&D=1", 2, "\r\nERROR\r\n"},
};

START_TEST(test_and_d)
{
  static module m;
  module_init(&m);
  ck_assert_int_eq(m.c.amp_d, SIM_DTR_DEFAULT);
  sim_cmd_dispatch(&m.c, cases[_i].line, strlen(cases[_i].line));
  ck_assert_str_eq(m.out, cases[_i].answer);
  ck_assert_int_eq(m.c.amp_d, cases[_i].mode);
  sim_xfer_free(m.c.xfer);
}
END_TEST

/* No transfer: a drop changes nothing and prints nothing, whatever AT&D
 * says, and the quirk changes nothing either. */
START_TEST(test_drop_when_idle)
{
  static module m;
  for (int mode = 0; mode <= 2; mode++) {
    module_init(&m);
    m.c.amp_d = mode;
    m.c.quirks = mode == 1 ? SIM_QUIRK_IGNORE_DTR : 0;
    sim_dtr_changed(&m.c, false);
    sim_dtr_changed(&m.c, true);
    ck_assert_uint_eq(m.len, 0);
    ck_assert(!sim_xfer_active(m.c.xfer));
    sim_xfer_free(m.c.xfer);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim.dtr");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_and_d, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(tc, test_drop_when_idle);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
