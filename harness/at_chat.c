/* at_chat: send an AT line, read to its final result code, record all. */
#include "at_chat.h"

#include "qc_io.h"
#include "qc_time.h"

#include <stdio.h>
#include <string.h>


/* ITU-T V.250 result codes and 3GPP TS 27.007's error reports, by prefix
 * (a "+CME ERROR: 603" is an ERROR with a number). */
static const struct {
  const char *text;
  bool prefix;
  qh_chat_final final;
} finals[] = {
    {"OK", false, QH_FINAL_OK},
    {"ERROR", false, QH_FINAL_ERROR},
    {"+CME ERROR", true, QH_FINAL_ERROR},
    {"+CMS ERROR", true, QH_FINAL_ERROR},
    {"CONNECT", true, QH_FINAL_CONNECT},
    {"NO CARRIER", false, QH_FINAL_NO_CARRIER},
};

qh_chat_final qh_chat_final_of(const char *line)
{
  for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++) {
    size_t n = strlen(finals[i].text);
    if (finals[i].prefix ? strncmp(line, finals[i].text, n) == 0
                         : strcmp(line, finals[i].text) == 0)
      return finals[i].final;
  }
  return QH_FINAL_NONE;
}

void qh_chat_init(qh_chat *c, qh_transport *t, qh_lines *lines,
                  qh_chat_record_fn record, void *ctx)
{
  memset(c, 0, sizeof *c);
  c->t = t;
  c->lines = lines;
  c->record = record;
  c->ctx = ctx;
}

bool qh_chat_interrupted(const qh_chat *c)
{
  int level = c->interrupt_level > 0 ? c->interrupt_level : 1;
  return c->interrupted && *c->interrupted >= level;
}

static void record(qh_chat *c, char dir, const char *text, size_t len,
                   bool cut)
{
  if (c->record)
    c->record(c->ctx, dir, text, len, cut);
}

int qh_chat_send_raw(qh_chat *c, const void *bytes, size_t n,
                     int64_t deadline)
{
  record(c, '>', bytes, n, false);
  c->echo_pending = false;
  c->echoed = false;
  return qh_transport_write(c->t, bytes, n, deadline);
}

int qh_chat_send(qh_chat *c, const char *line, int64_t deadline)
{
  size_t n = strlen(line);
  record(c, '>', line, n, false);
  c->echo_pending = false;
  c->echoed = false;
  int rc = qh_transport_write(c->t, line, n, deadline);
  if (rc == 0)
    rc = qh_transport_write(c->t, "\r", 1, deadline);
  if (rc == 0) {
    size_t el = n > QH_LINE_MAX ? QH_LINE_MAX : n;
    memcpy(c->echo, line, el);
    c->echo[el] = '\0';
    c->echo_pending = el > 0;
  }
  return rc;
}

int qh_chat_next(qh_chat *c, int64_t deadline, qh_line *ln)
{
  for (;;) {
    if (qh_chat_interrupted(c))
      return QH_CHAT_INTERRUPTED;
    int64_t slice = qc_deadline_in(QH_CHAT_SLICE_MS);
    int r = qh_lines_next(c->lines, c->t, slice < deadline ? slice : deadline,
                          ln);
    if (r == QC_IO_TIMEOUT && qc_remaining_ms(deadline) > 0)
      continue;
    if (r != 1)
      return r;
    record(c, '<', ln->text, ln->len, ln->cut);
    if (c->echo_pending) {
      c->echo_pending = false;
      if (strcmp(ln->text, c->echo) == 0) {
        c->echoed = true;
        continue; /* ATE1: the module repeats the command */
      }
    }
    return 1;
  }
}

void qh_chat_cmd(qh_chat *c, const char *line, int64_t deadline,
                 qh_chat_reply *out)
{
  memset(out, 0, sizeof *out);
  int w = qh_chat_send(c, line, deadline);
  if (w != 0) {
    out->rc = w;
    out->write_failed = true;
    return;
  }
  qh_line ln;
  for (;;) {
    int r = qh_chat_next(c, deadline, &ln);
    if (r != 1) {
      out->rc = r;
      return;
    }
    qh_chat_final f = qh_chat_final_of(ln.text);
    if (f != QH_FINAL_NONE) {
      out->rc = 1;
      out->final = f;
      snprintf(out->final_text, sizeof out->final_text, "%.*s",
               QH_CHAT_INFO_LEN - 1, ln.text);
      return;
    }
    if (out->ninfo < QH_CHAT_INFO_MAX) {
      snprintf(out->info[out->ninfo], QH_CHAT_INFO_LEN, "%.*s",
               QH_CHAT_INFO_LEN - 1, ln.text);
      out->infop[out->ninfo] = out->info[out->ninfo];
      out->ninfo++;
    }
  }
}
