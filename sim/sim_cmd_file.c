/* AT+QFUPL/QFLST/QFDEL/QFREAD: the FILE note's commands the FTP note
 * relies on (1.4, 2.5, 2.6). Names go through sim_jail; a name that
 * leaves the root is +CME ERROR: 610. */
#include "qc_time.h"
#include "sim_cmd.h"
#include "sim_err.h"
#include "sim_file.h"
#include "sim_fs.h"
#include "sim_jail.h"
#include "sim_log.h"

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

struct sim_upl {
  int fd;
  long long size, got;
  int64_t timeout_ms;
  int64_t deadline;
  bool ack;
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

size_t sim_file_input(sim_ctx *c, const char *b, size_t n)
{
  sim_upl *u = c->upl;
  if (!u)
    return 0;
  size_t take = (long long)n > u->size - u->got ? (size_t)(u->size - u->got) : n;
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
  u->deadline = qc_deadline_in(u->timeout_ms);
  if (u->got == u->size)
    upl_end(c);
  return take;
}

int64_t sim_file_next_deadline(const sim_ctx *c)
{
  return c->upl ? c->upl->deadline : INT64_MAX;
}

void sim_file_tick(sim_ctx *c)
{
  if (c->upl && qc_now_ms() >= c->upl->deadline) {
    sim_log("file: AT+QFUPL input timeout after %lld bytes", c->upl->got);
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
