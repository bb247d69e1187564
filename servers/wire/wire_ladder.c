/* wire_ladder: a capture as one line per event, for people (and for pcaps
 * from the field: ctrl_port 0 guesses the control connection). */
#include "wire_analyze.h"

#include <stdio.h>

static const char *kind_word(wire_event_kind k)
{
  switch (k) {
  case WIRE_EV_OPEN: return "open";
  case WIRE_EV_CLOSE: return "close";
  case WIRE_EV_CMD: return "cmd";
  case WIRE_EV_REPLY: return "reply";
  case WIRE_EV_TLS: return "tls";
  case WIRE_EV_GAP: return "gap";
  }
  return "?";
}

/* Prints text with each embedded line break continued under the first. */
static void print_text(FILE *out, const char *t)
{
  for (; *t; t++) {
    if (*t == '\n')
      fputs("\n                                    ", out);
    else if ((unsigned char)*t < 0x20 || *t == 0x7f)
      fprintf(out, "\\x%02x", (unsigned char)*t);
    else
      fputc(*t, out);
  }
}

static int ladder(wire_analysis *a, const char *pcap_path, FILE *out,
                  char *err, size_t errlen);

int wire_ladder_print(const char *pcap_path, int ctrl_port, FILE *out,
                      char *err, size_t errlen)
{
  wire_analysis *a;
  if (wire_analyze_file(pcap_path, ctrl_port, &a, err, errlen) < 0)
    return -1;
  return ladder(a, pcap_path, out, err, errlen);
}

int wire_ladder_print_stream(FILE *in, const char *pcap_path, int ctrl_port,
                             FILE *out, char *err, size_t errlen)
{
  wire_analysis *a;
  if (wire_analyze_stream(in, pcap_path, ctrl_port, &a, err, errlen) < 0)
    return -1;
  return ladder(a, pcap_path, out, err, errlen);
}

/* Prints a's ladder and frees it. */
static int ladder(wire_analysis *a, const char *pcap_path, FILE *out,
                  char *err, size_t errlen)
{
  fprintf(out, "# %s: %llu packets, %.3f s, %zu control, %zu data, mode %s\n",
          pcap_path, (unsigned long long)a->packets, a->duration,
          a->nsessions, a->ndata, wire_mode_name(a->mode));
  if (a->truncated)
    fprintf(out, "# WARNING: the capture is damaged; see the last line\n");
  fprintf(out, "#   time     conn   module      server\n");
  for (size_t i = 0; i < a->nevents; i++) {
    const wire_event *e = &a->events[i];
    fprintf(out, "%10.6f %5u %-5s %s", e->t, e->conn, kind_word(e->kind),
            e->from_client ? "  ------>  " : "  <------  ");
    print_text(out, e->text ? e->text : "");
    fputc('\n', out);
  }
  if (a->events_truncated)
    fprintf(out, "# events cut at %d\n", WIRE_EVENTS_MAX);
  for (size_t i = 0; i < a->nsessions; i++)
    if (a->sessions[i].tls.tls)
      fprintf(out, "# control connection %u is TLS%s: FTP lines inside it "
              "cannot be read\n", a->sessions[i].conn,
              a->sessions[i].tls.implicit ? " (implicit)" : " after AUTH");
  for (size_t i = 0; i < a->nmissing_notes; i++)
    fprintf(out, "# %s\n", a->missing_notes[i]);
  for (size_t i = 0; i < a->nplaintext; i++)
    fprintf(out, "# plaintext: %s\n", a->plaintext[i]);
  int rc = 0;
  if (a->truncated) {
    /* Last, where the reading stopped; the caller gets the same text. */
    snprintf(err, errlen, "capture damaged after %llu packets (%s): the "
             "ladder stops there", (unsigned long long)a->packets,
             a->capture_error);
    fprintf(out, "# WARNING: %s\n", err);
    rc = 1;
  }
  wire_analysis_free(a);
  return rc;
}
