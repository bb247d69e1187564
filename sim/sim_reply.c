#include "sim_reply.h"

#include <ctype.h>
#include <string.h>

void sim_reply_init(sim_reply_reader *r)
{
  r->len = 0;
  r->code = 0;
  r->multi = false;
  r->done = false;
  r->bad = false;
  r->text[0] = '\0';
}

static bool has_code(const char *l, size_t len)
{
  return len >= 3 && l[0] >= '1' && l[0] <= '5' &&
         isdigit((unsigned char)l[1]) && isdigit((unsigned char)l[2]);
}

/* One complete line (without CRLF): true when it ends the reply. */
static bool end_line(sim_reply_reader *r, sim_reply_status *st)
{
  const char *l = r->line;
  size_t len = r->len;
  r->line[len] = '\0';
  if (r->code == 0) {
    if (!has_code(l, len) || (len > 3 && l[3] != ' ' && l[3] != '-')) {
      r->bad = true;
      *st = SIM_REPLY_BAD;
      return true;
    }
    r->code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
    r->multi = len > 3 && l[3] == '-';
    if (len > 4)
      memcpy(r->text, l + 4, len - 4 + 1);
    else
      r->text[0] = '\0';
    return !r->multi;
  }
  /* Inside a block only "ddd " with the opening code ends it (4.2). */
  if (has_code(l, len) && (len == 3 || l[3] == ' ')) {
    int c = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
    return c == r->code;
  }
  return false;
}

sim_reply_status sim_reply_feed(sim_reply_reader *r, const char *buf, size_t n,
                                size_t *used)
{
  *used = 0;
  if (r->bad)
    return SIM_REPLY_BAD;
  if (r->done)
    sim_reply_init(r);
  for (size_t i = 0; i < n; i++) {
    char c = buf[i];
    if (c != '\n') {
      if (r->len >= SIM_REPLY_LINE_MAX + 1) { /* room for a final CR */
        r->bad = true;
        *used = i + 1;
        return SIM_REPLY_BAD;
      }
      r->line[r->len++] = c;
      continue;
    }
    if (r->len > 0 && r->line[r->len - 1] == '\r')
      r->len--;
    if (r->len > SIM_REPLY_LINE_MAX) {
      r->bad = true;
      *used = i + 1;
      return SIM_REPLY_BAD;
    }
    sim_reply_status st = SIM_REPLY_DONE;
    bool fin = end_line(r, &st);
    r->len = 0;
    if (fin) {
      *used = i + 1;
      r->done = st == SIM_REPLY_DONE;
      return st;
    }
  }
  *used = n;
  return SIM_REPLY_MORE;
}

int sim_reply_code(const sim_reply_reader *r)
{
  return r->code;
}

const char *sim_reply_text(const sim_reply_reader *r)
{
  return r->text;
}

int sim_reply_quoted_path(const char *text, char *out, size_t outlen)
{
  const char *p = strchr(text, '"');
  if (!p || outlen == 0)
    return -1;
  size_t o = 0;
  for (p++; *p; p++) {
    if (*p == '"') {
      if (p[1] != '"') {
        out[o] = '\0';
        return 0;
      }
      p++; /* "" inside the path is one quote (RFC 959 appendix II) */
    }
    if (o + 1 >= outlen)
      return -1;
    out[o++] = *p;
  }
  return -1; /* unterminated */
}
