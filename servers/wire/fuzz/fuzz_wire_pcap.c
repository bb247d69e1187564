/* Whole captures: the input is read from memory (fmemopen, through
 * wire_analyze_stream: what wire_analyze_file runs once the file is open)
 * and analysed as a pcap or pcapng (libpcap reads both), with the control port given and
 * guessed. A hostile file gives an error with a message, or an analysis
 * within its bounds that renders to JSON and to a ladder; never a crash,
 * a hang or unbounded memory (libFuzzer's -rss_limit_mb and -timeout). */
#include "wire_analyze.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char path[] = "/fuzz/wire.pcap";

/* The input as a FILE (fmemopen refuses a size of 0: /dev/null instead). */
static FILE *open_input(const uint8_t *data, size_t size)
{
  FILE *f = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb");
  if (!f)
    abort();
  return f;
}

static void check(const wire_analysis *a)
{
  if (a->tcp_packets > a->packets || a->undecoded > a->packets ||
      a->nevents > WIRE_EVENTS_MAX || a->nmissing_notes > WIRE_ISSUES_MAX ||
      a->nplaintext > WIRE_ISSUES_MAX || (a->nsessions && !a->sessions) ||
      (a->ndata && !a->data) || (a->truncated && !a->capture_error[0]))
    abort();
  for (size_t i = 0; i < a->nsessions; i++) {
    const wire_session *s = &a->sessions[i];
    if (s->ncmds > WIRE_CMDS_MAX || s->nreplies > WIRE_CMDS_MAX ||
        !memchr(s->client, '\0', sizeof s->client))
      abort();
    for (size_t k = 0; k < s->nreplies; k++)
      if (s->replies[k].code < 100 || s->replies[k].code > 599 ||
          !s->replies[k].text)
        abort();
    for (size_t k = 0; k < s->ncmds; k++)
      if (!s->cmds[k].text)
        abort();
  }
  for (size_t i = 0; i < a->ndata; i++)
    if (a->data[i].session < -1 || a->data[i].session >= (int)a->nsessions)
      abort();
  char *js = wire_analysis_to_json(a);
  if (!js)
    abort();
  json_error_t je;
  json_t *j = json_loads(js, 0, &je);
  if (!json_is_object(j))
    abort(); /* the JSON is valid whatever the capture held */
  json_decref(j);
  free(js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const int ports[] = {0, 21};
  for (size_t i = 0; i < 2; i++) {
    wire_analysis *a = NULL;
    char err[256] = "";
    int rc = wire_analyze_stream(open_input(data, size), path, ports[i], &a,
                                 err, sizeof err);
    if (rc != 0) {
      if (rc != -1 || !err[0] || a)
        abort(); /* an error says why and leaves nothing */
      return 0;
    }
    check(a);
    wire_analysis_free(a);
  }
  FILE *null = fopen("/dev/null", "w");
  char err[256] = "";
  int rc = wire_ladder_print_stream(open_input(data, size), path, 0, null,
                                    err, sizeof err);
  fclose(null);
  if (rc < -1 || rc > 1 || (rc != 0 && !err[0]))
    abort();
  return 0;
}
