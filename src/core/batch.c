/* batch.c - columnar batches: creating them, building arrays value by value,
 * reading values back, reference counting, sealing and undoing appends.
 * Formatting is in batch_format.c, row/column selection in batch_select.c and
 * the Arrow C Data Interface export in arrow_export.c.
 *
 * Invariants kept by every builder here (af_array_truncate relies on them):
 * - string/json/binary/list/map arrays always hold length+1 int32 offsets,
 *   the leading 0 written at creation;
 * - once has_validity is set, the bitmap covers every row; before that all
 *   rows are valid and the bitmap is empty;
 * - bits are written explicitly (set or cleared), because truncation may
 *   leave stale bits past the new end of a bitmap.
 */
#include "core/batch.h"

#include "core/batch_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const af_batch_limits AF_BATCH_DEFAULT_LIMITS = {65536, 16u * 1024u * 1024u};

/* ---- Layout helpers ---- */

static bool has_offsets(af_type_id id)
{
    return id == AF_TYPE_STRING || id == AF_TYPE_JSON || id == AF_TYPE_BINARY ||
           id == AF_TYPE_LIST || id == AF_TYPE_MAP;
}

/* Bytes per value of fixed-width types; 0 for the others. */
size_t af_array_value_width(const af_type *t)
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

static bool get_bit(const af_buf *b, int64_t i)
{
    size_t byte = (size_t)(i >> 3);
    return byte < b->len && (b->data[byte] >> (i & 7)) & 1u;
}

/* Writes bit i, growing the buffer by whole zero bytes as needed. */
static int put_bit(af_buf *b, int64_t i, bool v)
{
    size_t byte = (size_t)(i >> 3);
    if (byte >= b->len) {
        int rc = af_buf_append_zeros(b, byte + 1 - b->len);
        if (rc)
            return rc;
    }
    uint8_t mask = (uint8_t)(1u << (i & 7));
    if (v)
        b->data[byte] |= mask;
    else
        b->data[byte] &= (uint8_t)~mask;
    return AF_OK;
}

static int32_t last_offset(const af_array *a)
{
    if (a->offsets.len < sizeof(int32_t))
        return 0;
    int32_t v;
    memcpy(&v, a->offsets.data + a->offsets.len - sizeof v, sizeof v);
    return v;
}

/* Records the validity of the row being appended (index a->length) and
 * counts it. Allocates the bitmap on the first null, backfilling ones. */
int af_array_push_validity(af_array *a, bool valid)
{
    if (!a->has_validity) {
        if (valid)
            return AF_OK;
        af_buf_reset(&a->validity);
        size_t full = (size_t)(a->length >> 3);
        int rc = af_buf_reserve(&a->validity, full + 1);
        if (rc)
            return rc;
        if (full)
            memset(a->validity.data, 0xff, full);
        a->validity.len = full;
        for (int64_t i = (int64_t)full * 8; i < a->length; i++)
            if ((rc = put_bit(&a->validity, i, true)))
                return rc;
        a->has_validity = true;
    }
    int rc = put_bit(&a->validity, a->length, valid);
    if (rc)
        return rc;
    if (!valid)
        a->null_count++;
    return AF_OK;
}

/* ---- Array lifetime ---- */

static void array_free(af_array *a)
{
    for (size_t i = 0; i < a->n_children; i++)
        array_free(&a->children[i]);
    free(a->children);
    af_buf_free(&a->validity);
    af_buf_free(&a->offsets);
    af_buf_free(&a->data);
    memset(a, 0, sizeof *a);
}

static int array_init(af_array *a, const af_field *f)
{
    memset(a, 0, sizeof *a);
    a->field = f;
    af_buf_init(&a->validity);
    af_buf_init(&a->offsets);
    af_buf_init(&a->data);
    af_type_id id = f->type.id;
    if (has_offsets(id)) {
        int32_t zero = 0;
        if (af_buf_append(&a->offsets, &zero, sizeof zero))
            return AF_ENOMEM;
    }
    /* A list or map without its child field is tolerated as an array that
     * can only hold empty rows; the append functions reject anything else. */
    size_t n = 0;
    if (id == AF_TYPE_STRUCT)
        n = f->n_children;
    else if ((id == AF_TYPE_LIST || id == AF_TYPE_MAP) && f->n_children > 0)
        n = 1;
    if (n) {
        a->children = calloc(n, sizeof *a->children);
        if (!a->children) {
            array_free(a);
            return AF_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            a->n_children = i + 1;
            if (array_init(&a->children[i], &f->children[i])) {
                array_free(a);
                return AF_ENOMEM;
            }
        }
    }
    return AF_OK;
}

static size_t array_bytes(const af_array *a)
{
    size_t n = a->validity.len + a->offsets.len + a->data.len;
    for (size_t i = 0; i < a->n_children; i++)
        n += array_bytes(&a->children[i]);
    return n;
}

/* ---- Batches ---- */

af_batch *af_batch_new(const af_schema *schema)
{
    af_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->schema = af_schema_copy(schema);
    if (!b->schema) {
        free(b);
        return NULL;
    }
    size_t n = b->schema->n_fields;
    b->columns = calloc(n ? n : 1, sizeof *b->columns);
    if (!b->columns) {
        af_schema_free(b->schema);
        free(b);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (array_init(&b->columns[i], &b->schema->fields[i])) {
            for (size_t j = 0; j < i; j++)
                array_free(&b->columns[j]);
            free(b->columns);
            af_schema_free(b->schema);
            free(b);
            return NULL;
        }
    }
    atomic_init(&b->refcount, 1);
    return b;
}

void af_batch_retain(af_batch *b)
{
    if (b)
        atomic_fetch_add_explicit(&b->refcount, 1, memory_order_relaxed);
}

void af_batch_release(af_batch *b)
{
    if (!b)
        return;
    /* acq_rel: the last holder must see every write the others made */
    if (atomic_fetch_sub_explicit(&b->refcount, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < b->schema->n_fields; i++)
        array_free(&b->columns[i]);
    free(b->columns);
    af_schema_free(b->schema);
    free(b);
}

size_t af_batch_bytes(const af_batch *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->schema->n_fields; i++)
        n += array_bytes(&b->columns[i]);
    return n;
}

bool af_batch_full(const af_batch *b, const af_batch_limits *lim)
{
    if (!lim)
        lim = &AF_BATCH_DEFAULT_LIMITS;
    int64_t rows = b->n_rows;
    if (b->schema->n_fields && b->columns[0].length > rows)
        rows = b->columns[0].length;
    if (lim->max_rows > 0 && rows >= lim->max_rows)
        return true;
    return lim->max_bytes > 0 && af_batch_bytes(b) >= lim->max_bytes;
}

int af_batch_check_lengths(const af_batch *b, af_error *err)
{
    for (size_t i = 1; i < b->schema->n_fields; i++)
        if (b->columns[i].length != b->columns[0].length)
            return af_error_set(err, AF_EINTERNAL,
                                "batch column '%s' has %lld rows but column '%s' has %lld",
                                b->schema->fields[i].name, (long long)b->columns[i].length,
                                b->schema->fields[0].name, (long long)b->columns[0].length);
    return AF_OK;
}

int af_batch_seal(af_batch *b, af_error *err)
{
    int rc = af_batch_check_lengths(b, err);
    if (rc)
        return rc;
    if (b->schema->n_fields)
        b->n_rows = b->columns[0].length;
    return AF_OK;
}

/* ---- Appending ---- */

int af_array_append_null(af_array *a)
{
    af_type_id id = a->field->type.id;
    int rc = AF_OK;
    size_t saved_data = a->data.len, saved_off = a->offsets.len;
    switch (id) {
    case AF_TYPE_NULL:
        /* no buffers at all: every row of a null array is null */
        a->length++;
        a->null_count++;
        return AF_OK;
    case AF_TYPE_BOOL: rc = put_bit(&a->data, a->length, false); break;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY:
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: {
        int32_t end = last_offset(a);
        rc = af_buf_append(&a->offsets, &end, sizeof end);
        break;
    }
    case AF_TYPE_STRUCT:
        /* Arrow wants struct children as long as the struct: a null row
         * still takes a (null) slot in every member. */
        for (size_t i = 0; i < a->n_children; i++)
            if (a->children[i].length != a->length)
                return AF_EINTERNAL;
        for (size_t i = 0; !rc && i < a->n_children; i++)
            rc = af_array_append_null(&a->children[i]);
        break;
    default: {
        size_t w = af_array_value_width(&a->field->type);
        if (!w)
            return AF_EINTERNAL;
        rc = af_buf_append_zeros(&a->data, w);
    }
    }
    if (!rc)
        rc = af_array_push_validity(a, false);
    if (rc) {
        a->data.len = saved_data;
        a->offsets.len = saved_off;
        return rc;
    }
    a->length++;
    return AF_OK;
}

int af_array_append_bool(af_array *a, bool v)
{
    if (a->field->type.id != AF_TYPE_BOOL)
        return AF_EINTERNAL;
    int rc = put_bit(&a->data, a->length, v);
    if (!rc)
        rc = af_array_push_validity(a, true);
    if (rc)
        return rc;
    a->length++;
    return AF_OK;
}

static int append_fixed(af_array *a, const void *p, size_t n)
{
    int rc = af_buf_append(&a->data, p, n);
    if (rc)
        return rc;
    rc = af_array_push_validity(a, true);
    if (rc) {
        a->data.len -= n;
        return rc;
    }
    a->length++;
    return AF_OK;
}

int af_array_append_int(af_array *a, int64_t v)
{
    const af_type *t = &a->field->type;
    switch (t->id) {
    case AF_TYPE_INT8: {
        if (v < INT8_MIN || v > INT8_MAX)
            return AF_EOVERFLOW;
        int8_t x = (int8_t)v;
        return append_fixed(a, &x, sizeof x);
    }
    case AF_TYPE_INT16: {
        if (v < INT16_MIN || v > INT16_MAX)
            return AF_EOVERFLOW;
        int16_t x = (int16_t)v;
        return append_fixed(a, &x, sizeof x);
    }
    case AF_TYPE_INT32:
    case AF_TYPE_DATE:
    case AF_TYPE_TIME:
    case AF_TYPE_INT64:
    case AF_TYPE_TIMESTAMP:
        if (af_array_value_width(t) == 4) {
            if (v < INT32_MIN || v > INT32_MAX)
                return AF_EOVERFLOW;
            int32_t x = (int32_t)v;
            return append_fixed(a, &x, sizeof x);
        }
        return append_fixed(a, &v, sizeof v);
    default: return AF_EINTERNAL;
    }
}

int af_array_append_double(af_array *a, double v)
{
    switch (a->field->type.id) {
    case AF_TYPE_FLOAT32: {
        if (isfinite(v) && fabs(v) > 3.4028234663852886e38)
            return AF_EOVERFLOW;
        float x = (float)v;
        return append_fixed(a, &x, sizeof x);
    }
    case AF_TYPE_FLOAT64: return append_fixed(a, &v, sizeof v);
    default: return AF_EINTERNAL;
    }
}

static af_int128 pow10_128(int n)
{
    af_int128 p = 1;
    for (int i = 0; i < n; i++)
        p *= 10;
    return p;
}

int af_array_append_decimal(af_array *a, af_int128 unscaled)
{
    const af_type *t = &a->field->type;
    if (t->id != AF_TYPE_DECIMAL)
        return AF_EINTERNAL;
    int p = t->precision >= 1 && t->precision <= AF_DECIMAL_MAX_PRECISION
                ? t->precision
                : AF_DECIMAL_MAX_PRECISION;
    af_int128 lim = pow10_128(p);
    if (unscaled >= lim || unscaled <= -lim)
        return AF_EOVERFLOW;
    return append_fixed(a, &unscaled, sizeof unscaled);
}

int af_array_append_bytes(af_array *a, const void *p, size_t n)
{
    af_type_id id = a->field->type.id;
    if (id == AF_TYPE_UUID) {
        if (n != 16 || !p)
            return AF_EINVAL;
        return append_fixed(a, p, 16);
    }
    if (!af_type_is_varbytes(id))
        return AF_EINTERNAL;
    if (n && !p)
        return AF_EINVAL;
    /* offsets are int32: past 2 GiB the caller must emit the batch */
    size_t start = a->data.len;
    if (n > (size_t)INT32_MAX || start > (size_t)INT32_MAX - n)
        return AF_ELIMIT;
    int rc = af_buf_append(&a->data, p, n);
    if (rc)
        return rc;
    int32_t end = (int32_t)(start + n);
    rc = af_buf_append(&a->offsets, &end, sizeof end);
    if (!rc) {
        rc = af_array_push_validity(a, true);
        if (rc)
            a->offsets.len -= sizeof end;
    }
    if (rc) {
        a->data.len = start;
        return rc;
    }
    a->length++;
    return AF_OK;
}

int af_array_append_struct_row(af_array *a)
{
    if (a->field->type.id != AF_TYPE_STRUCT)
        return AF_EINTERNAL;
    for (size_t i = 0; i < a->n_children; i++)
        if (a->children[i].length != a->length + 1)
            return AF_EINTERNAL;
    int rc = af_array_push_validity(a, true);
    if (rc)
        return rc;
    a->length++;
    return AF_OK;
}

int af_array_append_list_row(af_array *a, int64_t count)
{
    af_type_id id = a->field->type.id;
    if (id != AF_TYPE_LIST && id != AF_TYPE_MAP)
        return AF_EINTERNAL;
    if (count < 0)
        return AF_EINVAL;
    int64_t start = last_offset(a);
    int64_t child_len = a->n_children ? a->children[0].length : 0;
    if (child_len != start + count)
        return AF_EINTERNAL;
    if (child_len > INT32_MAX)
        return AF_ELIMIT;
    int32_t end = (int32_t)child_len;
    int rc = af_buf_append(&a->offsets, &end, sizeof end);
    if (!rc) {
        rc = af_array_push_validity(a, true);
        if (rc)
            a->offsets.len -= sizeof end;
    }
    if (rc)
        return rc;
    a->length++;
    return AF_OK;
}

/* ---- Reading ---- */

bool af_array_is_valid(const af_array *a, int64_t i)
{
    if (i < 0 || i >= a->length || a->field->type.id == AF_TYPE_NULL)
        return false;
    if (!a->has_validity)
        return true;
    return get_bit(&a->validity, i);
}

bool af_array_get_bool(const af_array *a, int64_t i)
{
    if (a->field->type.id != AF_TYPE_BOOL || i < 0 || i >= a->length)
        return false;
    return get_bit(&a->data, i);
}

int64_t af_array_get_int(const af_array *a, int64_t i)
{
    size_t w = af_array_value_width(&a->field->type);
    af_type_id id = a->field->type.id;
    if (i < 0 || i >= a->length || (size_t)(i + 1) * w > a->data.len)
        return 0;
    const uint8_t *p = a->data.data + (size_t)i * w;
    switch (id) {
    case AF_TYPE_INT8: return (int8_t)p[0];
    case AF_TYPE_INT16: {
        int16_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case AF_TYPE_INT32:
    case AF_TYPE_DATE:
    case AF_TYPE_TIME:
    case AF_TYPE_INT64:
    case AF_TYPE_TIMESTAMP:
        if (w == 4) {
            int32_t v;
            memcpy(&v, p, sizeof v);
            return v;
        } else {
            int64_t v;
            memcpy(&v, p, sizeof v);
            return v;
        }
    default: return 0;
    }
}

double af_array_get_double(const af_array *a, int64_t i)
{
    af_type_id id = a->field->type.id;
    if (i < 0 || i >= a->length)
        return 0.0;
    if (id == AF_TYPE_FLOAT32 && (size_t)(i + 1) * 4 <= a->data.len) {
        float v;
        memcpy(&v, a->data.data + (size_t)i * 4, sizeof v);
        return v;
    }
    if (id == AF_TYPE_FLOAT64 && (size_t)(i + 1) * 8 <= a->data.len) {
        double v;
        memcpy(&v, a->data.data + (size_t)i * 8, sizeof v);
        return v;
    }
    /* integer-backed types read as numbers, for generic numeric code */
    return (double)af_array_get_int(a, i);
}

af_int128 af_array_get_decimal(const af_array *a, int64_t i)
{
    if (a->field->type.id != AF_TYPE_DECIMAL || i < 0 || i >= a->length ||
        (size_t)(i + 1) * 16 > a->data.len)
        return 0;
    af_int128 v;
    memcpy(&v, a->data.data + (size_t)i * 16, sizeof v);
    return v;
}

const uint8_t *af_array_get_bytes(const af_array *a, int64_t i, size_t *len)
{
    af_type_id id = a->field->type.id;
    *len = 0;
    if (i < 0 || i >= a->length)
        return NULL;
    if (id == AF_TYPE_UUID) {
        if ((size_t)(i + 1) * 16 > a->data.len)
            return NULL;
        *len = 16;
        return a->data.data + (size_t)i * 16;
    }
    if (!af_type_is_varbytes(id))
        return NULL;
    int32_t s = af_array_offset_at(a, i), e = af_array_offset_at(a, i + 1);
    if (s < 0 || e < s || (size_t)e > a->data.len)
        return NULL;
    *len = (size_t)(e - s);
    /* an empty value still gets a non-NULL pointer when the buffer exists */
    return a->data.data ? a->data.data + s : (const uint8_t *)"";
}

/* Undoing appends: a row that fails half-way through is removed from the
 * columns that already took a value of it. */
static int64_t count_nulls(const af_array *a, int64_t length)
{
    if (!a->has_validity)
        return a->field->type.id == AF_TYPE_NULL ? length : 0;
    int64_t nulls = 0;
    for (int64_t i = 0; i < length; i++)
        if ((size_t)(i >> 3) >= a->validity.len || !get_bit(&a->validity, i))
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
        size_t w = af_array_value_width(&a->field->type);
        if (!w)
            return AF_EUNSUPPORTED;
        a->data.len = (size_t)length * w;
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
