/* qr_all: a whole report directory, in the order that keeps the JSON the
 * source of truth: case files, results.json, then what is rendered from it.
 *
 * Layout (reports/README.md):
 *   DIR/results.json  DIR/junit.xml  DIR/report.html  DIR/results.tap
 *   DIR/cases/<id>/transcript.txt (beside what the runner puts there) */
#include "qr_report.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr_file.h"

static int path_join(char *out, size_t outlen, const char *a, const char *b,
                     char *err, size_t errlen)
{
  int n = snprintf(out, outlen, "%s/%s", a, b);
  if (n < 0 || (size_t)n >= outlen) {
    qr_errf(err, errlen, "%s/%s: path too long", a, b);
    return -1;
  }
  return 0;
}

int qr_write_all(qr_run_result *r, const char *report_dir, char *err,
                 size_t errlen)
{
  if (qr_mkdirs(report_dir, err, errlen) < 0)
    return -1;
  /* A sealed case wrote its files when it was sealed. */
  for (size_t i = 0; i < r->ncases; i++) {
    if (!r->cases[i].sealed &&
        qr_write_case_dir(&r->cases[i], report_dir, err, errlen) < 0)
      return -1;
  }
  char json[PATH_MAX];
  if (path_join(json, sizeof json, report_dir, "results.json", err, errlen) <
          0 ||
      qr_write_json(r, json, err, errlen) < 0)
    return -1;
  return qr_render_reports(report_dir, err, errlen);
}

int qr_render_reports(const char *report_dir, char *err, size_t errlen)
{
  char json[PATH_MAX], out[PATH_MAX];
  if (path_join(json, sizeof json, report_dir, "results.json", err, errlen) <
      0)
    return -1;
  static const struct {
    const char *name;
    int (*render)(const char *, const char *, char *, size_t);
  } outputs[] = {
      {"junit.xml", qr_render_junit},
      {"report.html", qr_render_html},
      {"results.tap", qr_render_tap},
  };
  for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
    if (path_join(out, sizeof out, report_dir, outputs[i].name, err, errlen) <
            0 ||
        outputs[i].render(json, out, err, errlen) < 0)
      return -1;
  }
  return 0;
}
