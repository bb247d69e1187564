/* qc_where: where an input item was written (file:line:col), so any layer
 * that checks it can name the place in its message. */
#ifndef QC_WHERE_H
#define QC_WHERE_H

typedef struct qc_where {
  const char *file; /* owned by whoever loaded the file; NULL: unknown */
  int line, col;    /* 1-based */
} qc_where;

#endif
