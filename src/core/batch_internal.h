/* batch_internal.h - helpers shared by the batch implementation files
 * (batch.c, batch_format.c, batch_select.c, batch_bulk.c, arrow_export.c);
 * not engine API.
 */
#ifndef AF_BATCH_INTERNAL_H
#define AF_BATCH_INTERNAL_H

#include "core/batch.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline bool af_type_is_varbytes(af_type_id id)
{
    return id == AF_TYPE_STRING || id == AF_TYPE_JSON || id == AF_TYPE_BINARY;
}

static inline int32_t af_array_offset_at(const af_array *a, int64_t i)
{
    int32_t v = 0;
    if ((size_t)(i + 1) * sizeof v <= a->offsets.len)
        memcpy(&v, a->offsets.data + (size_t)i * sizeof v, sizeof v);
    return v;
}

/* Bytes per value of fixed-width types (int8..uuid); 0 for the others. */
size_t af_array_value_width(const af_type *t);
/* Records the validity of row a->length (the one being appended) and
 * counts nulls; the bitmap is allocated on the first null. */
int af_array_push_validity(af_array *a, bool valid);

/* AF_EINTERNAL with a message when the columns of b differ in length. */
int af_batch_check_lengths(const af_batch *b, af_error *err);

#endif
