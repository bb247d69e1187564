/* wire_ftp: command/reply framing and the data-port commands and replies. */
#include "wire_ftp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void wire_ftp_lines_feed(wire_ftp_lines *l, const uint8_t *p, size_t n,
                         wire_ftp_line_cb cb, void *ctx)
{
  for (size_t i = 0; i < n; i++) {
    uint8_t ch = p[i];
    if (ch == '\n') {
      size_t len = l->len;
      if (len && l->buf[len - 1] == '\r' && !l->cut)
        len--;
      l->buf[len] = '\0';
      cb(ctx, l->buf, len, l->cut);
      l->len = 0;
      l->cut = false;
    } else if (l->len < WIRE_FTP_LINE_MAX) {
      l->buf[l->len++] = (char)ch;
    } else {
      l->cut = true;
    }
  }
}

int wire_ftp_reply_line(wire_ftp_reply *r, const char *line)
{
  if (!r->started) {
    qc_reply_init(&r->rd, QC_REPLY_LENIENT, WIRE_FTP_LINE_MAX,
                  WIRE_FTP_REPLY_MAX, r->store);
    r->started = true;
  }
  switch (qc_reply_line(&r->rd, line, strlen(line))) {
  case QC_REPLY_MORE:
    return 0;
  case QC_REPLY_DONE: {
    size_t n = qc_reply_len(&r->rd) - 1; /* without the last "\n" */
    memcpy(r->text, qc_reply_text(&r->rd), n);
    r->text[n] = '\0';
    r->code = qc_reply_code(&r->rd);
    return 1;
  }
  case QC_REPLY_JUNK:
    return -1;
  case QC_REPLY_BAD: /* not in lenient mode */
  case QC_REPLY_TOO_LONG:
    break;
  }
  qc_reply_reset(&r->rd);
  return -2;
}

/* Reads n comma-separated numbers 0..255 starting at s. */
static int read_numbers(const char *s, int *v, int n)
{
  for (int i = 0; i < n; i++) {
    while (*s == ' ')
      s++;
    if (!isdigit((unsigned char)*s))
      return -1;
    char *end;
    long x = strtol(s, &end, 10);
    if (x < 0 || x > 255 || end - s > 3)
      return -1;
    v[i] = (int)x;
    s = end;
    while (*s == ' ')
      s++;
    if (i < n - 1 && *s++ != ',')
      return -1;
  }
  return 0;
}

static void set_v4(wire_endpoint *out, const int *v)
{
  memset(out, 0, sizeof *out);
  out->family = 4;
  for (int i = 0; i < 4; i++)
    out->addr[i] = (uint8_t)v[i];
  out->port = (uint16_t)(v[4] * 256 + v[5]);
}

int wire_ftp_parse_pasv(const char *reply, wire_endpoint *out)
{
  if (strncmp(reply, "227", 3) != 0)
    return -1;
  /* The six numbers follow the first digit after the code (4.1.2 leaves
   * the wording free; some servers omit the parenthesis). */
  for (const char *s = reply + 3; *s; s++) {
    int v[6];
    if (isdigit((unsigned char)*s) && read_numbers(s, v, 6) == 0) {
      set_v4(out, v);
      return 0;
    }
  }
  return -1;
}

static int parse_port_num(const char *s, char delim, uint16_t *port)
{
  char *end;
  long p = strtol(s, &end, 10);
  if (end == s || *end != delim || p < 1 || p > 65535)
    return -1;
  *port = (uint16_t)p;
  return 0;
}

int wire_ftp_parse_epsv(const char *reply, wire_endpoint *out)
{
  if (strncmp(reply, "229", 3) != 0)
    return -1;
  const char *s = strchr(reply, '(');
  if (!s || !s[1] || s[2] != s[1] || s[3] != s[1])
    return -1;
  memset(out, 0, sizeof *out);
  return parse_port_num(s + 4, s[1], &out->port);
}

static bool verb_is(const char *cmd, const char *verb)
{
  size_t n = strlen(verb);
  return strncasecmp(cmd, verb, n) == 0 && cmd[n] == ' ';
}

int wire_ftp_parse_port(const char *cmd, wire_endpoint *out)
{
  int v[6];
  if (!verb_is(cmd, "PORT") || read_numbers(cmd + 5, v, 6) < 0)
    return -1;
  set_v4(out, v);
  return 0;
}

int wire_ftp_parse_eprt(const char *cmd, wire_endpoint *out)
{
  if (!verb_is(cmd, "EPRT"))
    return -1;
  const char *s = cmd + 5;
  char d = *s;
  if (!d || isalnum((unsigned char)d))
    return -1;
  const char *fam = s + 1, *addr = strchr(fam, d);
  const char *port = addr ? strchr(addr + 1, d) : NULL;
  if (!port || addr - fam != 1)
    return -1;
  char a[64];
  size_t alen = (size_t)(port - addr - 1);
  if (alen == 0 || alen >= sizeof a)
    return -1;
  memcpy(a, addr + 1, alen);
  a[alen] = '\0';
  memset(out, 0, sizeof *out);
  if (*fam == '1' && inet_pton(AF_INET, a, out->addr) == 1)
    out->family = 4;
  else if (*fam == '2' && inet_pton(AF_INET6, a, out->addr) == 1)
    out->family = 6;
  else
    return -1;
  return parse_port_num(port + 1, d, &out->port);
}

void wire_ftp_verb(const char *cmd, char *buf, size_t len)
{
  size_t i = 0;
  for (; cmd[i] && cmd[i] != ' ' && i + 1 < len && i < 15; i++)
    buf[i] = (char)toupper((unsigned char)cmd[i]);
  if (len)
    buf[i < len ? i : len - 1] = '\0';
}

void wire_ftp_mask(const char *cmd, char *buf, size_t len)
{
  if (verb_is(cmd, "PASS"))
    snprintf(buf, len, "%.4s <hidden>", cmd);
  else
    snprintf(buf, len, "%s", cmd);
}
