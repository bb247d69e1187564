/* Unit tests: parsing the module's identity answers (real forms of
 * Quectel firmwares) and masking the IMEI. */
#include "module_id.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof a / sizeof a[0])

/* ATI as modules print it: EC25 (an EC25-E log), EG25-G, EG800K, EC200U,
 * and an older GSM module whose first line is "Quectel_Ltd". */
static const struct {
  const char *lines[4];
  size_t n;
  const char *man, *model, *rev;
} atis[] = {
    {{"Quectel", "EC25", "Revision: EC25EFAR06A06M4G"}, 3, "Quectel", "EC25",
     "EC25EFAR06A06M4G"},
    {{"Quectel", "EG25", "Revision: EG25GGBR07A08M2G"}, 3, "Quectel", "EG25",
     "EG25GGBR07A08M2G"},
    {{"Quectel", "EG800K", "Revision: EG800KCNGCR07A06M04"}, 3, "Quectel",
     "EG800K", "EG800KCNGCR07A06M04"},
    {{"Quectel", "EC200U", "Revision: EC200UCNAAR02A01M08"}, 3, "Quectel",
     "EC200U", "EC200UCNAAR02A01M08"},
    {{"Quectel_Ltd", "Quectel_M95", "Revision: M95FAR02A08"}, 3,
     "Quectel_Ltd", "Quectel_M95", "M95FAR02A08"},
    /* No model line: the revision still counts, the model stays empty. */
    {{"Quectel", "Revision:  BG96MAR02A07M1G "}, 2, "Quectel", "",
     "BG96MAR02A07M1G"},
};

START_TEST(test_ati)
{
  qh_module_id m;
  memset(&m, 0, sizeof m);
  qh_module_parse_ati(&m, atis[_i].lines, atis[_i].n);
  ck_assert_str_eq(m.manufacturer, atis[_i].man);
  ck_assert_str_eq(m.model, atis[_i].model);
  ck_assert_str_eq(m.revision, atis[_i].rev);
  ck_assert_uint_eq(m.nati, atis[_i].n);
  ck_assert_str_eq(m.ati[0], atis[_i].lines[0]); /* kept as sent */
}
END_TEST

/* AT+GMR, AT+CGMM override what ATI said; the forms seen in the field. */
START_TEST(test_gmr_cgmm)
{
  qh_module_id m;
  memset(&m, 0, sizeof m);
  const char *ati[] = {"Quectel", "EC25", "Revision: EC25EFAR06A06M4G"};
  qh_module_parse_ati(&m, ati, 3);
  const char *gmr[] = {"EC25EFAR06A07M4G"};
  ck_assert(qh_module_parse_gmr(&m, gmr, 1));
  ck_assert_str_eq(m.revision, "EC25EFAR06A07M4G");
  const char *gmr2[] = {"Revision: EG800KCNGCR07A06M04"};
  ck_assert(qh_module_parse_gmr(&m, gmr2, 1));
  ck_assert_str_eq(m.revision, "EG800KCNGCR07A06M04");
  const char *gmr3[] = {"+GMR: BG95M3LAR02A03"};
  ck_assert(qh_module_parse_gmr(&m, gmr3, 1));
  ck_assert_str_eq(m.revision, "BG95M3LAR02A03");
  const char *cgmm[] = {"EG800K"};
  ck_assert(qh_module_parse_cgmm(&m, cgmm, 1));
  ck_assert_str_eq(m.model, "EG800K");
  const char *cgmm2[] = {"+CGMM: \"EC200U\""};
  ck_assert(qh_module_parse_cgmm(&m, cgmm2, 1));
  ck_assert_str_eq(m.model, "EC200U");
  /* Nothing usable: the value stays. */
  const char *none[] = {"ERROR"};
  ck_assert(!qh_module_parse_cgmm(&m, none, 1));
  ck_assert_str_eq(m.model, "EC200U");
  ck_assert(!qh_module_parse_gmr(&m, NULL, 0));
}
END_TEST

START_TEST(test_cgsn_masked)
{
  static const struct {
    const char *line;
    const char *masked; /* NULL: not an IMEI */
  } rows[] = {
      {"866425030123456", "****3456"},
      {"+CGSN: \"869710030001234\"", "****1234"},
      {"+CGSN: 35209900176148", "****6148"}, /* 14 digits, no check digit */
      {"12345", NULL},
      {"86642503012345X", NULL},
      {"+CME ERROR: 10", NULL},
  };
  for (size_t i = 0; i < N(rows); i++) {
    qh_module_id m;
    memset(&m, 0, sizeof m);
    const char *l[] = {rows[i].line};
    bool ok = qh_module_parse_cgsn(&m, l, 1);
    ck_assert_msg(ok == (rows[i].masked != NULL), "%s", rows[i].line);
    ck_assert_str_eq(m.imei_masked, rows[i].masked ? rows[i].masked : "");
  }
}
END_TEST

START_TEST(test_imei_mask)
{
  char out[32];
  qh_imei_mask("866425030123456", out, sizeof out);
  ck_assert_str_eq(out, "****3456");
  qh_imei_mask("1234", out, sizeof out);
  ck_assert_str_eq(out, "****");
  qh_imei_mask("", out, sizeof out);
  ck_assert_str_eq(out, "****");
  char text[128];
  qh_imei_mask_text("+CGSN: \"866425030123456\" and 12345 and "
                    "123456789012345678",
                    text, sizeof text);
  /* 15 digits masked; 5 and 18 are not an IMEI. */
  ck_assert_str_eq(text, "+CGSN: \"****3456\" and 12345 and "
                         "123456789012345678");
  qh_imei_mask_text("866425030123456", text, 6); /* cut, terminated */
  ck_assert_str_eq(text, "****3");
}
END_TEST

START_TEST(test_cpin)
{
  qh_module_id m;
  memset(&m, 0, sizeof m);
  const char *ready[] = {"+CPIN: READY"};
  qh_module_parse_cpin(&m, ready, 1);
  ck_assert(m.sim_ready);
  ck_assert_str_eq(m.sim, "READY");
  const char *pin[] = {"+CPIN: SIM PIN"};
  qh_module_parse_cpin(&m, pin, 1);
  ck_assert(!m.sim_ready);
  ck_assert_str_eq(m.sim, "SIM PIN");
  const char *absent[] = {"+CME ERROR: 10"}; /* SIM not inserted */
  qh_module_parse_cpin(&m, absent, 1);
  ck_assert(!m.sim_ready);
  ck_assert_str_eq(m.sim, "+CME ERROR: 10");
  qh_module_parse_cpin(&m, NULL, 0);
  ck_assert(!m.sim_ready);
  ck_assert_str_eq(m.sim, "");
}
END_TEST

START_TEST(test_qiact)
{
  qh_module_id m;
  memset(&m, 0, sizeof m);
  const char *l[] = {
      "+QIACT: 1,1,1,\"10.7.157.1\"",
      "+QIACT: 2,1,3,\"10.1.2.3\",\"2409:8900:1:2::5\"",
      "+QIACT: 3,0,1",            /* deactivated: no address */
      "+QIACT: 99,1,1,\"1.2.3.4\"", /* no such context */
      "something else",
  };
  qh_module_parse_qiact(&m, l, N(l));
  ck_assert_uint_eq(m.npdp, 3);
  ck_assert_int_eq(m.pdp[0].ctx, 1);
  ck_assert_int_eq(m.pdp[0].state, 1);
  ck_assert_int_eq(m.pdp[0].type, 1);
  ck_assert_str_eq(m.pdp[0].addr, "10.7.157.1");
  ck_assert_int_eq(m.pdp[1].type, 3);
  ck_assert_str_eq(m.pdp[1].addr, "10.1.2.3 2409:8900:1:2::5");
  ck_assert_int_eq(m.pdp[2].state, 0);
  ck_assert_str_eq(m.pdp[2].addr, "");
}
END_TEST

START_TEST(test_summary)
{
  qh_module_id m;
  memset(&m, 0, sizeof m);
  const char *ati[] = {"Quectel", "EC200U", "Revision: EC200UCNAAR02A01M08"};
  qh_module_parse_ati(&m, ati, 3);
  const char *imei[] = {"861234567891234"};
  qh_module_parse_cgsn(&m, imei, 1);
  const char *cpin[] = {"+CPIN: READY"};
  qh_module_parse_cpin(&m, cpin, 1);
  const char *qiact[] = {"+QIACT: 1,1,1,\"10.0.0.1\""};
  qh_module_parse_qiact(&m, qiact, 1);
  char s[256];
  qh_module_summary(&m, s, sizeof s);
  ck_assert_str_eq(s, "Quectel EC200U rev EC200UCNAAR02A01M08, IMEI ****1234, "
                      "SIM ready, PDP 1 10.0.0.1");
  qh_module_short(&m, s, sizeof s);
  ck_assert_str_eq(s, "EC200U rev EC200UCNAAR02A01M08");
  qh_module_id e;
  memset(&e, 0, sizeof e);
  qh_module_summary(&e, s, sizeof s);
  ck_assert_str_eq(s, "(model unknown) rev (unknown), IMEI unknown, SIM not "
                      "ready: no answer, no PDP context active");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("module_id");
  TCase *tc = tcase_create("parse");
  tcase_add_loop_test(tc, test_ati, 0, (int)N(atis));
  tcase_add_test(tc, test_gmr_cgmm);
  tcase_add_test(tc, test_cgsn_masked);
  tcase_add_test(tc, test_imei_mask);
  tcase_add_test(tc, test_cpin);
  tcase_add_test(tc, test_qiact);
  tcase_add_test(tc, test_summary);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
