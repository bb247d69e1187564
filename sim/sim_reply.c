#include "sim_reply.h"

#include <string.h>

void sim_reply_init(sim_reply_reader *r)
{
  qc_reply_init(&r->rd, QC_REPLY_STRICT, SIM_REPLY_LINE_MAX, SIM_REPLY_MAX,
                r->store);
  r->text[0] = '\0';
}

sim_reply_status sim_reply_feed(sim_reply_reader *r, const char *buf, size_t n,
                                size_t *used)
{
  if (!r->rd.text) /* zeroed: a fresh reader, as the simulator allocates it */
    sim_reply_init(r);
  switch (qc_reply_feed(&r->rd, buf, n, used)) {
  case QC_REPLY_MORE:
    return SIM_REPLY_MORE;
  case QC_REPLY_DONE:
    qc_reply_first_text(&r->rd, r->text, sizeof r->text);
    return SIM_REPLY_DONE;
  case QC_REPLY_JUNK: /* not in strict mode */
  case QC_REPLY_BAD:
  case QC_REPLY_TOO_LONG:
    break;
  }
  return SIM_REPLY_BAD;
}

int sim_reply_code(const sim_reply_reader *r)
{
  return qc_reply_code(&r->rd);
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
