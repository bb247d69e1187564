/* wire_bpf: two libpcap programs and a snap-length tail joined into one
 * classic BPF program (see wire_bpf.h). */
#include "wire_bpf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compile(pcap_t *p, const char *expr, struct bpf_program *prog,
                   char *err, size_t errlen)
{
  if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
    snprintf(err, errlen, "filter \"%s\": %s", expr, pcap_geterr(p));
    return -1;
  }
  return 0;
}

static struct bpf_insn ins(unsigned short code, unsigned char jt,
                           unsigned char jf, bpf_u_int32 k)
{
  struct bpf_insn i = {code, jt, jf, k};
  return i;
}

static bool is_ret_k(const struct bpf_insn *i)
{
  return BPF_CLASS(i->code) == BPF_RET && BPF_RVAL(i->code) == BPF_K;
}

/* Copies prog to out[at..], each "ret #k" turned into a jump: k != 0 to
 * index on_accept, k == 0 to on_reject (or kept, on_reject < 0). Forward
 * jumps only, as BPF wants. */
static void splice(const struct bpf_program *prog, struct bpf_insn *out,
                   size_t at, size_t on_accept, long on_reject)
{
  for (size_t i = 0; i < prog->bf_len; i++) {
    struct bpf_insn x = prog->bf_insns[i];
    size_t pc = at + i;
    if (is_ret_k(&x) && x.k != 0)
      x = ins(BPF_JMP | BPF_JA, 0, 0, (bpf_u_int32)(on_accept - pc - 1));
    else if (is_ret_k(&x) && on_reject >= 0)
      x = ins(BPF_JMP | BPF_JA, 0, 0, (bpf_u_int32)((size_t)on_reject - pc - 1));
    out[pc] = x;
  }
}

enum { TAIL_WHOLE = 2, TAIL_SNAP = 27 }; /* instructions of each tail */

/* The snap tail for link header length L: M[0] = offset of the TCP
 * payload; A = M[0] + hello or M[0] + snap, returned. */
static size_t snap_tail(struct bpf_insn *o, bpf_u_int32 L, unsigned snap)
{
  size_t n = 0;
  o[n++] = ins(BPF_LD | BPF_B | BPF_ABS, 0, 0, L);       /* 0 version */
  o[n++] = ins(BPF_ALU | BPF_RSH | BPF_K, 0, 0, 4);      /* 1 */
  o[n++] = ins(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 6);      /* 2 v6: 6 */
  o[n++] = ins(BPF_LDX | BPF_MSH | BPF_B, 0, 0, L);      /* 3 X = IHL*4 */
  o[n++] = ins(BPF_LD | BPF_B | BPF_IND, 0, 0, L + 12);  /* 4 TCP doff */
  o[n++] = ins(BPF_JMP | BPF_JA, 0, 0, 2);               /* 5 -> 8 */
  o[n++] = ins(BPF_LDX | BPF_W | BPF_IMM, 0, 0, 40);     /* 6 X = 40 */
  o[n++] = ins(BPF_LD | BPF_B | BPF_IND, 0, 0, L + 12);  /* 7 TCP doff */
  o[n++] = ins(BPF_ALU | BPF_RSH | BPF_K, 0, 0, 4);      /* 8 */
  o[n++] = ins(BPF_ALU | BPF_LSH | BPF_K, 0, 0, 2);      /* 9 TCP hlen */
  o[n++] = ins(BPF_ALU | BPF_ADD | BPF_X, 0, 0, 0);      /* 10 + IP hlen */
  o[n++] = ins(BPF_ALU | BPF_ADD | BPF_K, 0, 0, L);      /* 11 + link */
  o[n++] = ins(BPF_ST, 0, 0, 0);                         /* 12 M[0] */
  o[n++] = ins(BPF_ALU | BPF_ADD | BPF_K, 0, 0, 2);      /* 13 */
  o[n++] = ins(BPF_MISC | BPF_TAX, 0, 0, 0);             /* 14 */
  /* Loading past the end would end the program with 0 (a pure ACK
   * dropped): check the length first. */
  o[n++] = ins(BPF_LD | BPF_W | BPF_LEN, 0, 0, 0);       /* 15 */
  o[n++] = ins(BPF_JMP | BPF_JGE | BPF_X, 0, 4, 0);      /* 16 -> 17/21 */
  o[n++] = ins(BPF_LDX | BPF_MEM, 0, 0, 0);              /* 17 */
  o[n++] = ins(BPF_LD | BPF_H | BPF_IND, 0, 0, 0);       /* 18 */
  o[n++] = ins(BPF_JMP | BPF_JEQ | BPF_K, 4, 0, 0x1603); /* 19 -> 24 */
  o[n++] = ins(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 0x1403); /* 20 -> 24 */
  o[n++] = ins(BPF_LD | BPF_MEM, 0, 0, 0);               /* 21 snapped */
  o[n++] = ins(BPF_ALU | BPF_ADD | BPF_K, 0, 0, snap);   /* 22 */
  o[n++] = ins(BPF_RET | BPF_A, 0, 0, 0);                /* 23 */
  o[n++] = ins(BPF_LD | BPF_MEM, 0, 0, 0);               /* 24 a hello */
  o[n++] = ins(BPF_ALU | BPF_ADD | BPF_K, 0, 0, WIRE_BPF_HELLO_SNAP);
  o[n++] = ins(BPF_RET | BPF_A, 0, 0, 0);                /* 26 */
  return n;
}

/* Link types whose header length is fixed; -1 for the others. */
static long link_len(int dlt)
{
  switch (dlt) {
  case DLT_EN10MB: return 14;
  case DLT_RAW: return 0;
  default: return -1;
  }
}

int wire_bpf_build(pcap_t *p, const char *filter, const char *whole,
                   unsigned snap, struct bpf_program *out, char *err,
                   size_t errlen)
{
  memset(out, 0, sizeof *out);
  if (snap > WIRE_BPF_SNAP_MAX) {
    snprintf(err, errlen, "snap %u over %u", snap, WIRE_BPF_SNAP_MAX);
    return -1;
  }
  if (snap == 0)
    return compile(p, filter, out, err, errlen);
  struct bpf_program c = {0, NULL}, d = {0, NULL};
  bool has_whole = whole && *whole;
  if ((has_whole && compile(p, whole, &c, err, errlen) < 0) ||
      compile(p, filter, &d, err, errlen) < 0) {
    pcap_freecode(&c);
    return -1;
  }
  long L = link_len(pcap_datalink(p));
  size_t n = c.bf_len + d.bf_len + TAIL_WHOLE + (size_t)TAIL_SNAP;
  struct bpf_insn *o = calloc(n, sizeof *o);
  if (!o) {
    pcap_freecode(&c);
    pcap_freecode(&d);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  size_t d_at = c.bf_len, whole_at = d_at + d.bf_len;
  size_t snap_at = whole_at + TAIL_WHOLE;
  splice(&c, o, 0, whole_at, (long)d_at);
  splice(&d, o, d_at, snap_at, -1);
  o[whole_at] = ins(BPF_LD | BPF_IMM, 0, 0, WIRE_BPF_WHOLE);
  o[whole_at + 1] = ins(BPF_RET | BPF_A, 0, 0, 0);
  size_t k;
  if (L >= 0) {
    k = snap_tail(o + snap_at, (bpf_u_int32)L, snap);
  } else {
    o[snap_at] = ins(BPF_LD | BPF_IMM, 0, 0, 128 + WIRE_BPF_HELLO_SNAP);
    o[snap_at + 1] = ins(BPF_RET | BPF_A, 0, 0, 0);
    k = 2;
  }
  pcap_freecode(&c);
  pcap_freecode(&d);
  out->bf_len = (u_int)(snap_at + k);
  out->bf_insns = o;
  return 0;
}
