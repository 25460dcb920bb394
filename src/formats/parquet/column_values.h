/* column_values.h - decoding one page's values and converting them to the
 * leaf's af type (internal to the column reader, column_reader.c).
 *
 * The page walker (column_reader.c) hands over the value bytes of a page
 * (after the levels) with the number of non-null values they must hold;
 * this part knows the encodings and the af_pq_conv conversions.
 */
#ifndef AF_PQ_COLUMN_VALUES_H
#define AF_PQ_COLUMN_VALUES_H

#include "core/batch.h"
#include "core/error.h"
#include "formats/parquet/schema_map.h"

#include <stddef.h>
#include <stdint.h>

typedef struct af_pq_value_ctx {
    const char *name; /* file, for messages */
    const char *path; /* dotted column path, for messages */
    const af_pq_leaf_info *leaf;
    af_array *out;        /* where values are appended */
    af_batch *dict_batch; /* the converted dictionary, NULL before one */
} af_pq_value_ctx;

/* Decodes a dictionary page's PLAIN values (count of them) into
 * ctx->dict_batch (created here; a second dictionary is an error). */
int af_pq_values_dictionary(af_pq_value_ctx *ctx, const uint8_t *p, size_t n, int32_t encoding,
                            size_t count, af_error *err);

/* Decodes `count` values of `encoding` from p[0..n) and appends them to
 * ctx->out. */
int af_pq_values_decode(af_pq_value_ctx *ctx, const uint8_t *p, size_t n, int32_t encoding,
                        size_t count, af_error *err);

#endif
