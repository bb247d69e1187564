/* wire_session: the command loop of qftp-capture -C (see wire_session.h). */
#include "wire_session.h"

#include "wire_bpf.h"
#include "wire_marker.h"
#include "wire_pkt.h"
#include "wire_split.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 100 /* how often the stop flag is looked at */
#define DRAIN_MAX_MS 1000 /* `end` reads what comes for at most this long */

/* How `end` knew it had every packet (the stats line's end=). */
typedef enum end_kind { END_MARKER, END_WAITED, END_LATE } end_kind;
static const char *const END_NAME[] = {
    [END_MARKER] = "marker", /* its marker came back: exact */
    [END_WAITED] = "waited", /* no marker here: waited the block timer out */
    [END_LATE] = "late",     /* the marker did not come within DRAIN_MAX_MS */
};

int wire_cmd_parse(char *line, wire_cmd *cmd, char *err, size_t errlen)
{
  memset(cmd, 0, sizeof *cmd);
  char *f[5];
  size_t n = 0;
  for (char *p = line; n < 5;) {
    f[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab)
      break;
    *tab = '\0';
    p = tab + 1;
  }
  if (strcmp(f[0], "end") == 0 && n == 1) {
    cmd->kind = WIRE_CMD_END;
    return 0;
  }
  if (strcmp(f[0], "begin") == 0 && n == 4 && *f[1] && *f[2]) {
    cmd->kind = WIRE_CMD_BEGIN;
    cmd->path = f[1];
    cmd->filter = f[2];
    cmd->whole = f[3];
    return 0;
  }
  snprintf(err, errlen, "bad command \"%.40s\" (begin<TAB>PATH<TAB>FILTER"
           "<TAB>WHOLE, or end)", f[0]);
  return -1;
}

int wire_session_drain_ms(int tov_ms)
{
  /* Two timeouts, and slack for a timer that fires late. */
  return 2 * tov_ms + 10;
}

static int64_t now_us(void)
{
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t); /* the clock packets are stamped with */
  return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

typedef struct session {
  pcap_t *p;
  int linktype;
  unsigned snap;
  int tov_ms;
  pcap_dumper_t *d; /* the open window's file; NULL between windows */
  struct pcap_stat base;
  wire_marker_tx tx;    /* fd -1: no marker on this link */
  uint32_t id, seq;     /* the markers' id, the last one sent */
  bool seen;            /* marker seq came back */
  bool warned;          /* a marker could not be sent (said once) */
  uint32_t markers, base_markers; /* own markers read: not in the stats */
  char *filter, *whole; /* the kernel's program now; NULL: reject all */
  wire_split split;
  char line[WIRE_SESSION_LINE_MAX];
  size_t nline;
} session;

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
                      const u_char *bytes)
{
  session *s = (session *)user;
  uint32_t seq;
  if (s->tx.fd >= 0 &&
      wire_marker_parse(s->linktype, bytes, h->caplen, s->id, &seq)) {
    s->markers++;
    s->seen |= seq == s->seq;
    return; /* ours, not the window's */
  }
  int64_t t = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
  wire_tcp_seg seg;
  int k = wire_pkt_decode(s->linktype, bytes, h->caplen, 0, &seg);
  if (wire_split_take(&s->split, k == 1 ? &seg : NULL, t) && s->d)
    pcap_dump((u_char *)s->d, h, bytes);
}

/* Everything the kernel has handed over. -1 on a capture error. */
static int dispatch(session *s, int *got)
{
  int n = pcap_dispatch(s->p, -1, on_packet, (u_char *)s);
  if (n == PCAP_ERROR) {
    fprintf(stderr, "qftp-capture: %s\n", pcap_geterr(s->p));
    return -1;
  }
  if (got)
    *got = n;
  return 0;
}

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

static int set_filter(session *s, const char *filter, const char *whole,
                      char *err, size_t errlen)
{
  if (s->filter && strcmp(s->filter, filter) == 0 &&
      strcmp(s->whole, whole) == 0)
    return 0;
  struct bpf_program prog;
  /* The kernel takes the markers too (kept whole), or `end` never sees
   * them. */
  char f2[WIRE_SESSION_LINE_MAX + WIRE_MARKER_EXPR_MAX];
  char w2[WIRE_SESSION_LINE_MAX + WIRE_MARKER_EXPR_MAX];
  const char *kf = filter, *kw = whole;
  if (s->tx.fd >= 0) {
    if (wire_marker_compose(filter, whole, s->id, f2, sizeof f2, w2,
                            sizeof w2) < 0) {
      snprintf(err, errlen, "filter too long");
      return -1;
    }
    kf = f2, kw = w2;
  }
  if (wire_bpf_build(s->p, kf, kw, s->snap, &prog, err, errlen) < 0)
    return -1;
  int rc = pcap_setfilter(s->p, &prog);
  pcap_freecode(&prog);
  if (rc < 0) {
    snprintf(err, errlen, "setfilter: %s", pcap_geterr(s->p));
    return -1;
  }
  char *f = strdup(filter), *w = strdup(whole);
  free(s->filter);
  free(s->whole);
  s->filter = f;
  s->whole = w;
  if (!f || !w) { /* compared again next time: set again */
    free(f), free(w);
    s->filter = s->whole = NULL;
  }
  return 0;
}

static int do_begin(session *s, const wire_cmd *c)
{
  char err[PCAP_ERRBUF_SIZE + 512];
  if (s->d) {
    reply("error a window is open (end it first)");
    return 0;
  }
  if (set_filter(s, c->filter, c->whole, err, sizeof err) < 0) {
    reply("error %s", err);
    return 0;
  }
  /* What the kernel holds now is from before the window: read it first,
   * so the flows it shows are known to have started earlier. */
  if (dispatch(s, NULL) < 0)
    return -1;
  s->d = pcap_dump_open(s->p, c->path);
  if (!s->d) {
    reply("error %s: %s", c->path, pcap_geterr(s->p));
    return 0;
  }
  if (pcap_stats(s->p, &s->base) < 0)
    memset(&s->base, 0, sizeof s->base);
  s->base_markers = s->markers;
  wire_split_begin(&s->split, now_us());
  reply("ok");
  return 0;
}

/* Without a marker: reads until the block timer has surely fired for
 * every block holding a packet from before the call. -1 on a capture
 * error. */
static int wait_blocks(session *s)
{
  int64_t t0 = mono_ms(), until = t0 + wire_session_drain_ms(s->tov_ms);
  for (;;) {
    int64_t left = until - mono_ms();
    struct pollfd pfd = {pcap_get_selectable_fd(s->p), POLLIN, 0};
    poll(&pfd, 1, left > 0 ? (int)left : 0);
    int got;
    if (dispatch(s, &got) < 0)
      return -1;
    if (left <= 0 && (got == 0 || mono_ms() - t0 >= DRAIN_MAX_MS))
      return 0;
  }
}

/* Sends a marker and reads until it comes back: the packets the kernel
 * took before it are then in hand (one ring, in order). Falls back to
 * wait_blocks when no marker can be sent. -1 on a capture error. */
static int wait_marker(session *s, end_kind *kind)
{
  char why[256];
  if (s->tx.fd < 0 ||
      wire_marker_send(&s->tx, s->id, ++s->seq, why, sizeof why) < 0) {
    if (s->tx.fd >= 0 && !s->warned) /* once: nobody drains stderr */
      fprintf(stderr, "qftp-capture: %s\n", why);
    s->warned |= s->tx.fd >= 0;
    *kind = END_WAITED;
    return wait_blocks(s);
  }
  s->seen = false;
  int64_t until = mono_ms() + DRAIN_MAX_MS;
  for (;;) {
    if (dispatch(s, NULL) < 0)
      return -1;
    if (s->seen) {
      *kind = END_MARKER;
      return 0;
    }
    int64_t left = until - mono_ms();
    if (left <= 0) {
      *kind = END_LATE;
      return 0;
    }
    /* Readiness of a TPACKET_V3 ring is not always signalled when the
     * block timer hands a block over (the marker then showed up only when
     * the poll timed out): look again after every block period. */
    struct pollfd pfd = {pcap_get_selectable_fd(s->p), POLLIN, 0};
    poll(&pfd, 1, left < s->tov_ms ? (int)left : s->tov_ms);
  }
}

/* Reads every packet captured before the call, then closes the window's
 * file and answers with its stats (the markers left out). */
static int do_end(session *s)
{
  if (!s->d) {
    reply("error no window is open");
    return 0;
  }
  wire_split_end(&s->split, now_us());
  end_kind kind;
  if (wait_marker(s, &kind) < 0)
    return -1;
  pcap_dump_flush(s->d);
  bool bad = ferror(pcap_dump_file(s->d)) != 0;
  pcap_dump_close(s->d);
  s->d = NULL;
  struct pcap_stat ps;
  if (bad) {
    reply("error writing the capture file failed");
  } else if (pcap_stats(s->p, &ps) < 0) {
    reply("error stats: %s", pcap_geterr(s->p));
  } else {
    uint32_t recv = ps.ps_recv - s->base.ps_recv;
    uint32_t marks = (s->markers - s->base_markers) * s->tx.copies;
    reply("stats received=%u dropped=%u ifdropped=%u end=%s",
          recv > marks ? recv - marks : 0, ps.ps_drop - s->base.ps_drop,
          ps.ps_ifdrop - s->base.ps_ifdrop, END_NAME[kind]);
  }
  return 0;
}

/* Runs the complete lines in s->line. -1 on a capture error. */
static int run_lines(session *s)
{
  char *nl;
  while ((nl = memchr(s->line, '\n', s->nline))) {
    *nl = '\0';
    size_t used = (size_t)(nl - s->line) + 1;
    wire_cmd c;
    char err[256];
    int rc = 0;
    if (wire_cmd_parse(s->line, &c, err, sizeof err) < 0)
      reply("error %s", err);
    else
      rc = c.kind == WIRE_CMD_BEGIN ? do_begin(s, &c) : do_end(s);
    memmove(s->line, s->line + used, s->nline - used);
    s->nline -= used;
    if (rc < 0)
      return -1;
  }
  if (s->nline == sizeof s->line) {
    reply("error command line over %d bytes", WIRE_SESSION_LINE_MAX);
    s->nline = 0;
  }
  return 0;
}

int wire_session_run(pcap_t *p, const char *iface, unsigned snap,
                     int tov_ms, int in_fd, volatile sig_atomic_t *stop)
{
  session *s = calloc(1, sizeof *s);
  if (!s) {
    fprintf(stderr, "qftp-capture: out of memory\n");
    return 2;
  }
  s->p = p;
  s->linktype = pcap_datalink(p);
  s->snap = snap;
  s->tov_ms = tov_ms;
  s->id = (uint32_t)getpid();
  char why[256];
  if (wire_marker_open(&s->tx, iface, s->linktype, why, sizeof why) < 0)
    fprintf(stderr, "qftp-capture: no end marker (%s): `end` waits %d ms\n",
            why, wire_session_drain_ms(tov_ms));
  wire_split_init(&s->split);
  int status = 0;
  bool eof = false;
  while (!*stop && !eof && status == 0) {
    struct pollfd pfd[2] = {{pcap_get_selectable_fd(p), POLLIN, 0},
                            {in_fd, POLLIN, 0}};
    if (poll(pfd, 2, POLL_MS) < 0 && errno != EINTR) {
      fprintf(stderr, "qftp-capture: poll: %s\n", strerror(errno));
      status = 2;
      break;
    }
    if (dispatch(s, NULL) < 0) {
      status = 2;
      break;
    }
    if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(in_fd, s->line + s->nline, sizeof s->line - s->nline);
      if (r < 0 && errno != EINTR && errno != EAGAIN) {
        eof = true;
      } else if (r == 0) {
        eof = true;
      } else if (r > 0) {
        s->nline += (size_t)r;
        if (run_lines(s) < 0)
          status = 2;
      }
    }
  }
  if (s->d && status == 0 && do_end(s) < 0)
    status = 2;
  if (s->d)
    pcap_dump_close(s->d);
  wire_marker_close(&s->tx);
  free(s->filter);
  free(s->whole);
  free(s);
  return status;
}
