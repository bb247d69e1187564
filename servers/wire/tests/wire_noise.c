/* wire-noise ADDR SECONDS [PORT]: unrelated TCP traffic to ADDR for the
 * end-to-end test own_flows.sh. Listens on ADDR:PORT (default 0: an
 * ephemeral one), prints "port N", then
 * for SECONDS seconds connects to that port again and again and sends
 * 1 MiB each time (a reader child drains it). Exit 0, or 2 on an error.
 * Not a test itself. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: wire-noise ADDR SECONDS [PORT]\n");
    return 2;
  }
  struct sockaddr_in sa = {.sin_family = AF_INET};
  double secs = atof(argv[2]);
  int port = argc == 4 ? atoi(argv[3]) : 0;
  if (port < 0 || port > 65535) {
    fprintf(stderr, "wire-noise: bad port\n");
    return 2;
  }
  sa.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 || !(secs > 0)) {
    fprintf(stderr, "wire-noise: bad address or duration\n");
    return 2;
  }
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  socklen_t sl = sizeof sa;
  if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 ||
      listen(ls, 16) < 0 || getsockname(ls, (struct sockaddr *)&sa, &sl) < 0) {
    perror("wire-noise: listen");
    return 2;
  }
  printf("port %d\n", ntohs(sa.sin_port));
  fflush(stdout);
  pid_t reader = fork();
  if (reader == 0) {
    static char buf[65536];
    for (;;) {
      int s = accept(ls, NULL, NULL);
      if (s < 0)
        _exit(0);
      while (read(s, buf, sizeof buf) > 0)
        ;
      close(s);
    }
  }
  close(ls);
  static char data[1 << 20];
  memset(data, 'n', sizeof data);
  double end = now() + secs;
  int rc = 0;
  while (now() < end) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof sa) < 0) {
      perror("wire-noise: connect");
      rc = 2;
      if (c >= 0)
        close(c);
      break;
    }
    for (size_t off = 0; off < sizeof data;) {
      ssize_t k = write(c, data + off, sizeof data - off);
      if (k <= 0)
        break;
      off += (size_t)k;
    }
    close(c);
    usleep(20 * 1000);
  }
  kill(reader, SIGTERM);
  waitpid(reader, NULL, 0);
  return rc;
}
