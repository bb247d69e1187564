/* case_faults: the `faults:` list, what the fault proxy between module and
 * server injects. Each item has exactly one kind key (KF_KIND in the key
 * table); `on` names the command verb a control fault fires on, `nth`
 * which occurrence (or which data connection). Faults need a plain FTP
 * server: the proxy cannot read TLS. Which key or value names which kind,
 * and what each kind takes, is the proxy's table (px_fault.h). */
#include "case_parse.h"
#include "px_rules.h" /* PX_REPLY_TEXT_MAX */
#include "qc_reply.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What a command gets (RFC 959 4.2, 5.4): one or more whole replies, lines
 * joined by "\n". A reply is "NNN text" alone, or "NNN-text", any lines,
 * "NNN text" with the same code; every reply but the last is preliminary
 * (1xx), e.g. "150 Opening\n451 Local error". NULL if good, else what is
 * wrong; the problem told is the one on the earliest line. */
static const char *reply_problem(const char *s, char *buf, size_t len)
{
  size_t n = strlen(s);
  if (n > PX_REPLY_TEXT_MAX) { /* the proxy would refuse it at run time */
    snprintf(buf, len, "longer than %d bytes", PX_REPLY_TEXT_MAX);
    return buf;
  }
  if (!qc_reply_line_code(s, strcspn(s, "\n"), NULL))
    return "must start with a reply code 100..599 (\"NNN text\")";
  if (strchr(s, '\r'))
    return "lines are separated by \\n alone";
  if (s[n - 1] == '\n') {
    snprintf(buf, len, "the last line must start with \"%.3s \"", s);
    return buf;
  }
  const char *empty = strstr(s, "\n\n"); /* empty + 1: the first empty line */
  for (const char *p = s, *end = s + n;;) {
    int code;
    size_t used;
    qc_reply_status st = qc_reply_scan(p, (size_t)(end - p), &code, &used);
    if (st == QC_REPLY_BAD)
      return *p == '\n' ? "empty line"
                        : "a line after a complete reply must start one "
                          "(\"NNN text\")";
    if (empty && empty + 1 < p + used)
      return "empty line";
    if (st == QC_REPLY_MORE) {
      if (!memchr(p, '\n', used))
        return "\"NNN-\" starts a multi-line reply; its last line is missing";
      snprintf(buf, len, "the last line must start with \"%d \"", code);
      return buf;
    }
    char sep = '\0';
    qc_reply_line_code(p, strcspn(p, "\n"), &sep);
    p += used;
    if (p == end)
      return NULL;
    if (code / 100 != 1) /* meant as one reply, or a sequence? */
      return sep == '-'
                 ? "only a 1xx reply may come before another"
                 : "the first line of a multi-line reply must be \"NNN-text\"";
  }
}

/* The kind key's value: the parameter it carries (reply: text, delay: ms,
 * rewrite_pasv: address); for a key whose value named the kind, nothing
 * more. */
static int fault_value(cl_loader *l, const cl_doc *dc, const yaml_node_t *v,
                       const char *full, const px_fault_def *fd, qh_fault *f)
{
  const char *s, *why;
  char buf[128];
  uint64_t u;
  struct in_addr a;
  switch (fd->value_param) {
  case PX_PARAM_REPLY:
    if (!(s = cl_nonempty(l, dc, v, full)))
      return -1;
    why = reply_problem(s, buf, sizeof buf);
    if (why) {
      cl_fail(l, dc, v, "%s: \"%.40s\": %s", full, s, why);
      return -1;
    }
    return (f->reply = cl_dup(l, dc, v, s)) ? 0 : -1;
  case PX_PARAM_DELAY:
    if (cl_u64_value(l, dc, v, full, 1, CL_MAX_DELAY_MS, "ms", &u) < 0)
      return -1;
    f->delay_ms = (int)u;
    return 0;
  case PX_PARAM_ADDRESS:
    if (!(s = cl_nonempty(l, dc, v, full)))
      return -1;
    if (strlen(s) > 15 || inet_pton(AF_INET, s, &a) != 1) {
      cl_fail(l, dc, v, "%s: \"%.40s\" is not a dotted IPv4 address", full, s);
      return -1;
    }
    return (f->address = cl_dup(l, dc, v, s)) ? 0 : -1;
  case PX_PARAM_ON:
  case PX_PARAM_NTH:
  case PX_PARAM_AFTER:
  case PX_PARAM_BYTES:
  case PX_PARAM_COUNT: /* PX_PARAM_NONE: the value named the kind */
    return 0;
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
    if (!px_fault_of(f->kind)->greeting) {
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

/* The values of `key` that name a kind (data: close_after | reset | ...,
 * close: control), in table order; 0 when the key alone names one. */
static size_t kind_values(const char *key, const char *names[PX_KIND_COUNT],
                          px_kind kinds[PX_KIND_COUNT])
{
  size_t n = 0;
  for (int k = 0; k < PX_KIND_COUNT; k++) {
    if (px_faults[k].case_value && strcmp(px_faults[k].case_key, key) == 0) {
      names[n] = px_faults[k].case_value;
      kinds[n++] = px_faults[k].kind;
    }
  }
  return n;
}

static int load_fault(cl_loader *l, const cl_doc *dc, const yaml_node_t *item,
                      size_t index, qh_fault *f)
{
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
  const char *names[PX_KIND_COUNT];
  px_kind kinds[PX_KIND_COUNT];
  size_t nv = kind_values(d->name, names, kinds);
  const px_fault_def *fd = px_fault_by_case(d->name, NULL);
  if (nv) {
    int i;
    if (cl_enum_value(l, dc, vals[d->key], full, names, nv, &i) < 0)
      return -1;
    fd = px_fault_of(kinds[i]);
  }
  if (!fd) { /* the key table and the proxy's disagree */
    cl_fail(l, dc, item, "%s: %s is no fault kind of the proxy", what, d->name);
    return -1;
  }
  f->kind = fd->kind;
  if ((fd->needs & PX_P(PX_PARAM_ON)) && !kn[K_ON]) {
    cl_fail(l, dc, item, "%s: %s needs \"on\" (the command it fires on)", what,
            d->name);
    return -1;
  }
  if (!(fd->takes & PX_P(PX_PARAM_ON)) && kn[K_ON]) {
    cl_fail(l, dc, kn[K_ON], "%s: \"on\" does not apply to %s", what, d->name);
    return -1;
  }
  if ((fd->needs & PX_P(PX_PARAM_BYTES)) && !kn[K_BYTES]) {
    cl_fail(l, dc, item, "%s: %s: %s needs \"bytes\"", what, d->name,
            fd->case_value ? fd->case_value : "");
    return -1;
  }
  if (!(fd->takes & PX_P(PX_PARAM_BYTES)) && kn[K_BYTES]) {
    cl_fail(l, dc, kn[K_BYTES],
            "%s: \"bytes\" only goes with data: close_after, stall or "
            "reset", what);
    return -1;
  }
  if (fault_value(l, dc, vals[d->key], full, fd, f) < 0)
    return -1;
  if (kn[K_ON] && on_value(l, dc, vals[K_ON], what, f) < 0)
    return -1;
  uint64_t u;
  if (kn[K_AFTER]) {
    if (!(fd->takes & PX_P(PX_PARAM_AFTER))) {
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
