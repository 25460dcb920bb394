/* test_parquet_column.c - the column chunk reader on real files: every file
 * of the shared parquet-testing folder is read chunk by chunk and assembled
 * into batches (or refused with a clear error), and hand-picked values of
 * several files are compared with the folder's expected outputs
 * (expected/NAME.ndjson, *_expect.csv). */
#include "formats/parquet/column_reader.h"
#include "formats/parquet/levels.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/schema_map.h"
#include "io/blob.h"
#include "parquet_testing.h"
#include "test.h"

#include <dirent.h>
#include <sys/stat.h>

/* Files that may fail, and why. None today: every file of the folder reads,
 * the legacy LZ4 ones and map_no_value included. */
static const struct {
    const char *file;
    const char *reason;
} expected_failures[] = {
    {NULL, NULL},
};

static bool expected_to_fail(const char *file)
{
    for (size_t i = 0; expected_failures[i].file; i++)
        if (strcmp(expected_failures[i].file, file) == 0)
            return true;
    return false;
}

/* Reads every row group of the file behind blob into one batch of the
 * mapped schema. */
static int read_blob(af_blob *blob, const char *file, af_batch **out, af_error *err)
{
    *out = NULL;
    af_pq_file_meta *m = NULL;
    af_pq_schema_map sm;
    memset(&sm, 0, sizeof sm);
    af_batch *b = NULL;
    af_pq_chunk_data *chunks = NULL;
    af_pq_leaf_stream *streams = NULL;
    int rc = af_pq_footer_read(testing_blob_read_at, blob, blob->size, file, &m, err);
    if (!rc)
        rc = af_pq_schema_from_parquet(m, file, &sm, err);
    if (!rc) {
        b = af_batch_new(sm.schema);
        chunks = calloc(sm.n_leaves + 1, sizeof *chunks);
        streams = calloc(sm.n_leaves + 1, sizeof *streams);
        if (!b || !chunks || !streams)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    for (size_t g = 0; !rc && g < m->n_row_groups; g++) {
        for (size_t l = 0; !rc && l < sm.n_leaves; l++) {
            rc = af_pq_read_column_chunk(blob, m, (int)g, &sm.leaves[l], &chunks[l], err);
            af_pq_chunk_leaf_stream(&chunks[l], &streams[l]);
        }
        for (size_t c = 0, l = 0; !rc && c < b->schema->n_fields; c++) {
            const af_field *f = &b->schema->fields[c];
            rc = af_pq_assemble(f, &b->columns[c], &streams[l], m->row_groups[g].num_rows, err);
            if (rc)
                af_error_wrap(err, "%s: row group %zu", file, g);
            l += af_pq_leaf_count(f);
        }
        for (size_t l = 0; l < sm.n_leaves; l++)
            af_pq_chunk_data_free(&chunks[l]);
    }
    if (!rc)
        rc = af_batch_seal(b, err);
    free(chunks);
    free(streams);
    af_pq_schema_map_free(&sm);
    af_pq_file_meta_free(m);
    if (rc)
        af_batch_release(b);
    else
        *out = b;
    return rc;
}

/* AF_PQ_COLUMN_DUMP=<dir> writes each file read as <dir>/NAME.ndjson, to
 * compare with the folder's expected/ outputs by script. */
static void dump(const char *file, const af_batch *b)
{
    const char *dir = getenv("AF_PQ_COLUMN_DUMP");
    if (!dir)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%.*s.ndjson", dir, (int)(strlen(file) - 8), file);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    af_buf t;
    af_buf_init(&t);
    for (int64_t r = 0; r < b->n_rows; r++) {
        af_buf_reset(&t);
        af_buf_append_byte(&t, '{');
        for (size_t c = 0; c < b->schema->n_fields; c++) {
            if (c)
                af_buf_append_byte(&t, ',');
            const char *name = b->schema->fields[c].name;
            af_buf_append_json_string(&t, name, strlen(name));
            af_buf_append_byte(&t, ':');
            af_array_format_json(&b->columns[c], r, &t);
        }
        af_buf_append_str(&t, "}\n");
        fwrite(t.data, 1, t.len, f);
    }
    af_buf_free(&t);
    fclose(f);
}

static int read_file(const char *dir, const char *file, af_batch **out, af_error *err)
{
    char path[4096];
    *out = NULL;
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
        return af_error_set(err, AF_EINVAL, "%s/%s: path too long", dir, file);
    af_blob *blob = NULL;
    int rc = af_blob_open_file(path, &blob, err);
    if (!rc)
        rc = read_blob(blob, file, out, err);
    if (blob)
        af_blob_close(blob);
    return rc;
}

TEST(parquet_testing_read_all)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir) {
        printf("note: parquet-testing folder not found, column reader test skipped\n");
        return;
    }
    DIR *dh = opendir(dir);
    CHECK(dh != NULL);
    struct dirent *de;
    int files = 0, ok = 0;
    while (dh && (de = readdir(dh))) {
        size_t n = strlen(de->d_name);
        if (n < 8 || strcmp(de->d_name + n - 8, ".parquet") != 0)
            continue;
        files++;
        af_batch *b = NULL;
        af_error err = {0};
        int rc = read_file(dir, de->d_name, &b, &err);
        if (rc == 0) {
            ok++;
            dump(de->d_name, b);
            printf("  ok    %-50s %lld rows\n", de->d_name, (long long)b->n_rows);
            CHECK(!expected_to_fail(de->d_name));
        } else {
            printf("  error %-50s %s\n", de->d_name, err.msg);
            if (!expected_to_fail(de->d_name))
                fprintf(stderr, "unexpected failure: %s\n", err.msg);
            CHECK(expected_to_fail(de->d_name));
            CHECK(rc == AF_EUNSUPPORTED || rc == AF_EPARSE);
            CHECK_CONTAINS(err.msg, de->d_name);
        }
        af_batch_release(b);
    }
    if (dh)
        closedir(dh);
    printf("  %d of %d files read fully\n", ok, files);
    CHECK(files >= 40);
}

/* ---- exact values ---- */

static af_batch *load(const char *file)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir)
        return NULL;
    af_batch *b = NULL;
    af_error err = {0};
    if (read_file(dir, file, &b, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(!"file read");
    }
    return b;
}

/* Value (row, column) as af_array_format_value text ("null" for nulls), or
 * as JSON when json is set; in rotating static buffers. */
static const char *cell_fmt(const af_batch *b, const char *col, int64_t row, bool json)
{
    static char bufs[4][4096];
    static int next;
    char *out = bufs[next++ % 4];
    long c = b ? af_schema_find(b->schema, col) : -1;
    if (c < 0 || row >= b->n_rows) {
        snprintf(out, 4096, "<no %s[%lld]>", col, (long long)row);
        return out;
    }
    af_buf t;
    af_buf_init(&t);
    const af_array *a = &b->columns[c];
    if (json)
        af_array_format_json(a, row, &t);
    else if (!af_array_is_valid(a, row))
        af_buf_append_str(&t, "null");
    else
        af_array_format_value(a, row, &t);
    size_t n = t.len < 4095 ? t.len : 4095;
    if (n)
        memcpy(out, t.data, n);
    out[n] = '\0';
    af_buf_free(&t);
    return out;
}

static const char *cell(const af_batch *b, const char *col, int64_t row)
{
    return cell_fmt(b, col, row, false);
}

static const char *json(const af_batch *b, const char *col, int64_t row)
{
    return cell_fmt(b, col, row, true);
}

#define SKIP_IF_ABSENT()                                                                           \
    do {                                                                                           \
        char dirbuf_[4096];                                                                        \
        if (!testing_dir(dirbuf_, sizeof dirbuf_))                                                 \
            return;                                                                                \
    } while (0)

/* Unannotated BYTE_ARRAY columns map to binary, which af_array_format_value
 * shows as hex: this returns the bytes themselves. */
static const char *text(const af_batch *b, const char *col, int64_t row)
{
    static char bufs[4][256];
    static int next;
    char *out = bufs[next++ % 4];
    long c = b ? af_schema_find(b->schema, col) : -1;
    if (c < 0 || row >= b->n_rows || !af_array_is_valid(&b->columns[c], row))
        return "<none>";
    size_t n = 0;
    const uint8_t *p = af_array_get_bytes(&b->columns[c], row, &n);
    n = n < 255 ? n : 255;
    if (n)
        memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

static void check_alltypes(const char *file, const char *const *ids, int64_t rows,
                           const char *const *dates, const char *const *stamps)
{
    af_batch *b = load(file);
    if (!b)
        return;
    CHECK_INT(b->n_rows, rows);
    for (int64_t r = 0; r < b->n_rows && r < rows; r++) {
        CHECK_STR(cell(b, "id", r), ids[r]);
        CHECK_STR(cell(b, "bool_col", r), r % 2 ? "false" : "true");
        CHECK_STR(cell(b, "tinyint_col", r), r % 2 ? "1" : "0");
        CHECK_STR(cell(b, "smallint_col", r), r % 2 ? "1" : "0");
        CHECK_STR(cell(b, "int_col", r), r % 2 ? "1" : "0");
        CHECK_STR(cell(b, "bigint_col", r), r % 2 ? "10" : "0");
        CHECK_STR(cell(b, "double_col", r), r % 2 ? "10.1" : "0");
        CHECK_STR(json(b, "float_col", r), r % 2 ? "1.1" : "0");
        CHECK_STR(text(b, "string_col", r), r % 2 ? "1" : "0");
        CHECK_STR(text(b, "date_string_col", r), dates[r]);
        /* INT96 nanoseconds: midnight plus one minute on odd rows */
        CHECK_CONTAINS(cell(b, "timestamp_col", r), stamps[r]);
        CHECK_CONTAINS(cell(b, "timestamp_col", r), r % 2 ? "T00:01:00" : "T00:00:00");
    }
    af_batch_release(b);
}

TEST(alltypes)
{
    SKIP_IF_ABSENT();
    /* expected/alltypes_plain.ndjson: ids 4,5,6,7,2,3,0,1, months 3,3,4,4,2,2,1,1 of 2009 */
    static const char *ids[] = {"4", "5", "6", "7", "2", "3", "0", "1"};
    static const char *dates[] = {"03/01/09", "03/01/09", "04/01/09", "04/01/09",
                                  "02/01/09", "02/01/09", "01/01/09", "01/01/09"};
    static const char *stamps[] = {"2009-03-01", "2009-03-01", "2009-04-01", "2009-04-01",
                                   "2009-02-01", "2009-02-01", "2009-01-01", "2009-01-01"};
    check_alltypes("alltypes_plain.parquet", ids, 8, dates, stamps);
    af_batch *b = load("alltypes_plain.parquet");
    if (b) /* naive INT96 timestamp: no zone suffix */
        CHECK_CONTAINS(cell(b, "timestamp_col", 0), "2009-03-01T00:00:00");
    af_batch_release(b);
    /* the snappy file holds rows 6 and 7, the dictionary file rows 0 and 1 */
    check_alltypes("alltypes_plain.snappy.parquet", ids + 2, 2, dates + 2, stamps + 2);
    check_alltypes("alltypes_dictionary.parquet", ids + 6, 2, dates + 6, stamps + 6);
}

TEST(datapage_v2)
{
    SKIP_IF_ABSENT();
    af_batch *b = load("datapage_v2.snappy.parquet");
    if (!b)
        return;
    CHECK_INT(b->n_rows, 5);
    CHECK_STR(cell(b, "a", 0), "abc");
    CHECK_STR(cell(b, "b", 1), "2");
    CHECK_STR(json(b, "c", 2), "4"); /* 4.0 */
    CHECK_STR(cell(b, "d", 0), "true");
    CHECK_STR(json(b, "e", 0), "[1,2,3]");
    CHECK_STR(json(b, "e", 1), "null");
    af_batch_release(b);
}

TEST(delta_encodings)
{
    SKIP_IF_ABSENT();
    af_batch *b = load("delta_binary_packed.parquet");
    if (b) {
        CHECK_INT(b->n_rows, 200);
        CHECK_STR(cell(b, "bitwidth0", 0), "6374628540732951412");
        CHECK_STR(cell(b, "bitwidth1", 1), "-1");
        CHECK_STR(cell(b, "bitwidth12", 1), "-2048");
        CHECK_STR(cell(b, "int_value", 0), "-2070986743");
        af_batch_release(b);
    }
    b = load("delta_length_byte_array.parquet");
    if (b) {
        CHECK_INT(b->n_rows, 1000);
        CHECK_STR(cell(b, "FRUIT", 0), "apple_banana_mango0");
        CHECK_STR(cell(b, "FRUIT", 2), "apple_banana_mango4");
        af_batch_release(b);
    }
    b = load("delta_byte_array.parquet");
    if (b) {
        CHECK_INT(b->n_rows, 1000);
        CHECK_STR(cell(b, "c_customer_id", 0), "AAAAAAAAIODAAAAA");
        CHECK_STR(cell(b, "c_customer_id", 1), "AAAAAAAAHODAAAAA");
        CHECK_STR(cell(b, "c_email_address", 1), "Lisa.Clark@goPYS4tMB0.org");
        CHECK_STR(cell(b, "c_login", 0), "null");
        CHECK_STR(cell(b, "c_last_review_date", 0), "2452443");
        af_batch_release(b);
    }
}

TEST(byte_stream_split)
{
    SKIP_IF_ABSENT();
    af_batch *b = load("byte_stream_split.zstd.parquet");
    if (!b)
        return;
    CHECK_INT(b->n_rows, 300);
    CHECK_STR(json(b, "f32", 0), "1.7640524");
    CHECK_STR(json(b, "f64", 0), "-1.3065268517353166");
    CHECK_STR(json(b, "f64", 2), "-0.11816404512856976");
    af_batch_release(b);
}

TEST(decimals)
{
    SKIP_IF_ABSENT();
    static const char *files[] = {"int32_decimal.parquet", "fixed_length_decimal.parquet",
                                  "byte_array_decimal.parquet"};
    static const char *want0[] = {"1.00", "1.00", "1.00"};
    static const char *want23[] = {"24.00", "24.00", "24.00"};
    for (size_t i = 0; i < 3; i++) {
        af_batch *b = load(files[i]);
        if (!b)
            continue;
        CHECK_INT(b->n_rows, 24);
        CHECK_STR(cell(b, "value", 0), want0[i]);
        CHECK_STR(cell(b, "value", 23), want23[i]);
        af_batch_release(b);
    }
}

TEST(nulls_and_lists)
{
    SKIP_IF_ABSENT();
    af_batch *b = load("nulls.snappy.parquet");
    if (b) {
        CHECK_INT(b->n_rows, 8);
        CHECK_STR(json(b, "b_struct", 0), "{\"b_c_int\":null}");
        CHECK_STR(json(b, "b_struct", 7), "{\"b_c_int\":null}");
        af_batch_release(b);
    }
    b = load("list_columns.parquet");
    if (b) {
        CHECK_INT(b->n_rows, 3);
        CHECK_STR(json(b, "int64_list", 0), "[1,2,3]");
        CHECK_STR(json(b, "int64_list", 1), "[null,1]");
        CHECK_STR(json(b, "int64_list", 2), "[4]");
        CHECK_STR(json(b, "utf8_list", 0), "[\"abc\",\"efg\",\"hij\"]");
        CHECK_STR(json(b, "utf8_list", 1), "null");
        CHECK_STR(json(b, "utf8_list", 2), "[\"efg\",null,\"hij\",\"xyz\"]");
        af_batch_release(b);
    }
}

/* The three LZ4 files hold the same four rows (DuckDB reads only the
 * LZ4_RAW one; the upstream README describes the other two). */
TEST(lz4_variants)
{
    SKIP_IF_ABSENT();
    static const char *files[] = {"lz4_raw_compressed.parquet", "hadoop_lz4_compressed.parquet",
                                  "non_hadoop_lz4_compressed.parquet"};
    for (size_t i = 0; i < 3; i++) {
        af_batch *b = load(files[i]);
        if (!b)
            continue;
        CHECK_INT(b->n_rows, 4);
        CHECK_STR(cell(b, "c0", 0), "1593604800");
        CHECK_STR(cell(b, "c0", 3), "1593604801");
        CHECK_STR(text(b, "c1", 1), "def");
        CHECK_STR(json(b, "v11", 0), "42");
        CHECK_STR(json(b, "v11", 2), "42.125");
        CHECK_STR(json(b, "v11", 3), "7.7");
        af_batch_release(b);
    }
}

TEST(float16)
{
    SKIP_IF_ABSENT();
    af_batch *b = load("float16_nonzeros_and_nans.parquet");
    if (!b)
        return;
    /* expected: null, 1.0, -2.0, NaN, 0.0, -1.0, -0.0, 2.0 */
    static const char *want[] = {"null", "1", "-2", "nan", "0", "-1", "-0", "2"};
    CHECK_INT(b->n_rows, 8);
    long c = af_schema_find(b->schema, "x");
    CHECK(c >= 0);
    for (int64_t r = 0; c >= 0 && r < 8 && r < b->n_rows; r++) {
        const af_array *a = &b->columns[c];
        char got[32];
        if (!af_array_is_valid(a, r))
            snprintf(got, sizeof got, "null");
        else if (isnan(af_array_get_double(a, r)))
            snprintf(got, sizeof got, "nan");
        else
            snprintf(got, sizeof got, "%g", af_array_get_double(a, r));
        CHECK_STR(got, want[r]);
    }
    af_batch_release(b);
}

/* Corrupted copies of real files: every read must end in 0 or an error with
 * a message, never a crash, hang or sanitizer report. */
TEST(corrupted_files)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir)
        return;
    static const char *files[] = {
        "alltypes_plain.parquet",         "datapage_v2.snappy.parquet",
        "delta_byte_array.parquet",       "list_columns.parquet",
        "byte_stream_split.zstd.parquet", "rle_boolean_encoding.parquet",
        "delta_binary_packed.parquet",    "fixed_length_decimal.parquet",
        "nested_structs.rust.parquet",    "int32_with_null_pages.parquet"};
    unsigned state = 42;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= (int)sizeof path)
            continue;
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        uint8_t *orig = malloc(1 << 20), *data = malloc(1 << 20);
        size_t n = fread(orig, 1, 1 << 20, f);
        fclose(f);
        for (int iter = 0; iter < 150; iter++) {
            memcpy(data, orig, n);
            /* damage only the pages, so the (separately tested) footer still decodes */
            int flips = 1 + iter % 4;
            for (int k = 0; k < flips && n > 64; k++) {
                state = state * 1103515245u + 12345u;
                size_t at = 4 + (state >> 4) % (n / 2);
                data[at] = (uint8_t)(state >> 20);
            }
            af_blob *blob = NULL;
            af_error err = {0};
            af_batch *b = NULL;
            int rc = af_blob_open_memory(data, n, files[i], &blob, &err);
            if (!rc)
                rc = read_blob(blob, files[i], &b, &err);
            CHECK(rc <= 0);
            if (rc)
                CHECK(err.msg[0] != '\0');
            af_batch_release(b);
            af_blob_close(blob);
        }
        free(orig);
        free(data);
    }
}

TEST_MAIN()
