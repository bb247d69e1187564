/* qftp-harness: command line (run, check, list, merge, wire, diff,
 * coverage): a table of subcommands (commands[] at the end). */
#include "case_set.h"
#include "coverage.h"
#include "loop_addr.h"
#include "merge.h"
#include "netif.h"
#include "qr_diff.h"
#include "runner.h"
#include "transport.h"
#include "wire_analyze.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef QFTP_VERSION
#define QFTP_VERSION "0.1.0"
#endif

enum { MAX_QUIRKS = 32, MAX_WORKERS = 64 };

static const char usage[] =
    "usage: qftp-harness run [PATH...] [options]   run cases, write reports\n"
    "       qftp-harness check [PATH...]           validate case files only\n"
    "       qftp-harness list [PATH...] [--filter EXPR] [--tags] [--shard K/N]\n"
    "                                              print case ids (--tags:\n"
    "                                              each tag, its case count)\n"
    "       qftp-harness wire FILE.pcap [--port N]   print the FTP exchange\n"
    "                                              of a capture as a ladder\n"
    "       qftp-harness merge DIR... -o OUT         join report\n"
    "                                              directories of disjoint\n"
    "                                              runs (shards) into one\n"
    "                                              (merge --help)\n"
    "       qftp-harness diff OLD NEW [--html FILE] [--drift PCT]\n"
    "                         [--drift-min-ms MS]  compare two runs'\n"
    "                                              results.json (e.g. two\n"
    "                                              firmware builds): cases\n"
    "                                              and latency drift\n"
    "                                              (diff --help)\n"
    "       qftp-harness coverage [--json] [RESULTS]  the note's items the\n"
    "                                              passing cases cover; 1\n"
    "                                              when one is uncovered\n"
    "                                              (coverage --help)\n"
    "       qftp-harness --help | --version\n"
    "\n"
    "PATH is a case file or a directory searched for *.yaml (default: the\n"
    "cases/ directory of the project). A case's id follows its file:\n"
    "cases/faults/x.yaml is faults.x, and its id: must say so.\n"
    "\n"
    "Target (run):\n"
    "  --sim                 spawn the simulated module qftp-sim (default)\n"
    "  --device TTY          a real module on serial port TTY, or over the\n"
    "                        network: rfc2217://HOST:PORT (RFC 2217, e.g.\n"
    "                        ser2net telnet(rfc2217), labgrid\n"
    "                        NetworkSerialPort) or tcp://HOST:PORT (raw TCP:\n"
    "                        no line settings, no DTR: needs:dtr cases skip);\n"
    "                        given N times: N modules, one worker each (-j\n"
    "                        defaults to N)\n"
    "  --baud N              line speed for --device (default 115200)\n"
    "  --rtscts              RTS/CTS hardware flow control on --device\n"
    "  --device-wait S       a device that goes away (hang-up, vanished\n"
    "                        node, closed connection) is waited for up to S\n"
    "                        seconds before the next case (default 60)\n"
    "  --max-module-errors K stop the run after K consecutive cases in error\n"
    "                        because of the module's line (default 3); the\n"
    "                        rest is not run, exit status 2\n"
    "  --server-addr ADDR    IPv4 address the servers listen on and the\n"
    "                        module connects to, ${host}; required with\n"
    "                        --device (an address of this machine the\n"
    "                        module can reach); with the simulator a\n"
    "                        loopback address of the run's own, 127.77.x.y\n"
    "                        (with -j, of each worker's own). With N\n"
    "                        devices: given N times (worker K uses the\n"
    "                        K-th), or once for all when --module-addr is\n"
    "                        given N times (each capture then keeps only\n"
    "                        its module's flows)\n"
    "  --capture-if IFACE    interface the run's capture (each case's wire.pcap)\n"
    "                        listens on (default: the one holding\n"
    "                        --server-addr, lo with the simulator)\n"
    "  --module-addr ADDR    the module's IP address as the servers see it:\n"
    "                        the capture keeps only its flows with the\n"
    "                        servers (default: with the simulator the\n"
    "                        address this machine connects from; with\n"
    "                        --device any address); with N devices, once\n"
    "                        or N times, as --server-addr\n"
    "Selection and expectations:\n"
    "  --filter EXPR         comma-separated terms: an id glob (open.*),\n"
    "                        tag:GLOB (tag:reply:4*), and !TERM to exclude;\n"
    "                        a term that matches no case is an error\n"
    "  --shard K/N           (run, list) only shard K of N of the selected\n"
    "                        cases: round-robin over the ids in order (case\n"
    "                        i, from 0, is in shard i mod N + 1), so each\n"
    "                        shard gets its share of every family; join the\n"
    "                        shards' report directories with merge\n"
    "  --profile NAME        module profile from fixtures/profiles (default\n"
    "                        note); the simulator plays the same profile\n"
    "  --sim-quirk NAME      handed to qftp-sim --quirk (repeatable)\n"
    "  --sim-slow CMD=MS     handed to qftp-sim --slow (repeatable): the\n"
    "                        simulator holds what it says after CMD (e.g.\n"
    "                        AT+QFTPCFG) for MS ms of module time; every\n"
    "                        case checks the note's maximum response times\n"
    "                        (tolerance and host margin: profile keys\n"
    "                        response.*), so a slow enough CMD fails them\n"
    "  --sim-revision REV    handed to qftp-sim --revision: the firmware\n"
    "                        revision the simulator reports (ATI, AT+GMR),\n"
    "                        to tell two simulated builds apart in diff\n"
    "  --time-scale F        handed to qftp-sim; every duration a case states\n"
    "                        (step timeouts, sleeps, guard times, fault\n"
    "                        delays) is module time and scales with it\n"
    "                        (default 0.05 with --sim, 1 with --device; with\n"
    "                        --device to a qftp-sim started by hand, give\n"
    "                        the scale it was started with)\n"
    "  --waivers FILE        known failures (run, check): YAML\n"
    "                          waivers:\n"
    "                            - case: ID-OR-GLOB\n"
    "                              reason: TEXT\n"
    "                              reference: BUG-URL-OR-DOCUMENT\n"
    "                              revision: REV      (optional)\n"
    "                        a failed case a waiver names is reported as\n"
    "                        waived (its failure kept); a waiver whose case\n"
    "                        passed is stale, one of no case unmatched:\n"
    "                        warnings\n"
    "  --module-revision REV the module's firmware revision, recorded in\n"
    "                        results.json; a waiver with a revision applies\n"
    "                        only when it equals REV (default: the revision\n"
    "                        the module reports in the preflight)\n"
    "Preflight (run): before the first case, and again when a lost device\n"
    "  comes back, the module must answer AT (a guarded +++ first if it\n"
    "  sits in data mode), take ATE1, report its identity (ATI, AT+GMR,\n"
    "  AT+CGMM, AT+CGSN), have its SIM ready (AT+CPIN?) and the FTP(S)\n"
    "  commands (AT+QFTPCFG=?); AT+QIACT? shows its addresses. The exchange\n"
    "  is in preflight.txt of the report directory; the identity is in\n"
    "  every report (the IMEI masked but for its last 4 digits). A module\n"
    "  that fails it stops the run before any case, exit status 2.\n"
    "Output:\n"
    "  --report-dir DIR      where results.json, junit.xml, report.html,\n"
    "                        results.tap and cases/<id>/ go (default\n"
    "                        ./qftp-reports)\n"
    "  -j N, --jobs N        N workers side by side (default 1; 1..64), each\n"
    "                        with its own simulator (or --device), address,\n"
    "                        servers, proxy and capture, taking the next case\n"
    "                        as it finishes one; progress lines are prefixed\n"
    "                        [wK], the reports are merged in case order;\n"
    "                        each worker's console, preflight and simulator\n"
    "                        log are in DIR/workers/wK\n"
    "  -v, --verbose         more progress output\n"
    "Locations:\n"
    "  --home DIR            project directory holding cases/, fixtures/,\n"
    "                        servers/ (default $QFTP_HOME, else the source\n"
    "                        tree this program was built from)\n"
    "  --sim-binary PATH     qftp-sim to spawn (default: beside this program)\n"
    "\n"
    "Exit status: 0 all cases passed (or were skipped or waived; stale\n"
    "waivers are warnings), 1 some case failed, 2 usage, case-file,\n"
    "waivers-file or environment error: a case that could not run (verdict\n"
    "error), or an interrupted run. diff: 1 when a case that passed in OLD\n"
    "fails or errs in NEW (pass -> skip, pass -> waived, cases not run and\n"
    "latency drift are listed, not counted); 2 when NEW did not run to the\n"
    "end and nothing regressed. wire: 1 when the capture is damaged\n"
    "(printed up to the damage). merge: as run's, from the merged verdicts (2 also when a\n"
    "part was interrupted, a case id is in two parts or the parts'\n"
    "profiles differ). run -j N: as a single run's.\n"
    "A run needs root: it creates a system user for vsftpd.\n";

enum {
  OPT_SIM = 256,
  OPT_DEVICE,
  OPT_BAUD,
  OPT_RTSCTS,
  OPT_DEVICE_WAIT,
  OPT_MAX_MODULE_ERRORS,
  OPT_REPORT_DIR,
  OPT_FILTER,
  OPT_PROFILE,
  OPT_QUIRK,
  OPT_SLOW,
  OPT_SCALE,
  OPT_SERVER,
  OPT_HOME,
  OPT_SIMBIN,
  OPT_CAPTURE_IF,
  OPT_MODULE_ADDR,
  OPT_TAGS,
  OPT_WAIVERS,
  OPT_REVISION,
  OPT_SIM_REVISION,
  OPT_SHARD,
  OPT_HELP,
  OPT_VERSION,
};

static const struct option longopts[] = {
    {"sim", no_argument, NULL, OPT_SIM},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"baud", required_argument, NULL, OPT_BAUD},
    {"rtscts", no_argument, NULL, OPT_RTSCTS},
    {"device-wait", required_argument, NULL, OPT_DEVICE_WAIT},
    {"max-module-errors", required_argument, NULL, OPT_MAX_MODULE_ERRORS},
    {"report-dir", required_argument, NULL, OPT_REPORT_DIR},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"sim-quirk", required_argument, NULL, OPT_QUIRK},
    {"sim-slow", required_argument, NULL, OPT_SLOW},
    {"time-scale", required_argument, NULL, OPT_SCALE},
    {"server-addr", required_argument, NULL, OPT_SERVER},
    {"home", required_argument, NULL, OPT_HOME},
    {"sim-binary", required_argument, NULL, OPT_SIMBIN},
    {"capture-if", required_argument, NULL, OPT_CAPTURE_IF},
    {"module-addr", required_argument, NULL, OPT_MODULE_ADDR},
    {"tags", no_argument, NULL, OPT_TAGS},
    {"waivers", required_argument, NULL, OPT_WAIVERS},
    {"module-revision", required_argument, NULL, OPT_REVISION},
    {"sim-revision", required_argument, NULL, OPT_SIM_REVISION},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"jobs", required_argument, NULL, 'j'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static int bad_usage(const char *fmt, const char *arg)
{
  fprintf(stderr, "qftp-harness: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'qftp-harness --help'.\n");
  return QH_EXIT_ENV;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

/* qftp-sim, qftp-proxy and qftp-capture live beside qftp-harness in the
 * build tree; otherwise they are looked up in PATH. */
static void beside_self(const char *name, char *buf, size_t len)
{
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash) {
      *slash = '\0';
      if (strlen(self) + strlen(name) + 2 <= len) {
        memcpy(buf, self, strlen(self));
        buf[strlen(self)] = '/';
        memcpy(buf + strlen(self) + 1, name, strlen(name) + 1);
        if (access(buf, X_OK) == 0)
          return;
      }
    }
  }
  snprintf(buf, len, "%s", name); /* from PATH */
}

static bool is_help(const char *arg)
{
  return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* `wire FILE.pcap [--port N]`: any capture, ours or one from the field. */
static int wire_main(int argc, char **argv)
{
  const char *pcap = NULL;
  long port = 0;
  for (int i = 2; i < argc; i++) {
    if (is_help(argv[i])) {
      fputs(usage, stdout);
      return QH_EXIT_PASS;
    } else if (strcmp(argv[i], "--port") == 0) {
      if (i + 1 == argc)
        return bad_usage("%s", "wire: --port needs a value (the FTP control "
                               "port)");
      if (parse_long(argv[++i], 1, 65535, &port) < 0)
        return bad_usage("--port: bad value '%s'", argv[i]);
    } else if (argv[i][0] == '-') {
      return bad_usage("wire: unknown option '%s'", argv[i]);
    } else if (!pcap) {
      pcap = argv[i];
    } else {
      return bad_usage("%s", "wire: one capture file at a time");
    }
  }
  if (!pcap)
    return bad_usage("%s", "wire: name a capture file (FILE.pcap)");
  char err[512];
  int rc = wire_ladder_print(pcap, (int)port, stdout, err, sizeof err);
  if (rc < 0) {
    fprintf(stderr, "qftp-harness: wire: %s\n", err);
    return QH_EXIT_ENV;
  }
  if (rc == 1) { /* printed up to the damage */
    fflush(stdout);
    fprintf(stderr, "qftp-harness: wire: warning: %s\n", err);
    return QH_EXIT_FAIL;
  }
  return QH_EXIT_PASS;
}

static const char diff_usage[] =
    "usage: qftp-harness diff OLD NEW [--html FILE] [--drift PCT]\n"
    "                         [--drift-min-ms MS]\n"
    "Compares two runs (e.g. two firmware builds): OLD and NEW are each a\n"
    "results.json or the report directory holding it. Prints the two modules,\n"
    "warnings when the models, profile, target or time scale differ or a run\n"
    "was interrupted (or had not finished), then one line per case that\n"
    "differs: regressed (pass -> fail or error), fixed, changed (the old\n"
    "reason on a \"was:\" line), skipped, waived, new, removed, not run (a\n"
    "case an interrupted run lacks, or one cut short: never a regression).\n"
    "Reasons are compared with absolute paths normalised (cases/...,\n"
    "<report>/..., .../last/two), so a run copied elsewhere is unchanged.\n"
    "Latency: per command family and kind (ok, connect, urc), p50 and p95\n"
    "of OLD and NEW; a family whose p50 moved by more than PCT percent and\n"
    "at least MS milliseconds is listed as drifted.\n"
    "  --html FILE       also write the comparison as one HTML page\n"
    "  --drift PCT       drift threshold in percent of OLD's p50 (default 25)\n"
    "  --drift-min-ms MS and at least this many ms (default 5)\n"
    "Exit status: 0 no regression, 1 a case regressed, 2 an error (a file\n"
    "that cannot be read or is not a results.json, bad usage) or a NEW run\n"
    "that did not run to the end (interrupted, or still running) with no\n"
    "regression: its missing cases are not run, so it cannot pass a gate.\n";

static int diff_bad(const char *fmt, const char *arg)
{
  fprintf(stderr, "qftp-harness: diff: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'qftp-harness diff --help'.\n");
  return QH_EXIT_ENV;
}

/* A threshold: a finite number >= 0. */
static int parse_threshold(const char *s, double *out)
{
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !(v >= 0) || v > 1e9)
    return -1;
  *out = v;
  return 0;
}

/* A diff option's value: "--opt VALUE" or "--opt=VALUE"; NULL when the
 * argument is not opt, or is and has no value (*missing set). *i moves
 * past what was used. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt,
                             bool *missing)
{
  size_t k = strlen(opt);
  const char *a = argv[*i];
  if (strncmp(a, opt, k) != 0)
    return NULL;
  if (a[k] == '=')
    return a + k + 1;
  if (a[k] != '\0')
    return NULL;
  if (*i + 1 == argc) {
    *missing = true;
    return NULL;
  }
  return argv[++*i];
}

/* `diff OLD NEW`: a results.json (or the report directory holding it) of
 * each run; exit 1 when a case that passed before does not now. */
static int diff_main(int argc, char **argv)
{
  const char *args[2], *html = NULL;
  int nargs = 0;
  qr_diff_opts o = qr_diff_opts_default();
  for (int i = 2; i < argc; i++) {
    const char *v;
    bool missing = false;
    if (is_help(argv[i])) {
      fputs(diff_usage, stdout);
      return QH_EXIT_PASS;
    } else if ((v = opt_value(argc, argv, &i, "--html", &missing))) {
      html = v;
    } else if ((v = opt_value(argc, argv, &i, "--drift", &missing))) {
      if (parse_threshold(v, &o.drift_pct) < 0)
        return diff_bad("--drift: bad value '%s' (a percentage >= 0)", v);
    } else if ((v = opt_value(argc, argv, &i, "--drift-min-ms", &missing))) {
      if (parse_threshold(v, &o.drift_min_ms) < 0)
        return diff_bad("--drift-min-ms: bad value '%s' (ms >= 0)", v);
    } else if (missing) {
      return diff_bad("%s needs a value", argv[i]);
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return diff_bad("unknown option '%s'", argv[i]);
    } else if (nargs == 2) {
      return diff_bad("%s", "name two results.json files (or report "
                            "directories)");
    } else {
      args[nargs++] = argv[i];
    }
  }
  if (nargs != 2)
    return bad_usage("%s", "diff: name two results.json files (or report "
                           "directories)");
  char paths[2][PATH_MAX];
  for (int i = 0; i < 2; i++) {
    const char *p = args[i];
    struct stat st;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') /* "A/" names A */
      n--;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
      snprintf(paths[i], sizeof paths[i], "%.*s/results.json", (int)n, p);
    else
      snprintf(paths[i], sizeof paths[i], "%s", p);
  }
  char err[512];
  qr_diff_result *d = qr_diff_open(paths[0], paths[1], &o, err, sizeof err);
  if (!d) {
    fprintf(stderr, "qftp-harness: diff: %s\n", err);
    return QH_EXIT_ENV;
  }
  qr_diff_text(d, stdout);
  fflush(stdout);
  qr_diff_counts c = qr_diff_get_counts(d);
  /* Regressions are news even from a run cut short; without them, a NEW
   * that did not run to the end cannot pass a gate. */
  int rc = c.regressed ? QH_EXIT_FAIL : QH_EXIT_PASS;
  if (!c.regressed && c.new_incomplete) {
    fprintf(stderr, "qftp-harness: diff: NEW did not run to the end (see the "
                    "warning above): its missing cases are not run, so no "
                    "verdict\n");
    rc = QH_EXIT_ENV;
  }
  if (html && qr_diff_write_html(d, html, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: diff: %s\n", err);
    rc = QH_EXIT_ENV;
  }
  qr_diff_free(d);
  return rc;
}

/* `run`, `check`, `list`: the commands that load cases (argv[1] says
 * which). */
static int cases_main(int argc, char **argv)
{
  const char *cmd = argv[1];
  qh_run_opts o = {.baud = 115200,
                   .device_wait_s = 60,
                   .max_module_errors = 3,
                   .report_dir = "qftp-reports",
                   .profile = "note",
                   .time_scale = -1,
                   .server_addr = NULL,
                   .capture_if = NULL};
  const char *quirks[MAX_QUIRKS], *slows[MAX_QUIRKS];
  size_t nquirks = 0, nslows = 0;
  char sim_bin[PATH_MAX] = "";
  long jobs = 0; /* 0: not given */
  const char *devices[MAX_WORKERS], *servers[MAX_WORKERS],
      *modules[MAX_WORKERS];
  size_t ndevices = 0, nservers = 0, nmodules = 0;
  const char *env_home = getenv("QFTP_HOME");
  o.home = env_home && *env_home ? env_home : QFTP_SOURCE_DIR;

  optind = 2;
  int c;
  bool baud_set = false;
  while ((c = getopt_long(argc, argv, "vhj:", longopts, NULL)) != -1) {
    long v;
    switch (c) {
    case OPT_SIM:
      o.device = NULL;
      ndevices = 0;
      break;
    case OPT_DEVICE:
      if (ndevices == MAX_WORKERS)
        return bad_usage("%s", "--device: at most 64 devices");
      devices[ndevices++] = optarg;
      o.device = devices[0];
      break;
    case OPT_BAUD:
      if (parse_long(optarg, 300, 4000000, &v) < 0 || !qh_tty_speed((int)v))
        return bad_usage("--baud: '%s' is not a supported rate (9600, 19200, "
                         "38400, 57600, 115200, 230400, 460800, 921600, "
                         "1000000, 1500000, 2000000, 3000000, 4000000)",
                         optarg);
      o.baud = (int)v;
      baud_set = true;
      break;
    case OPT_RTSCTS:
      o.rtscts = true;
      break;
    case OPT_DEVICE_WAIT:
      if (parse_long(optarg, 0, 3600, &v) < 0)
        return bad_usage("--device-wait: '%s' is not 0..3600 seconds", optarg);
      o.device_wait_s = (int)v;
      break;
    case OPT_MAX_MODULE_ERRORS:
      if (parse_long(optarg, 1, 100000, &v) < 0)
        return bad_usage("--max-module-errors: '%s' is not a count >= 1",
                         optarg);
      o.max_module_errors = (int)v;
      break;
    case OPT_REPORT_DIR:
      o.report_dir = optarg;
      break;
    case OPT_FILTER:
      o.filter = optarg;
      break;
    case OPT_PROFILE:
      o.profile = optarg;
      break;
    case OPT_QUIRK:
      if (nquirks == MAX_QUIRKS)
        return bad_usage("%s", "too many --sim-quirk options");
      quirks[nquirks++] = optarg;
      break;
    case OPT_SLOW:
      /* qftp-sim checks CMD and MS and says why it refuses them. */
      if (nslows == MAX_QUIRKS)
        return bad_usage("%s", "too many --sim-slow options");
      if (!strchr(optarg, '='))
        return bad_usage("--sim-slow: '%s' is not CMD=MS", optarg);
      slows[nslows++] = optarg;
      break;
    case OPT_SCALE: {
      char *end;
      errno = 0;
      double d = strtod(optarg, &end);
      if (errno || end == optarg || *end || !(d > 0 && d <= 1))
        return bad_usage("--time-scale: '%s' is not in (0, 1]", optarg);
      o.time_scale = d;
      break;
    }
    case OPT_SERVER:
      if (nservers == MAX_WORKERS)
        return bad_usage("%s", "--server-addr: at most 64 addresses");
      servers[nservers++] = optarg;
      o.server_addr = servers[0];
      break;
    case OPT_HOME:
      o.home = optarg;
      break;
    case OPT_SIMBIN:
      snprintf(sim_bin, sizeof sim_bin, "%s", optarg);
      break;
    case OPT_CAPTURE_IF:
      o.capture_if = optarg;
      break;
    case OPT_MODULE_ADDR: {
      unsigned char a[16];
      if (inet_pton(AF_INET, optarg, a) != 1 &&
          inet_pton(AF_INET6, optarg, a) != 1)
        return bad_usage("--module-addr: '%s' is not an IPv4 or IPv6 "
                         "address",
                         optarg);
      if (nmodules == MAX_WORKERS)
        return bad_usage("%s", "--module-addr: at most 64 addresses");
      modules[nmodules++] = optarg;
      o.module_addr = modules[0];
      break;
    }
    case OPT_SHARD: {
      char why[128];
      if (strcmp(cmd, "check") == 0)
        return bad_usage("%s", "--shard goes with run or list");
      if (qh_shard_parse(optarg, &o.shard, why, sizeof why) < 0)
        return bad_usage("--shard: %s", why);
      break;
    }
    case OPT_TAGS:
      if (strcmp(cmd, "list") != 0)
        return bad_usage("%s", "--tags goes with list");
      o.list_tags = true;
      break;
    case OPT_WAIVERS:
      if (strcmp(cmd, "list") == 0)
        return bad_usage("%s", "--waivers goes with run or check");
      o.waivers_path = optarg;
      break;
    case OPT_REVISION:
      if (!*optarg || strlen(optarg) > 128 || strpbrk(optarg, "\r\n\t"))
        return bad_usage("--module-revision: '%s' is not one line of 1-128 "
                         "characters",
                         optarg);
      o.module_revision = optarg;
      break;
    case OPT_SIM_REVISION:
      if (!*optarg || strlen(optarg) > 100 ||
          strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789._-") != strlen(optarg))
        return bad_usage("--sim-revision: '%s' is not 1-100 of [A-Za-z0-9._-]",
                         optarg);
      o.sim_revision = optarg;
      break;
    case 'v':
      o.verbose = true;
      break;
    case 'j':
      if (parse_long(optarg, 1, MAX_WORKERS, &jobs) < 0)
        return bad_usage("-j/--jobs: '%s' is not a count of workers 1..64",
                         optarg);
      break;
    case 'h':
    case OPT_HELP:
      fputs(usage, stdout);
      return 0;
    case OPT_VERSION:
      printf("qftp-harness %s\n", QFTP_VERSION);
      return 0;
    default:
      fprintf(stderr, "Try 'qftp-harness --help'.\n");
      return QH_EXIT_ENV;
    }
  }
  bool run = strcmp(cmd, "run") == 0;
  if (jobs && !run)
    return bad_usage("%s", "-j/--jobs goes with run");
  if (jobs == 0)
    jobs = ndevices > 1 ? (long)ndevices : 1;
  if (ndevices > 1 && jobs != (long)ndevices)
    return bad_usage("%s", "-j: with N --device options, one worker per "
                           "device: -j N or no -j");
  if (o.device && ndevices == 1 && jobs > 1)
    return bad_usage("%s", "-j: one --device is one module, one worker: "
                           "give --device once per worker");
  if (run && jobs > 1) {
    size_t per = ndevices ? ndevices : (size_t)jobs;
    if (nservers > 1 && nservers != per)
      return bad_usage("%s", "--server-addr: give it once per worker, or "
                             "(with devices) once for all");
    if (nmodules > 1 && nmodules != per)
      return bad_usage("%s", "--module-addr: give it once per worker, or "
                             "once for all");
    if (!ndevices && nservers == 1)
      return bad_usage("%s", "--server-addr with -j and the simulator: once "
                             "per worker, or none (each worker claims a "
                             "loopback address of its own)");
    if (ndevices && nservers == 1 && nmodules != ndevices)
      return bad_usage("%s", "--server-addr once for several devices needs "
                             "--module-addr once per device (each worker's "
                             "capture keeps only its module's flows)");
  } else if (nservers > 1 || nmodules > 1 || ndevices > 1) {
    return bad_usage("%s", "--device, --server-addr and --module-addr are "
                           "given once per worker only with -j N");
  }
  o.jobs = (int)jobs;
  o.devices = devices;
  o.ndevices = ndevices;
  o.server_addrs = servers;
  o.nserver_addrs = nservers;
  o.module_addrs = modules;
  o.nmodule_addrs = nmodules;
  char why[128];
  if (qh_filter_check(o.filter, why, sizeof why) < 0) {
    fprintf(stderr, "qftp-harness: --filter '%s': %s\nTry 'qftp-harness "
                    "--help'.\n",
            o.filter, why);
    return QH_EXIT_ENV;
  }
  if (run && o.device && strncmp(o.device, "tcp://", 6) == 0 &&
      (baud_set || o.rtscts))
    fprintf(stderr, "qftp-harness: warning: --baud and --rtscts do not apply "
                    "to tcp:// (raw TCP carries no line settings: set them "
                    "on the server, or use rfc2217://)\n");
  if (run && !o.device && (baud_set || o.rtscts))
    fprintf(stderr, "qftp-harness: warning: --baud and --rtscts apply to "
                    "--device only; the simulator's pty ignores them\n");
  o.paths = (const char *const *)argv + optind;
  o.npaths = (size_t)(argc - optind);
  o.quirks = quirks;
  o.nquirks = nquirks;
  o.slows = slows;
  o.nslows = nslows;
  if (o.time_scale < 0)
    o.time_scale = o.device ? 1.0 : 0.05;
  /* With the simulator, the run's servers get a loopback address of their
   * own (all of 127/8 is local): the capture filter "host ADDR" then sees
   * this run's traffic and nothing else on lo. A run claims it for its
   * lifetime (loop_addr.h), so concurrent runs never share one; check and
   * list only name one. */
  char loop_addr[32];
  static qh_loop_addr loop = {.fd = -1};
  if (!o.server_addr && o.device && strcmp(cmd, "run") == 0)
    return bad_usage("%s", "--device needs --server-addr (an address of this "
                           "machine the module reaches)");
  if (!o.server_addr && run && jobs > 1) {
    /* each worker claims its own (run_par.c) */
  } else if (!o.server_addr && run) {
    char err[256];
    if (qh_loop_claim((unsigned)getpid(), QH_LOOP_TRIES, QH_LOOP_CLAIM_PORT,
                      &loop, err, sizeof err) < 0) {
      fprintf(stderr, "qftp-harness: %s\n", err);
      return QH_EXIT_ENV;
    }
    o.server_addr = loop.addr;
  } else if (!o.server_addr) {
    qh_loop_candidate((unsigned)getpid(), loop_addr, sizeof loop_addr);
    o.server_addr = loop_addr;
  } else if (run) {
    for (size_t i = 0; i < nservers; i++)
      if (!qh_netif_local_ipv4(servers[i]))
        return bad_usage("--server-addr: '%s' is not an IPv4 address of "
                         "this machine",
                         servers[i]);
  }
  if (o.device && nquirks)
    return bad_usage("%s", "--sim-quirk needs the simulator, not --device");
  if (o.device && nslows)
    return bad_usage("%s", "--sim-slow needs the simulator, not --device");
  if (o.device && o.sim_revision)
    return bad_usage("%s", "--sim-revision needs the simulator, not --device");
  /* The capture listens where the module's packets arrive: the interface
   * that holds the servers' address (lo for the simulator's 127.77.x.y). */
  char capture_if[64];
  if (run && o.capture_if && !qh_netif_exists(o.capture_if))
    return bad_usage("--capture-if: no network interface '%s' on this "
                     "machine",
                     o.capture_if);
  if (!o.capture_if && jobs > 1) {
    /* each worker's own, from its address (run_par.c) */
  } else if (!o.capture_if) {
    if (qh_netif_for_addr(o.server_addr, capture_if, sizeof capture_if) < 0)
      snprintf(capture_if, sizeof capture_if, "lo");
    o.capture_if = capture_if;
  }
  struct stat st;
  if (sim_bin[0] && !o.device && run) {
    const char *why = NULL;
    if (stat(sim_bin, &st) < 0)
      why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
      why = "not a file";
    else if (access(sim_bin, X_OK) < 0)
      why = "not executable";
    if (why) {
      fprintf(stderr, "qftp-harness: --sim-binary %s: %s\n", sim_bin, why);
      return QH_EXIT_ENV;
    }
  }
  if (!sim_bin[0])
    beside_self("qftp-sim", sim_bin, sizeof sim_bin);
  o.sim_binary = sim_bin;
  char proxy_bin[PATH_MAX], capture_bin[PATH_MAX];
  beside_self("qftp-proxy", proxy_bin, sizeof proxy_bin);
  beside_self("qftp-capture", capture_bin, sizeof capture_bin);
  o.proxy_binary = proxy_bin;
  o.capture_binary = capture_bin;

  if (strcmp(cmd, "check") == 0)
    return qh_check(&o);
  if (strcmp(cmd, "list") == 0)
    return qh_list(&o);
  if (geteuid() != 0) {
    fprintf(stderr, "qftp-harness: run needs root (it creates a system user "
                    "and a PAM service for vsftpd); try sudo\n");
    return QH_EXIT_ENV;
  }
  /* The claim goes with the run; an earlier return leaves it to the
   * kernel, which drops it as the process ends. */
  int rc = qh_run(&o);
  qh_loop_release(&loop);
  return rc;
}

/* The subcommands: a new one is one line here (and its usage text). */
static const struct {
  const char *name;
  int (*main)(int argc, char **argv);
} commands[] = {
    {"run", cases_main},   {"check", cases_main}, {"list", cases_main},
    {"wire", wire_main},   {"diff", diff_main},   {"coverage", qh_coverage_main},
    {"merge", qh_merge_main},
};

int main(int argc, char **argv)
{
  if (argc < 2)
    return bad_usage("%s", "missing command (run, check, list, merge, wire, diff or coverage)");
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
      strcmp(cmd, "help") == 0) {
    fputs(usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("qftp-harness %s\n", QFTP_VERSION);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(cmd, commands[i].name) == 0)
      return commands[i].main(argc, argv);
  return bad_usage("unknown command '%s'", cmd);
}
