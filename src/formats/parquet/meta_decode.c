/* meta_decode.c - Thrift compact decoder for the Parquet footer of meta.h:
 * FileMetaData and its parts (schema, logical types, row groups, column
 * chunks and metadata, statistics, key-values). */
#include "formats/parquet/meta_internal.h"

#include <stdlib.h>
#include <string.h>

int af_pq_dec_statistics(af_pq_dec *d, af_pq_statistics *s)
{
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_bin(d, t, "max", &s->max), s->has_max = true; break;
        case 2: rc = af_pq_dec_bin(d, t, "min", &s->min), s->has_min = true; break;
        case 3:
            rc = af_pq_dec_i64(d, t, "null_count", &s->null_count), s->has_null_count = true;
            break;
        case 4:
            rc = af_pq_dec_i64(d, t, "distinct_count", &s->distinct_count);
            s->has_distinct_count = true;
            break;
        case 5:
            rc = af_pq_dec_bin(d, t, "max_value", &s->max_value), s->has_max_value = true;
            break;
        case 6:
            rc = af_pq_dec_bin(d, t, "min_value", &s->min_value), s->has_min_value = true;
            break;
        case 7:
            rc = af_pq_dec_bool(d, t, "is_max_value_exact", &s->is_max_value_exact);
            s->has_is_max_value_exact = true;
            break;
        case 8:
            rc = af_pq_dec_bool(d, t, "is_min_value_exact", &s->is_min_value_exact);
            s->has_is_min_value_exact = true;
            break;
        case 9:
            rc = af_pq_dec_i64(d, t, "nan_count", &s->nan_count), s->has_nan_count = true;
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    return AF_OK;
}

static int dec_time_unit(af_pq_dec *d, int wt, int *unit)
{
    if (wt != AF_THRIFT_STRUCT)
        return af_pq_dec_wrong_type(d, "unit", wt, AF_THRIFT_STRUCT);
    *unit = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_empty(d, t, "MILLIS"), *unit = AF_PQ_UNIT_MILLIS; break;
        case 2: rc = af_pq_dec_empty(d, t, "MICROS"), *unit = AF_PQ_UNIT_MICROS; break;
        case 3: rc = af_pq_dec_empty(d, t, "NANOS"), *unit = AF_PQ_UNIT_NANOS; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    return AF_OK;
}

/* TimeType and TimestampType share their shape. */
static int dec_time(af_pq_dec *d, int wt, const char *name, af_pq_logical_type *lt)
{
    if (wt != AF_THRIFT_STRUCT)
        return af_pq_dec_wrong_type(d, name, wt, AF_THRIFT_STRUCT);
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_bool(d, t, "isAdjustedToUTC", &lt->utc), seen |= 1; break;
        case 2: rc = dec_time_unit(d, t, &lt->unit), seen |= 2; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return af_pq_dec_missing(d, name, "isAdjustedToUTC");
    if (!(seen & 2))
        return af_pq_dec_missing(d, name, "unit");
    return AF_OK;
}

static int dec_decimal(af_pq_dec *d, int wt, af_pq_logical_type *lt)
{
    if (wt != AF_THRIFT_STRUCT)
        return af_pq_dec_wrong_type(d, "DECIMAL", wt, AF_THRIFT_STRUCT);
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "scale", &lt->decimal_scale), seen |= 1; break;
        case 2: rc = af_pq_dec_i32(d, t, "precision", &lt->decimal_precision), seen |= 2; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return af_pq_dec_missing(d, "DecimalType", "scale");
    if (!(seen & 2))
        return af_pq_dec_missing(d, "DecimalType", "precision");
    return AF_OK;
}

static int dec_integer(af_pq_dec *d, int wt, af_pq_logical_type *lt)
{
    if (wt != AF_THRIFT_STRUCT)
        return af_pq_dec_wrong_type(d, "INTEGER", wt, AF_THRIFT_STRUCT);
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i8(d, t, "bitWidth", &lt->bit_width), seen |= 1; break;
        case 2: rc = af_pq_dec_bool(d, t, "isSigned", &lt->is_signed), seen |= 2; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!(seen & 1))
        return af_pq_dec_missing(d, "IntType", "bitWidth");
    if (!(seen & 2))
        return af_pq_dec_missing(d, "IntType", "isSigned");
    return AF_OK;
}

static int dec_logical_type(af_pq_dec *d, af_pq_logical_type *lt)
{
    memset(lt, 0, sizeof *lt);
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
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
        case AF_PQ_LT_FLOAT16: rc = af_pq_dec_empty(d, t, "logicalType"), lt->kind = id; break;
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

static int dec_schema_element(af_pq_dec *d, void *p)
{
    af_pq_schema_element *e = p;
    bool has_name = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "type", &e->type), e->has_type = true; break;
        case 2:
            rc = af_pq_dec_i32(d, t, "type_length", &e->type_length);
            e->has_type_length = true;
            break;
        case 3:
            rc = af_pq_dec_i32(d, t, "repetition_type", &e->repetition);
            e->has_repetition = true;
            break;
        case 4: rc = af_pq_dec_str(d, t, "name", &e->name, NULL), has_name = true; break;
        case 5:
            rc = af_pq_dec_i32(d, t, "num_children", &e->num_children);
            e->has_num_children = true;
            break;
        case 6:
            rc = af_pq_dec_i32(d, t, "converted_type", &e->converted_type);
            e->has_converted_type = true;
            break;
        case 7: rc = af_pq_dec_i32(d, t, "scale", &e->scale), e->has_scale = true; break;
        case 8:
            rc = af_pq_dec_i32(d, t, "precision", &e->precision), e->has_precision = true;
            break;
        case 9: rc = af_pq_dec_i32(d, t, "field_id", &e->field_id), e->has_field_id = true; break;
        case 10:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "logicalType", t, AF_THRIFT_STRUCT);
            else if ((rc = dec_logical_type(d, &e->logical)))
                rc = af_pq_dec_context(d, rc, "logicalType", -1);
            break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!has_name)
        return af_pq_dec_missing(d, "SchemaElement", "name");
    return AF_OK;
}

static int dec_key_value(af_pq_dec *d, void *p)
{
    af_pq_key_value *kv = p;
    bool has_key = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_str(d, t, "key", &kv->key, NULL), has_key = true; break;
        case 2: rc = af_pq_dec_str(d, t, "value", &kv->value, &kv->value_len); break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    if (!has_key)
        return af_pq_dec_missing(d, "KeyValue", "key");
    return AF_OK;
}

static int dec_page_encoding_stats(af_pq_dec *d, void *p)
{
    af_pq_page_encoding_stats *s = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "page_type", &s->page_type), seen |= 1; break;
        case 2: rc = af_pq_dec_i32(d, t, "encoding", &s->encoding), seen |= 2; break;
        case 3: rc = af_pq_dec_i32(d, t, "count", &s->count), seen |= 4; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"page_type", "encoding", "count"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "PageEncodingStats", names[i]);
    return AF_OK;
}

static int dec_column_meta(af_pq_dec *d, af_pq_column_meta *m)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "type", &m->type), seen |= 1; break;
        case 2:
            rc = af_pq_dec_i32_list(d, t, "encodings", &m->encodings, &m->n_encodings), seen |= 2;
            break;
        case 3: {
            uint32_t n;
            if ((rc = af_pq_dec_list(d, t, "path_in_schema", AF_THRIFT_BINARY, 1, &n)))
                break;
            if (!(m->path = af_arena_array(d->a, n, sizeof *m->path))) {
                rc = af_pq_dec_nomem(d);
                break;
            }
            m->n_path = n;
            for (uint32_t i = 0; i < n && !rc; i++)
                rc = af_pq_dec_str(d, AF_THRIFT_BINARY, "path_in_schema", &m->path[i], NULL);
            seen |= 4;
            break;
        }
        case 4: rc = af_pq_dec_i32(d, t, "codec", &m->codec), seen |= 8; break;
        case 5: rc = af_pq_dec_i64(d, t, "num_values", &m->num_values), seen |= 16; break;
        case 6:
            rc = af_pq_dec_i64(d, t, "total_uncompressed_size", &m->total_uncompressed_size);
            seen |= 32;
            break;
        case 7:
            rc = af_pq_dec_i64(d, t, "total_compressed_size", &m->total_compressed_size);
            seen |= 64;
            break;
        case 8:
            rc = af_pq_dec_struct_list(d, t, "key_value_metadata", sizeof *m->key_value, 3,
                                       dec_key_value, (void **)&m->key_value, &m->n_key_value);
            m->has_key_value = true;
            break;
        case 9:
            rc = af_pq_dec_i64(d, t, "data_page_offset", &m->data_page_offset), seen |= 128;
            break;
        case 10:
            rc = af_pq_dec_i64(d, t, "index_page_offset", &m->index_page_offset);
            m->has_index_page_offset = true;
            break;
        case 11:
            rc = af_pq_dec_i64(d, t, "dictionary_page_offset", &m->dictionary_page_offset);
            m->has_dictionary_page_offset = true;
            break;
        case 12:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "statistics", t, AF_THRIFT_STRUCT);
            else
                rc = af_pq_dec_wrap(d, af_pq_dec_statistics(d, &m->statistics), "statistics");
            m->has_statistics = true;
            break;
        case 13:
            rc = af_pq_dec_struct_list(d, t, "encoding_stats", sizeof *m->encoding_stats, 7,
                                       dec_page_encoding_stats, (void **)&m->encoding_stats,
                                       &m->n_encoding_stats);
            m->has_encoding_stats = true;
            break;
        case 14:
            rc = af_pq_dec_i64(d, t, "bloom_filter_offset", &m->bloom_filter_offset);
            m->has_bloom_filter_offset = true;
            break;
        case 15:
            rc = af_pq_dec_i32(d, t, "bloom_filter_length", &m->bloom_filter_length);
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
            return af_pq_dec_missing(d, "ColumnMetaData", names[i]);
    return AF_OK;
}

static int dec_column_chunk(af_pq_dec *d, void *p)
{
    af_pq_column_chunk *c = p;
    bool has_file_offset = false, has_oi_off = false, has_oi_len = false;
    bool has_ci_off = false, has_ci_len = false;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_str(d, t, "file_path", &c->file_path, NULL); break;
        case 2:
            rc = af_pq_dec_i64(d, t, "file_offset", &c->file_offset), has_file_offset = true;
            break;
        case 3:
            if (t != AF_THRIFT_STRUCT)
                rc = af_pq_dec_wrong_type(d, "meta_data", t, AF_THRIFT_STRUCT);
            else
                rc = af_pq_dec_wrap(d, dec_column_meta(d, &c->meta_data), "meta_data");
            c->has_meta_data = true;
            break;
        case 4:
            rc = af_pq_dec_i64(d, t, "offset_index_offset", &c->offset_index_offset);
            has_oi_off = true;
            break;
        case 5:
            rc = af_pq_dec_i32(d, t, "offset_index_length", &c->offset_index_length);
            has_oi_len = true;
            break;
        case 6:
            rc = af_pq_dec_i64(d, t, "column_index_offset", &c->column_index_offset);
            has_ci_off = true;
            break;
        case 7:
            rc = af_pq_dec_i32(d, t, "column_index_length", &c->column_index_length);
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
        return af_pq_dec_missing(d, "ColumnChunk", "file_offset");
    /* an index without its length (or the reverse) cannot be read: treat
     * it as absent */
    c->has_offset_index = has_oi_off && has_oi_len;
    c->has_column_index = has_ci_off && has_ci_len;
    return AF_OK;
}

static int dec_sorting_column(af_pq_dec *d, void *p)
{
    af_pq_sorting_column *s = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "column_idx", &s->column_idx), seen |= 1; break;
        case 2: rc = af_pq_dec_bool(d, t, "descending", &s->descending), seen |= 2; break;
        case 3: rc = af_pq_dec_bool(d, t, "nulls_first", &s->nulls_first), seen |= 4; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"column_idx", "descending", "nulls_first"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "SortingColumn", names[i]);
    return AF_OK;
}

static int dec_row_group(af_pq_dec *d, void *p)
{
    af_pq_row_group *g = p;
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1:
            rc = af_pq_dec_struct_list(d, t, "columns", sizeof *g->columns, 3, dec_column_chunk,
                                       (void **)&g->columns, &g->n_columns);
            seen |= 1;
            break;
        case 2: rc = af_pq_dec_i64(d, t, "total_byte_size", &g->total_byte_size), seen |= 2; break;
        case 3: rc = af_pq_dec_i64(d, t, "num_rows", &g->num_rows), seen |= 4; break;
        case 4:
            rc = af_pq_dec_struct_list(d, t, "sorting_columns", sizeof *g->sorting_columns, 5,
                                       dec_sorting_column, (void **)&g->sorting_columns,
                                       &g->n_sorting_columns);
            g->has_sorting_columns = true;
            break;
        case 5:
            rc = af_pq_dec_i64(d, t, "file_offset", &g->file_offset);
            g->has_file_offset = true;
            break;
        case 6:
            rc = af_pq_dec_i64(d, t, "total_compressed_size", &g->total_compressed_size);
            g->has_total_compressed_size = true;
            break;
        case 7: rc = af_pq_dec_i16(d, t, "ordinal", &g->ordinal), g->has_ordinal = true; break;
        default: rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    static const char *names[] = {"columns", "total_byte_size", "num_rows"};
    for (int i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return af_pq_dec_missing(d, "RowGroup", names[i]);
    return AF_OK;
}

static int dec_column_order(af_pq_dec *d, void *p)
{
    int *order = p;
    *order = AF_PQ_ORDER_OTHER;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_empty(d, t, "TYPE_ORDER"), *order = AF_PQ_ORDER_TYPE_DEFINED; break;
        case 2:
            rc = af_pq_dec_empty(d, t, "IEEE_754_TOTAL_ORDER");
            *order = AF_PQ_ORDER_IEEE_754_TOTAL;
            break;
        case 3:
            rc = af_pq_dec_empty(d, t, "INT96_TIMESTAMP_ORDER");
            *order = AF_PQ_ORDER_INT96_TIMESTAMP;
            break;
        default: *order = AF_PQ_ORDER_OTHER, rc = af_thrift_skip(&d->r, t);
        }
    }
    if (rc < 0)
        return rc;
    return AF_OK;
}

static int dec_file_meta(af_pq_dec *d, af_pq_file_meta *m)
{
    unsigned seen = 0;
    int16_t id;
    int t, rc = af_thrift_struct_begin(&d->r);
    while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) {
        switch (id) {
        case 1: rc = af_pq_dec_i32(d, t, "version", &m->version), seen |= 1; break;
        case 2:
            rc = af_pq_dec_struct_list(d, t, "schema", sizeof *m->schema, 3, dec_schema_element,
                                       (void **)&m->schema, &m->n_schema);
            seen |= 2;
            break;
        case 3: rc = af_pq_dec_i64(d, t, "num_rows", &m->num_rows), seen |= 4; break;
        case 4:
            rc = af_pq_dec_struct_list(d, t, "row_groups", sizeof *m->row_groups, 7, dec_row_group,
                                       (void **)&m->row_groups, &m->n_row_groups);
            seen |= 8;
            break;
        case 5:
            rc = af_pq_dec_struct_list(d, t, "key_value_metadata", sizeof *m->key_value, 3,
                                       dec_key_value, (void **)&m->key_value, &m->n_key_value);
            m->has_key_value = true;
            break;
        case 6: rc = af_pq_dec_str(d, t, "created_by", &m->created_by, NULL); break;
        case 7:
            rc = af_pq_dec_struct_list(d, t, "column_orders", sizeof *m->column_orders, 1,
                                       dec_column_order, (void **)&m->column_orders,
                                       &m->n_column_orders);
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
            return af_pq_dec_missing(d, "FileMetaData", names[i]);
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
int af_pq_file_meta_decode(const void *p, size_t n, const char *name, af_pq_file_meta **out,
                           af_error *err)
{
    *out = NULL;
    af_pq_file_meta *m;
    int rc = af_pq_file_meta_new(&m, err);
    if (rc)
        return rc;
    af_pq_dec d = {.a = &m->arena};
    af_thrift_reader_init(&d.r, p, n, NULL, err);
    rc = af_pq_dec_finish(&d, dec_file_meta(&d, m), name, "FileMetaData");
    if (rc) {
        af_pq_file_meta_free(m);
        return rc;
    }
    *out = m;
    return AF_OK;
}
