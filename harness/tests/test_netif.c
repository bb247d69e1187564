/* Unit tests: netif (local addresses, the interface holding one). */
#include "netif.h"

#include "qc_test_util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_loopback)
{
  char name[32] = "";
  ck_assert(qh_netif_local_ipv4("127.0.0.1"));
  ck_assert(qh_netif_local_ipv4("127.77.1.2")); /* all of 127/8 */
  ck_assert_int_eq(qh_netif_for_addr("127.77.1.2", name, sizeof name), 0);
  ck_assert_str_eq(name, "lo");
  ck_assert(qh_netif_exists("lo"));
}
END_TEST

START_TEST(test_not_ours)
{
  char name[32] = "unchanged";
  /* TEST-NET-1 (RFC 5737): never configured on a machine. */
  ck_assert(!qh_netif_local_ipv4("192.0.2.1"));
  ck_assert_int_eq(qh_netif_for_addr("192.0.2.1", name, sizeof name), -1);
  ck_assert_str_eq(name, "unchanged");
  ck_assert(!qh_netif_local_ipv4("0.0.0.0")); /* bindable, not an address */
  ck_assert(!qh_netif_local_ipv4("255.255.255.255"));
  ck_assert(!qh_netif_local_ipv4("not-an-address"));
  ck_assert(!qh_netif_local_ipv4("1.2.3"));
  ck_assert_int_eq(qh_netif_for_addr("host.example", name, sizeof name), -1);
  ck_assert(!qh_netif_exists("nosuch0"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("netif");
  TCase *tc = tcase_create("netif");
  tcase_add_test(tc, test_loopback);
  tcase_add_test(tc, test_not_ours);
  suite_add_tcase(s, tc);
  return qc_test_run(s);
}
