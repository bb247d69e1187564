/* qftp-capture -i IFACE -f BPF -w FILE.pcap [-B bytes]
 *
 * Captures into a pcap until SIGTERM/SIGINT. stdout: "ready" once the
 * filter is set, then "stats received=N dropped=N ifdropped=N" at the end.
 * Errors: a message on stderr, exit 2. Immediate mode with a 256 MiB buffer:
 * the 2 MB default dropped packets on loopback (FIN and 226 among them). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAPLEN 262144
/* The ring must absorb a 64 MiB loopback transfer at full speed while the
 * writer falls behind: 16 and 64 MiB both dropped packets on 2 vCPUs. */
#define BUFFER_DEFAULT (256 << 20)
#define POLL_MS 100 /* how often the stop flag and the flush are looked at */

static volatile sig_atomic_t stop_flag;
static pcap_t *the_pcap;

static void on_signal(int sig)
{
  (void)sig;
  stop_flag = 1;
  if (the_pcap)
    pcap_breakloop(the_pcap);
}

#define USAGE                                                                  \
  "usage: qftp-capture -i IFACE -f BPF -w FILE.pcap [-B bytes]\n"              \
  "Captures into FILE.pcap until SIGTERM/SIGINT (qftp-harness starts one\n"     \
  "per case). -B: the kernel buffer, 65536..1073741824 (default 256 MiB).\n"    \
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

int main(int argc, char **argv)
{
  const char *iface = NULL, *filter = NULL, *path = NULL;
  unsigned long long bufsize = BUFFER_DEFAULT;
  int opt;
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
                    strcmp(argv[1], "-h") == 0)) {
    fputs(USAGE, stdout);
    return 0;
  }
  while ((opt = getopt(argc, argv, "i:f:w:B:")) != -1) {
    char *end;
    switch (opt) {
    case 'i': iface = optarg; break;
    case 'f': filter = optarg; break;
    case 'w': path = optarg; break;
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
  if (!iface || !filter || !path || optind != argc)
    return usage();

  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create(iface, errbuf);
  if (!p) {
    fprintf(stderr, "qftp-capture: %s: %s\n", iface, errbuf);
    return 2;
  }
  if (pcap_set_snaplen(p, SNAPLEN) || pcap_set_immediate_mode(p, 1) ||
      pcap_set_buffer_size(p, (int)bufsize) || pcap_set_promisc(p, 0))
    return die_pcap(p, "setup");
  int rc = pcap_activate(p);
  if (rc < 0)
    return die_pcap(p, iface);
  if (rc > 0)
    fprintf(stderr, "qftp-capture: warning: %s\n", pcap_geterr(p));
  struct bpf_program prog;
  if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
    return die_pcap(p, "filter");
  rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc < 0)
    return die_pcap(p, "setfilter");
  if (pcap_setnonblock(p, 1, errbuf) < 0) {
    fprintf(stderr, "qftp-capture: nonblock: %s\n", errbuf);
    pcap_close(p);
    return 2;
  }
  int fd = pcap_get_selectable_fd(p);
  pcap_dumper_t *d = pcap_dump_open(p, path);
  if (!d || fd < 0)
    return die_pcap(p, path);

  the_pcap = p;
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
  /* What the kernel already holds belongs to the capture: the last FIN. */
  for (int i = 0; i < 1000 && status == 0; i++)
    if (pcap_dispatch(p, -1, pcap_dump, (u_char *)d) <= 0)
      break;
  pcap_dump_flush(d);
  pcap_dump_close(d);
  struct pcap_stat ps;
  if (pcap_stats(p, &ps) == 0)
    printf("stats received=%u dropped=%u ifdropped=%u\n", ps.ps_recv,
           ps.ps_drop, ps.ps_ifdrop);
  else
    fprintf(stderr, "qftp-capture: stats: %s\n", pcap_geterr(p));
  fflush(stdout);
  the_pcap = NULL;
  pcap_close(p);
  return status;
}
