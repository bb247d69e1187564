/* srv_ftp against the real vsftpd: start, log in, wrong password, restart,
 * stop, nothing left behind. Needs root (useradd, PAM); without it the
 * program says so and passes, as CI runs it as root. */
#include "qc_time.h"
#include "srv_ftp.h"
#include "srv_home.h"
#include "srv_net.h"
#include "srv_procs.h"
#include "srv_user.h"

#include <check.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

static char run_dir[64];

static void setup(void)
{
  snprintf(run_dir, sizeof run_dir, "/tmp/test_srv_live.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(run_dir));
}

/* The run dir is evidence in a real run; here it goes once checked. */
static void teardown(void)
{
  char err[256];
  srv_home_empty(run_dir, err, sizeof err);
  rmdir(run_dir);
}

static srv_ftp_opts opts(int port)
{
  return (srv_ftp_opts){.run_dir = run_dir,
                        .template_dir = QFTP_SOURCE_DIR "/servers/vsftpd",
                        .profile = "plain",
                        .port = port};
}

/* Sends cmd (NULL: only read) and asserts the reply code. */
static void expect(int fd, const char *cmd, int code, char *reply, size_t len)
{
  char err[256];
  int got = cmd ? srv_net_command(fd, cmd, qc_deadline_in(2000), reply, len,
                                  err, sizeof err)
                : srv_net_read_reply(fd, qc_deadline_in(2000), reply, len, err,
                                     sizeof err);
  ck_assert_msg(got == code, "%s: want %d, got %d: %s", cmd ? cmd : "banner",
                code, got, got < 0 ? err : reply);
}

static int open_session(srv_ftp *s)
{
  char err[256], reply[SRV_NET_REPLY_MAX + 1];
  int fd = srv_net_connect(srv_ftp_host(s), srv_ftp_port(s),
                           qc_deadline_in(1000), NULL, err, sizeof err);
  ck_assert_msg(fd >= 0, "%s", err);
  expect(fd, NULL, 220, reply, sizeof reply);
  return fd;
}

static void login(srv_ftp *s, int fd)
{
  char cmd[128], reply[SRV_NET_REPLY_MAX + 1];
  snprintf(cmd, sizeof cmd, "USER %s", srv_ftp_user(s));
  expect(fd, cmd, 331, reply, sizeof reply);
  snprintf(cmd, sizeof cmd, "PASS %s", srv_ftp_pass(s));
  expect(fd, cmd, 230, reply, sizeof reply);
}

static bool pam_file_exists(const char *user)
{
  char p[128];
  struct stat st;
  snprintf(p, sizeof p, "/etc/pam.d/qftp-%s", user);
  return stat(p, &st) == 0;
}

START_TEST(test_lifecycle)
{
  srv_ftp *s;
  char err[1024], reply[SRV_NET_REPLY_MAX + 1], user[32], conf[700];
  srv_ftp_opts o = opts(0);
  ck_assert_msg(srv_ftp_start(&o, &s, err, sizeof err) == 0, "%s", err);
  snprintf(user, sizeof user, "%s", srv_ftp_user(s));
  snprintf(conf, sizeof conf, "%s", srv_ftp_conf_path(s));
  ck_assert_ptr_nonnull(getpwnam(user));
  ck_assert(pam_file_exists(user));
  ck_assert_uint_eq(strlen(srv_ftp_pass(s)), 16);
  ck_assert_msg(srv_ftp_alive(s, err, sizeof err), "%s", err);
  int pmin, pmax;
  srv_ftp_pasv_range(s, &pmin, &pmax);
  ck_assert_int_eq(pmax - pmin, 31);

  srv_file f = {
      .kind = SRV_FILE_TEXT, .path = "dir/hello.txt", .text = "hello\r\n"};
  ck_assert_msg(srv_ftp_seed_home(s, &f, 1, err, sizeof err) == 0, "%s", err);
  uint64_t off = srv_ftp_log_offset(s);

  int fd = open_session(s);
  login(s, fd);
  expect(fd, "PWD", 257, reply, sizeof reply);
  ck_assert_msg(strncmp(reply, "257 \"/\"", 7) == 0, "%s", reply);
  expect(fd, "SIZE dir/hello.txt", 213, reply, sizeof reply);
  ck_assert_str_eq(reply, "213 7\r\n");
  expect(fd, "MKD made", 257, reply, sizeof reply); /* home is writable */
  expect(fd, "QUIT", 221, reply, sizeof reply);
  close(fd);

  /* nodelay PAM: a wrong password is refused at once (Debian's stack
   * takes ~3 s). */
  fd = open_session(s);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "USER %s", user);
  expect(fd, cmd, 331, reply, sizeof reply);
  int64_t t0 = qc_now_ms();
  expect(fd, "PASS wrong-password", 530, reply, sizeof reply);
  ck_assert_int_lt(qc_now_ms() - t0, 500);
  close(fd);

  char slice[128];
  snprintf(slice, sizeof slice, "%s/server.log", run_dir);
  ck_assert_msg(srv_ftp_copy_log_since(s, off, slice, err, sizeof err) == 0,
                "%s", err);
  FILE *lf = fopen(slice, "r");
  ck_assert_ptr_nonnull(lf);
  char text[8192];
  size_t n = fread(text, 1, sizeof text - 1, lf);
  fclose(lf);
  text[n] = '\0';
  ck_assert_msg(strstr(text, "\"PWD\"") &&
                    strstr(text, "\"SIZE dir/hello.txt\""),
                "log slice: %s", text);
  ck_assert_msg(strstr(text, srv_ftp_pass(s)) == NULL, "password logged");

  /* A session left open must not survive a restart or a stop. */
  int port = srv_ftp_port(s);
  int held = open_session(s);
  ck_assert_msg(srv_ftp_restart(s, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(srv_ftp_port(s), port);
  ck_assert_int_eq(srv_net_read_reply(held, qc_deadline_in(1000), reply,
                                      sizeof reply, err, sizeof err),
                   -1);
  close(held);
  ck_assert_msg(srv_ftp_alive(s, err, sizeof err), "%s", err);
  fd = open_session(s);
  login(s, fd);
  close(fd);

  held = open_session(s);
  login(s, held);
  int64_t t1 = qc_now_ms();
  srv_ftp_stop(s);
  ck_assert_int_lt(qc_now_ms() - t1, 3000);
  ck_assert_int_eq(srv_procs_count(conf), 0);
  ck_assert_ptr_null(getpwnam(user));
  ck_assert(!pam_file_exists(user));
  char logp[128];
  snprintf(logp, sizeof logp, "%s/vsftpd.log", run_dir);
  struct stat st;
  ck_assert_int_eq(stat(logp, &st), 0); /* evidence kept */
  close(held);
  srv_ftp_stop(NULL);
}
END_TEST

/* A taken port: vsftpd says 500 OOPS on fd 0 and exits; the error carries
 * it, and the user made for the attempt is gone. */
START_TEST(test_start_failure_reports_oops)
{
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(listen(ls, 1), 0);
  socklen_t sl = sizeof sa;
  getsockname(ls, (struct sockaddr *)&sa, &sl);
  srv_ftp *s = (srv_ftp *)1;
  char err[1024];
  srv_ftp_opts o = opts(ntohs(sa.sin_port));
  int64_t t0 = qc_now_ms();
  ck_assert_int_eq(srv_ftp_start(&o, &s, err, sizeof err), -1);
  ck_assert_int_lt(qc_now_ms() - t0, 5500);
  ck_assert_ptr_null(s);
  ck_assert_msg(strstr(err, "OOPS") && strstr(err, "vsftpd.stderr"), "%s", err);
  close(ls);
  struct passwd *pw;
  setpwent();
  while ((pw = getpwent()) != NULL)
    ck_assert_msg(srv_user_owner_pid(pw->pw_name, pw->pw_gecos) != getpid(),
                  "user %s left behind", pw->pw_name);
  endpwent();
}
END_TEST

START_TEST(test_unknown_profile)
{
  srv_ftp *s;
  char err[1024];
  srv_ftp_opts o = opts(0);
  o.profile = "nosuch";
  ck_assert_int_eq(srv_ftp_start(&o, &s, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "nosuch.conf.in") != NULL, "%s", err);
}
END_TEST

/* A user left by a run that was killed (its pid is gone) is removed by
 * the next start. */
START_TEST(test_stale_user_reaped)
{
  pid_t dead = fork();
  if (dead == 0)
    _exit(0);
  waitpid(dead, NULL, 0);
  char name[16], gecos[64], rnd[7], err[1024];
  ck_assert_int_eq(srv_user_random(rnd, 6), 0);
  snprintf(name, sizeof name, "qftp%s", rnd);
  snprintf(gecos, sizeof gecos, "qftp-harness pid %d", (int)dead);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "useradd -r -M -U -c '%s' %s", gecos, name);
  ck_assert_int_eq(system(cmd), 0);
  ck_assert_ptr_nonnull(getpwnam(name));
  srv_ftp *s;
  srv_ftp_opts o = opts(0);
  ck_assert_msg(srv_ftp_start(&o, &s, err, sizeof err) == 0, "%s", err);
  ck_assert_ptr_null(getpwnam(name));
  srv_ftp_stop(s);
}
END_TEST

/* Both FTPS profiles start (certificate made in the run dir, implicit
 * probed through TLS); explicit answers AUTH TLS with 234. */
START_TEST(test_ftps_profiles)
{
  static const char *const names[] = {"ftps-explicit", "ftps-implicit"};
  srv_ftp *s;
  char err[1024], reply[SRV_NET_REPLY_MAX + 1], path[128];
  srv_ftp_opts o = opts(0);
  o.profile = names[_i];
  ck_assert_msg(srv_ftp_start(&o, &s, err, sizeof err) == 0, "%s: %s",
                names[_i], err);
  snprintf(path, sizeof path, "%s/key.pem", run_dir);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  ck_assert_msg(srv_ftp_alive(s, err, sizeof err), "%s", err);
  if (_i == 0) {
    int fd = open_session(s);
    expect(fd, "AUTH TLS", 234, reply, sizeof reply);
    close(fd);
  }
  srv_ftp_stop(s);
}
END_TEST

int main(void)
{
  if (geteuid() != 0) {
    printf("test_srv_live: not root, vsftpd integration not run (it needs "
           "useradd and /etc/pam.d)\n");
    return 0;
  }
  Suite *su = suite_create("srv_live");
  TCase *tc = tcase_create("vsftpd");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, test_lifecycle);
  tcase_add_test(tc, test_start_failure_reports_oops);
  tcase_add_test(tc, test_unknown_profile);
  tcase_add_test(tc, test_stale_user_reaped);
  tcase_add_loop_test(tc, test_ftps_profiles, 0, 2);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
