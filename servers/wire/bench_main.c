/* qftp-wire-bench PCAP [CTRL_PORT]: times wire_analyze_file.
 * qftp-wire-bench --synth PCAP MB: writes a passive FTP session with a
 * download of MB megabytes (bench/run.sh). */
#include "qc_time.h"
#include "tests/wire_synth.h"
#include "wire_analyze.h"
#include <string.h>

static int synth_session(const char *path, long mb)
{
  static uint8_t blob[1400];
  for (size_t i = 0; i < sizeof blob; i++)
    blob[i] = (uint8_t)(i * 31);
  synth s;
  if (synth_open(&s, path) < 0)
    return 2;
  flow c, d;
  flow_open(&c, &s, synth_ep(127, 0, 0, 1, 40000),
            synth_ep(127, 0, 0, 1, 2121), 1, 2);
  flow_str(&c, 1, "220 ready\r\n");
  flow_str(&c, 0, "USER test\r\n");
  flow_str(&c, 1, "230 Login successful.\r\n");
  flow_str(&c, 0, "PASV\r\n");
  flow_str(&c, 1, "227 Entering Passive Mode (127,0,0,1,195,80).\r\n");
  flow_str(&c, 0, "RETR big.bin\r\n");
  flow_open(&d, &s, synth_ep(127, 0, 0, 1, 40001),
            synth_ep(127, 0, 0, 1, 50000), 3, 4);
  flow_str(&c, 1, "150 Opening BINARY mode data connection.\r\n");
  for (long long left = (long long)mb * 1000000; left > 0; left -= 1400)
    flow_send(&d, 1, blob, left < 1400 ? (size_t)left : 1400);
  flow_fin(&d, 1);
  flow_fin(&d, 0);
  flow_str(&c, 1, "226 Transfer complete.\r\n");
  flow_str(&c, 0, "QUIT\r\n");
  flow_fin(&c, 0);
  flow_fin(&c, 1);
  synth_close(&s);
  return 0;
}

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
  if (argc == 4 && !strcmp(argv[1], "--synth"))
    return synth_session(argv[2], strtol(argv[3], NULL, 10));
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: qftp-wire-bench PCAP [CTRL_PORT]\n");
    return 2;
  }
  int port = argc == 3 ? (int)strtol(argv[2], NULL, 10) : 0;
  struct stat sb;
  if (stat(argv[1], &sb) < 0) {
    perror(argv[1]);
    return 2;
  }
  char err[512];
  wire_analysis *a;
  int64_t t0 = qc_now_ms();
  if (wire_analyze_file(argv[1], port, &a, err, sizeof err) < 0) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  double s = (double)(qc_now_ms() - t0) / 1000.0;
  printf("packets=%llu sessions=%zu data=%zu bytes0=%llu missing=%llu "
         "seconds=%.3f MB/s=%.1f\n", (unsigned long long)a->packets,
         a->nsessions, a->ndata,
         (unsigned long long)(a->ndata ? a->data[0].bytes : 0),
         (unsigned long long)a->missing, s,
         s > 0 ? (double)sb.st_size / 1e6 / s : 0.0);
  wire_analysis_free(a);
  return 0;
}
