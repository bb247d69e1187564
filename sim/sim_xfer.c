#include "sim_xfer.h"

#include "qc_ftpcodes.h"
#include "qc_io.h"
#include "qc_time.h"
#include "sim_addr.h"
#include "sim_data.h"
#include "sim_err.h"
#include "sim_ftp.h"
#include "sim_guard.h"
#include "sim_log.h"
#include "sim_quirk.h"
#include "sim_resume.h"
#include "sim_strict.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GUARD_MS 1000 /* +++ guard time (1.5), before scaling */
#define LINE_MAX_ 600 /* one control command we build */

typedef enum {
  XS_IDLE,
  XS_TYPE,     /* TYPE sent */
  XS_ADDR,     /* PASV or PORT sent */
  XS_DIALING,  /* passive: data connection being opened */
  XS_REST,     /* REST sent */
  XS_WAIT,     /* transfer command sent: data connection and 1xx */
  XS_MOVING,   /* payload flows (data mode when COM:) */
  XS_PAUSED,   /* "+++" left data mode of a download; ATO resumes */
  XS_HELD,     /* PUT part with <beof> 0 done; data connection kept */
  XS_FLUSHING, /* COM: upload part ended; queued bytes still going out */
  XS_DRAINING, /* data side done: waiting for the final reply */
} xs_state;

/* What the poll loop does with the data connection in a state. */
typedef enum {
  XD_NONE,     /* nothing: none yet, paused, held, or done with */
  XD_OPENING,  /* being opened (connect or accept), on its own deadline */
  XD_MOVING,   /* payload, with rsptimeout between packets */
  XD_FLUSHING, /* the rest of a COM: upload part going out */
} xs_data;

/* One row per state: its name in traces, what the data side does, and
 * whether the transfer command is out (its 2xx is the final reply). */
typedef struct {
  const char *name;
  xs_data data;
  bool cmd_out;
} xs_row;

static const xs_row xs_rows[] = {
    [XS_IDLE] = {"IDLE", XD_NONE, false},
    [XS_TYPE] = {"TYPE", XD_NONE, false},
    [XS_ADDR] = {"ADDR", XD_NONE, false},
    [XS_DIALING] = {"DIALING", XD_OPENING, false},
    [XS_REST] = {"REST", XD_NONE, false},
    [XS_WAIT] = {"WAIT", XD_OPENING, true},
    [XS_MOVING] = {"MOVING", XD_MOVING, true},
    [XS_PAUSED] = {"PAUSED", XD_NONE, true},
    [XS_HELD] = {"HELD", XD_NONE, true},
    [XS_FLUSHING] = {"FLUSHING", XD_FLUSHING, true},
    [XS_DRAINING] = {"DRAINING", XD_NONE, true},
};
_Static_assert(sizeof xs_rows / sizeof xs_rows[0] == XS_DRAINING + 1,
               "one row per xs_state");

static const char *const urc[] = {
    [SIM_XFER_GET] = "+QFTPGET",   [SIM_XFER_PUT] = "+QFTPPUT",
    [SIM_XFER_LIST] = "+QFTPLIST", [SIM_XFER_NLST] = "+QFTPNLST",
    [SIM_XFER_MLSD] = "+QFTPMLSD",
};

static const char *const verb[] = {
    [SIM_XFER_GET] = "RETR",  [SIM_XFER_PUT] = "STOR",
    [SIM_XFER_LIST] = "LIST", [SIM_XFER_NLST] = "NLST",
    [SIM_XFER_MLSD] = "MLSD",
};

struct sim_xfer {
  sim_ctx *c;
  xs_state st;
  sim_xfer_req r;
  sim_data d;
  sim_guard g;
  int file;              /* local file, -1 for COM: */
  char *buf;             /* cache-sized transfer buffer */
  size_t bufsize;
  size_t blen, boff;     /* upload: bytes queued for the data socket */
  bool hold_after_flush; /* FLUSHING ends in HELD (<beof> 0), not done */
  bool file_eof;
  long long total;       /* transferlen of the whole transfer */
  long long part;        /* bytes of the current PUT part */
  bool prelim;           /* 1xx seen */
  bool ctrl_done;        /* final reply came */
  bool in_flight;        /* a control command is outstanding */
  bool connected;        /* CONNECT printed */
  bool ok_sent;          /* "OK" that ends data mode printed */
  bool reported;         /* URC (or +CME ERROR) printed */
  bool partial;          /* downloadlen reached: any final reply is fine */
  bool aborted;          /* "+++" aborted the transfer: no URC */
  int err, reply;        /* the first failure */
  int64_t gap_deadline;  /* rsptimeout between data packets */
  sim_resume rs;         /* cache 2: attempts left (sim_resume.h) */
  bool flowed;           /* this data connection reached MOVING */
  bool resume_pending;   /* broken; the old RETR's reply comes first */
};

static bool quirk(const sim_xfer *x, unsigned bit)
{
  return (x->c->quirks & bit) != 0;
}

/* 2.1 "restenable" 1: close the data connection with RST. */
static bool use_rst(const sim_xfer *x)
{
  return x->c->cfg.restenable == 1 && !quirk(x, SIM_QUIRK_FIN_NOT_RST);
}

/* 2.1 "transmode" 1 (passive). */
static bool passive(const sim_xfer *x)
{
  return x->c->cfg.transmode == 1 || quirk(x, SIM_QUIRK_IGNORE_TRANSMODE);
}

static void set_state(sim_xfer *x, xs_state s)
{
  if (x->st != s)
    sim_trace("xfer: %s -> %s", xs_rows[x->st].name, xs_rows[s].name);
  x->st = s;
}

sim_xfer *sim_xfer_new(sim_ctx *c)
{
  sim_xfer *x = calloc(1, sizeof *x);
  if (!x)
    return NULL;
  x->c = c;
  x->file = -1;
  sim_data_init(&x->d, 0);
  return x;
}

static void release(sim_xfer *x)
{
  sim_data_close(&x->d, use_rst(x));
  if (x->file >= 0)
    close(x->file);
  x->file = -1;
  free(x->buf);
  x->buf = NULL;
}

void sim_xfer_free(sim_xfer *x)
{
  if (!x)
    return;
  release(x);
  free(x);
}

bool sim_xfer_active(const sim_xfer *x)
{
  return x->st != XS_IDLE;
}

bool sim_xfer_held_for(const sim_xfer *x, const char *remote)
{
  return x->st == XS_HELD && strcmp(x->r.remote, remote) == 0;
}

long long sim_xfer_len(const sim_xfer *x)
{
  return x->total;
}

bool sim_xfer_data_mode(const sim_xfer *x)
{
  return x->st == XS_MOVING && x->r.com;
}

static int64_t rsp_ms(const sim_xfer *x)
{
  return sim_ctx_rsptimeout_ms(x->c);
}

static void touch(sim_xfer *x)
{
  x->gap_deadline = qc_deadline_in(rsp_ms(x));
  sim_ftp_touch(x->c->ftp, rsp_ms(x));
}

/* Sends one control command of the sequence. */
static void command(sim_xfer *x, const char *line, xs_state next)
{
  set_state(x, next);
  x->in_flight = true;
  sim_ftp_command(x->c->ftp, SIM_XFER_TAG, line, rsp_ms(x));
}

/* Leaves data mode with success: "OK" (1.5, 2.5, 2.6), once. */
static void leave_data_mode(sim_xfer *x)
{
  if (x->r.com && x->connected && !x->ok_sent)
    sim_out_ok(x->c);
  x->ok_sent = true;
}

/* A failed GET to UFS:/SD: removes the local file it made before its
 * URC says so (2.6; the profile's keep_partial_download keeps it). */
static void drop_partial(sim_xfer *x)
{
  if (x->r.kind != SIM_XFER_GET || x->r.com || !x->err || x->file < 0 ||
      !x->r.local[0] || sim_strict_keep_partial(x->c))
    return;
  sim_log("xfer: failed download: removing its local file");
  if (unlink(x->r.local) != 0)
    sim_log("xfer: unlink: %s", strerror(errno));
  x->r.local[0] = '\0'; /* once: report() and finish() both come here */
}

/* The result, once: +CME ERROR before CONNECT, else the URC. A failure
 * after CONNECT prints no "OK" (1.5: "OK" means success), except after a
 * download's FIN, which looked like success (sim/README.md). */
static void report(sim_xfer *x)
{
  if (x->reported || x->aborted)
    return;
  x->reported = true;
  if (x->r.com && !x->connected && x->err) {
    sim_out_cme(x->c, x->err); /* no CONNECT yet: an immediate failure */
    return;
  }
  long long n = x->r.kind == SIM_XFER_PUT && x->r.com ? x->part : x->total;
  if (quirk(x, SIM_QUIRK_LEN_OFF_BY_ONE))
    n++;
  if (x->err) {
    drop_partial(x);
    sim_out_line(x->c, "%s: %d,%d", urc[x->r.kind], x->err, x->reply);
    return;
  }
  leave_data_mode(x);
  sim_out_line(x->c, "%s: 0,%lld", urc[x->r.kind], n);
}

/* The transfer is over: URC (unless aborted or printed), back to IDLE. */
static void finish(sim_xfer *x)
{
  drop_partial(x); /* while x->file says the file was made */
  release(x);
  set_state(x, XS_IDLE);
  report(x);
}

/* The data side is done; the URC waits for the final reply. */
static void data_done(sim_xfer *x)
{
  sim_data_close(&x->d, use_rst(x));
  if (x->in_flight) {
    set_state(x, XS_DRAINING);
    return;
  }
  finish(x);
}

/* The first failure decides the result, which is printed at once: the
 * transfer's final reply may be late or never come (a reset data
 * connection, a server still in its accept), and the host must not wait
 * for it. The reply still owed is read and dropped (DRAINING, bounded by
 * rsptimeout). */
static bool resume_break(sim_xfer *x, int err, int reply);

static void fail(sim_xfer *x, int err, int reply)
{
  if (resume_break(x, err, reply))
    return;
  sim_log("xfer: %s failed: %d,%d", verb[x->r.kind], err, reply);
  /* The module's own connect failing (no reply: the EG800K log's
   * "+CME ERROR: 615"), not a server's 425. */
  if (err == SIM_ERR_DATA_OPEN_FAILED && reply == 0 &&
      sim_ctx_prof_bool(x->c, "busy_after_data_fail", false))
    sim_ftp_wedge(x->c->ftp);
  if (!x->err) {
    x->err = err;
    x->reply = reply;
  }
  data_done(x);
  if (x->st == XS_DRAINING)
    report(x);
}

static void after_data_event(sim_xfer *x);

static void send_transfer_command(sim_xfer *x)
{
  char line[LINE_MAX_];
  if (x->r.startpos > 0 && x->st != XS_REST &&
      !quirk(x, SIM_QUIRK_IGNORE_STARTPOS) &&
      (x->r.kind == SIM_XFER_GET || x->r.kind == SIM_XFER_PUT)) {
    snprintf(line, sizeof line, "REST %lld", x->r.startpos);
    command(x, line, XS_REST);
    return;
  }
  bool bare = x->r.kind != SIM_XFER_GET && x->r.kind != SIM_XFER_PUT &&
              strcmp(x->r.remote, ".") == 0; /* "." = current dir (2.11) */
  if (bare)
    snprintf(line, sizeof line, "%s", verb[x->r.kind]);
  else
    snprintf(line, sizeof line, "%s %s", verb[x->r.kind], x->r.remote);
  command(x, line, XS_WAIT);
  touch(x);
  sim_data_tls_go(&x->d, rsp_ms(x)); /* FTPS: the server accepts now */
  if (x->d.st == SIM_DATA_FAILED)
    after_data_event(x);
}

static void begin_moving(sim_xfer *x)
{
  set_state(x, XS_MOVING);
  x->flowed = true;
  x->ok_sent = false; /* each CONNECT ends with its own OK (1.5) */
  touch(x);
  if (x->r.com) {
    x->connected = true;
    sim_out_line(x->c, "CONNECT");
    sim_guard_init(&x->g,
                   quirk(x, SIM_QUIRK_IGNORE_GUARD)
                       ? 0
                       : sim_ctx_scaled_ms(x->c, GUARD_MS),
                   qc_now_ms());
  }
}

/* WAIT -> MOVING once the data connection is open and the server said
 * 1xx (or already its final 2xx). */
static void maybe_begin(sim_xfer *x)
{
  if (x->st == XS_WAIT && x->d.st == SIM_DATA_OPEN &&
      (x->prelim || x->ctrl_done))
    begin_moving(x);
}

/* 227 or 200 to PORT: the data connection's address is known. */
static void on_address(sim_xfer *x, const char *text)
{
  if (!passive(x)) {
    send_transfer_command(x);
    return;
  }
  struct sockaddr_in srv, peer;
  if (sim_addr_parse_227(text, &srv) != 0) {
    fail(x, SIM_ERR_DATA_OPEN_FAILED, QC_FTP_PASSIVE);
    return;
  }
  socklen_t pl = sizeof peer;
  int ctrl = sim_ftp_fd(x->c->ftp);
  bool have_peer = ctrl >= 0 &&
                   getpeername(ctrl, (struct sockaddr *)&peer, &pl) == 0 &&
                   peer.sin_family == AF_INET;
  peer.sin_port = srv.sin_port;
  int type = x->c->cfg.data_type;
  set_state(x, XS_DIALING);
  int rc;
  if (type == 1 && have_peer) /* control peer, 227's port */
    rc = sim_data_connect(&x->d, &peer, rsp_ms(x), NULL, 0);
  else if (type == 2 && have_peer) /* control first, then 227's */
    rc = sim_data_connect(
        &x->d, &peer,
        sim_ctx_scaled_ms(x->c, (int64_t)x->c->cfg.data_timeout * 1000), &srv,
        rsp_ms(x));
  else
    rc = sim_data_connect(&x->d, &srv, rsp_ms(x), NULL, 0);
  if (rc != 0)
    fail(x, SIM_ERR_DATA_OPEN_FAILED, 0);
}

static void on_reply_ok(sim_xfer *x, const char *text)
{
  char line[LINE_MAX_];
  switch (x->st) {
  case XS_TYPE:
    if (passive(x)) {
      command(x, "PASV", XS_ADDR);
      return;
    }
    {
      struct sockaddr_in me;
      char arg[64];
      if (sim_data_listen(&x->d, sim_ftp_fd(x->c->ftp), rsp_ms(x), &me) != 0 ||
          sim_addr_port_arg(&me, arg, sizeof arg) != 0) {
        fail(x, SIM_ERR_DATA_OPEN_FAILED, 0);
        return;
      }
      snprintf(line, sizeof line, "PORT %s", arg);
      command(x, line, XS_ADDR);
    }
    return;
  case XS_ADDR:
    on_address(x, text);
    return;
  case XS_REST:
    send_transfer_command(x);
    return;
  case XS_DRAINING:
    x->ctrl_done = true;
    if (x->resume_pending && resume_break(x, 0, 0))
      return;
    finish(x);
    return;
  default: /* the transfer command's reply, or one nobody waits for */
    if (xs_rows[x->st].cmd_out) {
      x->ctrl_done = true; /* 226 may beat the last data bytes */
      maybe_begin(x);
    }
    return;
  }
}

void sim_xfer_on_done(sim_xfer *x, int err, int reply, const char *text)
{
  x->in_flight = false;
  if (x->st == XS_IDLE)
    return;
  if (err == 0) {
    on_reply_ok(x, text);
    return;
  }
  x->ctrl_done = true;
  if (x->partial || x->aborted) { /* we cut the data: 426 is expected */
    if (x->st == XS_DRAINING)
      finish(x);
    return;
  }
  /* 425 and a data connection that never opened are the same to a host. */
  fail(x, err, reply);
  if (x->st == XS_DRAINING)
    finish(x);
}

void sim_xfer_on_prelim(sim_xfer *x, int reply)
{
  (void)reply;
  x->prelim = true;
  maybe_begin(x);
}

static int open_local(sim_xfer *x)
{
  const sim_xfer_req *r = &x->r;
  if (r->com)
    return 0;
  struct stat st;
  if (r->kind == SIM_XFER_PUT) {
    x->file = open(r->local, O_RDONLY | O_CLOEXEC);
    if (x->file < 0)
      return SIM_ERR_FILE_OPEN;
    if (fstat(x->file, &st) != 0 || !S_ISREG(st.st_mode))
      return SIM_ERR_FILE;
    if (r->startpos > st.st_size)
      return SIM_ERR_FILE_POS;
    if (lseek(x->file, (off_t)r->startpos, SEEK_SET) < 0)
      return SIM_ERR_FILE;
    return 0;
  }
  /* GET (3.7): the local file is created or replaced and holds the
   * server's bytes from <startpos> on (REST); any cache type. */
  x->file = open(r->local, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  return x->file < 0 ? SIM_ERR_FILE_OPEN : 0;
}

/* A fresh data connection, with TLS when the session has it. */
static void new_data(sim_xfer *x)
{
  sim_data_init(&x->d, (int)x->bufsize);
  SSL_SESSION *sess;
  SSL_CTX *tls = sim_ftp_data_tls(x->c->ftp, &sess);
  if (tls && SSL_CTX_up_ref(tls) == 1) /* FTPS, PROT P */
    sim_data_use_tls(&x->d, tls, sess);
  else
    SSL_SESSION_free(sess);
}

/* cache 2: the same RETR again on a new data connection, from the bytes
 * stored so far (REST). */
static void resume_now(sim_xfer *x)
{
  x->resume_pending = false;
  x->prelim = x->ctrl_done = x->flowed = false;
  x->r.startpos = sim_resume_offset(&x->rs, x->total);
  sim_log("xfer: resuming %s at %lld (%d attempts left)", x->r.remote,
          x->r.startpos, x->rs.left);
  new_data(x);
  set_state(x, XS_TYPE);
  on_reply_ok(x, ""); /* as after TYPE: PASV or PORT, then REST, RETR */
}

/* A failure that cache 2 turns into a resumption (sim_resume.h): true
 * when it did (or will, once the broken RETR's final reply is read). With
 * a resumption pending, any final reply lets it go ahead while the session
 * lives. */
static bool resume_break(sim_xfer *x, int err, int reply)
{
  sim_ftp_phase ph = sim_ftp_get_phase(x->c->ftp);
  bool session = ph == SIM_FTP_PH_IDLE || ph == SIM_FTP_PH_BUSY;
  if (x->resume_pending) {
    if (x->in_flight)
      return true;
    if (ph != SIM_FTP_PH_IDLE) {
      x->resume_pending = false;
      return false; /* the session went too: an ordinary failure */
    }
    resume_now(x);
    return true;
  }
  if (!x->flowed || !session || !sim_resume_take(&x->rs, err, reply))
    return false;
  sim_log("xfer: data connection broke after %lld bytes (%d,%d)", x->total,
          err, reply);
  sim_data_close(&x->d, use_rst(x));
  if (x->in_flight) {
    x->resume_pending = true;
    set_state(x, XS_DRAINING);
    return true;
  }
  resume_now(x);
  return true;
}

void sim_xfer_kill(sim_xfer *x, int err)
{
  if (x->st == XS_IDLE)
    return;
  sim_log("xfer: %s ended by the module: %d", verb[x->r.kind], err);
  x->in_flight = false;
  x->resume_pending = false;
  if (!x->err) {
    x->err = err;
    x->reply = 0;
  }
  finish(x);
}

int sim_xfer_start(sim_xfer *x, const sim_xfer_req *r)
{
  if (x->st != XS_IDLE)
    return SIM_ERR_BUSY;
  /* 2.1: FTPS requires passive mode (transmode changed after the OPEN). */
  if (x->c->cfg.ssltype != 0 && !passive(x))
    return SIM_ERR_INVALID_PARAM;
  int gate = sim_ftp_gate(x->c->ftp);
  if (gate)
    return gate;
  sim_ctx *c = x->c;
  memset(x, 0, sizeof *x);
  x->c = c;
  x->r = *r;
  x->file = -1;
  /* 2.1 "cache": 0 normal 64 KiB, 1 and 2 128 KiB (2 resumes like 1). */
  x->bufsize = x->c->cfg.cache == 0 ? 64 * 1024 : 128 * 1024;
  sim_resume_init(&x->rs, x->c, r);
  new_data(x);
  int e = open_local(x);
  if (e == 0 && !(x->buf = malloc(x->bufsize)))
    e = SIM_ERR_UNKNOWN;
  if (e) {
    release(x);
    return e;
  }
  if (!r->com)
    sim_out_ok(x->c);
  sim_log("xfer: %s %s", verb[r->kind], r->remote);
  /* 2.1 "filetype": 0 binary, 1 ASCII. */
  bool ascii = x->c->cfg.filetype == 1 || quirk(x, SIM_QUIRK_WRONG_TYPE);
  command(x, ascii ? "TYPE A" : "TYPE I", XS_TYPE);
  return 0;
}

void sim_xfer_next_part(sim_xfer *x, long long len, int beof)
{
  x->r.len = len;
  x->r.beof = beof;
  x->part = 0;
  begin_moving(x);
}

/* Queued upload bytes (x->buf[boff..blen)). */
static size_t queued(const sim_xfer *x)
{
  return x->blen - x->boff;
}

/* One write of the queue: the bytes the data socket took, 0 when it is
 * full, -1 when the upload failed (reported). */
static ssize_t write_queued(sim_xfer *x)
{
  ssize_t w = sim_data_write(&x->d, x->buf + x->boff, queued(x));
  if (w < 0 && errno == EAGAIN)
    return 0;
  if (w <= 0) {
    fail(x, errno == EPIPE ? SIM_ERR_PEER_CLOSED : SIM_ERR_DATA_CLOSED, 0);
    return -1;
  }
  x->boff += (size_t)w;
  touch(x); /* a slow server that reads is not a silent one */
  return w;
}

/* Writes what the data socket takes now; false when the upload failed. */
static bool push_queue(sim_xfer *x)
{
  while (queued(x) > 0) {
    ssize_t w = write_queued(x);
    if (w <= 0)
      return w == 0;
  }
  x->boff = x->blen = 0;
  return true;
}

/* The queue is empty after a COM: part: HELD (<beof> 0) or done. */
static void after_flush(sim_xfer *x)
{
  if (x->hold_after_flush) {
    set_state(x, XS_HELD);
    sim_out_line(x->c, "+QFTPPUT: 0,%lld", x->part);
    return;
  }
  data_done(x);
}

/* PUT from COM: got its last byte, by uploadlen or "+++". Queued bytes
 * go out first (FLUSHING) so the FIN never overtakes them. */
static void end_upload_part(sim_xfer *x, bool by_len)
{
  leave_data_mode(x);
  x->hold_after_flush = by_len && x->r.len > 0 && x->r.beof == 0;
  if (queued(x) > 0 && push_queue(x) && queued(x) > 0) {
    set_state(x, XS_FLUSHING);
    return;
  }
  if (x->st == XS_MOVING)
    after_flush(x);
}

/* Host payload for the data socket: queued, written when POLLOUT says so;
 * main.c stops reading the pty while the queue is full (back-pressure). */
static void upload_bytes(sim_xfer *x, const char *b, size_t n)
{
  if (n == 0)
    return;
  if (x->boff > 0 && x->blen + n > x->bufsize) {
    memmove(x->buf, x->buf + x->boff, queued(x));
    x->blen -= x->boff;
    x->boff = 0;
  }
  if (x->blen + n > x->bufsize) {
    /* Cannot happen while main.c honours sim_xfer_input_room(). */
    sim_log("xfer: upload queue overflow, %zu bytes dropped", n);
    fail(x, SIM_ERR_DATA_CLOSED, 0);
    return;
  }
  memcpy(x->buf + x->blen, b, n);
  x->blen += n;
  x->total += (long long)n;
  x->part += (long long)n;
  touch(x);
  /* A pty read is at most 4 KiB: a write per read would be a send per
   * 4 KiB. Below half the queue the poll loop's POLLOUT sends the batch
   * its reads gathered, in the same round. */
  if (queued(x) >= x->bufsize / 2)
    push_queue(x);
}

size_t sim_xfer_input_room(const sim_xfer *x)
{
  if (!sim_xfer_data_mode(x) || x->r.kind != SIM_XFER_PUT)
    return SIZE_MAX;
  size_t used = x->blen - x->boff;
  /* The guard may release up to SIM_GUARD_OUT_MAX held bytes at once. */
  return x->bufsize - used > SIM_GUARD_OUT_MAX
             ? x->bufsize - used - SIM_GUARD_OUT_MAX
             : 0;
}


static void on_escape(sim_xfer *x)
{
  bool put = x->r.kind == SIM_XFER_PUT;
  if (!put && !sim_ctx_prof_bool(x->c, "plus_aborts_download", false)) {
    sim_out_ok(x->c);
    set_state(x, XS_PAUSED); /* the data socket is not read meanwhile */
    return;
  }
  /* Firmware that abandons the transfer instead (profile keys; EG800K
   * for downloads): no URC, STAT back to 1, ATO has nothing to resume. */
  if (!put || sim_ctx_prof_bool(x->c, "plus_aborts_upload", false)) {
    x->aborted = true;
    sim_out_ok(x->c);
    sim_data_close(&x->d, true);
    data_done(x);
    return;
  }
  end_upload_part(x, false);
}

/* uploadlen counts bytes received, held '+' included. */
static bool part_complete(const sim_xfer *x, size_t cl)
{
  return x->r.len > 0 && x->part + (long long)cl + x->g.held >= x->r.len;
}

/* A run of bytes with no escape pending, from the guard's fast path:
 * straight to the upload queue (a download only listens for "+++"). */
static void input_plain(sim_xfer *x, const char *b, size_t k)
{
  if (x->r.kind != SIM_XFER_PUT)
    return;
  upload_bytes(x, b, k);
  if (x->st == XS_MOVING && part_complete(x, 0))
    end_upload_part(x, true);
}

/* The largest run input_plain() may take: never past uploadlen (cl
 * bytes released by the guard go first). */
static size_t plain_cap(const sim_xfer *x, size_t cl, size_t n)
{
  if (x->r.kind != SIM_XFER_PUT || x->r.len <= 0)
    return n;
  long long left = x->r.len - x->part - (long long)cl;
  return left < (long long)n ? (size_t)(left > 0 ? left : 0) : n;
}

size_t sim_xfer_input(sim_xfer *x, const char *b, size_t n)
{
  size_t i = 0, cl = 0;
  char chunk[4096];
  /* The bytes of one read arrived together: one time for all of them
   * (a clock read per byte was most of an upload's cost). */
  int64_t now = qc_now_ms();
  while (i < n && sim_xfer_data_mode(x)) {
    size_t k = sim_guard_plain(&x->g, now, (const unsigned char *)b + i,
                               plain_cap(x, cl, n - i));
    if (k > 0) {
      if (cl && x->r.kind == SIM_XFER_PUT)
        upload_bytes(x, chunk, cl); /* order: what the guard released */
      cl = 0;
      if (sim_xfer_data_mode(x))
        input_plain(x, b + i, k);
      i += k;
      continue;
    }
    k = sim_guard_byte(&x->g, now, (unsigned char)b[i++], chunk + cl);
    if (x->r.kind != SIM_XFER_PUT)
      continue; /* a download only listens for "+++" */
    cl += k;
    /* never passed: each byte adds at most itself to part + cl + held. */
    if (part_complete(x, cl)) {
      cl += sim_guard_flush(&x->g, chunk + cl);
      upload_bytes(x, chunk, cl);
      cl = 0;
      if (x->st == XS_MOVING)
        end_upload_part(x, true);
    } else if (cl > sizeof chunk - SIM_GUARD_OUT_MAX) {
      upload_bytes(x, chunk, cl);
      cl = 0;
    }
  }
  if (cl && sim_xfer_data_mode(x))
    upload_bytes(x, chunk, cl);
  return i;
}

void sim_xfer_dtr_off(sim_xfer *x, bool clear_down)
{
  bool moving = x->st == XS_MOVING && x->r.com;
  if (!moving && !(clear_down && x->st == XS_PAUSED))
    return;
  sim_log("xfer: DTR dropped, %s", clear_down ? "transfer ended"
                                                : "data mode left");
  if (!clear_down) {
    /* '+' held as a possible escape were payload after all. */
    char out[SIM_GUARD_OUT_MAX];
    size_t k = sim_guard_flush(&x->g, out);
    if (x->r.kind == SIM_XFER_PUT)
      upload_bytes(x, out, k);
    if (x->st == XS_MOVING)
      on_escape(x);
    return;
  }
  x->aborted = true; /* as an aborting "+++": no URC */
  if (moving)
    sim_out_ok(x->c);
  sim_data_close(&x->d, true);
  data_done(x);
}

int sim_xfer_resume(sim_xfer *x)
{
  if (x->st != XS_PAUSED)
    return -1;
  begin_moving(x);
  return 0;
}

/* Download: bytes from the data socket to the port or the local file. */
static void on_data_readable(sim_xfer *x)
{
  size_t want = x->bufsize;
  /* quirk: one byte beyond <downloadlen> (2.6) */
  long long limit = x->r.len + (quirk(x, SIM_QUIRK_EXTRA_BYTES) ? 1 : 0);
  bool capped = x->r.kind == SIM_XFER_GET && x->r.com && x->r.len > 0;
  if (capped && (long long)want > limit - x->total)
    want = (size_t)(limit - x->total);
  ssize_t r = sim_data_read(&x->d, x->buf, want);
  if (r < 0 && errno == EAGAIN)
    return;
  if (r < 0) {
    fail(x, SIM_ERR_DATA_CLOSED, 0);
    return;
  }
  if (r == 0) {
    /* A FIN looks like success here: "OK" now (cases/faults/data-close);
     * a 426 that follows still gives the error URC. */
    leave_data_mode(x);
    data_done(x);
    return;
  }
  if (x->r.com) {
    sim_out_raw(x->c, x->buf, (size_t)r); /* byte-exact, never scanned */
  } else if (qc_write_all(x->file, x->buf, (size_t)r, qc_deadline_in(1000))) {
    fail(x, SIM_ERR_FILE, 0);
    return;
  }
  x->total += r;
  touch(x);
  if (capped && x->total >= limit) {
    x->partial = true; /* close; the 426 or 226 that follows is fine */
    leave_data_mode(x);
    data_done(x);
  }
}

/* Upload of a local file: refill from the file, write what the socket
 * takes. */
static void on_data_writable(sim_xfer *x)
{
  if (x->boff == x->blen) {
    ssize_t r = read(x->file, x->buf, x->bufsize);
    if (r < 0) {
      fail(x, SIM_ERR_FILE, 0);
      return;
    }
    if (r == 0) {
      data_done(x);
      return;
    }
    x->blen = (size_t)r;
    x->boff = 0;
  }
  ssize_t w = write_queued(x);
  if (w > 0)
    x->total += w;
}

int sim_xfer_poll_fd(const sim_xfer *x, short *events)
{
  switch (xs_rows[x->st].data) {
  case XD_OPENING:
    return sim_data_poll_fd(&x->d, events);
  case XD_MOVING:
  case XD_FLUSHING:
    if (x->d.fd < 0)
      break;
    if (x->r.kind != SIM_XFER_PUT) {
      *events = sim_data_events(&x->d, POLLIN);
      return x->d.fd;
    }
    if (!x->r.com || queued(x) > 0) {
      *events = sim_data_events(&x->d, POLLOUT);
      return x->d.fd;
    }
    break;
  case XD_NONE:
    break;
  }
  *events = 0;
  return -1;
}

/* TLS holds decrypted bytes that poll cannot announce. */
static bool tls_pending(const sim_xfer *x)
{
  return x->st == XS_MOVING && x->r.kind != SIM_XFER_PUT &&
         sim_data_pending(&x->d) > 0;
}

int64_t sim_xfer_next_deadline(const sim_xfer *x)
{
  int64_t d = INT64_MAX;
  switch (xs_rows[x->st].data) {
  case XD_OPENING:
    d = sim_data_next_deadline(&x->d);
    break;
  case XD_MOVING:
    d = tls_pending(x) ? qc_now_ms() : x->gap_deadline;
    if (x->r.com) {
      int64_t g = sim_guard_deadline(&x->g);
      d = g < d ? g : d;
    }
    break;
  case XD_FLUSHING:
    d = x->gap_deadline;
    break;
  case XD_NONE:
    break;
  }
  return d;
}

/* The data connection moved (opened or failed). */
static void after_data_event(sim_xfer *x)
{
  if (x->d.st == SIM_DATA_FAILED) {
    /* 631 (5): the data connection's TLS handshake failed. */
    fail(x, x->d.tls_failed ? SIM_ERR_SSL_AUTH : SIM_ERR_DATA_OPEN_FAILED, 0);
    return;
  }
  /* TCP is up; FTPS's handshake waits for the transfer command. */
  bool tcp_up = x->d.st == SIM_DATA_OPEN || x->d.st == SIM_DATA_HANDSHAKE;
  if (x->st == XS_DIALING && tcp_up)
    send_transfer_command(x);
  else if (x->d.st == SIM_DATA_OPEN)
    maybe_begin(x);
}

void sim_xfer_on_event(sim_xfer *x, short revents)
{
  switch (xs_rows[x->st].data) {
  case XD_OPENING:
    sim_data_on_event(&x->d, revents);
    after_data_event(x);
    return;
  case XD_MOVING:
    if (x->r.kind != SIM_XFER_PUT)
      on_data_readable(x);
    else if (!x->r.com)
      on_data_writable(x);
    else
      push_queue(x);
    return;
  case XD_FLUSHING:
    if (push_queue(x) && queued(x) == 0)
      after_flush(x);
    return;
  case XD_NONE:
    return;
  }
}

/* 609: the server (or host) stalled; a late reply would be misread. */
static void gap_timeout(sim_xfer *x)
{
  sim_log("xfer: no data within rsptimeout");
  sim_ftp_drop(x->c->ftp);
  x->in_flight = false;
  x->err = SIM_ERR_TIMEOUT;
  x->reply = 0;
  data_done(x);
}

void sim_xfer_tick(sim_xfer *x)
{
  int64_t now = qc_now_ms();
  switch (xs_rows[x->st].data) {
  case XD_OPENING:
    if (now >= sim_data_next_deadline(&x->d)) {
      sim_data_on_event(&x->d, 0);
      after_data_event(x);
    }
    return;
  case XD_MOVING:
    if (tls_pending(x))
      on_data_readable(x);
    if (x->st == XS_MOVING && x->r.com) {
      char out[SIM_GUARD_OUT_MAX];
      size_t k = sim_guard_tick(&x->g, now, out);
      if (x->r.kind == SIM_XFER_PUT)
        upload_bytes(x, out, k);
      if (x->st == XS_MOVING && sim_guard_escaped(&x->g)) {
        on_escape(x);
        return;
      }
    }
    if (x->st == XS_MOVING && now >= x->gap_deadline)
      gap_timeout(x);
    return;
  case XD_FLUSHING:
    if (now >= x->gap_deadline)
      gap_timeout(x);
    return;
  case XD_NONE:
    return;
  }
}
