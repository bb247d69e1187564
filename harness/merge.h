/* merge: report directories joined into one (`qftp-harness merge`, and
 * the end of `run -j N`): their results.json merged (reports/qr_merge.h),
 * each case's evidence folder (cases/<id>/: transcript, pcap, logs) copied
 * or moved beside the merged results, every report rendered again. */
#ifndef QH_MERGE_H
#define QH_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "qr_merge.h"

/* Reads DIR/results.json of each of dirs one case at a time, merges them
 * (qr_merge_files), and brings each case's folder (its "dir", relative)
 * from its DIR into out (moved when move, else copied; out NULL: neither,
 * a check). *merged: the merge, not yet written (qr_merge_free).
 * 0, or -1 with err (nothing merged). */
int qh_merge_dirs(const char *const *dirs, size_t n, const char *out,
                  bool move, FILE *warn, qr_merge **merged, char *err,
                  size_t errlen);

/* out/results.json from m (streamed), then junit.xml, report.html,
 * results.tap. */
int qh_merge_write(const qr_merge *m, const char *out, char *err,
                   size_t errlen);

/* `qftp-harness merge DIR... -o OUT`. */
int qh_merge_main(int argc, char **argv);

#endif
