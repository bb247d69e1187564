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

/* Longest case directory name we make (a case id is far shorter). */
enum { QR_DIRNAME_MAX = 128 };

/* A directory name for id: the characters case ids may hold (a-z A-Z 0-9
 * . _ -) kept, any other as '_', and never "", "." or "..". */
static void dir_name(const char *id, char *out, size_t outlen)
{
  size_t k = 0;
  for (const char *p = id; *p && k + 1 < outlen; p++) {
    char c = *p;
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out[k++] = ok ? c : '_';
  }
  out[k] = '\0';
  if (k == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0) {
    char copy[4];
    snprintf(copy, sizeof copy, "%s", out);
    snprintf(out, outlen, "_%s", copy);
  }
}

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

static int case_files(qr_case_result *c, const char *report_dir, char *err,
                      size_t errlen)
{
  if (!c->dir) {
    char name[QR_DIRNAME_MAX];
    char rel[QR_DIRNAME_MAX + 8];
    dir_name(c->id ? c->id : "", name, sizeof name);
    snprintf(rel, sizeof rel, "cases/%s", name);
    c->dir = strdup(rel);
    if (!c->dir) {
      qr_errf(err, errlen, "%s/%s: out of memory", report_dir, rel);
      return -1;
    }
  }
  char dir[PATH_MAX];
  if (path_join(dir, sizeof dir, report_dir, c->dir, err, errlen) < 0)
    return -1;
  return qr_write_case_files(c, dir, err, errlen);
}

int qr_write_all(qr_run_result *r, const char *report_dir, char *err,
                 size_t errlen)
{
  if (qr_mkdirs(report_dir, err, errlen) < 0)
    return -1;
  for (size_t i = 0; i < r->ncases; i++) {
    if (case_files(&r->cases[i], report_dir, err, errlen) < 0)
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
