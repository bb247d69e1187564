/* px_ports: --data-ports parsing, and listeners on real loopback sockets:
 * the cursor rotating through the range, a port in use skipped, a range
 * wholly in use failing with EADDRINUSE. */
#include "px_addr.h"
#include "px_net.h"
#include "px_ports.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  const char *in;
  bool ok;
  unsigned lo, hi;
} parse_case;

static const parse_case parse_cases[] = {
    {"40000-40031", true, 40000, 40031},
    {"1-65535", true, 1, 65535},
    {"5000-5000", true, 5000, 5000}, /* one port */
    {"0-10", false, 0, 0},           /* port 0 is "any", not a port */
    {"10-0", false, 0, 0},
    {"20-10", false, 0, 0}, /* LO > HI */
    {"1-65536", false, 0, 0},
    {"65536-65537", false, 0, 0},
    {"99999999999999999999-1", false, 0, 0}, /* no wrap-around */
    {"5000", false, 0, 0},
    {"5000-", false, 0, 0},
    {"-5000", false, 0, 0},
    {"", false, 0, 0},
    {"a-b", false, 0, 0},
    {"+1-2", false, 0, 0},
    {" 1-2", false, 0, 0},
    {"1-2 ", false, 0, 0},
    {"1--2", false, 0, 0},
    {"1-2-3", false, 0, 0},
    {"1:2", false, 0, 0},
};

START_TEST(test_parse_table)
{
  const parse_case *c = &parse_cases[_i];
  px_ports p = {.lo = 7, .hi = 7, .next = 7};
  bool ok = px_ports_parse(c->in, &p);
  ck_assert_msg(ok == c->ok, "\"%s\": %s", c->in, ok ? "accepted" : "refused");
  if (ok) {
    ck_assert_uint_eq(p.lo, c->lo);
    ck_assert_uint_eq(p.hi, c->hi);
    ck_assert_uint_eq(p.next, c->lo);
    ck_assert(px_ports_ranged(&p));
  } else {
    ck_assert_uint_eq(p.lo, 7); /* untouched */
  }
}
END_TEST

START_TEST(test_parse_null_and_none)
{
  px_ports p;
  ck_assert(!px_ports_parse(NULL, &p));
  px_ports_none(&p);
  ck_assert(!px_ports_ranged(&p));
  ck_assert(!px_ports_ranged(NULL));
  char s[32];
  px_ports_str(&p, s, sizeof s);
  ck_assert_str_eq(s, "0 (any)");
  ck_assert(px_ports_parse("100-200", &p));
  px_ports_str(&p, s, sizeof s);
  ck_assert_str_eq(s, "100-200");
}
END_TEST

/* ---- listeners on 127.0.0.1 ---- */
static struct sockaddr_storage loopback(unsigned port)
{
  struct sockaddr_storage a;
  memset(&a, 0, sizeof a);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&a;
  v4->sin_family = AF_INET;
  v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  v4->sin_port = htons((uint16_t)port);
  return a;
}

static unsigned port_of(int fd)
{
  struct sockaddr_storage a;
  ck_assert_int_eq(px_net_local(fd, &a), 0);
  return px_addr_port(&a);
}

/* A listener of this test holding `port`, as another program would. */
static int hold(unsigned port)
{
  struct sockaddr_storage a = loopback(port);
  return px_net_listen(&a, 1);
}

/* n consecutive ports that are free now: the kernel names a free port,
 * the block from there is taken for a moment to prove it free. */
static unsigned free_block(unsigned n)
{
  for (int tries = 0; tries < 100; tries++) {
    int z = hold(0);
    ck_assert_int_ge(z, 0);
    unsigned lo = port_of(z);
    close(z);
    if (lo + n - 1 > 65535)
      continue;
    int fds[8];
    ck_assert_uint_le(n, 8);
    unsigned got = 0;
    while (got < n && (fds[got] = hold(lo + got)) >= 0)
      got++;
    for (unsigned i = 0; i < got; i++)
      close(fds[i]);
    if (got == n)
      return lo;
  }
  ck_abort_msg("no %u free consecutive ports on 127.0.0.1", n);
  return 0;
}

static px_ports range(unsigned lo, unsigned hi)
{
  char s[32];
  px_ports p;
  snprintf(s, sizeof s, "%u-%u", lo, hi);
  ck_assert(px_ports_parse(s, &p));
  return p;
}

START_TEST(test_listen_without_range)
{
  px_ports p;
  px_ports_none(&p);
  struct sockaddr_storage a = loopback(0);
  int fd = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(fd, 0);
  ck_assert_uint_gt(port_of(fd), 0);
  close(fd);
}
END_TEST

START_TEST(test_cursor_rotates)
{
  unsigned lo = free_block(3);
  px_ports p = range(lo, lo + 2);
  struct sockaddr_storage a = loopback(0);
  /* Each port once in turn, the listener before still open or not. */
  int f1 = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(f1, 0);
  ck_assert_uint_eq(port_of(f1), lo);
  close(f1);
  int f2 = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(f2, 0);
  ck_assert_uint_eq(port_of(f2), lo + 1); /* not lo again, though free */
  int f3 = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(f3, 0);
  ck_assert_uint_eq(port_of(f3), lo + 2);
  close(f2);
  close(f3);
  /* Past HI the cursor wraps to LO. */
  int f4 = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(f4, 0);
  ck_assert_uint_eq(port_of(f4), lo);
  ck_assert_uint_eq(p.next, lo + 1);
  close(f4);
}
END_TEST

START_TEST(test_busy_port_skipped)
{
  unsigned lo = free_block(3);
  px_ports p = range(lo, lo + 2);
  int busy = hold(lo);
  ck_assert_int_ge(busy, 0);
  struct sockaddr_storage a = loopback(0);
  int fd = px_ports_listen(&p, &a, 1); /* lo in use: lo+1 */
  ck_assert_int_ge(fd, 0);
  ck_assert_uint_eq(port_of(fd), lo + 1);
  ck_assert_uint_eq(p.next, lo + 2);
  int fd2 = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(fd2, 0);
  ck_assert_uint_eq(port_of(fd2), lo + 2);
  close(fd2);
  /* Across the wrap: lo (another's) and lo+1 (our open listener) are in
   * use, so lo+2 again. */
  int fd3 = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(fd3, 0);
  ck_assert_uint_eq(port_of(fd3), lo + 2);
  close(fd3);
  close(fd);
  close(busy);
}
END_TEST

START_TEST(test_range_exhausted)
{
  unsigned lo = free_block(2);
  px_ports p = range(lo, lo + 1);
  int b1 = hold(lo), b2 = hold(lo + 1);
  ck_assert_int_ge(b1, 0);
  ck_assert_int_ge(b2, 0);
  struct sockaddr_storage a = loopback(0);
  errno = 0;
  ck_assert_int_eq(px_ports_listen(&p, &a, 1), -1);
  ck_assert_int_eq(errno, EADDRINUSE);
  ck_assert_uint_ge(p.next, lo); /* the cursor stays in the range */
  ck_assert_uint_le(p.next, lo + 1);
  /* Once a port is free again it is found. */
  close(b2);
  int fd = px_ports_listen(&p, &a, 1);
  ck_assert_int_ge(fd, 0);
  ck_assert_uint_eq(port_of(fd), lo + 1);
  close(fd);
  close(b1);
}
END_TEST

START_TEST(test_other_error_not_skipped)
{
  /* An address not of this host fails the same on every port: reported
   * as it is (EADDRNOTAVAIL), not as a busy range. */
  unsigned lo = free_block(2);
  px_ports p = range(lo, lo + 1);
  struct sockaddr_storage a = loopback(0);
  /* 192.0.2.1, TEST-NET-1 (RFC 5737) */
  ((struct sockaddr_in *)&a)->sin_addr.s_addr = htonl(0xC0000201);
  errno = 0;
  ck_assert_int_eq(px_ports_listen(&p, &a, 1), -1);
  ck_assert_int_eq(errno, EADDRNOTAVAIL);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("proxy_ports");
  TCase *tc = tcase_create("ports");
  tcase_add_loop_test(tc, test_parse_table, 0,
                      (int)(sizeof parse_cases / sizeof parse_cases[0]));
  tcase_add_test(tc, test_parse_null_and_none);
  tcase_add_test(tc, test_listen_without_range);
  tcase_add_test(tc, test_cursor_rotates);
  tcase_add_test(tc, test_busy_port_skipped);
  tcase_add_test(tc, test_range_exhausted);
  tcase_add_test(tc, test_other_error_not_skipped);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
