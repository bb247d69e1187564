/* qr_latency: samples read off transcripts, percentiles over a run. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "qr_latency.h"

#define L(t_, d_, x_) {.t = (t_), .dir = (d_), .text = (char *)(x_)}

START_TEST(scan_ok_connect_urc)
{
  qr_tline tl[] = {
      L(0.100, '>', "AT+QFTPOPEN=\"h\",21"),
      L(0.101, '<', "AT+QFTPOPEN=\"h\",21"), /* echo */
      L(0.110, '<', "OK"),
      L(0.200, '<', "+QIURC: \"pdpdeact\",1"), /* not its URC */
      L(0.350, '<', "+QFTPOPEN: 0,0"),
      L(0.400, '>', "at+qftpget=\"a\",\"COM:\""),
      L(0.450, '<', "CONNECT"),
      L(0.500, '<', "\\r\\nOK\\r\\n"), /* data bytes */
      L(0.600, '<', "OK"),
      L(0.700, '<', "+QFTPGET: 0,10"),
      L(0.800, '>', "AT+QFTPSTAT"),
      L(0.810, '<', "+QFTPSTAT: 1"), /* a response, before OK */
      L(0.820, '<', "OK"),
      L(0.900, '>', "AT+QFTPCWD=\"x\""),
      L(0.950, '<', "+CME ERROR: 601"), /* no URC after an error */
      L(0.990, '<', "+QFTPCWD: 0,0"),
  };
  qr_lat out[16];
  size_t n = qr_latency_scan(tl, sizeof tl / sizeof tl[0], out, 16);
  ck_assert_uint_eq(n, 7);
  ck_assert_str_eq(out[0].cmd, "AT+QFTPOPEN");
  ck_assert_int_eq(out[0].to, QR_LAT_OK);
  ck_assert(fabs(out[0].s - 0.010) < 1e-9);
  ck_assert_int_eq(out[1].to, QR_LAT_URC);
  ck_assert(fabs(out[1].s - 0.240) < 1e-9);
  ck_assert_uint_eq(out[1].line, 4);
  ck_assert_str_eq(out[2].cmd, "AT+QFTPGET");
  ck_assert_int_eq(out[2].to, QR_LAT_CONNECT);
  ck_assert(fabs(out[2].s - 0.050) < 1e-9);
  ck_assert_int_eq(out[3].to, QR_LAT_OK);
  ck_assert_int_eq(out[4].to, QR_LAT_URC);
  ck_assert(fabs(out[4].s - 0.100) < 1e-9);
  ck_assert_str_eq(out[5].cmd, "AT+QFTPSTAT");
  ck_assert_int_eq(out[5].to, QR_LAT_OK);
  ck_assert(fabs(out[5].s - 0.020) < 1e-9);
  ck_assert_str_eq(out[6].cmd, "AT+QFTPCWD");
  ck_assert_int_eq(out[6].to, QR_LAT_OK);
  /* cap: the count is still told */
  ck_assert_uint_eq(qr_latency_scan(tl, sizeof tl / sizeof tl[0], out, 2), 7);
}
END_TEST

START_TEST(scan_ignores_non_commands)
{
  qr_tline tl[] = {
      L(0.0, '>', "ATE1"), L(0.1, '<', "OK"), L(0.2, '>', "+++"),
      L(0.3, '<', "OK"), L(0.4, '#', "step 1: expect"),
      L(0.5, '>', "AT+"), L(0.6, '<', "OK"),
  };
  qr_lat out[4];
  ck_assert_uint_eq(qr_latency_scan(tl, 7, out, 4), 0);
}
END_TEST

START_TEST(set_percentiles)
{
  qr_lat_set set;
  qr_lat_set_init(&set);
  for (int i = 100; i >= 1; i--)
    qr_lat_set_add(&set, "AT+QFTPCFG", QR_LAT_OK, i / 1000.0);
  qr_lat_set_add(&set, "AT+QFTPCFG", QR_LAT_URC, 1.0);
  qr_lat_set_add(&set, "AT+QFTPCD", QR_LAT_OK, 2.0);
  qr_lat_set_finish(&set);
  ck_assert_uint_eq(set.n, 3);
  ck_assert_str_eq(set.f[0].cmd, "AT+QFTPCD");
  const qr_lat_family *f = qr_lat_set_find(&set, "AT+QFTPCFG", QR_LAT_OK);
  ck_assert_ptr_nonnull(f);
  ck_assert(fabs(qr_lat_pct(f, 50) - 0.050) < 1e-9);
  ck_assert(fabs(qr_lat_pct(f, 95) - 0.095) < 1e-9);
  ck_assert(fabs(qr_lat_pct(f, 100) - 0.100) < 1e-9);
  ck_assert(fabs(qr_lat_pct(f, 0) - 0.001) < 1e-9);
  ck_assert_ptr_null(qr_lat_set_find(&set, "AT+QFTPCD", QR_LAT_URC));
  ck_assert(qr_lat_pct(NULL, 50) == 0);
  qr_lat_set_free(&set);
}
END_TEST

START_TEST(set_from_json)
{
  json_error_t je;
  json_t *c = json_loads(
      "{\"latency\":[{\"cmd\":\"AT+QFTPOPEN\",\"to\":\"urc\",\"s\":0.5},"
      "{\"cmd\":\"AT+QFTPOPEN\",\"to\":\"nope\",\"s\":0.5},"
      "{\"cmd\":7,\"to\":\"ok\",\"s\":0.5},"
      "{\"cmd\":\"AT+QFTPOPEN\",\"to\":\"ok\",\"s\":-1},"
      "{\"cmd\":\"AT+QFTPOPEN\",\"to\":\"ok\",\"s\":0.25}]}",
      0, &je);
  ck_assert_ptr_nonnull(c);
  qr_lat_set set;
  qr_lat_set_init(&set);
  qr_lat_set_add_case(&set, c);
  qr_lat_set_add_case(&set, json_object_get(c, "nothing"));
  qr_lat_set_finish(&set);
  ck_assert_uint_eq(set.n, 2);
  ck_assert_int_eq(set.f[0].to, QR_LAT_OK);
  ck_assert_uint_eq(set.f[0].n, 1);
  ck_assert_int_eq(qr_lat_to_parse("connect"), QR_LAT_CONNECT);
  ck_assert_int_eq(qr_lat_to_parse(NULL), -1);
  ck_assert_str_eq(qr_lat_to_name(QR_LAT_URC), "urc");
  qr_lat_set_free(&set);
  json_decref(c);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("qr_latency");
  TCase *tc = tcase_create("latency");
  tcase_add_test(tc, scan_ok_connect_urc);
  tcase_add_test(tc, scan_ignores_non_commands);
  tcase_add_test(tc, set_percentiles);
  tcase_add_test(tc, set_from_json);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int f = srunner_ntests_failed(r);
  srunner_free(r);
  return f ? EXIT_FAILURE : EXIT_SUCCESS;
}
