/* array_truncate.c - undoing appends: a row that fails half-way through is
 * removed from the columns that already took a value of it. */
#include "core/batch.h"

static int fixed_width(const af_type *t)
{
    switch (t->id) {
    case AF_TYPE_INT8: return 1;
    case AF_TYPE_INT16: return 2;
    case AF_TYPE_INT32:
    case AF_TYPE_DATE:
    case AF_TYPE_FLOAT32: return 4;
    case AF_TYPE_TIME: return t->unit == AF_UNIT_SECOND || t->unit == AF_UNIT_MILLI ? 4 : 8;
    case AF_TYPE_INT64:
    case AF_TYPE_FLOAT64:
    case AF_TYPE_TIMESTAMP: return 8;
    case AF_TYPE_DECIMAL:
    case AF_TYPE_UUID: return 16;
    default: return 0;
    }
}

static int64_t count_nulls(const af_array *a, int64_t length)
{
    if (!a->has_validity)
        return a->field->type.id == AF_TYPE_NULL ? length : 0;
    int64_t nulls = 0;
    for (int64_t i = 0; i < length; i++)
        if ((size_t)(i >> 3) >= a->validity.len || !(a->validity.data[i >> 3] & (1u << (i & 7))))
            nulls++;
    return nulls;
}

int af_array_truncate(af_array *a, int64_t length)
{
    if (length < 0 || length > a->length)
        return AF_EINVAL;
    if (length == a->length)
        return AF_OK;
    af_type_id id = a->field->type.id;
    if (af_type_is_nested(id))
        return AF_EUNSUPPORTED;
    switch (id) {
    case AF_TYPE_NULL: break;
    case AF_TYPE_BOOL: a->data.len = (size_t)((length + 7) / 8); break;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY: {
        const int32_t *off = (const int32_t *)a->offsets.data;
        a->data.len = off ? (size_t)off[length] : 0;
        if (a->offsets.len)
            a->offsets.len = (size_t)(length + 1) * sizeof(int32_t);
        break;
    }
    default: {
        int w = fixed_width(&a->field->type);
        if (!w)
            return AF_EUNSUPPORTED;
        a->data.len = (size_t)length * (size_t)w;
    }
    }
    if (a->has_validity) {
        size_t bytes = (size_t)((length + 7) / 8);
        if (a->validity.len > bytes)
            a->validity.len = bytes;
    }
    a->null_count = count_nulls(a, length);
    a->length = length;
    return AF_OK;
}
