/* px_rules: a rules file either fails with a message or gives rules whose
 * kinds are px_kind rows and whose parameters are those the px_fault.c
 * table lets the kind take, each within its range; and the lookups on
 * them stay within the set. Input: the JSON text. */
#include "px_rules.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_rule(const px_rule *r)
{
  const px_fault_def *d = px_fault_of(r->kind);
  if (!d || d->kind != r->kind)
    abort();
  /* a parameter the kind does not take keeps its default */
  if (!(d->takes & PX_P(PX_PARAM_REPLY)) && r->reply)
    abort();
  if (!(d->takes & PX_P(PX_PARAM_DELAY)) && r->delay_ms)
    abort();
  if (!(d->takes & PX_P(PX_PARAM_AFTER)) && r->after_ms)
    abort();
  if (!(d->takes & PX_P(PX_PARAM_BYTES)) && r->bytes)
    abort();
  if (!(d->takes & PX_P(PX_PARAM_ADDRESS)) && r->address[0])
    abort();
  if (!(d->takes & PX_P(PX_PARAM_ON)) && r->on[0])
    abort();
  if (!(d->takes & PX_P(PX_PARAM_NTH)) && r->nth != 1)
    abort();
  /* a parameter the kind needs is there */
  if ((d->needs & PX_P(PX_PARAM_REPLY)) && !r->reply)
    abort();
  if ((d->needs & PX_P(PX_PARAM_ON)) && !r->on[0])
    abort();
  if ((d->needs & PX_P(PX_PARAM_ADDRESS)) && !r->address[0])
    abort();
  /* ranges */
  if (r->nth < 0 || r->delay_ms < 0 || r->delay_ms > 600000 ||
      r->after_ms < 0 || r->after_ms > 600000)
    abort();
  if (memchr(r->on, '\0', sizeof r->on) == NULL)
    abort();
  for (const char *c = r->on; *c; c++)
    if (*c < 'A' || *c > 'Z')
      abort();
  if (r->reply && (strlen(r->reply) == 0 ||
                   strlen(r->reply) > PX_REPLY_TEXT_MAX ||
                   strchr(r->reply, '\r')))
    abort();
  struct in_addr a;
  if (r->address[0] && inet_pton(AF_INET, r->address, &a) != 1)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  px_rules r;
  char err[256] = "";
  if (px_rules_parse((const char *)data, size, &r, err, sizeof err) != 0) {
    if (!err[0] || r.n || r.v)
      abort(); /* a failure says why and leaves no rules */
    return 0;
  }
  if (r.n > PX_RULES_MAX || (r.n && !r.v))
    abort();
  for (size_t i = 0; i < r.n; i++)
    check_rule(&r.v[i]);
  px_counts c = {0};
  for (size_t i = 0; i < r.n; i++) {
    const char *verb = r.v[i].on[0] ? r.v[i].on : "RETR";
    const px_rule *x = px_rules_on_command(&r, &c, verb);
    if (x && (x < r.v || x >= r.v + r.n ||
              px_fault_of(x->kind)->trigger != PX_ON_COMMAND ||
              strcmp(x->on, verb) != 0))
      abort();
    x = px_rules_on_data(&r, (unsigned)i + 1);
    if (x && (x < r.v || x >= r.v + r.n ||
              px_fault_of(x->kind)->trigger != PX_ON_DATA))
      abort();
  }
  const char *pasv = px_rules_pasv_address(&r);
  struct in_addr a;
  if (pasv && inet_pton(AF_INET, pasv, &a) != 1)
    abort();
  px_rules_free(&r);
  return 0;
}
