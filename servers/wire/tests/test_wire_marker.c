/* wire_marker: the end marker's frame, its recognition and its filter
 * (run by libpcap's own interpreter): a capture takes its own markers
 * whole, never another capture's, and the window's flows as before. */
#include "wire_bpf.h"
#include "wire_marker.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

static const uint8_t MAC[6] = {2, 0xfc, 0, 0, 0, 1};

START_TEST(test_marker_roundtrip)
{
  uint8_t f[WIRE_MARKER_LEN];
  wire_marker_frame(MAC, 4242, 7, f);
  ck_assert_mem_eq(f, MAC, 6);
  ck_assert_int_eq(f[12], 0x88);
  ck_assert_int_eq(f[13], 0xb5);
  uint32_t seq = 0;
  ck_assert_int_eq(wire_marker_parse(DLT_EN10MB, f, sizeof f, 4242, &seq), 1);
  ck_assert_uint_eq(seq, 7);
  /* another capture's, cut short, another link type: not ours */
  ck_assert_int_eq(wire_marker_parse(DLT_EN10MB, f, sizeof f, 4243, &seq), 0);
  ck_assert_int_eq(wire_marker_parse(DLT_EN10MB, f, 29, 4242, &seq), 0);
  ck_assert_int_eq(wire_marker_parse(DLT_RAW, f, sizeof f, 4242, &seq), 0);
  f[15] ^= 1; /* magic */
  ck_assert_int_eq(wire_marker_parse(DLT_EN10MB, f, sizeof f, 4242, &seq), 0);
  f[15] ^= 1;
  f[13] = 0x00; /* IPv4 */
  ck_assert_int_eq(wire_marker_parse(DLT_EN10MB, f, sizeof f, 4242, &seq), 0);
}
END_TEST

START_TEST(test_marker_compose)
{
  char f[512], w[512];
  ck_assert_int_eq(wire_marker_compose("tcp port 21", "tcp port 21", 255, f,
                                       sizeof f, w, sizeof w), 0);
  ck_assert_str_eq(f, "(tcp port 21) or (ether proto 0x88b5 and ether[22:4] "
                      "= 0x000000ff)");
  ck_assert_str_eq(w, "(tcp port 21) or (ether proto 0x88b5 and ether[22:4] "
                      "= 0x000000ff)");
  ck_assert_int_eq(wire_marker_compose("tcp", "", 1, f, sizeof f, w, sizeof w),
                   0);
  ck_assert_str_eq(w, "ether proto 0x88b5 and ether[22:4] = 0x00000001");
  ck_assert_int_eq(wire_marker_compose("tcp", "", 1, f, 20, w, sizeof w), -1);
  ck_assert_int_eq(wire_marker_compose("tcp", "", 1, f, sizeof f, w, 20), -1);
  char e[8];
  ck_assert_int_eq(wire_marker_expr(1, e, sizeof e), -1);
}
END_TEST

/* A minimal Ethernet/IPv4 TCP frame from sport to dport, n payload bytes. */
static size_t tcp_frame(uint8_t *b, unsigned sport, unsigned dport, size_t n)
{
  memset(b, 0, 14 + 40 + n);
  b[12] = 0x08;
  uint8_t *ip = b + 14, *t = ip + 20;
  ip[0] = 0x45;
  ip[2] = (uint8_t)((40 + n) >> 8), ip[3] = (uint8_t)(40 + n);
  ip[8] = 64, ip[9] = 6;
  ip[12] = 127, ip[15] = 1, ip[16] = 127, ip[19] = 1;
  t[0] = (uint8_t)(sport >> 8), t[1] = (uint8_t)sport;
  t[2] = (uint8_t)(dport >> 8), t[3] = (uint8_t)dport;
  t[12] = 0x50, t[13] = 0x18;
  return 14 + 40 + n;
}

START_TEST(test_marker_filter)
{
  pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
  char f[512], w[512], err[256];
  const char *flt = "tcp and (port 2121 or port 50000)", *whole = "tcp port 2121";
  ck_assert_int_eq(wire_marker_compose(flt, whole, 99, f, sizeof f, w,
                                       sizeof w), 0);
  struct bpf_program prog;
  ck_assert_msg(wire_bpf_build(p, f, w, 256, &prog, err, sizeof err) == 0,
                "%s", err);
  uint8_t b[2048];
  wire_marker_frame(MAC, 99, 1, b);
  ck_assert_uint_eq(bpf_filter(prog.bf_insns, b, WIRE_MARKER_LEN,
                               WIRE_MARKER_LEN), WIRE_BPF_WHOLE);
  wire_marker_frame(MAC, 98, 1, b); /* another capture's marker */
  ck_assert_uint_eq(bpf_filter(prog.bf_insns, b, WIRE_MARKER_LEN,
                               WIRE_MARKER_LEN), 0);
  size_t n = tcp_frame(b, 2121, 40000, 1000);
  ck_assert_uint_eq(bpf_filter(prog.bf_insns, b, (u_int)n, (u_int)n),
                    WIRE_BPF_WHOLE);
  n = tcp_frame(b, 50000, 40000, 1000);
  ck_assert_uint_eq(bpf_filter(prog.bf_insns, b, (u_int)n, (u_int)n),
                    14 + 40 + 256);
  n = tcp_frame(b, 50001, 40000, 1000);
  ck_assert_uint_eq(bpf_filter(prog.bf_insns, b, (u_int)n, (u_int)n), 0);
  pcap_freecode(&prog);
  pcap_close(p);
}
END_TEST

START_TEST(test_marker_open_refuses)
{
  wire_marker_tx tx;
  char why[256];
  ck_assert_int_eq(wire_marker_open(&tx, "lo", DLT_RAW, why, sizeof why), -1);
  ck_assert_ptr_nonnull(strstr(why, "not Ethernet"));
  ck_assert_int_eq(tx.fd, -1);
  wire_marker_close(&tx); /* a closed one is fine */
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_marker");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_marker_roundtrip);
  tcase_add_test(tc, test_marker_compose);
  tcase_add_test(tc, test_marker_filter);
  tcase_add_test(tc, test_marker_open_refuses);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
