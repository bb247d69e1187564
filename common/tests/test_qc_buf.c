/* Unit tests: qc_buf — the bounded byte buffer read from the front. */
#include "qc_buf.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_max_enforced)
{
  qc_buf b;
  qc_buf_init(&b, 8);
  ck_assert_int_eq(qc_buf_add(&b, "12345", 5), 0);
  ck_assert_uint_eq(qc_buf_room(&b), 3);
  /* All or nothing: 4 more would cross 8, so none is kept. */
  errno = 0;
  ck_assert_int_eq(qc_buf_add(&b, "6789", 4), -1);
  ck_assert_int_eq(errno, E2BIG);
  ck_assert(qc_buf_failed(&b));
  ck_assert_uint_eq(qc_buf_len(&b), 5);
  ck_assert_str_eq(qc_buf_data(&b), "12345");
  /* Exactly up to max is fine; the flag stays set for a check at the end. */
  ck_assert_int_eq(qc_buf_add(&b, "678", 3), 0);
  ck_assert_str_eq(qc_buf_data(&b), "12345678");
  ck_assert_uint_eq(qc_buf_room(&b), 0);
  ck_assert(qc_buf_failed(&b));
  ck_assert_int_eq(qc_buf_addc(&b, 'x'), -1);
  qc_buf_reset(&b);
  ck_assert(!qc_buf_failed(&b));
  ck_assert_uint_eq(qc_buf_len(&b), 0);
  ck_assert_str_eq(qc_buf_data(&b), "");
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_overflow)
{
  qc_buf b;
  qc_buf_init(&b, SIZE_MAX);
  ck_assert_int_eq(qc_buf_adds(&b, "ab"), 0);
  /* A length that would wrap size_t arithmetic is refused, not cut. */
  ck_assert_int_eq(qc_buf_add(&b, "x", SIZE_MAX), -1);
  ck_assert_int_eq(qc_buf_add(&b, "x", SIZE_MAX - 1), -1);
  ck_assert_ptr_null(qc_buf_space(&b, SIZE_MAX - 2));
  ck_assert_str_eq(qc_buf_data(&b), "ab");
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_consume_by_offset)
{
  qc_buf b;
  qc_buf_init(&b, 1024);
  qc_buf_adds(&b, "hello world");
  const char *before = qc_buf_data(&b);
  qc_buf_consume(&b, 6);
  /* Nothing moved: the data now starts 6 bytes further in. */
  ck_assert_ptr_eq(qc_buf_data(&b), before + 6);
  ck_assert_str_eq(qc_buf_data(&b), "world");
  ck_assert_uint_eq(qc_buf_len(&b), 5);
  /* Consuming more than there is empties the buffer. */
  qc_buf_consume(&b, 99);
  ck_assert_uint_eq(qc_buf_len(&b), 0);
  ck_assert_str_eq(qc_buf_data(&b), "");
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_compaction_keeps_data)
{
  /* A queue at its maximum, fed and drained in uneven steps: every byte
   * comes out once and in order, and the storage never grows past max. */
  enum { MAX = 1000 };
  qc_buf b;
  qc_buf_init(&b, MAX);
  unsigned char in = 0, out = 0;
  for (int round = 0; round < 5000; round++) {
    size_t add = (size_t)(round * 7 % 97) + 1;
    if (add > qc_buf_room(&b))
      add = qc_buf_room(&b);
    char *sp = qc_buf_space(&b, add);
    ck_assert_ptr_nonnull(sp);
    for (size_t i = 0; i < add; i++)
      sp[i] = (char)in++;
    qc_buf_commit(&b, add);
    size_t take = (size_t)(round * 13 % 89);
    if (take > qc_buf_len(&b))
      take = qc_buf_len(&b);
    const unsigned char *d = (const unsigned char *)qc_buf_data(&b);
    for (size_t i = 0; i < take; i++)
      ck_assert_uint_eq(d[i], out++);
    qc_buf_consume(&b, take);
    ck_assert_uint_le(b.cap, MAX + 1);
    ck_assert_uint_eq(qc_buf_data(&b)[qc_buf_len(&b)], '\0');
  }
  ck_assert(!qc_buf_failed(&b));
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_compaction_is_cheap)
{
  /* A partial consume followed by an append that fits moves nothing: the
   * old queue moved all its bytes on every partial write. */
  qc_buf b;
  qc_buf_init(&b, 1 << 20);
  char chunk[100];
  memset(chunk, 'a', sizeof chunk);
  for (int i = 0; i < 10; i++)
    qc_buf_add(&b, chunk, sizeof chunk);
  for (int i = 0; i < 20; i++) {
    qc_buf_consume(&b, 1);
    const char *at = qc_buf_data(&b);
    ck_assert_int_eq(qc_buf_addc(&b, 'b'), 0);
    ck_assert_ptr_eq(qc_buf_data(&b), at);
  }
  ck_assert_uint_eq(qc_buf_len(&b), 1000);
  ck_assert_uint_eq(b.off, 20);
  qc_buf_free(&b);
  /* At its maximum the queue compacts instead of growing. */
  qc_buf_init(&b, 10);
  qc_buf_adds(&b, "0123456789");
  qc_buf_consume(&b, 7);
  ck_assert_int_eq(qc_buf_adds(&b, "abcdefg"), 0);
  ck_assert_str_eq(qc_buf_data(&b), "789abcdefg");
  ck_assert_uint_eq(b.off, 0);
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_printf)
{
  qc_buf b;
  qc_buf_init(&b, 16);
  ck_assert_int_eq(qc_buf_addf(&b, "%d-%s", 42, "ab"), 0);
  ck_assert_str_eq(qc_buf_data(&b), "42-ab");
  /* 5 + 12 > 16: refused whole. */
  ck_assert_int_eq(qc_buf_addf(&b, "%012d", 7), -1);
  ck_assert_str_eq(qc_buf_data(&b), "42-ab");
  ck_assert_int_eq(qc_buf_addf(&b, "%s", ""), 0);
  ck_assert_uint_eq(qc_buf_len(&b), 5);
  char *s = qc_buf_take(&b);
  ck_assert_str_eq(s, "42-ab");
  free(s);
  ck_assert_uint_eq(qc_buf_len(&b), 0);
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_zero_length)
{
  qc_buf b;
  qc_buf_init(&b, 0);
  ck_assert_str_eq(qc_buf_data(&b), "");
  ck_assert_int_eq(qc_buf_add(&b, NULL, 0), 0);
  ck_assert_int_eq(qc_buf_adds(&b, ""), 0);
  ck_assert_int_eq(qc_buf_addc(&b, 'x'), -1);
  ck_assert_uint_eq(qc_buf_len(&b), 0);
  qc_buf_consume(&b, 0);
  qc_buf_consume(&b, 5);
  qc_buf_commit(&b, 0);
  char *s = qc_buf_take(&b);
  ck_assert_str_eq(s, "");
  free(s);
  qc_buf_free(&b);
  /* take from a never-used buffer, and after consuming everything */
  qc_buf_init(&b, 10);
  s = qc_buf_take(&b);
  ck_assert_str_eq(s, "");
  free(s);
  qc_buf_adds(&b, "abc");
  qc_buf_consume(&b, 1);
  s = qc_buf_take(&b);
  ck_assert_str_eq(s, "bc");
  free(s);
  qc_buf_free(&b);
}
END_TEST

START_TEST(test_binary_data)
{
  qc_buf b;
  qc_buf_init(&b, 64);
  ck_assert_int_eq(qc_buf_add(&b, "a\0b", 3), 0);
  ck_assert_uint_eq(qc_buf_len(&b), 3);
  ck_assert_int_eq(memcmp(qc_buf_data(&b), "a\0b", 4), 0);
  qc_buf_free(&b);
}
END_TEST

/* A refused append before any storage existed: take still leaves the
 * buffer as after init, failed flag cleared (found by fuzz_qc_buf). */
START_TEST(test_take_unused_clears_failed)
{
  qc_buf b;
  qc_buf_init(&b, 1);
  ck_assert_int_eq(qc_buf_add(&b, "xy", 2), -1);
  ck_assert(qc_buf_failed(&b));
  char *s = qc_buf_take(&b);
  ck_assert_str_eq(s, "");
  free(s);
  ck_assert(!qc_buf_failed(&b));
  ck_assert_uint_eq(qc_buf_room(&b), 1);
  qc_buf_free(&b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qc_buf");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_max_enforced);
  tcase_add_test(tc, test_overflow);
  tcase_add_test(tc, test_consume_by_offset);
  tcase_add_test(tc, test_compaction_keeps_data);
  tcase_add_test(tc, test_compaction_is_cheap);
  tcase_add_test(tc, test_printf);
  tcase_add_test(tc, test_zero_length);
  tcase_add_test(tc, test_binary_data);
  tcase_add_test(tc, test_take_unused_clears_failed);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
