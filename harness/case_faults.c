/* case_faults: the `faults:` list, what the fault proxy between module and
 * server injects. Each item has exactly one kind key (KF_KIND in the key
 * table); `on` names the command verb a control fault fires on, `nth`
 * which occurrence (or which data connection). Faults need a plain FTP
 * server: the proxy cannot read TLS. */
#include "case_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Per kind: must `on` be given (control faults) or is it refused (data
 * connection and PASV faults, which have their own trigger)? */
static bool needs_on(qh_fault_kind k)
{
  switch (k) {
  case QH_FAULT_REPLY:
  case QH_FAULT_DELAY:
  case QH_FAULT_CLOSE:
  case QH_FAULT_RESET:
    return true;
  case QH_FAULT_DATA_CLOSE:
  case QH_FAULT_DATA_RESET:
  case QH_FAULT_DATA_STALL:
  case QH_FAULT_DATA_REFUSE:
  case QH_FAULT_REWRITE_PASV:
    return false;
  }
  return false;
}

/* The code of a reply line ("NNN", "NNN text", "NNN-text", 100..599), or
 * 0 when the line is not one. */
static int line_code(const char *p, size_t l)
{
  if (l < 3 || p[0] < '1' || p[0] > '5' || !isdigit((unsigned char)p[1]) ||
      !isdigit((unsigned char)p[2]) || (l > 3 && p[3] != ' ' && p[3] != '-'))
    return 0;
  return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* What a command gets (RFC 959 4.2, 5.4): one or more whole replies, lines
 * joined by "\n". A reply is "NNN text" alone, or "NNN-text", any lines,
 * "NNN text" with the same code; every reply but the last is preliminary
 * (1xx), e.g. "150 Opening\n451 Local error". NULL if good, else what is
 * wrong. */
static const char *reply_problem(const char *s, char *buf, size_t len)
{
  if (!line_code(s, strcspn(s, "\n")))
    return "must start with a reply code 100..599 (\"NNN text\")";
  if (strchr(s, '\r'))
    return "lines are separated by \\n alone";
  if (s[strlen(s) - 1] == '\n') {
    snprintf(buf, len, "the last line must start with \"%.3s \"", s);
    return buf;
  }
  int open = 0;     /* code of the multi-line reply being read; 0 none */
  size_t lines = 0; /* lines of the reply being read */
  for (const char *p = s;;) {
    const char *nl = strchr(p, '\n');
    size_t l = nl ? (size_t)(nl - p) : strlen(p);
    int c = line_code(p, l);
    bool ends = false; /* this line completes a reply */
    lines++;
    if (l == 0)
      return "empty line";
    if (!open && !c)
      return "a line after a complete reply must start one (\"NNN text\")";
    if (!open) {
      lines = 1;
      if (l > 3 && p[3] == '-')
        open = c;
      else
        ends = true;
    } else if (c == open && (l == 3 || p[3] == ' ')) {
      open = 0; /* 4.2: only the same code and a space ends it */
      ends = true;
    }
    if (ends && nl && p[0] != '1')
      return lines == 1 /* meant as one reply, or a sequence? */
                 ? "the first line of a multi-line reply must be \"NNN-text\""
                 : "only a 1xx reply may come before another";
    if (!nl)
      break;
    p = nl + 1;
  }
  if (open && lines == 1)
    return "\"NNN-\" starts a multi-line reply; its last line is missing";
  if (open) {
    snprintf(buf, len, "the last line must start with \"%d \"", open);
    return buf;
  }
  return NULL;
}

static int fault_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *v,
                       const char *full, qh_fault *f)
{
  static const char *const control_names[] = {"control"};
  const char *s, *why;
  char buf[128];
  int idx;
  uint64_t u;
  struct in_addr a;
  switch (f->kind) {
  case QH_FAULT_REPLY:
    if (!(s = cl_nonempty(l, dc, v, full)))
      return -1;
    why = reply_problem(s, buf, sizeof buf);
    if (why) {
      cl_fail(l, dc, v, "%s: \"%.40s\": %s", full, s, why);
      return -1;
    }
    return (f->reply = cl_dup(l, dc, v, s)) ? 0 : -1;
  case QH_FAULT_DELAY:
    if (cl_u64_value(l, dc, v, full, 1, CL_MAX_DELAY_MS, "ms", &u) < 0)
      return -1;
    f->delay_ms = (int)u;
    return 0;
  case QH_FAULT_CLOSE:
  case QH_FAULT_RESET:
    /* Only the control connection for now; the data one is `data:`. */
    return cl_enum_value(l, dc, v, full, control_names, 1, &idx);
  case QH_FAULT_DATA_CLOSE:
  case QH_FAULT_DATA_RESET:
  case QH_FAULT_DATA_STALL:
  case QH_FAULT_DATA_REFUSE:
    return 0; /* the value chose the kind */
  case QH_FAULT_REWRITE_PASV:
    if (!(s = cl_nonempty(l, dc, v, full)))
      return -1;
    if (strlen(s) > 15 || inet_pton(AF_INET, s, &a) != 1) {
      cl_fail(l, dc, v, "%s: \"%.40s\" is not a dotted IPv4 address", full, s);
      return -1;
    }
    return (f->address = cl_dup(l, dc, v, s)) ? 0 : -1;
  }
  return -1;
}

/* `on`: a command verb, [A-Za-z]{3,4}, kept in upper case; or, for a
 * reply, "greeting": the server's first reply instead (the proxy's
 * pseudo-verb GREETING). */
static int on_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *v,
                    const char *what, qh_fault *f)
{
  char full[48];
  snprintf(full, sizeof full, "%s: on", what);
  const char *s = cl_nonempty(l, dc, v, full);
  if (!s)
    return -1;
  size_t n = strlen(s);
  if (strcasecmp(s, "greeting") == 0) {
    if (f->kind != QH_FAULT_REPLY) {
      cl_fail(l, dc, v, "%s: \"greeting\" goes with reply only", full);
      return -1;
    }
    return (f->on = cl_dup(l, dc, v, "GREETING")) ? 0 : -1;
  }
  bool ok = n >= 3 && n <= 4;
  for (size_t i = 0; ok && i < n; i++)
    ok = isalpha((unsigned char)s[i]);
  if (!ok) {
    cl_fail(l, dc, v, "%s: \"%.40s\" is not a command verb (3 or 4 letters)",
            full, s);
    return -1;
  }
  if (!(f->on = cl_dup(l, dc, v, s)))
    return -1;
  for (size_t i = 0; i < n; i++)
    f->on[i] = (char)toupper((unsigned char)f->on[i]);
  return 0;
}

static int load_fault(cl_loader *l, const cl_doc *dc, const yaml_node_t *item,
                      size_t index, qh_fault *f)
{
  static const char *const data_names[] = {"close_after", "reset", "stall",
                                           "refuse"};
  static const qh_fault_kind data_kinds[] = {
      QH_FAULT_DATA_CLOSE, QH_FAULT_DATA_RESET, QH_FAULT_DATA_STALL,
      QH_FAULT_DATA_REFUSE};
  /* The kind of each kind key but data: (whose value picks it). */
  static const struct {
    cl_key key;
    qh_fault_kind kind;
  } kinds[] = {
      {K_REPLY, QH_FAULT_REPLY},
      {K_DELAY, QH_FAULT_DELAY},
      {K_CLOSE, QH_FAULT_CLOSE},
      {K_RESET, QH_FAULT_RESET},
      {K_REWRITE_PASV, QH_FAULT_REWRITE_PASV},
  };
  char what[32], full[64];
  snprintf(what, sizeof what, "fault %zu", index);
  f->where = cl_where(dc, item);
  f->nth = 1;
  yaml_node_t *kn[K_COUNT] = {0}, *vals[K_COUNT] = {0};
  if (cl_walk_item(l, dc, item, SC_FAULT, what, "a mapping with one fault kind",
                   kn, vals) < 0)
    return -1;
  const cl_keydef *d = cl_pick_one(l, dc, item, SC_FAULT, KF_KIND, what,
                                   "fault kind", "fault", kn);
  if (!d)
    return -1;
  snprintf(full, sizeof full, "%s: %s", what, d->name);
  if (d->key == K_DATA) {
    int i;
    if (cl_enum_value(l, dc, vals[K_DATA], full, data_names, 4, &i) < 0)
      return -1;
    f->kind = data_kinds[i];
  } else {
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
      if (kinds[i].key == d->key)
        f->kind = kinds[i].kind;
  }
  if (needs_on(f->kind) && !kn[K_ON]) {
    cl_fail(l, dc, item, "%s: %s needs \"on\" (the command it fires on)", what,
            d->name);
    return -1;
  }
  if (!needs_on(f->kind) && kn[K_ON]) {
    cl_fail(l, dc, kn[K_ON], "%s: \"on\" does not apply to %s", what, d->name);
    return -1;
  }
  bool close_after = f->kind == QH_FAULT_DATA_CLOSE;
  bool stall = f->kind == QH_FAULT_DATA_STALL ||
               f->kind == QH_FAULT_DATA_RESET;
  if (close_after && !kn[K_BYTES]) {
    cl_fail(l, dc, item, "%s: data: close_after needs \"bytes\"", what);
    return -1;
  }
  if (!close_after && !stall && kn[K_BYTES]) {
    cl_fail(l, dc, kn[K_BYTES],
            "%s: \"bytes\" only goes with data: close_after, stall or "
            "reset", what);
    return -1;
  }
  if (fault_value(l, dc, vals[d->key], full, f) < 0)
    return -1;
  if (kn[K_ON] && on_value(l, dc, vals[K_ON], what, f) < 0)
    return -1;
  uint64_t u;
  if (kn[K_AFTER]) {
    if (f->kind != QH_FAULT_CLOSE && f->kind != QH_FAULT_RESET) {
      cl_fail(l, dc, kn[K_AFTER], "%s: \"after\" goes with close or reset only",
              what);
      return -1;
    }
    snprintf(full, sizeof full, "%s: after", what);
    if (cl_u64_value(l, dc, vals[K_AFTER], full, 1, 600000, "milliseconds",
                     &u) < 0)
      return -1;
    f->after_ms = (int)u;
  }
  if (kn[K_NTH]) {
    snprintf(full, sizeof full, "%s: nth", what);
    if (cl_u64_value(l, dc, vals[K_NTH], full, 0, CL_MAX_NTH, "0 = every", &u) <
        0)
      return -1;
    f->nth = (int)u;
  }
  if (kn[K_BYTES]) {
    snprintf(full, sizeof full, "%s: bytes", what);
    if (cl_u64_value(l, dc, vals[K_BYTES], full, 0, CL_MAX_PAYLOAD, "bytes",
                     &f->bytes) < 0)
      return -1;
  }
  return 0;
}

int cl_load_faults(cl_loader *l, const cl_doc *dc, const yaml_node_t *key,
                   const yaml_node_t *seq)
{
  qh_case *c = l->c;
  bool ftps = false;
  cl_server_profile(c->server, &ftps);
  if (ftps || strcmp(c->server, "none") == 0) {
    cl_fail(l, dc, key, "faults apply to plain FTP only (server profile is %s)",
            c->server);
    return -1;
  }
  if (cl_expect_type(l, dc, seq, YAML_SEQUENCE_NODE, "faults") < 0)
    return -1;
  size_t cap = 0, index = 1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++, index++) {
    yaml_node_t *item = cl_node(dc, *it);
    if (c->nfaults == CL_MAX_FAULTS) {
      cl_fail(l, dc, item, "faults: more than %d", CL_MAX_FAULTS);
      return -1;
    }
    if (cl_grow(l, dc, item, (void **)&c->faults, &cap, c->nfaults,
                sizeof *c->faults) < 0)
      return -1;
    if (load_fault(l, dc, item, index, &c->faults[c->nfaults++]) < 0)
      return -1;
  }
  return 0;
}
