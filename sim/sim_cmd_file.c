/* AT+QFUPL/QFLST/QFDEL/QFREAD: the FILE note's commands the FTP note
 * relies on (1.4, 2.5, 2.6). Names go through sim_jail; a name that
 * leaves the root is +CME ERROR: 610. AT+QFUPL's data mode ends after
 * <file_size> bytes, after <timeout> without input, or at "+++" with its
 * guard times (the FILE note: what came before is kept), detected by
 * sim_guard as for a COM: upload. */
#include "qc_time.h"
#include "sim_cmd.h"
#include "sim_err.h"
#include "sim_file.h"
#include "sim_fs.h"
#include "sim_guard.h"
#include "sim_jail.h"
#include "sim_log.h"
#include "sim_quirk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define UPL_SIZE_MAX (16LL * 1024 * 1024) /* our bound for <file_size> */
#define UPL_TIMEOUT_S 5                   /* FILE note default <timeout> */
#define UPL_ACK_BLOCK 1024                /* <ackmode> 1: 'A' per 1 KiB */
#define READ_MAX (1024 * 1024)            /* one AT+QFREAD answer */
#define UPL_GUARD_MS 1000                 /* "+++" guard time, unscaled */

struct sim_upl {
  int fd;
  long long size, got;
  int64_t timeout_ms;
  int64_t deadline;
  bool ack;
  bool escape; /* "+++" ends it (quirk qfupl-no-escape: never) */
  sim_guard g;
  sim_fs_cksum k;
};

/* The first parameter, "UFS:x", -> full path; 0 or the err. all: accept
 * "UFS:*". */
static int full_path(const sim_ctx *c, const sim_at_params *ps, bool all,
                     char out[PATH_MAX], sim_local_kind *kind)
{
  char rel[SIM_JAIL_NAME_MAX + 8];
  *kind = sim_jail_local(sim_at_param_cstr(ps, 0), all, rel, sizeof rel);
  if (*kind != SIM_LOCAL_FILE && *kind != SIM_LOCAL_ALL)
    return SIM_ERR_INVALID_PARAM;
  if (!c->root || sim_fs_path(c->root, rel, out, PATH_MAX) != 0)
    return SIM_ERR_FILE_OPEN;
  return 0;
}

static void upl_end(sim_ctx *c)
{
  sim_upl *u = c->upl;
  close(u->fd);
  /* <checksum> in hex, as modules print it (README). */
  sim_out_line(c, "+QFUPL: %lld,%x", u->got, sim_fs_cksum_value(&u->k));
  sim_out_ok(c);
  free(u);
  c->upl = NULL;
}

void sim_file_shutdown(sim_ctx *c)
{
  if (!c->upl)
    return;
  sim_log("file: AT+QFUPL cut by shutdown after %lld bytes", c->upl->got);
  close(c->upl->fd);
  free(c->upl);
  c->upl = NULL;
}

/* File data: written, summed, acknowledged per 1 KiB with <ackmode> 1. */
static void store(sim_ctx *c, sim_upl *u, const char *b, size_t take)
{
  size_t done = 0;
  while (done < take) {
    size_t chunk = take - done;
    if (u->ack) { /* stop at each 1 KiB boundary to answer 'A' */
      size_t to_block = UPL_ACK_BLOCK - (size_t)(u->got % UPL_ACK_BLOCK);
      if (chunk > to_block)
        chunk = to_block;
    }
    if (write(u->fd, b + done, chunk) != (ssize_t)chunk)
      sim_log("file: write failed: %s", strerror(errno));
    sim_fs_cksum_feed(&u->k, b + done, chunk);
    u->got += (long long)chunk;
    done += chunk;
    if (u->ack && u->got % UPL_ACK_BLOCK == 0 && u->got < u->size)
      sim_out_raw(c, "A", 1);
  }
}

/* <file_size> counts bytes received, '+' held by the guard included:
 * reaching it hands them back as data and ends the upload. */
static bool upl_full(sim_ctx *c, sim_upl *u)
{
  if (u->got + u->g.held < u->size)
    return false;
  char out[SIM_GUARD_OUT_MAX];
  store(c, u, out, sim_guard_flush(&u->g, out));
  upl_end(c);
  return true;
}

size_t sim_file_input(sim_ctx *c, const char *b, size_t n)
{
  sim_file_tick(c); /* a silence or timeout that ended before these bytes */
  sim_upl *u = c->upl;
  if (!u)
    return 0;
  u->deadline = qc_deadline_in(u->timeout_ms);
  int64_t now = qc_now_ms(); /* the bytes of one read arrived together */
  size_t i = 0;
  while (i < n) {
    long long room = u->size - u->got - u->g.held;
    size_t cap = (long long)(n - i) > room ? (size_t)room : n - i;
    size_t k = u->escape ? sim_guard_plain(&u->g, now,
                                           (const unsigned char *)b + i, cap)
                         : cap;
    if (k > 0) {
      store(c, u, b + i, k);
    } else {
      char out[SIM_GUARD_OUT_MAX];
      store(c, u, out, sim_guard_byte(&u->g, now, (unsigned char)b[i], out));
      k = 1;
    }
    i += k;
    if (upl_full(c, u))
      break;
  }
  return i;
}

int64_t sim_file_next_deadline(const sim_ctx *c)
{
  if (!c->upl)
    return INT64_MAX;
  int64_t g = sim_guard_deadline(&c->upl->g);
  return g < c->upl->deadline ? g : c->upl->deadline;
}

void sim_file_tick(sim_ctx *c)
{
  sim_upl *u = c->upl;
  if (!u)
    return;
  int64_t now = qc_now_ms();
  char out[SIM_GUARD_OUT_MAX];
  store(c, u, out, sim_guard_tick(&u->g, now, out));
  if (sim_guard_escaped(&u->g)) {
    sim_log("file: AT+QFUPL ended by +++ after %lld bytes", u->got);
    upl_end(c); /* what came before is kept (FILE note) */
  } else if (now >= u->deadline) {
    sim_log("file: AT+QFUPL input timeout after %lld bytes", u->got);
    store(c, u, out, sim_guard_flush(&u->g, out));
    upl_end(c); /* what arrived is kept (README) */
  }
}

static void at_qfupl(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_line(c, "+QFUPL: <file_name>,<file_size>,<timeout>,<ackmode>");
    sim_out_ok(c);
    return;
  }
  char path[PATH_MAX];
  sim_local_kind kind;
  int e = full_path(c, ps, false, path, &kind);
  long long size = 10240, tmo = UPL_TIMEOUT_S, ack = 0;
  if (!e && (ps->n > 4 ||
             !sim_at_param_opt_int(ps, 1, 1, UPL_SIZE_MAX, &size) ||
             !sim_at_param_opt_int(ps, 2, 1, LLONG_MAX, &tmo) ||
             !sim_at_param_opt_int(ps, 3, 0, 1, &ack)))
    e = SIM_ERR_INVALID_PARAM;
  sim_upl *u = NULL;
  if (!e && !(u = calloc(1, sizeof *u)))
    e = SIM_ERR_UNKNOWN;
  if (!e) {
    u->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (u->fd < 0)
      e = SIM_ERR_FILE_OPEN;
  }
  if (e) {
    free(u);
    sim_out_cme(c, e);
    return;
  }
  u->size = size;
  u->ack = ack == 1;
  u->timeout_ms = sim_ctx_scaled_ms(c, tmo * 1000);
  u->deadline = qc_deadline_in(u->timeout_ms);
  sim_fs_cksum_init(&u->k);
  u->escape = !(c->quirks & SIM_QUIRK_QFUPL_NO_ESCAPE);
  /* quirk ignore-guard-times: "+++" anywhere ends it, as for QFTPPUT */
  sim_guard_init(&u->g,
                 (c->quirks & SIM_QUIRK_IGNORE_GUARD)
                     ? 0
                     : sim_ctx_scaled_ms(c, UPL_GUARD_MS),
                 qc_now_ms());
  c->upl = u;
  sim_out_line(c, "CONNECT");
}

static void list_one(void *arg, const char *name, long long size)
{
  void **a = arg;
  sim_out_line(a[0], "+QFLST: \"%s:%s\",%lld", (const char *)a[1], name,
               size);
}

static void at_qflst(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_ok(c);
    return;
  }
  const char *name = form == SIM_AT_FORM_EXEC ? "UFS:*" : sim_at_param_cstr(ps, 0);
  /* Note 3.7 lists with AT+QFLST="UFS:": a bare store is all of it (here
   * only; AT+QFDEL="UFS:" deletes nothing). */
  if (name && strcasecmp(name, "UFS:") == 0)
    name = "UFS:*";
  else if (name && strcasecmp(name, "SD:") == 0)
    name = "SD:*";
  char rel[SIM_JAIL_NAME_MAX + 8];
  sim_local_kind kind = sim_jail_local(name, 1, rel, sizeof rel);
  if (kind != SIM_LOCAL_ALL && kind != SIM_LOCAL_FILE) {
    sim_out_cme(c, SIM_ERR_INVALID_PARAM);
    return;
  }
  const char *store = strncmp(rel, "SD", 2) == 0 ? "SD" : "UFS";
  if (kind == SIM_LOCAL_ALL) {
    void *arg[2] = {c, (void *)store};
    sim_fs_list(c->root, rel, list_one, arg);
  } else {
    char path[PATH_MAX];
    struct stat st;
    if (sim_fs_path(c->root, rel, path, sizeof path) == 0 &&
        stat(path, &st) == 0 && S_ISREG(st.st_mode))
      sim_out_line(c, "+QFLST: \"%s\",%lld", name, (long long)st.st_size);
  }
  sim_out_ok(c);
}

static void at_qfdel(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_ok(c);
    return;
  }
  char path[PATH_MAX];
  sim_local_kind kind;
  int e = full_path(c, ps, true, path, &kind);
  if (!e && ps->n != 1)
    e = SIM_ERR_INVALID_PARAM;
  if (!e && kind == SIM_LOCAL_ALL) {
    char rel[SIM_JAIL_NAME_MAX + 8];
    sim_jail_local(sim_at_param_cstr(ps, 0), 1, rel, sizeof rel);
    if (sim_fs_delete_all(c->root, rel) < 0)
      e = SIM_ERR_FILE;
  } else if (!e && unlink(path) != 0) {
    e = SIM_ERR_FILE_OPEN;
  }
  if (e)
    sim_out_cme(c, e);
  else
    sim_out_ok(c);
}

static void at_qfread(sim_ctx *c, sim_at_form form, const sim_at_params *ps)
{
  if (form == SIM_AT_FORM_TEST) {
    sim_out_ok(c);
    return;
  }
  char path[PATH_MAX];
  sim_local_kind kind;
  int e = full_path(c, ps, false, path, &kind);
  long long want = LLONG_MAX;
  if (!e && (ps->n > 2 || !sim_at_param_opt_int(ps, 1, 1, LLONG_MAX, &want)))
    e = SIM_ERR_INVALID_PARAM;
  if (want > READ_MAX)
    want = READ_MAX;
  int fd = -1;
  if (!e && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    e = SIM_ERR_FILE_OPEN;
  char *buf = NULL;
  ssize_t n = 0;
  if (!e && !(buf = malloc((size_t)want)))
    e = SIM_ERR_UNKNOWN;
  if (!e && (n = read(fd, buf, (size_t)want)) < 0)
    e = SIM_ERR_FILE;
  if (fd >= 0)
    close(fd);
  if (e) {
    free(buf);
    sim_out_cme(c, e);
    return;
  }
  sim_out_line(c, "CONNECT %zd", n);
  sim_out_raw(c, buf, (size_t)n);
  sim_out_ok(c);
  free(buf);
}

enum {
  T = SIM_AT_FORM_TEST,
  S = SIM_AT_FORM_SET,
  X = SIM_AT_FORM_EXEC,
};

static const sim_cmd_row rows[] = {
    {"+QFUPL", T | S, at_qfupl, SIM_ERR_INVALID_PARAM},
    {"+QFLST", T | S | X, at_qflst, SIM_ERR_INVALID_PARAM},
    {"+QFDEL", T | S, at_qfdel, SIM_ERR_INVALID_PARAM},
    {"+QFREAD", T | S, at_qfread, SIM_ERR_INVALID_PARAM},
};

const sim_cmd_table sim_cmd_file_table = {rows, sizeof rows / sizeof rows[0]};
