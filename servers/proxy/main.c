/* qftp-proxy: the fault-injecting FTP proxy (servers/proxy/README.md).
 *
 * qftp-proxy --listen ADDR:PORT --upstream ADDR:PORT --rules FILE.json
 *            [--data-ports LO-HI] [--log FILE] [--verbose]
 * Exit status: 0 after SIGTERM/SIGINT, 1 on a runtime failure, 2 on bad
 * arguments. */
#include "px_addr.h"
#include "px_log.h"
#include "px_ports.h"
#include "px_server.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
  (void)sig;
  stop_flag = 1;
}

#define USAGE                                                                  \
  "usage: qftp-proxy --listen ADDR:PORT --upstream ADDR:PORT "                 \
  "--rules FILE.json [--data-ports LO-HI] [--log FILE] [--verbose]\n"          \
  "The fault-injecting FTP proxy qftp-harness starts for cases with\n"          \
  "faults: (rules: servers/proxy/README.md). --data-ports: data listeners\n"   \
  "bind ports LO..HI (1 <= LO <= HI <= 65535; default: any free port).\n"      \
  "Exit: 0 after SIGTERM/SIGINT, 1 on a runtime failure, 2 on bad usage.\n"

static int usage(const char *why)
{
  fprintf(stderr, "qftp-proxy: %s\n" USAGE, why);
  return 2;
}

int main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"listen", required_argument, NULL, 'l'},
      {"upstream", required_argument, NULL, 'u'},
      {"rules", required_argument, NULL, 'r'},
      {"data-ports", required_argument, NULL, 'd'},
      {"log", required_argument, NULL, 'L'},
      {"verbose", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  px_server_cfg cfg;
  memset(&cfg, 0, sizeof cfg);
  px_ports_none(&cfg.data_ports);
  const char *listen = NULL, *upstream = NULL, *log = NULL, *dports = NULL;
  int verbose = 0, c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'l':
      listen = optarg;
      break;
    case 'u':
      upstream = optarg;
      break;
    case 'r':
      cfg.rules_path = optarg;
      break;
    case 'd':
      dports = optarg;
      break;
    case 'L':
      log = optarg;
      break;
    case 'v':
      verbose = 1;
      break;
    case 'h':
      fputs(USAGE, stdout);
      return 0;
    default:
      return usage("unknown option or missing value");
    }
  }
  if (optind != argc)
    return usage("unexpected argument");
  if (!listen || !upstream || !cfg.rules_path)
    return usage("--listen, --upstream and --rules are required");
  if (!px_addr_parse_hostport(listen, &cfg.listen))
    return usage("--listen wants ADDR:PORT");
  if (!px_addr_parse_hostport(upstream, &cfg.upstream) ||
      px_addr_port(&cfg.upstream) == 0)
    return usage("--upstream wants ADDR:PORT with a port");
  if (dports && !px_ports_parse(dports, &cfg.data_ports)) {
    char why[128];
    snprintf(why, sizeof why,
             "--data-ports wants LO-HI with 1 <= LO <= HI <= 65535, not "
             "\"%.60s\"", dports);
    return usage(why);
  }
  if (px_log_open(log, verbose)) {
    fprintf(stderr, "qftp-proxy: cannot open log %s\n", log);
    return 2;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  char err[256] = "";
  int rc = px_server_run(&cfg, &stop_flag, err, sizeof err);
  if (rc)
    fprintf(stderr, "qftp-proxy: %s\n", err);
  px_log_close();
  return rc ? 1 : 0;
}
