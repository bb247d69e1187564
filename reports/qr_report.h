/* qr_report: the report writers.
 *
 * results.json is written from the C model (qr_result.h) and is the single
 * source of truth: junit.xml, report.html and results.tap are rendered
 * from the JSON file, read back, never from the model. Files are written
 * whole to a temporary name in the same directory and renamed, so a reader
 * never sees half a file. Schema and files: reports/README.md.
 *
 * Every function returns 0, or -1 with a message naming the path in err
 * (errlen bytes, always NUL-terminated when errlen > 0). */
#ifndef QR_REPORT_H
#define QR_REPORT_H

#include <stddef.h>

#include "qr_result.h"

enum {
  QR_SCHEMA = 1, /* "schema" of results.json; bumped on incompatible change */
  /* Model bounds (qr_model.c): what one case may grow to. */
  QR_TEXT_MAX = 16384,       /* bytes of one transcript entry, before escape */
  QR_LINES_MAX = 100000,     /* transcript entries of one case */
  QR_UNEXPECTED_MAX = 10000, /* unexpected lines of one case */
  QR_REASON_MAX = 4096,      /* bytes of a verdict reason */
  QR_STEPS_MAX = 10000,      /* steps a case's report shows (the loader's
                                bound on a case's steps) */
};

/* results.json: keys in a fixed order, 2-space indent, times in seconds
 * rounded to the millisecond. */
int qr_write_json(const qr_run_result *r, const char *path, char *err,
                  size_t errlen);

/* junit.xml from results.json: one <testsuite name="qftp-harness">. */
int qr_render_junit(const char *json_path, const char *xml_path, char *err,
                    size_t errlen);

/* report.html from results.json: one self-contained page. */
int qr_render_html(const char *json_path, const char *html_path, char *err,
                   size_t errlen);

/* results.tap (TAP version 13) from results.json. */
int qr_render_tap(const char *json_path, const char *tap_path, char *err,
                  size_t errlen);

/* case_dir/transcript.txt, one line per entry ("%8.3f %c %s"); case_dir is
 * created with its parents. */
int qr_write_case_files(const qr_case_result *c, const char *case_dir,
                        char *err, size_t errlen);

/* report_dir/c->dir/transcript.txt (qr_write_case_files), c->dir set to
 * "cases/<id>" when NULL (the id's characters outside a-z A-Z 0-9 . _ -
 * as '_'). */
int qr_write_case_dir(qr_case_result *c, const char *report_dir, char *err,
                      size_t errlen);

/* Seals a finished case, so a run's memory is bounded by one case, not by
 * the run: its case files are written (qr_write_case_dir), its
 * results.json entry is dumped to the run's spill file (an unlinked file
 * in report_dir) and its transcript, unexpected lines and evidence are
 * freed (c->sealed). Nothing may be added to it after. qr_write_json
 * copies the entry back: the same bytes as for an unsealed case. 0, or -1
 * with err; the case is then left whole and written from memory. */
int qr_case_seal(qr_run_result *r, qr_case_result *c, const char *report_dir,
                 char *err, size_t errlen);

/* Everything: report_dir (with parents), cases/<id>/ for each case not
 * sealed (qr_write_case_dir), results.json, junit.xml, report.html
 * and results.tap. Stops at the first error. */
int qr_write_all(qr_run_result *r, const char *report_dir, char *err,
                 size_t errlen);

/* junit.xml, report.html and results.tap from report_dir/results.json
 * (the last step of qr_write_all; `merge` after writing its own). */
int qr_render_reports(const char *report_dir, char *err, size_t errlen);

#endif
