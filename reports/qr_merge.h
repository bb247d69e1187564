/* qr_merge: several runs' results.json joined into one (the shards of a
 * CI matrix, the workers of `run -j N`).
 *
 * The merged run holds every case of every part, sorted by id (the order
 * a single run has); a case id in two parts is refused. Its profile and
 * time scale must agree (verdicts judged against two profiles are not one
 * run's); targets and modules may differ (a farm of devices): the targets
 * are listed, the first module is kept and a warning names the others.
 * planned is the sum of the parts', interrupted when any part was (its
 * stop reason kept), duration the longest part's (they ran side by side),
 * started_at the earliest; waivers are joined by where they are written,
 * each with the strongest status any part gave it (applied, stale, idle,
 * not-run, other-revision, unmatched) and the union of its cases. */
#ifndef QR_MERGE_H
#define QR_MERGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "qr_doc.h"

/* The merge of results.json files, read one case at a time: the run's
 * keys merged, and per case only its id, its folder and where it is in
 * its part. Memory is that of the run's keys and of one case. */
typedef struct qr_merge qr_merge;

/* Reads paths[i] (each checked as qr_doc_load checks it, with its
 * messages; names[i] says where it came from, for the others) and merges
 * them as qr_merge_docs does: the same refusals, the same warnings to warn
 * (may be NULL). NULL with err. */
qr_merge *qr_merge_files(const char *const *paths, const char *const *names,
                         size_t n, FILE *warn, char *err, size_t errlen);
void qr_merge_free(qr_merge *m);

/* The merged run's keys, "cases" an empty array where the cases go. The
 * caller may set keys (run -j sets its own run state), not "cases". */
json_t *qr_merge_head(qr_merge *m);
/* How far the merged run got (its head and its cases). */
qr_doc_run qr_merge_state(const qr_merge *m);

/* The k-th case (k < qr_merge_state().ran) in the order the parts hold
 * them, part by part: its id, its "dir" ("" when none), its part. */
typedef struct qr_merge_case {
  const char *id, *dir;
  size_t part;
} qr_merge_case;
qr_merge_case qr_merge_case_at(const qr_merge *m, size_t k);

/* path written as qr_write_doc writes the whole merged document, byte for
 * byte: the head, then each case in id order copied from its part (read
 * again, one at a time). */
int qr_merge_write(const qr_merge *m, const char *path, char *err,
                   size_t errlen);

/* The whole-tree merge, as merge was done before it streamed: the
 * reference qr_merge_files must equal (tests). Merges docs (each as
 * qr_doc_load returns it; names[i] says where it came from, for messages).
 * Warnings go to warn ("warning: ...\n"; may be NULL).
 * The new document, or NULL with err: "case id \"x\" is in both A and B",
 * "profile differs: A \"note\", B \"other\"". */
json_t *qr_merge_docs(json_t *const *docs, const char *const *names, size_t n,
                      FILE *warn, char *err, size_t errlen);

/* Writes doc as results.json is written (2-space indent, keys in order,
 * a final newline), atomically. */
int qr_write_doc(const json_t *doc, const char *path, char *err,
                 size_t errlen);

#endif
