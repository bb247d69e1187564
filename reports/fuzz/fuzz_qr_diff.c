/* The results.json reader behind `diff` (qr_doc_load, qr_diff): any text
 * loads or is refused with one line of error; a file that loads diffs
 * against itself as all "same" (no regression, fix, change, addition or
 * removal, no latency drift), with one "same" per case but for cases cut
 * short (those are "not run"); the HTML of that comparison renders; the
 * run state it reports is consistent (planned >= ran). Public API only. */
#include "qr_diff.h"
#include "qr_doc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text is given to the loaders as it is (qr_doc_loadb, qr_diff_openb:
 * what qr_doc_load runs once the file is read, and diff's comparison of
 * the cases qr_doc_open gives one at a time), named as a file. */
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
  char derr[1024] = "";
  qr_diff_result *dr =
      qr_diff_openb(path, t, n, path, t, n, NULL, derr, sizeof derr);
  if (dr) {
    qr_diff_counts c = qr_diff_get_counts(dr);
    /* A case id twice is refused by diff, not by the loader. */
    if (!doc || c.regressed || c.fixed || c.changed || c.added ||
        c.removed || c.skipped || c.waived || c.drifted ||
        c.same + c.notrun != qr_doc_run_state(doc).ran)
      abort();
    qr_diff_text(dr, sink);
    qc_buf h;
    qc_buf_init(&h, 1 << 26);
    qr_diff_render_html(dr, &h);
    qc_buf_free(&h);
    qr_diff_free(dr);
  } else if (!derr[0] || strchr(derr, '\n')) {
    abort();
  }
  json_decref(doc);
  return 0;
}
