/* qr_html: what the writers of report.html share (internal to reports/).
 *
 * The page is built by one file per part: qr_html.c the page and its
 * order, qr_html_header.c the run's header, counts, filters and waivers,
 * qr_html_cases.c the table of cases, qr_html_fail.c the failures,
 * qr_html_case.c a case's details and transcript, qr_html_latency.c the
 * latencies, qr_svg_ladder.c the wire as a drawing. All text goes through
 * qr_escape_markup (qr_html_esc). A case is a results.json case object as
 * qr_doc_next gives it; every key the renderers read may be absent (files
 * older than the key): they fall back to what older files carry. */
#ifndef QR_HTML_H
#define QR_HTML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "qc_buf.h"
#include "qr_doc.h"
#include "qr_latency.h"
#include "qr_result.h"

/* Escaped text (attribute-safe) of n bytes of s; of a string; of o[key]. */
void qr_html_esc(qc_buf *b, const char *s, size_t n);
void qr_html_escs(qc_buf *b, const char *s);
void qr_html_esc_key(qc_buf *b, const json_t *o, const char *key);
/* o[key] as a string, NULL when absent, null or not a string. */
const char *qr_html_str_or_null(const json_t *o, const char *key);
qr_verdict qr_html_verdict(const json_t *c);

/* One step of a case: from its "steps" (issue-13 files) or, in older
 * files, from the transcript's "step N: KIND (WHERE)" notes. Strings
 * point into the case object or into the step's own buffers. */
enum { QR_HTML_KIND_MAX = 32, QR_HTML_WHERE_MAX = 512, QR_HTML_FRAG_MAX = 96 };

typedef struct qr_html_step {
  char kind[QR_HTML_KIND_MAX];     /* "send", "expect", ...; "" unknown */
  char where[QR_HTML_WHERE_MAX];   /* "cases/get/com.yaml:13:5"; "" */
  char fragment[QR_HTML_FRAG_MAX]; /* "login"; "" when the case's own */
  char status[16];                 /* "pass", "fail", ...; "" unknown */
  double t;                        /* case clock; < 0 when not run */
} qr_html_step;

/* Why a case failed, as the page shows it. */
enum { QR_HTML_TEXT_MAX = 4200 };

typedef struct qr_html_failure {
  int step;                        /* 1-based; 0 not a step's failure */
  char kind[QR_HTML_KIND_MAX];     /* step kind, or "wire", "server", ... */
  char where[QR_HTML_WHERE_MAX];   /* file:line:col, "" unknown */
  char fragment[QR_HTML_FRAG_MAX]; /* "" none */
  char expected[QR_HTML_TEXT_MAX]; /* "" unknown */
  char seen[QR_HTML_TEXT_MAX];     /* "" unknown */
  long line;                       /* transcript index of what was seen, -1 */
  bool structured;                 /* from "failure" (else from the reason) */
} qr_html_failure;

/* A case's steps (qr_html_steps_free). steps[i] is step i + 1. */
typedef struct qr_html_steps {
  qr_html_step *v;
  size_t n;
  bool structured; /* from "steps" */
} qr_html_steps;

void qr_html_steps_read(const json_t *c, qr_html_steps *s);
void qr_html_steps_free(qr_html_steps *s);

/* The failure of a case that failed or errored (or was waived): from
 * "failure", else from "failed_step", the step notes and the reason.
 * false for a case with nothing to show (passed, skipped). */
bool qr_html_failure_read(const json_t *c, const qr_html_steps *steps,
                          qr_html_failure *f);

/* The case step a transcript entry was recorded in: its "step" when the
 * file has it, else followed through the notes ("step N: ..." starts step
 * N, "teardown" starts -1) with *cur carried from entry to entry (start it
 * at 0). */
int qr_html_entry_step(const json_t *e, int *cur);

/* The run's distinct tags (the first QR_HTML_TAGS_MAX), for the filters. */
enum { QR_HTML_TAGS_MAX = 64, QR_HTML_TAG_MAX = 48 };

typedef struct qr_html_tags {
  char v[QR_HTML_TAGS_MAX][QR_HTML_TAG_MAX];
  size_t n;
} qr_html_tags;

void qr_html_tags_add(qr_html_tags *t, const json_t *c);

/* The parts of the page. The failures come first and take a pass over
 * the cases, which also collects their tags. */
void qr_html_failures(qc_buf *b, qr_doc_stream *s, qr_html_tags *tags);
void qr_html_header(qc_buf *b, qr_doc_stream *s);
/* The filters (shown by the page's script only: without it every case
 * shows) by verdict and by the tags collected. */
void qr_html_filters(qc_buf *b, const qr_html_tags *tags);
/* The table of cases; adds each case's latencies to lat on the way. */
/* The run's maximum-response-time checks (a case's "response_checks"),
 * summed while the cases table is written. */
typedef struct qr_html_rt {
  size_t checked, late, cases; /* commands checked, late; cases checked */
  double worst;                /* the largest measured / allowed */
  char worst_case[128];        /* the case it was in */
} qr_html_rt;

void qr_html_rt_add(qr_html_rt *rt, const json_t *c);
void qr_html_cases_table(qc_buf *b, qr_doc_stream *s, qr_lat_set *lat,
                         qr_html_rt *rt);
void qr_html_waivers(qc_buf *b, const json_t *doc);
/* "<br><b>waived</b>: REASON (REFERENCE)" of a case's waiver w. */
void qr_html_waiver_note(qc_buf *b, const json_t *w);
void qr_html_case(qc_buf *b, const json_t *c, size_t idx,
                  const char *report_dir);
void qr_html_case_latency(qc_buf *b, const json_t *c);
void qr_html_run_latency(qc_buf *b, qr_lat_set *lat, const qr_html_rt *rt);

/* The space-separated class list a case's row and details carry for the
 * filters: "v-fail t-get t-smoke" (tags reduced to [A-Za-z0-9_-]). */
void qr_html_filter_classes(qc_buf *b, const json_t *c);
/* A tag as it appears in those classes (out holds QR_HTML_TAG_MAX). */
void qr_html_tag_class(const char *tag, char *out);

#endif
