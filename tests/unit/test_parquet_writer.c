/* test_parquet_writer.c - the Parquet writer (parquet.h) on hand-built
 * batches: values read back identical through the reader, the footer says
 * what the writer promised (row groups by rows and bytes, dictionary pages
 * and the fallback to PLAIN, statistics, the page index, key-value
 * metadata), and misuse fails with messages naming the column. The
 * randomised round trip over every type is test_parquet_roundtrip.c. */
#include "formats/parquet/meta.h"
#include "formats/parquet/parquet.h"
#include "io/codec.h"
#include "test.h"

#include <string.h>

static int buf_sink_write(void *ctx, const void *p, size_t n, af_error *err)
{
    (void)err;
    return af_buf_append(ctx, p, n) ? AF_ENOMEM : AF_OK;
}

/* A scalar field from a type name (caller frees with af_field_free). */
static af_field field(const char *name, const char *type, bool nullable)
{
    af_field f;
    memset(&f, 0, sizeof f);
    af_error err = {0};
    af_type t;
    char tz[64];
    CHECK_INT(af_type_parse(type, &t, tz, sizeof tz, &err), 0);
    CHECK_INT(af_field_init(&f, name, t, nullable), 0);
    return f;
}

static af_field nested(const char *name, af_type_id id, bool nullable, const af_field *children,
                       size_t n)
{
    af_field f;
    memset(&f, 0, sizeof f);
    CHECK_INT(af_field_init(&f, name, af_type_make(id), nullable), 0);
    for (size_t i = 0; i < n; i++)
        CHECK_INT(af_field_add_child(&f, &children[i]), 0);
    return f;
}

static void add(af_schema *s, af_field f)
{
    CHECK_INT(af_schema_add(s, &f), 0);
    af_field_free(&f);
}

static int write_file(const af_schema *s, af_batch *const *batches, size_t n,
                      const af_parquet_write_options *o, af_buf *out, af_error *err)
{
    af_parquet_writer *w = NULL;
    af_byte_sink sink = {buf_sink_write, out};
    int rc = af_parquet_writer_open(sink, s, o, &w, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = af_parquet_writer_write(w, batches[i], err);
    if (!rc)
        rc = af_parquet_writer_finish(w, err);
    af_parquet_writer_free(w);
    return rc;
}

/* Every value of every batch, as JSON lines, for comparison. */
static void dump_batch(const af_batch *b, af_buf *out)
{
    for (int64_t r = 0; r < b->n_rows; r++) {
        for (size_t c = 0; c < b->schema->n_fields; c++) {
            af_array_format_json(&b->columns[c], r, out);
            af_buf_append_str(out, c + 1 < b->schema->n_fields ? "\t" : "\n");
        }
    }
}

static void read_back(const af_buf *file, af_buf *dump, int *row_groups)
{
    af_blob *blob = NULL;
    af_error err = {0};
    CHECK_INT(af_blob_open_memory(file->data, file->len, "mem.parquet", &blob, &err), 0);
    af_parquet_reader *r = NULL;
    int rc = af_parquet_reader_open(blob, NULL, &r, &err);
    CHECK_INT(rc, 0);
    if (rc) {
        printf("  %s\n", err.msg);
        af_blob_close(blob);
        return;
    }
    int sel = 0, total = 0;
    af_parquet_reader_row_groups(r, &sel, &total);
    if (row_groups)
        *row_groups = total;
    af_batch *b = NULL;
    while ((rc = af_parquet_reader_next(r, &b, &err)) == 0 && b) {
        dump_batch(b, dump);
        af_batch_release(b);
    }
    CHECK_INT(rc, 0);
    if (rc)
        printf("  %s\n", err.msg);
    af_parquet_reader_free(r);
    af_blob_close(blob);
}

static af_pq_file_meta *footer(const af_buf *file)
{
    uint32_t len;
    memcpy(&len, file->data + file->len - 8, 4);
    af_pq_file_meta *m = NULL;
    af_error err = {0};
    CHECK_INT(af_pq_file_meta_decode(file->data + file->len - 8 - len, len, "mem", &m, &err), 0);
    return m;
}

static bool has_encoding(const af_pq_column_meta *md, int32_t enc)
{
    for (size_t i = 0; i < md->n_encodings; i++)
        if (md->encodings[i] == enc)
            return true;
    return false;
}

/* A flat table of most types; row r is deterministic, every 7th is null. */
static af_batch *flat_batch(const af_schema *s, int64_t first, int64_t rows)
{
    af_batch *b = af_batch_new(s);
    for (int64_t r = first; r < first + rows; r++) {
        bool null = r % 7 == 3;
        af_array *c = b->columns;
        if (null) {
            af_array_append_null(&c[0]);
        } else {
            af_array_append_int(&c[0], r * 1000003 % 99991 - 50000);
        }
        char txt[64];
        snprintf(txt, sizeof txt, "city-%d", (int)(r % 13));
        af_array_append_bytes(&c[1], txt, strlen(txt));
        af_array_append_double(&c[2], (double)r / 8.0);
        af_array_append_bool(&c[3], r % 3 == 0);
        if (null)
            af_array_append_null(&c[4]);
        else
            af_array_append_decimal(&c[4], (af_int128)(r * 37 - 100000));
        af_array_append_decimal(&c[5], (af_int128)r * (af_int128)1000000000000LL * -3);
        af_array_append_int(&c[6], 18000 + r % 400);
        af_array_append_int(&c[7], 1700000000000000LL + r * 1000001);
        uint8_t u[16];
        for (int k = 0; k < 16; k++)
            u[k] = (uint8_t)(r * 31 + k);
        af_array_append_bytes(&c[8], u, 16);
        af_array_append_int(&c[9], (int8_t)(r % 256 - 128));
        if (null)
            af_array_append_null(&c[10]);
        else
            af_array_append_int(&c[10], r % 86400);
    }
    af_error err = {0};
    CHECK_INT(af_batch_seal(b, &err), 0);
    return b;
}

static af_schema *flat_schema(void)
{
    af_schema *s = af_schema_new();
    add(s, field("id", "int64", true));
    add(s, field("city", "string", false));
    add(s, field("ratio", "float64", false));
    add(s, field("flag", "bool", false));
    add(s, field("amount", "decimal(10,2)", true));
    add(s, field("big", "decimal(30,5)", false));
    add(s, field("day", "date", false));
    add(s, field("at", "timestamp(us, UTC)", false));
    add(s, field("uid", "uuid", false));
    add(s, field("tiny", "int8", false));
    add(s, field("tod", "time(ms)", true));
    return s;
}

TEST(writer_flat_types_round_trip_with_row_groups_and_pages)
{
    af_schema *s = flat_schema();
    af_batch *batches[3];
    for (int i = 0; i < 3; i++)
        batches[i] = flat_batch(s, i * 4000, 4000);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    o.row_group_rows = 5000;
    o.page_rows = 700;
    af_buf file, want, got;
    af_buf_init(&file);
    af_buf_init(&want);
    af_buf_init(&got);
    af_error err = {0};
    CHECK_INT(write_file(s, batches, 3, &o, &file, &err), 0);
    for (int i = 0; i < 3; i++)
        dump_batch(batches[i], &want);
    int groups = 0;
    read_back(&file, &got, &groups);
    CHECK_INT(groups, 3); /* 12000 rows by 5000 */
    CHECK(want.len > 0 && got.len == want.len);
    CHECK(memcmp(af_buf_cstr(&want), af_buf_cstr(&got), want.len) == 0);
    if (got.len != want.len || memcmp(got.data, want.data, want.len) != 0)
        printf("  want: %.300s\n  got:  %.300s\n", af_buf_cstr(&want), af_buf_cstr(&got));

    af_pq_file_meta *m = footer(&file);
    if (m) {
        CHECK_INT(m->num_rows, 12000);
        CHECK_INT(m->row_groups[0].num_rows, 5000);
        CHECK_INT(m->row_groups[2].num_rows, 2000);
        const af_pq_column_chunk *id = &m->row_groups[0].columns[0];
        CHECK(id->has_column_index && id->has_offset_index);
        CHECK(id->meta_data.statistics.has_null_count);
        CHECK_INT(id->meta_data.statistics.null_count, 714); /* r % 7 == 3 in 0..4999 */
        const af_pq_column_chunk *city = &m->row_groups[1].columns[1];
        CHECK(city->meta_data.has_dictionary_page_offset);
        CHECK(has_encoding(&city->meta_data, AF_PQ_ENC_RLE_DICTIONARY));
        CHECK(!has_encoding(&m->row_groups[1].columns[3].meta_data, AF_PQ_ENC_RLE_DICTIONARY));
        /* min/max of the city strings: "city-0" .. "city-9" in byte order */
        CHECK_INT((int)city->meta_data.statistics.min_value.len, 6);
        CHECK(memcmp(city->meta_data.statistics.min_value.data, "city-0", 6) == 0);
        CHECK(memcmp(city->meta_data.statistics.max_value.data, "city-9", 6) == 0);
        bool found = false;
        for (size_t i = 0; i < m->n_key_value; i++)
            if (strcmp(m->key_value[i].key, "affluent.schema") == 0)
                found = strstr(m->key_value[i].value, "\"amount\"") != NULL;
        CHECK(found);
        CHECK(m->created_by && strncmp(m->created_by, "affluent", 8) == 0);
        af_pq_file_meta_free(m);
    }
    for (int i = 0; i < 3; i++)
        af_batch_release(batches[i]);
    af_schema_free(s);
    af_buf_free(&file);
    af_buf_free(&want);
    af_buf_free(&got);
}

TEST(writer_every_codec_and_page_version)
{
    af_schema *s = flat_schema();
    af_batch *b = flat_batch(s, 0, 3000);
    af_buf want;
    af_buf_init(&want);
    dump_batch(b, &want);
    const af_codec codecs[] = {AF_CODEC_UNCOMPRESSED, AF_CODEC_SNAPPY, AF_CODEC_GZIP, AF_CODEC_ZSTD,
                               AF_CODEC_LZ4_RAW,      AF_CODEC_BROTLI, AF_CODEC_LZ4};
    for (size_t c = 0; c < sizeof codecs / sizeof *codecs; c++)
        for (int v = 1; v <= 2; v++) {
            af_parquet_write_options o;
            af_parquet_write_options_default(&o);
            o.codec = codecs[c];
            o.data_page_version = v;
            o.dictionary = c % 2 == 0;
            o.page_rows = 1000;
            af_buf file, got;
            af_buf_init(&file);
            af_buf_init(&got);
            af_error err = {0};
            CHECK_INT(write_file(s, &b, 1, &o, &file, &err), 0);
            read_back(&file, &got, NULL);
            bool same = got.len == want.len && memcmp(got.data, want.data, want.len) == 0;
            CHECK(same);
            if (!same)
                printf("  codec %s, page v%d differs\n", af_codec_name(codecs[c]), v);
            af_buf_free(&file);
            af_buf_free(&got);
        }
    af_batch_release(b);
    af_schema_free(s);
    af_buf_free(&want);
}

TEST(writer_dictionary_falls_back_to_plain_mid_chunk)
{
    af_schema *s = af_schema_new();
    add(s, field("text", "string", true));
    af_batch *b = af_batch_new(s);
    for (int r = 0; r < 5000; r++) {
        char t[80];
        snprintf(t, sizeof t, "review number %d, quite unique", r * 7919);
        if (r % 11 == 0)
            af_array_append_null(&b->columns[0]);
        else
            af_array_append_bytes(&b->columns[0], t, strlen(t));
    }
    af_error err = {0};
    af_batch_seal(b, &err);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    o.dictionary_max_bytes = 4096;
    o.page_rows = 500;
    af_buf file, want, got;
    af_buf_init(&file);
    af_buf_init(&want);
    af_buf_init(&got);
    CHECK_INT(write_file(s, &b, 1, &o, &file, &err), 0);
    dump_batch(b, &want);
    read_back(&file, &got, NULL);
    CHECK(got.len == want.len && memcmp(got.data, want.data, want.len) == 0);
    af_pq_file_meta *m = footer(&file);
    if (m) {
        const af_pq_column_meta *md = &m->row_groups[0].columns[0].meta_data;
        CHECK(has_encoding(md, AF_PQ_ENC_RLE_DICTIONARY));
        CHECK(has_encoding(md, AF_PQ_ENC_PLAIN));
        CHECK_INT(md->statistics.null_count, 455);
        af_pq_file_meta_free(m);
    }
    af_batch_release(b);
    af_schema_free(s);
    af_buf_free(&file);
    af_buf_free(&want);
    af_buf_free(&got);
}

TEST(writer_nested_struct_list_map)
{
    af_error err = {0};
    af_schema *s = af_schema_new();
    /* st struct<a int32, tags list<string>>, m map<string, int64>,
     * ll list<list<int32>> (not null) */
    af_field tag_item = field("item", "string", true);
    af_field st_kids[2] = {field("a", "int32", true),
                           nested("tags", AF_TYPE_LIST, true, &tag_item, 1)};
    add(s, nested("st", AF_TYPE_STRUCT, true, st_kids, 2));
    af_field kv_kids[2] = {field("key", "string", false), field("value", "int64", true)};
    af_field entries = nested("entries", AF_TYPE_STRUCT, false, kv_kids, 2);
    add(s, nested("m", AF_TYPE_MAP, true, &entries, 1));
    af_field inner_item = field("item", "int32", false);
    af_field inner = nested("item", AF_TYPE_LIST, false, &inner_item, 1);
    add(s, nested("ll", AF_TYPE_LIST, false, &inner, 1));
    af_field *to_free[] = {&tag_item,   &st_kids[0], &st_kids[1], &kv_kids[0],
                           &kv_kids[1], &entries,    &inner_item, &inner};
    for (size_t i = 0; i < sizeof to_free / sizeof *to_free; i++)
        af_field_free(to_free[i]);
    af_batch *b = af_batch_new(s);
    for (int r = 0; r < 3000; r++) {
        af_array *c0 = &b->columns[0], *c1 = &b->columns[1], *c2 = &b->columns[2];
        if (r % 5 == 1) {
            af_array_append_null(c0);
        } else {
            if (r % 3)
                af_array_append_int(&c0->children[0], r);
            else
                af_array_append_null(&c0->children[0]);
            af_array *tags = &c0->children[1];
            if (r % 4 == 2) {
                af_array_append_null(tags);
            } else {
                int k = r % 4;
                for (int i = 0; i < k; i++) {
                    char tag[16];
                    snprintf(tag, sizeof tag, "t%d", (r + i) % 9);
                    if (i == 1 && r % 8 == 1)
                        af_array_append_null(&tags->children[0]);
                    else
                        af_array_append_bytes(&tags->children[0], tag, strlen(tag));
                }
                af_array_append_list_row(tags, k);
            }
            af_array_append_struct_row(c0);
        }
        if (r % 6 == 5) {
            af_array_append_null(c1);
        } else {
            af_array *kv = &c1->children[0];
            int k = r % 3;
            for (int i = 0; i < k; i++) {
                char key[16];
                snprintf(key, sizeof key, "k%d", i);
                af_array_append_bytes(&kv->children[0], key, strlen(key));
                if ((r + i) % 4 == 0)
                    af_array_append_null(&kv->children[1]);
                else
                    af_array_append_int(&kv->children[1], (int64_t)r * 10 + i);
                af_array_append_struct_row(kv);
            }
            af_array_append_list_row(c1, k);
        }
        af_array *ll_inner = &c2->children[0];
        int outer = r % 3;
        for (int i = 0; i < outer; i++) {
            int k = (r + i) % 3;
            for (int j = 0; j < k; j++)
                af_array_append_int(&ll_inner->children[0], r + j);
            af_array_append_list_row(ll_inner, k);
        }
        af_array_append_list_row(c2, outer);
    }
    CHECK_INT(af_batch_seal(b, &err), 0);
    for (int v = 1; v <= 2; v++) {
        af_parquet_write_options o;
        af_parquet_write_options_default(&o);
        o.page_rows = 300;
        o.row_group_rows = 1100;
        o.data_page_version = v;
        af_buf file, want, got;
        af_buf_init(&file);
        af_buf_init(&want);
        af_buf_init(&got);
        int rc = write_file(s, &b, 1, &o, &file, &err);
        CHECK_INT(rc, 0);
        if (rc)
            printf("  %s\n", err.msg);
        dump_batch(b, &want);
        int groups = 0;
        read_back(&file, &got, &groups);
        CHECK_INT(groups, 3);
        bool same = got.len == want.len && memcmp(got.data, want.data, want.len) == 0;
        CHECK(same);
        if (!same)
            printf("  page v%d: nested values differ\n", v);
        af_buf_free(&file);
        af_buf_free(&want);
        af_buf_free(&got);
    }
    af_batch_release(b);
    af_schema_free(s);
}

/* Parquet has no seconds unit: time(s) and timestamp(s) are written as
 * milliseconds and read back as such, the same instants. */
TEST(writer_seconds_become_milliseconds)
{
    af_schema *s = af_schema_new();
    add(s, field("t", "time(s)", false));
    add(s, field("ts", "timestamp(s)", false));
    af_batch *b = af_batch_new(s);
    af_array_append_int(&b->columns[0], 3661);
    af_array_append_int(&b->columns[1], -86401);
    af_error err = {0};
    af_batch_seal(b, &err);
    af_buf file, got;
    af_buf_init(&file);
    af_buf_init(&got);
    CHECK_INT(write_file(s, &b, 1, NULL, &file, &err), 0);
    read_back(&file, &got, NULL);
    CHECK_STR(af_buf_cstr(&got), "\"01:01:01.000\"\t\"1969-12-30T23:59:59.000\"\n");
    af_batch_release(b);
    af_schema_free(s);
    af_buf_free(&file);
    af_buf_free(&got);
}

TEST(writer_row_groups_close_by_bytes)
{
    af_schema *s = flat_schema();
    af_batch *b = flat_batch(s, 0, 20000);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    o.row_group_bytes = (int64_t)af_batch_bytes(b) / 4;
    af_buf file;
    af_buf_init(&file);
    af_error err = {0};
    CHECK_INT(write_file(s, &b, 1, &o, &file, &err), 0);
    af_pq_file_meta *m = footer(&file);
    if (m) {
        CHECK(m->n_row_groups >= 4 && m->n_row_groups <= 5);
        CHECK_INT(m->num_rows, 20000);
        af_pq_file_meta_free(m);
    }
    af_batch_release(b);
    af_schema_free(s);
    af_buf_free(&file);
}

TEST(writer_misuse_fails_clearly)
{
    af_schema *s = af_schema_new();
    add(s, field("qty", "int32", false));
    af_batch *b = af_batch_new(s);
    af_array_append_int(&b->columns[0], 1);
    af_array_append_null(&b->columns[0]);
    af_error err = {0};
    af_batch_seal(b, &err);
    af_buf file;
    af_buf_init(&file);
    CHECK(write_file(s, &b, 1, NULL, &file, &err) != 0);
    CHECK_CONTAINS(err.msg, "qty");
    CHECK_CONTAINS(err.msg, "not nullable");

    af_schema *other = af_schema_new();
    add(other, field("qty", "string", false));
    af_batch *ob = af_batch_new(other);
    af_array_append_bytes(&ob->columns[0], "x", 1);
    af_batch_seal(ob, &err);
    af_buf_reset(&file);
    CHECK(write_file(s, &ob, 1, NULL, &file, &err) != 0);
    CHECK_CONTAINS(err.msg, "qty");

    af_parquet_writer *w = NULL;
    af_byte_sink sink = {buf_sink_write, &file};
    af_buf_reset(&file);
    CHECK_INT(af_parquet_writer_open(sink, s, NULL, &w, &err), 0);
    CHECK_INT(af_parquet_writer_finish(w, &err), 0);
    CHECK(af_parquet_writer_write(w, ob, &err) != 0);
    CHECK_CONTAINS(err.msg, "after finish");
    af_parquet_writer_free(w);
    /* an empty file is still a valid one, with no row groups */
    af_buf got;
    af_buf_init(&got);
    int groups = -1;
    read_back(&file, &got, &groups);
    CHECK_INT(groups, 0);
    CHECK_INT((int)got.len, 0);

    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    o.level = 99;
    CHECK(af_parquet_writer_open(sink, s, &o, &w, &err) != 0);
    CHECK_CONTAINS(err.msg, "zstd");
    af_buf_free(&got);
    af_batch_release(b);
    af_batch_release(ob);
    af_schema_free(s);
    af_schema_free(other);
    af_buf_free(&file);
}

TEST_MAIN()
