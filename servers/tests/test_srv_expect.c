/* srv_expect: every server assertion outcome and its message. */
#include "qc_payload.h"
#include "srv_expect.h"
#include "srv_home.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], home[96], log_path[96];

static void put(const char *rel, const char *text)
{
  char path[256];
  snprintf(path, sizeof path, "%s/%s", home, rel);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

/* home/p.bin: payload seed 7, 10000 bytes, byte 5000 flipped if asked;
 * home/short.bin: the first 4000 bytes of it. */
static void put_payloads(void)
{
  unsigned char buf[10000];
  qc_payload_fill(7, 0, buf, sizeof buf);
  char path[256];
  snprintf(path, sizeof path, "%s/p.bin", home);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_eq(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
  close(fd);
  buf[5000] ^= 0xff;
  snprintf(path, sizeof path, "%s/flip.bin", home);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_eq(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
  close(fd);
  snprintf(path, sizeof path, "%s/short.bin", home);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_eq(write(fd, buf, 4000), 4000);
  close(fd);
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/test_srv_expect.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(home, sizeof home, "%s/home", dir);
  snprintf(log_path, sizeof log_path, "%s/vsftpd.log", dir);
  ck_assert_int_eq(mkdir(home, 0755), 0);
  char sub[160];
  snprintf(sub, sizeof sub, "%s/sub", home);
  ck_assert_int_eq(mkdir(sub, 0755), 0);
  put("t.txt", "hello world");
  put("sub/n.txt", "x");
  put_payloads();
  snprintf(sub, sizeof sub, "%s/link", home);
  ck_assert_int_eq(symlink("t.txt", sub), 0);
  int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const char *log = "before the case\n"
                    "[pid 4] [u] FTP command: Client \"127.0.0.1\", "
                    "\"STOR up.bin\"\n";
  ck_assert_int_eq(write(fd, log, strlen(log)), (ssize_t)strlen(log));
  close(fd);
}

static void teardown(void)
{
  char err[256];
  ck_assert_msg(srv_home_empty(dir, err, sizeof err) == 0, "%s", err);
  rmdir(dir);
}

typedef struct expect_case {
  srv_want_file f;
  const char *msg; /* NULL: holds; else a fragment of the message */
} expect_case;

#define PAYLOAD(p, n, s)                                                       \
  {                                                                            \
    .path = (char *)(p), .has_payload = true, .size = (n), .seed = (s)         \
  }
#define TEXT(p, t)                                                             \
  {                                                                            \
    .path = (char *)(p), .text = (char *)(t)                                   \
  }
#define ABSENT(p)                                                              \
  {                                                                            \
    .path = (char *)(p), .absent = true                                        \
  }
#define EXISTS(p)                                                              \
  {                                                                            \
    .path = (char *)(p)                                                        \
  }

static const expect_case cases[] = {
    {PAYLOAD("p.bin", 10000, 7), NULL},
    /* every payload opens with the same 36 bytes of marker text */
    {PAYLOAD("p.bin", 10000, 8),
     "\"p.bin\": expected payload (10000 bytes, seed 8), seen 10000 bytes "
     "differing from offset 36"},
    {PAYLOAD("flip.bin", 10000, 7),
     "expected payload (10000 bytes, seed 7), seen 10000 bytes differing "
     "from offset 5000"},
    {PAYLOAD("short.bin", 10000, 7), "seen 4000 bytes, a correct prefix"},
    {PAYLOAD("p.bin", 9000, 7),
     "seen 10000 bytes, the expected bytes then 1000 more"},
    {PAYLOAD("nope.bin", 10, 7), "seen no such file"},
    {PAYLOAD("sub", 10, 7), "not a regular file"},
    {PAYLOAD("link", 11, 7), "symbolic link"},
    {TEXT("t.txt", "hello world"), NULL},
    {TEXT("t.txt", "hello there"),
     "expected text \"hello there\" (11 bytes), seen 11 bytes differing from "
     "offset 6 (0x77, expected 0x74)"},
    {TEXT("t.txt", "hello"), "the expected bytes then 6 more"},
    {TEXT("sub/n.txt", ""), "expected text \"\" (0 bytes), seen 1 bytes"},
    {TEXT("sub/n.txt", "x"), NULL},
    {ABSENT("gone.txt"), NULL},
    {ABSENT("nodir/gone.txt"), NULL},
    {ABSENT("t.txt"), "expected absent, seen a regular file of 11 bytes"},
    {ABSENT("sub"), "expected absent, seen a directory"},
    {ABSENT("link"), "expected absent, seen a symbolic link"},
    {EXISTS("t.txt"), NULL},
    {EXISTS("none.txt"), "expected a regular file, seen no such file"},
    {TEXT("../etc/passwd", "x"), "'..' component"},
    {ABSENT("/etc/passwd"), "leading '/'"},
    {TEXT("link/x", "x"), "symbolic link is on the way"},
};

START_TEST(test_file_table)
{
  const expect_case *c = &cases[_i];
  srv_want_file f = c->f;
  srv_expect e = {.files = &f, .nfiles = 1};
  char msg[1024];
  int rc = srv_expect_check(home, log_path, 0, &e, msg, sizeof msg);
  if (!c->msg) {
    ck_assert_msg(rc == 0, "case %d (%s): %s", _i, f.path, msg);
    return;
  }
  ck_assert_msg(rc == -1, "case %d (%s) passed", _i, f.path);
  ck_assert_msg(strstr(msg, c->msg) != NULL, "case %d: \"%s\" lacks \"%s\"", _i,
                msg, c->msg);
  ck_assert_msg(strstr(msg, "server_expect file") != NULL, "%s", msg);
}
END_TEST

/* Where the assertion was written leads the message. */
START_TEST(test_where_and_count)
{
  srv_want_file f[3] = {ABSENT("t.txt"), TEXT("t.txt", "hello world"),
                         PAYLOAD("nope", 1, 1)};
  f[0].where = (qc_where){.file = "cases/x.yaml", .line = 12, .col = 7};
  srv_expect e = {.files = f, .nfiles = 3};
  char msg[1024];
  ck_assert_int_eq(srv_expect_check(home, log_path, 0, &e, msg, sizeof msg),
                   -1);
  ck_assert_msg(
      strncmp(msg, "cases/x.yaml:12:7: server_expect file \"t.txt\"", 45) == 0,
      "%s", msg);
  ck_assert_msg(strstr(msg, "(+1 more failed)") != NULL, "%s", msg);
}
END_TEST

START_TEST(test_log_contains)
{
  char *in[] = {"STOR up.bin"}, *out[] = {"before the case"},
       *mixed[] = {"FTP command", "RETR up.bin"};
  /* the slice starts after "before the case\n" (16 bytes) */
  srv_expect e = {.log_contains = in, .nlog = 1};
  char msg[1024];
  ck_assert_int_eq(srv_expect_check(home, log_path, 16, &e, msg, sizeof msg),
                   0);
  e.log_contains = out;
  ck_assert_int_eq(srv_expect_check(home, log_path, 16, &e, msg, sizeof msg),
                   -1);
  ck_assert_msg(strstr(msg, "server_expect log_contains \"before the case\": "
                            "not in the case's server log (59 bytes)") != NULL,
                "%s", msg);
  ck_assert_int_eq(srv_expect_check(home, log_path, 0, &e, msg, sizeof msg), 0);
  e.log_contains = mixed;
  e.nlog = 2;
  ck_assert_int_eq(srv_expect_check(home, log_path, 16, &e, msg, sizeof msg),
                   -1);
  ck_assert_msg(strstr(msg, "\"RETR up.bin\"") != NULL, "%s", msg);
}
END_TEST

START_TEST(test_nothing_to_check)
{
  char msg[64] = "x";
  ck_assert_int_eq(srv_expect_check(home, log_path, 0, NULL, msg, sizeof msg),
                   0);
  srv_expect e = {0};
  ck_assert_int_eq(
      srv_expect_check(home, "/nonexistent/log", 0, &e, msg, sizeof msg), 0);
  ck_assert_str_eq(msg, "");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_expect");
  TCase *tc = tcase_create("expect");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, test_file_table, 0,
                      (int)(sizeof cases / sizeof cases[0]));
  tcase_add_test(tc, test_where_and_count);
  tcase_add_test(tc, test_log_contains);
  tcase_add_test(tc, test_nothing_to_check);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
