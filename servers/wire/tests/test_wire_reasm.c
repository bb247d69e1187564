/* wire_reasm: reordered, duplicated, overlapping and missing segments,
 * FIN vs RST and who sent them, a start without SYN, sequence wrap. */
#include "wire_reasm.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

typedef struct seg {
  int dir;        /* 0 client -> server */
  int32_t rel;    /* offset from the direction's ISN + 1 */
  const char *data;
  uint8_t flags;  /* besides ACK */
} seg;

#define END {-1, 0, NULL, 0}

typedef struct reasm_case {
  const char *name;
  bool syn;        /* a handshake precedes the segments */
  uint32_t isn;    /* client ISN */
  seg segs[10];
  const char *want; /* client stream, '#' for each missing byte */
  uint64_t missing, first_gap;
  int first_closer; /* -1 none, 0 client, 1 server */
  bool rst;
} reasm_case;

static const reasm_case cases[] = {
    {"in order", true, 1000,
     {{0, 0, "USER a\r\n", 0}, {0, 8, "PASS b\r\n", 0}, END},
     "USER a\r\nPASS b\r\n", 0, 0, -1, false},
    {"reordered", true, 1000,
     {{0, 4, "efgh", 0}, {0, 8, "ijkl", 0}, {0, 0, "abcd", 0}, END},
     "abcdefghijkl", 0, 0, -1, false},
    {"duplicate", true, 1000,
     {{0, 0, "abcd", 0}, {0, 0, "abcd", 0}, {0, 4, "efgh", 0}, END},
     "abcdefgh", 0, 0, -1, false},
    {"overlap trimmed", true, 1000,
     {{0, 0, "abcdef", 0}, {0, 3, "defghi", 0}, END}, "abcdefghi", 0, 0, -1,
     false},
    {"buffered overlap", true, 1000,
     {{0, 6, "ghij", 0}, {0, 4, "efgh", 0}, {0, 0, "abcd", 0}, END},
     "abcdefghij", 0, 0, -1, false},
    {"missing segment", true, 1000,
     {{0, 0, "abcd", 0}, {0, 8, "ijkl", 0}, END}, "abcd####ijkl", 4, 4, -1,
     false},
    {"missing before FIN", true, 1000,
     {{0, 0, "abcd", 0}, {0, 6, "", WIRE_TCP_FIN}, END}, "abcd##", 2, 4, 0,
     false},
    {"fin by client", true, 1000,
     {{0, 0, "ab", 0}, {0, 2, "", WIRE_TCP_FIN}, {1, 0, "", WIRE_TCP_FIN},
      END},
     "ab", 0, 0, 0, false},
    {"rst by server", true, 1000,
     {{0, 0, "ab", 0}, {1, 0, "", WIRE_TCP_RST}, {0, 2, "", WIRE_TCP_FIN},
      END},
     "ab", 0, 0, 1, true},
    {"no SYN", false, 5000,
     {{0, 0, "mid", 0}, {0, 3, "dle", 0}, END}, "middle", 0, 0, -1, false},
    {"sequence wraps", true, 0xfffffffc,
     {{0, 0, "abcd", 0}, {0, 4, "efgh", 0}, END}, "abcdefgh", 0, 0, -1,
     false},
};

typedef struct sink {
  char buf[256];
  size_t n;
  int closes;
} sink;

static void on_data(void *ctx, wire_conn *c, int dir, uint64_t off,
                    const uint8_t *p, size_t n, double ts)
{
  sink *s = ctx;
  (void)c, (void)off, (void)ts;
  if (dir == WIRE_C2S && s->n + n < sizeof s->buf) {
    memcpy(s->buf + s->n, p, n);
    s->n += n;
  }
}

static void on_gap(void *ctx, wire_conn *c, int dir, uint64_t off,
                   uint64_t n)
{
  sink *s = ctx;
  (void)c, (void)off;
  for (uint64_t i = 0; dir == WIRE_C2S && i < n && s->n + 1 < sizeof s->buf;
       i++)
    s->buf[s->n++] = '#';
}

/* Uncaptured bytes show as '_' (a gap as '#'). */
static void on_cut(void *ctx, wire_conn *c, int dir, uint64_t off, uint64_t n)
{
  sink *s = ctx;
  (void)c, (void)off;
  for (uint64_t i = 0; dir == WIRE_C2S && i < n && s->n + 1 < sizeof s->buf;
       i++)
    s->buf[s->n++] = '_';
}

static void on_close(void *ctx, wire_conn *c, int dir, bool rst, double ts)
{
  (void)c, (void)dir, (void)rst, (void)ts;
  ((sink *)ctx)->closes++;
}

static wire_tcp_seg mkseg(int dir, uint32_t seq, uint32_t ack, uint8_t flags,
                          const char *data)
{
  wire_tcp_seg s;
  memset(&s, 0, sizeof s);
  s.src.family = s.dst.family = 4;
  s.src.addr[0] = s.dst.addr[0] = 127;
  s.src.addr[3] = s.dst.addr[3] = 1;
  s.src.port = dir ? 21 : 40000;
  s.dst.port = dir ? 40000 : 21;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  s.payload = (const uint8_t *)data;
  s.len = data ? strlen(data) : 0;
  return s;
}

START_TEST(test_reasm_table)
{
  const reasm_case *k = &cases[_i];
  sink s;
  memset(&s, 0, sizeof s);
  wire_reasm_ops ops = {NULL, on_data, on_gap, on_close, NULL};
  wire_reasm *r = wire_reasm_new(&ops, &s);
  ck_assert_ptr_nonnull(r);
  char err[128];
  uint32_t isn[2] = {k->isn, 777000};
  if (k->syn) {
    wire_tcp_seg a = mkseg(0, isn[0], 0, WIRE_TCP_SYN, NULL);
    wire_tcp_seg b = mkseg(1, isn[1], isn[0] + 1,
                           WIRE_TCP_SYN | WIRE_TCP_ACK, NULL);
    ck_assert_int_eq(wire_reasm_feed(r, &a, err, sizeof err), 0);
    ck_assert_int_eq(wire_reasm_feed(r, &b, err, sizeof err), 0);
  } else {
    isn[0] -= 1; /* so rel 0 is the first byte seen */
    isn[1] -= 1;
  }
  for (const seg *g = k->segs; g->dir >= 0; g++) {
    wire_tcp_seg x = mkseg(g->dir, isn[g->dir] + 1 + (uint32_t)g->rel, 0,
                           g->flags, g->data);
    ck_assert_int_eq(wire_reasm_feed(r, &x, err, sizeof err), 0);
  }
  wire_reasm_finish(r);
  ck_assert_uint_eq(wire_reasm_count(r), 1);
  wire_conn *c = wire_reasm_conn(r, 0);
  s.buf[s.n] = '\0';
  ck_assert_msg(strcmp(s.buf, k->want) == 0, "%s: got \"%s\" want \"%s\"",
                k->name, s.buf, k->want);
  ck_assert_msg(c->d[0].missing == k->missing, "%s: missing %llu", k->name,
                (unsigned long long)c->d[0].missing);
  if (k->missing)
    ck_assert_uint_eq(c->d[0].first_gap, k->first_gap);
  ck_assert_int_eq(c->first_closer, k->first_closer);
  if (k->first_closer >= 0)
    ck_assert_int_eq(c->first_close_rst, k->rst);
  ck_assert_int_eq(c->no_syn, !k->syn);
  ck_assert_ptr_null(c->d[0].ooo);
  wire_reasm_free(r);
}
END_TEST

/* Only the SYN-ACK seen: its receiver is still the client. */
START_TEST(test_reasm_synack_first)
{
  wire_reasm *r = wire_reasm_new(NULL, NULL);
  char err[64];
  wire_tcp_seg b = mkseg(1, 500, 101, WIRE_TCP_SYN | WIRE_TCP_ACK, NULL);
  ck_assert_int_eq(wire_reasm_feed(r, &b, err, sizeof err), 0);
  wire_conn *c = wire_reasm_conn(r, 0);
  ck_assert_uint_eq(c->cli.port, 40000);
  ck_assert_uint_eq(c->srv.port, 21);
  ck_assert(c->no_syn);
  wire_reasm_free(r);
}
END_TEST

/* Bytes the peer acknowledged but the capture never held are missing. */
START_TEST(test_reasm_acked_but_absent)
{
  wire_reasm *r = wire_reasm_new(NULL, NULL);
  char err[64];
  wire_tcp_seg a = mkseg(0, 100, 0, WIRE_TCP_SYN, NULL);
  wire_tcp_seg b = mkseg(1, 500, 101, WIRE_TCP_SYN | WIRE_TCP_ACK, NULL);
  wire_tcp_seg d = mkseg(0, 101, 501, WIRE_TCP_ACK, "abc");
  wire_tcp_seg e = mkseg(1, 501, 101 + 3 + 10, WIRE_TCP_ACK, NULL);
  wire_reasm_feed(r, &a, err, sizeof err);
  wire_reasm_feed(r, &b, err, sizeof err);
  wire_reasm_feed(r, &d, err, sizeof err);
  wire_reasm_feed(r, &e, err, sizeof err);
  wire_reasm_finish(r);
  wire_conn *c = wire_reasm_conn(r, 0);
  ck_assert_uint_eq(c->d[0].missing, 10);
  ck_assert_uint_eq(c->d[0].first_gap, 3);
  wire_reasm_free(r);
}
END_TEST

/* A new SYN on a closed 4-tuple is a second connection. */
START_TEST(test_reasm_port_reuse)
{
  wire_reasm *r = wire_reasm_new(NULL, NULL);
  char err[64];
  wire_tcp_seg a = mkseg(0, 100, 0, WIRE_TCP_SYN, NULL);
  wire_tcp_seg x = mkseg(0, 101, 0, WIRE_TCP_RST, NULL);
  wire_tcp_seg b = mkseg(0, 9000, 0, WIRE_TCP_SYN, NULL);
  wire_reasm_feed(r, &a, err, sizeof err);
  wire_reasm_feed(r, &x, err, sizeof err);
  wire_reasm_feed(r, &a, err, sizeof err); /* retransmitted first SYN */
  ck_assert_uint_eq(wire_reasm_count(r), 1);
  wire_reasm_feed(r, &b, err, sizeof err);
  ck_assert_uint_eq(wire_reasm_count(r), 2);
  wire_reasm_free(r);
}
END_TEST

/* Segments cut by the snap length (caplen < len): in order, out of
 * order, retransmitted over a cut one, and a FIN after them. The stream
 * keeps its length; nothing is missing. */
START_TEST(test_reasm_snapped)
{
  sink k;
  memset(&k, 0, sizeof k);
  wire_reasm_ops ops = {NULL, on_data, on_gap, on_close, on_cut};
  wire_reasm *r = wire_reasm_new(&ops, &k);
  char err[64];
  wire_tcp_seg a = mkseg(0, 100, 0, WIRE_TCP_SYN, NULL);
  wire_reasm_feed(r, &a, err, sizeof err);
  wire_tcp_seg x = mkseg(0, 101, 0, WIRE_TCP_ACK, "ab"); /* 2 + 4 cut */
  x.cut = 4;
  wire_tcp_seg z = mkseg(0, 111, 0, WIRE_TCP_ACK, "kl"); /* early */
  z.cut = 1;
  wire_tcp_seg y = mkseg(0, 105, 0, WIRE_TCP_ACK, "efghij"); /* overlaps */
  wire_tcp_seg f = mkseg(0, 114, 0, WIRE_TCP_ACK | WIRE_TCP_FIN, NULL);
  ck_assert_int_eq(wire_reasm_feed(r, &x, err, sizeof err), 0);
  ck_assert_int_eq(wire_reasm_feed(r, &z, err, sizeof err), 0);
  ck_assert_int_eq(wire_reasm_feed(r, &y, err, sizeof err), 0);
  ck_assert_int_eq(wire_reasm_feed(r, &f, err, sizeof err), 0);
  wire_reasm_finish(r);
  k.buf[k.n] = '\0';
  ck_assert_str_eq(k.buf, "ab____ghijkl_");
  wire_conn *c = wire_reasm_conn(r, 0);
  ck_assert_uint_eq(c->d[0].next, 13);
  ck_assert_uint_eq(c->d[0].uncaptured, 5);
  ck_assert_uint_eq(c->d[0].missing, 0);
  ck_assert_uint_eq(c->d[0].dups, 2);
  ck_assert_uint_eq(c->d[0].fin_off, 13);
  wire_reasm_free(r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wire_reasm");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, test_reasm_table, 0,
                      (int)(sizeof cases / sizeof cases[0]));
  tcase_add_test(tc, test_reasm_synack_first);
  tcase_add_test(tc, test_reasm_acked_but_absent);
  tcase_add_test(tc, test_reasm_port_reuse);
  tcase_add_test(tc, test_reasm_snapped);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
