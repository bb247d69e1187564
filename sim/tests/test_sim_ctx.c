/* Two simulator contexts in one process share nothing: a result URC the
 * late-urc quirk holds back in one neither delays nor shows up in the
 * other. Each context opens a session to a closed local port, so the
 * URC comes from the real completion path (connect refused). */
#include "sim_cmd.h"
#include "sim_cmd_ftp.h"
#include "sim_ctx.h"
#include "sim_ftp.h"
#include "sim_quirk.h"
#include "sim_xfer.h"

#include "qc_time.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
  sim_ctx c;
  char out[4096];
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

static void module_init(module *m, unsigned quirks)
{
  memset(m, 0, sizeof *m);
  sim_ctx_init(&m->c);
  m->c.write = capture;
  m->c.wctx = m;
  m->c.time_scale = 0.001; /* rsptimeout 90 s -> 90 ms */
  m->c.quirks = quirks;
  sim_ftp_hooks h = {.done = sim_cmd_ftp_done,
                     .prelim = sim_cmd_ftp_prelim,
                     .map_reply = sim_cmd_ftp_map_reply,
                     .ctx = &m->c,
                     .refused_err = 606};
  m->c.ftp = sim_ftp_new(&h);
  m->c.xfer = sim_xfer_new(&m->c);
  ck_assert_ptr_nonnull(m->c.ftp);
  ck_assert_ptr_nonnull(m->c.xfer);
  ck_assert_int_eq(sim_pdp_activate(&m->c.pdp, m->c.cfg.contextid), 0);
}

static void module_free(module *m)
{
  sim_xfer_free(m->c.xfer);
  sim_ftp_free(m->c.ftp);
}

/* A local TCP port nothing listens on: bound, then released. */
static int closed_port(void)
{
  int s = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(s, 0);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
  close(s);
  return ntohs(a.sin_port);
}

static void at(module *m, const char *line)
{
  sim_cmd_dispatch(&m->c, line, strlen(line));
}

/* Runs m's session until the open attempt is over (back to CLOSED). */
static void run_open(module *m)
{
  int64_t deadline = qc_deadline_in(2000);
  while (sim_ftp_get_state(m->c.ftp) != SIM_FTP_CLOSED) {
    ck_assert_msg(qc_now_ms() < deadline, "open did not end");
    struct pollfd p = {.fd = sim_ftp_poll_fd(m->c.ftp, &p.events)};
    if (poll(&p, 1, 10) > 0)
      sim_ftp_on_event(m->c.ftp, p.revents);
    sim_ftp_tick(m->c.ftp);
  }
}

START_TEST(test_late_urc_stays_in_its_context)
{
  static module a, b; /* each holds a whole context: kept off the stack */
  module_init(&a, SIM_QUIRK_LATE_URC);
  module_init(&b, 0);
  char line[64];
  snprintf(line, sizeof line, "AT+QFTPOPEN=\"127.0.0.1\",%d", closed_port());

  at(&a, line);
  run_open(&a);
  ck_assert_str_eq(a.out, "\r\nOK\r\n"); /* the URC is held back */
  ck_assert_int_ne(sim_cmd_ftp_next_deadline(&a.c), INT64_MAX);
  ck_assert_int_eq(sim_cmd_ftp_next_deadline(&b.c), INT64_MAX);

  at(&b, line);
  run_open(&b);
  ck_assert_str_eq(b.out, "\r\nOK\r\n\r\n+QFTPOPEN: 606,0\r\n");
  ck_assert_str_eq(a.out, "\r\nOK\r\n"); /* b's URC did not release a's */

  int64_t due = sim_cmd_ftp_next_deadline(&a.c);
  while (qc_now_ms() < due)
    usleep(5000);
  size_t b_len = b.len;
  sim_cmd_ftp_tick(&b.c);
  ck_assert_uint_eq(b.len, b_len); /* a's held line is not b's */
  sim_cmd_ftp_tick(&a.c);
  ck_assert_str_eq(a.out, "\r\nOK\r\n\r\n+QFTPOPEN: 606,0\r\n");
  ck_assert_int_eq(sim_cmd_ftp_next_deadline(&a.c), INT64_MAX);

  module_free(&a);
  module_free(&b);
}
END_TEST

/* Settings made through one context's AT port stay in it. */
START_TEST(test_settings_stay_in_their_context)
{
  static module a, b;
  module_init(&a, 0);
  module_init(&b, 0);
  at(&a, "AT+QFTPCFG=\"rsptimeout\",30");
  ck_assert_str_eq(a.out, "\r\nOK\r\n");
  ck_assert_int_eq(a.c.cfg.rsptimeout, 30);
  ck_assert_int_eq(b.c.cfg.rsptimeout, 90);
  ck_assert_uint_eq(b.len, 0);
  module_free(&a);
  module_free(&b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_ctx");
  TCase *tc = tcase_create("independence");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, test_late_urc_stays_in_its_context);
  tcase_add_test(tc, test_settings_stay_in_their_context);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
