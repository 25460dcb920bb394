/* batch_select.c - new batches from existing ones: keeping some rows
 * (af_batch_filter) or some columns, possibly renamed (af_batch_project).
 */
#include "core/batch.h"

#include "core/batch_internal.h"

#include <stdlib.h>
#include <string.h>

/* Appends row i of src to dst (same type), recursing into nested values. */
int af_array_append_from(af_array *dst, const af_array *src, int64_t i)
{
    if (!af_array_is_valid(src, i))
        return af_array_append_null(dst);
    const af_type *t = &src->field->type;
    const uint8_t *p;
    size_t n;
    int rc = AF_OK;
    switch (t->id) {
    case AF_TYPE_BOOL: return af_array_append_bool(dst, af_array_get_bool(src, i));
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64:
    case AF_TYPE_DATE:
    case AF_TYPE_TIME:
    case AF_TYPE_TIMESTAMP: return af_array_append_int(dst, af_array_get_int(src, i));
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64: /* bytes, not a double round trip, which would quiet NaN payloads */
        return af_array_append_range(dst, src, i, 1);
    case AF_TYPE_DECIMAL: return af_array_append_decimal(dst, af_array_get_decimal(src, i));
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY:
    case AF_TYPE_UUID:
        p = af_array_get_bytes(src, i, &n);
        if (!p)
            return AF_EINTERNAL;
        return af_array_append_bytes(dst, p, n);
    case AF_TYPE_STRUCT:
        if (dst->n_children != src->n_children)
            return AF_EINTERNAL;
        for (size_t c = 0; !rc && c < src->n_children; c++)
            rc = af_array_append_from(&dst->children[c], &src->children[c], i);
        return rc ? rc : af_array_append_struct_row(dst);
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: {
        int32_t s = af_array_offset_at(src, i), e = af_array_offset_at(src, i + 1);
        if (e > s && (!src->n_children || !dst->n_children))
            return AF_EINTERNAL;
        for (int32_t k = s; !rc && k < e; k++)
            rc = af_array_append_from(&dst->children[0], &src->children[0], k);
        return rc ? rc : af_array_append_list_row(dst, (int64_t)e - s);
    }
    default: return AF_EINTERNAL;
    }
}

af_batch *af_batch_filter(const af_batch *b, const bool *keep, af_error *err)
{
    if (!b) {
        af_error_set(err, AF_EINVAL, "batch filter called without a batch");
        return NULL;
    }
    if (af_batch_check_lengths(b, err))
        return NULL;
    int64_t rows = b->schema->n_fields ? b->columns[0].length : b->n_rows;
    if (!keep && rows > 0) {
        af_error_set(err, AF_EINVAL, "batch filter called without a row selection");
        return NULL;
    }
    af_batch *r = af_batch_new(b->schema);
    if (!r) {
        af_error_set(err, AF_ENOMEM, "out of memory filtering a batch");
        return NULL;
    }
    int64_t kept = 0;
    for (int64_t i = 0; i < rows; i++)
        kept += keep[i] ? 1 : 0;
    for (size_t c = 0; c < b->schema->n_fields; c++) {
        for (int64_t i = 0; i < rows; i++) {
            if (!keep[i])
                continue;
            int rc = af_array_append_from(&r->columns[c], &b->columns[c], i);
            if (rc) {
                af_error_set(err, rc, "cannot copy row %lld of column '%s' while filtering: %s",
                             (long long)i, b->schema->fields[c].name, af_strerror(rc));
                af_batch_release(r);
                return NULL;
            }
        }
    }
    r->n_rows = kept;
    return r;
}

/* Deep copy of every buffer: a projected column is an exact clone. */
static int clone_array(af_array *dst, const af_array *src)
{
    dst->length = src->length;
    dst->null_count = src->null_count;
    dst->has_validity = src->has_validity;
    af_buf_reset(&dst->validity);
    af_buf_reset(&dst->offsets);
    af_buf_reset(&dst->data);
    int rc = af_buf_append(&dst->validity, src->validity.data, src->validity.len);
    if (!rc)
        rc = af_buf_append(&dst->offsets, src->offsets.data, src->offsets.len);
    if (!rc)
        rc = af_buf_append(&dst->data, src->data.data, src->data.len);
    if (!rc && dst->n_children != src->n_children)
        rc = AF_EINTERNAL;
    for (size_t c = 0; !rc && c < src->n_children; c++)
        rc = clone_array(&dst->children[c], &src->children[c]);
    return rc;
}

af_batch *af_batch_project(const af_batch *b, const size_t *cols, const char *const *names,
                           size_t n, af_error *err)
{
    if (!b || (n && !cols)) {
        af_error_set(err, AF_EINVAL, "batch projection called without a batch or columns");
        return NULL;
    }
    af_schema *s = af_schema_new();
    if (!s) {
        af_error_set(err, AF_ENOMEM, "out of memory projecting a batch");
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        if (cols[k] >= b->schema->n_fields) {
            af_error_set(err, AF_EINVAL,
                         "projection asks for column %zu but the batch has %zu columns", cols[k],
                         b->schema->n_fields);
            af_schema_free(s);
            return NULL;
        }
        int rc = af_schema_add(s, &b->schema->fields[cols[k]]);
        if (!rc && names && names[k]) {
            char *nm = af_strdup(names[k]);
            if (!nm) {
                rc = AF_ENOMEM;
            } else {
                free(s->fields[k].name);
                s->fields[k].name = nm;
            }
        }
        if (rc) {
            af_error_set(err, rc, "out of memory projecting a batch");
            af_schema_free(s);
            return NULL;
        }
    }
    af_batch *r = af_batch_new(s);
    af_schema_free(s);
    if (!r) {
        af_error_set(err, AF_ENOMEM, "out of memory projecting a batch");
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        int rc = clone_array(&r->columns[k], &b->columns[cols[k]]);
        if (rc) {
            af_error_set(err, rc, "cannot copy column '%s' while projecting: %s",
                         b->schema->fields[cols[k]].name, af_strerror(rc));
            af_batch_release(r);
            return NULL;
        }
    }
    r->n_rows = n ? r->columns[0].length : b->n_rows;
    return r;
}
