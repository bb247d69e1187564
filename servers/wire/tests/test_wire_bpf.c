/* wire_bpf: the joined program, run by libpcap's own interpreter on
 * frames built here: control packets whole, data packets snapped after
 * their (varying) headers, TLS hellos longer, other traffic out. */
#include "wire_bpf.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

static uint8_t frame[2048];

/* An Ethernet/IPv4 (or IPv6) TCP frame from sport to dport with tcp_opt
 * option bytes and n payload bytes starting with first[0..1]. Returns its
 * length. */
static size_t mk(int v6, unsigned sport, unsigned dport, size_t tcp_opt,
                 size_t n, uint8_t b0, uint8_t b1)
{
  memset(frame, 0, sizeof frame);
  uint8_t *ip = frame + 14;
  size_t iphl = v6 ? 40 : 20, th = 20 + tcp_opt;
  frame[12] = v6 ? 0x86 : 0x08, frame[13] = v6 ? 0xdd : 0x00;
  if (v6) {
    ip[0] = 0x60;
    ip[4] = (uint8_t)((th + n) >> 8), ip[5] = (uint8_t)(th + n);
    ip[6] = 6;
    ip[23] = 1, ip[39] = 1; /* ::1 -> ::1 */
  } else {
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + th + n) >> 8), ip[3] = (uint8_t)(20 + th + n);
    ip[8] = 64, ip[9] = 6;
    ip[12] = 127, ip[15] = 1;                    /* 127.0.0.1 */
    ip[16] = 127, ip[17] = 77, ip[18] = 1, ip[19] = 2; /* 127.77.1.2 */
  }
  uint8_t *t = ip + iphl;
  t[0] = (uint8_t)(sport >> 8), t[1] = (uint8_t)sport;
  t[2] = (uint8_t)(dport >> 8), t[3] = (uint8_t)dport;
  t[12] = (uint8_t)((th / 4) << 4);
  t[13] = 0x18;
  if (n > 0)
    t[th] = b0;
  if (n > 1)
    t[th + 1] = b1;
  return 14 + iphl + th + n;
}

static struct bpf_program prog;

static unsigned run(size_t len)
{
  return bpf_filter(prog.bf_insns, frame, (u_int)len, (u_int)len);
}

START_TEST(test_bpf_snap_per_packet)
{
  pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
  char err[256];
  ck_assert_int_eq(
      wire_bpf_build(p,
                     "tcp and ((src host 127.77.1.2 and (src port 2121 or "
                     "src portrange 50000-50031)) or (dst host 127.77.1.2 and "
                     "(dst port 2121 or dst portrange 50000-50031)))",
                     "tcp and port 2121", 256, &prog, err, sizeof err),
      0);
  /* control: whole */
  ck_assert_uint_eq(run(mk(0, 40000, 2121, 12, 1000, 'R', 'E')), 262144);
  /* data, plain: headers (14+20+32) + 256 */
  ck_assert_uint_eq(run(mk(0, 40001, 50000, 12, 1400, 0x41, 0x42)),
                    14 + 20 + 32 + 256);
  /* data, no TCP options */
  ck_assert_uint_eq(run(mk(0, 40001, 50000, 0, 1400, 0x41, 0x42)),
                    14 + 20 + 20 + 256);
  /* data starting a TLS handshake record or a ChangeCipherSpec */
  ck_assert_uint_eq(run(mk(0, 40001, 50031, 12, 1400, 0x16, 0x03)),
                    14 + 20 + 32 + 16389);
  ck_assert_uint_eq(run(mk(0, 40001, 50031, 12, 600, 0x14, 0x03)),
                    14 + 20 + 32 + 16389);
  /* application data records stay snapped */
  ck_assert_uint_eq(run(mk(0, 40001, 50031, 12, 1400, 0x17, 0x03)),
                    14 + 20 + 32 + 256);
  /* a pure ACK and a one-byte segment are kept (never a read past the end) */
  ck_assert_uint_eq(run(mk(0, 40001, 50000, 12, 0, 0, 0)),
                    14 + 20 + 32 + 256);
  ck_assert_uint_eq(run(mk(0, 40001, 50000, 12, 1, 0x16, 0)),
                    14 + 20 + 32 + 256);
  /* the server's side of a data connection, from its passive port */
  frame[0] = 0;
  size_t n = mk(0, 50000, 40001, 12, 1400, 0, 0);
  memcpy(frame + 14 + 12, (uint8_t[]){127, 77, 1, 2, 127, 0, 0, 1}, 8);
  ck_assert_uint_eq(run(n), 14 + 20 + 32 + 256);
  /* unrelated: another port on the server's address, either way */
  ck_assert_uint_eq(run(mk(0, 40002, 8080, 12, 100, 0, 0)), 0);
  ck_assert_uint_eq(run(mk(0, 40002, 49999, 12, 100, 0, 0)), 0);
  ck_assert_uint_eq(run(mk(0, 40002, 50032, 12, 100, 0x16, 0x03)), 0);
  pcap_freecode(&prog);

  /* IPv6: fixed 40-byte header */
  ck_assert_int_eq(wire_bpf_build(p, "tcp and port 50000", "tcp and port 21",
                                  100, &prog, err, sizeof err),
                   0);
  ck_assert_uint_eq(run(mk(1, 40001, 50000, 12, 1000, 0, 0)),
                    14 + 40 + 32 + 100);
  ck_assert_uint_eq(run(mk(1, 40001, 21, 12, 1000, 0, 0)), 262144);
  ck_assert_uint_eq(run(mk(1, 40001, 22, 12, 1000, 0, 0)), 0);
  pcap_freecode(&prog);
  pcap_close(p);
}
END_TEST

START_TEST(test_bpf_errors)
{
  pcap_t *p = pcap_open_dead(DLT_EN10MB, 262144);
  char err[256] = "";
  ck_assert_int_eq(wire_bpf_build(p, "tcp and portt 1", NULL, 256, &prog, err,
                                  sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "filter \"tcp and portt 1\""));
  ck_assert_int_eq(wire_bpf_build(p, "tcp", "port x", 256, &prog, err,
                                  sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "port x"));
  ck_assert_int_eq(wire_bpf_build(p, "tcp", NULL, 70000, &prog, err,
                                  sizeof err),
                   -1);
  /* snap 0: libpcap's own program, every match whole */
  ck_assert_int_eq(wire_bpf_build(p, "tcp and port 5", NULL, 0, &prog, err,
                                  sizeof err),
                   0);
  ck_assert_uint_eq(run(mk(0, 5, 6, 0, 1000, 0, 0)), 262144);
  pcap_freecode(&prog);
  /* no whole filter: every match snapped */
  ck_assert_int_eq(wire_bpf_build(p, "tcp and port 5", "", 8, &prog, err,
                                  sizeof err),
                   0);
  ck_assert_uint_eq(run(mk(0, 5, 6, 0, 1000, 0, 0)), 14 + 20 + 20 + 8);
  pcap_freecode(&prog);
  pcap_close(p);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_bpf");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_bpf_snap_per_packet);
  tcase_add_test(tc, test_bpf_errors);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
