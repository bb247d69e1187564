/* qftp-capture -i IFACE -f BPF -w FILE.pcap [-c BPF] [-s N] [-B bytes]
 *               [-t ms]
 * qftp-capture -i IFACE -C [-s N] [-B bytes] [-t ms]
 *
 * -C: one capture for a run, cut into a pcap per case on the harness's
 * commands (wire_session.h); the filters come with the commands.
 *
 * Captures into a pcap until SIGTERM/SIGINT. stdout: "ready" once the
 * filter is set, then "stats received=N dropped=N ifdropped=N" at the end
 * (counted from the moment the filter was set: only packets the filter
 * takes, so drops are of the run's own flows).
 * Errors: a message on stderr, exit 2.
 *
 * Memory: no immediate mode, so libpcap takes TPACKET_V3, whose ring
 * blocks hold packets back to back at their captured length (V2, what
 * immediate mode gets, gives every packet a slot sized for the largest
 * frame: 64 KiB on loopback). A block is handed over when full or after
 * -t ms. With -s the kernel keeps only headers and N payload bytes of
 * data packets (wire_bpf.h), so the ring needs room for headers, not for
 * the bytes of a transfer. */
#include "wire_bpf.h"
#include "wire_session.h"

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* 16 MiB = 64 blocks of 256 KiB: with data packets snapped to ~400
 * bytes that is ~40000 packets, over a second of loopback at full speed
 * (64 KiB segments) for a writer that stops. */
#define BUFFER_DEFAULT (16 << 20)
#define TIMEOUT_DEFAULT 20 /* ms before a partly filled block is handed over */
/* -C: every case's end waits for the block holding its marker (or, with
 * no marker, for wire_session_drain_ms), so blocks are handed over sooner.
 * 1 ms gained ~0.1 ms on the median `end` (~0.8 vs ~0.9 ms, 40 ends on
 * lo) and halves how long a slow reader may lag before the ring is full of
 * part-used blocks. */
#define TIMEOUT_SESSION 2
#define POLL_MS 100 /* how often the stop flag and the flush are looked at */
#define DRAIN_MAX_MS 1000 /* reading what is left after SIGTERM, at most */

static int64_t now_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
  (void)sig;
  /* No pcap_breakloop: the loop polls a non-blocking handle, and a break
   * flag left set would end the final drain before it read anything. */
  stop_flag = 1;
}

#define USAGE                                                                  \
  "usage: qftp-capture -i IFACE -f BPF -w FILE.pcap [-c BPF] [-s N]\n"         \
  "                    [-B bytes] [-t ms]\n"                                    \
  "       qftp-capture -i IFACE -C [-s N] [-B bytes] [-t ms]\n"               \
  "Captures what -f matches into FILE.pcap until SIGTERM/SIGINT. With -C,\n"  \
  "takes commands on stdin (qftp-harness starts one per run): \"begin\tPATH\t\n"\
  "FILTER\tWHOLE\" opens a case's file, \"end\" closes it and prints its stats;\n"\
  "end of input or SIGTERM stops.\n"                                           \
  "  -s N   keep headers and N TCP payload bytes (1..65535) of each packet,\n"  \
  "         16389 when it starts a TLS handshake record (default: whole)\n"    \
  "  -c BPF packets this matches are kept whole (the control connections)\n"  \
  "  -B     kernel ring, 65536..1073741824 bytes (default 16 MiB)\n"           \
  "  -t     ms before a partly filled ring block is read, 1..1000 (20; -C: 2)\n"\
  "stdout: \"ready\", then \"stats received=N dropped=N ifdropped=N\".\n"      \
  "Exit: 0 stopped by a signal, 2 on an error.\n"

static int usage(void)
{
  fputs(USAGE, stderr);
  return 2;
}

static int die_pcap(pcap_t *p, const char *what)
{
  fprintf(stderr, "qftp-capture: %s: %s\n", what, pcap_geterr(p));
  pcap_close(p);
  return 2;
}

/* -C: nothing is taken until the first case's filter comes (a program
 * that rejects every packet), SIGINT is left to the harness (a first
 * Ctrl-C lets the case end), the commands run until end of input. */
static int run_session(pcap_t *p, const char *iface, unsigned snap, int tmo)
{
  struct bpf_insn reject = BPF_STMT(BPF_RET | BPF_K, 0);
  struct bpf_program none = {1, &reject};
  char errbuf[PCAP_ERRBUF_SIZE];
  if (pcap_setfilter(p, &none) < 0)
    return die_pcap(p, "setfilter");
  if (pcap_setnonblock(p, 1, errbuf) < 0 || pcap_get_selectable_fd(p) < 0) {
    fprintf(stderr, "qftp-capture: nonblock: %s\n", errbuf);
    pcap_close(p);
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGINT, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  printf("ready\n");
  fflush(stdout);
  int status = wire_session_run(p, iface, snap, tmo, 0, &stop_flag);
  pcap_close(p);
  return status;
}

int main(int argc, char **argv)
{
  const char *iface = NULL, *filter = NULL, *path = NULL, *whole = NULL;
  unsigned long long bufsize = BUFFER_DEFAULT, snap = 0, tmo = 0;
  bool session = false;
  int opt;
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
                    strcmp(argv[1], "-h") == 0)) {
    fputs(USAGE, stdout);
    return 0;
  }
  while ((opt = getopt(argc, argv, "i:f:w:B:c:s:t:C")) != -1) {
    char *end;
    switch (opt) {
    case 'i': iface = optarg; break;
    case 'f': filter = optarg; break;
    case 'w': path = optarg; break;
    case 'c': whole = optarg; break;
    case 'C': session = true; break;
    case 's':
      errno = 0;
      snap = strtoull(optarg, &end, 10);
      if (errno || *end || snap < 1 || snap > WIRE_BPF_SNAP_MAX) {
        fprintf(stderr, "qftp-capture: -s wants 1..%u\n", WIRE_BPF_SNAP_MAX);
        return 2;
      }
      break;
    case 't':
      errno = 0;
      tmo = strtoull(optarg, &end, 10);
      if (errno || *end || tmo < 1 || tmo > 1000) {
        fprintf(stderr, "qftp-capture: -t wants 1..1000\n");
        return 2;
      }
      break;
    case 'B':
      errno = 0;
      bufsize = strtoull(optarg, &end, 10);
      if (errno || *end || bufsize < 65536 || bufsize > (1ull << 30)) {
        fprintf(stderr, "qftp-capture: -B wants 65536..1073741824\n");
        return 2;
      }
      break;
    default: return usage();
    }
  }
  if (!iface || optind != argc ||
      (session ? filter || path || whole : !filter || !path))
    return usage();
  if (!tmo)
    tmo = session ? TIMEOUT_SESSION : TIMEOUT_DEFAULT;

  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create(iface, errbuf);
  if (!p) {
    fprintf(stderr, "qftp-capture: %s: %s\n", iface, errbuf);
    return 2;
  }
  if (pcap_set_snaplen(p, (int)WIRE_BPF_WHOLE) ||
      pcap_set_timeout(p, (int)tmo) ||
      pcap_set_buffer_size(p, (int)bufsize) || pcap_set_promisc(p, 0))
    return die_pcap(p, "setup");
  int rc = pcap_activate(p);
  if (rc < 0)
    return die_pcap(p, iface);
  if (rc > 0)
    fprintf(stderr, "qftp-capture: warning: %s\n", pcap_geterr(p));
  if (session)
    return run_session(p, iface, (unsigned)snap, (int)tmo);
  struct bpf_program prog;
  char ferr[PCAP_ERRBUF_SIZE + 256];
  if (wire_bpf_build(p, filter, whole, (unsigned)snap, &prog, ferr,
                     sizeof ferr) < 0) {
    fprintf(stderr, "qftp-capture: %s\n", ferr);
    pcap_close(p);
    return 2;
  }
  rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc < 0)
    return die_pcap(p, "setfilter");
  /* What the ring took or lost before the filter was set is not the
   * run's: the counts start here (libpcap adds the kernel's counters up,
   * and reading them resets the kernel's). */
  struct pcap_stat base;
  if (pcap_stats(p, &base) < 0)
    memset(&base, 0, sizeof base);
  if (pcap_setnonblock(p, 1, errbuf) < 0) {
    fprintf(stderr, "qftp-capture: nonblock: %s\n", errbuf);
    pcap_close(p);
    return 2;
  }
  int fd = pcap_get_selectable_fd(p);
  pcap_dumper_t *d = pcap_dump_open(p, path);
  if (!d || fd < 0)
    return die_pcap(p, path);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: poll returns at once */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  printf("ready\n");
  fflush(stdout);
  int status = 0;
  while (!stop_flag) {
    struct pollfd pfd = {fd, POLLIN, 0};
    int pr = poll(&pfd, 1, POLL_MS);
    if (pr < 0 && errno != EINTR) {
      fprintf(stderr, "qftp-capture: poll: %s\n", strerror(errno));
      status = 2;
      break;
    }
    int n = pcap_dispatch(p, -1, pcap_dump, (u_char *)d);
    if (n == PCAP_ERROR) {
      fprintf(stderr, "qftp-capture: %s\n", pcap_geterr(p));
      status = 2;
      break;
    }
    pcap_dump_flush(d);
  }
  /* What the kernel already holds belongs to the capture: the last FIN,
   * maybe in a block the kernel hands over only when its timer (-t ms)
   * fires, within two periods. Read until that has passed and the ring is
   * quiet, within DRAIN_MAX_MS whatever arrives. */
  int64_t t_stop = now_ms();
  for (int quiet = 0; status == 0 && now_ms() - t_stop < DRAIN_MAX_MS;) {
    struct pollfd pfd = {fd, POLLIN, 0};
    poll(&pfd, 1, (int)tmo);
    int n = pcap_dispatch(p, -1, pcap_dump, (u_char *)d);
    if (n == PCAP_ERROR)
      break;
    quiet = n > 0 ? 0 : quiet + 1;
    if (quiet >= 2 && now_ms() - t_stop >= 3 * (int64_t)tmo)
      break;
  }
  pcap_dump_flush(d);
  pcap_dump_close(d);
  struct pcap_stat ps;
  if (pcap_stats(p, &ps) == 0)
    printf("stats received=%u dropped=%u ifdropped=%u\n",
           ps.ps_recv - base.ps_recv, ps.ps_drop - base.ps_drop,
           ps.ps_ifdrop - base.ps_ifdrop);
  else
    fprintf(stderr, "qftp-capture: stats: %s\n", pcap_geterr(p));
  fflush(stdout);
  pcap_close(p);
  return status;
}
