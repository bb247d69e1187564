/* Unit tests: sim_outq - host output queued behind a full pty, in order,
 * never dropped below SIM_OUTQ_MAX. */
#include "sim_outq.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

START_TEST(test_queue_keeps_order)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  int small = 4096;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  sim_outq q;
  ck_assert_int_eq(sim_outq_init(&q, sv[0]), 0);
  enum { N = 1 << 20 };
  char *in = malloc(N), *out = malloc(N);
  ck_assert(in && out);
  for (size_t i = 0; i < N; i++)
    in[i] = (char)(i * 7 + (i >> 10));
  /* In pieces, as lines and data chunks come. */
  for (size_t off = 0; off < N; off += 1000)
    sim_outq_write(&q, in + off, off + 1000 <= N ? 1000 : N - off);
  ck_assert_uint_gt(sim_outq_pending(&q), 0); /* the peer reads nothing yet */
  size_t got = 0;
  while (got < N) {
    ssize_t r = read(sv[1], out + got, N - got);
    ck_assert_int_gt(r, 0);
    got += (size_t)r;
    sim_outq_flush(&q);
  }
  ck_assert_uint_eq(sim_outq_pending(&q), 0);
  ck_assert(memcmp(in, out, N) == 0);
  sim_outq_free(&q);
  close(sv[0]);
  close(sv[1]);
  free(in);
  free(out);
}
END_TEST

/* Past SIM_OUTQ_MAX a write is dropped whole; what was queued stays. */
START_TEST(test_queue_bounded)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  sim_outq q;
  ck_assert_int_eq(sim_outq_init(&q, sv[0]), 0);
  size_t chunk = 1 << 20;
  char *b = calloc(1, chunk);
  ck_assert_ptr_nonnull(b);
  for (int i = 0; i < 20; i++)
    sim_outq_write(&q, b, chunk);
  size_t held = sim_outq_pending(&q);
  ck_assert_uint_le(held, SIM_OUTQ_MAX);
  ck_assert_uint_gt(held, SIM_OUTQ_MAX - chunk - (1 << 20));
  sim_outq_write(&q, b, chunk);
  ck_assert_uint_eq(sim_outq_pending(&q), held);
  sim_outq_free(&q);
  close(sv[0]);
  close(sv[1]);
  free(b);
}
END_TEST

/* A partial write advances the front of the queue; the queued bytes stay
 * where they are (the queue used to move all of them on every write). */
START_TEST(test_partial_write_moves_nothing)
{
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  int small = 4096;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  sim_outq q;
  ck_assert_int_eq(sim_outq_init(&q, sv[0]), 0);
  static char b[256 * 1024];
  memset(b, 'x', sizeof b);
  sim_outq_write(&q, b, sizeof b);
  size_t held = sim_outq_pending(&q);
  ck_assert_uint_gt(held, 0);
  ck_assert_uint_lt(held, sizeof b);
  const char *tail = qc_buf_data(&q.buf) + held; /* end of the queued bytes */
  char sink[8192];
  ck_assert_int_gt(read(sv[1], sink, sizeof sink), 0);
  size_t left = sim_outq_flush(&q);
  ck_assert_uint_lt(left, held);
  ck_assert_ptr_eq(qc_buf_data(&q.buf) + left, tail);
  sim_outq_free(&q);
  close(sv[0]);
  close(sv[1]);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_outq");
  TCase *tc = tcase_create("outq");
  tcase_add_test(tc, test_queue_keeps_order);
  tcase_add_test(tc, test_queue_bounded);
  tcase_add_test(tc, test_partial_write_moves_nothing);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
