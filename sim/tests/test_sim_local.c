/* Pure helpers of transfers: the UFS:/SD: jail, the 227 parser, PORT's
 * argument and the +QFUPL checksum. */
#include "sim_addr.h"
#include "sim_fs.h"
#include "sim_jail.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  int all;
  sim_local_kind kind;
  const char *rel;
} jail[] = {
    {"COM:", 0, SIM_LOCAL_COM, NULL},
    {"UFS:a.txt", 0, SIM_LOCAL_FILE, "UFS/a.txt"},
    {"SD:dir/b", 0, SIM_LOCAL_FILE, "SD/dir/b"},
    {"UFS:../x", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:a/../../x", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:..", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:/etc/passwd", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:a//b", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:./a", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:a\\..\\b", 0, SIM_LOCAL_BAD, NULL},
    {"ufs:a", 0, SIM_LOCAL_BAD, NULL},
    {"/tmp/x", 0, SIM_LOCAL_BAD, NULL},
    {"COM: ", 0, SIM_LOCAL_BAD, NULL},
    {"UFS:*", 0, SIM_LOCAL_FILE, "UFS/*"},
    {"UFS:*", 1, SIM_LOCAL_ALL, "UFS"},
    {"SD:*", 1, SIM_LOCAL_ALL, "SD"},
    {"UFS:..a", 0, SIM_LOCAL_FILE, "UFS/..a"},
};

START_TEST(test_jail)
{
  char rel[300] = "";
  sim_local_kind k = sim_jail_local(jail[_i].name, jail[_i].all, rel,
                                    sizeof rel);
  ck_assert_msg(k == jail[_i].kind, "%s: kind %d", jail[_i].name, (int)k);
  if (jail[_i].rel)
    ck_assert_str_eq(rel, jail[_i].rel);
}
END_TEST

START_TEST(test_jail_length)
{
  char name[300] = "UFS:";
  memset(name + 4, 'a', 252);
  name[256] = '\0'; /* 256 bytes: over 255 */
  char rel[400];
  ck_assert_int_eq(sim_jail_local(name, 0, rel, sizeof rel), SIM_LOCAL_BAD);
  name[255] = '\0';
  ck_assert_int_eq(sim_jail_local(name, 0, rel, sizeof rel), SIM_LOCAL_FILE);
}
END_TEST

static const struct {
  const char *text;
  int ok;
  const char *ip;
  int port;
} p227[] = {
    {"Entering Passive Mode (127,0,0,1,200,10).", 1, "127.0.0.1", 51210},
    {"Entering Passive Mode 10,1,2,3,0,21", 1, "10.1.2.3", 21},
    {"=192,168,1,2,255,255", 1, "192.168.1.2", 65535},
    {"Entering Passive Mode (256,0,0,1,1,1)", 0, NULL, 0},
    {"Entering Passive Mode (1,2,3,4,5)", 0, NULL, 0},
    {"no numbers", 0, NULL, 0},
    {"(1,2,3,4,5,0007)", 0, NULL, 0},
};

START_TEST(test_227)
{
  struct sockaddr_in a;
  int rc = sim_addr_parse_227(p227[_i].text, &a);
  ck_assert_int_eq(rc == 0, p227[_i].ok);
  if (!p227[_i].ok)
    return;
  char ip[32];
  inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
  ck_assert_str_eq(ip, p227[_i].ip);
  ck_assert_int_eq(ntohs(a.sin_port), p227[_i].port);
}
END_TEST

START_TEST(test_port_arg)
{
  struct sockaddr_in a = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  a.sin_port = htons(51210);
  char buf[64];
  ck_assert_int_eq(sim_addr_port_arg(&a, buf, sizeof buf), 0);
  ck_assert_str_eq(buf, "127,0,0,1,200,10");
  ck_assert_int_eq(sim_addr_port_arg(&a, buf, 5), -1);
}
END_TEST

static const struct {
  const char *data;
  size_t n;
  unsigned sum;
} ck[] = {
    {"", 0, 0x0000},
    {"A", 1, 0x4100},           /* odd: high byte, low 0 */
    {"AB", 2, 0x4142},
    {"ABCD", 4, 0x4142 ^ 0x4344},
    {"ABC", 3, 0x4142 ^ 0x4300},
    {"\xff\xff\xff\xff", 4, 0x0000},
};

START_TEST(test_cksum)
{
  sim_fs_cksum k;
  sim_fs_cksum_init(&k);
  sim_fs_cksum_feed(&k, ck[_i].data, ck[_i].n);
  ck_assert_uint_eq(sim_fs_cksum_value(&k), ck[_i].sum);
  /* any split gives the same value */
  sim_fs_cksum_init(&k);
  for (size_t i = 0; i < ck[_i].n; i++)
    sim_fs_cksum_feed(&k, ck[_i].data + i, 1);
  ck_assert_uint_eq(sim_fs_cksum_value(&k), ck[_i].sum);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_local");
  TCase *tc = tcase_create("local");
  tcase_add_loop_test(tc, test_jail, 0, sizeof jail / sizeof jail[0]);
  tcase_add_test(tc, test_jail_length);
  tcase_add_loop_test(tc, test_227, 0, sizeof p227 / sizeof p227[0]);
  tcase_add_test(tc, test_port_arg);
  tcase_add_loop_test(tc, test_cksum, 0, sizeof ck / sizeof ck[0]);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
