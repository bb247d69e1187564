/* Live (root only): qftp-capture on lo around a real loopback TCP exchange,
 * then the analysis of what it wrote. Skipped with a message otherwise. */
#include "wire_analyze.h"
#include "wire_capture.h"

#include <arpa/inet.h>
#include <check.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

START_TEST(test_live_capture)
{
  if (geteuid() != 0) {
    fprintf(stderr, "test_wire_live: skipped, capturing needs root\n");
    return;
  }
  char exe[512], bin[600], pcap[64], filter[WIRE_FILTER_MAX], err[512];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  ck_assert_int_gt(n, 0);
  exe[n] = '\0';
  snprintf(bin, sizeof bin, "%s/qftp-capture", dirname(exe));
  snprintf(pcap, sizeof pcap, "/tmp/wire-live-%d.pcap", (int)getpid());

  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET,
                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(listen(ls, 1), 0);
  socklen_t sl = sizeof sa;
  getsockname(ls, (struct sockaddr *)&sa, &sl);
  int port = ntohs(sa.sin_port);
  ck_assert_int_eq(wire_filter_build(filter, sizeof filter, "127.0.0.1",
                                     port, 0, 0, false), 0);
  wire_capture *cap;
  ck_assert_msg(wire_capture_start(bin, "lo", filter, pcap, &cap, err,
                                   sizeof err) == 0, "%s", err);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
  int s = accept(ls, NULL, NULL);
  ck_assert_int_ge(s, 0);
  ck_assert_int_eq(write(s, "220 live\r\n", 10), 10);
  char buf[64];
  ck_assert_int_gt(read(c, buf, sizeof buf), 0);
  ck_assert_int_eq(write(c, "USER live\r\n", 11), 11);
  ck_assert_int_gt(read(s, buf, sizeof buf), 0);
  close(c);
  close(s);
  close(ls);
  usleep(100 * 1000);
  wire_capture_stats st;
  ck_assert_msg(wire_capture_stop(cap, &st, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_ge(st.received, 6);

  wire_analysis *a;
  ck_assert_msg(wire_analyze_file(pcap, port, &a, err, sizeof err) == 0, "%s",
                err);
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_uint_eq(a->sessions[0].ncmds, 1);
  ck_assert_str_eq(a->sessions[0].cmds[0].text, "USER live");
  ck_assert_uint_eq(a->sessions[0].nreplies, 1);
  ck_assert_int_eq(a->sessions[0].module_close, WIRE_CLOSE_FIN);
  ck_assert_uint_eq(a->missing, 0);
  wire_analysis_free(a);
  unlink(pcap);
}
END_TEST

START_TEST(test_filter_build)
{
  char b[WIRE_FILTER_MAX];
  ck_assert_int_eq(wire_filter_build(b, sizeof b, "127.0.0.1", 2121, 0, 0,
                                     true), 0);
  ck_assert_str_eq(b, "tcp and host 127.0.0.1");
  ck_assert_int_eq(wire_filter_build(b, sizeof b, "10.0.0.5", 21, 50000,
                                     50100, false), 0);
  ck_assert_str_eq(b, "tcp and host 10.0.0.5 and (port 21 or portrange "
                      "50000-50100)");
  ck_assert_int_eq(wire_filter_build(b, sizeof b, "host; rm", 21, 0, 0,
                                     true), -1);
  ck_assert_int_eq(wire_filter_build(b, 10, "127.0.0.1", 21, 0, 0, true), -1);
}
END_TEST

START_TEST(test_capture_bad_iface)
{
  wire_capture *cap;
  char err[512];
  char exe[512], bin[600];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n] = '\0';
  snprintf(bin, sizeof bin, "%s/qftp-capture", dirname(exe));
  ck_assert_int_eq(wire_capture_start(bin, "nosuchif0", "tcp", "/tmp/x.pcap",
                                      &cap, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "did not get ready"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_live");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, test_live_capture);
  tcase_add_test(tc, test_filter_build);
  tcase_add_test(tc, test_capture_bad_iface);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
