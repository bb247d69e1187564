/* A transport over a file descriptor for the harness's unit tests: reads
 * and writes go to the fd (a socketpair's end, the test holding the
 * other), the line is always alive and never restarts. */
#ifndef FAKE_TRANSPORT_H
#define FAKE_TRANSPORT_H

#include "transport.h"

static bool fake_alive(qh_transport *t, char *why, size_t len)
{
  (void)t;
  (void)why;
  (void)len;
  return true;
}
static int fake_restart(qh_transport *t, char *err, size_t len)
{
  (void)t;
  (void)err;
  (void)len;
  return -1;
}
static void fake_close(qh_transport *t)
{
  (void)t;
}
static const qh_transport_ops fake_ops = {.read = qh_fd_read,
                                          .write = qh_fd_write,
                                          .set_modem = qh_fd_set_modem,
                                          .alive = fake_alive,
                                          .restart = fake_restart,
                                          .close = fake_close};

#endif
