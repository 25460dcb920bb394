/* batch_fill.h - what every source does around filling one batch: start
 * its column buffers at the sizes of the previous batch, and seal it (or
 * drop it on a fatal error) once the loop that fills it stops.
 *
 * The sources fill batches of one schema, batch after batch; a buffer that
 * grows by doubling from nothing costs a copy and fresh pages at every
 * step, so the sizes one batch reached are the best guess for the next.
 */
#ifndef AF_BATCH_FILL_H
#define AF_BATCH_FILL_H

#include "core/batch.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

/* Reserves each column's data and offsets buffers to the sizes in `hint`
 * (as kept by af_batch_remember_sizes; NULL = no hint yet). A hint only:
 * a failed reservation is left to the appends to report. */
void af_batch_presize(af_batch *b, const size_t *hint);
/* Keeps the buffer sizes of a filled batch in *hint (allocated on the first
 * call, for the batch's schema; the caller frees it). Out of memory just
 * leaves *hint NULL, which means no hint. */
void af_batch_remember_sizes(size_t **hint, const af_batch *b);
/* Ends the filling of *b: `rc` is the fill loop's last code. On rc < 0,
 * or when sealing fails, releases the batch, sets *b NULL and returns the
 * code; else returns 0 with *b sealed. With `drop_empty` (the input has
 * ended) a batch of no rows is released too and *b set NULL, which a
 * source's next() hands on as the end of the stream. */
int af_batch_finish(af_batch **b, int rc, bool drop_empty, af_error *err);

#endif
