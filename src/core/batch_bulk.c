/* batch_bulk.c - appending many values at once (batch.h): whole-buffer
 * copies for flat types, so slicing a batch, gathering dictionary values or
 * copying decoded pages costs a memcpy rather than a call per value. */
#include "core/batch.h"

#include "core/batch_internal.h"

#include <string.h>

static bool is_flat(af_type_id id)
{
    return id != AF_TYPE_STRUCT && id != AF_TYPE_LIST && id != AF_TYPE_MAP && id != AF_TYPE_BOOL &&
           id != AF_TYPE_NULL;
}

/* Appends the validity of n rows whose data is already appended, and
 * advances dst->length. valid_at(src, k) gives row k's validity. */
static int append_validity(af_array *dst, const af_array *src, int64_t start, const uint32_t *idx,
                           int64_t n)
{
    if (src->null_count == 0 && !dst->has_validity) {
        dst->length += n; /* all valid: the bitmap stays implicit */
        return AF_OK;
    }
    for (int64_t k = 0; k < n; k++) {
        int64_t row = idx ? (int64_t)idx[k] : start + k;
        int rc = af_array_push_validity(dst, af_array_is_valid(src, row));
        if (rc)
            return rc;
        dst->length++;
    }
    return AF_OK;
}

static int per_row(af_array *dst, const af_array *src, int64_t start, const uint32_t *idx,
                   int64_t n)
{
    for (int64_t k = 0; k < n; k++) {
        int rc = af_array_append_from(dst, src, idx ? (int64_t)idx[k] : start + k);
        if (rc)
            return rc;
    }
    return AF_OK;
}

static int32_t offset_at(const af_array *a, int64_t i)
{
    int32_t v;
    memcpy(&v, a->offsets.data + (size_t)i * sizeof v, sizeof v);
    return v;
}

int af_array_append_range(af_array *dst, const af_array *src, int64_t start, int64_t n)
{
    af_type_id id = src->field->type.id;
    if (n <= 0)
        return AF_OK;
    if (!is_flat(id) || dst->field->type.id != id)
        return per_row(dst, src, start, NULL, n);
    size_t w = af_array_value_width(&src->field->type);
    int rc;
    if (w) {
        rc = af_buf_append(&dst->data, src->data.data + (size_t)start * w, (size_t)n * w);
    } else {
        int32_t s = offset_at(src, start), e = offset_at(src, start + n);
        size_t base = dst->data.len;
        if (base + (size_t)(e - s) > (size_t)INT32_MAX)
            return AF_ELIMIT;
        rc = af_buf_reserve(&dst->offsets, (size_t)n * sizeof(int32_t));
        if (!rc && e > s) /* all-empty values have no buffer: no NULL + 0 */
            rc = af_buf_append(&dst->data, src->data.data + s, (size_t)(e - s));
        if (rc)
            return rc;
        int32_t delta = (int32_t)base - s;
        int32_t *out = (int32_t *)(dst->offsets.data + dst->offsets.len);
        for (int64_t k = 1; k <= n; k++)
            out[k - 1] = offset_at(src, start + k) + delta;
        dst->offsets.len += (size_t)n * sizeof(int32_t);
    }
    return rc ? rc : append_validity(dst, src, start, NULL, n);
}

int af_array_append_take(af_array *dst, const af_array *src, const uint32_t *idx, size_t n)
{
    af_type_id id = src->field->type.id;
    if (n == 0)
        return AF_OK;
    if (!is_flat(id) || dst->field->type.id != id)
        return per_row(dst, src, 0, idx, (int64_t)n);
    size_t w = af_array_value_width(&src->field->type);
    int rc;
    if (w) {
        rc = af_buf_reserve(&dst->data, n * w);
        if (rc)
            return rc;
        uint8_t *out = dst->data.data + dst->data.len;
        const uint8_t *in = src->data.data;
        /* constant sizes let the compiler turn memcpy into one move */
        switch (w) {
        case 4:
            for (size_t k = 0; k < n; k++)
                memcpy(out + k * 4, in + (size_t)idx[k] * 4, 4);
            break;
        case 8:
            for (size_t k = 0; k < n; k++)
                memcpy(out + k * 8, in + (size_t)idx[k] * 8, 8);
            break;
        case 16:
            for (size_t k = 0; k < n; k++)
                memcpy(out + k * 16, in + (size_t)idx[k] * 16, 16);
            break;
        default:
            for (size_t k = 0; k < n; k++)
                memcpy(out + k * w, in + (size_t)idx[k] * w, w);
        }
        dst->data.len += n * w;
    } else {
        size_t total = 0;
        for (size_t k = 0; k < n; k++)
            total += (size_t)(offset_at(src, idx[k] + 1) - offset_at(src, idx[k]));
        size_t base = dst->data.len;
        if (base + total > (size_t)INT32_MAX)
            return AF_ELIMIT;
        rc = af_buf_reserve(&dst->data, total);
        if (!rc)
            rc = af_buf_reserve(&dst->offsets, n * sizeof(int32_t));
        if (rc)
            return rc;
        uint8_t *out = dst->data.data;
        int32_t *offs = (int32_t *)(dst->offsets.data + dst->offsets.len);
        size_t pos = base;
        for (size_t k = 0; k < n; k++) {
            int32_t s = offset_at(src, idx[k]), e = offset_at(src, idx[k] + 1);
            if (e > s)
                memcpy(out + pos, src->data.data + s, (size_t)(e - s));
            pos += (size_t)(e - s);
            offs[k] = (int32_t)pos;
        }
        dst->data.len = pos;
        dst->offsets.len += n * sizeof(int32_t);
    }
    return append_validity(dst, src, 0, idx, (int64_t)n);
}

int af_array_append_fixed_values(af_array *dst, const void *values, size_t count)
{
    size_t w = af_array_value_width(&dst->field->type);
    if (!w)
        return AF_EINTERNAL;
    int rc = af_buf_append(&dst->data, values, count * w);
    if (rc)
        return rc;
    if (!dst->has_validity) {
        dst->length += (int64_t)count;
        return AF_OK;
    }
    for (size_t k = 0; k < count; k++) {
        rc = af_array_push_validity(dst, true);
        if (rc)
            return rc;
        dst->length++;
    }
    return AF_OK;
}
