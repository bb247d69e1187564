/* The results.json reader behind `diff` (qr_doc_load, qr_diff): any text
 * loads or is refused with one line of error; a file that loads diffs
 * against itself as all "same" (no regression, fix, change, addition or
 * removal), with one "same" per case; the run state it reports is
 * consistent (planned >= ran). Public API only. */
#include "qr_diff.h"
#include "qr_doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text is given to the loaders as it is (qr_doc_loadb, qr_diffb: what
 * qr_doc_load and qr_diff run once the file is read), named as a file. */
static const char path[] = "/fuzz/results.json";
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  sink = fopen("/dev/null", "w");
  if (!sink)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  char err[1024] = "";
  const char *t = (const char *)d;
  json_t *doc = qr_doc_loadb(path, t, n, err, sizeof err);
  if (!doc) {
    if (!err[0] || strchr(err, '\n'))
      abort();
  } else {
    qr_doc_run st = qr_doc_run_state(doc);
    if (st.planned < st.ran || !st.stop_reason || !st.stop_detail)
      abort();
    qc_buf b;
    qc_buf_init(&b, 1 << 16);
    qr_doc_module(doc, true, &b);
    qr_doc_stop_text(st, &b);
    qc_buf_free(&b);
  }
  qr_diff_counts c;
  memset(&c, 0xff, sizeof c);
  char derr[1024] = "";
  int rc = qr_diffb(path, t, n, path, t, n, sink, &c, derr, sizeof derr);
  if (rc == 0) {
    /* A case id twice is refused by diff, not by the loader. */
    if (!doc || c.regressed || c.fixed || c.changed || c.added ||
        c.removed || c.notrun || c.skipped || c.waived ||
        c.same != qr_doc_run_state(doc).ran)
      abort();
  } else if (!derr[0] || strchr(derr, '\n')) {
    abort();
  }
  json_decref(doc);
  return 0;
}
