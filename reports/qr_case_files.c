/* qr_case_files: the per-case files of a report (cases/<id>/). */
#include "qr_report.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "qc_buf.h"
#include "qr_escape.h"
#include "qr_file.h"

int qr_write_case_files(const qr_case_result *c, const char *case_dir,
                        char *err, size_t errlen)
{
  if (qr_mkdirs(case_dir, err, errlen) < 0)
    return -1;
  char path[PATH_MAX];
  int len = snprintf(path, sizeof path, "%s/transcript.txt", case_dir);
  if (len < 0 || (size_t)len >= sizeof path) {
    qr_errf(err, errlen, "%s/transcript.txt: path too long", case_dir);
    return -1;
  }
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  for (size_t i = 0; i < c->nlines; i++) {
    const qr_tline *l = &c->lines[i];
    const char *t = l->text ? l->text : "";
    qc_buf_addf(&b, "%8.3f %c ", l->t, l->dir);
    /* Already escaped by the model; again in case a caller filled the
     * struct by hand (escaping printable text changes nothing). */
    qr_escape_text(&b, t, strlen(t));
    qc_buf_addc(&b, '\n');
  }
  int rc = -1;
  if (qc_buf_failed(&b))
    qr_errf(err, errlen, "cannot write %s: out of memory or too large", path);
  else
    rc = qr_write_atomic(path, qc_buf_data(&b), qc_buf_len(&b), err, errlen);
  qc_buf_free(&b);
  return rc;
}
