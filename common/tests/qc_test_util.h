/* qc_test_util: helpers shared by the Check tests of common/tests
 * and harness/tests (include it by its relative path): a scratch file in a
 * directory of its own under TMPDIR, writing and reading whole files,
 * running one suite. Header-only; every failure fails the calling test. */
#ifndef QC_TEST_UTIL_H
#define QC_TEST_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh directory "$TMPDIR/<name>.XXXXXX" (or under /tmp) and the path
 * of one file in it, for a test that writes its input there. */
typedef struct qc_test_scratch {
  char dir[256];
  char path[512];
} qc_test_scratch;

static inline void qc_test_scratch_make(qc_test_scratch *s, const char *name,
                                        const char *file)
{
  const char *base = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/%s.XXXXXX", base && *base ? base : "/tmp",
           name);
  ck_assert_ptr_nonnull(mkdtemp(s->dir));
  snprintf(s->path, sizeof s->path, "%s/%s", s->dir, file);
}

/* Removes the file (if written) and the directory. */
static inline void qc_test_scratch_remove(const qc_test_scratch *s)
{
  unlink(s->path);
  rmdir(s->dir);
}

/* Writes len bytes of text to path, replacing what was there. */
static inline void qc_test_write(const char *path, const char *text, size_t len)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

/* Reads path into buf[cap], NUL-terminated; returns its length. The file
 * must exist, be non-empty and fit (cap - 1 bytes at most). */
static inline size_t qc_test_read(const char *path, char *buf, size_t cap)
{
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  size_t n = fread(buf, 1, cap - 1, f);
  int more = fgetc(f) != EOF;
  fclose(f);
  ck_assert_msg(n > 0 && !more, "%s: empty or larger than %zu bytes", path,
                cap - 1);
  buf[n] = '\0';
  return n;
}

/* Runs one suite; returns main's exit status. */
static inline int qc_test_run(Suite *s)
{
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
