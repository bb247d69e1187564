/* qc_err: the note's <err> codes (chapter 5) and their pairing with FTP
 * replies (chapter 6), kept once for the profile schema, the harness and
 * the simulator.
 *
 * The note never states the pairing: chapter 5 lists err 614-629 and
 * chapter 6 lists replies 421-553 with the same English wording, row for
 * row. Reply 553 ("Requested action not taken: file name not allowed") has
 * no err of its own; its wording begins as 550's, so 627 is our default
 * (qc_err_reply.from_note is false for it). */
#ifndef QC_ERR_H
#define QC_ERR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct qc_err_code {
  int code;         /* 0, 601-631 */
  const char *name; /* the note's English wording (chapter 5) */
} qc_err_code;

typedef struct qc_err_reply {
  int reply;        /* chapter 6 reply code */
  const char *name; /* the note's English wording (chapter 6) */
  int err;          /* the paired <err> */
  bool from_note;   /* false: the note gives none; `err` is our choice */
} qc_err_reply;

/* Chapter 5 in the note's order. */
size_t qc_err_code_count(void);
const qc_err_code *qc_err_code_at(size_t i);
/* The wording of `code`, or NULL when chapter 5 has no such code. */
const char *qc_err_name(int code);

/* Chapter 6 in the note's order, each with its paired err. */
size_t qc_err_reply_count(void);
const qc_err_reply *qc_err_reply_at(size_t i);
/* The row of `reply`, or NULL when chapter 6 does not list it. */
const qc_err_reply *qc_err_reply_find(int reply);

#endif
