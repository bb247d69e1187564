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

/* Merges docs (each as qr_doc_load returns it; names[i] says where it came
 * from, for messages). Warnings go to warn ("warning: ...\n"; may be NULL).
 * The new document, or NULL with err: "case id \"x\" is in both A and B",
 * "profile differs: A \"note\", B \"other\"". */
json_t *qr_merge_docs(json_t *const *docs, const char *const *names, size_t n,
                      FILE *warn, char *err, size_t errlen);

/* Writes doc as results.json is written (2-space indent, keys in order,
 * a final newline), atomically. */
int qr_write_doc(const json_t *doc, const char *path, char *err,
                 size_t errlen);

#endif
