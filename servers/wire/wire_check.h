/* wire_check: a case's `wire:` assertions (wire_expect.h)
 * evaluated on a capture's analysis. */
#ifndef WIRE_CHECK_H
#define WIRE_CHECK_H

#include "wire_expect.h"
#include "wire_analyze.h"

#include <stddef.h>

/* Bound on the "saw ..." part of a message. */
#define WIRE_CHECK_SAW_MAX 400

/* 0: every assertion holds; -1: the first that fails is described in msg,
 * "wire: <assertion>: expected ..., saw ...". Commands are matched with
 * fnmatch(3) globs against the client commands of all control sessions in
 * order (PASS arguments are masked as "<hidden>" before matching). */
int wire_check(const wire_analysis *a, const wire_expect *w, char *msg,
               size_t len);

#endif
