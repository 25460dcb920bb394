/* test_parquet_reader.c - the public Parquet reader (parquet.h) on every
 * file of the shared parquet-testing folder: all batches together hold
 * num_rows rows, projection returns only the asked columns in the asked
 * order, batches respect the row limit, unknown columns and broken files
 * fail with messages naming them. */
#include "formats/parquet/parquet.h"
#include "parquet_testing.h"
#include "test.h"

#include <dirent.h>
#include <sys/stat.h>

/* Reads the whole file; returns the rows read or -1 (err filled). */
static int64_t read_all(const char *path, const af_parquet_read_options *o, af_schema **schema,
                        af_error *err)
{
    af_blob *blob = NULL;
    if (af_blob_open_file(path, &blob, err) != 0)
        return -1;
    af_parquet_reader *r = NULL;
    int64_t rows = -1;
    if (af_parquet_reader_open(blob, o, &r, err) == 0) {
        rows = 0;
        af_batch *b = NULL;
        int rc;
        while ((rc = af_parquet_reader_next(r, &b, err)) == 0 && b) {
            CHECK(b->schema->n_fields == af_parquet_reader_schema(r)->n_fields);
            if (o && o->limits.max_rows > 0)
                CHECK(b->n_rows <= o->limits.max_rows);
            rows += b->n_rows;
            af_batch_release(b);
        }
        if (rc)
            rows = -1;
        else
            CHECK_INT(rows, af_parquet_reader_num_rows(r));
        int sel = -1, total = -1;
        CHECK_INT(af_parquet_reader_row_groups(r, &sel, &total), 0);
        CHECK(sel <= total && sel >= 0);
        if (schema)
            *schema = af_schema_copy(af_parquet_reader_schema(r));
        af_parquet_reader_free(r);
    }
    af_blob_close(blob);
    return rows;
}

TEST(parquet_reader_every_file)
{
    char buf[4096];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir) {
        printf("note: parquet-testing folder not found, reader test skipped\n");
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
        files++;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
            continue;
        af_error err = {0};
        int64_t rows = read_all(path, NULL, NULL, &err);
        if (rows < 0)
            fprintf(stderr, "%s: %s\n", de->d_name, err.msg);
        CHECK(rows >= 0);
        /* small batches: row groups are split */
        af_parquet_read_options o;
        memset(&o, 0, sizeof o);
        o.limits = AF_BATCH_DEFAULT_LIMITS;
        o.limits.max_rows = 7;
        CHECK_INT(read_all(path, &o, NULL, &err), rows);
        /* describe works on every file, in both forms */
        af_blob *blob = NULL;
        CHECK_INT(af_blob_open_file(path, &blob, &err), 0);
        af_buf out;
        af_buf_init(&out);
        CHECK_INT(af_parquet_describe(blob, false, &out, &err), 0);
        CHECK_CONTAINS(af_buf_cstr(&out), "rows: ");
        af_buf_reset(&out);
        CHECK_INT(af_parquet_describe(blob, true, &out, &err), 0);
        CHECK_CONTAINS(af_buf_cstr(&out), "\"num_rows\":");
        af_buf_free(&out);
        af_blob_close(blob);
    }
    if (dh)
        closedir(dh);
    CHECK(files >= 40);
}

TEST(parquet_reader_projection)
{
    char buf[4096], path[4200];
    const char *dir = testing_dir(buf, sizeof buf);
    if (!dir)
        return;
    snprintf(path, sizeof path, "%s/alltypes_plain.parquet", dir);
    const char *cols[] = {"string_col", "id"};
    af_parquet_read_options o;
    memset(&o, 0, sizeof o);
    o.columns = cols;
    o.n_columns = 2;
    o.limits = AF_BATCH_DEFAULT_LIMITS;
    af_error err = {0};
    af_schema *s = NULL;
    CHECK_INT(read_all(path, &o, &s, &err), 8);
    CHECK(s != NULL);
    if (s) {
        CHECK_INT(s->n_fields, 2);
        CHECK_STR(s->fields[0].name, "string_col");
        CHECK_STR(s->fields[1].name, "id");
        af_schema_free(s);
    }

    const char *bad[] = {"id", "nope"};
    o.columns = bad;
    CHECK_INT(read_all(path, &o, NULL, &err), -1);
    CHECK_INT(err.code, AF_ENOTFOUND);
    CHECK_CONTAINS(err.msg, "nope");
    CHECK_CONTAINS(err.msg, "bool_col");
    CHECK_CONTAINS(err.msg, "alltypes_plain.parquet");
}

TEST(parquet_reader_broken)
{
    static const char junk[] = "id,name\n1,a\n";
    af_blob *blob = NULL;
    af_error err = {0};
    CHECK_INT(af_blob_open_memory(junk, sizeof junk - 1, "junk.parquet", &blob, &err), 0);
    af_parquet_reader *r = NULL;
    CHECK(af_parquet_reader_open(blob, NULL, &r, &err) < 0);
    CHECK(r == NULL);
    CHECK_CONTAINS(err.msg, "junk.parquet");
    af_buf out;
    af_buf_init(&out);
    CHECK(af_parquet_describe(blob, true, &out, &err) < 0);
    af_buf_free(&out);
    af_blob_close(blob);
}

TEST_MAIN()
