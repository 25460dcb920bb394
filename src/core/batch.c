/* batch.c - columnar batches: building arrays value by value, reading and
 * formatting them back (text for CSV and messages, JSON for nested values),
 * selecting rows and columns, and handing batches to other engines through
 * the Arrow C Data Interface without copying buffers.
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

#include "core/values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const af_batch_limits AF_BATCH_DEFAULT_LIMITS = {65536, 16u * 1024u * 1024u};

/* ---- Layout helpers ---- */

static bool has_offsets(af_type_id id)
{
    return id == AF_TYPE_STRING || id == AF_TYPE_JSON || id == AF_TYPE_BINARY ||
           id == AF_TYPE_LIST || id == AF_TYPE_MAP;
}

static bool is_varbytes(af_type_id id)
{
    return id == AF_TYPE_STRING || id == AF_TYPE_JSON || id == AF_TYPE_BINARY;
}

/* Bytes per value of fixed-width types; 0 for the others. */
static size_t value_width(const af_type *t)
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

static int32_t offset_at(const af_array *a, int64_t i)
{
    int32_t v = 0;
    if ((size_t)(i + 1) * sizeof v <= a->offsets.len)
        memcpy(&v, a->offsets.data + (size_t)i * sizeof v, sizeof v);
    return v;
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
static int push_validity(af_array *a, bool valid)
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

static int check_lengths(const af_batch *b, af_error *err)
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
    int rc = check_lengths(b, err);
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
        size_t w = value_width(&a->field->type);
        if (!w)
            return AF_EINTERNAL;
        rc = af_buf_append_zeros(&a->data, w);
    }
    }
    if (!rc)
        rc = push_validity(a, false);
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
        rc = push_validity(a, true);
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
    rc = push_validity(a, true);
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
        if (value_width(t) == 4) {
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
    if (!is_varbytes(id))
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
        rc = push_validity(a, true);
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
    int rc = push_validity(a, true);
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
        rc = push_validity(a, true);
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
    size_t w = value_width(&a->field->type);
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
    if (!is_varbytes(id))
        return NULL;
    int32_t s = offset_at(a, i), e = offset_at(a, i + 1);
    if (s < 0 || e < s || (size_t)e > a->data.len)
        return NULL;
    *len = (size_t)(e - s);
    /* an empty value still gets a non-NULL pointer when the buffer exists */
    return a->data.data ? a->data.data + s : (const uint8_t *)"";
}

/* ---- Formatting helpers ----
 * Calendar and decimal arithmetic come from values.c, shared with parsing. */

/* Floor division that cannot overflow (no multiplication back). */
static void floor_divmod(int64_t v, int64_t d, int64_t *q, int64_t *r)
{
    *q = v / d;
    *r = v % d;
    if (*r < 0) {
        *r += d;
        *q -= 1;
    }
}

static int format_date(int64_t days, af_buf *out)
{
    int64_t y;
    unsigned m, d;
    af_civil_from_days(days, &y, &m, &d);
    /* ISO 8601 expanded years: a sign outside 0000..9999 (year 0 = 1 BC) */
    if (y >= 0 && y <= 9999) {
        /* the common case, on the hot path of every CSV export: no printf */
        char t[10] = {(char)('0' + y / 1000),
                      (char)('0' + y / 100 % 10),
                      (char)('0' + y / 10 % 10),
                      (char)('0' + y % 10),
                      '-',
                      (char)('0' + m / 10),
                      (char)('0' + m % 10),
                      '-',
                      (char)('0' + d / 10),
                      (char)('0' + d % 10)};
        return af_buf_append(out, t, sizeof t);
    }
    if (y > 9999)
        return af_buf_printf(out, "+%lld-%02u-%02u", (long long)y, m, d);
    return af_buf_printf(out, "-%04llu-%02u-%02u", 0ull - (unsigned long long)y, m, d);
}

static int64_t unit_per_second(af_time_unit u)
{
    switch (u) {
    case AF_UNIT_SECOND: return 1;
    case AF_UNIT_MILLI: return 1000;
    case AF_UNIT_MICRO: return 1000000;
    case AF_UNIT_NANO: return 1000000000;
    }
    return 1;
}

static int unit_digits(af_time_unit u)
{
    switch (u) {
    case AF_UNIT_SECOND: return 0;
    case AF_UNIT_MILLI: return 3;
    case AF_UNIT_MICRO: return 6;
    case AF_UNIT_NANO: return 9;
    }
    return 0;
}

/* HH:MM:SS[.frac] for a non-negative second count and fraction. Hours may
 * exceed 23 for out-of-range time values; they are printed, not wrapped. */
static int format_hms(uint64_t secs, uint64_t frac, af_time_unit u, af_buf *out)
{
    int rc = af_buf_printf(out, "%02llu:%02llu:%02llu", (unsigned long long)(secs / 3600),
                           (unsigned long long)(secs / 60 % 60), (unsigned long long)(secs % 60));
    int digits = unit_digits(u);
    if (!rc && digits)
        rc = af_buf_printf(out, ".%0*llu", digits, (unsigned long long)frac);
    return rc;
}

static int format_time(int64_t v, af_time_unit u, af_buf *out)
{
    int rc = AF_OK;
    uint64_t mag = (uint64_t)v;
    if (v < 0) {
        /* not a time of day; shown as a negative duration rather than hidden */
        rc = af_buf_append_byte(out, '-');
        mag = 0 - (uint64_t)v;
    }
    uint64_t per = (uint64_t)unit_per_second(u);
    return rc ? rc : format_hms(mag / per, mag % per, u, out);
}

/* Timestamps print the stored instant. Zoned columns store UTC, so every
 * zoned value (whatever its zone: "UTC", "+02:00", "Europe/Paris") prints as
 * UTC with 'Z' - unambiguous and independent of the zone database; naive
 * columns print wall-clock time without a suffix. */
static int format_timestamp(int64_t v, const af_type *t, af_buf *out)
{
    int64_t secs, frac, days, sod;
    floor_divmod(v, unit_per_second(t->unit), &secs, &frac);
    floor_divmod(secs, 86400, &days, &sod);
    int rc = format_date(days, out);
    if (!rc)
        rc = af_buf_append_byte(out, 'T');
    if (!rc)
        rc = format_hms((uint64_t)sod, (uint64_t)frac, t->unit, out);
    if (!rc && t->timezone)
        rc = af_buf_append_byte(out, 'Z');
    return rc;
}

static int format_double(double v, bool single, af_buf *out)
{
    if (isnan(v))
        return af_buf_append_str(out, "NaN");
    if (isinf(v))
        return af_buf_append_str(out, v < 0 ? "-inf" : "inf");
    char tmp[40];
    /* shortest precision that reads back to the same value */
    int lo = single ? 6 : 15, hi = single ? 9 : 17;
    for (int p = lo; p <= hi; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (p == hi)
            break;
        if (single ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v)
            break;
    }
    return af_buf_append_str(out, tmp);
}

static const char HEX[] = "0123456789abcdef";

static int format_hex(const uint8_t *p, size_t n, af_buf *out)
{
    int rc = af_buf_reserve(out, n * 2);
    for (size_t i = 0; !rc && i < n; i++) {
        out->data[out->len++] = (uint8_t)HEX[p[i] >> 4];
        out->data[out->len++] = (uint8_t)HEX[p[i] & 15];
    }
    return rc;
}

static int format_uuid(const uint8_t *p, af_buf *out)
{
    int rc = AF_OK;
    for (int i = 0; !rc && i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            rc = af_buf_append_byte(out, '-');
        if (!rc)
            rc = format_hex(p + i, 1, out);
    }
    return rc;
}

static int format_scalar(const af_array *a, int64_t i, af_buf *out)
{
    const af_type *t = &a->field->type;
    size_t n;
    const uint8_t *p;
    switch (t->id) {
    case AF_TYPE_BOOL: return af_buf_append_str(out, af_array_get_bool(a, i) ? "true" : "false");
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64: return af_buf_append_int(out, af_array_get_int(a, i));
    case AF_TYPE_FLOAT32: return format_double(af_array_get_double(a, i), true, out);
    case AF_TYPE_FLOAT64: return format_double(af_array_get_double(a, i), false, out);
    case AF_TYPE_DECIMAL: return af_decimal_format(af_array_get_decimal(a, i), t->scale, out);
    case AF_TYPE_DATE: return format_date(af_array_get_int(a, i), out);
    case AF_TYPE_TIME: return format_time(af_array_get_int(a, i), t->unit, out);
    case AF_TYPE_TIMESTAMP: return format_timestamp(af_array_get_int(a, i), t, out);
    case AF_TYPE_UUID:
        p = af_array_get_bytes(a, i, &n);
        return p ? format_uuid(p, out) : AF_EINTERNAL;
    case AF_TYPE_BINARY:
        p = af_array_get_bytes(a, i, &n);
        return p ? format_hex(p, n, out) : AF_EINTERNAL;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
        p = af_array_get_bytes(a, i, &n);
        return p ? af_buf_append(out, p, n) : AF_EINTERNAL;
    default: return AF_EINTERNAL;
    }
}

int af_array_format_value(const af_array *a, int64_t i, af_buf *out)
{
    if (i < 0 || i >= a->length)
        return AF_EINVAL;
    if (!af_array_is_valid(a, i))
        return 1;
    if (af_type_is_nested(a->field->type.id))
        return af_array_format_json(a, i, out);
    return format_scalar(a, i, out);
}

static int json_string_of_scalar(const af_array *a, int64_t i, af_buf *out)
{
    af_buf tmp;
    af_buf_init(&tmp);
    int rc = format_scalar(a, i, &tmp);
    if (!rc)
        rc = af_buf_append_json_string(out, (const char *)tmp.data, tmp.len);
    af_buf_free(&tmp);
    return rc;
}

int af_array_format_json(const af_array *a, int64_t i, af_buf *out)
{
    if (i < 0 || i >= a->length)
        return AF_EINVAL;
    if (!af_array_is_valid(a, i))
        return af_buf_append_str(out, "null");
    const af_type *t = &a->field->type;
    size_t n;
    const uint8_t *p;
    int rc = AF_OK;
    switch (t->id) {
    case AF_TYPE_BOOL:
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64:
    case AF_TYPE_DECIMAL: return format_scalar(a, i, out);
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64:
        if (!isfinite(af_array_get_double(a, i)))
            return af_buf_append_str(out, "null");
        return format_scalar(a, i, out);
    case AF_TYPE_DATE:
    case AF_TYPE_TIME:
    case AF_TYPE_TIMESTAMP:
    case AF_TYPE_UUID:
    case AF_TYPE_STRING: return json_string_of_scalar(a, i, out);
    case AF_TYPE_BINARY:
        p = af_array_get_bytes(a, i, &n);
        if (!p)
            return AF_EINTERNAL;
        rc = af_buf_append_byte(out, '"');
        if (!rc)
            rc = af_buf_append_base64(out, p, n);
        return rc ? rc : af_buf_append_byte(out, '"');
    case AF_TYPE_JSON:
        p = af_array_get_bytes(a, i, &n);
        if (!p)
            return AF_EINTERNAL;
        return n ? af_buf_append(out, p, n) : af_buf_append_str(out, "null");
    case AF_TYPE_STRUCT:
        rc = af_buf_append_byte(out, '{');
        for (size_t c = 0; !rc && c < a->n_children; c++) {
            const char *name = a->children[c].field->name ? a->children[c].field->name : "";
            if (c)
                rc = af_buf_append_byte(out, ',');
            if (!rc)
                rc = af_buf_append_json_string(out, name, strlen(name));
            if (!rc)
                rc = af_buf_append_byte(out, ':');
            if (!rc)
                rc = af_array_format_json(&a->children[c], i, out);
        }
        return rc ? rc : af_buf_append_byte(out, '}');
    case AF_TYPE_LIST: {
        int32_t s = offset_at(a, i), e = offset_at(a, i + 1);
        rc = af_buf_append_byte(out, '[');
        for (int32_t k = s; !rc && a->n_children && k < e; k++) {
            if (k > s)
                rc = af_buf_append_byte(out, ',');
            if (!rc)
                rc = af_array_format_json(&a->children[0], k, out);
        }
        return rc ? rc : af_buf_append_byte(out, ']');
    }
    case AF_TYPE_MAP: {
        /* a JSON object keyed by the key's text form (JSON keys are strings) */
        int32_t s = offset_at(a, i), e = offset_at(a, i + 1);
        const af_array *entries = a->n_children ? &a->children[0] : NULL;
        rc = af_buf_append_byte(out, '{');
        for (int32_t k = s; !rc && entries && entries->n_children >= 2 && k < e; k++) {
            if (k > s)
                rc = af_buf_append_byte(out, ',');
            af_buf key;
            af_buf_init(&key);
            if (!rc && af_array_format_value(&entries->children[0], k, &key) < 0)
                rc = AF_EINTERNAL;
            if (!rc)
                rc = af_buf_append_json_string(out, (const char *)key.data, key.len);
            af_buf_free(&key);
            if (!rc)
                rc = af_buf_append_byte(out, ':');
            if (!rc)
                rc = af_array_format_json(&entries->children[1], k, out);
        }
        return rc ? rc : af_buf_append_byte(out, '}');
    }
    default: return af_buf_append_str(out, "null");
    }
}

/* ---- Selecting rows and columns ---- */

/* Appends row i of src to dst (same type), recursing into nested values. */
static int copy_value(af_array *dst, const af_array *src, int64_t i)
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
    case AF_TYPE_FLOAT64: return af_array_append_double(dst, af_array_get_double(src, i));
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
            rc = copy_value(&dst->children[c], &src->children[c], i);
        return rc ? rc : af_array_append_struct_row(dst);
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: {
        int32_t s = offset_at(src, i), e = offset_at(src, i + 1);
        if (e > s && (!src->n_children || !dst->n_children))
            return AF_EINTERNAL;
        for (int32_t k = s; !rc && k < e; k++)
            rc = copy_value(&dst->children[0], &src->children[0], k);
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
    if (check_lengths(b, err))
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
            int rc = copy_value(&r->columns[c], &b->columns[c], i);
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

/* ---- Arrow C Data Interface ---- */

int af_field_arrow_format(const af_field *f, af_buf *out)
{
    const af_type *t = &f->type;
    switch (t->id) {
    case AF_TYPE_NULL: return af_buf_append_str(out, "n");
    case AF_TYPE_BOOL: return af_buf_append_str(out, "b");
    case AF_TYPE_INT8: return af_buf_append_str(out, "c");
    case AF_TYPE_INT16: return af_buf_append_str(out, "s");
    case AF_TYPE_INT32: return af_buf_append_str(out, "i");
    case AF_TYPE_INT64: return af_buf_append_str(out, "l");
    case AF_TYPE_FLOAT32: return af_buf_append_str(out, "f");
    case AF_TYPE_FLOAT64: return af_buf_append_str(out, "g");
    case AF_TYPE_DECIMAL: return af_buf_printf(out, "d:%u,%u", t->precision, t->scale);
    case AF_TYPE_STRING:
    case AF_TYPE_JSON: return af_buf_append_str(out, "u");
    case AF_TYPE_BINARY: return af_buf_append_str(out, "z");
    case AF_TYPE_DATE: return af_buf_append_str(out, "tdD");
    case AF_TYPE_TIME: {
        static const char *const f_time[] = {"tts", "ttm", "ttu", "ttn"};
        return af_buf_append_str(out, f_time[t->unit & 3]);
    }
    case AF_TYPE_TIMESTAMP:
        return af_buf_printf(out, "ts%c:%s", "smun"[t->unit & 3],
                             t -> timezone ? t -> timezone : "");
    case AF_TYPE_UUID: return af_buf_append_str(out, "w:16");
    case AF_TYPE_STRUCT: return af_buf_append_str(out, "+s");
    case AF_TYPE_LIST: return af_buf_append_str(out, "+l");
    case AF_TYPE_MAP: return af_buf_append_str(out, "+m");
    default: return AF_EINTERNAL;
    }
}

typedef struct schema_priv {
    char *format;
    char *name;
    char *metadata;
    struct ArrowSchema **child_ptrs;
    struct ArrowSchema *child_storage;
    int64_t n_children;
} schema_priv;

static void release_schema(struct ArrowSchema *s)
{
    if (!s || !s->release)
        return;
    schema_priv *p = s->private_data;
    for (int64_t i = 0; i < s->n_children; i++) {
        struct ArrowSchema *c = s->children[i];
        /* a consumer may have moved a child out, leaving release NULL */
        if (c && c->release)
            c->release(c);
    }
    if (p) {
        free(p->format);
        free(p->name);
        free(p->metadata);
        free(p->child_ptrs);
        free(p->child_storage);
        free(p);
    }
    s->release = NULL;
}

/* The metadata encoding of the C Data Interface: int32 pair count, then
 * int32 length + bytes for each key and each value (native byte order). */
static char *extension_metadata(const char *ext_name)
{
    static const char key[] = "ARROW:extension:name";
    int32_t kl = (int32_t)strlen(key), vl = (int32_t)strlen(ext_name), one = 1;
    size_t total = 3 * sizeof(int32_t) + (size_t)kl + (size_t)vl;
    char *m = malloc(total);
    if (!m)
        return NULL;
    char *w = m;
    memcpy(w, &one, sizeof one);
    w += sizeof one;
    memcpy(w, &kl, sizeof kl);
    w += sizeof kl;
    memcpy(w, key, (size_t)kl);
    w += kl;
    memcpy(w, &vl, sizeof vl);
    w += sizeof vl;
    memcpy(w, ext_name, (size_t)vl);
    return m;
}

static int export_schema_node(struct ArrowSchema *out, const char *format, const char *name,
                              int64_t flags, const char *ext, const af_field *children,
                              size_t n_children)
{
    memset(out, 0, sizeof *out);
    schema_priv *p = calloc(1, sizeof *p);
    if (!p)
        return AF_ENOMEM;
    out->private_data = p;
    out->release = release_schema;
    out->flags = flags;
    p->format = af_strdup(format);
    p->name = af_strdup(name ? name : "");
    if (!p->format || !p->name)
        goto nomem;
    out->format = p->format;
    out->name = p->name;
    if (ext) {
        p->metadata = extension_metadata(ext);
        if (!p->metadata)
            goto nomem;
        out->metadata = p->metadata;
    }
    if (n_children) {
        p->child_ptrs = calloc(n_children, sizeof *p->child_ptrs);
        p->child_storage = calloc(n_children, sizeof *p->child_storage);
        if (!p->child_ptrs || !p->child_storage)
            goto nomem;
        out->children = p->child_ptrs;
        for (size_t i = 0; i < n_children; i++) {
            p->child_ptrs[i] = &p->child_storage[i];
            const af_field *c = &children[i];
            af_buf fmt;
            af_buf_init(&fmt);
            int rc = af_field_arrow_format(c, &fmt);
            const char *fs = rc ? NULL : af_buf_cstr(&fmt);
            if (!fs) {
                af_buf_free(&fmt);
                out->n_children = (int64_t)i;
                release_schema(out);
                return rc ? rc : AF_ENOMEM;
            }
            int64_t cflags = c->nullable ? ARROW_FLAG_NULLABLE : 0;
            const char *cext = c->type.id == AF_TYPE_UUID   ? "arrow.uuid"
                               : c->type.id == AF_TYPE_JSON ? "arrow.json"
                                                            : NULL;
            size_t nc = c->type.id == AF_TYPE_STRUCT                     ? c->n_children
                        : af_type_is_nested(c->type.id) && c->n_children ? 1
                                                                         : 0;
            rc = export_schema_node(&p->child_storage[i], fs, c->name, cflags, cext, c->children,
                                    nc);
            af_buf_free(&fmt);
            if (rc) {
                out->n_children = (int64_t)i;
                release_schema(out);
                return rc;
            }
        }
    }
    out->n_children = (int64_t)n_children;
    return AF_OK;
nomem:
    out->n_children = 0;
    release_schema(out);
    return AF_ENOMEM;
}

int af_schema_export(const af_schema *s, struct ArrowSchema *out, af_error *err)
{
    int rc = export_schema_node(out, "+s", "", 0, NULL, s->fields, s->n_fields);
    if (rc)
        return af_error_set(err, rc, "cannot export the schema to Arrow: %s", af_strerror(rc));
    return AF_OK;
}

typedef struct array_priv {
    af_batch *batch; /* every node holds a reference: a child may outlive a moved-from root */
    const void *buffers[3];
    struct ArrowArray **child_ptrs;
    struct ArrowArray *child_storage;
} array_priv;

/* Stands in for empty buffers: consumers may dereference any non-validity
 * buffer, so none is ever NULL. */
static const int64_t empty_buffer[2];

static void release_array(struct ArrowArray *a)
{
    if (!a || !a->release)
        return;
    array_priv *p = a->private_data;
    for (int64_t i = 0; i < a->n_children; i++) {
        struct ArrowArray *c = a->children[i];
        if (c && c->release)
            c->release(c);
    }
    if (p) {
        af_batch_release(p->batch);
        free(p->child_ptrs);
        free(p->child_storage);
        free(p);
    }
    a->release = NULL;
}

static const void *buf_ptr(const af_buf *b)
{
    return b->data && b->len ? (const void *)b->data : (const void *)empty_buffer;
}

static int export_array_node(struct ArrowArray *out, af_batch *batch, int64_t length,
                             int64_t null_count, const af_array *src, const af_array *children,
                             size_t n_children)
{
    memset(out, 0, sizeof *out);
    array_priv *p = calloc(1, sizeof *p);
    if (!p)
        return AF_ENOMEM;
    af_batch_retain(batch);
    p->batch = batch;
    out->private_data = p;
    out->release = release_array;
    out->length = length;
    out->null_count = null_count;
    out->buffers = p->buffers;
    if (!src) {
        out->n_buffers = 1; /* the root struct: no validity */
    } else {
        af_type_id id = src->field->type.id;
        p->buffers[0] = src->null_count > 0 && src->has_validity ? src->validity.data : NULL;
        if (id == AF_TYPE_NULL) {
            out->n_buffers = 0;
            p->buffers[0] = NULL;
        } else if (id == AF_TYPE_STRUCT) {
            out->n_buffers = 1;
        } else if (id == AF_TYPE_LIST || id == AF_TYPE_MAP) {
            out->n_buffers = 2;
            p->buffers[1] = buf_ptr(&src->offsets);
        } else if (is_varbytes(id)) {
            out->n_buffers = 3;
            p->buffers[1] = buf_ptr(&src->offsets);
            p->buffers[2] = buf_ptr(&src->data);
        } else {
            out->n_buffers = 2;
            p->buffers[1] = buf_ptr(&src->data);
        }
    }
    if (n_children) {
        p->child_ptrs = calloc(n_children, sizeof *p->child_ptrs);
        p->child_storage = calloc(n_children, sizeof *p->child_storage);
        if (!p->child_ptrs || !p->child_storage) {
            release_array(out);
            return AF_ENOMEM;
        }
        out->children = p->child_ptrs;
        for (size_t i = 0; i < n_children; i++) {
            const af_array *c = &children[i];
            p->child_ptrs[i] = &p->child_storage[i];
            int rc = export_array_node(&p->child_storage[i], batch, c->length, c->null_count, c,
                                       c->children, c->n_children);
            if (rc) {
                out->n_children = (int64_t)i;
                release_array(out);
                return rc;
            }
            out->n_children = (int64_t)i + 1;
        }
    }
    return AF_OK;
}

int af_batch_export(af_batch *b, struct ArrowArray *out_array, struct ArrowSchema *out_schema,
                    af_error *err)
{
    int rc = check_lengths(b, err);
    if (rc)
        return rc;
    int64_t rows = b->schema->n_fields ? b->columns[0].length : b->n_rows;
    rc = af_schema_export(b->schema, out_schema, err);
    if (rc)
        return rc;
    rc = export_array_node(out_array, b, rows, 0, NULL, b->columns, b->schema->n_fields);
    if (rc) {
        out_schema->release(out_schema);
        return af_error_set(err, rc, "cannot export the batch to Arrow: %s", af_strerror(rc));
    }
    return AF_OK;
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
        size_t w = value_width(&a->field->type);
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
