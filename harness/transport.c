/* transport: the interface every kind implements, and what fd-backed
 * kinds share. */
#include "transport.h"

#include "qc_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

long qh_transport_read(qh_transport *t, void *buf, size_t n,
                       int64_t deadline)
{
  if (t->lost[0])
    return 0;
  return t->ops->read(t, buf, n, deadline);
}

int qh_transport_write(qh_transport *t, const void *buf, size_t n,
                       int64_t deadline)
{
  if (t->lost[0]) {
    errno = EPIPE;
    return QC_IO_ERR;
  }
  return t->ops->write(t, buf, n, deadline);
}

int qh_transport_set_dtr(qh_transport *t, bool up)
{
  if (!t->ops->set_modem) {
    errno = ENOTTY;
    return -1;
  }
  return t->ops->set_modem(t, QH_LINE_DTR, up);
}

int qh_transport_set_rts(qh_transport *t, bool up)
{
  if (!t->ops->set_modem) {
    errno = ENOTTY;
    return -1;
  }
  return t->ops->set_modem(t, QH_LINE_RTS, up);
}

int qh_transport_set_line(qh_transport *t, const qh_tty_opts *o, char *err,
                          size_t errlen)
{
  if (!t->ops->set_line) {
    snprintf(err, errlen, "%s has no line settings", t->target);
    return -1;
  }
  return t->ops->set_line(t, o, err, errlen);
}

bool qh_transport_alive(qh_transport *t, char *why, size_t len)
{
  if (t->lost[0]) {
    snprintf(why, len, "%s", t->lost);
    return false;
  }
  return t->ops->alive(t, why, len);
}

int qh_transport_restart(qh_transport *t, char *err, size_t errlen)
{
  int rc = t->ops->restart(t, err, errlen);
  if (rc == 0)
    t->lost[0] = '\0';
  return rc;
}

int qh_transport_reset(qh_transport *t, char *err, size_t errlen)
{
  if (!t->ops->reset) {
    snprintf(err, errlen, "%s cannot be reset", t->target);
    return -1;
  }
  return t->ops->reset(t, err, errlen);
}

bool qh_transport_is_open(const qh_transport *t)
{
  return !t->lost[0] && t->fd >= 0;
}

const char *qh_transport_lost(const qh_transport *t)
{
  return t->lost[0] ? t->lost : NULL;
}

bool qh_transport_has(const qh_transport *t, unsigned cap)
{
  return (t->caps & cap) == cap;
}

void qh_transport_close(qh_transport *t)
{
  if (t)
    t->ops->close(t);
}

/* ---- fd-backed -------------------------------------------------------------- */

long qh_fd_read(qh_transport *t, void *buf, size_t n, int64_t deadline)
{
  if (t->fd < 0)
    return 0;
  return (long)qc_read_some(t->fd, buf, n, deadline);
}

long qh_fd_read_nb(qh_transport *t, void *buf, size_t n, int64_t deadline)
{
  if (t->fd < 0)
    return 0;
  return (long)qc_read_nb(t->fd, buf, n, deadline);
}

int qh_fd_write(qh_transport *t, const void *buf, size_t n, int64_t deadline)
{
  if (t->fd < 0) {
    errno = EPIPE;
    return QC_IO_ERR;
  }
  return qc_write_all(t->fd, buf, n, deadline);
}

int qh_fd_set_modem(qh_transport *t, qh_modem_line line, bool up)
{
  int bit = line == QH_LINE_DTR ? TIOCM_DTR : TIOCM_RTS;
  return ioctl(t->fd, up ? TIOCMBIS : TIOCMBIC, &bit);
}

static bool fd_alive(qh_transport *t, char *why, size_t len)
{
  if (t->fd >= 0)
    return true;
  snprintf(why, len, "%s: closed", t->desc);
  return false;
}

static int fd_restart(qh_transport *t, char *err, size_t errlen)
{
  snprintf(err, errlen, "%s cannot be reopened", t->desc);
  return -1;
}

static void fd_close(qh_transport *t)
{
  if (t->fd >= 0)
    close(t->fd);
  free(t);
}

static const qh_transport_ops fd_ops = {
    .read = qh_fd_read,
    .write = qh_fd_write,
    .set_modem = qh_fd_set_modem,
    .alive = fd_alive,
    .restart = fd_restart,
    .close = fd_close,
};

qh_transport *qh_transport_fd_new(int fd, const char *desc)
{
  qh_transport *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->ops = &fd_ops;
  t->fd = fd;
  t->caps = QH_CAP_MODEM;
  snprintf(t->desc, sizeof t->desc, "%s", desc);
  snprintf(t->target, sizeof t->target, "%s", desc);
  return t;
}

bool qh_transport_is_net(const char *device)
{
  return strncmp(device, "rfc2217://", 10) == 0 ||
         strncmp(device, "tcp://", 6) == 0;
}

qh_transport *qh_transport_device_new(const char *device,
                                      const qh_tty_opts *o, char *err,
                                      size_t errlen)
{
  if (qh_transport_is_net(device))
    return qh_transport_net_new(device, o, err, errlen);
  if (strstr(device, "://")) {
    snprintf(err, errlen,
             "%s: unknown scheme (rfc2217://HOST:PORT, tcp://HOST:PORT or a "
             "tty path)",
             device);
    return NULL;
  }
  return qh_transport_tty_new(device, o, err, errlen);
}
