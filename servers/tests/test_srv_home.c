/* srv_home: seeding a home in a temporary directory (no root needed: the
 * files are given to our own uid). */
#include "qc_payload.h"
#include "srv_home.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[64], home[96], outside[96];

static void setup(void)
{
  snprintf(base, sizeof base, "/tmp/test_srv_home.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(base));
  snprintf(home, sizeof home, "%s/home", base);
  snprintf(outside, sizeof outside, "%s/outside", base);
  ck_assert_int_eq(mkdir(home, 0755), 0);
  ck_assert_int_eq(mkdir(outside, 0755), 0);
}

static void teardown(void)
{
  char err[256];
  srv_home_empty(base, err, sizeof err);
  rmdir(base);
}

static char *at(const char *rel)
{
  static char p[2][512];
  static int k;
  k ^= 1;
  snprintf(p[k], sizeof p[k], "%s/%s", home, rel);
  return p[k];
}

/* Compares a file with payload (seed, size) block by block. */
static void assert_payload(const char *path, uint32_t seed, uint64_t size)
{
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_uint_eq((uint64_t)st.st_size, size);
  int fd = open(path, O_RDONLY);
  ck_assert_int_ge(fd, 0);
  static unsigned char got[8192], want[8192];
  uint64_t off = 0;
  while (off < size) {
    ssize_t n = read(fd, got, sizeof got);
    ck_assert_int_gt(n, 0);
    qc_payload_fill(seed, off, want, (size_t)n);
    ck_assert_msg(memcmp(got, want, (size_t)n) == 0, "%s differs near %llu",
                  path, (unsigned long long)off);
    off += (uint64_t)n;
  }
  close(fd);
}

static srv_file payload(const char *p, uint64_t size, uint32_t seed)
{
  return (srv_file){
      .kind = SRV_FILE_PAYLOAD, .path = (char *)p, .size = size, .seed = seed};
}

static srv_file text(const char *p, const char *t)
{
  return (srv_file){.kind = SRV_FILE_TEXT, .path = (char *)p, .text = (char *)t};
}

static srv_file dir(const char *p, bool writable)
{
  return (srv_file){
      .kind = SRV_FILE_DIR, .path = (char *)p, .writable = writable};
}

typedef struct size_case {
  uint64_t size;
  uint32_t seed;
} size_case;

/* 0, below/at/above a 4 KiB block, above the 64 KiB write buffer. */
static const size_case sizes[] = {{0, 1},     {1, 2},      {4095, 3},
                                  {4096, 4},  {4097, 5},   {65536, 6},
                                  {65537, 7}, {1000003, 8}};

START_TEST(test_payload_sizes)
{
  srv_file f = payload("p.bin", sizes[_i].size, sizes[_i].seed);
  char err[256];
  ck_assert_msg(
      srv_home_seed(home, getuid(), getgid(), &f, 1, err, sizeof err) == 0,
      "%s", err);
  assert_payload(at("p.bin"), sizes[_i].seed, sizes[_i].size);
}
END_TEST

START_TEST(test_mixed_tree)
{
  srv_file files[] = {
      payload("deep/er/x.bin", 5000, 42),
      text("readme.txt", "hello\r\n"),
      dir("empty", true),
      dir("ro", false),
      text("ro/inside.txt", "kept"),
      text("blank.txt", NULL),
  };
  char err[256];
  ck_assert_msg(srv_home_seed(home, getuid(), getgid(), files,
                              sizeof files / sizeof files[0], err,
                              sizeof err) == 0,
                "%s", err);
  assert_payload(at("deep/er/x.bin"), 42, 5000);
  struct stat st;
  ck_assert_int_eq(stat(at("readme.txt"), &st), 0);
  ck_assert_int_eq(st.st_size, 7);
  ck_assert_int_eq(st.st_mode & 0777, 0644);
  ck_assert_int_eq(stat(at("blank.txt"), &st), 0);
  ck_assert_int_eq(st.st_size, 0);
  ck_assert_int_eq(stat(at("empty"), &st), 0);
  ck_assert(S_ISDIR(st.st_mode));
  ck_assert_int_eq(st.st_mode & 0777, 0755);
  ck_assert_int_eq(stat(at("deep/er"), &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0755);
  ck_assert_int_eq(stat(at("ro"), &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0555);
  ck_assert_int_eq(st.st_uid, getuid());
  ck_assert_int_eq(stat(at("ro/inside.txt"), &st), 0);
  ck_assert_int_eq(st.st_size, 4);
}
END_TEST

/* A second seed leaves only the second set, read-only dirs included, and
 * a symlink to a directory outside is removed without following it. */
START_TEST(test_reseed_empties_without_following_links)
{
  char err[256], keep[128];
  snprintf(keep, sizeof keep, "%s/keep.txt", outside);
  FILE *f = fopen(keep, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  srv_file first[] = {dir("ro", false), text("ro/a", "a"), text("b", "b")};
  ck_assert_int_eq(
      srv_home_seed(home, getuid(), getgid(), first, 3, err, sizeof err), 0);
  ck_assert_int_eq(symlink(outside, at("link")), 0);
  srv_file second[] = {text("c", "c")};
  ck_assert_msg(
      srv_home_seed(home, getuid(), getgid(), second, 1, err, sizeof err) == 0,
      "%s", err);
  struct stat st;
  ck_assert_int_eq(stat(keep, &st), 0);
  ck_assert_int_eq(lstat(at("link"), &st), -1);
  ck_assert_int_eq(lstat(at("ro"), &st), -1);
  ck_assert_int_eq(lstat(at("b"), &st), -1);
  ck_assert_int_eq(stat(at("c"), &st), 0);
}
END_TEST

START_TEST(test_bad_paths_fail_before_removal)
{
  static const char *const bad[] = {"../x", "/abs", "a/../b", "", "a//b"};
  char err[256];
  srv_file pre = text("stays.txt", "x");
  ck_assert_int_eq(
      srv_home_seed(home, getuid(), getgid(), &pre, 1, err, sizeof err), 0);
  srv_file f[2] = {text("fine.txt", "y"), text(bad[_i], "z")};
  f[1].where = (qc_where){.file = "cases/x.yaml", .line = 7, .col = 9};
  ck_assert_int_eq(
      srv_home_seed(home, getuid(), getgid(), f, 2, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "cases/x.yaml:7:9: ") == err, "%s", err);
  char quoted[64];
  snprintf(quoted, sizeof quoted, "\"%s\"", bad[_i]);
  ck_assert_msg(strstr(err, quoted) != NULL, "%s lacks %s", err, quoted);
  struct stat st;
  ck_assert_int_eq(stat(at("stays.txt"), &st), 0);
  ck_assert_int_eq(stat(at("fine.txt"), &st), -1);
}
END_TEST

START_TEST(test_duplicate_and_file_as_parent)
{
  char err[256];
  srv_file dup[] = {text("a", "1"), text("a", "2")};
  ck_assert_int_eq(
      srv_home_seed(home, getuid(), getgid(), dup, 2, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "a: listed twice") != NULL, "%s", err);
  srv_file under[] = {text("f", "1"), text("f/g", "2")};
  ck_assert_int_eq(
      srv_home_seed(home, getuid(), getgid(), under, 2, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "f/g: ") != NULL, "%s", err);
}
END_TEST

START_TEST(test_missing_home)
{
  char err[256];
  ck_assert_int_eq(srv_home_empty("/nonexistent/home", err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/home"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("srv_home");
  TCase *tc = tcase_create("seed");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, test_payload_sizes, 0,
                      sizeof sizes / sizeof sizes[0]);
  tcase_add_test(tc, test_mixed_tree);
  tcase_add_test(tc, test_reseed_empties_without_following_links);
  tcase_add_loop_test(tc, test_bad_paths_fail_before_removal, 0, 5);
  tcase_add_test(tc, test_duplicate_and_file_as_parent);
  tcase_add_test(tc, test_missing_home);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
