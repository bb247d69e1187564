/* transport: how the runner reaches the module — the one owner of reading
 * and writing it.
 *
 * Four kinds share one interface (an ops table, like packetdrill's
 * netdev): a real serial device (transport_tty.c), the simulator spawned
 * on a pty (transport_sim.c), and a serial port served over the network,
 * RFC 2217 or raw TCP (transport_net.c). The engine, the line framer and
 * the runner only call the qh_transport_* functions below; no file
 * descriptor leaves a transport. The harness talks to the simulator
 * exactly as to hardware. */
#ifndef QH_TRANSPORT_H
#define QH_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct qh_transport qh_transport;

/* Serial line settings (a real device, or RFC 2217's SET-* commands). */
typedef struct qh_tty_opts {
  int baud;     /* 9600 .. 4000000; 115200 is the modules' default */
  bool rtscts;  /* hardware flow control */
  bool dtr;     /* DTR level after open (up = true) */
} qh_tty_opts;

typedef enum qh_modem_line { QH_LINE_DTR, QH_LINE_RTS } qh_modem_line;

/* What a kind can do (qh_transport.caps). */
enum {
  QH_CAP_MODEM = 1u << 0, /* DTR/RTS can be driven (tty, rfc2217) */
  QH_CAP_LINE = 1u << 1,  /* baud and flow control can be set */
  QH_CAP_OWNED = 1u << 2, /* the harness owns the far end (the simulator):
                             "restarting", not "waiting for the device" */
};

typedef struct qh_transport_ops {
  /* Reads at most n bytes: > 0, 0 the far end hung up or went away,
   * QC_IO_TIMEOUT, QC_IO_ERR (errno). */
  long (*read)(qh_transport *t, void *buf, size_t n, int64_t deadline);
  /* Writes all n bytes: 0, QC_IO_TIMEOUT, QC_IO_ERR (errno). */
  int (*write)(qh_transport *t, const void *buf, size_t n, int64_t deadline);
  /* Raises or drops a modem line: 0, or -1 with errno (ENOTTY: none). */
  int (*set_modem)(qh_transport *t, qh_modem_line line, bool up);
  /* Applies line settings: 0, or -1 with err. */
  int (*set_line)(qh_transport *t, const qh_tty_opts *o, char *err,
                  size_t errlen);
  /* false when the far end is gone (why: "qftp-sim killed by SIGKILL",
   * "/dev/ttyUSB0: device removed"); never blocks. */
  bool (*alive)(qh_transport *t, char *why, size_t len);
  /* Brings the far end back (respawn, reopen, reconnect) within a bounded
   * time. 0 or -1 with err. */
  int (*restart)(qh_transport *t, char *err, size_t errlen);
  /* Brings the far end back to its power-on state without restarting it
   * (the simulator's control channel), within a bounded time; what it said
   * before and the host has not read is dropped. NULL when the kind cannot.
   * 0, or -1 with err (then restart). */
  int (*reset)(qh_transport *t, char *err, size_t errlen);
  /* Stops what the transport owns and frees it. */
  void (*close)(qh_transport *t);
} qh_transport_ops;

struct qh_transport {
  const qh_transport_ops *ops;
  unsigned caps;
  char desc[256];  /* "qftp-sim on /run/x/module", "/dev/ttyUSB0 @115200" */
  char target[256]; /* what the user named: "/dev/ttyUSB2",
                       "rfc2217://h:p"; messages say it */
  /* Why the device went away ("device /dev/ttyUSB2 vanished: ...",
   * "rfc2217://h:p: connection closed by peer"); "" while it is there.
   * Set by the kind's read/write; cleared by a restart. The simulator
   * never sets it: its death is watched by alive(). */
  char lost[256];
  int fd;          /* fd-backed kinds only (tty, pty, socket): -1 when down;
                      nothing outside transport_*.c reads it */
  void *priv;
};

/* ---- the interface ------------------------------------------------------ */

long qh_transport_read(qh_transport *t, void *buf, size_t n,
                       int64_t deadline);
/* Writes all n bytes before the deadline. 0, QC_IO_TIMEOUT or QC_IO_ERR. */
int qh_transport_write(qh_transport *t, const void *buf, size_t n,
                       int64_t deadline);
/* Raises or drops DTR (1.5: AT&D1 makes a drop leave data mode). A pty has
 * no modem lines: -1 with errno ENOTTY there. */
int qh_transport_set_dtr(qh_transport *t, bool up);
int qh_transport_set_rts(qh_transport *t, bool up);
int qh_transport_set_line(qh_transport *t, const qh_tty_opts *o, char *err,
                          size_t errlen);
bool qh_transport_alive(qh_transport *t, char *why, size_t len);
int qh_transport_restart(qh_transport *t, char *err, size_t errlen);
/* The far end back to power-on without a restart: 0, or -1 with err (the
 * kind cannot, or it did not answer in time: restart it instead). */
int qh_transport_reset(qh_transport *t, char *err, size_t errlen);
/* true while the transport can carry bytes (open, not lost). */
bool qh_transport_is_open(const qh_transport *t);
/* The reason the device went away, or NULL while it is there. */
const char *qh_transport_lost(const qh_transport *t);
bool qh_transport_has(const qh_transport *t, unsigned cap);
void qh_transport_close(qh_transport *t);

/* ---- fd-backed kinds (shared by tty, sim, tcp and tests) ---------------- */

/* Reads/writes t->fd with qc_io; a hang-up reads as 0. */
long qh_fd_read(qh_transport *t, void *buf, size_t n, int64_t deadline);
/* qh_fd_read for an O_NONBLOCK t->fd (qh_tty_open's): qc_read_nb. */
long qh_fd_read_nb(qh_transport *t, void *buf, size_t n, int64_t deadline);
int qh_fd_write(qh_transport *t, const void *buf, size_t n, int64_t deadline);
/* TIOCMBIS/TIOCMBIC on t->fd. */
int qh_fd_set_modem(qh_transport *t, qh_modem_line line, bool up);

/* A transport over an open fd it then owns (a socketpair in tests): no
 * restart, no line settings, modem lines through ioctl. */
qh_transport *qh_transport_fd_new(int fd, const char *desc);

/* ---- kinds ---------------------------------------------------------------- */

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
  const char *revision;    /* --revision (a simulated firmware build);
                              NULL: the simulator's default */
  const char *const *quirks;
  size_t nquirks;
  const char *const *slows; /* --slow CMD=MS each (sim/sim_slow.h) */
  size_t nslows;
} qh_sim_opts;

qh_transport *qh_transport_sim_new(const qh_sim_opts *o, char *err,
                                   size_t errlen);

/* One request line (no newline) on the simulator's control channel
 * (qftp-sim --control-fd), e.g. "pdp-drop 1", answered "ok" within a
 * bounded time: 0, or -1 with err (not the simulator, not running, no
 * answer, or "error"). */
int qh_transport_sim_control(qh_transport *t, const char *line, char *err,
                             size_t errlen);

/* The simulator's pid (0 for a device); for tests and for reports. */
pid_t qh_transport_sim_pid(const qh_transport *t);

/* true when `device` names a network port (rfc2217:// or tcp://). */
bool qh_transport_is_net(const char *device);

/* A serial port over the network: "rfc2217://HOST:PORT" (Telnet
 * COM-PORT-OPTION, line settings and modem lines) or "tcp://HOST:PORT"
 * (raw bytes; no line settings, no DTR). Connects and negotiates within
 * bounded time. NULL with err ("rfc2217://h:p: connection refused"). */
qh_transport *qh_transport_net_new(const char *url, const qh_tty_opts *o,
                                   char *err, size_t errlen);

/* Opens --device: a network URL or a tty path. */
qh_transport *qh_transport_device_new(const char *device,
                                      const qh_tty_opts *o, char *err,
                                      size_t errlen);

#endif
