/* qr_json: results.json in pieces (reports-internal).
 *
 * The file is never built as one tree: the writer dumps the run's fields,
 * then each case on its own, shifted to the depth it has in the file, so
 * the bytes are those one json_dumps of the whole document would give
 * (tests/test_qr_stream.c compares them). */
#ifndef QR_JSON_H
#define QR_JSON_H

#include <jansson.h>

#include "qc_buf.h"
#include "qr_result.h"

enum {
  QR_JSON_INDENT = 2,     /* spaces per level */
  QR_JSON_CASE_DEPTH = 2, /* a case sits in "cases" in the top object */
};

/* How results.json is dumped, whole or in pieces. */
#define QR_JSON_FLAGS                                                          \
  (JSON_INDENT(QR_JSON_INDENT) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))

/* One case's entry of results.json as the file holds it (from its "{" to
 * its "}", lines after the first indented to its depth), appended to b.
 * 0, or -1 out of memory. */
int qr_json_case_text(const qr_case_result *c, qc_buf *b);

/* A case's entry (c, as read back) the same way: how merge copies a part's
 * cases into the merged file. 0, or -1 out of memory. */
int qr_json_dump_case(const json_t *c, qc_buf *b);

/* The whole document as one tree, as the writer once dumped it: the
 * reference the streaming writer must equal byte for byte (tests). Needs
 * every case unsealed. NULL out of memory. */
json_t *qr_json_run_tree(const qr_run_result *r);

#endif
