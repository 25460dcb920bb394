/* meta_decode.c - Thrift compact decoders for the Parquet metadata structs
 * of meta.h.
 *
 * Each struct decoder loops over field headers, takes the fields it knows
 * (checking their wire type: a wrong type means a corrupt or foreign file)
 * and skips the others, since newer writers add fields. Required fields
 * are tracked in a bit mask and reported by name when missing. Errors are
 * raised without the input's name and wrapped on the way out with the path
 * that led to them ("row_groups[0]: columns[2]: ..."), so the message
 * says exactly where the footer is broken.
 */
#include "formats/parquet/meta.h"
#include "formats/parquet/thrift.h"

#include <stdlib.h>
#include <string.h>

typedef struct dec {
    af_thrift_reader r;
    af_arena *a; /* NULL: binaries point into the input (page headers) */
} dec;

typedef int (*elem_fn)(dec *d, void *elem);

/* Prefixes the message with where the error happened ("columns[2]",
 * "statistics"); idx < 0 for a plain field. Keeps rc even without err. */
static int context(dec *d, int rc, const char *field, long idx)
{
    if (rc && d->r.err) {
        if (idx >= 0)
            af_error_wrap(d->r.err, "%s[%ld]", field, idx);
        else
            af_error_wrap(d->r.err, "%s", field);
    }
    return rc;
}

static int nomem(dec *d)
{
    return af_error_set(d->r.err, AF_ENOMEM,
                        "out of memory decoding metadata (decoded metadata is limited to %zu MiB)",
                        (size_t)(AF_PQ_META_MAX_MEMORY >> 20));
}

static int wrong_type(dec *d, const char *field, int got, int want)
{
    return af_thrift_fail(&d->r, "field '%s' has wire type %s, expected %s", field,
                          af_thrift_type_name(got), af_thrift_type_name(want));
}

static int missing(dec *d, const char *strct, const char *field)
{
    return af_thrift_fail(&d->r, "%s: required field '%s' is missing", strct, field);
}

static int get_i8(dec *d, int t, const char *field, int8_t *v)
{
    return t != AF_THRIFT_I8 ? wrong_type(d, field, t, AF_THRIFT_I8) : af_thrift_read_i8(&d->r, v);
}

static int get_i16(dec *d, int t, const char *field, int16_t *v)
{
    return t != AF_THRIFT_I16 ? wrong_type(d, field, t, AF_THRIFT_I16)
                              : af_thrift_read_i16(&d->r, v);
}

static int get_i32(dec *d, int t, const char *field, int32_t *v)
{
    return t != AF_THRIFT_I32 ? wrong_type(d, field, t, AF_THRIFT_I32)
                              : af_thrift_read_i32(&d->r, v);
}

static int get_i64(dec *d, int t, const char *field, int64_t *v)
{
    return t != AF_THRIFT_I64 ? wrong_type(d, field, t, AF_THRIFT_I64)
                              : af_thrift_read_i64(&d->r, v);
}

static int get_bool(dec *d, int t, const char *field, bool *v)
{
    if (t != AF_THRIFT_BOOL)
        return wrong_type(d, field, t, AF_THRIFT_BOOL);
    *v = d->r.bool_value;
    return AF_OK;
}

static int get_bin(dec *d, int t, const char *field, af_pq_bytes *b)
{
    if (t != AF_THRIFT_BINARY)
        return wrong_type(d, field, t, AF_THRIFT_BINARY);
    const uint8_t *p;
    size_t n;
    int rc = af_thrift_read_binary(&d->r, &p, &n);
    if (rc)
        return rc;
    if (d->a) {
        uint8_t *copy = (uint8_t *)af_arena_strndup(d->a, p, n);
        if (!copy)
            return nomem(d);
        p = copy;
    }
    b->data = p;
    b->len = n;
    return AF_OK;
}

static int get_str(dec *d, int t, const char *field, char **s, size_t *len)
{
    af_pq_bytes b;
    int rc = get_bin(d, t, field, &b);
    if (rc)
        return rc;
    /* strings exist only in arena-owned structs, where get_bin made a
     * NUL-terminated copy */
    *s = (char *)b.data;
    if (len)
        *len = b.len;
    return AF_OK;
}

/* A list header of the wanted element type whose count is also bounded by
 * the smallest valid encoding of one element, so the array allocated for it
 * is proportional to the input. */
static int get_list(dec *d, int t, const char *field, int elem, size_t min_bytes, uint32_t *n)
{
    if (t != AF_THRIFT_LIST && t != AF_THRIFT_SET)
        return wrong_type(d, field, t, AF_THRIFT_LIST);
    int et;
    int rc = af_thrift_list_begin(&d->r, &et, n);
    if (rc)
        return rc;
    if (*n && et != elem)
        return af_thrift_fail(&d->r, "field '%s' is a list of %s, expected a list of %s", field,
                              af_thrift_type_name(et), af_thrift_type_name(elem));
    if (*n > af_thrift_remaining(&d->r) / min_bytes) {
        d->r.truncated = true;
        return af_thrift_fail(&d->r, "field '%s' claims %u elements, more than the input can hold",
                              field, *n);
    }
    return AF_OK;
}

static int get_struct_list(dec *d, int t, const char *field, size_t elsize, size_t min_bytes,
                           elem_fn fn, void **out, size_t *count)
{
    uint32_t n;
    int rc = get_list(d, t, field, AF_THRIFT_STRUCT, min_bytes, &n);
    if (rc)
        return rc;
    char *arr = af_arena_array(d->a, n, elsize);
    if (!arr)
        return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        if ((rc = fn(d, arr + (size_t)i * elsize)))
            return context(d, rc, field, (long)i);
    }
    *out = arr;
    *count = n;
    return AF_OK;
}

static int get_i32_list(dec *d, int t, const char *field, int32_t **out, size_t *count)
{
    uint32_t n;
    int rc = get_list(d, t, field, AF_THRIFT_I32, 1, &n);
    if (rc)
        return rc;
    int32_t *v = af_arena_array(d->a, n, sizeof *v);
    if (!v)
        return nomem(d);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = af_thrift_read_i32(&d->r, &v[i])))
            return rc;
    *out = v;
    *count = n;
    return AF_OK;
}

static int get_i64_list(dec *d, int t, const char *field, af_pq_i64_list *l)
{
    uint32_t n;
    int rc = get_list(d, t, field, AF_THRIFT_I64, 1, &n);
    if (rc)
        return rc;
    int64_t *v = af_arena_array(d->a, n, sizeof *v);
    if (!v)
        return nomem(d);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = af_thrift_read_i64(&d->r, &v[i])))
            return rc;
    l->present = true;
    l->v = v;
    l->n = n;
    return AF_OK;
}

static int get_bin_list(dec *d, int t, const char *field, af_pq_bytes **out, size_t *count)
{
    uint32_t n;
    int rc = get_list(d, t, field, AF_THRIFT_BINARY, 1, &n);
    if (rc)
        return rc;
    af_pq_bytes *v = af_arena_array(d->a, n, sizeof *v);
    if (!v)
        return nomem(d);
    for (uint32_t i = 0; i < n; i++)
        if ((rc = get_bin(d, AF_THRIFT_BINARY, field, &v[i])))
            return rc;
    *out = v;
    *count = n;
    return AF_OK;
}

/* Reads the next field header of the open struct: 1 with a field, 0 at
 * its end (the struct is closed), or a negative AF_E* code. Decoders loop
 *   while (!rc && (rc = next_field(d, &id, &t)) > 0) switch (id) {...}
 * with a default case that skips fields they do not know. */
static int next_field(dec *d, int16_t *id, int *t)
{
    int rc = af_thrift_field_begin(&d->r, id, t);
    if (rc)
        return rc;
    if (*t == AF_THRIFT_STOP)
        return af_thrift_struct_end(&d->r);
    return 1;
}

/* An empty struct (a union member without content); anything inside is
 * skipped, as newer versions may add fields to it. */
static int get_empty(dec *d, int t, const char *field)
{
    if (t != AF_THRIFT_STRUCT)
        return wrong_type(d, field, t, AF_THRIFT_STRUCT);
    return af_thrift_skip(&d->r, t);
}

static int dec_statistics(dec *d, af_pq_statistics *s)
{
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_bin(d, t, "max", &s->max), s->has_max = true; break;
        case 2: rc = get_bin(d, t, "min", &s->min), s->has_min = true; break;
        case 3: rc = get_i64(d, t, "null_count", &s->null_count), s->has_null_count = true; break;
        case 4:
            rc = get_i64(d, t, "distinct_count", &s->distinct_count);
            s->has_distinct_count = true;
            break;
        case 5: rc = get_bin(d, t, "max_value", &s->max_value), s->has_max_value = true; break;
        case 6: rc = get_bin(d, t, "min_value", &s->min_value), s->has_min_value = true; break;
        case 7:
            rc = get_bool(d, t, "is_max_value_exact", &s->is_max_value_exact);
            s->has_is_max_value_exact = true;
            break;
        case 8:
            rc = get_bool(d, t, "is_min_value_exact", &s->is_min_value_exact);
            s->has_is_min_value_exact = true;
            break;
        case 9: rc = get_i64(d, t, "nan_count", &s->nan_count), s->has_nan_count = true; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    return AF_OK;
}

static int dec_time_unit(dec *d, int wt, int *unit)
{
    if (wt != AF_THRIFT_STRUCT)
        return wrong_type(d, "unit", wt, AF_THRIFT_STRUCT);
    *unit = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_empty(d, t, "MILLIS"), *unit = AF_PQ_UNIT_MILLIS; break;
        case 2: rc = get_empty(d, t, "MICROS"), *unit = AF_PQ_UNIT_MICROS; break;
        case 3: rc = get_empty(d, t, "NANOS"), *unit = AF_PQ_UNIT_NANOS; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    return AF_OK;
}

/* TimeType and TimestampType share their shape. */
static int dec_time(dec *d, int wt, const char *name, af_pq_logical_type *lt)
{
    if (wt != AF_THRIFT_STRUCT)
        return wrong_type(d, name, wt, AF_THRIFT_STRUCT);
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_bool(d, t, "isAdjustedToUTC", &lt->utc), seen |= 1; break;
        case 2: rc = dec_time_unit(d, t, &lt->unit), seen |= 2; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return missing(d, name, "isAdjustedToUTC");
    if (!(seen & 2))
        return missing(d, name, "unit");
    return AF_OK;
}

static int dec_decimal(dec *d, int wt, af_pq_logical_type *lt)
{
    if (wt != AF_THRIFT_STRUCT)
        return wrong_type(d, "DECIMAL", wt, AF_THRIFT_STRUCT);
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "scale", &lt->decimal_scale), seen |= 1; break;
        case 2: rc = get_i32(d, t, "precision", &lt->decimal_precision), seen |= 2; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return missing(d, "DecimalType", "scale");
    if (!(seen & 2))
        return missing(d, "DecimalType", "precision");
    return AF_OK;
}

static int dec_integer(dec *d, int wt, af_pq_logical_type *lt)
{
    if (wt != AF_THRIFT_STRUCT)
        return wrong_type(d, "INTEGER", wt, AF_THRIFT_STRUCT);
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i8(d, t, "bitWidth", &lt->bit_width), seen |= 1; break;
        case 2: rc = get_bool(d, t, "isSigned", &lt->is_signed), seen |= 2; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return missing(d, "IntType", "bitWidth");
    if (!(seen & 2))
        return missing(d, "IntType", "isSigned");
    return AF_OK;
}

static int dec_logical_type(dec *d, af_pq_logical_type *lt)
{
    memset(lt, 0, sizeof *lt);
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case AF_PQ_LT_STRING:
        case AF_PQ_LT_MAP:
        case AF_PQ_LT_LIST:
        case AF_PQ_LT_ENUM:
        case AF_PQ_LT_DATE:
        case AF_PQ_LT_UNKNOWN:
        case AF_PQ_LT_JSON:
        case AF_PQ_LT_BSON:
        case AF_PQ_LT_UUID:
        case AF_PQ_LT_FLOAT16: rc = get_empty(d, t, "logicalType"), lt->kind = id; break;
        case AF_PQ_LT_DECIMAL: rc = dec_decimal(d, t, lt), lt->kind = id; break;
        case AF_PQ_LT_TIME: rc = dec_time(d, t, "TimeType", lt), lt->kind = id; break;
        case AF_PQ_LT_TIMESTAMP: rc = dec_time(d, t, "TimestampType", lt), lt->kind = id; break;
        case AF_PQ_LT_INTEGER: rc = dec_integer(d, t, lt), lt->kind = id; break;
        default:
            lt->kind = AF_PQ_LT_OTHER;
            lt->other_id = id;
            rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    return AF_OK;
}

static int dec_schema_element(dec *d, void *p)
{
    af_pq_schema_element *e = p;
    bool has_name = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "type", &e->type), e->has_type = true; break;
        case 2:
            rc = get_i32(d, t, "type_length", &e->type_length);
            e->has_type_length = true;
            break;
        case 3:
            rc = get_i32(d, t, "repetition_type", &e->repetition);
            e->has_repetition = true;
            break;
        case 4: rc = get_str(d, t, "name", &e->name, NULL), has_name = true; break;
        case 5:
            rc = get_i32(d, t, "num_children", &e->num_children);
            e->has_num_children = true;
            break;
        case 6:
            rc = get_i32(d, t, "converted_type", &e->converted_type);
            e->has_converted_type = true;
            break;
        case 7: rc = get_i32(d, t, "scale", &e->scale), e->has_scale = true; break;
        case 8: rc = get_i32(d, t, "precision", &e->precision), e->has_precision = true; break;
        case 9: rc = get_i32(d, t, "field_id", &e->field_id), e->has_field_id = true; break;
        case 10:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "logicalType", t, AF_THRIFT_STRUCT);
            else if ((rc = dec_logical_type(d, &e->logical)))
                rc = context(d, rc, "logicalType", -1);
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!has_name)
        return missing(d, "SchemaElement", "name");
    return AF_OK;
}

static int dec_key_value(dec *d, void *p)
{
    af_pq_key_value *kv = p;
    bool has_key = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_str(d, t, "key", &kv->key, NULL), has_key = true; break;
        case 2: rc = get_str(d, t, "value", &kv->value, &kv->value_len); break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!has_key)
        return missing(d, "KeyValue", "key");
    return AF_OK;
}

static int dec_page_encoding_stats(dec *d, void *p)
{
    af_pq_page_encoding_stats *s = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "page_type", &s->page_type), seen |= 1; break;
        case 2: rc = get_i32(d, t, "encoding", &s->encoding), seen |= 2; break;
        case 3: rc = get_i32(d, t, "count", &s->count), seen |= 4; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"page_type", "encoding", "count"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return missing(d, "PageEncodingStats", names[i]);
    return AF_OK;
}

static int wrap(dec *d, int rc, const char *field)
{
    return context(d, rc, field, -1);
}

static int dec_column_meta(dec *d, af_pq_column_meta *m)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "type", &m->type), seen |= 1; break;
        case 2:
            rc = get_i32_list(d, t, "encodings", &m->encodings, &m->n_encodings), seen |= 2;
            break;
        case 3: {
            uint32_t n;
            if ((rc = get_list(d, t, "path_in_schema", AF_THRIFT_BINARY, 1, &n)))
                break;
            if (!(m->path = af_arena_array(d->a, n, sizeof *m->path))) {
                rc = nomem(d);
                break;
            }
            m->n_path = n;
            for (uint32_t i = 0; i < n && !rc; i++)
                rc = get_str(d, AF_THRIFT_BINARY, "path_in_schema", &m->path[i], NULL);
            seen |= 4;
            break;
        }
        case 4: rc = get_i32(d, t, "codec", &m->codec), seen |= 8; break;
        case 5: rc = get_i64(d, t, "num_values", &m->num_values), seen |= 16; break;
        case 6:
            rc = get_i64(d, t, "total_uncompressed_size", &m->total_uncompressed_size);
            seen |= 32;
            break;
        case 7:
            rc = get_i64(d, t, "total_compressed_size", &m->total_compressed_size);
            seen |= 64;
            break;
        case 8:
            rc = get_struct_list(d, t, "key_value_metadata", sizeof *m->key_value, 3, dec_key_value,
                                 (void **)&m->key_value, &m->n_key_value);
            m->has_key_value = true;
            break;
        case 9: rc = get_i64(d, t, "data_page_offset", &m->data_page_offset), seen |= 128; break;
        case 10:
            rc = get_i64(d, t, "index_page_offset", &m->index_page_offset);
            m->has_index_page_offset = true;
            break;
        case 11:
            rc = get_i64(d, t, "dictionary_page_offset", &m->dictionary_page_offset);
            m->has_dictionary_page_offset = true;
            break;
        case 12:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "statistics", t, AF_THRIFT_STRUCT);
            else
                rc = wrap(d, dec_statistics(d, &m->statistics), "statistics");
            m->has_statistics = true;
            break;
        case 13:
            rc = get_struct_list(d, t, "encoding_stats", sizeof *m->encoding_stats, 7,
                                 dec_page_encoding_stats, (void **)&m->encoding_stats,
                                 &m->n_encoding_stats);
            m->has_encoding_stats = true;
            break;
        case 14:
            rc = get_i64(d, t, "bloom_filter_offset", &m->bloom_filter_offset);
            m->has_bloom_filter_offset = true;
            break;
        case 15:
            rc = get_i32(d, t, "bloom_filter_length", &m->bloom_filter_length);
            m->has_bloom_filter_length = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"type",
                                  "encodings",
                                  "path_in_schema",
                                  "codec",
                                  "num_values",
                                  "total_uncompressed_size",
                                  "total_compressed_size",
                                  "data_page_offset"};
    for (int i = 0; i < 8; i++)
        if (!(seen & (1u << i)))
            return missing(d, "ColumnMetaData", names[i]);
    return AF_OK;
}

static int dec_column_chunk(dec *d, void *p)
{
    af_pq_column_chunk *c = p;
    bool has_file_offset = false, has_oi_off = false, has_oi_len = false;
    bool has_ci_off = false, has_ci_len = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_str(d, t, "file_path", &c->file_path, NULL); break;
        case 2: rc = get_i64(d, t, "file_offset", &c->file_offset), has_file_offset = true; break;
        case 3:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "meta_data", t, AF_THRIFT_STRUCT);
            else
                rc = wrap(d, dec_column_meta(d, &c->meta_data), "meta_data");
            c->has_meta_data = true;
            break;
        case 4:
            rc = get_i64(d, t, "offset_index_offset", &c->offset_index_offset);
            has_oi_off = true;
            break;
        case 5:
            rc = get_i32(d, t, "offset_index_length", &c->offset_index_length);
            has_oi_len = true;
            break;
        case 6:
            rc = get_i64(d, t, "column_index_offset", &c->column_index_offset);
            has_ci_off = true;
            break;
        case 7:
            rc = get_i32(d, t, "column_index_length", &c->column_index_length);
            has_ci_len = true;
            break;
        case 8:
        case 9:
            c->encrypted = true;
            rc = af_thrift_skip(&d->r, t);
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!has_file_offset)
        return missing(d, "ColumnChunk", "file_offset");
    /* an index without its length (or the reverse) cannot be read: treat
     * it as absent */
    c->has_offset_index = has_oi_off && has_oi_len;
    c->has_column_index = has_ci_off && has_ci_len;
    return AF_OK;
}

static int dec_sorting_column(dec *d, void *p)
{
    af_pq_sorting_column *s = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "column_idx", &s->column_idx), seen |= 1; break;
        case 2: rc = get_bool(d, t, "descending", &s->descending), seen |= 2; break;
        case 3: rc = get_bool(d, t, "nulls_first", &s->nulls_first), seen |= 4; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"column_idx", "descending", "nulls_first"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return missing(d, "SortingColumn", names[i]);
    return AF_OK;
}

static int dec_row_group(dec *d, void *p)
{
    af_pq_row_group *g = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1:
            rc = get_struct_list(d, t, "columns", sizeof *g->columns, 3, dec_column_chunk,
                                 (void **)&g->columns, &g->n_columns);
            seen |= 1;
            break;
        case 2: rc = get_i64(d, t, "total_byte_size", &g->total_byte_size), seen |= 2; break;
        case 3: rc = get_i64(d, t, "num_rows", &g->num_rows), seen |= 4; break;
        case 4:
            rc = get_struct_list(d, t, "sorting_columns", sizeof *g->sorting_columns, 5,
                                 dec_sorting_column, (void **)&g->sorting_columns,
                                 &g->n_sorting_columns);
            g->has_sorting_columns = true;
            break;
        case 5:
            rc = get_i64(d, t, "file_offset", &g->file_offset);
            g->has_file_offset = true;
            break;
        case 6:
            rc = get_i64(d, t, "total_compressed_size", &g->total_compressed_size);
            g->has_total_compressed_size = true;
            break;
        case 7: rc = get_i16(d, t, "ordinal", &g->ordinal), g->has_ordinal = true; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"columns", "total_byte_size", "num_rows"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return missing(d, "RowGroup", names[i]);
    return AF_OK;
}

static int dec_column_order(dec *d, void *p)
{
    int *order = p;
    *order = AF_PQ_ORDER_OTHER;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_empty(d, t, "TYPE_ORDER"), *order = AF_PQ_ORDER_TYPE_DEFINED; break;
        case 2:
            rc = get_empty(d, t, "IEEE_754_TOTAL_ORDER");
            *order = AF_PQ_ORDER_IEEE_754_TOTAL;
            break;
        case 3:
            rc = get_empty(d, t, "INT96_TIMESTAMP_ORDER");
            *order = AF_PQ_ORDER_INT96_TIMESTAMP;
            break;
        default: *order = AF_PQ_ORDER_OTHER, rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    return AF_OK;
}

static int dec_file_meta(dec *d, af_pq_file_meta *m)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "version", &m->version), seen |= 1; break;
        case 2:
            rc = get_struct_list(d, t, "schema", sizeof *m->schema, 3, dec_schema_element,
                                 (void **)&m->schema, &m->n_schema);
            seen |= 2;
            break;
        case 3: rc = get_i64(d, t, "num_rows", &m->num_rows), seen |= 4; break;
        case 4:
            rc = get_struct_list(d, t, "row_groups", sizeof *m->row_groups, 7, dec_row_group,
                                 (void **)&m->row_groups, &m->n_row_groups);
            seen |= 8;
            break;
        case 5:
            rc = get_struct_list(d, t, "key_value_metadata", sizeof *m->key_value, 3, dec_key_value,
                                 (void **)&m->key_value, &m->n_key_value);
            m->has_key_value = true;
            break;
        case 6: rc = get_str(d, t, "created_by", &m->created_by, NULL); break;
        case 7:
            rc = get_struct_list(d, t, "column_orders", sizeof *m->column_orders, 1,
                                 dec_column_order, (void **)&m->column_orders, &m->n_column_orders);
            m->has_column_orders = true;
            break;
        case 8:
            m->encrypted = true;
            rc = af_thrift_skip(&d->r, t);
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"version", "schema", "num_rows", "row_groups"};
    for (int i = 0; i < 4; i++)
        if (!(seen & (1u << i)))
            return missing(d, "FileMetaData", names[i]);
    return AF_OK;
}

int af_pq_file_meta_new(af_pq_file_meta **out, af_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return af_error_set(err, AF_ENOMEM, "out of memory allocating Parquet metadata");
    af_arena_init(&(*out)->arena, AF_PQ_META_MAX_MEMORY);
    return AF_OK;
}

void af_pq_file_meta_free(af_pq_file_meta *m)
{
    if (!m)
        return;
    af_arena_free(&m->arena);
    free(m);
}

/* Finishes a decode: on failure prefixes the input's name and struct. */
static int finish(dec *d, int rc, const char *name, const char *strct)
{
    if (rc && d->r.err)
        af_error_wrap(d->r.err, "%s: %s", name ? name : "Parquet metadata", strct);
    return rc;
}

int af_pq_file_meta_decode(const void *p, size_t n, const char *name, af_pq_file_meta **out,
                           af_error *err)
{
    *out = NULL;
    af_pq_file_meta *m;
    int rc = af_pq_file_meta_new(&m, err);
    if (rc)
        return rc;
    dec d = {.a = &m->arena};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    rc = finish(&d, dec_file_meta(&d, m), name, "FileMetaData");
    if (rc) {
        af_pq_file_meta_free(m);
        return rc;
    }
    *out = m;
    return AF_OK;
}

static int dec_data_page_header(dec *d, af_pq_data_page_header *h)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "num_values", &h->num_values), seen |= 1; break;
        case 2: rc = get_i32(d, t, "encoding", &h->encoding), seen |= 2; break;
        case 3:
            rc = get_i32(d, t, "definition_level_encoding", &h->definition_level_encoding);
            seen |= 4;
            break;
        case 4:
            rc = get_i32(d, t, "repetition_level_encoding", &h->repetition_level_encoding);
            seen |= 8;
            break;
        case 5:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "statistics", t, AF_THRIFT_STRUCT);
            else
                rc = wrap(d, dec_statistics(d, &h->statistics), "statistics");
            h->has_statistics = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"num_values", "encoding", "definition_level_encoding",
                                  "repetition_level_encoding"};
    for (int i = 0; i < 4; i++)
        if (!(seen & (1u << i)))
            return missing(d, "DataPageHeader", names[i]);
    return AF_OK;
}

static int dec_data_page_header_v2(dec *d, af_pq_data_page_header_v2 *h)
{
    unsigned seen = 0;
    h->is_compressed = true;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "num_values", &h->num_values), seen |= 1; break;
        case 2: rc = get_i32(d, t, "num_nulls", &h->num_nulls), seen |= 2; break;
        case 3: rc = get_i32(d, t, "num_rows", &h->num_rows), seen |= 4; break;
        case 4: rc = get_i32(d, t, "encoding", &h->encoding), seen |= 8; break;
        case 5:
            rc = get_i32(d, t, "definition_levels_byte_length", &h->definition_levels_byte_length);
            seen |= 16;
            break;
        case 6:
            rc = get_i32(d, t, "repetition_levels_byte_length", &h->repetition_levels_byte_length);
            seen |= 32;
            break;
        case 7:
            rc = get_bool(d, t, "is_compressed", &h->is_compressed);
            h->has_is_compressed = true;
            break;
        case 8:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "statistics", t, AF_THRIFT_STRUCT);
            else
                rc = wrap(d, dec_statistics(d, &h->statistics), "statistics");
            h->has_statistics = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"num_values",
                                  "num_nulls",
                                  "num_rows",
                                  "encoding",
                                  "definition_levels_byte_length",
                                  "repetition_levels_byte_length"};
    for (int i = 0; i < 6; i++)
        if (!(seen & (1u << i)))
            return missing(d, "DataPageHeaderV2", names[i]);
    return AF_OK;
}

static int dec_dictionary_page_header(dec *d, af_pq_dictionary_page_header *h)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "num_values", &h->num_values), seen |= 1; break;
        case 2: rc = get_i32(d, t, "encoding", &h->encoding), seen |= 2; break;
        case 3: rc = get_bool(d, t, "is_sorted", &h->is_sorted), h->has_is_sorted = true; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return missing(d, "DictionaryPageHeader", "num_values");
    if (!(seen & 2))
        return missing(d, "DictionaryPageHeader", "encoding");
    return AF_OK;
}

static int dec_page_header(dec *d, af_pq_page_header *h)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i32(d, t, "type", &h->type), seen |= 1; break;
        case 2:
            rc = get_i32(d, t, "uncompressed_page_size", &h->uncompressed_page_size);
            seen |= 2;
            break;
        case 3:
            rc = get_i32(d, t, "compressed_page_size", &h->compressed_page_size);
            seen |= 4;
            break;
        case 4: rc = get_i32(d, t, "crc", &h->crc), h->has_crc = true; break;
        case 5:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "data_page_header", t, AF_THRIFT_STRUCT);
            else
                rc = wrap(d, dec_data_page_header(d, &h->data_page_header), "data_page_header");
            h->has_data_page_header = true;
            break;
        case 6:
            rc = get_empty(d, t, "index_page_header");
            h->has_index_page_header = true;
            break;
        case 7:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "dictionary_page_header", t, AF_THRIFT_STRUCT);
            else
                rc = wrap(d, dec_dictionary_page_header(d, &h->dictionary_page_header),
                          "dictionary_page_header");
            h->has_dictionary_page_header = true;
            break;
        case 8:
            if (t != AF_THRIFT_STRUCT)
                rc = wrong_type(d, "data_page_header_v2", t, AF_THRIFT_STRUCT);
            else
                rc = wrap(d, dec_data_page_header_v2(d, &h->data_page_header_v2),
                          "data_page_header_v2");
            h->has_data_page_header_v2 = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"type", "uncompressed_page_size", "compressed_page_size"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return missing(d, "PageHeader", names[i]);
    /* sizes are used for reads and allocations: reject what cannot be */
    if (h->uncompressed_page_size < 0 || h->compressed_page_size < 0)
        return af_thrift_fail(&d->r,
                              "PageHeader: negative page size (%d compressed, %d "
                              "uncompressed)",
                              h->compressed_page_size, h->uncompressed_page_size);
    return AF_OK;
}

int af_pq_page_header_decode(const void *p, size_t n, const char *name, af_pq_page_header *h,
                             size_t *consumed, bool *truncated, af_error *err)
{
    memset(h, 0, sizeof *h);
    *consumed = 0;
    if (truncated)
        *truncated = false;
    dec d = {.a = NULL};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    int rc = finish(&d, dec_page_header(&d, h), name, "PageHeader");
    if (rc) {
        if (truncated)
            *truncated = d.r.truncated;
        return rc;
    }
    *consumed = d.r.pos;
    return AF_OK;
}

static int dec_column_index(dec *d, af_pq_column_index *ci)
{
    unsigned seen = 0;
    size_t n_null = 0, n_min = 0, n_max = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: {
            uint32_t n;
            if ((rc = get_list(d, t, "null_pages", AF_THRIFT_BOOL, 1, &n)))
                break;
            if (!(ci->null_pages = af_arena_array(d->a, n, sizeof *ci->null_pages))) {
                rc = nomem(d);
                break;
            }
            for (uint32_t i = 0; i < n && !rc; i++)
                rc = af_thrift_read_bool_elem(&d->r, &ci->null_pages[i]);
            n_null = n;
            seen |= 1;
            break;
        }
        case 2: rc = get_bin_list(d, t, "min_values", &ci->min_values, &n_min), seen |= 2; break;
        case 3: rc = get_bin_list(d, t, "max_values", &ci->max_values, &n_max), seen |= 4; break;
        case 4: rc = get_i32(d, t, "boundary_order", &ci->boundary_order), seen |= 8; break;
        case 5: rc = get_i64_list(d, t, "null_counts", &ci->null_counts); break;
        case 6:
            rc =
                get_i64_list(d, t, "repetition_level_histograms", &ci->repetition_level_histograms);
            break;
        case 7:
            rc =
                get_i64_list(d, t, "definition_level_histograms", &ci->definition_level_histograms);
            break;
        case 8: rc = get_i64_list(d, t, "nan_counts", &ci->nan_counts); break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"null_pages", "min_values", "max_values", "boundary_order"};
    for (int i = 0; i < 4; i++)
        if (!(seen & (1u << i)))
            return missing(d, "ColumnIndex", names[i]);
    /* readers index all per-page lists with the same page number */
    if (n_min != n_null || n_max != n_null ||
        (ci->null_counts.present && ci->null_counts.n != n_null) ||
        (ci->nan_counts.present && ci->nan_counts.n != n_null))
        return af_thrift_fail(&d->r,
                              "ColumnIndex: per-page lists differ in length (null_pages %zu, "
                              "min_values %zu, max_values %zu)",
                              n_null, n_min, n_max);
    ci->n_pages = n_null;
    return AF_OK;
}

int af_pq_column_index_decode(const void *p, size_t n, const char *name, af_pq_column_index **out,
                              af_error *err)
{
    *out = NULL;
    af_pq_column_index *ci = calloc(1, sizeof *ci);
    if (!ci)
        return af_error_set(err, AF_ENOMEM, "out of memory decoding a column index");
    af_arena_init(&ci->arena, AF_PQ_META_MAX_MEMORY);
    dec d = {.a = &ci->arena};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    int rc = finish(&d, dec_column_index(&d, ci), name, "ColumnIndex");
    if (rc) {
        af_pq_column_index_free(ci);
        return rc;
    }
    *out = ci;
    return AF_OK;
}

void af_pq_column_index_free(af_pq_column_index *ci)
{
    if (!ci)
        return;
    af_arena_free(&ci->arena);
    free(ci);
}

static int dec_page_location(dec *d, void *p)
{
    af_pq_page_location *l = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = get_i64(d, t, "offset", &l->offset), seen |= 1; break;
        case 2:
            rc = get_i32(d, t, "compressed_page_size", &l->compressed_page_size);
            seen |= 2;
            break;
        case 3: rc = get_i64(d, t, "first_row_index", &l->first_row_index), seen |= 4; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"offset", "compressed_page_size", "first_row_index"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return missing(d, "PageLocation", names[i]);
    return AF_OK;
}

static int dec_offset_index(dec *d, af_pq_offset_index *oi)
{
    bool has_pages = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1:
            rc = get_struct_list(d, t, "page_locations", sizeof *oi->pages, 7, dec_page_location,
                                 (void **)&oi->pages, &oi->n_pages);
            has_pages = true;
            break;
        case 2:
            rc = get_i64_list(d, t, "unencoded_byte_array_data_bytes",
                              &oi->unencoded_byte_array_data_bytes);
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!has_pages)
        return missing(d, "OffsetIndex", "page_locations");
    return AF_OK;
}

int af_pq_offset_index_decode(const void *p, size_t n, const char *name, af_pq_offset_index **out,
                              af_error *err)
{
    *out = NULL;
    af_pq_offset_index *oi = calloc(1, sizeof *oi);
    if (!oi)
        return af_error_set(err, AF_ENOMEM, "out of memory decoding an offset index");
    af_arena_init(&oi->arena, AF_PQ_META_MAX_MEMORY);
    dec d = {.a = &oi->arena};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    int rc = finish(&d, dec_offset_index(&d, oi), name, "OffsetIndex");
    if (rc) {
        af_pq_offset_index_free(oi);
        return rc;
    }
    *out = oi;
    return AF_OK;
}

void af_pq_offset_index_free(af_pq_offset_index *oi)
{
    if (!oi)
        return;
    af_arena_free(&oi->arena);
    free(oi);
}
