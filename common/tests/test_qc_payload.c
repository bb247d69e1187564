/* Unit tests: qc_payload — bytes fixed by (seed, index), whatever the
 * slicing of the fill. */
#include "qc_payload.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a of 20000 bytes from an offset: pinned before the word-wise fill,
 * so payloads stay what servers, steps and old reports agree on. */
static const struct {
  uint32_t seed;
  uint64_t offset;
  uint64_t fnv;
} golden[] = {
    {7, 0ULL, 0xfd366a58f5605597ULL},
    {7, 5ULL, 0x7787a7b94f0e4b70ULL},
    {7, 4090ULL, 0x7a16134c4257a12dULL},
    {7, 4131ULL, 0xfc94ea93b0e89f04ULL},
    {7, 123456789ULL, 0xec223330bae0d208ULL},
    {7, 8589934595ULL, 0x011c53becb1e579bULL},
    {130, 0ULL, 0xc4ca26320de7366dULL},
    {130, 5ULL, 0xaf4e818c16b7556cULL},
    {130, 4090ULL, 0x1d77523489d4cfcdULL},
    {130, 4131ULL, 0x53f436ea2a7a47c4ULL},
    {130, 123456789ULL, 0x34d1fc1236b83224ULL},
    {130, 8589934595ULL, 0xa7081cbde5e15d02ULL},
};

static uint64_t fnv(const uint8_t *b, size_t n)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ULL;
  }
  return h;
}

START_TEST(test_golden)
{
  static uint8_t b[20000];
  qc_payload_fill(golden[_i].seed, golden[_i].offset, b, sizeof b);
  ck_assert_msg(fnv(b, sizeof b) == golden[_i].fnv,
                "seed %u from %llu: payload changed", golden[_i].seed,
                (unsigned long long)golden[_i].offset);
}
END_TEST

/* Any slicing gives the same bytes as one fill: odd offsets and lengths
 * cross the words, the trap text and the 4 KiB blocks. */
START_TEST(test_slices_agree)
{
  enum { N = 3 * 4096 + 77 };
  static uint8_t whole[N], parts[N];
  qc_payload_fill(42, 1000, whole, N);
  size_t off = 0, step = 1;
  while (off < N) {
    size_t n = N - off < step ? N - off : step;
    qc_payload_fill(42, 1000 + off, parts + off, n);
    off += n;
    step = step * 3 % 61 + 1;
  }
  ck_assert(memcmp(whole, parts, N) == 0);
  /* Every 4 KiB block starts with the trap text. */
  qc_payload_fill(42, 4096, parts, 6);
  ck_assert(memcmp(parts, "\r\nOK\r\n", 6) == 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qc_payload");
  TCase *tc = tcase_create("payload");
  tcase_add_loop_test(tc, test_golden, 0, sizeof golden / sizeof golden[0]);
  tcase_add_test(tc, test_slices_agree);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
