/* transport: how the runner reaches the module — bytes over a tty.
 *
 * Two kinds share one interface (an ops table, like packetdrill's netdev):
 * a real serial device (transport_tty.c) and the simulator spawned on a pty
 * (transport_sim.c). Both end in a tty file descriptor, so reading and
 * writing is common; what differs is how the far end is watched, restarted
 * and closed. The harness talks to the simulator exactly as to hardware. */
#ifndef QH_TRANSPORT_H
#define QH_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct qh_transport qh_transport;

typedef struct qh_transport_ops {
  /* false when the far end is gone (why: "qftp-sim killed by SIGKILL",
   * "/dev/ttyUSB0: device removed"); never blocks. */
  bool (*alive)(qh_transport *t, char *why, size_t len);
  /* Brings the far end back (respawn, reopen). 0 or -1 with err. */
  int (*restart)(qh_transport *t, char *err, size_t errlen);
  /* Stops what the transport owns and frees it. */
  void (*close)(qh_transport *t);
} qh_transport_ops;

struct qh_transport {
  const qh_transport_ops *ops;
  int fd;          /* the tty; -1 while down */
  char desc[256];  /* "sim (pty /run/x/module)" or "/dev/ttyUSB0 @115200" */
  void *priv;
};

/* Serial line settings for a real device. */
typedef struct qh_tty_opts {
  int baud;     /* 9600 .. 4000000; 115200 is the modules' default */
  bool rtscts;  /* hardware flow control */
  bool dtr;     /* DTR level after open (up = true) */
} qh_tty_opts;

/* Opens `path` as a raw 8N1 tty with `o` (non-blocking fd, O_NOCTTY).
 * Returns the fd or -1 with err ("path: why"). Used by both kinds. */
int qh_tty_open(const char *path, const qh_tty_opts *o, char *err,
                size_t errlen);

/* Maps a baud rate to its termios constant; 0 when unsupported. */
unsigned qh_tty_speed(int baud);

qh_transport *qh_transport_tty_new(const char *path, const qh_tty_opts *o,
                                   char *err, size_t errlen);

/* What qftp-sim is started with (DESIGN.md, contract — the simulated
 * module). Strings are copied. */
typedef struct qh_sim_opts {
  const char *binary;      /* path of qftp-sim */
  const char *link;        /* the pty symlink the sim creates */
  const char *root;        /* --root */
  const char *log_path;    /* the simulator's stderr goes here (appended) */
  const char *profile;     /* --profile */
  const char *profile_dir; /* --profile-dir, NULL = the sim's default */
  double time_scale;       /* --time-scale */
  const char *const *quirks;
  size_t nquirks;
} qh_sim_opts;

qh_transport *qh_transport_sim_new(const qh_sim_opts *o, char *err,
                                   size_t errlen);

/* The simulator's pid (0 for a device); for tests and for reports. */
pid_t qh_transport_sim_pid(const qh_transport *t);

/* Writes all n bytes before the deadline. 0, QC_IO_TIMEOUT or QC_IO_ERR. */
int qh_transport_write(qh_transport *t, const void *buf, size_t n,
                       int64_t deadline);

/* Raises or drops DTR (1.5: AT&D1 makes a drop leave data mode). A pty has
 * no modem lines: -1 with errno ENOTTY there. */
int qh_transport_set_dtr(qh_transport *t, bool up);

void qh_transport_close(qh_transport *t);

#endif
