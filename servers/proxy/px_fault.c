#include "px_fault.h"

#include <stdio.h>
#include <string.h>

#define P PX_P
#define CONTROL_TAKES (P(PX_PARAM_ON) | P(PX_PARAM_NTH))

const px_fault_def px_faults[PX_KIND_COUNT] = {
    [PX_KIND_REPLY] = {PX_KIND_REPLY, "reply", "reply", NULL, PX_PARAM_REPLY,
                       CONTROL_TAKES | P(PX_PARAM_REPLY),
                       P(PX_PARAM_ON) | P(PX_PARAM_REPLY), PX_ON_COMMAND, 2,
                       PX_DROP_NONE, true},
    [PX_KIND_DELAY] = {PX_KIND_DELAY, "delay", "delay", NULL, PX_PARAM_DELAY,
                       CONTROL_TAKES | P(PX_PARAM_DELAY),
                       P(PX_PARAM_ON) | P(PX_PARAM_DELAY), PX_ON_COMMAND, 1,
                       PX_DROP_NONE, false},
    [PX_KIND_CLOSE] = {PX_KIND_CLOSE, "close", "close", "control",
                       PX_PARAM_NONE, CONTROL_TAKES | P(PX_PARAM_AFTER),
                       P(PX_PARAM_ON), PX_ON_COMMAND, 3, PX_DROP_FIN, false},
    [PX_KIND_RESET] = {PX_KIND_RESET, "reset", "reset", "control",
                       PX_PARAM_NONE, CONTROL_TAKES | P(PX_PARAM_AFTER),
                       P(PX_PARAM_ON), PX_ON_COMMAND, 3, PX_DROP_RST, false},
    [PX_KIND_DATA_CLOSE] = {PX_KIND_DATA_CLOSE, "data_close", "data",
                            "close_after", PX_PARAM_NONE,
                            P(PX_PARAM_NTH) | P(PX_PARAM_BYTES),
                            P(PX_PARAM_BYTES), PX_ON_DATA, 0, PX_DROP_NONE,
                            false},
    [PX_KIND_DATA_RESET] = {PX_KIND_DATA_RESET, "data_reset", "data", "reset",
                            PX_PARAM_NONE,
                            P(PX_PARAM_NTH) | P(PX_PARAM_BYTES), 0,
                            PX_ON_DATA, 0, PX_DROP_NONE, false},
    [PX_KIND_DATA_STALL] = {PX_KIND_DATA_STALL, "data_stall", "data", "stall",
                            PX_PARAM_NONE,
                            P(PX_PARAM_NTH) | P(PX_PARAM_BYTES), 0,
                            PX_ON_DATA, 0, PX_DROP_NONE, false},
    [PX_KIND_DATA_REFUSE] = {PX_KIND_DATA_REFUSE, "data_refuse", "data",
                             "refuse", PX_PARAM_NONE, P(PX_PARAM_NTH), 0,
                             PX_ON_DATA, 0, PX_DROP_NONE, false},
    [PX_KIND_REWRITE_PASV] = {PX_KIND_REWRITE_PASV, "rewrite_pasv",
                              "rewrite_pasv", NULL, PX_PARAM_ADDRESS,
                              P(PX_PARAM_NTH) | P(PX_PARAM_ADDRESS),
                              P(PX_PARAM_ADDRESS), PX_ON_PASV, 0,
                              PX_DROP_NONE, false},
};

static const char *const param_json[PX_PARAM_COUNT] = {
    [PX_PARAM_ON] = "on",           [PX_PARAM_NTH] = "nth",
    [PX_PARAM_REPLY] = "reply",     [PX_PARAM_AFTER] = "after_ms",
    [PX_PARAM_DELAY] = "delay_ms",  [PX_PARAM_BYTES] = "bytes",
    [PX_PARAM_ADDRESS] = "address",
};

const px_fault_def *px_fault_of(px_kind k)
{
  return (unsigned)k < PX_KIND_COUNT ? &px_faults[k] : NULL;
}

const px_fault_def *px_fault_by_json(const char *json)
{
  for (int k = 0; k < PX_KIND_COUNT; k++)
    if (strcmp(px_faults[k].json, json) == 0)
      return &px_faults[k];
  return NULL;
}

const px_fault_def *px_fault_by_case(const char *key, const char *value)
{
  for (int k = 0; k < PX_KIND_COUNT; k++) {
    const px_fault_def *d = &px_faults[k];
    if (strcmp(d->case_key, key) != 0)
      continue;
    if (!d->case_value || (value && strcmp(d->case_value, value) == 0))
      return d;
  }
  return NULL;
}

const char *px_kind_name(px_kind k)
{
  const px_fault_def *d = px_fault_of(k);
  return d ? d->json : "?";
}

const char *px_param_json(px_param p)
{
  return (unsigned)p < PX_PARAM_COUNT ? param_json[p] : "?";
}

const char *px_drop_name(px_fault_drop d)
{
  switch (d) {
  case PX_DROP_FIN:
    return "FIN";
  case PX_DROP_RST:
    return "RST";
  case PX_DROP_NONE:
    return "";
  }
  return "";
}

void px_fault_kinds_str(bool (*want)(const px_fault_def *, unsigned),
                        unsigned arg, char *buf, size_t len)
{
  size_t total = 0, seen = 0, n = 0;
  for (int k = 0; k < PX_KIND_COUNT; k++)
    total += want(&px_faults[k], arg);
  buf[0] = '\0';
  for (int k = 0; k < PX_KIND_COUNT; k++) {
    if (!want(&px_faults[k], arg))
      continue;
    const char *sep = seen == 0 ? "" : seen + 1 == total ? " and " : ", ";
    int w = snprintf(buf + n, len - n, "%s%s", sep, px_faults[k].json);
    if (w < 0 || (size_t)w >= len - n)
      return;
    n += (size_t)w;
    seen++;
  }
}
