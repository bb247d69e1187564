#include "px_server.h"
#include "px_addr.h"
#include "px_log.h"
#include "px_net.h"
#include "px_session.h"
#include "qc_time.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
  PX_IDLE_WAKE_MS = 1000, /* poll wakes at least this often to see *stop */
  PX_NFDS = 1 + PX_MAX_SESSIONS * PX_SESS_NFDS
};

static void on_accept(int lfd, const px_server_cfg *cfg, px_ports *ports,
                      px_session *sess[PX_MAX_SESSIONS], unsigned *next_id)
{
  struct sockaddr_storage peer;
  int fd = px_net_accept(lfd, &peer);
  if (fd < 0)
    return; /* EAGAIN, or a connection that died in the backlog */
  for (int i = 0; i < PX_MAX_SESSIONS; i++) {
    if (!sess[i]) {
      sess[i] = px_session_new(++*next_id, fd, &cfg->upstream,
                               cfg->rules_path, ports);
      return;
    }
  }
  static const char msg[] = "421 Too many sessions through the proxy.\r\n";
  px_log(0, "session refused: %d already open", PX_MAX_SESSIONS);
  ssize_t w = send(fd, msg, sizeof msg - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)w; /* best effort: the socket is closed either way */
  close(fd);
}

int px_server_run(const px_server_cfg *cfg, volatile sig_atomic_t *stop,
                  char *err, size_t errlen)
{
  int lfd = px_net_listen(&cfg->listen, 16);
  struct sockaddr_storage bound;
  if (lfd < 0 || px_net_local(lfd, &bound) < 0) {
    char a[64];
    px_addr_str(&cfg->listen, a, sizeof a);
    snprintf(err, errlen, "cannot listen on %s: %s", a, strerror(errno));
    if (lfd >= 0)
      close(lfd);
    return -1;
  }
  /* One cursor for every session: a port just handed out is the last one
   * any session gets again. */
  px_ports ports = cfg->data_ports;
  char a[64], u[64], dp[32];
  px_addr_str(&bound, a, sizeof a);
  px_addr_str(&cfg->upstream, u, sizeof u);
  px_ports_str(&ports, dp, sizeof dp);
  px_log(0, "proxy listening on %s, upstream %s, data ports %s", a, u, dp);
  /* The contract's one line: the harness reads the port from it. */
  printf("listening %u\n", px_addr_port(&bound));
  fflush(stdout);

  static px_session *sess[PX_MAX_SESSIONS];
  static struct pollfd pfd[PX_NFDS];
  unsigned next_id = 0;
  while (!*stop) {
    int64_t now = qc_now_ms();
    int64_t next = now + PX_IDLE_WAKE_MS;
    pfd[0].fd = lfd;
    pfd[0].events = POLLIN;
    pfd[0].revents = 0;
    for (int i = 0; i < PX_MAX_SESSIONS; i++) {
      struct pollfd *p = pfd + 1 + i * PX_SESS_NFDS;
      if (sess[i]) {
        px_session_prep(sess[i], p, &next);
      } else {
        for (int k = 0; k < PX_SESS_NFDS; k++)
          p[k].fd = -1;
      }
    }
    int n = poll(pfd, PX_NFDS, qc_remaining_ms(next));
    if (n < 0 && errno != EINTR) {
      snprintf(err, errlen, "poll: %s", strerror(errno));
      break;
    }
    if (n < 0)
      continue; /* a signal: look at *stop */
    now = qc_now_ms();
    for (int i = 0; i < PX_MAX_SESSIONS; i++) {
      if (!sess[i])
        continue;
      px_session_step(sess[i], pfd + 1 + i * PX_SESS_NFDS, now);
      if (px_session_done(sess[i])) {
        px_session_free(sess[i]);
        sess[i] = NULL;
      }
    }
    if (pfd[0].revents & POLLIN)
      on_accept(lfd, cfg, &ports, sess, &next_id);
  }
  for (int i = 0; i < PX_MAX_SESSIONS; i++) {
    px_session_free(sess[i]);
    sess[i] = NULL;
  }
  close(lfd);
  px_log(0, "proxy stopped");
  return *stop ? 0 : -1;
}
