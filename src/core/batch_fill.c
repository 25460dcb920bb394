/* batch_fill.c - buffer size hints and the sealing tail shared by the
 * sources' next() (see batch_fill.h for why). */
#include "core/batch_fill.h"

#include <stdlib.h>

void af_batch_presize(af_batch *b, const size_t *hint)
{
    for (size_t c = 0; hint && c < b->schema->n_fields; c++) {
        af_buf_reserve(&b->columns[c].data, hint[2 * c]); /* a hint: failure is fine */
        af_buf_reserve(&b->columns[c].offsets, hint[2 * c + 1]);
    }
}

void af_batch_remember_sizes(size_t **hint, const af_batch *b)
{
    if (!*hint)
        *hint = calloc(2 * b->schema->n_fields + 1, sizeof **hint);
    for (size_t c = 0; *hint && c < b->schema->n_fields; c++) {
        (*hint)[2 * c] = b->columns[c].data.len;
        (*hint)[2 * c + 1] = b->columns[c].offsets.len;
    }
}

int af_batch_finish(af_batch **b, int rc, bool drop_empty, af_error *err)
{
    if (rc >= 0)
        rc = af_batch_seal(*b, err);
    if (rc != 0 || (drop_empty && (*b)->n_rows == 0)) {
        af_batch_release(*b);
        *b = NULL;
    }
    return rc;
}
