/* preflight: the module answers, has a SIM and the FTP(S) commands; who
 * it is. */
#include "preflight.h"

#include "at_chat.h"
#include "qc_io.h"
#include "qc_time.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum pf_rc { PF_OK, PF_ERROR, PF_TIMEOUT, PF_HANGUP } pf_rc;

typedef struct pf {
  qh_transport *t;
  qh_lines *l;
  qh_chat chat;
  const qh_preflight_opts *o;
  FILE *tr;
  int64_t t0, end;
  size_t bytes;     /* bytes received (lines and partial) */
  bool text;        /* some line was text */
  char last[128];   /* the last line received */
  qh_chat_reply reply; /* the last command's answer */
  bool echoed;      /* the last command came back as its echo */
} pf;

static void rec(pf *p, char dir, const char *text)
{
  if (!p->tr)
    return;
  char masked[QH_LINE_MAX + 1];
  qh_imei_mask_text(text, masked, sizeof masked);
  fprintf(p->tr, "%8.3f %c ", (double)(qc_now_ms() - p->t0) / 1000.0, dir);
  for (const unsigned char *s = (const unsigned char *)masked; *s; s++)
    if (*s == '\r')
      fputs("\\r", p->tr);
    else if (*s == '\n')
      fputs("\\n", p->tr);
    else if (*s < 0x20 || *s >= 0x7f)
      fprintf(p->tr, "\\x%02x", *s);
    else
      fputc(*s, p->tr);
  fputc('\n', p->tr);
  fflush(p->tr);
}

static bool is_text(const char *text, size_t len)
{
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c < 0x20 || c >= 0x7f)
      return false;
  }
  return true;
}

static int64_t dl_in(const pf *p, int ms)
{
  int64_t d = qc_deadline_in(ms);
  return d < p->end ? d : p->end;
}

/* The chat's record callback: every line into preflight.txt; what came
 * back is also counted for the diagnosis. */
static void on_line(void *ctx, char dir, const char *text, size_t len,
                    bool cut)
{
  pf *p = ctx;
  (void)cut;
  if (dir == '<') {
    p->bytes += len + 1;
    p->text |= is_text(text, len);
    snprintf(p->last, sizeof p->last, "%.100s", text);
  }
  rec(p, dir, text);
}

/* Reads one line before the deadline: 1, 0 hang-up, QC_IO_TIMEOUT. */
static int next_line(pf *p, int64_t deadline, qh_line *ln)
{
  int r = qh_chat_next(&p->chat, deadline, ln);
  if (r != 1)
    return r == QC_IO_TIMEOUT ? r : 0;
  return 1;
}

/* Sends cmd and reads its answer up to the final result code. */
static pf_rc cmd(pf *p, const char *c, int ms)
{
  qh_chat_reply *a = &p->reply;
  qh_chat_cmd(&p->chat, c, dl_in(p, ms), a);
  p->echoed = p->chat.echoed;
  if (a->write_failed)
    return qh_transport_lost(p->t) ? PF_HANGUP : PF_TIMEOUT;
  if (a->rc == QC_IO_TIMEOUT)
    return PF_TIMEOUT;
  if (a->rc != 1)
    return PF_HANGUP;
  return a->final == QH_FINAL_OK ? PF_OK : PF_ERROR;
}

/* Reads (and records) whatever comes for ms: the guard silences. */
static bool listen_for(pf *p, int ms)
{
  int64_t d = dl_in(p, ms);
  qh_line ln;
  int r;
  while ((r = next_line(p, d, &ln)) == 1)
    ;
  return r == QC_IO_TIMEOUT;
}

static const char *target(const pf *p)
{
  return p->t->target[0] ? p->t->target : p->t->desc;
}

static qh_preflight_fail diagnose_at(pf *p, char *err, size_t errlen)
{
  if (qh_transport_lost(p->t) || p->l->eof) {
    snprintf(err, errlen, "%s hung up during the preflight%s%s", target(p),
             qh_transport_lost(p->t) ? ": " : "",
             qh_transport_lost(p->t) ? qh_transport_lost(p->t) : "");
    return QH_PF_LOST;
  }
  if (qh_lines_pending(p->l))
    p->bytes++;
  if (p->bytes == 0) {
    snprintf(err, errlen, "no answer to AT on %s: wrong port, or wrong baud?",
             target(p));
    return QH_PF_SILENT;
  }
  if (!p->text) {
    if (p->o->baud > 0)
      snprintf(err, errlen, "garbage from %s: wrong baud (tried %d)?",
               target(p), p->o->baud);
    else
      snprintf(err, errlen, "garbage from %s: wrong baud on the serial "
               "server's side?", target(p));
    return QH_PF_GARBAGE;
  }
  snprintf(err, errlen, "no OK to AT on %s (last line `%s`): is this the "
           "module's AT port?", target(p), p->last);
  return QH_PF_NO_OK;
}

/* AT; when it gets nothing, the module may sit in data mode (a transfer
 * the last run left): a guarded +++ takes it back to command mode. */
static qh_preflight_fail hello(pf *p, char *err, size_t errlen)
{
  pf_rc rc = cmd(p, "AT", QH_PREFLIGHT_AT_MS);
  if (rc == PF_OK)
    return QH_PF_OK;
  if (rc == PF_HANGUP)
    return diagnose_at(p, err, errlen);
  int guard = (int)(QH_PREFLIGHT_GUARD_MS * p->o->time_scale);
  if (guard < 20)
    guard = 20;
  rec(p, '#', "no OK to AT: a guarded +++ in case the module is in data "
              "mode");
  if (!listen_for(p, guard))
    return diagnose_at(p, err, errlen);
  if (qh_chat_send_raw(&p->chat, "+++", 3, dl_in(p, 1000)) != 0)
    return diagnose_at(p, err, errlen);
  if (!listen_for(p, guard + 500))
    return diagnose_at(p, err, errlen);
  rc = cmd(p, "AT", QH_PREFLIGHT_AT_MS);
  if (rc == PF_OK)
    return QH_PF_OK;
  return diagnose_at(p, err, errlen);
}

/* A query whose answer is informative only: a module that lacks it (or
 * errs) is noted, the run goes on. */
static bool info_cmd(pf *p, const char *c)
{
  pf_rc rc = cmd(p, c, QH_PREFLIGHT_AT_MS);
  if (rc == PF_OK)
    return true;
  char note[160];
  snprintf(note, sizeof note, "%s: %s", c,
           rc == PF_ERROR ? p->reply.final_text : "no answer in time");
  rec(p, '#', note);
  return false;
}

typedef void (*parse_fn)(qh_module_id *m, const char *const *lines, size_t n);

static void parse_gmr(qh_module_id *m, const char *const *l, size_t n)
{
  qh_module_parse_gmr(m, l, n);
}
static void parse_cgmm(qh_module_id *m, const char *const *l, size_t n)
{
  qh_module_parse_cgmm(m, l, n);
}
static void parse_cgsn(qh_module_id *m, const char *const *l, size_t n)
{
  qh_module_parse_cgsn(m, l, n);
}

/* The identity queries, in order: each answer's parser. */
static const struct {
  const char *cmd;
  parse_fn parse;
} identity[] = {
    {"ATI", qh_module_parse_ati},
    {"AT+GMR", parse_gmr},
    {"AT+CGMM", parse_cgmm},
    {"AT+CGSN", parse_cgsn},
};

static qh_preflight_fail steps(pf *p, qh_module_id *id, char *err,
                               size_t errlen)
{
  qh_preflight_fail f = hello(p, err, errlen);
  if (f)
    return f;
  /* Echo: the harness expects it on; a module that stays silent after
   * ATE1 is noted (cases that read the echo will say so). */
  if (info_cmd(p, "ATE1")) {
    pf_rc rc = cmd(p, "AT", QH_PREFLIGHT_AT_MS);
    id->echo = rc == PF_OK && p->echoed;
    if (!id->echo)
      rec(p, '#', "no echo of AT after ATE1");
  }
  for (size_t i = 0; i < sizeof identity / sizeof identity[0]; i++)
    if (info_cmd(p, identity[i].cmd))
      identity[i].parse(id, p->reply.infop, p->reply.ninfo);
  pf_rc rc = cmd(p, "AT+CPIN?", QH_PREFLIGHT_CPIN_MS);
  if (rc == PF_HANGUP)
    return diagnose_at(p, err, errlen);
  if (rc == PF_ERROR && strncmp(p->reply.final_text, "+CME ERROR", 10) == 0) {
    const char *fl = p->reply.final_text;
    qh_module_parse_cpin(id, &fl, 1);
  } else {
    qh_module_parse_cpin(id, p->reply.infop, p->reply.ninfo);
  }
  if (!id->sim_ready) {
    snprintf(err, errlen, "SIM not ready on %s: AT+CPIN? said %s%s", target(p),
             rc == PF_TIMEOUT ? "nothing in time" : "",
             rc == PF_TIMEOUT ? "" : id->sim[0] ? id->sim : p->reply.final_text);
    return QH_PF_SIM;
  }
  rc = cmd(p, "AT+QFTPCFG=?", QH_PREFLIGHT_AT_MS);
  if (rc == PF_HANGUP)
    return diagnose_at(p, err, errlen);
  if (rc != PF_OK) {
    snprintf(err, errlen, "firmware without the FTP(S) AT commands: "
             "AT+QFTPCFG=? on %s answered %s", target(p),
             rc == PF_ERROR ? p->reply.final_text : "nothing in time");
    return QH_PF_NO_FTP;
  }
  if (info_cmd(p, "AT+QIACT?"))
    qh_module_parse_qiact(id, p->reply.infop, p->reply.ninfo);
  return QH_PF_OK;
}

qh_preflight_fail qh_preflight(qh_transport *t, qh_lines *lines,
                               const qh_preflight_opts *o, qh_module_id *id,
                               char *err, size_t errlen)
{
  pf *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return QH_PF_LOST;
  }
  memset(id, 0, sizeof *id);
  p->t = t;
  p->l = lines;
  p->o = o;
  qh_chat_init(&p->chat, t, lines, on_line, p);
  p->t0 = qc_now_ms();
  p->end = qc_deadline_in(QH_PREFLIGHT_MAX_MS);
  if (o->transcript)
    p->tr = fopen(o->transcript, "a");
  char note[512];
  snprintf(note, sizeof note, "preflight of %s%s%s", t->desc,
           o->heading ? ": " : "", o->heading ? o->heading : "");
  rec(p, '#', note);
  /* What the module said before we asked (boot URCs, RDY) is not an
   * answer: framed and recorded, then forgotten. */
  listen_for(p, 50);
  p->bytes = 0;
  p->text = false;
  qh_preflight_fail f = steps(p, id, err, errlen);
  if (f) {
    snprintf(note, sizeof note, "preflight failed: %s", err);
  } else {
    char sum[384];
    qh_module_summary(id, sum, sizeof sum);
    snprintf(note, sizeof note, "module: %s%s", sum,
             id->echo ? "" : " (no echo after ATE1)");
  }
  rec(p, '#', note);
  if (p->tr)
    fclose(p->tr);
  free(p);
  return f;
}
