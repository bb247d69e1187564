/* srv_summary: a log slice and a home in, the JSON evidence out, with
 * SHA-256 of stored files checked against known digests. */
#include "qc_payload.h"
#include "srv_home.h"
#include "srv_homefile.h"
#include "srv_summary.h"

#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], home[96], log_path[96];

static void put(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/test_srv_summary.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(home, sizeof home, "%s/home", dir);
  snprintf(log_path, sizeof log_path, "%s/server.log", dir);
  ck_assert_int_eq(mkdir(home, 0755), 0);
}

static void teardown(void)
{
  char err[256];
  ck_assert_msg(srv_home_empty(dir, err, sizeof err) == 0, "%s", err);
  rmdir(dir);
}

static json_t *summary(uint64_t offset)
{
  char *text, err[256];
  int rc = srv_summary_json(home, log_path, offset, &text, err, sizeof err);
  ck_assert_msg(rc == 0, "%s", err);
  json_error_t je;
  json_t *root = json_loads(text, 0, &je);
  ck_assert_msg(root != NULL, "not JSON: %s", je.text);
  free(text);
  return root;
}

#define VS "Tue Nov 24 16:26:47 2026 [pid 4] [u] "
/* Digests of "abc" and "hello\n" (FIPS 180-2 example; sha256sum). */
#define SHA_ABC                                                                \
  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_HELLO                                                              \
  "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

START_TEST(test_vsftpd_slice)
{
  put(log_path, VS "FTP command: Client \"127.0.0.1\", \"NOOP\"\n");
  uint64_t off = 0;
  struct stat st;
  ck_assert_int_eq(stat(log_path, &st), 0);
  off = (uint64_t)st.st_size; /* the case begins here */
  char path[160];
  snprintf(path, sizeof path, "%s/a b.txt", home);
  put(path, "abc");
  put(log_path,
      VS "FTP command: Client \"127.0.0.1\", \"STOR a b.txt\"\n" VS
         "FTP response: Client \"127.0.0.1\", \"150 Ok to send data.\"\n" VS
         "OK UPLOAD: Client \"127.0.0.1\", \"/a b.txt\", 3 bytes, "
         "1.00Kbyte/sec\n" VS
         "FTP response: Client \"127.0.0.1\", \"226 Transfer complete.\"\n" VS
         "FAIL UPLOAD: Client \"127.0.0.1\", \"/gone.bin\", 9 bytes, "
         "1.00Kbyte/sec\n");
  json_t *root = summary(off);
  json_t *cmds = json_object_get(root, "commands");
  ck_assert_uint_eq(json_array_size(cmds), 1); /* NOOP was before */
  ck_assert_str_eq(
      json_string_value(json_object_get(json_array_get(cmds, 0), "line")),
      "STOR a b.txt");
  ck_assert_int_eq(
      json_integer_value(json_object_get(json_array_get(cmds, 0), "pid")), 4);
  json_t *replies = json_object_get(root, "replies");
  ck_assert_uint_eq(json_array_size(replies), 2);
  json_t *r1 = json_array_get(replies, 1);
  ck_assert_int_eq(json_integer_value(json_object_get(r1, "code")), 226);
  ck_assert_str_eq(json_string_value(json_object_get(r1, "text")),
                   "Transfer complete.");
  json_t *stored = json_object_get(root, "stored");
  ck_assert_uint_eq(json_array_size(stored), 2);
  json_t *s0 = json_array_get(stored, 0), *s1 = json_array_get(stored, 1);
  ck_assert_str_eq(json_string_value(json_object_get(s0, "path")), "a b.txt");
  ck_assert_int_eq(json_integer_value(json_object_get(s0, "bytes")), 3);
  ck_assert(json_is_true(json_object_get(s0, "complete")));
  ck_assert_str_eq(json_string_value(json_object_get(s0, "sha256")), SHA_ABC);
  ck_assert_str_eq(json_string_value(json_object_get(s1, "path")), "gone.bin");
  ck_assert(json_is_false(json_object_get(s1, "complete")));
  ck_assert(json_is_null(json_object_get(s1, "sha256")));
  ck_assert_ptr_nonnull(
      strstr(json_string_value(json_object_get(s1, "error")), "no such file"));
  json_decref(root);
}
END_TEST

START_TEST(test_proftpd_and_xferlog)
{
  char line[512], path[160];
  snprintf(path, sizeof path, "%s/d", home);
  ck_assert_int_eq(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/d/h.txt", home);
  put(path, "hello\n");
  snprintf(line, sizeof line,
           "[24/Nov/2026:16:26:03 +0000] [pid 2] [u]\t226\t6\t%s/d/h.txt\t"
           "STOR d/h.txt\tTransfer complete\n"
           "Tue Nov 24 16:26:03 2026 0 127.0.0.1 6 %s/d/h.txt b _ i r u ftp "
           "0 * c\n",
           home, home);
  put(log_path, line);
  json_t *root = summary(0);
  json_t *stored = json_object_get(root, "stored");
  ck_assert_uint_eq(json_array_size(stored), 2);
  for (size_t i = 0; i < 2; i++) {
    json_t *s = json_array_get(stored, i);
    ck_assert_str_eq(json_string_value(json_object_get(s, "path")), "d/h.txt");
    ck_assert_str_eq(json_string_value(json_object_get(s, "sha256")),
                     SHA_HELLO);
  }
  json_t *r = json_array_get(json_object_get(root, "replies"), 0);
  ck_assert_int_eq(json_integer_value(json_object_get(r, "pid")), 2);
  json_decref(root);
}
END_TEST

/* A link in the home is never followed for a digest. */
START_TEST(test_symlink_not_followed)
{
  char path[160];
  snprintf(path, sizeof path, "%s/evil", home);
  ck_assert_int_eq(symlink("/etc/passwd", path), 0);
  put(log_path, VS "OK UPLOAD: Client \"127.0.0.1\", \"/evil\", 3 bytes, "
                   "1.00Kbyte/sec\n");
  json_t *root = summary(0);
  json_t *s = json_array_get(json_object_get(root, "stored"), 0);
  ck_assert(json_is_null(json_object_get(s, "sha256")));
  json_decref(root);
}
END_TEST

/* Bad UTF-8 in a command (the peer's bytes) is kept, lossy. */
START_TEST(test_bad_utf8_kept)
{
  put(log_path,
      VS "FTP command: Client \"127.0.0.1\", \"RETR \xff\xfe.bin\"\n");
  json_t *root = summary(0);
  json_t *c = json_array_get(json_object_get(root, "commands"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(c, "line")),
                   "RETR ??.bin");
  json_decref(root);
}
END_TEST

/* No log yet (no session so far): an empty summary, not an error. */
START_TEST(test_missing_log_is_empty)
{
  json_t *root = summary(0);
  ck_assert_uint_eq(json_array_size(json_object_get(root, "commands")), 0);
  ck_assert_uint_eq(json_array_size(json_object_get(root, "stored")), 0);
  json_decref(root);
}
END_TEST

/* The digest of a payload equals one computed over the same bytes made
 * in memory (two routes, one answer), and of the empty file. */
START_TEST(test_sha256_payload)
{
  char path[160], hex[SRV_SHA256_HEX + 1], err[256];
  snprintf(path, sizeof path, "%s/p.bin", home);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_eq(qc_payload_write_fd(fd, 7, 100000), 0);
  close(fd);
  static unsigned char buf[100000];
  qc_payload_fill(7, 0, buf, sizeof buf);
  snprintf(path, sizeof path, "%s/q.bin", home);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ck_assert_int_eq(write(fd, buf, 50000), 50000);
  ck_assert_int_eq(write(fd, buf + 50000, 50000), 50000);
  close(fd);
  char a[SRV_SHA256_HEX + 1];
  int missing;
  fd = srv_homefile_open(home, "p.bin", &missing, err, sizeof err);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(srv_homefile_sha256(fd, a, err, sizeof err), 0);
  close(fd);
  fd = srv_homefile_open(home, "q.bin", &missing, err, sizeof err);
  ck_assert_int_eq(srv_homefile_sha256(fd, hex, err, sizeof err), 0);
  close(fd);
  ck_assert_str_eq(a, hex);
  snprintf(path, sizeof path, "%s/e", home);
  put(path, "");
  fd = srv_homefile_open(home, "e", &missing, err, sizeof err);
  ck_assert_int_eq(srv_homefile_sha256(fd, hex, err, sizeof err), 0);
  close(fd);
  ck_assert_str_eq(
      hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ck_assert_int_eq(srv_homefile_open(home, "nope", &missing, err, sizeof err),
                   -1);
  ck_assert_int_eq(missing, 1);
  ck_assert_int_eq(srv_homefile_open(home, "../x", &missing, err, sizeof err),
                   -1);
  ck_assert_int_eq(missing, 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_summary");
  TCase *tc = tcase_create("summary");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_vsftpd_slice);
  tcase_add_test(tc, test_proftpd_and_xferlog);
  tcase_add_test(tc, test_symlink_not_followed);
  tcase_add_test(tc, test_bad_utf8_kept);
  tcase_add_test(tc, test_missing_log_is_empty);
  tcase_add_test(tc, test_sha256_payload);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
