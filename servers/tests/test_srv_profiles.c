/* The profiles beyond vsftpd's defaults, against the real servers:
 * `mlsd` (ProFTPD: login, MLSD 150/226 with the seeded files, a STOR whose
 * evidence the summary and the assertions see) and `ftps-legacy` (a TLS 1.0
 * handshake at OpenSSL security level 0). Needs root (useradd, PAM);
 * without it the program says so and passes, as CI runs it as root. */
#include "qc_io.h"
#include "qc_payload.h"
#include "qc_time.h"
#include "srv_ftp.h"
#include "srv_home.h"
#include "srv_net.h"

#include <check.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static char run_dir[64];

static void setup(void)
{
  snprintf(run_dir, sizeof run_dir, "/tmp/test_srv_profiles.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(run_dir));
}

static void teardown(void)
{
  char err[256];
  srv_home_empty(run_dir, err, sizeof err);
  rmdir(run_dir);
}

static srv_ftp *start(const char *profile)
{
  srv_ftp_opts o = {.run_dir = run_dir,
                    .template_dir = QFTP_SOURCE_DIR "/servers/vsftpd",
                    .profile = profile};
  srv_ftp *s;
  char err[1024];
  ck_assert_msg(srv_ftp_start(&o, &s, err, sizeof err) == 0, "%s: %s", profile,
                err);
  return s;
}

static void expect(int fd, const char *cmd, int code, char *reply, size_t len)
{
  char err[256];
  int got = cmd ? srv_net_command(fd, cmd, qc_deadline_in(3000), reply, len,
                                  err, sizeof err)
                : srv_net_read_reply(fd, qc_deadline_in(3000), reply, len, err,
                                     sizeof err);
  ck_assert_msg(got == code, "%s: want %d, got %d: %s", cmd ? cmd : "banner",
                code, got, got < 0 ? err : reply);
}

static int session(srv_ftp *s)
{
  char err[256], reply[SRV_NET_REPLY_MAX + 1], cmd[128];
  int fd = srv_net_connect(srv_ftp_host(s), srv_ftp_port(s),
                           qc_deadline_in(2000), NULL, err, sizeof err);
  ck_assert_msg(fd >= 0, "%s", err);
  expect(fd, NULL, 220, reply, sizeof reply);
  snprintf(cmd, sizeof cmd, "USER %s", srv_ftp_user(s));
  expect(fd, cmd, 331, reply, sizeof reply);
  snprintf(cmd, sizeof cmd, "PASS %s", srv_ftp_pass(s));
  expect(fd, cmd, 230, reply, sizeof reply);
  return fd;
}

/* PASV (RFC 959 4.1.2: 227 ... (h1,h2,h3,h4,p1,p2)) and connect. */
static int data_conn(srv_ftp *s, int ctl)
{
  char reply[SRV_NET_REPLY_MAX + 1], err[256];
  expect(ctl, "PASV", 227, reply, sizeof reply);
  const char *p = strchr(reply, '(');
  unsigned h[4], p1, p2;
  ck_assert_msg(p && sscanf(p, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1], &h[2],
                            &h[3], &p1, &p2) == 6,
                "%s", reply);
  int fd = srv_net_connect(srv_ftp_host(s), (int)(p1 * 256 + p2),
                           qc_deadline_in(2000), NULL, err, sizeof err);
  ck_assert_msg(fd >= 0, "%s", err);
  return fd;
}

/* Everything the peer sends until it closes, at most len - 1 bytes. */
static size_t read_all(int fd, char *buf, size_t len)
{
  size_t n = 0;
  int64_t deadline = qc_deadline_in(3000);
  for (;;) {
    ssize_t r = qc_read_some(fd, buf + n, len - 1 - n, deadline);
    ck_assert_msg(r >= 0, "data connection: %s",
                  r == QC_IO_TIMEOUT ? "timeout" : "error");
    if (r == 0 || (n += (size_t)r) == len - 1)
      break;
  }
  buf[n] = '\0';
  return n;
}

START_TEST(test_mlsd)
{
  srv_ftp *s = start("mlsd");
  ck_assert_str_eq(srv_ftp_server_name(s), "proftpd");
  srv_file files[] = {
      {.kind = SRV_FILE_PAYLOAD, .path = "big.bin", .size = 5000, .seed = 3},
      {.kind = SRV_FILE_TEXT, .path = "docs/readme.txt", .text = "hi\n"},
      {.kind = SRV_FILE_DIR, .path = "empty", .writable = true},
  };
  char err[1024], reply[SRV_NET_REPLY_MAX + 1], list[8192];
  ck_assert_msg(srv_ftp_seed_home(s, files, 3, err, sizeof err) == 0, "%s",
                err);
  uint64_t off = srv_ftp_log_offset(s);
  int ctl = session(s);
  expect(ctl, "PWD", 257, reply, sizeof reply);
  ck_assert_msg(strncmp(reply, "257 \"/\"", 7) == 0, "chrooted: %s", reply);
  int data = data_conn(s, ctl);
  expect(ctl, "MLSD", 150, reply, sizeof reply);
  read_all(data, list, sizeof list);
  close(data);
  expect(ctl, NULL, 226, reply, sizeof reply);
  /* RFC 3659 7.2: facts; name after one space; sizes are exact */
  ck_assert_msg(strstr(list, "size=5000;type=file;") &&
                    strstr(list, " big.bin\r\n"),
                "%s", list);
  ck_assert_msg(strstr(list, "type=dir;") && strstr(list, " docs\r\n") &&
                    strstr(list, " empty\r\n"),
                "%s", list);

  /* A STOR the summary and the assertions see. */
  unsigned char up[3000];
  qc_payload_fill(9, 0, up, sizeof up);
  expect(ctl, "TYPE I", 200, reply, sizeof reply);
  data = data_conn(s, ctl);
  expect(ctl, "STOR up.bin", 150, reply, sizeof reply);
  ck_assert_int_eq(qc_write_all(data, up, sizeof up, qc_deadline_in(2000)), 0);
  close(data);
  expect(ctl, NULL, 226, reply, sizeof reply);
  expect(ctl, "QUIT", 221, reply, sizeof reply);
  close(ctl);

  char *json;
  ck_assert_msg(srv_ftp_summary_json(s, off, &json, err, sizeof err) == 0, "%s",
                err);
  json_t *root = json_loads(json, 0, NULL);
  ck_assert_ptr_nonnull(root);
  json_t *st = json_array_get(json_object_get(root, "stored"), 0);
  ck_assert_msg(st != NULL, "%s", json);
  ck_assert_str_eq(json_string_value(json_object_get(st, "path")), "up.bin");
  ck_assert_int_eq(json_integer_value(json_object_get(st, "bytes")), 3000);
  ck_assert_uint_eq(strlen(json_string_value(json_object_get(st, "sha256"))),
                    64);
  ck_assert_msg(strstr(json, "\"line\": \"MLSD\"") &&
                    strstr(json, "\"PASS (hidden)\""),
                "%s", json);
  ck_assert_msg(strstr(json, srv_ftp_pass(s)) == NULL, "password logged");
  json_decref(root);
  free(json);

  srv_want_file want[] = {
      {.path = "up.bin", .has_payload = true, .size = 3000, .seed = 9},
      {.path = "big.bin", .has_payload = true, .size = 5000, .seed = 3},
      {.path = "never.bin", .absent = true},
  };
  char *logs[] = {"MLSD", "STOR up.bin"};
  srv_expect e = {
      .files = want, .nfiles = 3, .log_contains = logs, .nlog = 2};
  ck_assert_msg(srv_ftp_check_expect(s, off, &e, err, sizeof err) == 0, "%s",
                err);
  want[0].seed = 10;
  ck_assert_int_eq(srv_ftp_check_expect(s, off, &e, err, sizeof err), -1);
  ck_assert_msg(
      strstr(err, "\"up.bin\": expected payload (3000 bytes, seed 10)"), "%s",
      err);
  srv_ftp_stop(s);
}
END_TEST

/* Explicit FTPS (RFC 4217 4: AUTH TLS -> 234), then a client that speaks
 * TLS 1.0 only, at security level 0, completes the handshake. */
START_TEST(test_ftps_legacy_tls10)
{
  srv_ftp *s = start("ftps-legacy");
  char err[256], reply[SRV_NET_REPLY_MAX + 1];
  int fd = srv_net_connect(srv_ftp_host(s), srv_ftp_port(s),
                           qc_deadline_in(2000), NULL, err, sizeof err);
  ck_assert_msg(fd >= 0, "%s", err);
  expect(fd, NULL, 220, reply, sizeof reply);
  expect(fd, "AUTH TLS", 234, reply, sizeof reply);
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  ck_assert_ptr_nonnull(ctx);
  SSL_CTX_set_security_level(ctx, 0);
  ck_assert(SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION));
  ck_assert(SSL_CTX_set_max_proto_version(ctx, TLS1_VERSION));
  ck_assert(SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0"));
  SSL *ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  struct timeval tv = {.tv_sec = 3};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); /* bounded */
  int rc = SSL_connect(ssl);
  char why[256] = "";
  if (rc != 1)
    ERR_error_string_n(ERR_get_error(), why, sizeof why);
  ck_assert_msg(rc == 1, "TLS 1.0 handshake failed: %s", why);
  ck_assert_int_eq(SSL_version(ssl), TLS1_VERSION);
  /* The session is usable: log in inside TLS. */
  char cmd[128], line[256];
  snprintf(cmd, sizeof cmd, "USER %s\r\n", srv_ftp_user(s));
  ck_assert_int_gt(SSL_write(ssl, cmd, (int)strlen(cmd)), 0);
  int n = SSL_read(ssl, line, sizeof line - 1);
  ck_assert_int_gt(n, 0);
  line[n] = '\0';
  ck_assert_msg(strncmp(line, "331", 3) == 0, "%s", line);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  srv_ftp_stop(s);
}
END_TEST

/* The legacy profile also still accepts a modern client. */
START_TEST(test_ftps_legacy_tls13)
{
  srv_ftp *s = start("ftps-legacy");
  char err[256], reply[SRV_NET_REPLY_MAX + 1];
  int fd = srv_net_connect(srv_ftp_host(s), srv_ftp_port(s),
                           qc_deadline_in(2000), NULL, err, sizeof err);
  ck_assert_msg(fd >= 0, "%s", err);
  expect(fd, NULL, 220, reply, sizeof reply);
  expect(fd, "AUTH TLS", 234, reply, sizeof reply);
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  SSL *ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  struct timeval tv = {.tv_sec = 3};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ck_assert_int_eq(SSL_connect(ssl), 1);
  ck_assert_int_ge(SSL_version(ssl), TLS1_2_VERSION);
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  srv_ftp_stop(s);
}
END_TEST

int main(void)
{
  if (geteuid() != 0) {
    printf("test_srv_profiles: not root, live server tests skipped\n");
    return 0;
  }
  Suite *su = suite_create("srv_profiles");
  TCase *tc = tcase_create("live");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_mlsd);
  tcase_add_test(tc, test_ftps_legacy_tls10);
  tcase_add_test(tc, test_ftps_legacy_tls13);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
