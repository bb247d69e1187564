/* Live (root only): qftp-capture on lo around real loopback TCP
 * exchanges, then the analysis of what it wrote: a control exchange; the
 * run's flows with data snapped and unrelated traffic to the same address
 * left out. Skipped with a message otherwise. */
#include "wire_analyze.h"
#include "wire_capture.h"

#include <arpa/inet.h>
#include <check.h>
#include <libgen.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
  wire_flows f = {.server_addr = "127.0.0.1"};
  char whole[WIRE_FILTER_MAX];
  ck_assert_int_eq(wire_flows_add(&f, true, port, 0), 0);
  ck_assert_int_eq(wire_filter_build(&f, filter, sizeof filter, whole,
                                     sizeof whole), 0);
  wire_capture *cap;
  ck_assert_msg(wire_capture_start(bin, "lo", filter, whole, WIRE_CAPTURE_SNAP,
                                   pcap, &cap, err, sizeof err) == 0, "%s",
                err);
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
  char b[WIRE_FILTER_MAX], w[WIRE_FILTER_MAX];
  wire_flows f = {.server_addr = "127.77.1.2", .module_addr = "127.0.0.1"};
  ck_assert_int_eq(wire_filter_build(&f, b, sizeof b, w, sizeof w), -1);
  ck_assert_int_eq(wire_flows_add(&f, true, 2121, 0), 0);
  ck_assert_int_eq(wire_flows_add(&f, false, 50000, 50031), 0);
  ck_assert_int_eq(wire_flows_add(&f, false, 2120, 0), 0);
  ck_assert_int_eq(wire_filter_build(&f, b, sizeof b, w, sizeof w), 0);
  ck_assert_str_eq(b, "tcp and host 127.0.0.1 and ((src host 127.77.1.2 and "
                      "(src port 2121 or src portrange 50000-50031 or src "
                      "port 2120)) or (dst host 127.77.1.2 and (dst port 2121 "
                      "or dst portrange 50000-50031 or dst port 2120)))");
  ck_assert_str_eq(w, "tcp and host 127.0.0.1 and ((src host 127.77.1.2 and "
                      "(src port 2121)) or (dst host 127.77.1.2 and (dst port "
                      "2121)))");
  /* module unknown: any; no control port: nothing whole */
  wire_flows g = {.server_addr = "10.0.0.5"};
  ck_assert_int_eq(wire_flows_add(&g, false, 50000, 50100), 0);
  ck_assert_int_eq(wire_filter_build(&g, b, sizeof b, w, sizeof w), 0);
  ck_assert_str_eq(b, "tcp and ((src host 10.0.0.5 and (src portrange "
                      "50000-50100)) or (dst host 10.0.0.5 and (dst portrange "
                      "50000-50100)))");
  ck_assert_str_eq(w, "");
  ck_assert_int_eq(wire_flows_add(&g, false, 0, 0), -1);
  ck_assert_int_eq(wire_flows_add(&g, false, 70000, 0), -1);
  ck_assert_int_eq(wire_flows_add(&g, false, 9, 8), -1);
  wire_flows h = {.server_addr = "host; rm"};
  wire_flows_add(&h, true, 21, 0);
  ck_assert_int_eq(wire_filter_build(&h, b, sizeof b, w, sizeof w), -1);
  h.server_addr = "127.0.0.1";
  h.module_addr = "1.2.3.4 or tcp";
  ck_assert_int_eq(wire_filter_build(&h, b, sizeof b, w, sizeof w), -1);
  h.module_addr = NULL;
  ck_assert_int_eq(wire_filter_build(&h, b, 10, w, sizeof w), -1);
  for (int i = 0; i < WIRE_FLOWS_MAX - 1; i++)
    ck_assert_int_eq(wire_flows_add(&h, true, 100 + i, 0), 0);
  ck_assert_int_eq(wire_flows_add(&h, true, 200, 0), -1);
  char src[64];
  ck_assert_int_eq(wire_source_addr("127.0.0.1", src, sizeof src), 0);
  ck_assert_str_eq(src, "127.0.0.1");
  ck_assert_int_eq(wire_source_addr("nonsense", src, sizeof src), -1);
}
END_TEST

/* A TCP listener on addr (port 0: any), its port in *port. */
static int listen_on(const char *addr, int *port)
{
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  inet_pton(AF_INET, addr, &sa.sin_addr);
  ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(listen(ls, 4), 0);
  socklen_t sl = sizeof sa;
  getsockname(ls, (struct sockaddr *)&sa, &sl);
  *port = ntohs(sa.sin_port);
  return ls;
}

typedef struct xfer {
  int ls;
  size_t n;
} xfer;

/* Accepts one connection and sends it x->n bytes, then closes. */
static void *serve(void *arg)
{
  xfer *x = arg;
  int s = accept(x->ls, NULL, NULL);
  static char buf[65536];
  memset(buf, 'd', sizeof buf);
  for (size_t left = x->n; s >= 0 && left;) {
    ssize_t k = write(s, buf, left < sizeof buf ? left : sizeof buf);
    if (k <= 0)
      break;
    left -= (size_t)k;
  }
  if (s >= 0)
    close(s);
  return NULL;
}

/* Connects to addr:port and reads until the end; the byte count. */
static size_t fetch(const char *addr, int port)
{
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, addr, &sa.sin_addr);
  ck_assert_int_eq(connect(c, (struct sockaddr *)&sa, sizeof sa), 0);
  static char buf[65536];
  size_t n = 0;
  ssize_t k;
  while ((k = read(c, buf, sizeof buf)) > 0)
    n += (size_t)k;
  close(c);
  return n;
}

static size_t download(const char *addr, int ls, int port, size_t n)
{
  xfer x = {ls, n};
  pthread_t t;
  pthread_create(&t, NULL, serve, &x);
  size_t got = fetch(addr, port);
  pthread_join(t, NULL);
  return got;
}

/* The run's flows only: a "control" exchange on the control port (whole),
 * 4 MiB on a port of the data range (snapped: counted from the sequence
 * numbers), and 4 MiB of unrelated traffic to another port of the same
 * address, which must not be in the capture nor in its counts. */
START_TEST(test_live_own_flows)
{
  if (geteuid() != 0) {
    fprintf(stderr, "test_wire_live: skipped, capturing needs root\n");
    return;
  }
  const char *srv = "127.77.251.9";
  char exe[512], bin[600], pcap[64], filter[WIRE_FILTER_MAX];
  char whole[WIRE_FILTER_MAX], err[512];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  ck_assert_int_gt(n, 0);
  exe[n] = '\0';
  snprintf(bin, sizeof bin, "%s/qftp-capture", dirname(exe));
  snprintf(pcap, sizeof pcap, "/tmp/wire-own-%d.pcap", (int)getpid());
  int cport, dport, uport;
  int cl = listen_on(srv, &cport), dl = listen_on(srv, &dport);
  int ul = listen_on(srv, &uport);
  char me[64];
  ck_assert_int_eq(wire_source_addr(srv, me, sizeof me), 0);
  wire_flows f = {.server_addr = srv, .module_addr = me};
  wire_flows_add(&f, true, cport, 0);
  wire_flows_add(&f, false, dport, 0);
  ck_assert_int_eq(wire_filter_build(&f, filter, sizeof filter, whole,
                                     sizeof whole), 0);
  wire_capture *cap;
  ck_assert_msg(wire_capture_start(bin, "lo", filter, whole, WIRE_CAPTURE_SNAP,
                                   pcap, &cap, err, sizeof err) == 0, "%s",
                err);
  ck_assert_uint_eq(download(srv, ul, uport, 4u << 20), 4u << 20);
  ck_assert_uint_eq(download(srv, cl, cport, 3000), 3000);
  ck_assert_uint_eq(download(srv, dl, dport, 4u << 20), 4u << 20);
  ck_assert_uint_eq(download(srv, ul, uport, 4u << 20), 4u << 20);
  close(cl), close(dl), close(ul);
  wire_capture_stats st;
  ck_assert_msg(wire_capture_stop(cap, &st, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_eq(st.dropped, 0);

  wire_analysis *a;
  ck_assert_msg(wire_analyze_file(pcap, cport, &a, err, sizeof err) == 0,
                "%s", err);
  ck_assert_uint_eq(a->missing, 0);
  /* two connections: control-port and data-port; none to uport */
  ck_assert_uint_eq(a->nsessions, 1);
  ck_assert_uint_eq(a->other_conns, 1); /* no PASV line: not data */
  ck_assert_uint_gt(a->uncaptured, (4u << 20) - 200000);
  ck_assert_uint_lt(a->uncaptured, 4u << 20);
  ck_assert_uint_eq(a->sessions[0].nreplies, 0); /* 'd' x 3000, no line */
  wire_analysis_free(a);
  /* tcpdump reads it and sees nothing of the unrelated port */
  char cmd[256];
  snprintf(cmd, sizeof cmd,
           "command -v tcpdump >/dev/null || { echo 0; exit 0; }; tcpdump -nr "
           "%s 2>/dev/null | grep -c '\\.%d[ :]'", pcap, uport);
  FILE *p = popen(cmd, "r");
  char out[32] = "";
  char *got = fgets(out, sizeof out, p);
  pclose(p);
  ck_assert_ptr_nonnull(got);
  ck_assert_str_eq(out, "0\n");
  snprintf(cmd, sizeof cmd,
           "command -v tcpdump >/dev/null || exit 0; tcpdump -nr %s >/dev/null"
           " 2>&1", pcap);
  ck_assert_int_eq(system(cmd), 0);
  unlink(pcap);
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
  ck_assert_int_eq(wire_capture_start(bin, "nosuchif0", "tcp", "", 0,
                                      "/tmp/x.pcap", &cap, err, sizeof err),
                   -1);
  ck_assert_ptr_nonnull(strstr(err, "did not get ready"));
}
END_TEST

/* A stand-in for qftp-capture that reports drops: wire_capture_stop says
 * so apart from a failure (WIRE_CAPTURE_DROPPED, the count in err), and
 * a tool that dies without stats is a failure (-1). */
static void fake_tool(const char *path, const char *on_term)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "#!/bin/sh\ntrap '%s' TERM\necho ready\n"
             "while :; do sleep 0.05; done\n", on_term);
  fclose(f);
  ck_assert_int_eq(chmod(path, 0755), 0);
}

START_TEST(test_capture_drops_reported)
{
  char tool[64], err[512];
  snprintf(tool, sizeof tool, "/tmp/wire-fake-cap-%d", (int)getpid());
  fake_tool(tool, "echo stats received=40 dropped=3 ifdropped=1; exit 0");
  wire_capture *cap;
  ck_assert_msg(wire_capture_start(tool, "lo", "tcp", "", 0, "/dev/null", &cap,
                                   err, sizeof err) == 0, "%s", err);
  wire_capture_stats st;
  ck_assert_int_eq(wire_capture_stop(cap, &st, err, sizeof err),
                   WIRE_CAPTURE_DROPPED);
  ck_assert_str_eq(err, "capture dropped 4 packets");
  ck_assert_uint_eq(st.received, 40);
  ck_assert_uint_eq(st.dropped, 3);

  fake_tool(tool, "echo stats received=40 dropped=0 ifdropped=0; exit 0");
  ck_assert_int_eq(wire_capture_start(tool, "lo", "tcp", "", 0, "/dev/null",
                                      &cap, err, sizeof err), 0);
  ck_assert_int_eq(wire_capture_stop(cap, &st, err, sizeof err), 0);

  fake_tool(tool, "exit 3");
  ck_assert_int_eq(wire_capture_start(tool, "lo", "tcp", "", 0, "/dev/null",
                                      &cap, err, sizeof err), 0);
  ck_assert_int_eq(wire_capture_stop(cap, &st, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "capture gave no stats"));
  unlink(tool);
}
END_TEST

/* A stand-in for qftp-capture -C answering `end` with `stats`: how the
 * window ended is passed on; a late one may lack packets
 * (WIRE_CAPTURE_DROPPED, never a plain pass). */
static int fake_end(const char *tool, const char *stats, wire_capture_stats *st,
                    char *err, size_t errlen)
{
  FILE *f = fopen(tool, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "#!/bin/sh\necho ready\nwhile read l; do case $l in begin*) "
             "echo ok;; end) echo '%s';; esac; done\n", stats);
  fclose(f);
  ck_assert_int_eq(chmod(tool, 0755), 0);
  wire_capture *cap;
  ck_assert_msg(wire_capture_open(tool, "lo", 0, &cap, err, errlen) == 0, "%s",
                err);
  ck_assert_int_eq(wire_capture_begin(cap, "tcp", "", "/dev/null", err,
                                      errlen), 0);
  int rc = wire_capture_end(cap, st, err, errlen);
  char e2[256];
  ck_assert_int_eq(wire_capture_close(cap, e2, sizeof e2), 0);
  return rc;
}

START_TEST(test_capture_end_kinds)
{
  char tool[64], err[512];
  snprintf(tool, sizeof tool, "/tmp/wire-fake-ctl-%d", (int)getpid());
  wire_capture_stats st;
  ck_assert_int_eq(fake_end(tool, "stats received=4 dropped=0 ifdropped=0 "
                            "end=marker", &st, err, sizeof err), 0);
  ck_assert(!st.waited && !st.late);
  ck_assert_uint_eq(st.received, 4);
  ck_assert_int_eq(fake_end(tool, "stats received=4 dropped=0 ifdropped=0 "
                            "end=waited", &st, err, sizeof err), 0);
  ck_assert(st.waited && !st.late);
  ck_assert_int_eq(fake_end(tool, "stats received=4 dropped=0 ifdropped=0 "
                            "end=late", &st, err, sizeof err),
                   WIRE_CAPTURE_DROPPED);
  ck_assert(st.late);
  ck_assert_ptr_nonnull(strstr(err, "packets may be missing"));
  unlink(tool);
}
END_TEST

/* Control mode (qftp-capture -C): one tool, two case windows. A
 * connection opened in the first window and still open in the second
 * stays in the first file only; the second file holds the connection the
 * second window opened. A bad filter is refused without ending the tool. */
static int connect_to(const struct sockaddr_in *sa)
{
  int c = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_eq(connect(c, (const struct sockaddr *)sa, sizeof *sa), 0);
  return c;
}

static int local_port(int fd)
{
  struct sockaddr_in a;
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  return ntohs(a.sin_port);
}

/* How many packets of pcap match the tcpdump expression. */
static int packets_matching(const char *pcap, const char *expr)
{
  char cmd[256];
  snprintf(cmd, sizeof cmd, "tcpdump -nr %s '%s' 2>/dev/null | wc -l", pcap,
           expr);
  FILE *f = popen(cmd, "r");
  ck_assert_ptr_nonnull(f);
  int n = -1;
  ck_assert_int_eq(fscanf(f, "%d", &n), 1);
  pclose(f);
  return n;
}

/* How many packets of pcap have `port` at either end. */
static int packets_with_port(const char *pcap, int port)
{
  char expr[32];
  snprintf(expr, sizeof expr, "tcp port %d", port);
  return packets_matching(pcap, expr);
}

START_TEST(test_live_session_windows)
{
  if (geteuid() != 0 || system("command -v tcpdump >/dev/null") != 0) {
    fprintf(stderr, "test_wire_live: windows skipped (root, tcpdump)\n");
    return;
  }
  char exe[512], bin[600], p1[64], p2[64], filter[WIRE_FILTER_MAX], err[512];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  ck_assert_int_gt(n, 0);
  exe[n] = '\0';
  snprintf(bin, sizeof bin, "%s/qftp-capture", dirname(exe));
  snprintf(p1, sizeof p1, "/tmp/wire-win1-%d.pcap", (int)getpid());
  snprintf(p2, sizeof p2, "/tmp/wire-win2-%d.pcap", (int)getpid());
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET,
                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(listen(ls, 4), 0);
  socklen_t sl = sizeof sa;
  getsockname(ls, (struct sockaddr *)&sa, &sl);
  int port = ntohs(sa.sin_port);
  wire_flows f = {.server_addr = "127.0.0.1"};
  char whole[WIRE_FILTER_MAX];
  ck_assert_int_eq(wire_flows_add(&f, true, port, 0), 0);
  ck_assert_int_eq(wire_filter_build(&f, filter, sizeof filter, whole,
                                     sizeof whole), 0);
  wire_capture *cap;
  ck_assert_msg(wire_capture_open(bin, "lo", WIRE_CAPTURE_SNAP, &cap, err,
                                  sizeof err) == 0, "%s", err);
  ck_assert_int_eq(wire_capture_begin(cap, "tcp and nonsense", "", p1, err,
                                      sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "nonsense"));
  ck_assert(!wire_capture_broken(cap));

  ck_assert_msg(wire_capture_begin(cap, filter, whole, p1, err, sizeof err) ==
                0, "%s", err);
  int a = connect_to(&sa), as = accept(ls, NULL, NULL), aport = local_port(a);
  ck_assert_int_eq(write(a, "USER one\r\n", 10), 10);
  char buf[64];
  ck_assert_int_gt(read(as, buf, sizeof buf), 0);
  wire_capture_stats st, st1;
  ck_assert_msg(wire_capture_end(cap, &st, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_ge(st.received, 4);
  /* lo has an end marker: the window ended on it, not on a wait */
  ck_assert(!st.waited && !st.late);
  st1 = st;

  ck_assert_msg(wire_capture_begin(cap, filter, whole, p2, err, sizeof err) ==
                0, "%s", err);
  ck_assert_int_eq(write(a, "USER late\r\n", 11), 11);
  ck_assert_int_gt(read(as, buf, sizeof buf), 0);
  close(a);
  close(as);
  int b = connect_to(&sa), bs = accept(ls, NULL, NULL);
  ck_assert_int_eq(write(b, "USER two\r\n", 10), 10);
  ck_assert_int_gt(read(bs, buf, sizeof buf), 0);
  int bport = local_port(b);
  ck_assert_msg(wire_capture_end(cap, &st, err, sizeof err) == 0, "%s", err);
  close(b);
  close(bs);
  close(ls);
  ck_assert_int_eq(wire_capture_close(cap, err, sizeof err), 0);

  wire_analysis *an;
  ck_assert_msg(wire_analyze_file(p1, port, &an, err, sizeof err) == 0, "%s",
                err);
  ck_assert_uint_eq(an->nsessions, 1);
  ck_assert_uint_eq(an->sessions[0].ncmds, 1);
  ck_assert_str_eq(an->sessions[0].cmds[0].text, "USER one");
  wire_analysis_free(an);
  ck_assert_msg(wire_analyze_file(p2, port, &an, err, sizeof err) == 0, "%s",
                err);
  ck_assert_uint_eq(an->nsessions, 1);
  ck_assert_uint_eq(an->sessions[0].ncmds, 1);
  ck_assert_str_eq(an->sessions[0].cmds[0].text, "USER two");
  wire_analysis_free(an);
  ck_assert_int_gt(packets_with_port(p1, aport), 0);
  ck_assert_int_eq(packets_with_port(p2, aport), 0);
  ck_assert_int_eq(packets_with_port(p1, bport), 0);
  ck_assert_int_gt(packets_with_port(p2, bport), 0);
  /* The markers are in no file and not in the counts: the kernel counts
   * every loopback packet twice (leaving, coming back), so window 1, one
   * connection's packets all in p1, counts twice p1's packets. */
  ck_assert_int_eq(packets_matching(p1, "ether proto 0x88b5"), 0);
  ck_assert_int_eq(packets_matching(p2, "ether proto 0x88b5"), 0);
  ck_assert_uint_eq(st1.received, 2 * (uint64_t)packets_matching(p1, ""));
  unlink(p1);
  unlink(p2);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_live");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, test_live_capture);
  tcase_add_test(tc, test_filter_build);
  tcase_add_test(tc, test_live_own_flows);
  tcase_add_test(tc, test_capture_drops_reported);
  tcase_add_test(tc, test_capture_bad_iface);
  tcase_add_test(tc, test_live_session_windows);
  tcase_add_test(tc, test_capture_end_kinds);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
