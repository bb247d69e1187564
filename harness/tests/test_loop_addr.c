/* Unit tests of loop_addr: claims are exclusive, freed on release, and a
 * taken address is walked past. */
#include "loop_addr.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A port of our own, so a real run on this machine does not meddle; the
 * pid spreads concurrent test processes over the addresses. */
enum { PORT = QH_LOOP_CLAIM_PORT + 1 };

static unsigned start(void)
{
  return (unsigned)getpid() * 7u;
}

/* Binds addr:PORT as another run would; the fd, or -1. */
static int hold(const char *addr)
{
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(PORT);
  inet_pton(AF_INET, addr, &sa.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

START_TEST(test_two_claims_differ)
{
  qh_loop_addr a, b;
  char err[256];
  ck_assert_int_eq(qh_loop_claim(start(), 64, PORT, &a, err, sizeof err), 0);
  ck_assert_int_eq(qh_loop_claim(start(), 64, PORT, &b, err, sizeof err), 0);
  ck_assert_str_ne(a.addr, b.addr);
  ck_assert_int_eq(strncmp(a.addr, "127.77.", 7), 0);
  /* Not inherited by the run's children. */
  ck_assert(fcntl(a.fd, F_GETFD) & FD_CLOEXEC);
  /* Held: nobody else binds it. */
  ck_assert_int_eq(hold(a.addr), -1);
  qh_loop_release(&a);
  qh_loop_release(&b);
  ck_assert_int_eq(a.fd, -1);
  qh_loop_release(&a); /* twice is harmless */
}
END_TEST

START_TEST(test_release_frees)
{
  qh_loop_addr a, b;
  char err[256];
  ck_assert_int_eq(qh_loop_claim(start(), 64, PORT, &a, err, sizeof err), 0);
  char was[16];
  strcpy(was, a.addr);
  qh_loop_release(&a);
  int fd = hold(was);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(qh_loop_claim(start(), 64, PORT, &b, err, sizeof err), 0);
  ck_assert_str_eq(b.addr, was);
  qh_loop_release(&b);
}
END_TEST

START_TEST(test_taken_is_skipped)
{
  char first[16], second[16];
  qh_loop_candidate(start(), first, sizeof first);
  qh_loop_candidate(start() + 1, second, sizeof second);
  int fd = hold(first);
  ck_assert_int_ge(fd, 0);
  qh_loop_addr a;
  char err[256] = "";
  ck_assert_int_eq(qh_loop_claim(start(), 64, PORT, &a, err, sizeof err), 0);
  ck_assert_str_eq(a.addr, second);
  qh_loop_release(&a);
  /* The walk is bounded: with its only candidate taken, a clear error. */
  ck_assert_int_eq(qh_loop_claim(start(), 1, PORT, &a, err, sizeof err), -1);
  ck_assert_int_eq(a.fd, -1);
  ck_assert_msg(strstr(err, "no free loopback address") && strstr(err, first),
                "%s", err);
  close(fd);
}
END_TEST

START_TEST(test_candidates)
{
  char a[16];
  qh_loop_candidate(0, a, sizeof a);
  ck_assert_str_eq(a, "127.77.0.1");
  qh_loop_candidate(253, a, sizeof a);
  ck_assert_str_eq(a, "127.77.0.254");
  qh_loop_candidate(254, a, sizeof a);
  ck_assert_str_eq(a, "127.77.1.1");
  qh_loop_candidate(QH_LOOP_ADDRS - 1, a, sizeof a);
  ck_assert_str_eq(a, "127.77.255.254");
  qh_loop_candidate(QH_LOOP_ADDRS, a, sizeof a); /* wraps */
  ck_assert_str_eq(a, "127.77.0.1");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("loop_addr");
  TCase *tc = tcase_create("claim");
  tcase_add_test(tc, test_two_claims_differ);
  tcase_add_test(tc, test_release_frees);
  tcase_add_test(tc, test_taken_is_skipped);
  tcase_add_test(tc, test_candidates);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
