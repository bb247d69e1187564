/* run_par: see run_par.h. */
#include "run_par.h"

#include "case_cost.h"
#include "fsutil.h"
#include "loop_addr.h"
#include "merge.h"
#include "netif.h"
#include "qc_time.h"
#include "qr_doc.h"
#include "qr_report.h"
#include "report_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum {
  PAR_LINE_MAX = 3 * 4096 + 256, /* a "D" line: reason and waiver */
  PAR_POLL_MS = 250,             /* how soon a signal is passed on */
};

/* The parent's signal count (1: Ctrl-C, 2: a second one), as runner.c
 * keeps its own: a handler reaches only static storage. */
static volatile sig_atomic_t par_interrupted;

static void par_on_signal(int sig)
{
  (void)sig;
  if (par_interrupted < 2)
    par_interrupted++;
}

/* What the parent knows of a case from its worker's lines. */
typedef enum { PC_QUEUED, PC_SENT, PC_STARTED, PC_DONE } pc_state;

typedef struct par_case {
  pc_state state;
  int worker;
  char verdict[16];
  double duration_s;
  char *reason; /* as the "D" line said it; NULL when none */
} par_case;

typedef struct worker {
  pid_t pid;
  int to, from;      /* the parent's ends; -1 when closed */
  long sent;         /* the case handed out and not done; -1 none */
  char dir[PATH_MAX];
  char buf[PAR_LINE_MAX];
  size_t len;
  int status;        /* waitpid's */
  bool reaped, has_results;
  json_t *ids;       /* the ids in its results.json (part_has), or NULL */
} worker;

typedef struct par {
  const qh_run_opts *o;
  qh_case_set set;
  par_case *cases;
  size_t *order;   /* hand-out order: longest first (case_cost.h) */
  size_t next;     /* the first place in order not yet handed out */
  size_t *requeue; /* handed to a worker that stopped before starting it */
  size_t nrequeue;
  size_t done;
  worker w[RN_MAX_JOBS];
  int n;
  /* DIR/results.json while the run goes on: each finished case as its
   * "D" line tells it (see live_write). */
  qr_run_result *live;
  int64_t t0;
} par;

/* ---- worker side ---- */

static int write_all(int fd, const char *s, size_t n)
{
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return -1;
    s += w;
    n -= (size_t)w;
  }
  return 0;
}

int rn_worker_next(const rn_link *w, size_t n, size_t *idx,
                   volatile sig_atomic_t *intr)
{
  char line[32];
  size_t len = 0;
  for (;;) {
    if (*intr)
      return -1;
    char c;
    ssize_t r = read(w->in, &c, 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1; /* the parent hands out no more */
    if (c == '\n')
      break;
    if (len + 1 == sizeof line)
      return -1;
    line[len++] = c;
  }
  line[len] = '\0';
  char *end;
  errno = 0;
  unsigned long v = strtoul(line, &end, 10);
  if (errno || end == line || *end || v >= n)
    return -1;
  *idx = v;
  char msg[48];
  int m = snprintf(msg, sizeof msg, "S %zu\n", *idx);
  return write_all(w->out, msg, (size_t)m);
}

/* s with tabs and line ends as spaces: one field of a line. */
static void field(char *out, size_t len, const char *s)
{
  snprintf(out, len, "%s", s ? s : "");
  for (char *p = out; *p; p++)
    if (*p == '\t' || *p == '\n' || *p == '\r')
      *p = ' ';
}

void rn_worker_done(const rn_link *w, size_t idx, const qr_case_result *cr)
{
  char reason[4096], wr[1024], wref[1024];
  field(reason, sizeof reason, cr->reason);
  field(wr, sizeof wr, cr->waiver ? cr->waiver->reason : NULL);
  field(wref, sizeof wref, cr->waiver ? cr->waiver->reference : NULL);
  char *msg = malloc(PAR_LINE_MAX);
  if (!msg)
    return; /* the parent then reports the case lost */
  int m = snprintf(msg, PAR_LINE_MAX, "D %zu %s %.3f\t%s\t%s\t%s\n", idx,
                   qr_verdict_name(cr->verdict), cr->duration_s, reason, wr,
                   wref);
  if (m > 0)
    write_all(w->out, msg, (size_t)m < PAR_LINE_MAX ? (size_t)m
                                                    : PAR_LINE_MAX - 1);
  free(msg);
}

/* The i-th of a repeatable option given once per worker, or once for
 * all; def when not given. */
static const char *nth(const char *const *v, size_t n, int i,
                       const char *def)
{
  return n == 0 ? def : n == 1 ? v[0] : v[i];
}

/* In the child: the single run on the cases the parent hands out, with a
 * simulator (or device), address and report directory of its own. */
static int worker_main(par *p, int k, rn_link link, char **all_ids,
                       size_t nall)
{
  qh_run_opts wo = *p->o;
  wo.jobs = 1;
  wo.report_dir = p->w[k].dir;
  wo.device = nth(p->o->devices, p->o->ndevices, k, p->o->device);
  wo.server_addr =
      nth(p->o->server_addrs, p->o->nserver_addrs, k, p->o->server_addr);
  wo.module_addr =
      nth(p->o->module_addrs, p->o->nmodule_addrs, k, p->o->module_addr);
  qh_loop_addr loop = {.fd = -1};
  if (!wo.server_addr) { /* the simulator: a loopback address of its own */
    char err[256];
    if (qh_loop_claim((unsigned)getpid(), QH_LOOP_TRIES, QH_LOOP_CLAIM_PORT,
                      &loop, err, sizeof err) < 0) {
      fprintf(stderr, "qftp-harness: [w%d] %s\n", k + 1, err);
      return QH_EXIT_ENV;
    }
    wo.server_addr = loop.addr;
  }
  char capture_if[64];
  if (!wo.capture_if) {
    if (qh_netif_for_addr(wo.server_addr, capture_if, sizeof capture_if) < 0)
      snprintf(capture_if, sizeof capture_if, "lo");
    wo.capture_if = capture_if;
  }
  /* The console lines of a worker go to its folder; the parent prints
   * the progress from the "D" lines. */
  char console[PATH_MAX];
  snprintf(console, sizeof console, "%s/console.txt", wo.report_dir);
  qh_mkdirs(wo.report_dir, 0755);
  if (!freopen(console, "w", stdout)) {
    fprintf(stderr, "qftp-harness: [w%d] %s: %s\n", k + 1, console,
            strerror(errno));
    return QH_EXIT_ENV;
  }
  int rc = rn_run_set(&wo, &p->set, all_ids, nall, &link);
  qh_loop_release(&loop);
  return rc;
}

/* ---- parent side ---- */

static void close_fd(int *fd)
{
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

static bool any_in_flight(const par *p)
{
  for (int k = 0; k < p->n; k++)
    if (p->w[k].sent >= 0)
      return true;
  return false;
}

/* Hands worker k its next case. With none left, an idle worker waits
 * while another still runs one (should that one die, its case comes
 * back); after the last, every pipe is closed: no more. */
static void hand_out(par *p, int k)
{
  worker *w = &p->w[k];
  if (w->to < 0)
    return;
  size_t idx;
  if (par_interrupted) {
    close_fd(&w->to);
    return;
  }
  if (p->nrequeue)
    idx = p->requeue[--p->nrequeue];
  else if (p->next < p->set.n)
    idx = p->order[p->next++];
  else {
    if (!any_in_flight(p))
      for (int j = 0; j < p->n; j++)
        close_fd(&p->w[j].to);
    return;
  }
  char msg[32];
  int m = snprintf(msg, sizeof msg, "%zu\n", idx);
  if (write_all(w->to, msg, (size_t)m) < 0) {
    p->requeue[p->nrequeue++] = idx; /* the worker is gone: another runs it */
    close_fd(&w->to);
    return;
  }
  p->cases[idx].state = PC_SENT;
  p->cases[idx].worker = k;
  w->sent = (long)idx;
}

/* Splits off the next tab-separated field of *s (NUL-terminated). */
static char *next_field(char **s)
{
  char *f = *s, *tab = strchr(f, '\t');
  if (tab) {
    *tab = '\0';
    *s = tab + 1;
  } else {
    *s = f + strlen(f);
  }
  return f;
}

/* The verdict and reason a worker's "D" line told, on a case of the
 * parent's model (a verdict it cannot read is an error). */
static void told_verdict(qr_case_result *cr, const par_case *pc)
{
  int v = qr_verdict_parse(pc->verdict);
  qr_verdict verdict = v < 0 ? QR_ERROR : (qr_verdict)v;
  if (pc->reason)
    qr_case_set_verdict(cr, verdict, 0, "%s", pc->reason);
  else
    qr_case_set_verdict(cr, verdict, 0, NULL);
}

/* DIR/results.json after every case the parent learns of, atomically:
 * a SIGKILL of the run leaves every case whose line it printed. Built
 * from the "D" lines (verdict, reason, duration; "dir" the case's folder
 * in its worker's), not by merging the workers' files again after every
 * case: that costs the whole run's JSON read twice per case (see
 * reports/README.md). The workers' own results.json hold the rest until
 * the merge at the end replaces this file. */
static void live_write(par *p, int k, size_t idx)
{
  const qh_case *c = p->set.cases[idx];
  const par_case *pc = &p->cases[idx];
  if (!p->live) {
    p->live = qr_run_result_new(p->o->device ? p->o->device : "sim",
                                p->o->profile, p->o->time_scale);
    p->live->planned = p->set.n;
  }
  qr_run_result *res = p->live;
  qr_case_result *cr = qr_run_add_case(res, c->id, c->title, c->spec,
                                       c->path, c->tags, c->ntags);
  told_verdict(cr, pc);
  cr->duration_s = pc->duration_s;
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "workers/w%d/cases/%s", k + 1, c->id);
  cr->dir = strdup(dir);
  char path[PATH_MAX], detail[160], err[1024];
  snprintf(path, sizeof path, "%s/results.json", p->o->report_dir);
  snprintf(detail, sizeof detail,
           "the run had not finished when this file was written (%zu of %zu "
           "cases)",
           res->ncases, p->set.n);
  res->duration_s = (double)(qc_now_ms() - p->t0) / 1000.0;
  res->interrupted = true;
  qr_run_set_stop(res, "running", detail);
  if (qr_write_json(res, path, err, sizeof err) < 0)
    fprintf(stderr, "qftp-harness: reports: %s\n", err);
}

/* "[w2] [ 12/343] open.login    pass     0.21 s", as a single run's line
 * with the worker in front; rest: "REASON\tWAIVER-REASON\tREFERENCE". */
static void progress(par *p, int k, size_t idx, char *rest)
{
  par_case *pc = &p->cases[idx];
  char *reason = next_field(&rest);
  char *wr = next_field(&rest);
  char *wref = next_field(&rest);
  pc->reason = *reason ? strdup(reason) : NULL;
  live_write(p, k, idx); /* in the file before the line says it is done */
  size_t total = p->set.n;
  printf("[w%d] [%*zu/%zu] %-40s %-6s %6.2f s%s%s\n", k + 1,
         total > 99 ? 3 : 2, p->done, total, p->set.cases[idx]->id,
         pc->verdict, pc->duration_s, *reason ? "\n        " : "", reason);
  if (*wr)
    printf("        waived: %s (%s)\n", wr, wref);
  fflush(stdout);
}

/* One line from worker k. */
static void on_line(par *p, int k, char *line)
{
  worker *w = &p->w[k];
  char kind;
  size_t idx;
  int used = 0;
  if (sscanf(line, "%c %zu%n", &kind, &idx, &used) < 2 || idx >= p->set.n)
    return;
  par_case *pc = &p->cases[idx];
  if (kind == 'S') {
    pc->state = PC_STARTED;
    return;
  }
  if (kind != 'D')
    return;
  char *rest = line + used;
  double d = 0;
  int used2 = 0;
  if (sscanf(rest, " %15s %lf%n", pc->verdict, &d, &used2) < 2)
    snprintf(pc->verdict, sizeof pc->verdict, "error");
  pc->duration_s = d;
  rest += used2;
  if (*rest == '\t')
    rest++;
  pc->state = PC_DONE;
  p->done++;
  w->sent = -1;
  progress(p, k, idx, rest);
  hand_out(p, k);
}

static void describe_exit(int status, char *buf, size_t len)
{
  if (WIFSIGNALED(status))
    snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
  else
    snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
}

/* Reads what worker k wrote; at its end, reaps it. */
static void on_readable(par *p, int k)
{
  worker *w = &p->w[k];
  ssize_t r = read(w->from, w->buf + w->len, sizeof w->buf - 1 - w->len);
  if (r < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (r > 0) {
    w->len += (size_t)r;
    w->buf[w->len] = '\0';
    char *start = w->buf, *nl;
    while ((nl = strchr(start, '\n'))) {
      *nl = '\0';
      on_line(p, k, start);
      start = nl + 1;
    }
    w->len -= (size_t)(start - w->buf);
    memmove(w->buf, start, w->len);
    if (w->len == sizeof w->buf - 1)
      w->len = 0; /* a line too long: dropped */
    return;
  }
  /* The worker is gone (or going): it ran its last case. */
  close_fd(&w->from);
  close_fd(&w->to);
  while (waitpid(w->pid, &w->status, 0) < 0 && errno == EINTR)
    ;
  w->reaped = true;
  /* Its own children (simulator, servers, capture) share its group. */
  kill(-w->pid, SIGTERM);
  if (w->sent >= 0) {
    par_case *pc = &p->cases[w->sent];
    if (pc->state == PC_SENT) { /* never started: another worker runs it */
      p->requeue[p->nrequeue++] = (size_t)w->sent;
    } else {
      char how[64], why[128];
      describe_exit(w->status, how, sizeof how);
      p->done++;
      snprintf(pc->verdict, sizeof pc->verdict, "error");
      snprintf(why, sizeof why, "worker w%d died (%s) while running this case",
               k + 1, how);
      free(pc->reason);
      pc->reason = strdup(why);
      live_write(p, k, (size_t)w->sent);
      printf("[w%d] [%*zu/%zu] %-40s %-6s %6.2f s\n        worker w%d died "
             "(%s) while running this case\n",
             k + 1, p->set.n > 99 ? 3 : 2, p->done, p->set.n,
             p->set.cases[w->sent]->id, "error", 0.0, k + 1, how);
      fflush(stdout);
    }
    w->sent = -1;
  }
  /* Its queued cases may now wait for a worker still there. */
  for (int j = 0; j < p->n; j++)
    if (p->w[j].to >= 0 && p->w[j].sent < 0)
      hand_out(p, j);
}

static int spawn(par *p, int k, char **all_ids, size_t nall)
{
  worker *w = &p->w[k];
  int to[2], from[2];
  if (pipe2(to, O_CLOEXEC) < 0)
    return -1;
  if (pipe2(from, O_CLOEXEC) < 0) {
    close(to[0]);
    close(to[1]);
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(to[0]), close(to[1]), close(from[0]), close(from[1]);
    return -1;
  }
  if (pid == 0) {
    /* Its own group: the parent alone passes a Ctrl-C on (once), and can
     * end what a dead worker left. The parent's end ends the worker
     * too, with the short teardown. */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
      _exit(QH_EXIT_ENV);
    for (int j = 0; j < k; j++) {
      close_fd(&p->w[j].to);
      close_fd(&p->w[j].from);
    }
    close(to[1]);
    close(from[0]);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    rn_link link = {.in = to[0], .out = from[1]};
    int rc = worker_main(p, k, link, all_ids, nall);
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
  }
  setpgid(pid, pid); /* either side may win the race */
  close(to[0]);
  close(from[1]);
  w->pid = pid;
  w->to = to[1];
  w->from = from[0];
  w->sent = -1;
  return 0;
}

static void install_par_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = par_on_signal; /* no SA_RESTART: poll wakes up */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

/* Hands out cases and prints progress until every worker is gone. */
static void dispatch(par *p)
{
  int passed_on = 0; /* signals passed to the workers */
  for (int k = 0; k < p->n; k++)
    hand_out(p, k);
  for (;;) {
    if (par_interrupted > passed_on) {
      for (int k = 0; k < p->n; k++) {
        close_fd(&p->w[k].to); /* no more cases */
        if (!p->w[k].reaped)
          kill(p->w[k].pid, SIGINT);
      }
      passed_on = par_interrupted;
    }
    struct pollfd fds[RN_MAX_JOBS];
    int who[RN_MAX_JOBS], nf = 0;
    for (int k = 0; k < p->n; k++)
      if (p->w[k].from >= 0) {
        fds[nf] = (struct pollfd){.fd = p->w[k].from, .events = POLLIN};
        who[nf++] = k;
      }
    if (nf == 0)
      return;
    int r = poll(fds, (nfds_t)nf, PAR_POLL_MS);
    if (r < 0 && errno != EINTR)
      return;
    for (int i = 0; r > 0 && i < nf; i++)
      if (fds[i].revents)
        on_readable(p, who[i]);
  }
}

/* Whether worker w's results.json holds case id. A worker writes its file
 * after every case, so one that died holds the cases it finished before
 * the file was last written: the rest are lost. */
static bool part_has(worker *w, const char *id)
{
  if (!w->has_results)
    return false;
  if (!w->ids) {
    char path[PATH_MAX], err[256];
    snprintf(path, sizeof path, "%s/results.json", w->dir);
    w->ids = json_object();
    qr_doc_stream *s = qr_doc_open(path, err, sizeof err);
    const json_t *c;
    while (s && w->ids && (c = qr_doc_next(s)))
      json_object_set_new(w->ids, json_string_value(json_object_get(c, "id")),
                          json_true());
    qr_doc_close(s);
  }
  return w->ids && json_object_get(w->ids, id) != NULL;
}

/* Cases a dead worker ran or was running, from what it said: a results
 * part of their own (workers/lost), so the merge treats them alike. */
static int write_lost(par *p, const char *dir, char *err, size_t errlen)
{
  qr_run_result *res = qr_run_result_new(
      p->o->device ? p->o->device : "sim", p->o->profile, p->o->time_scale);
  for (size_t i = 0; i < p->set.n; i++) {
    par_case *pc = &p->cases[i];
    if (pc->state != PC_STARTED && pc->state != PC_DONE)
      continue;
    worker *w = &p->w[pc->worker];
    if (part_has(w, p->set.cases[i]->id))
      continue;
    const qh_case *c = p->set.cases[i];
    qr_case_result *cr = qr_run_add_case(res, c->id, c->title, c->spec,
                                         c->path, c->tags, c->ntags);
    char how[64];
    describe_exit(w->status, how, sizeof how);
    cr->duration_s = pc->duration_s;
    /* Its evidence so far, from the worker's folder. */
    char src[PATH_MAX], dst[PATH_MAX];
    snprintf(src, sizeof src, "%s/cases/%s", w->dir, c->id);
    snprintf(dst, sizeof dst, "%s/cases/%s", dir, c->id);
    qh_mkdirs(dir, 0755);
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s/cases", dir);
    qh_mkdirs(parent, 0755);
    rename(src, dst);
    if (pc->state == PC_DONE) {
      told_verdict(cr, pc);
      qr_case_note(cr, 0, "worker w%d died (%s) after this case: its "
                          "transcript was not written",
                   pc->worker + 1, how);
    } else {
      qr_case_set_verdict(cr, QR_ERROR, 0,
                          "worker w%d died (%s) while running this case",
                          pc->worker + 1, how);
      qr_case_set_failure(cr, 0, "environment", NULL, NULL, "", cr->reason,
                          -1);
    }
  }
  res->planned = res->ncases;
  int rc = res->ncases ? qr_write_all(res, dir, err, errlen) : 1;
  qr_run_result_free(res);
  return rc;
}

static int set_run_state(json_t *doc, const par *p, double duration_s,
                         size_t ran)
{
  bool stopped = par_interrupted || ran < p->set.n;
  int bad = json_object_set_new(doc, "duration_s", json_real(duration_s));
  bad |= json_object_set_new(doc, "planned",
                             json_integer((json_int_t)p->set.n));
  bad |= json_object_set_new(doc, "interrupted", json_boolean(stopped));
  if (par_interrupted) {
    bad |= json_object_set_new(doc, "stop_reason", json_string("interrupted"));
    bad |= json_object_set_new(
        doc, "stop_detail",
        json_string("interrupted by a signal (Ctrl-C, SIGTERM)"));
  } else if (stopped && (!json_is_string(json_object_get(doc, "stop_reason")) ||
                         strcmp(json_string_value(json_object_get(
                                    doc, "stop_reason")), "running") == 0)) {
    bad |= json_object_set_new(doc, "stop_reason", json_string("interrupted"));
    bad |= json_object_set_new(
        doc, "stop_detail",
        json_string("the workers stopped before every case ran"));
  } else if (!stopped) {
    bad |= json_object_set_new(doc, "stop_reason", json_null());
    bad |= json_object_set_new(doc, "stop_detail", json_null());
  }
  return bad ? -1 : 0;
}

/* The merged run's last lines, as a single run prints them. */
static int summary(const par *p, qr_merge *m, double duration_s)
{
  const json_t *doc = qr_merge_head(m);
  const json_t *s = json_object_get(doc, "summary");
  json_int_t n[QR_VERDICTS];
  static const char *const keys[QR_VERDICTS] = {"pass", "fail", "error",
                                                "skip", "waived"};
  for (int i = 0; i < QR_VERDICTS; i++)
    n[i] = json_integer_value(json_object_get(s, keys[i]));
  size_t i;
  const json_t *w;
  json_array_foreach(qr_doc_arr(doc, "waivers"), i, w)
  {
    size_t len;
    const char *st = qr_doc_str(w, "status", &len);
    if (strcmp(st, "stale") == 0 || strcmp(st, "unmatched") == 0)
      printf("warning: waiver %s (%s) is %s\n", qr_doc_str(w, "case", &len),
             qr_doc_str(w, "where", &len), st);
  }
  qr_doc_run st = qr_merge_state(m);
  char waived[64] = "";
  if (p->o->waivers_path)
    snprintf(waived, sizeof waived, ", %lld waived", (long long)n[QR_WAIVED]);
  printf("%zu case%s: %lld passed, %lld failed, %lld errors, %lld skipped%s "
         "in %.1f s with %d workers%s\n",
         st.ran, st.ran == 1 ? "" : "s", (long long)n[QR_PASS],
         (long long)n[QR_FAIL], (long long)n[QR_ERROR], (long long)n[QR_SKIP],
         waived, duration_s, p->n,
         par_interrupted ? " (interrupted)"
         : st.interrupted ? " (stopped early)"
                          : "");
  const char *d = p->o->report_dir;
  printf("reports: %s/results.json\n         %s/junit.xml\n"
         "         %s/report.html\n         %s/results.tap\n"
         "workers: %s/workers/w1..w%d (console, preflight, simulator log)\n",
         d, d, d, d, d, p->n);
  fflush(stdout);
  if (st.interrupted || n[QR_ERROR])
    return QH_EXIT_ENV;
  return n[QR_FAIL] ? QH_EXIT_FAIL : QH_EXIT_PASS;
}

/* The workers' parts merged into the report directory. */
static int merge_parts(par *p, int64_t t0)
{
  char err[1024];
  const char *dirs[RN_MAX_JOBS + 1];
  char lost[PATH_MAX];
  size_t nd = 0;
  for (int k = 0; k < p->n; k++) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/results.json", p->w[k].dir);
    p->w[k].has_results = access(path, F_OK) == 0;
    if (p->w[k].has_results)
      dirs[nd++] = p->w[k].dir;
    else
      fprintf(stderr, "qftp-harness: worker w%d left no results (see "
                      "%s/console.txt)\n",
              k + 1, p->w[k].dir);
  }
  snprintf(lost, sizeof lost, "%s/workers/lost", p->o->report_dir);
  int lr = write_lost(p, lost, err, sizeof err);
  if (lr < 0)
    fprintf(stderr, "qftp-harness: %s\n", err);
  else if (lr == 0)
    dirs[nd++] = lost;
  if (nd == 0) {
    fprintf(stderr, "qftp-harness: no worker ran a case\n");
    return QH_EXIT_ENV;
  }
  qr_merge *m = NULL;
  double duration_s = (double)(qc_now_ms() - t0) / 1000.0;
  if (qh_merge_dirs(dirs, nd, p->o->report_dir, true, stderr, &m, err,
                    sizeof err) < 0 ||
      set_run_state(qr_merge_head(m), p,
                    (double)(int64_t)(duration_s * 1000) / 1000.0,
                    qr_merge_state(m).ran) < 0 ||
      qh_merge_write(m, p->o->report_dir, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: reports: %s\n", err);
    qr_merge_free(m);
    return QH_EXIT_ENV;
  }
  /* The merged reports are the run's; a worker's own would count its
   * cases twice for a tool that gathers every junit.xml. */
  static const char *const own[] = {"results.json", "junit.xml",
                                    "report.html", "results.tap"};
  for (size_t i = 0; i < nd; i++)
    for (size_t j = 0; j < sizeof own / sizeof own[0]; j++) {
      char path[PATH_MAX];
      snprintf(path, sizeof path, "%s/%s", dirs[i], own[j]);
      unlink(path);
    }
  printf("\n");
  int rc = summary(p, m, duration_s);
  qr_merge_free(m);
  return rc;
}

int rn_par_run(const qh_run_opts *o)
{
  par *p = calloc(1, sizeof *p);
  if (!p) {
    fprintf(stderr, "qftp-harness: out of memory\n");
    return QH_EXIT_ENV;
  }
  p->o = o;
  int64_t t0 = qc_now_ms();
  p->t0 = t0;
  char **all_ids = NULL;
  size_t nall = 0;
  int rc = QH_EXIT_ENV;
  char err[1024];
  if (rn_load_set(o, &p->set, &all_ids, &nall) < 0)
    goto out;
  p->n = o->jobs < (int)p->set.n ? o->jobs : (int)p->set.n;
  p->cases = calloc(p->set.n, sizeof *p->cases);
  p->requeue = calloc(p->set.n, sizeof *p->requeue);
  p->order = calloc(p->set.n, sizeof *p->order);
  if (!p->cases || !p->requeue || !p->order) {
    fprintf(stderr, "qftp-harness: out of memory\n");
    goto out;
  }
  qh_case_cost_order(p->set.cases, p->set.n, o->time_scale, p->order);
  if (qh_report_dir_prepare(o->report_dir, o->home, err, sizeof err) < 0) {
    fprintf(stderr, "qftp-harness: %s\n", err);
    goto out;
  }
  char wdir[PATH_MAX];
  snprintf(wdir, sizeof wdir, "%s/workers", o->report_dir);
  qh_remove_tree(wdir); /* a previous run's */
  printf("%zu cases, %d workers (their consoles: %s/wK/console.txt)\n",
         p->set.n, p->n, wdir);
  install_par_signals();
  for (int k = 0; k < p->n; k++) {
    snprintf(p->w[k].dir, sizeof p->w[k].dir, "%s/w%d", wdir, k + 1);
    p->w[k].to = p->w[k].from = -1;
    if (spawn(p, k, all_ids, nall) < 0) {
      fprintf(stderr, "qftp-harness: cannot start worker %d: %s\n", k + 1,
              strerror(errno));
      p->n = k; /* those started run the cases */
      break;
    }
  }
  if (p->n == 0)
    goto out;
  dispatch(p);
  rc = merge_parts(p, t0);
out:
  for (int k = 0; k < p->n; k++)
    if (!p->w[k].reaped && p->w[k].pid > 0) {
      kill(p->w[k].pid, SIGTERM);
      waitpid(p->w[k].pid, NULL, 0);
    }
  for (size_t i = 0; p->cases && i < p->set.n; i++)
    free(p->cases[i].reason);
  for (int k = 0; k < p->n; k++)
    json_decref(p->w[k].ids);
  free(p->cases);
  free(p->requeue);
  free(p->order);
  qr_run_result_free(p->live);
  qh_case_set_free(&p->set);
  rn_free_ids(all_ids, nall);
  free(p);
  return rc;
}
