/* qr_doc: results.json read back, for the renderers.
 *
 * Every report but results.json itself is rendered from the file, never
 * from the C model, so what people read is what tools diff. The loader
 * checks the shape the renderers rely on; the accessors give defaults for
 * what is absent, so a renderer never meets a NULL. */
#ifndef QR_DOC_H
#define QR_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "qc_buf.h"
#include "qr_result.h"

/* Loads and checks json_path: an object with "schema" QR_SCHEMA and a
 * "cases" array of objects, each with a string "id" and a known "verdict".
 * The run state is made explicit in the returned document: "interrupted"
 * (false when absent, as in files older than the field) and "planned" (the
 * number of cases when absent; never fewer). The new reference, or NULL
 * with err in one of three forms:
 *   "cannot read PATH: No such file or directory"   (the system's words)
 *   "PATH:LINE:COL: invalid token near 'x'"         (syntax; 1-based)
 *   "PATH: not a qftp-harness result: why"          (shape) */
json_t *qr_doc_load(const char *json_path, char *err, size_t errlen);
/* As qr_doc_load, the file's text given (len bytes); json_path names it
 * in messages. qr_doc_load reads the file and calls this. */
json_t *qr_doc_loadb(const char *json_path, const char *text, size_t len,
                     char *err, size_t errlen);

/* How far a loaded run got. */
typedef struct qr_doc_run {
  bool interrupted; /* ran fewer cases than planned (Ctrl-C, SIGTERM, a
                       lost device, a failed preflight) */
  const char *stop_reason; /* "interrupted", "device-lost", ...,
                              "running" (written while the run went on:
                              read as interrupted); "" when absent (files
                              older than the field) */
  const char *stop_detail; /* why, in words; "" when absent */
  size_t ran;       /* cases in the file */
  size_t planned;   /* cases selected for the run (>= ran) */
} qr_doc_run;

qr_doc_run qr_doc_run_state(const json_t *doc);
/* The same for a document's keys without its cases (qr_doc_head), which
 * were ran. */
qr_doc_run qr_doc_head_state(const json_t *head, size_t ran);

/* The module's identity (results.json "module") as text into b: full
 * "Quectel EC25 rev EC25EFAR06A06M4G, IMEI ****1234", or short "EC25 rev
 * EC25EFAR06A06M4G"; "module unknown" when the run did not read it.
 * Unescaped: the caller escapes for its format. */
void qr_doc_module(const json_t *doc, bool full, qc_buf *b);

/* The stop as one sentence: "device-lost: the device ... did not come
 * back" (or "run interrupted" for files without a stop_reason). */
void qr_doc_stop_text(qr_doc_run st, qc_buf *b);

/* o[key] as a string (n bytes; may hold NUL), "" when absent or not one. */
const char *qr_doc_str(const json_t *o, const char *key, size_t *n);
/* o[key] as a number, 0 when absent or not one. */
double qr_doc_num(const json_t *o, const char *key);
/* o[key] as a whole number within [lo, hi] (a hostile file's 1e300 is
 * hi, not undefined behaviour); 0 clamped into the range when absent. */
long long qr_doc_int(const json_t *o, const char *key, long long lo,
                     long long hi);
/* o[key] as an array; NULL when absent, which jansson's array calls
 * (json_array_size, json_array_foreach) treat as empty. */
const json_t *qr_doc_arr(const json_t *o, const char *key);

/* A results.json read one case at a time, so rendering a run's reports
 * costs the memory of one case, not of the run. Opening walks the whole
 * file once: checks it as qr_doc_load does (same messages: a file it
 * refuses is loaded whole for them), keeps every top-level key but
 * "cases" and counts the cases and their verdicts. */
typedef struct qr_doc_stream qr_doc_stream;

qr_doc_stream *qr_doc_open(const char *json_path, char *err, size_t errlen);
void qr_doc_close(qr_doc_stream *s);
/* The run's keys, every one but "cases"; "interrupted" and "planned"
 * made explicit as qr_doc_load makes them. */
const json_t *qr_doc_head(const qr_doc_stream *s);
qr_doc_run qr_doc_stream_state(const qr_doc_stream *s);
/* How many cases have each verdict (qr_verdict order). */
void qr_doc_counts(const qr_doc_stream *s, size_t counts[QR_VERDICTS]);
/* Back to the first case. */
void qr_doc_rewind(qr_doc_stream *s);
/* The next case (checked as qr_doc_load checks a case), valid until the
 * next call; NULL after the last or when the file changed under us (then
 * qr_doc_render fails). Under qr_doc_render, what the renderer put in its
 * output so far is written to the file first. */
const json_t *qr_doc_next(qr_doc_stream *s);
/* How many of qr_doc_head's keys come before "cases" in the file (the
 * keys qr_doc_open adds come after it, as qr_doc_load adds them). */
size_t qr_doc_cases_pos(const qr_doc_stream *s);
/* Where in the file the case qr_doc_next gave last starts. */
long long qr_doc_case_offset(const qr_doc_stream *s);
/* The case that starts at off of json_path (a qr_doc_case_offset), checked
 * as qr_doc_next checks one: a new reference, or NULL with err "cannot
 * read PATH: why" (changed while being read, when it is not a case). */
json_t *qr_doc_read_case(const char *json_path, long long off, char *err,
                         size_t errlen);

/* Renders doc into out; out_path is where it will be written (links in
 * it are relative to that file's directory). */
typedef void (*qr_doc_renderer)(qr_doc_stream *doc, const char *out_path,
                                qc_buf *out);

/* Opens json_path, renders it with fn and writes out_path atomically,
 * piece by piece. */
int qr_doc_render(const char *json_path, const char *out_path,
                  qr_doc_renderer fn, char *err, size_t errlen);

#endif
