/* The quirk table: every row named, described, with its own bit; lookup
 * finds each and rejects unknown names; the TLS cipher-list parser. */
#include "sim_quirk.h"
#include "sim_tls.h"

#include <check.h>
#include <string.h>

START_TEST(test_every_quirk_listed)
{
  ck_assert_uint_ge(sim_quirk_count(), 15);
  unsigned seen = 0;
  for (size_t i = 0; i < sim_quirk_count(); i++) {
    const sim_quirk_entry *q = sim_quirk_at(i);
    ck_assert_ptr_nonnull(q);
    ck_assert_uint_gt(strlen(q->name), 0);
    ck_assert_uint_gt(strlen(q->what), 10);
    ck_assert_msg((seen & q->bit) == 0, "bit of %s reused", q->name);
    ck_assert_msg(q->bit && (q->bit & (q->bit - 1)) == 0, "%s: one bit",
                  q->name);
    seen |= q->bit;
    ck_assert_uint_eq(sim_quirk_lookup(q->name), q->bit);
  }
  ck_assert_ptr_null(sim_quirk_at(sim_quirk_count()));
}
END_TEST

/* {name, known} */
static const struct {
  const char *name;
  bool known;
} names[] = {
    {"stat-before-ok", true},   {"prot-c", true},
    {"late-urc", true},         {"no-echo", true},
    {"pwd-quoted", true},       {"pwd-unquoted", true},
    {"wrong-type", true},       {"fin-not-rst", true},
    {"PROT-C", false},          {"prot-", false},
    {"", false},                {"no-such-quirk", false},
};

START_TEST(test_lookup_table)
{
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    ck_assert_msg((sim_quirk_lookup(names[i].name) != 0) == names[i].known,
                  "%s", names[i].name);
}
END_TEST

/* {input, expected count (-1 malformed, 0 all), first id} */
static const struct {
  const char *in;
  int n;
  unsigned first;
} ciphers[] = {
    {"0xFFFF", 0, 0},          {"0XFFFF", 0, 0},
    {"0x0035", 1, 0x35},       {"0X0035;0XC02F", 2, 0x35},
    {"0x1301:0x0035", 2, 0x1301}, {"0x35,0x2F", 2, 0x35},
    {"0035", -1, 0},           {"0x", -1, 0},
    {"0x0035;", -1, 0},        {"0x12345", -1, 0},
    {"0x0035 0x002F", -1, 0},  {"", -1, 0},
};

START_TEST(test_cipher_parse)
{
  for (size_t i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++) {
    unsigned ids[8] = {0};
    int n = sim_tls_parse_ciphers(ciphers[i].in, ids, 8);
    ck_assert_msg(n == ciphers[i].n, "%s: %d", ciphers[i].in, n);
    if (n > 0)
      ck_assert_uint_eq(ids[0], ciphers[i].first);
  }
}
END_TEST

START_TEST(test_ctx_from_settings)
{
  sim_sslcfg c;
  char err[128];
  sim_sslcfg_defaults(&c);
  SSL_CTX *x = sim_tls_ctx_new(&c, err, sizeof err);
  ck_assert_ptr_nonnull(x);
  ck_assert_int_eq(SSL_CTX_get_verify_mode(x), SSL_VERIFY_NONE);
  SSL_CTX_free(x);
  c.sslversion = 3;
  c.seclevel = 1;
  memcpy(c.ciphers, "0xC02F", 7);
  x = sim_tls_ctx_new(&c, err, sizeof err);
  ck_assert_ptr_nonnull(x);
  ck_assert_int_eq(SSL_CTX_get_max_proto_version(x), TLS1_2_VERSION);
  ck_assert_int_eq(SSL_CTX_get_verify_mode(x), SSL_VERIFY_PEER);
  SSL_CTX_free(x);
  memcpy(c.ciphers, "0xBEEF", 7); /* no such suite */
  ck_assert_ptr_null(sim_tls_ctx_new(&c, err, sizeof err));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim_quirk");
  TCase *tc = tcase_create("table");
  tcase_add_test(tc, test_every_quirk_listed);
  tcase_add_test(tc, test_lookup_table);
  tcase_add_test(tc, test_cipher_parse);
  tcase_add_test(tc, test_ctx_from_settings);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
