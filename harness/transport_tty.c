/* transport_tty: a real serial device — termios, modem lines, reopen. */
#include "transport.h"

#include "qc_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const struct {
  int baud;
  speed_t speed;
} speeds[] = {
    {9600, B9600},       {19200, B19200},     {38400, B38400},
    {57600, B57600},     {115200, B115200},   {230400, B230400},
    {460800, B460800},   {921600, B921600},   {1000000, B1000000},
    {1500000, B1500000}, {2000000, B2000000}, {3000000, B3000000},
    {4000000, B4000000},
};

unsigned qh_tty_speed(int baud)
{
  for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++)
    if (speeds[i].baud == baud)
      return (unsigned)speeds[i].speed;
  return 0;
}

int qh_tty_open(const char *path, const qh_tty_opts *o, char *err,
                size_t errlen)
{
  speed_t sp = (speed_t)qh_tty_speed(o->baud);
  if (!sp) {
    snprintf(err, errlen, "%s: unsupported baud rate %d", path, o->baud);
    return -1;
  }
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct termios tio;
  if (tcgetattr(fd, &tio) < 0) {
    snprintf(err, errlen, "%s: not a tty (%s)", path, strerror(errno));
    close(fd);
    return -1;
  }
  /* Raw 8N1: no echo, no line editing, no CR/LF translation, every byte
   * passes (payloads in data mode are binary). */
  cfmakeraw(&tio);
  tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CSIZE);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  if (o->rtscts)
    tio.c_cflag |= CRTSCTS;
  else
    tio.c_cflag &= ~(tcflag_t)CRTSCTS;
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  cfsetispeed(&tio, sp);
  cfsetospeed(&tio, sp);
  if (tcsetattr(fd, TCSANOW, &tio) < 0) {
    snprintf(err, errlen, "%s: cannot set line (%s)", path, strerror(errno));
    close(fd);
    return -1;
  }
  tcflush(fd, TCIOFLUSH);
  int bit = TIOCM_DTR;
  /* A pty has no modem lines; only a real line must honour o->dtr. */
  if (ioctl(fd, o->dtr ? TIOCMBIS : TIOCMBIC, &bit) < 0 && errno != ENOTTY &&
      errno != EINVAL) {
    snprintf(err, errlen, "%s: cannot set DTR (%s)", path, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

/* ---- the device kind ---------------------------------------------------- */

typedef struct tty_priv {
  char path[256];
  qh_tty_opts opts;
} tty_priv;

/* A hang-up, EIO, ENXIO or ENODEV is the device going away (USB
 * re-enumeration, a cable pulled): the case in flight is an environment
 * error, not the module's fault. */
static void tty_mark_lost(qh_transport *t, const char *what)
{
  tty_priv *p = t->priv;
  struct stat st;
  if (stat(p->path, &st) < 0)
    snprintf(t->lost, sizeof t->lost, "device %s vanished: %s (the node is "
             "gone: %s)", p->path, what, strerror(errno));
  else
    snprintf(t->lost, sizeof t->lost, "device %s vanished: %s", p->path,
             what);
}

static bool gone_errno(int e)
{
  return e == EIO || e == ENXIO || e == ENODEV || e == EBADF;
}

static long tty_read(qh_transport *t, void *buf, size_t n, int64_t deadline)
{
  long r = qh_fd_read_nb(t, buf, n, deadline); /* qh_tty_open: O_NONBLOCK */
  if (r == 0)
    tty_mark_lost(t, "hang-up");
  else if (r == QC_IO_ERR && gone_errno(errno))
    tty_mark_lost(t, strerror(errno));
  return r;
}

static int tty_write(qh_transport *t, const void *buf, size_t n,
                     int64_t deadline)
{
  int r = qh_fd_write(t, buf, n, deadline);
  if (r == QC_IO_ERR && gone_errno(errno)) {
    int e = errno;
    tty_mark_lost(t, strerror(e));
    errno = e;
  }
  return r;
}

static int tty_set_line(qh_transport *t, const qh_tty_opts *o, char *err,
                        size_t errlen)
{
  tty_priv *p = t->priv;
  p->opts = *o;
  return qh_transport_restart(t, err, errlen);
}

static bool tty_alive(qh_transport *t, char *why, size_t len)
{
  tty_priv *p = t->priv;
  struct stat st;
  if (stat(p->path, &st) < 0) {
    snprintf(why, len, "device %s vanished: %s", p->path, strerror(errno));
    return false;
  }
  if (t->fd < 0) {
    snprintf(why, len, "%s: not open", p->path);
    return false;
  }
  return true;
}

static int tty_restart(qh_transport *t, char *err, size_t errlen)
{
  tty_priv *p = t->priv;
  if (t->fd >= 0)
    close(t->fd);
  t->fd = qh_tty_open(p->path, &p->opts, err, errlen);
  if (t->fd < 0)
    return -1;
  t->lost[0] = '\0';
  return 0;
}

static void tty_close(qh_transport *t)
{
  if (t->fd >= 0)
    close(t->fd);
  free(t->priv);
  free(t);
}

static const qh_transport_ops tty_ops = {
    .read = tty_read,
    .write = tty_write,
    .set_modem = qh_fd_set_modem,
    .set_line = tty_set_line,
    .alive = tty_alive,
    .restart = tty_restart,
    .close = tty_close,
};

qh_transport *qh_transport_tty_new(const char *path, const qh_tty_opts *o,
                                   char *err, size_t errlen)
{
  if (strlen(path) >= sizeof(((tty_priv *)0)->path)) {
    snprintf(err, errlen, "%s: path too long", path);
    return NULL;
  }
  int fd = qh_tty_open(path, o, err, errlen);
  if (fd < 0)
    return NULL;
  qh_transport *t = calloc(1, sizeof *t);
  tty_priv *p = calloc(1, sizeof *p);
  if (!t || !p) {
    free(t);
    free(p);
    close(fd);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  snprintf(p->path, sizeof p->path, "%s", path);
  p->opts = *o;
  t->ops = &tty_ops;
  t->caps = QH_CAP_MODEM | QH_CAP_LINE;
  t->fd = fd;
  snprintf(t->target, sizeof t->target, "%s", path);
  t->priv = p;
  snprintf(t->desc, sizeof t->desc, "%s @%d%s", path, o->baud,
           o->rtscts ? " rts/cts" : "");
  return t;
}

