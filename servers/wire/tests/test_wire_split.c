/* wire_split: packets to case windows by the flow they belong to, and
 * the command lines of qftp-capture -C. */
#include "wire_session.h"
#include "wire_split.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* A segment between 127.0.0.1:cport and 127.77.0.1:sport; to_server
 * picks the direction. */
static wire_tcp_seg seg(int cport, int sport, bool to_server, uint8_t flags)
{
  wire_tcp_seg g;
  memset(&g, 0, sizeof g);
  wire_endpoint c = {.family = 4, .addr = {127, 0, 0, 1}, .port = (uint16_t)cport};
  wire_endpoint v = {.family = 4, .addr = {127, 77, 0, 1}, .port = (uint16_t)sport};
  g.src = to_server ? c : v;
  g.dst = to_server ? v : c;
  g.flags = flags;
  return g;
}

static bool take(wire_split *s, int cport, bool to_server, uint8_t flags,
                 int64_t t)
{
  wire_tcp_seg g = seg(cport, 2121, to_server, flags);
  return wire_split_take(s, &g, t);
}

enum { SYN = WIRE_TCP_SYN, SYNACK = WIRE_TCP_SYN | WIRE_TCP_ACK,
       ACK = WIRE_TCP_ACK, FIN = WIRE_TCP_FIN | WIRE_TCP_ACK };

static wire_split *new_split(void)
{
  wire_split *s = malloc(sizeof *s);
  ck_assert_ptr_nonnull(s);
  wire_split_init(s);
  return s;
}

START_TEST(test_no_window_takes_nothing)
{
  wire_split *s = new_split();
  ck_assert(!take(s, 40000, true, SYN, 10));
  ck_assert(!wire_split_take(s, NULL, 10));
  free(s);
}
END_TEST

/* A flow started in a window belongs to it in both directions, until the
 * window's end; a packet stamped at or after the end is outside. */
START_TEST(test_flow_in_its_window)
{
  wire_split *s = new_split();
  wire_split_begin(s, 100);
  ck_assert(take(s, 40000, true, SYN, 100));
  ck_assert(take(s, 40000, false, SYNACK, 101));
  ck_assert(take(s, 40000, true, ACK, 102));
  ck_assert(wire_split_take(s, NULL, 150));
  wire_split_end(s, 200);
  ck_assert(take(s, 40000, true, FIN, 199)); /* read after the mark */
  ck_assert(!take(s, 40000, false, FIN, 200));
  ck_assert(!wire_split_take(s, NULL, 200));
  free(s);
}
END_TEST

/* The case before left a connection open: its late packets stay out of
 * the next window, whose own connection is in. */
START_TEST(test_flow_outliving_its_case)
{
  wire_split *s = new_split();
  wire_split_begin(s, 100);
  ck_assert(take(s, 40000, true, SYN, 110));
  wire_split_end(s, 200);
  wire_split_begin(s, 300);
  ck_assert(!take(s, 40000, false, ACK, 310));
  ck_assert(!take(s, 40000, true, FIN, 320));
  ck_assert(take(s, 40001, true, SYN, 330));
  ck_assert(take(s, 40001, false, SYNACK, 331));
  ck_assert(!take(s, 40000, false, FIN, 340));
  free(s);
}
END_TEST

/* Between windows: a flow that starts there belongs to none, also when
 * its packets go on in the next window. */
START_TEST(test_flow_between_windows)
{
  wire_split *s = new_split();
  wire_split_begin(s, 100);
  wire_split_end(s, 200);
  ck_assert(!take(s, 40000, true, SYN, 250));
  wire_split_begin(s, 300);
  ck_assert(!take(s, 40000, true, ACK, 310));
  /* The same ports connected again (a new SYN): a new connection. */
  ck_assert(take(s, 40000, true, SYN, 320));
  ck_assert(take(s, 40000, false, SYNACK, 321));
  free(s);
}
END_TEST

/* A flow first seen without its SYN began before the capture looked (a
 * server start-up probe's late FIN arrived in a case's window and failed
 * its TLS assertion under load): it is no window's. A packet stamped
 * before the window (read late from the kernel) is not in it either. */
START_TEST(test_first_packet_without_syn)
{
  wire_split *s = new_split();
  wire_split_begin(s, 100);
  ck_assert(!take(s, 40000, true, ACK, 99));
  ck_assert(!take(s, 40000, true, ACK, 120));
  ck_assert(!take(s, 40002, false, FIN, 130));
  ck_assert(!take(s, 40002, true, ACK, 131));
  /* The same ports opened again, with a SYN this time: the case's. */
  ck_assert(take(s, 40002, true, SYN, 140));
  ck_assert(take(s, 40002, false, SYNACK, 141));
  free(s);
}
END_TEST

/* More flows than the table holds: the oldest windows' flows are
 * forgotten, the open window's are kept. */
START_TEST(test_table_makes_room)
{
  wire_split *s = new_split();
  int64_t t = 0;
  int port = 1;
  for (int w = 0; w < 40; w++) {
    wire_split_begin(s, t);
    for (int i = 0; i < 500; i++, port++)
      ck_assert(take(s, port, true, SYN, t + 1));
    wire_split_end(s, t + 10);
    t += 100;
  }
  ck_assert_uint_gt(s->forgotten, 0);
  ck_assert_uint_lt(s->nused, WIRE_SPLIT_SLOTS);
  /* The last window's flows are still known: outside the next one. */
  wire_split_begin(s, t);
  ck_assert(!take(s, port - 1, false, ACK, t + 1));
  ck_assert(!take(s, port - 500, false, ACK, t + 1));
  free(s);
}
END_TEST

START_TEST(test_cmd_parse)
{
  char err[256];
  wire_cmd c;
  char l1[] = "begin\t/r/a.pcap\ttcp port 21\ttcp port 21";
  ck_assert_int_eq(wire_cmd_parse(l1, &c, err, sizeof err), 0);
  ck_assert_int_eq(c.kind, WIRE_CMD_BEGIN);
  ck_assert_str_eq(c.path, "/r/a.pcap");
  ck_assert_str_eq(c.filter, "tcp port 21");
  ck_assert_str_eq(c.whole, "tcp port 21");
  char l2[] = "begin\t/r/a.pcap\ttcp\t";
  ck_assert_int_eq(wire_cmd_parse(l2, &c, err, sizeof err), 0);
  ck_assert_str_eq(c.whole, "");
  char l3[] = "end";
  ck_assert_int_eq(wire_cmd_parse(l3, &c, err, sizeof err), 0);
  ck_assert_int_eq(c.kind, WIRE_CMD_END);
  const char *bad[] = {"", "end\tx", "begin\t/a.pcap\ttcp",
                       "begin\t\ttcp\t", "begin\t/a\t\t", "rotate /a",
                       "begin\t/a\ttcp\t\textra"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char l[64];
    snprintf(l, sizeof l, "%s", bad[i]);
    ck_assert_msg(wire_cmd_parse(l, &c, err, sizeof err) == -1, "%s", bad[i]);
    ck_assert_ptr_nonnull(strstr(err, "bad command"));
  }
  ck_assert_int_ge(wire_session_drain_ms(2), 4);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_split");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_no_window_takes_nothing);
  tcase_add_test(tc, test_flow_in_its_window);
  tcase_add_test(tc, test_flow_outliving_its_case);
  tcase_add_test(tc, test_flow_between_windows);
  tcase_add_test(tc, test_first_packet_without_syn);
  tcase_add_test(tc, test_table_makes_room);
  tcase_add_test(tc, test_cmd_parse);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
