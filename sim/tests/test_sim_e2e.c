/* End to end: the built qftp-sim on its pty link, and scripted FTP servers
 * on loopback threads (login, 530, a server that never answers). */
#include "qc_time.h"
#include "sim_e2e_util.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

START_TEST(test_line_discipline)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "garbage\r", "\r\nERROR\r\n"));
  static char big[10 * 1024];
  memset(big, 'A', sizeof big);
  e2e_send(&s, big, sizeof big);
  ck_assert(e2e_chat(&s, "\r", "\r\nERROR\r\n"));
  ck_assert(e2e_chat(&s, "AT+NOSUCH\r", "\r\nERROR\r\n"));
  e2e_send(&s, "A\0T\x01\xff\r", 6);
  ck_assert(e2e_expect(&s, "\r\nERROR\r\n"));
  ck_assert(e2e_chat(&s, "\nat\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+CPIN?\r", "+CPIN: READY\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+CGATT?\r", "+CGATT: 1\r\n\r\nOK\r\n"));
  /* echo on: bytes come back as they are sent */
  ck_assert(e2e_chat(&s, "ATE1\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT\r", "AT\r\r\nOK\r\n"));
  e2e_sim_stop(&s);
}
END_TEST

/* The identity, as a Quectel module answers it: ATI's three lines, the
 * revision (the profile's name by default, --revision's when given),
 * model and IMEI alone on AT+GMR, AT+CGMM, AT+CGSN. */
START_TEST(test_identity)
{
  e2e_sim s;
  e2e_sim_start(&s, "ec2x", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "ATI\r", "\r\nQuectel\r\nQFTP-SIM\r\n"
                                  "Revision: qftp-sim-ec2x\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+GMR\r", "\r\nqftp-sim-ec2x\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+CGMM\r", "\r\nQFTP-SIM\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+CGSN\r", "\r\n860000000051234\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+CGMM=?\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+CGMM=1\r", "\r\nERROR\r\n"));
  e2e_sim_stop(&s);
  e2e_sim_start_rev(&s, "note", NULL, "QFTPSIMR02A01");
  ck_assert(e2e_chat(&s, "ATI\r", "Revision: QFTPSIMR02A01\r\n\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+GMR\r", "\r\nQFTPSIMR02A01\r\n\r\nOK\r\n"));
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_cfg_and_pdp)
{
  e2e_sim s;
  e2e_sim_start(&s, "eg800k", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"contextid\",2\r", "\r\nERROR\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=2\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"contextid\",2\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT?\r", "+QIACT: 2,1,1,\"10.0.0.2\"\r\n\r\nOK"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"sslctxid\",5\r", "\r\nOK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"SSL_ctxID\"\r",
                 "+QFTPCFG: \"SSL_ctxID\",5\r\n\r\nOK"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"filetype\",2\r", "\r\nERROR\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"filetype\"\r", "\"filetype\",0\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"account\",\"u,1\",\"pw\"\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"account\"\r",
                 "+QFTPCFG: \"account\",\"u,1\",\"*****\"\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"data_address\",1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"data_address\"\r",
                 "+QFTPCFG: \"data_address\",1\r\n\r\nOK"));
  ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCWD=\"/\"\r", "+CME ERROR: 601\r\n"));
  e2e_sim_stop(&s);
}
END_TEST

/* The scripted server's answers by verb; the PASS reply comes from
 * f->user. */
static const char *reply_for(const e2e_srv *f, const char *cmd)
{
  if (!strncmp(cmd, "USER", 4))
    return "331 Password please.\r\n";
  if (!strncmp(cmd, "PASS", 4))
    return f->user;
  if (!strncmp(cmd, "CWD /missing", 12))
    return "550 Failed to change directory.\r\n";
  if (!strncmp(cmd, "CWD", 3))
    return "250 Directory successfully changed.\r\n";
  if (!strncmp(cmd, "PWD", 3))
    return "257 \"/pub/a \"\"b\"\"\" is the current directory\r\n";
  if (!strncmp(cmd, "QUIT", 4))
    return "221 Goodbye.\r\n";
  return "500 Unknown command.\r\n";
}

static void on_cmd(e2e_srv *f, const char *line)
{
  e2e_srv_say(f, reply_for(f, line));
}

static bool open_to(e2e_sim *s, int port, const char *want)
{
  char cmd[96];
  snprintf(cmd, sizeof cmd, "AT+QFTPOPEN=\"127.0.0.1\",%d\r", port);
  return e2e_chat(s, cmd, want);
}

START_TEST(test_open_refused)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  /* a port nobody listens on: bind, note it, close */
  int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  bind(probe, (struct sockaddr *)&a, sizeof a);
  getsockname(probe, (struct sockaddr *)&a, &al);
  close(probe);
  /* PDP inactive first: our documented choice 605 */
  ck_assert(open_to(&s, ntohs(a.sin_port), "OK\r\n\r\n+QFTPOPEN: 605,0\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"rsptimeout\",20\r", "OK\r\n"));
  ck_assert(open_to(&s, ntohs(a.sin_port), "OK\r\n\r\n+QFTPOPEN: 606,0\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPOPEN=\"\",21\r", "+CME ERROR: 610\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPOPEN=\"h\",70000\r", "+CME ERROR: 610\r\n"));
  ck_assert(e2e_chat(&s, "AT\r", "OK\r\n"));
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_session)
{
  e2e_sim s;
  e2e_sim_start(&s, "eg800k", NULL); /* quotes PWD */
  e2e_srv f = {.on_cmd = on_cmd,
               .greeting = "220-Welcome\r\n220-200 not the end\r\n220 Go\r\n",
               .user = "230 Login successful.\r\n"};
  e2e_srv_start(&f);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(open_to(&s, f.port, "OK\r\n\r\n+QFTPOPEN: 0,0\r\n"));
  ck_assert(open_to(&s, f.port, "+CME ERROR: 603\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "OK\r\n\r\n+QFTPSTAT: 0,1\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCWD=\"/pub\"\r", "OK\r\n\r\n+QFTPCWD: 0,0\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCWD=\"/missing\"\r", "+QFTPCWD: 627,550\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPPWD\r", "+QFTPPWD: 0,\"/pub/a \"b\"\"\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCLOSE\r", "OK\r\n\r\n+QFTPCLOSE: 0,0\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
  e2e_srv_join(&f);
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_open_530)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  e2e_srv f = {.on_cmd = on_cmd, .user = "530 Login incorrect.\r\n"};
  e2e_srv_start(&f);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(open_to(&s, f.port, "OK\r\n\r\n+QFTPOPEN: 625,530\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,4\r\n"));
  e2e_srv_join(&f);
  e2e_sim_stop(&s);
}
END_TEST

START_TEST(test_open_timeout)
{
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  e2e_srv f = {.on_cmd = on_cmd, .silent = true};
  e2e_srv_start(&f);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"rsptimeout\",20\r", "OK\r\n")); /* 0.2 s */
  int64_t t0 = qc_now_ms();
  ck_assert(open_to(&s, f.port, "OK\r\n"));
  /* answered while the open is in progress: 0 = opening (2.17) */
  ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,0\r\n"));
  ck_assert(e2e_expect(&s, "+QFTPOPEN: 609,0\r\n"));
  int64_t took = qc_now_ms() - t0;
  ck_assert_int_ge(took, 150);
  ck_assert_int_lt(took, 1500);
  e2e_srv_join(&f);
  e2e_sim_stop(&s);
}
END_TEST

/* The server ends the session while nothing is in flight: after its
 * reply to CWD it closes (FIN), resets (RST), or says 421 first (an idle
 * timeout, as vsftpd's). The module finds out on its own: closed (4),
 * every command 606 at once, AT+QFTPCLOSE OK and 0,0, then no session
 * (601) until a new open, which works (sim/README.md). */
static void on_cmd_drop(e2e_srv *f, const char *line)
{
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  if (!strncmp(line, "CWD /fin", 8)) {
    e2e_srv_say(f, "250 ok\r\n");
    f->stop = true;
  } else if (!strncmp(line, "CWD /rst", 8)) {
    e2e_srv_say(f, "250 ok\r\n");
    setsockopt(f->cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    f->stop = true;
  } else if (!strncmp(line, "CWD /421", 8)) {
    e2e_srv_say(f, "250 ok\r\n421 Timeout.\r\n");
    f->stop = true;
  } else {
    e2e_srv_say(f, reply_for(f, line));
  }
}

START_TEST(test_idle_drop)
{
  static const char *const how[] = {"fin", "rst", "421"};
  e2e_sim s;
  e2e_sim_start(&s, "note", NULL);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  for (size_t i = 0; i < sizeof how / sizeof how[0]; i++) {
    e2e_srv f = {.on_cmd = on_cmd_drop, .user = "230 Login successful.\r\n"};
    e2e_srv_start(&f);
    char cwd[64];
    snprintf(cwd, sizeof cwd, "AT+QFTPCWD=\"/%s\"\r", how[i]);
    ck_assert(open_to(&s, f.port, "OK\r\n\r\n+QFTPOPEN: 0,0\r\n"));
    ck_assert_msg(e2e_chat(&s, cwd, "OK\r\n\r\n+QFTPCWD: 0,0\r\n"), "%s", how[i]);
    e2e_srv_join(&f); /* the server has closed: let the module see it */
    usleep(100000);
    ck_assert_msg(e2e_chat(&s, "AT+QFTPSTAT\r", "OK\r\n\r\n+QFTPSTAT: 0,4\r\n"),
                  "%s", how[i]);
    ck_assert(e2e_chat(&s, "AT+QFTPCWD=\"/\"\r", "+CME ERROR: 606\r\n"));
    ck_assert(e2e_chat(&s, "AT+QFTPPWD\r", "+CME ERROR: 606\r\n"));
    ck_assert(e2e_chat(&s, "AT+QFTPGET=\"a\",\"COM:\"\r", "+CME ERROR: 606\r\n"));
    ck_assert(e2e_chat(&s, "AT+QFTPCLOSE\r", "OK\r\n\r\n+QFTPCLOSE: 0,0\r\n"));
    ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "OK\r\n\r\n+QFTPSTAT: 0,4\r\n"));
    ck_assert(e2e_chat(&s, "AT+QFTPCWD=\"/\"\r", "+CME ERROR: 601\r\n"));
  }
  e2e_sim_stop(&s);
}
END_TEST


/* The module's answers to what a case may have changed, as one text. */
static void power_state(e2e_sim *s, char *out, size_t cap)
{
  static const char *const queries[] = {
      "AT+QFTPCFG=\"filetype\"\r",   "AT+QFTPCFG=\"transmode\"\r",
      "AT+QFTPCFG=\"contextid\"\r",  "AT+QFTPCFG=\"rsptimeout\"\r",
      "AT+QFTPCFG=\"ssltype\"\r",    "AT+QFTPCFG=\"SSL_ctxID\"\r",
      "AT+QFTPCFG=\"data_address\"\r", "AT+QFTPCFG=\"account\"\r",
      "AT+QIACT?\r",
  };
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
    char got[512];
    e2e_send(s, queries[i], strlen(queries[i]));
    ck_assert_msg(e2e_expect_skip(s, "OK\r\n", got, sizeof got), "%s",
                  queries[i]);
    n += (size_t)snprintf(out + n, cap - n, "%s%sOK\n", queries[i], got);
    ck_assert_uint_lt(n, cap);
  }
}

/* A reset on the control channel leaves what a fresh process has: a
 * session open on a server (its socket closed, no URC), changed settings
 * and an active context are gone, echo is on again. */
START_TEST(test_reset_to_power_on)
{
  e2e_sim s;
  static char fresh[4096], after[4096];
  e2e_sim_start_ctl(&s, "note");
  power_state(&s, fresh, sizeof fresh); /* echo on: the queries' echo too */

  e2e_srv f = {.on_cmd = on_cmd, .user = "230 Login successful.\r\n"};
  e2e_srv_start(&f);
  ck_assert(e2e_chat(&s, "ATE0\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QIACT=1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"filetype\",1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"transmode\",1\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"rsptimeout\",20\r", "OK\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPCFG=\"account\",\"u\",\"p\"\r", "OK\r\n"));
  ck_assert(open_to(&s, f.port, "OK\r\n\r\n+QFTPOPEN: 0,0\r\n"));
  ck_assert(e2e_chat(&s, "AT+QFTPSTAT\r", "+QFTPSTAT: 0,1\r\n"));
  /* Half a command line pending in the framer is forgotten too. */
  e2e_send(&s, "AT+QFTPCW", 9);

  ck_assert(e2e_sim_reset(&s));
  int64_t t0 = qc_now_ms();
  e2e_srv_join(&f); /* the server's session ends: its socket was closed */
  ck_assert_int_lt(qc_now_ms() - t0, 2000); /* its read timeout is 3 s */

  ck_assert(e2e_chat(&s, "AT\r", "AT\r\r\nOK\r\n")); /* echo on */
  power_state(&s, after, sizeof after);
  ck_assert_str_eq(after, fresh);
  char skipped[512];
  e2e_send(&s, "AT+QFTPSTAT\r", 12);
  ck_assert(e2e_expect_skip(&s, "+QFTPSTAT: 0,", skipped, sizeof skipped));
  ck_assert(e2e_expect(&s, "4\r\n")); /* closed, as after power-up */
  ck_assert_ptr_null(strstr(skipped, "+QFTPCLOSE")); /* no URC of the old */
  /* A second reset on an idle module: still one answer each. */
  ck_assert(e2e_sim_reset(&s));
  ck_assert(e2e_chat(&s, "AT\r", "AT\r\r\nOK\r\n"));
  e2e_sim_stop(&s);
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("sim_e2e");
  TCase *tc = tcase_create("e2e");
  tcase_set_timeout(tc, 10);
  tcase_add_test(tc, test_line_discipline);
  tcase_add_test(tc, test_cfg_and_pdp);
  tcase_add_test(tc, test_identity);
  tcase_add_test(tc, test_open_refused);
  tcase_add_test(tc, test_session);
  tcase_add_test(tc, test_open_530);
  tcase_add_test(tc, test_open_timeout);
  tcase_add_test(tc, test_idle_drop);
  tcase_add_test(tc, test_reset_to_power_on);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
