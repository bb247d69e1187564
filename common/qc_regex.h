/* qc_regex: a bound on the regular expressions case files hand to regcomp.
 *
 * glibc's regcomp copies an atom once per repetition it must count, and
 * adjacent repetition operators ("a++", "a*{9}", undefined in POSIX EREs,
 * XBD 9.4.6) copy the copies: a 300-byte pattern can ask for gigabytes.
 * A case file is input like any other, so its patterns are checked before
 * they are compiled: no adjacent repetition operators, bounds at most
 * RE_DUP_MAX's portable minimum (255), and an estimate of the compiled
 * size (atoms times the bounds of every group around them) within
 * QC_REGEX_MAX_NODES. */
#ifndef QC_REGEX_H
#define QC_REGEX_H

#include <stddef.h>

enum {
  QC_REGEX_MAX_LEN = 4096,     /* bytes of a pattern */
  QC_REGEX_MAX_DUP = 255,      /* {m,n}: m, n at most this */
  QC_REGEX_MAX_NODES = 100000, /* atoms once repetitions are counted */
  QC_REGEX_MAX_DEPTH = 32,     /* nested groups */
};

/* 0 when the extended regular expression re stays within the bounds
 * above; -1 with why (a sentence naming the byte offset) otherwise. The
 * pattern's syntax is left to regcomp. */
int qc_regex_check(const char *re, char *why, size_t whylen);

#endif
