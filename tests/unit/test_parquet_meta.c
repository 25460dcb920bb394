/* test_parquet_meta.c - the Thrift compact protocol and the Parquet metadata
 * model: varint edge cases, skipping unknown fields of every type, round
 * trips of every struct with optional fields set and unset, every
 * truncation of a valid footer, the footer reader's checks, and the footers
 * of every file in the shared parquet-testing folder. */
#include "formats/parquet/meta.h"
#include "formats/parquet/thrift.h"
#include "parquet_testing.h"
#include "test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- Thrift primitives ---- */

static int read_varint_of(const uint8_t *p, size_t n, uint64_t *v)
{
    af_thrift_reader r;
    af_error err;
    af_thrift_reader_init(&r, p, n, "test", &err);
    return af_thrift_read_varint(&r, v);
}

TEST(varint_edges)
{
    uint64_t v;
    CHECK_INT(read_varint_of((const uint8_t *)"\x00", 1, &v), 0);
    CHECK_INT(v, 0);
    CHECK_INT(read_varint_of((const uint8_t *)"\x7f", 1, &v), 0);
    CHECK_INT(v, 127);
    CHECK_INT(read_varint_of((const uint8_t *)"\x80\x01", 2, &v), 0);
    CHECK_INT(v, 128);
    /* non-minimal but within 10 bytes: accepted */
    CHECK_INT(read_varint_of((const uint8_t *)"\x81\x80\x00", 3, &v), 0);
    CHECK_INT(v, 1);
    const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    CHECK_INT(read_varint_of(max, sizeof max, &v), 0);
    CHECK(v == UINT64_MAX);
    /* bit 64 set: overflow */
    const uint8_t over[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    CHECK_INT(read_varint_of(over, sizeof over, &v), AF_EPARSE);
    /* 11 bytes: overlong */
    const uint8_t longer[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
    CHECK_INT(read_varint_of(longer, sizeof longer, &v), AF_EPARSE);
    /* truncated */
    CHECK_INT(read_varint_of((const uint8_t *)"\x80\x80", 2, &v), AF_EPARSE);
    CHECK_INT(read_varint_of((const uint8_t *)"", 0, &v), AF_EPARSE);

    /* i32 beyond 32 bits, i16 beyond 16 bits */
    af_thrift_reader r;
    af_error err;
    int32_t i32;
    int16_t i16;
    af_thrift_reader_init(&r, "\x80\x80\x80\x80\x10", 5, "test", &err);
    CHECK_INT(af_thrift_read_i32(&r, &i32), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "test: i32 value out of range");
    af_thrift_reader_init(&r, "\x80\x80\x04", 3, "test", &err);
    CHECK_INT(af_thrift_read_i16(&r, &i16), AF_EPARSE);
}

TEST(zigzag_round_trip)
{
    af_buf b;
    af_buf_init(&b);
    af_thrift_writer w;
    af_thrift_writer_init(&w, &b);
    const int64_t i64s[] = {0, 1, -1, 63, -64, 64, INT64_MAX, INT64_MIN, 1234567890123LL};
    const int32_t i32s[] = {0, -1, INT32_MAX, INT32_MIN, 300};
    const int16_t i16s[] = {0, -1, INT16_MAX, INT16_MIN};
    for (size_t i = 0; i < sizeof i64s / sizeof *i64s; i++)
        af_thrift_write_i64(&w, i64s[i]);
    for (size_t i = 0; i < sizeof i32s / sizeof *i32s; i++)
        af_thrift_write_i32(&w, i32s[i]);
    for (size_t i = 0; i < sizeof i16s / sizeof *i16s; i++)
        af_thrift_write_i16(&w, i16s[i]);
    af_thrift_write_i8(&w, -128);
    af_thrift_write_double(&w, -2.5);
    af_thrift_write_binary(&w, "abc", 3);
    CHECK_INT(w.status, 0);
    /* INT32_MIN zigzags to 0xFFFFFFFF: five bytes, not ten */
    af_thrift_reader r;
    af_error err;
    af_thrift_reader_init(&r, b.data, b.len, "test", &err);
    for (size_t i = 0; i < sizeof i64s / sizeof *i64s; i++) {
        int64_t v;
        CHECK_INT(af_thrift_read_i64(&r, &v), 0);
        CHECK(v == i64s[i]);
    }
    for (size_t i = 0; i < sizeof i32s / sizeof *i32s; i++) {
        int32_t v;
        CHECK_INT(af_thrift_read_i32(&r, &v), 0);
        CHECK_INT(v, i32s[i]);
    }
    for (size_t i = 0; i < sizeof i16s / sizeof *i16s; i++) {
        int16_t v;
        CHECK_INT(af_thrift_read_i16(&r, &v), 0);
        CHECK_INT(v, i16s[i]);
    }
    int8_t i8;
    double dv;
    const uint8_t *p;
    size_t n;
    CHECK_INT(af_thrift_read_i8(&r, &i8), 0);
    CHECK_INT(i8, -128);
    CHECK_INT(af_thrift_read_double(&r, &dv), 0);
    CHECK(dv == -2.5);
    CHECK_INT(af_thrift_read_binary(&r, &p, &n), 0);
    CHECK(n == 3 && memcmp(p, "abc", 3) == 0);
    CHECK_INT(af_thrift_remaining(&r), 0);
    af_buf_free(&b);
}

TEST(field_headers_short_and_long)
{
    af_buf b;
    af_buf_init(&b);
    af_thrift_writer w;
    af_thrift_writer_init(&w, &b);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_i32(&w, 1, 7);     /* short: delta 1 */
    af_thrift_write_field_i32(&w, 16, 8);    /* short: delta 15 */
    af_thrift_write_field_i32(&w, 40, 9);    /* long: delta 24 */
    af_thrift_write_field_i32(&w, 3, 10);    /* long: id goes down */
    af_thrift_write_field_bool(&w, 4, true); /* bool in header */
    af_thrift_write_field_bool(&w, 5, false);
    af_thrift_write_field_i32(&w, -2, 11); /* negative id */
    af_thrift_write_struct_end(&w);
    CHECK_INT(w.status, 0);
    CHECK_INT(b.data[0], 0x15);
    CHECK_INT(b.data[2], 0xf5);
    af_thrift_reader r;
    af_error err;
    af_thrift_reader_init(&r, b.data, b.len, "t", &err);
    CHECK_INT(af_thrift_struct_begin(&r), 0);
    const int16_t ids[] = {1, 16, 40, 3, 4, 5, -2};
    for (int i = 0; i < 7; i++) {
        int16_t id;
        int t;
        CHECK_INT(af_thrift_field_begin(&r, &id, &t), 0);
        CHECK_INT(id, ids[i]);
        if (i == 4 || i == 5) {
            CHECK_INT(t, AF_THRIFT_BOOL);
            CHECK_INT(r.bool_value, i == 4);
        } else {
            int32_t v;
            CHECK_INT(t, AF_THRIFT_I32);
            CHECK_INT(af_thrift_read_i32(&r, &v), 0);
        }
    }
    int16_t id;
    int t;
    CHECK_INT(af_thrift_field_begin(&r, &id, &t), 0);
    CHECK_INT(t, AF_THRIFT_STOP);
    af_buf_free(&b);
}

TEST(list_and_map_headers)
{
    af_buf b;
    af_buf_init(&b);
    af_thrift_writer w;
    af_thrift_writer_init(&w, &b);
    af_thrift_write_list_begin(&w, AF_THRIFT_I32, 3);
    for (int i = 0; i < 3; i++)
        af_thrift_write_i32(&w, i);
    af_thrift_write_list_begin(&w, AF_THRIFT_BOOL, 20); /* long form */
    for (int i = 0; i < 20; i++)
        af_thrift_write_bool_elem(&w, i % 3 == 0);
    af_thrift_write_map_begin(&w, AF_THRIFT_BINARY, AF_THRIFT_I64, 2);
    af_thrift_write_binary(&w, "a", 1);
    af_thrift_write_i64(&w, 1);
    af_thrift_write_binary(&w, "b", 1);
    af_thrift_write_i64(&w, 2);
    af_thrift_write_map_begin(&w, 0, 0, 0);
    CHECK_INT(w.status, 0);
    af_thrift_reader r;
    af_error err;
    af_thrift_reader_init(&r, b.data, b.len, "t", &err);
    int et, kt, vt;
    uint32_t n;
    CHECK_INT(af_thrift_list_begin(&r, &et, &n), 0);
    CHECK_INT(et, AF_THRIFT_I32);
    CHECK_INT(n, 3);
    CHECK_INT(af_thrift_skip(&r, AF_THRIFT_I32) | af_thrift_skip(&r, AF_THRIFT_I32) |
                  af_thrift_skip(&r, AF_THRIFT_I32),
              0);
    CHECK_INT(af_thrift_list_begin(&r, &et, &n), 0);
    CHECK_INT(et, AF_THRIFT_BOOL);
    CHECK_INT(n, 20);
    for (int i = 0; i < 20; i++) {
        bool v;
        CHECK_INT(af_thrift_read_bool_elem(&r, &v), 0);
        CHECK_INT(v, i % 3 == 0);
    }
    CHECK_INT(af_thrift_map_begin(&r, &kt, &vt, &n), 0);
    CHECK_INT(n, 2);
    CHECK_INT(kt, AF_THRIFT_BINARY);
    CHECK_INT(vt, AF_THRIFT_I64);
    for (int i = 0; i < 4; i++)
        CHECK_INT(af_thrift_skip(&r, i % 2 ? AF_THRIFT_I64 : AF_THRIFT_BINARY), 0);
    CHECK_INT(af_thrift_map_begin(&r, &kt, &vt, &n), 0);
    CHECK_INT(n, 0);
    CHECK_INT(af_thrift_remaining(&r), 0);

    /* a 6-byte list claiming 2^31-1 elements is refused before any allocation */
    const uint8_t huge[] = {0xf5, 0xff, 0xff, 0xff, 0xff, 0x07};
    af_thrift_reader_init(&r, huge, sizeof huge, "t", &err);
    CHECK_INT(af_thrift_list_begin(&r, &et, &n), AF_EPARSE);
    CHECK(r.truncated);
    /* 3 doubles need 24 bytes */
    const uint8_t dbl[] = {0x37, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    af_thrift_reader_init(&r, dbl, sizeof dbl, "t", &err);
    CHECK_INT(af_thrift_list_begin(&r, &et, &n), AF_EPARSE);
    const uint8_t map[] = {0xff, 0xff, 0x03, 0x88, 0x00};
    af_thrift_reader_init(&r, map, sizeof map, "t", &err);
    CHECK_INT(af_thrift_map_begin(&r, &kt, &vt, &n), AF_EPARSE);
    /* a binary longer than the input */
    af_thrift_reader_init(&r, "\x10x", 2, "t", &err);
    const uint8_t *p;
    size_t len;
    CHECK_INT(af_thrift_read_binary(&r, &p, &len), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "input ends inside a binary");
    af_buf_free(&b);
}

TEST(depth_limit)
{
    /* 200 nested structs as an unknown field: refused, not a stack overflow */
    uint8_t in[512];
    size_t n = 0;
    in[n++] = 0x1c; /* field 1: struct */
    for (int i = 0; i < 200; i++)
        in[n++] = 0x1c;
    for (int i = 0; i < 202; i++)
        in[n++] = 0;
    af_thrift_reader r;
    af_error err;
    af_thrift_reader_init(&r, in, n, "t", &err);
    CHECK_INT(af_thrift_skip(&r, AF_THRIFT_STRUCT), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "nested deeper than 64");
    /* nested lists count too */
    n = 0;
    for (int i = 0; i < 200; i++)
        in[n++] = 0x19; /* list of 1 list */
    in[n++] = 0x15;
    in[n++] = 0;
    af_thrift_reader_init(&r, in, n, "t", &err);
    CHECK_INT(af_thrift_skip(&r, AF_THRIFT_LIST), AF_EPARSE);
    /* 60 levels are fine */
    n = 0;
    for (int i = 0; i < 60; i++)
        in[n++] = 0x1c;
    for (int i = 0; i < 61; i++)
        in[n++] = 0;
    af_thrift_reader_init(&r, in, n, "t", &err);
    CHECK_INT(af_thrift_skip(&r, AF_THRIFT_STRUCT), 0);
    CHECK_INT(af_thrift_remaining(&r), 0);
    /* invalid type ids */
    af_thrift_reader_init(&r, "\x1d", 1, "t", &err);
    CHECK_INT(af_thrift_skip(&r, AF_THRIFT_STRUCT), AF_EPARSE);
}

/* ---- metadata builders ---- */

static char *dup_str(af_pq_file_meta *m, const char *s)
{
    return af_arena_strndup(&m->arena, s, strlen(s));
}

static af_pq_bytes bytes_of(af_pq_file_meta *m, const char *s)
{
    return (af_pq_bytes){(const uint8_t *)dup_str(m, s), strlen(s)};
}

static void full_stats(af_pq_file_meta *m, af_pq_statistics *s)
{
    s->has_max = s->has_min = s->has_null_count = s->has_distinct_count = true;
    s->has_max_value = s->has_min_value = s->has_nan_count = true;
    s->has_is_max_value_exact = s->has_is_min_value_exact = true;
    s->max = bytes_of(m, "zz");
    s->min = bytes_of(m, "");
    s->null_count = 3;
    s->distinct_count = 99;
    s->max_value = bytes_of(m, "zzz");
    uint8_t *mv = af_arena_alloc(&m->arena, 3);
    memcpy(mv, "a\0b", 3);
    s->min_value = (af_pq_bytes){mv, 3};
    s->is_max_value_exact = false;
    s->is_min_value_exact = true;
    s->nan_count = 0;
}

/* A FileMetaData with every optional field set (full) or none (minimal):
 * root { id INT64, tags LIST<BYTE_ARRAY> }, two row groups. */
static af_pq_file_meta *build_meta(bool full)
{
    af_pq_file_meta *m;
    if (af_pq_file_meta_new(&m, NULL))
        return NULL;
    m->version = 2;
    m->num_rows = 10;
    m->n_schema = 5;
    m->schema = af_arena_array(&m->arena, 5, sizeof *m->schema);
    af_pq_schema_element *s = m->schema;
    s[0].name = dup_str(m, "schema");
    s[0].has_num_children = true;
    s[0].num_children = 2;
    s[1].name = dup_str(m, "id");
    s[1].has_type = true;
    s[1].type = AF_PQ_INT64;
    s[2].name = dup_str(m, "tags");
    s[2].has_num_children = true;
    s[2].num_children = 1;
    s[3].name = dup_str(m, "list");
    s[3].has_num_children = true;
    s[3].num_children = 1;
    s[4].name = dup_str(m, "element");
    s[4].has_type = true;
    s[4].type = AF_PQ_BYTE_ARRAY;
    if (full) {
        for (int i = 0; i < 5; i++) {
            s[i].has_repetition = i > 0;
            s[i].repetition = i == 3 ? AF_PQ_REPEATED : AF_PQ_OPTIONAL;
            s[i].has_field_id = true;
            s[i].field_id = i * 10;
        }
        s[1].has_type_length = true;
        s[1].type_length = 64;
        s[1].has_converted_type = true;
        s[1].converted_type = AF_PQ_CT_INT_64;
        s[1].has_scale = s[1].has_precision = true;
        s[1].scale = 0;
        s[1].precision = 18;
        s[1].logical =
            (af_pq_logical_type){.kind = AF_PQ_LT_INTEGER, .bit_width = 64, .is_signed = true};
        s[2].has_converted_type = true;
        s[2].converted_type = AF_PQ_CT_LIST;
        s[2].logical.kind = AF_PQ_LT_LIST;
        s[4].logical.kind = AF_PQ_LT_STRING;
        m->has_key_value = true;
        m->n_key_value = 2;
        m->key_value = af_arena_array(&m->arena, 2, sizeof *m->key_value);
        m->key_value[0].key = dup_str(m, "ARROW:schema");
        m->key_value[0].value = dup_str(m, "{\"x\":1}");
        m->key_value[0].value_len = 7;
        m->key_value[1].key = dup_str(m, "novalue");
        m->created_by = dup_str(m, "affluent version 0.1.0");
        m->has_column_orders = true;
        m->n_column_orders = 2;
        m->column_orders = af_arena_array(&m->arena, 2, sizeof *m->column_orders);
        m->column_orders[0] = AF_PQ_ORDER_TYPE_DEFINED;
        m->column_orders[1] = AF_PQ_ORDER_IEEE_754_TOTAL;
    }
    m->n_row_groups = 2;
    m->row_groups = af_arena_array(&m->arena, 2, sizeof *m->row_groups);
    int64_t off = 4;
    for (int g = 0; g < 2; g++) {
        af_pq_row_group *rg = &m->row_groups[g];
        rg->num_rows = 5;
        rg->total_byte_size = 200;
        rg->n_columns = 2;
        rg->columns = af_arena_array(&m->arena, 2, sizeof *rg->columns);
        for (int c = 0; c < 2; c++) {
            af_pq_column_chunk *cc = &rg->columns[c];
            af_pq_column_meta *md = &cc->meta_data;
            cc->has_meta_data = true;
            cc->file_offset = off;
            md->type = c == 0 ? AF_PQ_INT64 : AF_PQ_BYTE_ARRAY;
            md->n_encodings = 2;
            md->encodings = af_arena_array(&m->arena, 2, sizeof(int32_t));
            md->encodings[0] = AF_PQ_ENC_PLAIN;
            md->encodings[1] = AF_PQ_ENC_RLE;
            md->n_path = c == 0 ? 1 : 3;
            md->path = af_arena_array(&m->arena, 3, sizeof(char *));
            md->path[0] = dup_str(m, c == 0 ? "id" : "tags");
            md->path[1] = dup_str(m, "list");
            md->path[2] = dup_str(m, "element");
            md->codec = c == 0 ? AF_PQ_CODEC_ZSTD : AF_PQ_CODEC_SNAPPY;
            md->num_values = 5;
            md->total_uncompressed_size = 120;
            md->total_compressed_size = 100;
            md->data_page_offset = off;
            off += 100;
            if (full) {
                cc->file_path = dup_str(m, "other.parquet");
                md->has_key_value = true;
                md->n_key_value = 1;
                md->key_value = af_arena_array(&m->arena, 1, sizeof *md->key_value);
                md->key_value[0].key = dup_str(m, "foo");
                md->key_value[0].value = dup_str(m, "bar");
                md->key_value[0].value_len = 3;
                md->has_index_page_offset = md->has_dictionary_page_offset = true;
                md->index_page_offset = 1;
                md->dictionary_page_offset = md->data_page_offset;
                md->has_statistics = true;
                full_stats(m, &md->statistics);
                md->has_encoding_stats = true;
                md->n_encoding_stats = 2;
                md->encoding_stats = af_arena_array(&m->arena, 2, sizeof *md->encoding_stats);
                md->encoding_stats[0] =
                    (af_pq_page_encoding_stats){AF_PQ_PAGE_DICTIONARY, AF_PQ_ENC_PLAIN, 1};
                md->encoding_stats[1] =
                    (af_pq_page_encoding_stats){AF_PQ_PAGE_DATA, AF_PQ_ENC_RLE_DICTIONARY, 7};
                md->has_bloom_filter_offset = md->has_bloom_filter_length = true;
                md->bloom_filter_offset = 1000;
                md->bloom_filter_length = 64;
                cc->has_offset_index = cc->has_column_index = true;
                cc->offset_index_offset = 2000 + c;
                cc->offset_index_length = 20;
                cc->column_index_offset = 3000 + c;
                cc->column_index_length = 30;
            }
        }
        if (full) {
            rg->has_sorting_columns = rg->has_file_offset = true;
            rg->has_total_compressed_size = rg->has_ordinal = true;
            rg->n_sorting_columns = 1;
            rg->sorting_columns = af_arena_array(&m->arena, 1, sizeof *rg->sorting_columns);
            rg->sorting_columns[0] = (af_pq_sorting_column){1, true, false};
            rg->file_offset = rg->columns[0].meta_data.data_page_offset;
            rg->total_compressed_size = 200;
            rg->ordinal = (int16_t)g;
        }
    }
    return m;
}

static int encode(const af_pq_file_meta *m, af_buf *b)
{
    af_error err;
    af_buf_init(b);
    int rc = af_pq_file_meta_encode(m, b, &err);
    if (rc)
        fprintf(stderr, "encode: %s\n", err.msg);
    return rc;
}

/* decode(encode(m)) must encode to the same bytes again. */
static af_pq_file_meta *round_trip(const af_pq_file_meta *m)
{
    af_buf b1, b2;
    af_error err;
    CHECK_INT(encode(m, &b1), 0);
    af_pq_file_meta *m2 = NULL;
    int rc = af_pq_file_meta_decode(b1.data, b1.len, "rt", &m2, &err);
    CHECK_INT(rc, 0);
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
        af_buf_free(&b1);
        return NULL;
    }
    CHECK_INT(encode(m2, &b2), 0);
    CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
    af_buf_free(&b1);
    af_buf_free(&b2);
    return m2;
}

static void check_stats(const af_pq_statistics *s)
{
    CHECK(s->has_max && s->max.len == 2 && memcmp(s->max.data, "zz", 2) == 0);
    CHECK(s->has_min && s->min.len == 0);
    CHECK(s->has_null_count && s->null_count == 3);
    CHECK(s->has_distinct_count && s->distinct_count == 99);
    CHECK(s->has_max_value && s->max_value.len == 3);
    CHECK(s->has_min_value && s->min_value.len == 3 && memcmp(s->min_value.data, "a\0b", 3) == 0);
    CHECK(s->has_is_max_value_exact && !s->is_max_value_exact);
    CHECK(s->has_is_min_value_exact && s->is_min_value_exact);
    CHECK(s->has_nan_count && s->nan_count == 0);
}

TEST(file_meta_round_trip_full)
{
    af_pq_file_meta *m = build_meta(true);
    af_pq_file_meta *d = round_trip(m);
    CHECK(d != NULL);
    if (d) {
        CHECK_INT(d->version, 2);
        CHECK_INT(d->num_rows, 10);
        CHECK_INT(d->n_schema, 5);
        CHECK_STR(d->schema[4].name, "element");
        CHECK_INT(d->schema[1].logical.kind, AF_PQ_LT_INTEGER);
        CHECK_INT(d->schema[1].logical.bit_width, 64);
        CHECK(d->schema[1].logical.is_signed);
        CHECK(d->schema[1].has_precision && d->schema[1].precision == 18);
        CHECK(d->schema[3].has_repetition && d->schema[3].repetition == AF_PQ_REPEATED);
        CHECK_INT(d->schema[2].field_id, 20);
        CHECK(d->has_key_value && d->n_key_value == 2);
        CHECK_STR(d->key_value[0].value, "{\"x\":1}");
        CHECK(d->key_value[1].value == NULL);
        CHECK_STR(d->created_by, "affluent version 0.1.0");
        CHECK_INT(d->n_column_orders, 2);
        CHECK_INT(d->column_orders[1], AF_PQ_ORDER_IEEE_754_TOTAL);
        const af_pq_row_group *rg = &d->row_groups[1];
        CHECK(rg->has_ordinal && rg->ordinal == 1);
        CHECK(rg->has_sorting_columns && rg->sorting_columns[0].column_idx == 1 &&
              rg->sorting_columns[0].descending && !rg->sorting_columns[0].nulls_first);
        CHECK(rg->has_total_compressed_size && rg->total_compressed_size == 200);
        const af_pq_column_chunk *cc = &rg->columns[1];
        CHECK_STR(cc->file_path, "other.parquet");
        CHECK(cc->has_offset_index && cc->offset_index_offset == 2001 &&
              cc->offset_index_length == 20);
        CHECK(cc->has_column_index && cc->column_index_length == 30);
        const af_pq_column_meta *md = &cc->meta_data;
        CHECK_INT(md->codec, AF_PQ_CODEC_SNAPPY);
        CHECK_INT(md->n_path, 3);
        CHECK_STR(md->path[2], "element");
        CHECK_INT(md->encodings[1], AF_PQ_ENC_RLE);
        CHECK_STR(md->key_value[0].key, "foo");
        CHECK(md->has_bloom_filter_length && md->bloom_filter_length == 64);
        CHECK(md->has_index_page_offset && md->index_page_offset == 1);
        CHECK_INT(md->encoding_stats[1].count, 7);
        CHECK_INT(md->encoding_stats[1].encoding, AF_PQ_ENC_RLE_DICTIONARY);
        check_stats(&md->statistics);
    }
    af_pq_file_meta_free(d);
    af_pq_file_meta_free(m);
}

TEST(file_meta_round_trip_minimal)
{
    af_pq_file_meta *m = build_meta(false);
    af_pq_file_meta *d = round_trip(m);
    CHECK(d != NULL);
    if (d) {
        CHECK(!d->has_key_value && !d->has_column_orders && d->created_by == NULL);
        const af_pq_schema_element *e = &d->schema[1];
        CHECK(!e->has_repetition && !e->has_type_length && !e->has_converted_type &&
              !e->has_scale && !e->has_precision && !e->has_field_id);
        CHECK_INT(e->logical.kind, AF_PQ_LT_NONE);
        const af_pq_row_group *rg = &d->row_groups[0];
        CHECK(!rg->has_sorting_columns && !rg->has_file_offset && !rg->has_ordinal &&
              !rg->has_total_compressed_size);
        const af_pq_column_chunk *cc = &rg->columns[0];
        CHECK(cc->file_path == NULL && !cc->has_offset_index && !cc->has_column_index);
        const af_pq_column_meta *md = &cc->meta_data;
        CHECK(!md->has_statistics && !md->has_key_value && !md->has_encoding_stats &&
              !md->has_dictionary_page_offset && !md->has_index_page_offset &&
              !md->has_bloom_filter_offset && !md->has_bloom_filter_length);
        CHECK_INT(md->data_page_offset, 4);
        af_error err;
        CHECK_INT(af_pq_file_meta_validate(d, 1000, "mini", &err), 0);
        CHECK_INT(d->n_leaves, 2);
        CHECK_INT(d->leaves[1], 4);
    }
    af_pq_file_meta_free(d);
    af_pq_file_meta_free(m);
}

TEST(every_logical_type)
{
    const int kinds[] = {AF_PQ_LT_STRING,  AF_PQ_LT_MAP,     AF_PQ_LT_LIST, AF_PQ_LT_ENUM,
                         AF_PQ_LT_DECIMAL, AF_PQ_LT_DATE,    AF_PQ_LT_TIME, AF_PQ_LT_TIMESTAMP,
                         AF_PQ_LT_INTEGER, AF_PQ_LT_UNKNOWN, AF_PQ_LT_JSON, AF_PQ_LT_BSON,
                         AF_PQ_LT_UUID,    AF_PQ_LT_FLOAT16};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        for (int unit = AF_PQ_UNIT_MILLIS; unit <= AF_PQ_UNIT_NANOS; unit++) {
            af_pq_file_meta *m = build_meta(false);
            af_pq_logical_type lt = {.kind = kinds[k]};
            if (kinds[k] == AF_PQ_LT_DECIMAL) {
                lt.decimal_scale = 2;
                lt.decimal_precision = 9 + unit;
            } else if (kinds[k] == AF_PQ_LT_TIME || kinds[k] == AF_PQ_LT_TIMESTAMP) {
                lt.unit = unit;
                lt.utc = unit != AF_PQ_UNIT_MICROS;
            } else if (kinds[k] == AF_PQ_LT_INTEGER) {
                lt.bit_width = (int8_t)(8 << unit);
                lt.is_signed = unit == 2;
            }
            m->schema[1].logical = lt;
            af_pq_file_meta *d = round_trip(m);
            CHECK(d != NULL);
            if (d) {
                const af_pq_logical_type *got = &d->schema[1].logical;
                CHECK_INT(got->kind, lt.kind);
                CHECK_INT(got->decimal_scale, lt.decimal_scale);
                CHECK_INT(got->decimal_precision, lt.decimal_precision);
                CHECK_INT(got->unit, lt.unit);
                CHECK_INT(got->utc, lt.utc);
                CHECK_INT(got->bit_width, lt.bit_width);
                CHECK_INT(got->is_signed, lt.is_signed);
            }
            af_pq_file_meta_free(d);
            af_pq_file_meta_free(m);
        }
    }
}

/* Hand-built FileMetaData with unknown fields of every type between the
 * known ones, and an unknown LogicalType member and ColumnOrder. */
TEST(skip_unknown_fields_of_every_type)
{
    af_buf b;
    af_buf_init(&b);
    af_thrift_writer w;
    af_thrift_writer_init(&w, &b);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_i32(&w, 1, 1);
    af_thrift_write_field(&w, 2, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, 2);
    /* root, with an unknown field 99 */
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_binary(&w, 4, "root", 4);
    af_thrift_write_field_i32(&w, 5, 1);
    af_thrift_write_field_binary(&w, 99, "future", 6);
    af_thrift_write_struct_end(&w);
    /* leaf, with logicalType member 40 (unknown) */
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_i32(&w, 1, AF_PQ_INT32);
    af_thrift_write_field_binary(&w, 4, "x", 1);
    af_thrift_write_field(&w, 10, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field(&w, 40, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_i32(&w, 1, 5);
    af_thrift_write_struct_end(&w);
    af_thrift_write_struct_end(&w);
    af_thrift_write_struct_end(&w);
    af_thrift_write_field_i64(&w, 3, 0);
    /* unknown fields of every type */
    af_thrift_write_field_bool(&w, 20, true);
    af_thrift_write_field_bool(&w, 21, false);
    af_thrift_write_field(&w, 22, AF_THRIFT_I8);
    af_thrift_write_i8(&w, -1);
    af_thrift_write_field(&w, 23, AF_THRIFT_I16);
    af_thrift_write_i16(&w, -300);
    af_thrift_write_field_i32(&w, 24, INT32_MIN);
    af_thrift_write_field_i64(&w, 25, INT64_MAX);
    af_thrift_write_field(&w, 26, AF_THRIFT_DOUBLE);
    af_thrift_write_double(&w, 1.5);
    af_thrift_write_field_binary(&w, 27, "bytes", 5);
    af_thrift_write_field(&w, 28, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_BOOL, 3);
    af_thrift_write_bool_elem(&w, true);
    af_thrift_write_bool_elem(&w, false);
    af_thrift_write_bool_elem(&w, true);
    af_thrift_write_field(&w, 29, AF_THRIFT_SET);
    af_thrift_write_list_begin(&w, AF_THRIFT_DOUBLE, 16);
    for (int i = 0; i < 16; i++)
        af_thrift_write_double(&w, i);
    af_thrift_write_field(&w, 30, AF_THRIFT_MAP);
    af_thrift_write_map_begin(&w, AF_THRIFT_BINARY, AF_THRIFT_LIST, 1);
    af_thrift_write_binary(&w, "k", 1);
    af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, 1);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field_bool(&w, 1, true);
    af_thrift_write_struct_end(&w);
    af_thrift_write_field(&w, 31, AF_THRIFT_MAP);
    af_thrift_write_map_begin(&w, 0, 0, 0);
    af_thrift_write_field(&w, 300, AF_THRIFT_STRUCT); /* long-form id */
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field(&w, 1, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_struct_end(&w);
    af_thrift_write_struct_end(&w);
    /* the known fields after them still decode */
    af_thrift_write_field(&w, 4, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, 0);
    af_thrift_write_field(&w, 7, AF_THRIFT_LIST);
    af_thrift_write_list_begin(&w, AF_THRIFT_STRUCT, 1);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_field(&w, 9, AF_THRIFT_STRUCT);
    af_thrift_write_struct_begin(&w);
    af_thrift_write_struct_end(&w);
    af_thrift_write_struct_end(&w);
    af_thrift_write_field_binary(&w, 6, "me", 2);
    af_thrift_write_struct_end(&w);
    CHECK_INT(w.status, 0);

    af_pq_file_meta *m = NULL;
    af_error err;
    int rc = af_pq_file_meta_decode(b.data, b.len, "skip", &m, &err);
    CHECK_INT(rc, 0);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    if (m) {
        CHECK_INT(m->n_schema, 2);
        CHECK_STR(m->schema[0].name, "root");
        CHECK_INT(m->schema[1].logical.kind, AF_PQ_LT_OTHER);
        CHECK_INT(m->schema[1].logical.other_id, 40);
        CHECK_INT(m->n_row_groups, 0);
        CHECK_STR(m->created_by, "me");
        CHECK_INT(m->n_column_orders, 1);
        CHECK_INT(m->column_orders[0], AF_PQ_ORDER_OTHER);
        CHECK_INT(af_pq_file_meta_validate(m, 100, "skip", &err), 0);
        /* re-encoding leaves the member it could not keep out */
        af_pq_file_meta *d = round_trip(m);
        CHECK(d && d->schema[1].logical.kind == AF_PQ_LT_NONE);
        af_pq_file_meta_free(d);
    }
    af_pq_file_meta_free(m);
    af_buf_free(&b);
}

TEST(required_fields_and_wire_types)
{
    /* version, schema (empty list), row_groups, but no num_rows */
    const uint8_t no_rows[] = {0x15, 0x02, 0x19, 0x0c, 0x29, 0x0c, 0x00};
    af_pq_file_meta *m = NULL;
    af_error err;
    CHECK_INT(af_pq_file_meta_decode(no_rows, sizeof no_rows, "f.parquet", &m, &err), AF_EPARSE);
    CHECK(m == NULL);
    CHECK_CONTAINS(err.msg, "f.parquet: FileMetaData: FileMetaData: required field 'num_rows' is "
                            "missing");
    /* num_rows sent as a binary */
    const uint8_t bad_type[] = {0x15, 0x02, 0x19, 0x0c, 0x18, 0x00, 0x00};
    CHECK_INT(af_pq_file_meta_decode(bad_type, sizeof bad_type, "f", &m, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "field 'num_rows' has wire type binary, expected i64");
    /* a column chunk without codec names its path */
    af_pq_file_meta *full = build_meta(false);
    full->row_groups[1].columns[0].meta_data.codec = 0;
    af_buf b;
    CHECK_INT(encode(full, &b), 0);
    /* drop field 4 (codec, "0x15 0x00" after path) by re-encoding by hand is
     * awkward; instead truncate the struct and check the path in the message */
    CHECK_INT(af_pq_file_meta_decode(b.data, b.len - 1, "f", &m, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "f: FileMetaData:");
    af_buf_free(&b);
    af_pq_file_meta_free(full);
}

TEST(every_truncation_fails_cleanly)
{
    af_pq_file_meta *m = build_meta(true);
    af_buf b;
    CHECK_INT(encode(m, &b), 0);
    for (size_t n = 0; n < b.len; n++) {
        af_pq_file_meta *d = NULL;
        af_error err;
        /* copy so ASan sees reads past the prefix */
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, b.data, n);
        int rc = af_pq_file_meta_decode(p, n, "cut", &d, &err);
        if (rc == 0)
            fprintf(stderr, "prefix of %zu bytes decoded\n", n);
        CHECK(rc == AF_EPARSE);
        CHECK(d == NULL);
        CHECK(strncmp(err.msg, "cut: FileMetaData: ", 19) == 0);
        free(p);
    }
    af_buf_free(&b);
    af_pq_file_meta_free(m);
}

TEST(page_header_round_trips)
{
    af_pq_file_meta *arena_owner = build_meta(false);
    af_pq_page_header hs[4];
    memset(hs, 0, sizeof hs);
    hs[0].type = AF_PQ_PAGE_DATA;
    hs[0].uncompressed_page_size = 100;
    hs[0].compressed_page_size = 50;
    hs[0].has_crc = true;
    hs[0].crc = -123456;
    hs[0].has_data_page_header = true;
    hs[0].data_page_header = (af_pq_data_page_header){
        10, AF_PQ_ENC_PLAIN, AF_PQ_ENC_RLE, AF_PQ_ENC_BIT_PACKED, true, {0}};
    full_stats(arena_owner, &hs[0].data_page_header.statistics);
    hs[1].type = AF_PQ_PAGE_DATA_V2;
    hs[1].uncompressed_page_size = 7;
    hs[1].compressed_page_size = 7;
    hs[1].has_data_page_header_v2 = true;
    hs[1].data_page_header_v2 = (af_pq_data_page_header_v2){
        5, 1, 5, AF_PQ_ENC_DELTA_BINARY_PACKED, 2, 0, true, false, true, {0}};
    full_stats(arena_owner, &hs[1].data_page_header_v2.statistics);
    hs[2].type = AF_PQ_PAGE_DICTIONARY;
    hs[2].has_dictionary_page_header = true;
    hs[2].dictionary_page_header = (af_pq_dictionary_page_header){3, AF_PQ_ENC_PLAIN, true, true};
    hs[3].type = AF_PQ_PAGE_INDEX;
    hs[3].has_index_page_header = true;
    for (int i = 0; i < 4; i++) {
        af_buf b1, b2;
        af_error err;
        af_buf_init(&b1);
        af_buf_init(&b2);
        CHECK_INT(af_pq_page_header_encode(&hs[i], &b1, &err), 0);
        af_buf_append(&b1, "page data", 9); /* the header is followed by data */
        af_pq_page_header h;
        size_t used = 0;
        bool trunc = true;
        CHECK_INT(af_pq_page_header_decode(b1.data, b1.len, "p", &h, &used, &trunc, &err), 0);
        CHECK_INT(used, b1.len - 9);
        CHECK(!trunc);
        CHECK_INT(af_pq_page_header_encode(&h, &b2, &err), 0);
        CHECK(b2.len == used && memcmp(b1.data, b2.data, used) == 0);
        CHECK_INT(h.type, hs[i].type);
        if (i == 0) {
            CHECK_INT(h.crc, -123456);
            CHECK_INT(h.data_page_header.repetition_level_encoding, AF_PQ_ENC_BIT_PACKED);
            check_stats(&h.data_page_header.statistics);
        }
        if (i == 1) {
            CHECK(h.data_page_header_v2.has_is_compressed && !h.data_page_header_v2.is_compressed);
            CHECK_INT(h.data_page_header_v2.definition_levels_byte_length, 2);
            check_stats(&h.data_page_header_v2.statistics);
        }
        if (i == 2)
            CHECK(h.dictionary_page_header.has_is_sorted && h.dictionary_page_header.is_sorted);
        /* every prefix is reported as truncated */
        for (size_t n = 0; n < used; n++) {
            CHECK_INT(af_pq_page_header_decode(b1.data, n, "p", &h, &used, &trunc, &err),
                      AF_EPARSE);
            CHECK(trunc);
        }
        af_buf_free(&b1);
        af_buf_free(&b2);
    }
    /* is_compressed defaults to true; negative sizes are refused */
    af_pq_page_header h = {.type = AF_PQ_PAGE_DATA_V2, .has_data_page_header_v2 = true};
    af_buf b;
    af_error err;
    af_buf_init(&b);
    CHECK_INT(af_pq_page_header_encode(&h, &b, &err), 0);
    size_t used;
    CHECK_INT(af_pq_page_header_decode(b.data, b.len, "p", &h, &used, NULL, &err), 0);
    CHECK(h.data_page_header_v2.is_compressed && !h.data_page_header_v2.has_is_compressed);
    h.compressed_page_size = -1;
    af_buf_reset(&b);
    CHECK_INT(af_pq_page_header_encode(&h, &b, &err), 0);
    CHECK_INT(af_pq_page_header_decode(b.data, b.len, "p", &h, &used, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "negative page size");
    af_buf_free(&b);
    af_pq_file_meta_free(arena_owner);
}

TEST(page_index_round_trips)
{
    bool nulls[3] = {false, true, false};
    af_pq_bytes mins[3] = {{(const uint8_t *)"a", 1}, {NULL, 0}, {(const uint8_t *)"c", 1}};
    af_pq_bytes maxs[3] = {{(const uint8_t *)"b", 1}, {NULL, 0}, {(const uint8_t *)"d\0", 2}};
    int64_t counts[3] = {0, 10, 2};
    int64_t hist[6] = {1, 2, 3, 4, 5, 6};
    for (int full = 0; full < 2; full++) {
        af_pq_column_index ci = {.n_pages = 3,
                                 .null_pages = nulls,
                                 .min_values = mins,
                                 .max_values = maxs,
                                 .boundary_order = AF_PQ_BOUNDARY_ASCENDING};
        if (full) {
            ci.null_counts = (af_pq_i64_list){true, counts, 3};
            ci.nan_counts = (af_pq_i64_list){true, counts, 3};
            ci.repetition_level_histograms = (af_pq_i64_list){true, hist, 6};
            ci.definition_level_histograms = (af_pq_i64_list){true, hist, 3};
        }
        af_buf b1, b2;
        af_error err;
        af_buf_init(&b1);
        af_buf_init(&b2);
        CHECK_INT(af_pq_column_index_encode(&ci, &b1, &err), 0);
        af_pq_column_index *d = NULL;
        CHECK_INT(af_pq_column_index_decode(b1.data, b1.len, "ci", &d, &err), 0);
        if (d) {
            CHECK_INT(d->n_pages, 3);
            CHECK(d->null_pages[1] && !d->null_pages[2]);
            CHECK(d->max_values[2].len == 2 && d->max_values[2].data[0] == 'd');
            CHECK_INT(d->boundary_order, AF_PQ_BOUNDARY_ASCENDING);
            CHECK_INT(d->null_counts.present, full);
            if (full)
                CHECK(d->null_counts.v[1] == 10 && d->repetition_level_histograms.n == 6);
            CHECK_INT(af_pq_column_index_encode(d, &b2, &err), 0);
            CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
        }
        af_pq_column_index_free(d);
        for (size_t n = 0; n < b1.len; n++)
            CHECK_INT(af_pq_column_index_decode(b1.data, n, "ci", &d, &err), AF_EPARSE);

        af_pq_page_location locs[2] = {{4, 100, 0}, {104, 90, 1000}};
        af_pq_offset_index oi = {.pages = locs, .n_pages = 2};
        if (full)
            oi.unencoded_byte_array_data_bytes = (af_pq_i64_list){true, counts, 2};
        af_buf_reset(&b1);
        af_buf_reset(&b2);
        CHECK_INT(af_pq_offset_index_encode(&oi, &b1, &err), 0);
        af_pq_offset_index *o = NULL;
        CHECK_INT(af_pq_offset_index_decode(b1.data, b1.len, "oi", &o, &err), 0);
        if (o) {
            CHECK_INT(o->n_pages, 2);
            CHECK_INT(o->pages[1].first_row_index, 1000);
            CHECK_INT(o->pages[1].compressed_page_size, 90);
            CHECK_INT(o->unencoded_byte_array_data_bytes.present, full);
            CHECK_INT(af_pq_offset_index_encode(o, &b2, &err), 0);
            CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
        }
        af_pq_offset_index_free(o);
        for (size_t n = 0; n < b1.len; n++)
            CHECK_INT(af_pq_offset_index_decode(b1.data, n, "oi", &o, &err), AF_EPARSE);
        af_buf_free(&b1);
        af_buf_free(&b2);
    }
    /* per-page lists of different lengths are refused */
    af_pq_column_index ci = {
        .n_pages = 3, .null_pages = nulls, .min_values = mins, .max_values = maxs};
    ci.null_counts = (af_pq_i64_list){true, counts, 2};
    af_buf b;
    af_error err;
    af_buf_init(&b);
    CHECK_INT(af_pq_column_index_encode(&ci, &b, &err), 0);
    af_pq_column_index *d = NULL;
    CHECK_INT(af_pq_column_index_decode(b.data, b.len, "ci", &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "per-page lists differ in length");
    af_buf_free(&b);
}

/* ---- footer reader ---- */

typedef struct mem_file {
    const uint8_t *data;
    size_t len;
} mem_file;

static int mem_read_at(void *ctx, uint64_t off, void *buf, size_t n, af_error *err)
{
    mem_file *f = ctx;
    if (off > f->len || n > f->len - off)
        return af_error_set(err, AF_EIO, "read past the end");
    memcpy(buf, f->data + off, n);
    return 0;
}

/* "PAR1" + column data + footer + length + magic */
static void make_file(const af_pq_file_meta *m, size_t data_len, const char *magic, af_buf *out)
{
    af_buf_init(out);
    af_buf_append(out, "PAR1", 4);
    af_buf_append_zeros(out, data_len);
    size_t start = out->len;
    af_pq_file_meta_encode(m, out, NULL);
    uint32_t len = (uint32_t)(out->len - start);
    uint8_t le[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
    af_buf_append(out, le, 4);
    af_buf_append(out, magic, 4);
}

static int read_footer(const af_buf *file, af_pq_file_meta **m, af_error *err)
{
    mem_file f = {file->data, file->len};
    return af_pq_footer_read(mem_read_at, &f, file->len, "mem.parquet", m, err);
}

TEST(footer_reader_checks)
{
    af_pq_file_meta *m = build_meta(false), *d = NULL;
    af_buf file;
    af_error err;
    make_file(m, 400, "PAR1", &file);
    CHECK_INT(read_footer(&file, &d, &err), 0);
    CHECK(d && d->n_leaves == 2 && d->num_rows == 10);
    af_pq_file_meta_free(d);

    file.data[file.len - 1] = 'E';
    CHECK_INT(read_footer(&file, &d, &err), AF_EUNSUPPORTED);
    CHECK_CONTAINS(err.msg, "mem.parquet: encrypted Parquet files are not supported");
    file.data[file.len - 1] = 'X';
    CHECK_INT(read_footer(&file, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "mem.parquet: not a Parquet file");
    file.data[file.len - 1] = '1';
    file.data[file.len - 5] = 0x7f; /* footer length far too large */
    CHECK_INT(read_footer(&file, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "footer length");
    af_buf_free(&file);
    af_buf tiny = {(uint8_t *)"PAR1PAR1", 8, 8};
    CHECK_INT(read_footer(&tiny, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "too small");

    /* column data beyond the file's data */
    make_file(m, 100, "PAR1", &file);
    CHECK_INT(read_footer(&file, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "lies outside the file's data");
    af_buf_free(&file);

    /* one column chunk missing in a row group */
    m->row_groups[1].n_columns = 1;
    make_file(m, 400, "PAR1", &file);
    CHECK_INT(read_footer(&file, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "row group 1 has 1 column chunks but the schema has 2 leaf columns");
    af_buf_free(&file);
    m->row_groups[1].n_columns = 2;

    /* num_children promising more than the list holds, or less */
    m->schema[3].num_children = 2;
    make_file(m, 400, "PAR1", &file);
    CHECK_INT(read_footer(&file, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "schema element 'list' claims 2 children");
    af_buf_free(&file);
    m->schema[3].num_children = 1;
    m->schema[0].num_children = 1;
    make_file(m, 400, "PAR1", &file);
    CHECK_INT(read_footer(&file, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "the tree described by num_children ends");
    af_buf_free(&file);
    m->schema[0].num_children = 2;

    /* type mismatch between schema and column chunk */
    m->row_groups[0].columns[0].meta_data.type = AF_PQ_INT32;
    make_file(m, 400, "PAR1", &file);
    CHECK_INT(read_footer(&file, &d, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "column 'id': the column chunk says type INT32 but the schema says "
                            "INT64");
    af_buf_free(&file);
    af_pq_file_meta_free(m);
}

/* ---- real files ---- */

static const af_pq_schema_element *leaf(const af_pq_file_meta *m, size_t i)
{
    return &m->schema[m->leaves[i]];
}

TEST(parquet_testing_footers)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir) {
        printf("note: parquet-testing folder not found, footer test skipped\n");
        return;
    }
    DIR *dh = opendir(dir);
    CHECK(dh != NULL);
    struct dirent *de;
    int files = 0;
    while (dh && (de = readdir(dh))) {
        size_t n = strlen(de->d_name);
        if (n < 8 || strcmp(de->d_name + n - 8, ".parquet") != 0)
            continue;
        af_pq_file_meta *m = NULL;
        af_error err;
        int rc = open_footer(dir, de->d_name, &m, &err);
        files++;
        /* encryption is the one documented reason to refuse a footer */
        if (rc == AF_EUNSUPPORTED) {
            CHECK_CONTAINS(err.msg, "encrypted");
        } else {
            if (rc)
                fprintf(stderr, "%s\n", err.msg);
            CHECK_INT(rc, 0);
        }
        if (m) {
            /* what we decode, we encode back to something that decodes */
            af_pq_file_meta *d = round_trip(m);
            CHECK(d && d->num_rows == m->num_rows && d->n_schema == m->n_schema);
            af_pq_file_meta_free(d);
        }
        af_pq_file_meta_free(m);
    }
    if (dh)
        closedir(dh);
    CHECK(files >= 40);

    af_pq_file_meta *m = NULL;
    af_error err;
    CHECK_INT(open_footer(dir, "alltypes_plain.parquet", &m, &err), 0);
    if (m) {
        static const char *names[] = {"id",           "bool_col",     "tinyint_col",
                                      "smallint_col", "int_col",      "bigint_col",
                                      "float_col",    "double_col",   "date_string_col",
                                      "string_col",   "timestamp_col"};
        CHECK_INT(m->num_rows, 8);
        CHECK_INT(m->n_leaves, 11);
        for (size_t i = 0; i < 11 && i < m->n_leaves; i++)
            CHECK_STR(leaf(m, i)->name, names[i]);
        CHECK_INT(leaf(m, 10)->type, AF_PQ_INT96);
        CHECK_INT(leaf(m, 1)->type, AF_PQ_BOOLEAN);
        CHECK_INT(m->row_groups[0].columns[0].meta_data.codec, AF_PQ_CODEC_UNCOMPRESSED);
    }
    af_pq_file_meta_free(m);

    /* two row groups of 3 rows, sorted: column 0 descending nulls first,
     * column 1 ascending nulls last (upstream README) */
    CHECK_INT(open_footer(dir, "sort_columns.parquet", &m, &err), 0);
    if (m) {
        CHECK_INT(m->num_rows, 6);
        CHECK_INT(m->n_row_groups, 2);
        const af_pq_row_group *rg = &m->row_groups[1];
        CHECK(rg->has_sorting_columns && rg->n_sorting_columns == 2);
        if (rg->n_sorting_columns == 2) {
            CHECK(rg->sorting_columns[0].column_idx == 0 && rg->sorting_columns[0].descending &&
                  rg->sorting_columns[0].nulls_first);
            CHECK(rg->sorting_columns[1].column_idx == 1 && !rg->sorting_columns[1].descending &&
                  !rg->sorting_columns[1].nulls_first);
        }
    }
    af_pq_file_meta_free(m);

    /* column chunk key-value metadata {"foo": "bar", "thisiskeywithoutvalue": absent} */
    CHECK_INT(open_footer(dir, "column_chunk_key_value_metadata.parquet", &m, &err), 0);
    if (m) {
        CHECK_INT(m->num_rows, 0);
        const af_pq_column_meta *md = &m->row_groups[0].columns[0].meta_data;
        CHECK(md->has_key_value && md->n_key_value == 2);
        if (md->n_key_value == 2) {
            CHECK_STR(md->key_value[0].key, "foo");
            CHECK_STR(md->key_value[0].value, "bar");
            CHECK_STR(md->key_value[1].key, "thisiskeywithoutvalue");
            CHECK(md->key_value[1].value == NULL);
        }
    }
    af_pq_file_meta_free(m);

    /* a logical type from a future writer: decodes, marked as not modelled */
    CHECK_INT(open_footer(dir, "unknown-logical-type.parquet", &m, &err), 0);
    if (m) {
        CHECK_INT(m->num_rows, 3);
        int others = 0;
        for (size_t i = 0; i < m->n_schema; i++)
            others += m->schema[i].logical.kind == AF_PQ_LT_OTHER;
        CHECK_INT(others, 1);
    }
    af_pq_file_meta_free(m);

    CHECK_INT(open_footer(dir, "lz4_raw_compressed.parquet", &m, &err), 0);
    if (m) {
        CHECK_INT(m->num_rows, 4);
        CHECK_INT(m->row_groups[0].columns[0].meta_data.codec, AF_PQ_CODEC_LZ4_RAW);
    }
    af_pq_file_meta_free(m);

    CHECK_INT(open_footer(dir, "datapage_v2.snappy.parquet", &m, &err), 0);
    if (m) {
        CHECK_INT(m->num_rows, 5);
        CHECK_INT(m->row_groups[0].columns[0].meta_data.codec, AF_PQ_CODEC_SNAPPY);
    }
    af_pq_file_meta_free(m);

    CHECK_INT(open_footer(dir, "delta_binary_packed.parquet", &m, &err), 0);
    if (m)
        CHECK_INT(m->num_rows, 200);
    af_pq_file_meta_free(m);
}

TEST_MAIN()
