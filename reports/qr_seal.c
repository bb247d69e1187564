/* qr_seal: a finished case put out of memory (qr_report.h qr_case_seal).
 *
 * A run's memory must not grow with its cases: once a case is over, its
 * files are written, its results.json entry is dumped (qr_json.h) to the
 * run's spill file, and its transcript and evidence are freed. The writer
 * copies the entry back verbatim, so the file is the same bytes as if the
 * case had stayed in memory. */
#include "qr_report.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qc_buf.h"
#include "qc_io.h"
#include "qc_time.h"
#include "qr_file.h"
#include "qr_json.h"

/* The spill file is on the local disk of the report directory. */
enum { QR_SPILL_TIMEOUT_MS = 30000 };

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

int qr_write_case_dir(qr_case_result *c, const char *report_dir, char *err,
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

/* An unlinked file in report_dir: nothing is left behind however the
 * process ends. O_TMPFILE where the file system has it. */
static int spill_open(const char *report_dir, char *err, size_t errlen)
{
  int fd = open(report_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
  char tmp[PATH_MAX];
  int n = snprintf(tmp, sizeof tmp, "%s/.spill.XXXXXX", report_dir);
  if (n < 0 || (size_t)n >= sizeof tmp) {
    qr_errf(err, errlen, "%s: path too long", report_dir);
    return -1;
  }
  fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    qr_errf(err, errlen, "cannot create a spill file in %s: %s", report_dir,
            strerror(errno));
    return -1;
  }
  unlink(tmp);
  return fd;
}

int qr_case_seal(qr_run_result *r, qr_case_result *c, const char *report_dir,
                 char *err, size_t errlen)
{
  if (c->sealed)
    return 0;
  if (qr_mkdirs(report_dir, err, errlen) < 0 ||
      qr_write_case_dir(c, report_dir, err, errlen) < 0)
    return -1;
  if (r->spill_fd < 0 &&
      (r->spill_fd = spill_open(report_dir, err, errlen)) < 0)
    return -1;
  qc_buf b;
  qc_buf_init(&b, QR_FILE_MAX);
  int rc = qr_json_case_text(c, &b);
  if (rc < 0)
    qr_errf(err, errlen, "case %s: out of memory building its JSON", c->id);
  /* Appended at the end we keep: a write cut short earlier is overwritten,
   * never read. */
  if (rc == 0 && lseek(r->spill_fd, (off_t)r->spill_end, SEEK_SET) < 0)
    rc = -1;
  if (rc == 0) {
    int w = qc_write_all(r->spill_fd, qc_buf_data(&b), qc_buf_len(&b),
                         qc_deadline_in(QR_SPILL_TIMEOUT_MS));
    if (w < 0) {
      qr_errf(err, errlen, "case %s: cannot spill its JSON: %s", c->id,
              w == QC_IO_TIMEOUT ? strerror(ETIMEDOUT) : strerror(errno));
      rc = -1;
    }
  }
  if (rc == 0) {
    c->spill_off = r->spill_end;
    c->spill_len = qc_buf_len(&b);
    r->spill_end += (long long)c->spill_len;
    c->sealed = true;
    qr_case_free_heavy(c);
  }
  qc_buf_free(&b);
  return rc;
}
