/* qc_grow: room for one more element in a growing array.
 *
 * The arrays of the report model, the wire analysis and the case loader
 * grow one element at a time; doubling keeps that amortised O(1), the
 * checks keep the size arithmetic from wrapping, and new slots are zeroed
 * so a free routine never meets garbage. */
#ifndef QC_GROW_H
#define QC_GROW_H

#include <stddef.h>

/* Makes *arr (capacity *cap elements of elem bytes) hold at least need
 * elements, never more than max (0: only the size_t limit). Slots from the
 * old capacity on are zeroed. 0, or -1 with errno E2BIG (need > max or the
 * byte size would overflow) or ENOMEM; *arr and *cap are unchanged then. */
int qc_grow(void **arr, size_t *cap, size_t need, size_t elem, size_t max);

#endif
