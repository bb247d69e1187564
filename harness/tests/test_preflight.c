/* Unit tests: the preflight against a scripted module (a child process on
 * a socketpair): a healthy one, one in data mode, a silent line, a wrong
 * baud, a firmware without FTP, a SIM wanting its PIN. */
#include "preflight.h"

#include "qc_time.h"

#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

typedef enum fake_kind {
  FAKE_EC25,      /* answers everything, echo on */
  FAKE_DATA_MODE, /* silent until "+++", then as FAKE_EC25 */
  FAKE_GARBAGE,   /* answers every byte with noise (a wrong baud) */
  FAKE_NO_FTP,    /* ERROR to AT+QFTPCFG=? */
  FAKE_SIM_PIN,   /* +CPIN: SIM PIN */
  FAKE_NO_ECHO,   /* never echoes */
} fake_kind;

static const struct {
  const char *cmd, *answer;
} answers[] = {
    {"AT", "OK"},
    {"ATE1", "OK"},
    {"ATI", "Quectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G\r\n\r\nOK"},
    {"AT+GMR", "EC25EFAR06A06M4G\r\n\r\nOK"},
    {"AT+CGMM", "EC25\r\n\r\nOK"},
    {"AT+CGSN", "866425030123456\r\n\r\nOK"},
    {"AT+CPIN?", "+CPIN: READY\r\n\r\nOK"},
    {"AT+QFTPCFG=?", "+QFTPCFG: \"contextid\",(1-16)\r\n\r\nOK"},
    {"AT+QIACT?", "+QIACT: 1,1,1,\"10.7.157.1\"\r\n\r\nOK"},
};

static void say(int fd, const char *s)
{
  if (write(fd, s, strlen(s)) < 0)
    _exit(1);
}

static void fake_answer(int fd, fake_kind k, const char *line)
{
  if (k == FAKE_NO_FTP && strcmp(line, "AT+QFTPCFG=?") == 0) {
    say(fd, "\r\nERROR\r\n");
    return;
  }
  if (k == FAKE_SIM_PIN && strcmp(line, "AT+CPIN?") == 0) {
    say(fd, "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
    return;
  }
  for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
    if (strcmp(line, answers[i].cmd) == 0) {
      say(fd, "\r\n");
      say(fd, answers[i].answer);
      say(fd, "\r\n");
      return;
    }
  say(fd, "\r\nERROR\r\n");
}

/* The child: reads what the harness sends until it hangs up. */
static void fake_module(int fd, fake_kind k)
{
  char line[256];
  size_t n = 0;
  bool data_mode = k == FAKE_DATA_MODE;
  int plus = 0;
  char c;
  while (read(fd, &c, 1) == 1) {
    if (k == FAKE_GARBAGE) {
      say(fd, "\xfe\x80\xf0\r\x9f\xe0\n");
      continue;
    }
    if (data_mode) { /* payload; "+++" leaves */
      plus = c == '+' ? plus + 1 : 0;
      if (plus == 3) {
        data_mode = false;
        say(fd, "\r\nOK\r\n");
      }
      continue;
    }
    if (k != FAKE_NO_ECHO)
      say(fd, (char[]){c, 0});
    if (c == '\r') {
      line[n] = '\0';
      fake_answer(fd, k, line);
      n = 0;
    } else if (c != '\n' && n + 1 < sizeof line) {
      line[n++] = c;
    }
  }
  _exit(0);
}

static int sv[2];
static pid_t child;
static qh_transport *t;
static qh_lines lines;
static char dir[64], tr[128];

static void start(fake_kind k)
{
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  child = fork();
  ck_assert_int_ge(child, 0);
  if (child == 0) {
    close(sv[0]);
    fake_module(sv[1], k);
  }
  close(sv[1]);
  t = qh_transport_fd_new(sv[0], "/dev/ttyUSB2");
  ck_assert_ptr_nonnull(t);
  qh_lines_init(&lines);
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/test_preflight.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(tr, sizeof tr, "%s/preflight.txt", dir);
  child = 0;
  t = NULL;
}

static void teardown(void)
{
  if (t)
    qh_transport_close(t); /* closes sv[0]: the child reads EOF */
  if (child > 0) {
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
  }
  unlink(tr);
  rmdir(dir);
}

static qh_preflight_fail run(qh_module_id *id, char *err, size_t errlen)
{
  qh_preflight_opts o = {.time_scale = 0.05,
                         .baud = 115200,
                         .transcript = tr,
                         .heading = "test"};
  return qh_preflight(t, &lines, &o, id, err, errlen);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  static char buf[16384];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

START_TEST(test_healthy)
{
  start(FAKE_EC25);
  qh_module_id id;
  char err[256] = "";
  ck_assert_int_eq(run(&id, err, sizeof err), QH_PF_OK);
  ck_assert_str_eq(id.manufacturer, "Quectel");
  ck_assert_str_eq(id.model, "EC25");
  ck_assert_str_eq(id.revision, "EC25EFAR06A06M4G");
  ck_assert_str_eq(id.imei_masked, "****3456");
  ck_assert(id.echo);
  ck_assert(id.sim_ready);
  ck_assert_uint_eq(id.nati, 3);
  ck_assert_uint_eq(id.npdp, 1);
  ck_assert_str_eq(id.pdp[0].addr, "10.7.157.1");
  const char *text = slurp(tr);
  ck_assert_ptr_nonnull(strstr(text, " > AT+CGSN\n"));
  ck_assert_ptr_nonnull(strstr(text, " < ****3456\n"));
  ck_assert_ptr_null(strstr(text, "866425030123456")); /* masked there too */
  ck_assert_ptr_nonnull(strstr(text, "# module: Quectel EC25 rev "
                                     "EC25EFAR06A06M4G, IMEI ****3456, SIM "
                                     "ready, PDP 1 10.7.157.1\n"));
  ck_assert_ptr_null(strstr(text, "+++"));
}
END_TEST

START_TEST(test_data_mode)
{
  start(FAKE_DATA_MODE);
  qh_module_id id;
  char err[256] = "";
  ck_assert_msg(run(&id, err, sizeof err) == QH_PF_OK, "%s", err);
  ck_assert_str_eq(id.model, "EC25");
  const char *text = slurp(tr);
  ck_assert_ptr_nonnull(strstr(text, " > +++\n"));
}
END_TEST

START_TEST(test_silent)
{
  /* Nobody reads or answers: the far end is open and mute. */
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  t = qh_transport_fd_new(sv[0], "/dev/ttyUSB2");
  qh_lines_init(&lines);
  qh_module_id id;
  char err[256] = "";
  ck_assert_int_eq(run(&id, err, sizeof err), QH_PF_SILENT);
  ck_assert_str_eq(err, "no answer to AT on /dev/ttyUSB2: wrong port, or "
                        "wrong baud?");
  close(sv[1]);
  ck_assert_ptr_nonnull(strstr(slurp(tr), "# preflight failed: no answer"));
}
END_TEST

START_TEST(test_garbage)
{
  start(FAKE_GARBAGE);
  qh_module_id id;
  char err[256] = "";
  ck_assert_int_eq(run(&id, err, sizeof err), QH_PF_GARBAGE);
  ck_assert_str_eq(err, "garbage from /dev/ttyUSB2: wrong baud (tried "
                        "115200)?");
}
END_TEST

START_TEST(test_no_ftp)
{
  start(FAKE_NO_FTP);
  qh_module_id id;
  char err[256] = "";
  ck_assert_int_eq(run(&id, err, sizeof err), QH_PF_NO_FTP);
  ck_assert_msg(strstr(err, "firmware without the FTP(S) AT commands") == err,
                "%s", err);
  ck_assert_ptr_nonnull(strstr(err, "answered ERROR"));
  ck_assert_str_eq(id.model, "EC25"); /* what was read stays */
}
END_TEST

START_TEST(test_sim_pin)
{
  start(FAKE_SIM_PIN);
  qh_module_id id;
  char err[256] = "";
  ck_assert_int_eq(run(&id, err, sizeof err), QH_PF_SIM);
  ck_assert_str_eq(err, "SIM not ready on /dev/ttyUSB2: AT+CPIN? said SIM "
                        "PIN");
}
END_TEST

START_TEST(test_no_echo)
{
  start(FAKE_NO_ECHO);
  qh_module_id id;
  char err[256] = "";
  ck_assert_int_eq(run(&id, err, sizeof err), QH_PF_OK);
  ck_assert(!id.echo); /* noted, not fatal */
  ck_assert_ptr_nonnull(strstr(slurp(tr), "# no echo of AT after ATE1\n"));
}
END_TEST

START_TEST(test_hangup)
{
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  close(sv[1]);
  t = qh_transport_fd_new(sv[0], "/dev/ttyUSB2");
  qh_lines_init(&lines);
  qh_module_id id;
  char err[256] = "";
  ck_assert_int_eq(run(&id, err, sizeof err), QH_PF_LOST);
  ck_assert_msg(strstr(err, "/dev/ttyUSB2 hung up during the preflight") ==
                    err,
                "%s", err);
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("preflight");
  TCase *tc = tcase_create("fake module");
  tcase_set_timeout(tc, 30);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_healthy);
  tcase_add_test(tc, test_data_mode);
  tcase_add_test(tc, test_silent);
  tcase_add_test(tc, test_garbage);
  tcase_add_test(tc, test_no_ftp);
  tcase_add_test(tc, test_sim_pin);
  tcase_add_test(tc, test_no_echo);
  tcase_add_test(tc, test_hangup);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
