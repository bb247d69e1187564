/* bench_tty: the host side of qftp-sim's pty link, for the benchmark.
 *
 * Opens the link, sends AT lines, waits for an expected answer and reads
 * data-mode payload into a SHA-256 digest. Every call takes an absolute
 * deadline (qc_time.h) and also gives up once bench_stop is set (by the
 * driver's signal handler), so a killed run still cleans up. */
#ifndef BENCH_TTY_H
#define BENCH_TTY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* Answers are matched within this window; a longer answer keeps its tail. */
#define BENCH_TTY_BUF 8192

extern volatile sig_atomic_t bench_stop;

typedef struct bench_tty {
  int fd;
  char buf[BENCH_TTY_BUF]; /* read but not yet consumed */
  size_t len;
} bench_tty;

/* Waits (bounded) for the link to appear, opens it raw and non-blocking.
 * 0, or -1 with a message in err. */
int bench_tty_open(bench_tty *t, const char *link, int64_t deadline, char *err,
                   size_t errlen);
void bench_tty_close(bench_tty *t);

/* Sends line plus CR. 0 or -1. */
int bench_tty_send(bench_tty *t, const char *line, int64_t deadline);

/* Reads until `want` appears and drops everything up to its end. 0, or -1
 * with what was seen last in err. */
int bench_tty_expect(bench_tty *t, const char *want, int64_t deadline,
                     char *err, size_t errlen);

/* Progress of a payload read: bytes so far, and when `mark` bytes had
 * arrived (0 until then). */
typedef struct bench_progress {
  uint64_t got;
  uint64_t mark;
  int64_t mark_ms;
} bench_progress;

/* Reads exactly n payload bytes (buffered ones first) into md. 0 when all
 * came, -1 on timeout, stop or error (p->got says how far it went). */
int bench_tty_read_payload(bench_tty *t, uint64_t n, EVP_MD_CTX *md,
                           bench_progress *p, int64_t deadline);

#endif
