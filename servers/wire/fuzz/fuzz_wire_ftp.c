/* wire_ftp: lines framed from a stream in any chunking are the lines of
 * the whole stream (cut ones flagged, never longer than the cap); replies
 * assembled from them are bounded; PASV/EPSV/PORT/EPRT that parse format
 * back to text that parses to the same endpoint; PASS is always masked.
 * Input: 4 bytes of chunking seed, then the stream. */
#include "wire_ftp.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct lines {
  char *text; /* lines joined, each followed by '\n' */
  size_t len, cap;
  unsigned n, cut;
} lines;

static void add(void *ctx, const char *line, size_t len, bool cut)
{
  lines *l = ctx;
  if (len > WIRE_FTP_LINE_MAX || strlen(line) > len ||
      memchr(line, '\n', len) || (!cut && len == WIRE_FTP_LINE_MAX + 1))
    abort();
  if (l->len + len + 1 > l->cap) {
    l->cap = (l->len + len + 1) * 2;
    l->text = realloc(l->text, l->cap);
    if (!l->text)
      abort();
  }
  memcpy(l->text + l->len, line, len);
  l->len += len;
  l->text[l->len++] = '\n';
  l->n++;
  l->cut += cut;
}

static bool ep_eq(const wire_endpoint *a, const wire_endpoint *b)
{
  return a->family == b->family && a->port == b->port &&
         memcmp(a->addr, b->addr, a->family == 6 ? 16 : 4) == 0;
}

static void one_line(const char *line, wire_ftp_reply *r)
{
  wire_endpoint e, f;
  char t[256], host[INET6_ADDRSTRLEN];
  int rc = wire_ftp_reply_line(r, line);
  if (rc < -2 || rc > 1)
    abort();
  if (rc == 1 && (r->code < 100 || r->code > 599 ||
                  strlen(r->text) >= WIRE_FTP_REPLY_MAX))
    abort();
  if (wire_ftp_parse_pasv(line, &e) == 0) {
    snprintf(t, sizeof t, "227 (%u,%u,%u,%u,%u,%u)", e.addr[0], e.addr[1],
             e.addr[2], e.addr[3], e.port >> 8, e.port & 255);
    if (e.family != 4 || wire_ftp_parse_pasv(t, &f) || !ep_eq(&e, &f))
      abort();
  }
  if (wire_ftp_parse_epsv(line, &e) == 0) {
    snprintf(t, sizeof t, "229 (|||%u|)", e.port);
    if (e.port == 0 || wire_ftp_parse_epsv(t, &f) || !ep_eq(&e, &f))
      abort();
  }
  if (wire_ftp_parse_port(line, &e) == 0) {
    snprintf(t, sizeof t, "PORT %u,%u,%u,%u,%u,%u", e.addr[0], e.addr[1],
             e.addr[2], e.addr[3], e.port >> 8, e.port & 255);
    if (e.family != 4 || wire_ftp_parse_port(t, &f) || !ep_eq(&e, &f))
      abort();
  }
  if (wire_ftp_parse_eprt(line, &e) == 0) {
    if ((e.family != 4 && e.family != 6) || e.port == 0 ||
        !inet_ntop(e.family == 4 ? AF_INET : AF_INET6, e.addr, host,
                   sizeof host))
      abort();
    snprintf(t, sizeof t, "EPRT |%c|%s|%u|", e.family == 4 ? '1' : '2', host,
             e.port);
    if (wire_ftp_parse_eprt(t, &f) || !ep_eq(&e, &f))
      abort();
  }
  char verb[16];
  wire_ftp_verb(line, verb, sizeof verb);
  if (strlen(verb) > 15 || strchr(verb, ' '))
    abort();
  char m[WIRE_FTP_LINE_MAX + 16];
  wire_ftp_mask(line, m, sizeof m);
  if (strncasecmp(line, "PASS ", 5) == 0 && strcmp(m + 4, " <hidden>") != 0)
    abort(); /* the password never shows */
}

static void feed(const uint8_t *in, size_t n, uint32_t seed, lines *out)
{
  wire_ftp_lines l = {0};
  for (size_t at = 0; at < n;) {
    size_t c = n - at;
    if (seed) {
      seed = seed * 1103515245u + 12345u;
      size_t want = 1 + (seed >> 16) % 1500;
      if (want < c)
        c = want;
    }
    wire_ftp_lines_feed(&l, in + at, c, add, out);
    at += c;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  uint32_t seed = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
                  (uint32_t)data[2] << 8 | data[3];
  lines whole = {0}, chunked = {0};
  feed(data + 4, size - 4, 0, &whole);
  feed(data + 4, size - 4, seed | 1, &chunked);
  if (whole.n != chunked.n || whole.cut != chunked.cut ||
      whole.len != chunked.len ||
      (whole.len && memcmp(whole.text, chunked.text, whole.len)))
    abort();
  static wire_ftp_reply r;
  memset(&r, 0, sizeof r);
  for (size_t at = 0; at < whole.len;) {
    char *nl = memchr(whole.text + at, '\n', whole.len - at);
    *nl = '\0';
    one_line(whole.text + at, &r);
    at = (size_t)(nl - whole.text) + 1;
  }
  free(whole.text);
  free(chunked.text);
  return 0;
}
