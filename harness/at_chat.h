/* at_chat: the one AT request/response layer.
 *
 * Sends a command line (<CR> appended) and reads what comes back before a
 * deadline, in slices so an interrupt flag is seen within a fraction of a
 * second. Every line, both ways, goes to the owner's record callback (a
 * case transcript, preflight.txt). The echo of the line just sent (ATE1) is
 * recognised when it is the first line back, recorded, and skipped.
 *
 * qh_chat_cmd is the whole exchange: the lines up to a final result code
 * (OK, ERROR, +CME ERROR: n, +CMS ERROR: n, CONNECT, NO CARRIER), the
 * information lines and URCs before it kept for the caller. The case engine
 * uses qh_chat_send/qh_chat_next directly: a case's steps say what each
 * line must be. */
#ifndef QH_AT_CHAT_H
#define QH_AT_CHAT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at_lines.h"
#include "transport.h"

enum {
  QH_CHAT_SLICE_MS = 200,  /* how often a wait looks at the interrupt flag */
  QH_CHAT_INTERRUPTED = 2, /* qh_chat_next: the interrupt flag is up */
  QH_CHAT_INFO_MAX = 16,   /* information lines qh_chat_cmd keeps */
  QH_CHAT_INFO_LEN = 128,  /* ...each cut to this */
};

/* dir is '>' (sent) or '<' (received); cut: the line was longer than
 * QH_LINE_MAX and text holds its start. */
typedef void (*qh_chat_record_fn)(void *ctx, char dir, const char *text,
                                  size_t len, bool cut);

typedef struct qh_chat {
  qh_transport *t;
  qh_lines *lines;
  /* Set by SIGINT/SIGTERM (may be NULL): a wait ends when it reaches
   * interrupt_level (0 counts as 1; the teardown waits for a second
   * Ctrl-C). */
  volatile sig_atomic_t *interrupted;
  int interrupt_level;
  qh_chat_record_fn record; /* may be NULL */
  void *ctx;
  char echo[QH_LINE_MAX + 1]; /* the line last sent, expected back */
  bool echo_pending;
  bool echoed; /* the last line sent came back as its echo */
} qh_chat;

typedef enum qh_chat_final {
  QH_FINAL_NONE = 0,
  QH_FINAL_OK,
  QH_FINAL_ERROR,   /* ERROR, +CME ERROR: n, +CMS ERROR: n */
  QH_FINAL_CONNECT, /* data mode follows (note 1.5) */
  QH_FINAL_NO_CARRIER,
} qh_chat_final;

/* What qh_chat_cmd read. */
typedef struct qh_chat_reply {
  int rc; /* 1 a final result code came, 0 hang-up, QC_IO_TIMEOUT,
             QC_IO_ERR, QH_CHAT_INTERRUPTED */
  bool write_failed; /* rc is the write's: the line did not go out */
  qh_chat_final final;
  char final_text[QH_CHAT_INFO_LEN]; /* the final result code's line */
  char info[QH_CHAT_INFO_MAX][QH_CHAT_INFO_LEN]; /* lines before it */
  const char *infop[QH_CHAT_INFO_MAX];
  size_t ninfo;
} qh_chat_reply;

void qh_chat_init(qh_chat *c, qh_transport *t, qh_lines *lines,
                  qh_chat_record_fn record, void *ctx);

/* The final result code a line is, or QH_FINAL_NONE. */
qh_chat_final qh_chat_final_of(const char *line);

/* true when the interrupt flag has reached the chat's level. */
bool qh_chat_interrupted(const qh_chat *c);

/* Records and writes `line` and <CR>; its echo is expected next. 0, or
 * QC_IO_TIMEOUT / QC_IO_ERR from the write. */
int qh_chat_send(qh_chat *c, const char *line, int64_t deadline);

/* Records and writes bytes as they are (no <CR>, no echo expected). */
int qh_chat_send_raw(qh_chat *c, const void *bytes, size_t n,
                     int64_t deadline);

/* The next line before the deadline, recorded, the echo of the last line
 * sent skipped: 1, 0 hang-up, QC_IO_TIMEOUT, QC_IO_ERR,
 * QH_CHAT_INTERRUPTED. */
int qh_chat_next(qh_chat *c, int64_t deadline, qh_line *ln);

/* Sends `line` and reads up to its final result code or the deadline. */
void qh_chat_cmd(qh_chat *c, const char *line, int64_t deadline,
                 qh_chat_reply *out);

#endif
