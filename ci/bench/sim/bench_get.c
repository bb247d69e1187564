/* bench_get: the throughput benchmark's driver (ci/bench/sim/run.sh builds
 * and runs it; see README.md there).
 *
 * Starts a vsftpd the way the runner does (servers/srv_ftp.h), seeds one
 * payload file in its home, and measures against it:
 *   raw_pty   the payload through a raw pty pair (the ceiling of data mode);
 *   curl      curl's RETR of the file to /dev/null (the ceiling of FTP);
 *   sim_com   qftp-sim's AT+QFTPGET="<file>","COM:" read over its pty link,
 *             every byte checked against the payload's SHA-256 (1.5, 3.8);
 *   sim_ufs   AT+QFTPGET="<file>","UFS:<file>" to the +QFTPGET URC, the
 *             stored file checked the same way.
 * --repeat N runs the paths N times, interleaved (raw_pty, sim, curl,
 * raw_pty, sim, curl, ...), so a drift of the machine's speed touches
 * every path alike; each run prints its own lines.
 * Prints one line per figure on stdout:
 *   RESULT <name> <bytes> <milliseconds> <check>
 * and progress on stderr. Exit 0 all measured and checked, 1 a figure is
 * missing or wrong, 2 usage or environment. Needs root (srv_ftp makes a
 * system user). SIGTERM/SIGINT stop it cleanly: the server, its user and
 * the simulator are always removed. */
#include "bench_pty.h"
#include "bench_tty.h"
#include "qc_io.h"
#include "qc_payload.h"
#include "qc_proc.h"
#include "qc_time.h"
#include "srv_ftp.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#define ERR_MAX 1024
#define LINE_MAX_AT 300 /* longest AT line we build (account strings) */
#define CHAT_MS 10000   /* one AT command's answer (FTP login included) */
#define PAYLOAD_NAME "big.bin"

typedef struct bench_opts {
  const char *sim_bin;   /* qftp-sim */
  const char *work;      /* scratch directory (exists, ours) */
  const char *templates; /* servers/vsftpd */
  uint64_t size;
  uint32_t seed;
  int xfer_s;    /* bound on each transfer */
  uint64_t mark; /* partial rate reported at this many bytes */
  int repeat;    /* how many times each path runs */
} bench_opts;

typedef unsigned char digest[32];

static void on_signal(int sig)
{
  (void)sig;
  bench_stop = 1;
}

static void result(const char *name, uint64_t bytes, int64_t ms,
                   const char *check)
{
  printf("RESULT %s %" PRIu64 " %" PRId64 " %s\n", name, bytes, ms, check);
  fflush(stdout);
}

static bool digest_done(EVP_MD_CTX *md, const digest want)
{
  digest got;
  unsigned int n = 0;
  EVP_DigestFinal_ex(md, got, &n);
  return n == sizeof got && memcmp(got, want, sizeof got) == 0;
}

static EVP_MD_CTX *digest_start(void)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
    EVP_MD_CTX_free(md);
    return NULL;
  }
  return md;
}

/* dir/name into out; false when it does not fit (never truncated). */
static bool path_in(char *out, size_t len, const char *dir, const char *name)
{
  int n = snprintf(out, len, "%s/%s", dir, name);
  return n >= 0 && (size_t)n < len;
}

/* SHA-256 of a file (the simulator's UFS copy); false if unreadable. */
static bool file_matches(const char *path, uint64_t size, const digest want)
{
  static unsigned char buf[1 << 20];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  EVP_MD_CTX *md = digest_start();
  uint64_t total = 0;
  ssize_t r = -1;
  while (fd >= 0 && md && (r = read(fd, buf, sizeof buf)) > 0) {
    EVP_DigestUpdate(md, buf, (size_t)r);
    total += (uint64_t)r;
  }
  bool ok = fd >= 0 && md && r == 0 && total == size && digest_done(md, want);
  if (fd >= 0)
    close(fd);
  EVP_MD_CTX_free(md);
  return ok;
}

/* ---- raw pty ---------------------------------------------------------- */

static int run_raw_pty(const bench_opts *o, const unsigned char *data,
                       const digest want)
{
  char err[ERR_MAX];
  int64_t ms = 0;
  uint64_t got = 0;
  EVP_MD_CTX *md = digest_start();
  if (!md)
    return -1;
  int rc = bench_pty_run(data, o->size, md, qc_deadline_in(o->xfer_s * 1000LL),
                         &ms, &got, err, sizeof err);
  if (rc == 0)
    result("raw_pty", got, ms, digest_done(md, want) ? "sha-ok" : "sha-bad");
  else
    fprintf(stderr, "bench: %s\n", err);
  EVP_MD_CTX_free(md);
  return rc;
}

/* ---- curl ------------------------------------------------------------- */

/* Waits for a child until deadline or stop; stops it then. The status, or
 * -1 when it had to be stopped. */
static int wait_child(pid_t pid, int64_t deadline)
{
  int st;
  while (qc_alive(pid, &st)) {
    if (bench_stop || qc_now_ms() >= deadline) {
      qc_stop(pid, SIGTERM, 1000);
      return -1;
    }
    qc_sleep_until(qc_deadline_in(1));
  }
  return st;
}

static int run_curl(const bench_opts *o, srv_ftp *s)
{
  char netrc[PATH_MAX], out[PATH_MAX], url[128], maxt[16], err[ERR_MAX];
  if (!path_in(netrc, sizeof netrc, o->work, "netrc") ||
      !path_in(out, sizeof out, o->work, "curl.out"))
    return -1;
  /* The password goes in a 0600 netrc file, not on a command line. */
  int nf = open(netrc, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (nf < 0 ||
      dprintf(nf, "machine %s login %s password %s\n", srv_ftp_host(s),
              srv_ftp_user(s), srv_ftp_pass(s)) < 0) {
    fprintf(stderr, "bench: %s: %s\n", netrc, strerror(errno));
    if (nf >= 0)
      close(nf);
    return -1;
  }
  close(nf);
  int of = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (of < 0)
    return -1;
  snprintf(url, sizeof url, "ftp://%s:%d/%s", srv_ftp_host(s), srv_ftp_port(s),
           PAYLOAD_NAME);
  snprintf(maxt, sizeof maxt, "%d", o->xfer_s);
  char *argv[] = {
      "curl", "-s",        "-S", "--netrc-file",     netrc, "--max-time", maxt,
      "-o",   "/dev/null", "-w", "%{size_download}", url,   NULL};
  int64_t t0 = qc_now_ms();
  pid_t pid = qc_spawn(argv, -1, of, 2, err, sizeof err);
  int st =
      pid > 0 ? wait_child(pid, qc_deadline_in(o->xfer_s * 1000LL + 2000)) : -1;
  int64_t ms = qc_now_ms() - t0;
  char text[32] = "";
  ssize_t n = pread(of, text, sizeof text - 1, 0);
  close(of);
  text[n > 0 ? n : 0] = '\0';
  unsigned long long bytes = strtoull(text, NULL, 10);
  if (pid <= 0 || st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "bench: curl failed (%s), %llu bytes\n",
            pid <= 0 ? err : "see above", bytes);
    return -1;
  }
  result("curl", bytes, ms, bytes == o->size ? "size-ok" : "size-bad");
  return bytes == o->size ? 0 : -1;
}

/* ---- qftp-sim ----------------------------------------------------------- */

/* One AT command and the answer that ends it. */
static int chat(bench_tty *t, const char *line, const char *want, int64_t ms)
{
  char err[ERR_MAX];
  int64_t dl = qc_deadline_in(ms);
  if (bench_tty_send(t, line, dl) != 0 ||
      bench_tty_expect(t, want, dl, err, sizeof err) != 0) {
    fprintf(stderr, "bench: %s: %s\n", line, err);
    return -1;
  }
  return 0;
}

/* PDP context, account, binary, passive, open (2.1, 2.2). */
static int sim_session(bench_tty *t, srv_ftp *s)
{
  char acct[LINE_MAX_AT], open_cmd[LINE_MAX_AT];
  snprintf(acct, sizeof acct, "AT+QFTPCFG=\"account\",\"%s\",\"%s\"",
           srv_ftp_user(s), srv_ftp_pass(s));
  snprintf(open_cmd, sizeof open_cmd, "AT+QFTPOPEN=\"%s\",%d", srv_ftp_host(s),
           srv_ftp_port(s));
  const char *lines[][2] = {
      {"ATE0", "OK\r\n"},
      {"AT+QIACT=1", "OK\r\n"},
      {"AT+QFTPCFG=\"contextid\",1", "OK\r\n"},
      {acct, "OK\r\n"},
      {"AT+QFTPCFG=\"filetype\",0", "OK\r\n"},
      {"AT+QFTPCFG=\"transmode\",1", "OK\r\n"},
      {open_cmd, "+QFTPOPEN: 0,0\r\n"},
  };
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
    if (chat(t, lines[i][0], lines[i][1], CHAT_MS) != 0)
      return -1;
  return 0;
}

/* AT+QFTPGET to COM: (3.8): CONNECT, exactly size bytes, OK, the URC. */
static int sim_get_com(const bench_opts *o, bench_tty *t, const digest want)
{
  char err[ERR_MAX], cmd[64], urc[64];
  snprintf(cmd, sizeof cmd, "AT+QFTPGET=\"%s\",\"COM:\"", PAYLOAD_NAME);
  snprintf(urc, sizeof urc, "\r\nOK\r\n\r\n+QFTPGET: 0,%" PRIu64 "\r\n",
           o->size);
  int64_t dl = qc_deadline_in(o->xfer_s * 1000LL);
  int64_t t0 = qc_now_ms();
  if (bench_tty_send(t, cmd, dl) != 0 ||
      bench_tty_expect(t, "CONNECT\r\n", qc_deadline_in(CHAT_MS), err,
                       sizeof err) != 0) {
    fprintf(stderr, "bench: %s: %s\n", cmd, err);
    return -1;
  }
  int64_t t_connect = qc_now_ms();
  EVP_MD_CTX *md = digest_start();
  bench_progress p = {.mark = o->mark};
  int rc = md ? bench_tty_read_payload(t, o->size, md, &p, dl) : -1;
  int64_t t_data = qc_now_ms();
  if (p.mark_ms)
    result("sim_com_first_mark", o->mark, p.mark_ms - t_connect, "n/a");
  if (rc != 0) {
    /* Too slow (or stopped): the rate so far is the figure. */
    fprintf(stderr, "bench: COM: %" PRIu64 " of %" PRIu64 " bytes in time\n",
            p.got, o->size);
    result("sim_com_partial", p.got, t_data - t_connect, "partial");
    EVP_MD_CTX_free(md);
    return -1;
  }
  bool ok = digest_done(md, want);
  EVP_MD_CTX_free(md);
  result("sim_com_data", o->size, t_data - t_connect,
         ok ? "sha-ok" : "sha-bad");
  if (bench_tty_expect(t, urc, qc_deadline_in(CHAT_MS), err, sizeof err) != 0) {
    fprintf(stderr, "bench: after the payload: %s\n", err);
    return -1;
  }
  result("sim_com", o->size, qc_now_ms() - t0, ok ? "sha-ok" : "sha-bad");
  return ok ? 0 : -1;
}

/* AT+QFTPGET to UFS: (3.8): OK, then the URC when the file is stored. */
static int sim_get_ufs(const bench_opts *o, bench_tty *t, const char *root,
                       const digest want)
{
  char err[ERR_MAX], cmd[96], urc[64], path[PATH_MAX];
  snprintf(cmd, sizeof cmd, "AT+QFTPGET=\"%s\",\"UFS:%s\"", PAYLOAD_NAME,
           PAYLOAD_NAME);
  snprintf(urc, sizeof urc, "+QFTPGET: 0,%" PRIu64 "\r\n", o->size);
  int64_t dl = qc_deadline_in(o->xfer_s * 1000LL);
  int64_t t0 = qc_now_ms();
  if (bench_tty_send(t, cmd, dl) != 0 ||
      bench_tty_expect(t, urc, dl, err, sizeof err) != 0) {
    fprintf(stderr, "bench: %s: %s\n", cmd, err);
    return -1;
  }
  int64_t ms = qc_now_ms() - t0;
  bool ok = path_in(path, sizeof path, root, "UFS/" PAYLOAD_NAME) &&
            file_matches(path, o->size, want);
  result("sim_ufs", o->size, ms, ok ? "sha-ok" : "sha-bad");
  unlink(path);
  return ok ? 0 : -1;
}

static int run_sim(const bench_opts *o, srv_ftp *s, const digest want)
{
  char link[PATH_MAX], root[PATH_MAX], logp[PATH_MAX], err[ERR_MAX];
  if (!path_in(link, sizeof link, o->work, "sim.tty") ||
      !path_in(root, sizeof root, o->work, "sim-root") ||
      !path_in(logp, sizeof logp, o->work, "sim.log") ||
      (mkdir(root, 0700) != 0 && errno != EEXIST))
    return -1;
  int lf = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (lf < 0)
    return -1;
  char *argv[] = {(char *)o->sim_bin, "--link", link, "--root", root,
                  "--time-scale",     "1",      NULL};
  pid_t pid = qc_spawn(argv, -1, -1, lf, err, sizeof err);
  close(lf);
  if (pid <= 0) {
    fprintf(stderr, "bench: qftp-sim: %s\n", err);
    return -1;
  }
  bench_tty t;
  int rc = bench_tty_open(&t, link, qc_deadline_in(5000), err, sizeof err);
  if (rc != 0)
    fprintf(stderr, "bench: %s\n", err);
  if (rc == 0)
    rc = sim_session(&t, s);
  /* A failed COM: run leaves the simulator in data mode; UFS: is skipped
   * rather than measured against a confused session. */
  if (rc == 0)
    rc = sim_get_com(o, &t, want);
  if (rc == 0)
    rc = sim_get_ufs(o, &t, root, want);
  if (rc == 0)
    rc = chat(&t, "AT+QFTPCLOSE", "+QFTPCLOSE: 0,0\r\n", CHAT_MS);
  bench_tty_close(&t);
  int st = qc_stop(pid, SIGTERM, 3000);
  char how[64];
  qc_status_str(st, how, sizeof how);
  fprintf(stderr, "bench: qftp-sim %s (log: %s)\n", how, logp);
  return rc;
}

/* The listener has been seen to die (SIGSEGV) just after a session
 * ends; a measurement then starts against a restarted one, and says so. */
static int server_ready(srv_ftp *s)
{
  char why[ERR_MAX], err[ERR_MAX];
  qc_sleep_until(qc_deadline_in(200));
  if (srv_ftp_alive(s, why, sizeof why))
    return 0;
  fprintf(stderr, "bench: vsftpd listener died (%s); restarting it\n", why);
  if (srv_ftp_restart(s, err, sizeof err) == 0)
    return 0;
  fprintf(stderr, "bench: restart: %s\n", err);
  return -1;
}

/* ---- main --------------------------------------------------------------- */

static int usage(void)
{
  fprintf(stderr, "usage: bench_get --sim QFTP_SIM --work DIR --templates DIR\n"
                  "                 [--size BYTES] [--seed N] [--timeout S]"
                  " [--mark BYTES]\n"
                  "                 [--repeat N]\n");
  return 2;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || v > max)
    return false;
  *out = v;
  return true;
}

static int parse(int argc, char **argv, bench_opts *o)
{
  static const struct option longs[] = {
      {"sim", required_argument, NULL, 's'},
      {"work", required_argument, NULL, 'w'},
      {"templates", required_argument, NULL, 't'},
      {"size", required_argument, NULL, 'n'},
      {"seed", required_argument, NULL, 'e'},
      {"timeout", required_argument, NULL, 'o'},
      {"mark", required_argument, NULL, 'm'},
      {"repeat", required_argument, NULL, 'r'},
      {NULL, 0, NULL, 0}};
  *o = (bench_opts){
      .size = 268435456, .seed = 5, .xfer_s = 300, .mark = 64 * 1024 * 1024,
      .repeat = 1};
  uint64_t v;
  int ch;
  while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
    switch (ch) {
    case 's':
      o->sim_bin = optarg;
      break;
    case 'w':
      o->work = optarg;
      break;
    case 't':
      o->templates = optarg;
      break;
    case 'n':
      /* 4 GiB: the payload is held in memory once. */
      if (!parse_u64(optarg, UINT64_C(1) << 32, &o->size) || !o->size)
        return -1;
      break;
    case 'e':
      if (!parse_u64(optarg, UINT32_MAX, &v))
        return -1;
      o->seed = (uint32_t)v;
      break;
    case 'o':
      if (!parse_u64(optarg, 3600, &v) || !v)
        return -1;
      o->xfer_s = (int)v;
      break;
    case 'm':
      if (!parse_u64(optarg, UINT64_MAX, &o->mark))
        return -1;
      break;
    case 'r':
      if (!parse_u64(optarg, 100, &v) || !v)
        return -1;
      o->repeat = (int)v;
      break;
    default:
      return -1;
    }
  }
  return o->sim_bin && o->work && o->templates && optind == argc ? 0 : -1;
}

int main(int argc, char **argv)
{
  bench_opts o;
  if (parse(argc, argv, &o) != 0)
    return usage();
  struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  /* The payload once in memory: the expected digest, and the raw pty
   * writer's source (so it costs no more than cat reading page cache). */
  unsigned char *data = malloc((size_t)o.size);
  EVP_MD_CTX *md = digest_start();
  digest want;
  unsigned int dn = 0;
  if (!data || !md) {
    fprintf(stderr, "bench: out of memory for %" PRIu64 " bytes\n", o.size);
    free(data);
    EVP_MD_CTX_free(md);
    return 2;
  }
  qc_payload_fill(o.seed, 0, data, (size_t)o.size);
  EVP_DigestUpdate(md, data, (size_t)o.size);
  EVP_DigestFinal_ex(md, want, &dn);
  EVP_MD_CTX_free(md);

  int failed = 0;
  char run_dir[PATH_MAX], err[ERR_MAX];
  if (!path_in(run_dir, sizeof run_dir, o.work, "srv")) {
    free(data);
    return usage();
  }
  srv_ftp_opts so = {
      .run_dir = run_dir, .template_dir = o.templates, .profile = "plain"};
  srv_ftp *s = NULL;
  srv_file f = {.kind = SRV_FILE_PAYLOAD,
               .path = PAYLOAD_NAME,
               .size = o.size,
               .seed = o.seed};
  if (bench_stop || srv_ftp_start(&so, &s, err, sizeof err) != 0 ||
      srv_ftp_seed_home(s, &f, 1, err, sizeof err) != 0) {
    fprintf(stderr, "bench: server: %s\n", bench_stop ? "stopped" : err);
    srv_ftp_stop(s);
    free(data);
    return 2;
  }
  fprintf(stderr, "bench: vsftpd on %s:%d, user %s\n", srv_ftp_host(s),
          srv_ftp_port(s), srv_ftp_user(s));
  /* One server for every run: its start is no path's cost. */
  for (int i = 1; i <= o.repeat && !bench_stop; i++) {
    fprintf(stderr, "bench: run %d of %d: raw pty, %" PRIu64 " bytes\n", i,
            o.repeat, o.size);
    failed |= run_raw_pty(&o, data, want) != 0;
    if (!bench_stop) {
      fprintf(stderr, "bench: run %d of %d: qftp-sim\n", i, o.repeat);
      failed |= server_ready(s) != 0 || run_sim(&o, s, want) != 0;
    }
    if (!bench_stop) {
      fprintf(stderr, "bench: run %d of %d: curl\n", i, o.repeat);
      failed |= server_ready(s) != 0 || run_curl(&o, s) != 0;
    }
  }
  free(data);
  srv_ftp_stop(s);
  return failed || bench_stop ? 1 : 0;
}
