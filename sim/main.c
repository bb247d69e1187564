/* qftp-sim: the simulated module. Parses arguments, creates the pty and
 * its link, then runs the one poll loop: the pty master (AT bytes), the
 * signal fd (SIGTERM/SIGINT end it), the FTP control socket, the data
 * socket, and the harness's control channel (--control-fd: "reset\n"
 * brings the module back to power-on, answered "ok\n"; "pdp-drop N\n"
 * is the network deactivating context N). */
#include "qc_io.h"
#include "qc_profile.h"
#include "qc_time.h"
#include "sim_at.h"
#include "sim_cmd.h"
#include "sim_cmd_ftp.h"
#include "sim_ctx.h"
#include "sim_dtr.h"
#include "sim_file.h"
#include "sim_ftp.h"
#include "sim_log.h"
#include "sim_outq.h"
#include "sim_pdp_loss.h"
#include "sim_power.h"
#include "sim_pty.h"
#include "sim_quirk.h"
#include "sim_slow.h"
#include "sim_rfc2217.h"
#include "sim_xfer.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define PTY_READS_MAX 16 /* reads per poll round in upload data mode */
#define OUT_DRAIN_MS 1000 /* at exit: what the host has not read by then */
#define CONTROL_LINE_MAX 64 /* "reset" and room to spare */

typedef struct {
  const char *link;
  const char *root;
  const char *profile;
  const char *profile_dir;
  const char *revision; /* --revision: what ATI and AT+GMR report */
  double scale;
  unsigned quirks;
  int control_fd; /* --control-fd, -1: none */
  sim_slow slow;  /* --slow CMD=MS rules */
  int rfc2217_port; /* --rfc2217, -1: none */
  const char *rfc2217_addr;
  bool verbose;
} options;

static void usage(FILE *to)
{
  fprintf(to, "usage: qftp-sim --link PATH [--root DIR] [--time-scale F]\n"
              "                [--profile NAME] [--profile-dir DIR]\n"
              "                [--revision REV] [--control-fd N]\n"
              "                [--rfc2217 PORT [--rfc2217-addr ADDR]]\n"
              "                [--quirk NAME]... [--list-quirks] [--verbose]\n"
              "                [--slow CMD=MS]...\n"
              "                [--help]\n"
              "--rfc2217 PORT serves the AT port as an RFC 2217 server on\n"
              "ADDR (default 127.0.0.1; PORT 0: any free one), whose DTR\n"
              "acts after AT&D; --link is then optional\n"
              "quirks:\n");
  for (size_t i = 0; i < sim_quirk_count(); i++)
    fprintf(to, "  %-30s %s\n", sim_quirk_at(i)->name, sim_quirk_at(i)->what);
}

/* 0 ok, 1 --help printed, 2 usage error. */
static int parse_args(int argc, char **argv, options *o)
{
  static const struct option longs[] = {
      {"link", required_argument, NULL, 'l'},
      {"root", required_argument, NULL, 'r'},
      {"time-scale", required_argument, NULL, 't'},
      {"profile", required_argument, NULL, 'p'},
      {"profile-dir", required_argument, NULL, 'd'},
      {"revision", required_argument, NULL, 'R'},
      {"quirk", required_argument, NULL, 'q'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {"list-quirks", no_argument, NULL, 'Q'},
      {"control-fd", required_argument, NULL, 'c'},
      {"slow", required_argument, NULL, 's'},
      {"rfc2217", required_argument, NULL, 'T'},
      {"rfc2217-addr", required_argument, NULL, 'A'},
      {NULL, 0, NULL, 0},
  };
  *o = (options){.profile = "note",
                 .profile_dir = QFTP_SOURCE_DIR "/fixtures/profiles",
                 .scale = 1.0,
                 .control_fd = -1,
                 .rfc2217_port = -1,
                 .rfc2217_addr = "127.0.0.1"};
  sim_slow_init(&o->slow);
  int ch;
  while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
    char *end;
    unsigned bit;
    switch (ch) {
    case 'l':
      o->link = optarg;
      break;
    case 'r':
      o->root = optarg;
      break;
    case 't':
      errno = 0;
      o->scale = strtod(optarg, &end);
      if (errno || end == optarg || *end || !(o->scale > 0 && o->scale <= 1)) {
        fprintf(stderr, "qftp-sim: --time-scale wants 0 < F <= 1\n");
        return 2;
      }
      break;
    case 'p':
      o->profile = optarg;
      break;
    case 'd':
      o->profile_dir = optarg;
      break;
    case 'R':
      if (!*optarg || strlen(optarg) > 100 ||
          strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789._-") != strlen(optarg)) {
        fprintf(stderr, "qftp-sim: --revision wants 1-100 of [A-Za-z0-9._-]\n");
        return 2;
      }
      o->revision = optarg;
      break;
    case 'c': /* an inherited descriptor: a stream socket of the harness */
      errno = 0;
      o->control_fd = (int)strtol(optarg, &end, 10);
      if (errno || end == optarg || *end || o->control_fd < 3 ||
          fcntl(o->control_fd, F_SETFD, FD_CLOEXEC) != 0) {
        fprintf(stderr, "qftp-sim: --control-fd wants an open descriptor "
                        ">= 3\n");
        return 2;
      }
      break;
    case 'T':
      errno = 0;
      o->rfc2217_port = (int)strtol(optarg, &end, 10);
      if (errno || end == optarg || *end || o->rfc2217_port < 0 ||
          o->rfc2217_port > 65535) {
        fprintf(stderr, "qftp-sim: --rfc2217 wants a port 0..65535\n");
        return 2;
      }
      break;
    case 'A':
      o->rfc2217_addr = optarg;
      break;
    case 'q':
      bit = sim_quirk_lookup(optarg);
      if (!bit) {
        fprintf(stderr, "qftp-sim: unknown quirk '%s'\n", optarg);
        usage(stderr);
        return 2;
      }
      o->quirks |= bit;
      break;
    case 's': { /* AT+QFTPCFG=400: its answer 400 ms (module time) late */
      char why[160];
      if (sim_slow_add(&o->slow, optarg, why, sizeof why) != 0) {
        fprintf(stderr, "qftp-sim: --slow %s\n", why);
        return 2;
      }
      break;
    }
    case 'v':
      o->verbose = true;
      break;
    case 'h':
      usage(stdout);
      return 1;
    case 'Q': /* one line per quirk: name, what deviates */
      for (size_t i = 0; i < sim_quirk_count(); i++)
        printf("%s\t%s\n", sim_quirk_at(i)->name, sim_quirk_at(i)->what);
      return 1;
    default:
      usage(stderr);
      return 2;
    }
  }
  if (optind < argc || (!o->link && o->rfc2217_port < 0)) {
    usage(stderr);
    return 2;
  }
  return 0;
}

/* Replaces a stale symlink; refuses anything else at PATH. */
static int make_link(const char *path, const char *target)
{
  struct stat st;
  if (lstat(path, &st) == 0) {
    if (!S_ISLNK(st.st_mode)) {
      sim_log("link: %s exists and is not a symlink; not replacing it", path);
      return -1;
    }
    unlink(path);
  }
  if (symlink(target, path) != 0) {
    sim_log("link: %s -> %s: %s", path, target, strerror(errno));
    return -1;
  }
  return 0;
}

/* Removes PATH only while it still points at our slave. */
static void remove_link(const char *path, const char *target)
{
  char buf[PATH_MAX];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0)
    return;
  buf[n] = '\0';
  if (strcmp(buf, target) == 0)
    unlink(path);
}

/* Open descriptors, counted at start and at exit so a leak shows in the
 * log (the e2e tests compare the two). -1 without /proc. */
static int count_fds(void)
{
  DIR *d = opendir("/proc/self/fd");
  if (!d)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    n += e->d_name[0] != '.';
  closedir(d);
  return n - 1; /* the directory's own descriptor */
}

static int rm_entry(const char *p, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  remove(p);
  return 0;
}

/* UFS/ and SD/ under root; a fresh root under $TMPDIR when none given. */
static int make_root(const char *given, char *root, size_t len, bool *ours)
{
  *ours = false;
  if (given) {
    if (mkdir(given, 0755) != 0 && errno != EEXIST) {
      sim_log("root: %s: %s", given, strerror(errno));
      return -1;
    }
    snprintf(root, len, "%s", given);
  } else {
    const char *tmp = getenv("TMPDIR");
    snprintf(root, len, "%s/qftp-sim.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
      sim_log("root: mkdtemp: %s", strerror(errno));
      return -1;
    }
    *ours = true;
  }
  static const char *const subs[] = {"UFS", "SD"};
  for (size_t i = 0; i < 2; i++) {
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s/%s", root, subs[i]);
    if (mkdir(d, 0755) != 0 && errno != EEXIST) {
      sim_log("root: %s: %s", d, strerror(errno));
      return -1;
    }
  }
  return 0;
}

static void pty_write(void *wctx, const char *buf, size_t n)
{
  sim_outq_write(wctx, buf, n);
}

/* What the handlers look up: the profile, and "sim.revision", the
 * --revision of the command line (a simulated firmware build, not a
 * behaviour a profile describes). */
typedef struct prof_view {
  const qc_profile *prof;
  const char *revision;
} prof_view;

static const char *prof_get(const void *p, const char *key)
{
  const prof_view *v = p;
  if (strcmp(key, "sim.revision") == 0)
    return v->revision;
  return qc_profile_get(v->prof, key);
}

/* Bytes from the host: file data (AT+QFUPL), data mode (1.5), or AT
 * lines (echo with ATE1, then framing, one byte at a time). */
static void on_pty_bytes(sim_ctx *c, sim_at_framer *fr, const char *b, size_t n)
{
  size_t i = 0;
  while (i < n) {
    if (c->upl) {
      i += sim_file_input(c, b + i, n - i);
      continue;
    }
    if (sim_xfer_data_mode(c->xfer)) {
      i += sim_xfer_input(c->xfer, b + i, n - i);
      continue;
    }
    /* The framer says which bytes echo: not the LF after a line's CR. */
    if (c->echo && !(c->quirks & SIM_QUIRK_NO_ECHO) &&
        sim_at_framer_echoes(fr, (unsigned char)b[i]))
      sim_out_raw(c, b + i, 1);
    sim_at_event ev = sim_at_framer_byte(fr, (unsigned char)b[i++]);
    if (ev == SIM_AT_EV_ERROR) {
      sim_log("at: garbage or overlong line");
      sim_out_error(c);
    } else if (ev == SIM_AT_EV_LINE) {
      size_t len;
      const char *line = sim_at_framer_line(fr, &len);
      sim_trace("at< %.*s", (int)strnlen(line, len), line);
      sim_cmd_dispatch(c, line, len);
    }
  }
}

static int64_t min64(int64_t a, int64_t b)
{
  return a < b ? a : b;
}

/* What the poll loop owns besides the module's context. */
typedef struct loop {
  sim_ctx *c;
  sim_outq *out;
  int master, sigfd;
  int control; /* --control-fd, or -1 */
  bool control_eof; /* the harness closed it: no longer polled */
  char cline[CONTROL_LINE_MAX + 1];
  size_t clen;
  bool coverlong; /* the line being read is too long: ignored to its end */
  sim_at_framer fr;
  sim_rfc2217 *rfc; /* --rfc2217, or NULL */
} loop;

/* Power-on without a new process: the module's state, what it had queued
 * for the host and what the host had sent it are gone, as on a fresh pty.
 * -1: out of memory (the loop ends, the harness restarts us). */
static int reset_module(loop *l)
{
  sim_log("control: reset to power-on");
  if (sim_power_reset(l->c) != 0)
    return -1;
  sim_outq_discard(l->out);
  sim_slow_discard(l->c);
  tcflush(l->master, TCIFLUSH);
  sim_at_framer_init(&l->fr);
  return 0;
}

static void control_say(loop *l, const char *s)
{
  /* A few bytes on an empty stream socket: never blocks in practice. */
  if (write(l->control, s, strlen(s)) < 0)
    sim_log("control: write: %s", strerror(errno));
}

/* One line of the control channel: "reset" -> "ok"; "pdp-drop N" (the
 * network deactivates context N, sim_pdp_loss.h) -> "ok"; else "error". */
static int control_line(loop *l, const char *line)
{
  if (strncmp(line, "pdp-drop ", 9) == 0) { /* the network's deactivation */
    control_say(l, sim_pdp_drop_request(l->c, line + 9) == 0 ? "ok\n"
                                                              : "error\n");
    return 0;
  }
  if (strcmp(line, "reset") != 0) {
    sim_log("control: unknown request '%.32s'", line);
    control_say(l, "error\n");
    return 0;
  }
  if (reset_module(l) != 0) {
    control_say(l, "error\n");
    return -1;
  }
  control_say(l, "ok\n");
  return 0;
}

/* Reads the control channel; -1 when the loop must end. */
static int on_control(loop *l)
{
  char buf[256];
  ssize_t r = read(l->control, buf, sizeof buf);
  if (r <= 0) {
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
      return 0;
    sim_log("control: closed by the harness");
    l->control_eof = true;
    return 0;
  }
  for (ssize_t i = 0; i < r; i++) {
    if (buf[i] != '\n') {
      if (l->clen < CONTROL_LINE_MAX)
        l->cline[l->clen++] = buf[i];
      else
        l->coverlong = true;
      continue;
    }
    l->cline[l->clen] = '\0';
    int rc = l->coverlong ? (control_say(l, "error\n"), 0)
                          : control_line(l, l->cline);
    l->clen = 0;
    l->coverlong = false;
    if (rc < 0)
      return -1;
  }
  return 0;
}

/* Host bytes, as many as may be taken now. An upload in data mode reads
 * on while the pty has more (a pty read gives at most 4 KiB): one poll
 * per batch, not per 4 KiB. Other input is one read per poll round, so
 * a command's effects run before the next bytes. */
static void read_pty(loop *l, size_t room)
{
  char buf[4096];
  for (int i = 0; i < PTY_READS_MAX && room > 0; i++) {
    size_t want = room < sizeof buf ? room : sizeof buf;
    ssize_t r = read(l->master, buf, want);
    if (r <= 0)
      return; /* EAGAIN: drained; EIO: the host closed (poll says so) */
    on_pty_bytes(l->c, &l->fr, buf, (size_t)r);
    room = sim_xfer_input_room(l->c->xfer);
    if (room == SIZE_MAX)
      return; /* not (or no longer) an upload in data mode */
  }
}

/* The RFC 2217 client changed DTR: what it sent before the change is in
 * the pty; the module reads it first, then sees DTR (sim_dtr.h). */
static void on_dtr(void *ctx, bool up)
{
  loop *l = ctx;
  size_t room = sim_xfer_input_room(l->c->xfer);
  if (room)
    read_pty(l, room);
  sim_dtr_changed(l->c, up);
}

static int run_loop(loop *l)
{
  sim_ctx *c = l->c;
  sim_outq *out = l->out;
  int master = l->master, sigfd = l->sigfd;
  sim_at_framer_init(&l->fr);
  for (;;) {
    /* Back-pressure: a COM: upload whose data socket is slow stops the
     * reading of the pty (the host's writes block, as on a real UART). */
    size_t room = sim_xfer_input_room(c->xfer);
    size_t queued = sim_outq_pending(out);
    size_t held = sim_slow_pending(c); /* --slow: output not yet due */
    struct pollfd p[5 + SIM_RFC2217_NFDS] = {
        {.fd = master,
         .events = (short)((room ? POLLIN : 0) | (queued ? POLLOUT : 0))},
        {.fd = sigfd, .events = POLLIN},
        {.fd = -1},
        {.fd = -1},
        {.fd = l->control_eof ? -1 : l->control, .events = POLLIN}};
    for (int i = 5; i < 5 + SIM_RFC2217_NFDS; i++)
      p[i].fd = -1;
    if (l->rfc)
      sim_rfc2217_poll_fds(l->rfc, p + 5);
    p[2].fd = sim_ftp_poll_fd(c->ftp, &p[2].events);
    p[3].fd = sim_xfer_poll_fd(c->xfer, &p[3].events);
    /* Back-pressure the other way: a host that does not read holds a
     * download's socket still, so no byte is lost (a real module's UART
     * with flow control held off). */
    if (queued + held >= SIM_OUTQ_HIGH)
      p[3].events &= (short)~POLLIN;
    int64_t dl = min64(sim_ftp_next_deadline(c->ftp),
                       min64(sim_xfer_next_deadline(c->xfer),
                             min64(sim_file_next_deadline(c),
                                   min64(sim_cmd_ftp_next_deadline(c),
                                         sim_slow_deadline(c)))));
    int tmo = dl == INT64_MAX ? -1 : qc_remaining_ms(dl);
    int n = poll(p, 5 + SIM_RFC2217_NFDS, tmo);
    if (n < 0 && errno != EINTR) {
      sim_log("poll: %s", strerror(errno));
      return 1;
    }
    if (n > 0 && (p[1].revents & POLLIN)) {
      struct signalfd_siginfo si;
      if (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        sim_log("signal %u: shutting down", si.ssi_signo);
        return 0;
      }
    }
    /* A reset first: nothing of the old state runs after it. */
    if (n > 0 && p[4].fd >= 0 && p[4].revents) {
      if (on_control(l) != 0)
        return 1;
      continue;
    }
    if (n > 0 && (p[0].revents & POLLOUT))
      sim_outq_flush(out);
    if (n > 0 && room && (p[0].revents & POLLIN))
      read_pty(l, room);
    /* The fds were chosen before the pty bytes ran commands: re-check. */
    short ev;
    if (n > 0 && p[2].fd >= 0 && p[2].revents &&
        sim_ftp_poll_fd(c->ftp, &ev) == p[2].fd)
      sim_ftp_on_event(c->ftp, p[2].revents);
    if (n > 0 && p[3].fd >= 0 && p[3].revents &&
        sim_xfer_poll_fd(c->xfer, &ev) == p[3].fd)
      sim_xfer_on_event(c->xfer, p[3].revents);
    if (l->rfc)
      sim_rfc2217_on_poll(l->rfc, p + 5);
    sim_ftp_tick(c->ftp);
    sim_xfer_tick(c->xfer);
    sim_file_tick(c);
    sim_cmd_ftp_tick(c);
    sim_slow_tick(c, qc_now_ms());
  }
}

int main(int argc, char **argv)
{
  int fds_at_start = count_fds();
  options o;
  int rc = parse_args(argc, argv, &o);
  if (rc)
    return rc == 1 ? 0 : 2;
  sim_log_set_verbose(o.verbose);

  qc_profile *prof = NULL;
  char err[512];
  if (qc_profile_load_named(o.profile_dir, o.profile, &prof, err, sizeof err)) {
    fprintf(stderr, "qftp-sim: profile '%s': %s\n", o.profile, err);
    return 2;
  }

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN); /* a reset FTP socket is an error, not a kill */
  int sigfd = signalfd(-1, &set, SFD_CLOEXEC);

  char root[PATH_MAX - 8];
  bool root_ours = false;
  int master = -1, slave = -1;
  char slave_name[128];
  rc = 1;
  if (sigfd < 0 || make_root(o.root, root, sizeof root, &root_ours) != 0)
    goto out;
  static sim_outq outq;
  char why[256 + sizeof slave_name];
  if (sim_pty_open(&master, &slave, slave_name, sizeof slave_name, why,
                   sizeof why) != 0) {
    sim_log("pty: %s", why); /* no raw mode: the host's bytes would be cooked */
    goto out;
  }
  if (sim_outq_init(&outq, master) != 0)
    goto out;
  if (o.link && make_link(o.link, slave_name) != 0)
    goto out;

  static sim_ctx c;
  sim_ctx_init(&c);
  c.write = pty_write;
  c.wctx = &outq;
  static prof_view view;
  view = (prof_view){.prof = prof, .revision = o.revision};
  c.prof_get = prof_get;
  c.prof = &view;
  c.time_scale = o.scale;
  c.quirks = o.quirks;
  c.root = root;
  c.slow = &o.slow;
  static loop l;
  l = (loop){.c = &c, .out = &outq, .master = master, .sigfd = sigfd,
             .control = o.control_fd};
  if (o.rfc2217_port >= 0) {
    sim_rfc2217_cfg rc2217 = {.addr = o.rfc2217_addr,
                              .port = o.rfc2217_port,
                              .line_fd = slave,
                              .on_dtr = on_dtr,
                              .ctx = &l};
    l.rfc = sim_rfc2217_new(&rc2217, why, sizeof why);
    if (!l.rfc) {
      sim_log("rfc2217: %s", why);
      goto off;
    }
    sim_log("rfc2217: serving the AT port on %s:%d", o.rfc2217_addr,
            sim_rfc2217_port(l.rfc));
  }
  if (sim_power_on(&c) == 0) {
    sim_log("serving %s -> %s (profile %s, root %s, scale %g)",
            o.link ? o.link : "(no link)", slave_name, o.profile, root,
            o.scale);
    rc = run_loop(&l);
  }
off:
  sim_rfc2217_free(l.rfc);
  sim_outq_drain(&outq, qc_deadline_in(OUT_DRAIN_MS));
  sim_outq_free(&outq);
  sim_power_off(&c);
  if (o.link)
    remove_link(o.link, slave_name);
out:
  if (root_ours)
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  if (master >= 0)
    close(master);
  if (slave >= 0)
    close(slave);
  if (sigfd >= 0)
    close(sigfd);
  qc_profile_free(prof);
  sim_slow_free(&o.slow);
  sim_log("exit: descriptors open: %d at start, %d at exit", fds_at_start,
          count_fds());
  if (o.control_fd >= 0)
    close(o.control_fd);
  return rc;
}
