/* qc_regex: the size a POSIX ERE asks of regcomp, estimated before it is
 * compiled. */
#include "qc_regex.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Nodes of the sequence being read in each open group, and of the last
 * atom read (what a repetition operator applies to). */
typedef struct frame {
  double total; /* nodes of the branches so far in this group */
  double last;  /* nodes of the last atom; 0 before any */
} frame;

/* Length of a bracket expression starting at p ('['), or 0 when it does
 * not close (regcomp reports that). */
static size_t bracket_len(const char *p)
{
  size_t i = 1;
  if (p[i] == '^')
    i++;
  if (p[i] == ']')
    i++;
  for (; p[i]; i++) {
    if (p[i] == '[' && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
      char end = p[i + 1];
      const char *q = p + i + 2;
      while (*q && !(q[0] == end && q[1] == ']'))
        q++;
      if (!*q)
        return 0;
      i = (size_t)(q - p) + 1;
    } else if (p[i] == ']') {
      return i + 1;
    }
  }
  return 0;
}

/* "{m}", "{m,}", "{m,n}" at p: its length and the count a compiler
 * copies for it (n, or m + 1 when unbounded); 0 when p is not a bound. */
static size_t bound_at(const char *p, long *copies, long *largest)
{
  const char *q = p + 1;
  long m = 0, n = -1;
  if (!isdigit((unsigned char)*q))
    return 0;
  for (; isdigit((unsigned char)*q); q++) /* capped, every digit read */
    m = m > 100000 ? m : m * 10 + (*q - '0');
  if (*q == ',') {
    q++;
    if (isdigit((unsigned char)*q)) {
      n = 0;
      for (; isdigit((unsigned char)*q); q++)
        n = n > 100000 ? n : n * 10 + (*q - '0');
    }
  } else {
    n = m;
  }
  if (*q != '}')
    return 0;
  *largest = n > m ? n : m;
  *copies = n >= 0 ? n : m + 1;
  if (*copies < 1)
    *copies = 1;
  return (size_t)(q - p) + 1;
}

int qc_regex_check(const char *re, char *why, size_t whylen)
{
  size_t len = strlen(re);
  if (len > QC_REGEX_MAX_LEN) {
    if (whylen)
      snprintf(why, whylen, "a pattern longer than %d bytes",
               QC_REGEX_MAX_LEN);
    return -1;
  }
  frame st[QC_REGEX_MAX_DEPTH + 1] = {{0, 0}};
  int depth = 0;
  bool after_dup = false; /* the last token was a repetition operator */
  for (size_t i = 0; i < len;) {
    const char *p = re + i;
    frame *f = &st[depth];
    long copies = 1, largest = 0;
    size_t blen = 0;
    if (*p == '*' || *p == '+' || *p == '?' ||
        (*p == '{' && (blen = bound_at(p, &copies, &largest)) > 0)) {
      if (after_dup) {
        if (whylen)
          snprintf(why, whylen,
                   "adjacent repetition operators (`%c` at byte %zu) are "
                   "undefined in POSIX extended expressions",
                   *p, i);
        return -1;
      }
      if (largest > QC_REGEX_MAX_DUP) {
        if (whylen)
          snprintf(why, whylen,
                   "a repetition bound over %d at byte %zu",
                   QC_REGEX_MAX_DUP, i);
        return -1;
      }
      /* The atom is copied `copies` times; * + ? add one loop. */
      f->total += f->last * (double)(copies - 1) + (copies > 1 ? 0 : 1);
      f->last *= (double)copies;
      after_dup = true;
      i += *p == '{' ? blen : 1;
    } else {
      after_dup = false;
      if (*p == '(') {
        if (depth == QC_REGEX_MAX_DEPTH) {
          if (whylen)
            snprintf(why, whylen, "groups nested deeper than %d at byte %zu",
                     QC_REGEX_MAX_DEPTH, i);
          return -1;
        }
        st[++depth] = (frame){0, 0};
        i++;
        continue;
      }
      if (*p == ')' && depth > 0) {
        double g = st[depth].total + 1;
        depth--;
        st[depth].total += g;
        st[depth].last = g;
        i++;
      } else if (*p == '[') {
        size_t b = bracket_len(p);
        f->total += 1;
        f->last = 1;
        i += b ? b : 1;
      } else if (*p == '\\' && p[1]) {
        f->total += 1;
        f->last = 1;
        i += 2;
      } else {
        f->total += 1;
        f->last = 1;
        i++;
      }
    }
    if (st[depth].total > QC_REGEX_MAX_NODES) {
      if (whylen)
        snprintf(why, whylen,
                 "the expression grows past %d nodes once its repetitions "
                 "are counted (at byte %zu)",
                 QC_REGEX_MAX_NODES, i);
      return -1;
    }
  }
  return 0;
}
