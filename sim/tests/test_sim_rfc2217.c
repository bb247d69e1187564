/* Unit tests: sim_rfc2217 - the RFC 2217 server in front of the AT port,
 * driven through socket pairs: one is the client's connection, one the
 * line (the pty's host side). Negotiation, the SET-* answers (+100), IAC
 * both ways, DTR to the hook (in order with the payload, dropped when the
 * client goes), a second client refused. */
#include "sim_rfc2217.h"

#include "qc_telnet.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
  IAC = 255,
  SB = 250,
  SE = 240,
  WILL = 251,
  WONT = 252,
  DO = 253,
  DONT = 254,
  CPO = 44
};

/* What the hook saw: each change, and the line bytes already written
 * when it came. */
typedef struct fixture {
  sim_rfc2217 *s;
  int client; /* our end of the client's connection */
  int line;   /* our end of the line (the module's side) */
  int line_srv;
  char dtr_log[64];
  size_t dtr_n;
  char line_at_dtr[64]; /* line bytes readable when DTR changed */
} fixture;

static void on_dtr(void *ctx, bool up)
{
  fixture *f = ctx;
  if (f->dtr_n + 1 < sizeof f->dtr_log)
    f->dtr_log[f->dtr_n++] = up ? '+' : '-';
  ssize_t r =
      recv(f->line, f->line_at_dtr, sizeof f->line_at_dtr - 1, MSG_DONTWAIT);
  f->line_at_dtr[r > 0 ? r : 0] = '\0';
}

/* Poll rounds until nothing more happens. */
static void pump(fixture *f)
{
  for (int round = 0; round < 20; round++) {
    struct pollfd p[SIM_RFC2217_NFDS];
    sim_rfc2217_poll_fds(f->s, p);
    int n = poll(p, SIM_RFC2217_NFDS, round ? 20 : 50);
    ck_assert_int_ge(n, 0);
    sim_rfc2217_on_poll(f->s, p);
    if (n == 0)
      return;
  }
}

static size_t drain(int fd, uint8_t *buf, size_t cap)
{
  size_t got = 0;
  for (;;) {
    ssize_t r = recv(fd, buf + got, cap - got, MSG_DONTWAIT);
    if (r <= 0 || got + (size_t)r >= cap)
      return got + (r > 0 ? (size_t)r : 0);
    got += (size_t)r;
  }
}

static void send_all(int fd, const void *b, size_t n)
{
  ck_assert_int_eq(send(fd, b, n, 0), (ssize_t)n);
}

/* What the server offers at connect: BINARY and SGA both ways, and
 * COM-PORT-OPTION on the client's side. */
static const uint8_t offer[] = {IAC, WILL, 0,  IAC, DO,  0,  IAC, WILL,
                                3,   IAC,  DO, 3,   IAC, DO, CPO};

/* A server with a socketpair client adopted, its offer read. */
static void setup(fixture *f)
{
  memset(f, 0, sizeof *f);
  int c[2], l[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, c), 0);
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, l), 0);
  f->client = c[0];
  f->line = l[0];
  f->line_srv = l[1];
  sim_rfc2217_cfg cfg = {.addr = "127.0.0.1",
                         .port = 0,
                         .line_fd = l[1],
                         .on_dtr = on_dtr,
                         .ctx = f};
  char err[256];
  f->s = sim_rfc2217_new(&cfg, err, sizeof err);
  ck_assert_msg(f->s != NULL, "%s", err);
  ck_assert_int_gt(sim_rfc2217_port(f->s), 0);
  ck_assert_int_eq(sim_rfc2217_adopt(f->s, c[1]), 0);
  pump(f);
  uint8_t buf[64];
  size_t n = drain(f->client, buf, sizeof buf);
  ck_assert_uint_eq(n, sizeof offer);
  ck_assert_mem_eq(buf, offer, n);
}

static void teardown(fixture *f)
{
  sim_rfc2217_free(f->s);
  close(f->client);
  close(f->line);
  close(f->line_srv);
}

/* The client agrees to BINARY both ways and COM-PORT-OPTION. */
static void agree(fixture *f)
{
  static const uint8_t yes[] = {IAC, DO, 0, IAC, WILL, 0, IAC, WILL, CPO};
  send_all(f->client, yes, sizeof yes);
  pump(f);
  uint8_t buf[64];
  ck_assert_uint_eq(drain(f->client, buf, sizeof buf), 0); /* no loop */
}

START_TEST(test_offer)
{
  fixture f;
  setup(&f); /* checks the offer */
  ck_assert(sim_rfc2217_connected(f.s));
  ck_assert(!sim_rfc2217_dtr(f.s));
  teardown(&f);
}
END_TEST

/* Options nobody asked for are refused, each once. */
START_TEST(test_refuses_others)
{
  fixture f;
  setup(&f);
  agree(&f);
  static const uint8_t ask[] = {IAC, DO, 1, IAC, WILL, 34, IAC, DO, 1};
  send_all(f.client, ask, sizeof ask);
  pump(&f);
  uint8_t buf[64];
  size_t n = drain(f.client, buf, sizeof buf);
  /* ECHO refused twice (RFC 1143: a request in state NO is answered). */
  static const uint8_t want[] = {IAC, WONT, 1, IAC, DONT, 34, IAC, WONT, 1};
  ck_assert_uint_eq(n, sizeof want);
  ck_assert_mem_eq(buf, want, n);
  teardown(&f);
}
END_TEST

/* {client command, the server's answer (empty: none), DTR log after} */
typedef struct cmd_case {
  const char *what;
  uint8_t req[8];
  size_t req_len;
  uint8_t ans[16];
  size_t ans_len;
  const char *dtr;
} cmd_case;

static const cmd_case cmd_cases[] = {
    {"baud 9600", {1, 0, 0, 0x25, 0x80}, 5, {101, 0, 0, 0x25, 0x80}, 5, ""},
    {"baud asked", {1, 0, 0, 0, 0}, 5, {101, 0, 1, 0xc2, 0}, 5, ""},
    {"datasize 7", {2, 7}, 2, {102, 7}, 2, ""},
    {"datasize 9: the current", {2, 9}, 2, {102, 8}, 2, ""},
    {"parity asked", {3, 0}, 2, {103, 1}, 2, ""},
    {"parity even", {3, 3}, 2, {103, 3}, 2, ""},
    {"stopsize 2", {4, 2}, 2, {104, 2}, 2, ""},
    {"no flow control", {5, 1}, 2, {105, 1}, 2, ""},
    {"hardware flow", {5, 3}, 2, {105, 3}, 2, ""},
    {"DTR asked", {5, 7}, 2, {105, 9}, 2, ""},
    {"DTR on", {5, 8}, 2, {105, 8}, 2, "+"},
    {"RTS on", {5, 11}, 2, {105, 11}, 2, ""},
    {"RTS asked", {5, 10}, 2, {105, 12}, 2, ""},
    {"no such control", {5, 99}, 2, {0}, 0, ""},
    {"linestate mask 0xff", {10, 0xff}, 2, {110, 0xff}, 2, ""},
    {"purge both", {12, 3}, 2, {112, 3}, 2, ""},
    {"signature asked",
     {0},
     1,
     {100, 'q', 'f', 't', 'p', '-', 's', 'i', 'm'},
     9,
     ""},
    {"client's signature", {0, 'x'}, 2, {0}, 0, ""},
    {"suspend", {8}, 1, {0}, 0, ""},
    {"notify from a client", {7, 0x30}, 2, {0}, 0, ""},
    {"baud cut short", {1, 0, 0}, 3, {0}, 0, ""},
};

START_TEST(test_commands)
{
  const cmd_case *k = &cmd_cases[_i];
  fixture f;
  setup(&f);
  agree(&f);
  uint8_t wire[64], buf[64], want[64];
  size_t n = qc_tn_subneg(wire, sizeof wire, CPO, k->req, k->req_len);
  send_all(f.client, wire, n);
  pump(&f);
  size_t got = drain(f.client, buf, sizeof buf);
  size_t wl =
      k->ans_len ? qc_tn_subneg(want, sizeof want, CPO, k->ans, k->ans_len) : 0;
  ck_assert_msg(got == wl && memcmp(buf, want, wl) == 0,
                "%s: %zu bytes answered, %zu expected", k->what, got, wl);
  f.dtr_log[f.dtr_n] = '\0';
  ck_assert_str_eq(f.dtr_log, k->dtr);
  teardown(&f);
}
END_TEST

/* COM-PORT commands before the client's WILL are not answered. */
START_TEST(test_commands_need_will)
{
  fixture f;
  setup(&f);
  uint8_t wire[32], buf[32];
  size_t n =
      qc_cpo_cmd8(wire, sizeof wire, QC_CPO_SET_CONTROL, QC_CPO_CONTROL_DTR_ON);
  send_all(f.client, wire, n);
  pump(&f);
  ck_assert_uint_eq(drain(f.client, buf, sizeof buf), 0);
  ck_assert_uint_eq(f.dtr_n, 0);
  teardown(&f);
}
END_TEST

/* IAC doubled on the wire both ways, single on the line. */
START_TEST(test_iac_both_ways)
{
  fixture f;
  setup(&f);
  agree(&f);
  static const uint8_t in[] = {'A', IAC, IAC, 'B', IAC, 241 /* NOP */, 'C'};
  send_all(f.client, in, sizeof in);
  pump(&f);
  uint8_t buf[64];
  size_t n = drain(f.line, buf, sizeof buf);
  ck_assert_uint_eq(n, 4);
  ck_assert_mem_eq(buf,
                   "A\xff"
                   "BC",
                   4);
  static const uint8_t out[] = {0xff, 0x01, '\r', 0xff};
  send_all(f.line, out, sizeof out);
  pump(&f);
  n = drain(f.client, buf, sizeof buf);
  static const uint8_t want[] = {0xff, 0xff, 0x01, '\r', 0xff, 0xff};
  ck_assert_uint_eq(n, sizeof want);
  ck_assert_mem_eq(buf, want, n);
  teardown(&f);
}
END_TEST

/* A client that refuses BINARY sends CR NUL for CR (RFC 854). */
START_TEST(test_cr_nul)
{
  fixture f;
  setup(&f);
  static const uint8_t no[] = {IAC, DONT, 0,    IAC, WONT, 0,
                               'A', 'T',  '\r', 0,   'X',  '\r'};
  send_all(f.client, no, sizeof no);
  pump(&f);
  static const uint8_t nul[] = {0, 0};
  send_all(f.client, nul, sizeof nul); /* CR NUL split across reads */
  pump(&f);
  uint8_t buf[64];
  size_t n = drain(f.line, buf, sizeof buf);
  ck_assert_uint_eq(n, 6);
  ck_assert_mem_eq(buf, "AT\rX\r\0", 6);
  teardown(&f);
}
END_TEST

/* DTR changes reach the hook once each, after the payload sent before
 * them is on the line; a client that goes drops DTR. */
START_TEST(test_dtr_order_and_hangup)
{
  fixture f;
  setup(&f);
  agree(&f);
  uint8_t wire[64];
  size_t n =
      qc_cpo_cmd8(wire, sizeof wire, QC_CPO_SET_CONTROL, QC_CPO_CONTROL_DTR_ON);
  n += qc_cpo_cmd8(wire + n, sizeof wire - n, QC_CPO_SET_CONTROL,
                   QC_CPO_CONTROL_DTR_ON);
  send_all(f.client, wire, n);
  pump(&f);
  ck_assert(sim_rfc2217_dtr(f.s));
  static const char data[] = "payload";
  send_all(f.client, data, sizeof data - 1);
  n = qc_cpo_cmd8(wire, sizeof wire, QC_CPO_SET_CONTROL,
                  QC_CPO_CONTROL_DTR_OFF);
  send_all(f.client, wire, n);
  pump(&f);
  f.dtr_log[f.dtr_n] = '\0';
  ck_assert_str_eq(f.dtr_log, "+-");
  ck_assert_str_eq(f.line_at_dtr, "payload");
  n = qc_cpo_cmd8(wire, sizeof wire, QC_CPO_SET_CONTROL, QC_CPO_CONTROL_DTR_ON);
  send_all(f.client, wire, n);
  pump(&f);
  close(f.client);
  f.client = -1;
  pump(&f);
  f.dtr_log[f.dtr_n] = '\0';
  ck_assert_str_eq(f.dtr_log, "+-+-");
  ck_assert(!sim_rfc2217_connected(f.s));
  teardown(&f);
}
END_TEST

/* Over TCP: the first client is served, a second is told and closed;
 * once the first goes, the port takes a new one. The line's output
 * while nobody listens is dropped. */
START_TEST(test_one_client_at_a_time)
{
  fixture f;
  memset(&f, 0, sizeof f);
  int l[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, l), 0);
  f.line = l[0];
  f.line_srv = l[1];
  sim_rfc2217_cfg cfg = {.addr = "127.0.0.1", .line_fd = l[1]};
  char err[256];
  f.s = sim_rfc2217_new(&cfg, err, sizeof err);
  ck_assert_ptr_nonnull(f.s);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)sim_rfc2217_port(f.s))};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  send_all(f.line, "stale", 5);
  pump(&f);
  int c1 = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_eq(connect(c1, (struct sockaddr *)&a, sizeof a), 0);
  pump(&f);
  ck_assert(sim_rfc2217_connected(f.s));
  int c2 = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_eq(connect(c2, (struct sockaddr *)&a, sizeof a), 0);
  pump(&f);
  char buf[256];
  ssize_t r = recv(c2, buf, sizeof buf - 1, 0);
  ck_assert_int_gt(r, 0);
  buf[r] = '\0';
  ck_assert_ptr_nonnull(strstr(buf, "already has a client"));
  ck_assert_int_eq(recv(c2, buf, sizeof buf, 0), 0); /* then closed */
  close(c2);
  uint8_t got[64];
  size_t n = drain(c1, got, sizeof got);
  ck_assert_uint_eq(n, sizeof offer); /* "stale" was dropped */
  close(c1);
  pump(&f);
  ck_assert(!sim_rfc2217_connected(f.s));
  int c3 = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_eq(connect(c3, (struct sockaddr *)&a, sizeof a), 0);
  pump(&f);
  ck_assert(sim_rfc2217_connected(f.s));
  close(c3);
  sim_rfc2217_free(f.s);
  close(f.line);
  close(f.line_srv);
}
END_TEST

START_TEST(test_bad_address)
{
  int l[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, l), 0);
  char err[256];
  sim_rfc2217_cfg cfg = {.addr = "localhost", .line_fd = l[1]};
  ck_assert_ptr_null(sim_rfc2217_new(&cfg, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "'localhost' is not an IPv4 or IPv6"));
  cfg = (sim_rfc2217_cfg){.addr = "127.0.0.1", .port = 70000, .line_fd = l[1]};
  ck_assert_ptr_null(sim_rfc2217_new(&cfg, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "70000"));
  close(l[0]);
  close(l[1]);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sim.rfc2217");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_offer);
  tcase_add_test(tc, test_refuses_others);
  tcase_add_loop_test(tc, test_commands, 0,
                      sizeof cmd_cases / sizeof cmd_cases[0]);
  tcase_add_test(tc, test_commands_need_will);
  tcase_add_test(tc, test_iac_both_ways);
  tcase_add_test(tc, test_cr_nul);
  tcase_add_test(tc, test_dtr_order_and_hangup);
  tcase_add_test(tc, test_one_client_at_a_time);
  tcase_add_test(tc, test_bad_address);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
