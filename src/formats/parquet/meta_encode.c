/* meta_encode.c - Thrift compact encoders for the Parquet metadata structs
 * of meta.h (the writer's footer, page headers and page index).
 *
 * Fields are written in increasing id order, so field headers take the
 * one-byte short form. Optional fields are written exactly when their has_*
 * flag (or pointer) is set, which makes decode(encode(x)) reproduce x.
 * Writer calls keep their first failure in the writer's status, so each
 * encoder runs straight through and the status is checked once.
 */
#include "formats/parquet/meta.h"
#include "formats/parquet/thrift.h"

#include <string.h>

typedef af_thrift_writer wr;

static void bin(wr *w, int16_t id, af_pq_bytes b)
{
    af_thrift_write_field_binary(w, id, b.data ? (const void *)b.data : "", b.len);
}

static void str(wr *w, int16_t id, const char *s)
{
    af_thrift_write_field(w, id, AF_THRIFT_BINARY);
    af_thrift_write_string(w, s);
}

static void i64_list(wr *w, int16_t id, const af_pq_i64_list *l)
{
    if (!l->present)
        return;
    af_thrift_write_field(w, id, AF_THRIFT_LIST);
    af_thrift_write_list_begin(w, AF_THRIFT_I64, l->n);
    for (size_t i = 0; i < l->n; i++)
        af_thrift_write_i64(w, l->v[i]);
}

static void empty_struct(wr *w, int16_t id)
{
    af_thrift_write_field(w, id, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(w);
    af_thrift_write_struct_end(w);
}

static void enc_statistics(wr *w, int16_t id, const af_pq_statistics *s)
{
    af_thrift_write_field(w, id, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(w);
    if (s->has_max)
        bin(w, 1, s->max);
    if (s->has_min)
        bin(w, 2, s->min);
    if (s->has_null_count)
        af_thrift_write_field_i64(w, 3, s->null_count);
    if (s->has_distinct_count)
        af_thrift_write_field_i64(w, 4, s->distinct_count);
    if (s->has_max_value)
        bin(w, 5, s->max_value);
    if (s->has_min_value)
        bin(w, 6, s->min_value);
    if (s->has_is_max_value_exact)
        af_thrift_write_field_bool(w, 7, s->is_max_value_exact);
    if (s->has_is_min_value_exact)
        af_thrift_write_field_bool(w, 8, s->is_min_value_exact);
    if (s->has_nan_count)
        af_thrift_write_field_i64(w, 9, s->nan_count);
    af_thrift_write_struct_end(w);
}

static void enc_time(wr *w, int16_t id, const af_pq_logical_type *lt)
{
    af_thrift_write_field(w, id, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(w);
    af_thrift_write_field_bool(w, 1, lt->utc);
    af_thrift_write_field(w, 2, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(w);
    if (lt->unit >= AF_PQ_UNIT_MILLIS && lt->unit <= AF_PQ_UNIT_NANOS)
        empty_struct(w, (int16_t)lt->unit);
    af_thrift_write_struct_end(w);
    af_thrift_write_struct_end(w);
}

/* Returns false for kinds that cannot be written (AF_PQ_LT_OTHER: its
 * content was skipped on decode), so the caller leaves the field out. */
static bool writable_logical(const af_pq_logical_type *lt)
{
    switch (lt->kind) {
    case AF_PQ_LT_STRING:
    case AF_PQ_LT_MAP:
    case AF_PQ_LT_LIST:
    case AF_PQ_LT_ENUM:
    case AF_PQ_LT_DECIMAL:
    case AF_PQ_LT_DATE:
    case AF_PQ_LT_TIME:
    case AF_PQ_LT_TIMESTAMP:
    case AF_PQ_LT_INTEGER:
    case AF_PQ_LT_UNKNOWN:
    case AF_PQ_LT_JSON:
    case AF_PQ_LT_BSON:
    case AF_PQ_LT_UUID:
    case AF_PQ_LT_FLOAT16: return true;
    default: return false;
    }
}

static void enc_logical(wr *w, int16_t id, const af_pq_logical_type *lt)
{
    af_thrift_write_field(w, id, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(w);
    int16_t k = (int16_t)lt->kind;
    switch (lt->kind) {
    case AF_PQ_LT_DECIMAL:
        af_thrift_write_field(w, k, AF_THRIFT_STRUCT);
        af_thrift_write_struct_begin(w);
        af_thrift_write_field_i32(w, 1, lt->decimal_scale);
        af_thrift_write_field_i32(w, 2, lt->decimal_precision);
        af_thrift_write_struct_end(w);
        break;
    case AF_PQ_LT_TIME:
    case AF_PQ_LT_TIMESTAMP: enc_time(w, k, lt); break;
    case AF_PQ_LT_INTEGER:
        af_thrift_write_field(w, k, AF_THRIFT_STRUCT);
        af_thrift_write_struct_begin(w);
        af_thrift_write_field(w, 1, AF_THRIFT_I8);
        af_thrift_write_i8(w, lt->bit_width);
        af_thrift_write_field_bool(w, 2, lt->is_signed);
        af_thrift_write_struct_end(w);
        break;
    default: empty_struct(w, k); break;
    }
    af_thrift_write_struct_end(w);
}

static void enc_schema_element(wr *w, const af_pq_schema_element *e)
{
    af_thrift_write_struct_begin(w);
    if (e->has_type)
        af_thrift_write_field_i32(w, 1, e->type);
    if (e->has_type_length)
        af_thrift_write_field_i32(w, 2, e->type_length);
    if (e->has_repetition)
        af_thrift_write_field_i32(w, 3, e->repetition);
    str(w, 4, e->name);
    if (e->has_num_children)
        af_thrift_write_field_i32(w, 5, e->num_children);
    if (e->has_converted_type)
        af_thrift_write_field_i32(w, 6, e->converted_type);
    if (e->has_scale)
        af_thrift_write_field_i32(w, 7, e->scale);
    if (e->has_precision)
        af_thrift_write_field_i32(w, 8, e->precision);
    if (e->has_field_id)
        af_thrift_write_field_i32(w, 9, e->field_id);
    if (writable_logical(&e->logical))
        enc_logical(w, 10, &e->logical);
    af_thrift_write_struct_end(w);
}

static void enc_key_values(wr *w, int16_t id, const af_pq_key_value *kv, size_t n)
{
    af_thrift_write_field(w, id, AF_THRIFT_LIST);
    af_thrift_write_list_begin(w, AF_THRIFT_STRUCT, n);
    for (size_t i = 0; i < n; i++) {
        af_thrift_write_struct_begin(w);
        str(w, 1, kv[i].key);
        if (kv[i].value)
            af_thrift_write_field_binary(w, 2, kv[i].value, kv[i].value_len);
        af_thrift_write_struct_end(w);
    }
}

static void enc_column_meta(wr *w, const af_pq_column_meta *m)
{
    af_thrift_write_struct_begin(w);
    af_thrift_write_field_i32(w, 1, m->type);
    af_thrift_write_field(w, 2, AF_THRIFT_LIST);
    af_thrift_write_list_begin(w, AF_THRIFT_I32, m->n_encodings);
    for (size_t i = 0; i < m->n_encodings; i++)
        af_thrift_write_i32(w, m->encodings[i]);
    af_thrift_write_field(w, 3, AF_THRIFT_LIST);
    af_thrift_write_list_begin(w, AF_THRIFT_BINARY, m->n_path);
    for (size_t i = 0; i < m->n_path; i++)
        af_thrift_write_string(w, m->path[i]);
    af_thrift_write_field_i32(w, 4, m->codec);
    af_thrift_write_field_i64(w, 5, m->num_values);
    af_thrift_write_field_i64(w, 6, m->total_uncompressed_size);
    af_thrift_write_field_i64(w, 7, m->total_compressed_size);
    if (m->has_key_value)
        enc_key_values(w, 8, m->key_value, m->n_key_value);
    af_thrift_write_field_i64(w, 9, m->data_page_offset);
    if (m->has_index_page_offset)
        af_thrift_write_field_i64(w, 10, m->index_page_offset);
    if (m->has_dictionary_page_offset)
        af_thrift_write_field_i64(w, 11, m->dictionary_page_offset);
    if (m->has_statistics)
        enc_statistics(w, 12, &m->statistics);
    if (m->has_encoding_stats) {
        af_thrift_write_field(w, 13, AF_THRIFT_LIST);
        af_thrift_write_list_begin(w, AF_THRIFT_STRUCT, m->n_encoding_stats);
        for (size_t i = 0; i < m->n_encoding_stats; i++) {
            af_thrift_write_struct_begin(w);
            af_thrift_write_field_i32(w, 1, m->encoding_stats[i].page_type);
            af_thrift_write_field_i32(w, 2, m->encoding_stats[i].encoding);
            af_thrift_write_field_i32(w, 3, m->encoding_stats[i].count);
            af_thrift_write_struct_end(w);
        }
    }
    if (m->has_bloom_filter_offset)
        af_thrift_write_field_i64(w, 14, m->bloom_filter_offset);
    if (m->has_bloom_filter_length)
        af_thrift_write_field_i32(w, 15, m->bloom_filter_length);
    af_thrift_write_struct_end(w);
}

static void enc_column_chunk(wr *w, const af_pq_column_chunk *c)
{
    af_thrift_write_struct_begin(w);
    if (c->file_path)
        str(w, 1, c->file_path);
    af_thrift_write_field_i64(w, 2, c->file_offset);
    if (c->has_meta_data) {
        af_thrift_write_field(w, 3, AF_THRIFT_STRUCT);
        enc_column_meta(w, &c->meta_data);
    }
    if (c->has_offset_index) {
        af_thrift_write_field_i64(w, 4, c->offset_index_offset);
        af_thrift_write_field_i32(w, 5, c->offset_index_length);
    }
    if (c->has_column_index) {
        af_thrift_write_field_i64(w, 6, c->column_index_offset);
        af_thrift_write_field_i32(w, 7, c->column_index_length);
    }
    af_thrift_write_struct_end(w);
}

static void enc_row_group(wr *w, const af_pq_row_group *g)
{
    af_thrift_write_struct_begin(w);
    af_thrift_write_field(w, 1, AF_THRIFT_LIST);
    af_thrift_write_list_begin(w, AF_THRIFT_STRUCT, g->n_columns);
    for (size_t i = 0; i < g->n_columns; i++)
        enc_column_chunk(w, &g->columns[i]);
    af_thrift_write_field_i64(w, 2, g->total_byte_size);
    af_thrift_write_field_i64(w, 3, g->num_rows);
    if (g->has_sorting_columns) {
        af_thrift_write_field(w, 4, AF_THRIFT_LIST);
        af_thrift_write_list_begin(w, AF_THRIFT_STRUCT, g->n_sorting_columns);
        for (size_t i = 0; i < g->n_sorting_columns; i++) {
            af_thrift_write_struct_begin(w);
            af_thrift_write_field_i32(w, 1, g->sorting_columns[i].column_idx);
            af_thrift_write_field_bool(w, 2, g->sorting_columns[i].descending);
            af_thrift_write_field_bool(w, 3, g->sorting_columns[i].nulls_first);
            af_thrift_write_struct_end(w);
        }
    }
    if (g->has_file_offset)
        af_thrift_write_field_i64(w, 5, g->file_offset);
    if (g->has_total_compressed_size)
        af_thrift_write_field_i64(w, 6, g->total_compressed_size);
    if (g->has_ordinal) {
        af_thrift_write_field(w, 7, AF_THRIFT_I16);
        af_thrift_write_i16(w, g->ordinal);
    }
    af_thrift_write_struct_end(w);
}

static int done(af_thrift_writer *w, af_buf *out, size_t start, const char *what, af_error *err)
{
    if (!w->status)
        return AF_OK;
    out->len = start; /* no half-written struct stays in the buffer */
    if (w->status == AF_EOVERFLOW)
        return af_error_set(err, w->status, "encoding %s: a list has more than 2^31-1 elements",
                            what);
    if (w->status == AF_EINTERNAL)
        return af_error_set(err, w->status, "encoding %s: structs nested too deep", what);
    return af_error_set(err, w->status, "encoding %s: out of memory", what);
}

int af_pq_file_meta_encode(const af_pq_file_meta *m, af_buf *out, af_error *err)
{
    size_t start = out->len;
    af_thrift_writer w;
    af_thrift_writer_init(&w, out);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_i32(&w, 1, m->version);
    af_thrift_write_field(&w, 2, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, m->n_schema);
    for (size_t i = 0; i < m->n_schema; i++)
        enc_schema_element(&w, &m->schema[i]);
    af_thrift_write_field_i64(&w, 3, m->num_rows);
    af_thrift_write_field(&w, 4, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, m->n_row_groups);
    for (size_t i = 0; i < m->n_row_groups; i++)
        enc_row_group(&w, &m->row_groups[i]);
    if (m->has_key_value)
        enc_key_values(&w, 5, m->key_value, m->n_key_value);
    if (m->created_by)
        str(&w, 6, m->created_by);
    if (m->has_column_orders) {
        af_thrift_write_field(&w, 7, AF_THRIFT_LIST);
        af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, m->n_column_orders);
        for (size_t i = 0; i < m->n_column_orders; i++) {
            af_thrift_write_struct_begin(&w);
            int o = m->column_orders[i];
            if (o >= AF_PQ_ORDER_TYPE_DEFINED && o <= AF_PQ_ORDER_INT96_TIMESTAMP)
                empty_struct(&w, (int16_t)o);
            af_thrift_write_struct_end(&w);
        }
    }
    af_thrift_write_struct_end(&w);
    return done(&w, out, start, "Parquet FileMetaData", err);
}

int af_pq_page_header_encode(const af_pq_page_header *h, af_buf *out, af_error *err)
{
    size_t start = out->len;
    af_thrift_writer w;
    af_thrift_writer_init(&w, out);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_i32(&w, 1, h->type);
    af_thrift_write_field_i32(&w, 2, h->uncompressed_page_size);
    af_thrift_write_field_i32(&w, 3, h->compressed_page_size);
    if (h->has_crc)
        af_thrift_write_field_i32(&w, 4, h->crc);
    if (h->has_data_page_header) {
        const af_pq_data_page_header *d = &h->data_page_header;
        af_thrift_write_field(&w, 5, AF_THRIFT_STRUCT);
        af_thrift_write_struct_begin(&w);
        af_thrift_write_field_i32(&w, 1, d->num_values);
        af_thrift_write_field_i32(&w, 2, d->encoding);
        af_thrift_write_field_i32(&w, 3, d->definition_level_encoding);
        af_thrift_write_field_i32(&w, 4, d->repetition_level_encoding);
        if (d->has_statistics)
            enc_statistics(&w, 5, &d->statistics);
        af_thrift_write_struct_end(&w);
    }
    if (h->has_index_page_header)
        empty_struct(&w, 6);
    if (h->has_dictionary_page_header) {
        const af_pq_dictionary_page_header *d = &h->dictionary_page_header;
        af_thrift_write_field(&w, 7, AF_THRIFT_STRUCT);
        af_thrift_write_struct_begin(&w);
        af_thrift_write_field_i32(&w, 1, d->num_values);
        af_thrift_write_field_i32(&w, 2, d->encoding);
        if (d->has_is_sorted)
            af_thrift_write_field_bool(&w, 3, d->is_sorted);
        af_thrift_write_struct_end(&w);
    }
    if (h->has_data_page_header_v2) {
        const af_pq_data_page_header_v2 *d = &h->data_page_header_v2;
        af_thrift_write_field(&w, 8, AF_THRIFT_STRUCT);
        af_thrift_write_struct_begin(&w);
        af_thrift_write_field_i32(&w, 1, d->num_values);
        af_thrift_write_field_i32(&w, 2, d->num_nulls);
        af_thrift_write_field_i32(&w, 3, d->num_rows);
        af_thrift_write_field_i32(&w, 4, d->encoding);
        af_thrift_write_field_i32(&w, 5, d->definition_levels_byte_length);
        af_thrift_write_field_i32(&w, 6, d->repetition_levels_byte_length);
        if (d->has_is_compressed)
            af_thrift_write_field_bool(&w, 7, d->is_compressed);
        if (d->has_statistics)
            enc_statistics(&w, 8, &d->statistics);
        af_thrift_write_struct_end(&w);
    }
    af_thrift_write_struct_end(&w);
    return done(&w, out, start, "Parquet PageHeader", err);
}

int af_pq_column_index_encode(const af_pq_column_index *ci, af_buf *out, af_error *err)
{
    size_t start = out->len;
    af_thrift_writer w;
    af_thrift_writer_init(&w, out);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field(&w, 1, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_BOOL, ci->n_pages);
    for (size_t i = 0; i < ci->n_pages; i++)
        af_thrift_write_bool_elem(&w, ci->null_pages[i]);
    for (int16_t f = 2; f <= 3; f++) {
        const af_pq_bytes *v = f == 2 ? ci->min_values : ci->max_values;
        af_thrift_write_field(&w, f, AF_THRIFT_LIST);
        af_thrift_write_list_begin(&w, AF_THRIFT_BINARY, ci->n_pages);
        for (size_t i = 0; i < ci->n_pages; i++)
            af_thrift_write_binary(&w, v[i].data ? (const void *)v[i].data : "", v[i].len);
    }
    af_thrift_write_field_i32(&w, 4, ci->boundary_order);
    i64_list(&w, 5, &ci->null_counts);
    i64_list(&w, 6, &ci->repetition_level_histograms);
    i64_list(&w, 7, &ci->definition_level_histograms);
    i64_list(&w, 8, &ci->nan_counts);
    af_thrift_write_struct_end(&w);
    return done(&w, out, start, "Parquet ColumnIndex", err);
}

int af_pq_offset_index_encode(const af_pq_offset_index *oi, af_buf *out, af_error *err)
{
    size_t start = out->len;
    af_thrift_writer w;
    af_thrift_writer_init(&w, out);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field(&w, 1, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, oi->n_pages);
    for (size_t i = 0; i < oi->n_pages; i++) {
        af_thrift_write_struct_begin(&w);
        af_thrift_write_field_i64(&w, 1, oi->pages[i].offset);
        af_thrift_write_field_i32(&w, 2, oi->pages[i].compressed_page_size);
        af_thrift_write_field_i64(&w, 3, oi->pages[i].first_row_index);
        af_thrift_write_struct_end(&w);
    }
    i64_list(&w, 2, &oi->unencoded_byte_array_data_bytes);
    af_thrift_write_struct_end(&w);
    return done(&w, out, start, "Parquet OffsetIndex", err);
}
