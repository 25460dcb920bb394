/* fuzz_parquet_reader.c - libFuzzer harness for the public Parquet reader
 * (formats/parquet/parquet.h) on whole files.
 *
 * The input is a complete Parquet file held in memory (af_blob_open_memory).
 * It is described (text and JSON, as `parquet inspect` does), opened and read
 * to the end in small batches, touching values through af_array_format_json.
 * Invariants, beyond "no crash, leak, hang or undefined behaviour" (the fuzz
 * build runs ASan/UBSan):
 *  - a failed call leaves a message and no reader;
 *  - every batch has the reader's schema, 1..max_rows rows and columns of
 *    that length; a batch never outgrows the batch limits by far;
 *  - reading is deterministic: when the whole file reads, reading only its
 *    last top-level column (projection) gives the same values;
 *  - what reads, writes: the batches read are written again through the
 *    writer (options from the byte before the footer length: codec, page
 *    version, dictionary with a tiny limit, tiny pages, row groups of 3 rows,
 *    page index), which may refuse with a message, and the file it writes
 *    must read back with the same schema and values (floats bit for bit).
 * Memory: the harness asks libFuzzer for a malloc limit (AF_FUZZ_MALLOC_MB,
 * 1024 MiB unless the command line sets -malloc_limit_mb), so any single
 * allocation above what the reader's own caps allow (one 1 GiB page) is
 * reported as a bug: a few hostile bytes must not cost gigabytes.
 * The seed corpus (corpus/parquet_reader) holds small parquet-testing files
 * and small files written by affluent's writer.
 */
#include "formats/parquet/parquet.h"

#include "../parquet_gen.c" /* pg_value_equal, pg_field_equal, pg_buf_sink */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Rows per batch: small, so row groups get sliced too. */
#define MAX_ROWS 100
/* Values formatted per column and batch (all of them would make a
 * compression bomb slow rather than find bugs). */
#define FORMAT_ROWS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Adds -malloc_limit_mb=N to the command line unless it has one: libFuzzer
 * parses its flags after this hook. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    for (int i = 1; i < *argc; i++)
        if (strncmp((*argv)[i], "-malloc_limit_mb=", 17) == 0)
            return 0;
    const char *env = getenv("AF_FUZZ_MALLOC_MB");
    static char flag[64];
    snprintf(flag, sizeof flag, "-malloc_limit_mb=%s", env && *env ? env : "1024");
    char **v = malloc(((size_t)*argc + 2) * sizeof *v); /* lives as long as the process */
    if (!v)
        return 0;
    for (int i = 0; i < *argc; i++)
        v[i] = (*argv)[i];
    v[*argc] = flag;
    v[*argc + 1] = NULL;
    (*argc)++;
    *argv = v;
    return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* Reads the whole file through a reader on `blob`, projecting `columns`
 * (NULL = all). Returns the reader's result; when the reader opens,
 * *hashes receives (malloc'd) one hash per top-level column of the formatted
 * values, *schema_out (when not NULL) a copy of the schema. */
static int read_file(af_blob *blob, const char *const *columns, size_t n_columns, uint64_t **hashes,
                     af_schema **schema_out, af_batch ***keep, size_t *n_keep)
{
    af_parquet_read_options o;
    memset(&o, 0, sizeof o);
    o.columns = columns;
    o.n_columns = n_columns;
    o.limits = AF_BATCH_DEFAULT_LIMITS;
    o.limits.max_rows = MAX_ROWS;
    af_error err;
    memset(&err, 0, sizeof err);
    af_parquet_reader *r = NULL;
    int rc = af_parquet_reader_open(blob, &o, &r, &err);
    if (rc) {
        CHECK(rc < 0);
        CHECK(r == NULL);
        CHECK(err.msg[0] != '\0');
        return rc;
    }
    const af_schema *s = af_parquet_reader_schema(r);
    CHECK(s != NULL);
    CHECK(columns == NULL || s->n_fields == n_columns);
    uint64_t *h = malloc((s->n_fields + 1) * sizeof *h);
    CHECK(h != NULL);
    for (size_t c = 0; c <= s->n_fields; c++)
        h[c] = 1469598103934665603ull;
    *hashes = h;
    CHECK(af_parquet_reader_num_rows(r) >= 0);
    int sel = -1, total = -1;
    CHECK(af_parquet_reader_row_groups(r, &sel, &total) == 0);
    CHECK(sel >= 0 && sel <= total);
    if (schema_out)
        *schema_out = af_schema_copy(s);

    af_buf out;
    af_buf_init(&out);
    af_batch *b = NULL;
    for (;;) {
        rc = af_parquet_reader_next(r, &b, &err);
        if (rc) {
            CHECK(rc < 0);
            CHECK(b == NULL);
            CHECK(err.msg[0] != '\0');
            break;
        }
        if (!b)
            break;
        CHECK(b->n_rows > 0 && b->n_rows <= MAX_ROWS);
        CHECK(b->schema->n_fields == s->n_fields);
        for (size_t c = 0; c < b->schema->n_fields; c++) {
            const af_array *a = &b->columns[c];
            CHECK(a->length == b->n_rows);
            CHECK(a->null_count >= 0 && a->null_count <= a->length);
            for (int64_t i = 0; i < a->length && i < FORMAT_ROWS; i++) {
                af_buf_reset(&out);
                CHECK(af_array_format_json(a, i, &out) >= 0);
                CHECK(out.len > 0);
                h[c] = fnv(h[c], out.data, out.len);
            }
            if (a->length > FORMAT_ROWS) { /* and the last value */
                af_buf_reset(&out);
                CHECK(af_array_format_json(a, a->length - 1, &out) >= 0);
                h[c] = fnv(h[c], out.data, out.len);
            }
        }
        if (keep) {
            af_batch **k = realloc(*keep, (*n_keep + 1) * sizeof *k);
            CHECK(k != NULL);
            *keep = k;
            k[(*n_keep)++] = b;
        } else
            af_batch_release(b);
    }
    af_buf_free(&out);
    af_parquet_reader_free(r);
    return rc;
}

/* Whatever the reader returns, the writer writes (or refuses with a
 * message), and the file it writes reads back as the same schema and the
 * same values (floats bit for bit). Options come from `mode`. */
static void rewrite(const af_schema *s, af_batch **batches, size_t n, uint8_t mode)
{
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    o.codec = (mode & 1) ? 1 /* snappy */ : 0;
    o.data_page_version = (mode & 2) ? 2 : 1;
    o.dictionary = (mode & 4) != 0;
    o.dictionary_max_bytes = 64;
    o.page_bytes = 128;
    o.row_group_rows = (mode & 8) ? 3 : 0;
    o.page_index = (mode & 16) != 0;
    af_error err;
    memset(&err, 0, sizeof err);
    af_buf file;
    af_buf_init(&file);
    af_parquet_writer *w = NULL;
    int rc = af_parquet_writer_open(pg_buf_sink(&file), s, &o, &w, &err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = af_parquet_writer_write(w, batches[i], &err);
    if (!rc)
        rc = af_parquet_writer_finish(w, &err);
    af_parquet_writer_free(w);
    if (rc) { /* refusing is fine, silently or without a reason is not */
        CHECK(rc < 0 && err.msg[0] != '\0');
        af_buf_free(&file);
        return;
    }
    af_blob *blob = NULL;
    CHECK(af_blob_open_memory(file.data, file.len, "rewritten.parquet", &blob, &err) == 0);
    af_parquet_reader *r = NULL;
    if (af_parquet_reader_open(blob, NULL, &r, &err) != 0) {
        fprintf(stderr, "the writer's file does not open: %s\n", err.msg);
        abort();
    }
    const af_schema *rs = af_parquet_reader_schema(r);
    CHECK(rs->n_fields == s->n_fields);
    af_buf why;
    af_buf_init(&why);
    for (size_t c = 0; c < s->n_fields; c++)
        if (!pg_field_equal(&s->fields[c], &rs->fields[c], &why)) {
            fprintf(stderr, "schema changed by a rewrite: %s\n", af_buf_cstr(&why));
            abort();
        }
    size_t eb = 0;
    int64_t ei = 0;
    af_batch *b = NULL;
    while ((rc = af_parquet_reader_next(r, &b, &err)) == 0 && b) {
        for (int64_t j = 0; j < b->n_rows; j++, ei++) {
            while (eb < n && ei >= batches[eb]->n_rows) {
                eb++;
                ei = 0;
            }
            CHECK(eb < n);
            for (size_t c = 0; c < s->n_fields; c++)
                if (!pg_value_equal(&batches[eb]->columns[c], ei, &b->columns[c], j, &why)) {
                    fprintf(stderr, "value changed by a rewrite (mode %u): %s\n", mode,
                            af_buf_cstr(&why));
                    abort();
                }
        }
        af_batch_release(b);
    }
    if (rc) {
        fprintf(stderr, "the writer's file does not read: %s\n", err.msg);
        abort();
    }
    while (eb < n && ei >= batches[eb]->n_rows) {
        eb++;
        ei = 0;
    }
    CHECK(eb == n); /* every row came back */
    af_buf_free(&why);
    af_parquet_reader_free(r);
    af_blob_close(blob);
    af_buf_free(&file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    af_blob *blob = NULL;
    af_error err;
    memset(&err, 0, sizeof err);
    CHECK(af_blob_open_memory(data, size, "fuzz.parquet", &blob, &err) == 0);

    for (int json = 0; json < 2; json++) {
        af_buf out;
        af_buf_init(&out);
        int rc = af_parquet_describe(blob, json != 0, &out, &err);
        CHECK(rc <= 0);
        CHECK(rc == 0 || err.msg[0] != '\0');
        af_buf_free(&out);
    }

    uint64_t *h_all = NULL, *h_proj = NULL;
    af_schema *schema = NULL;
    af_batch **batches = NULL;
    size_t n_batches = 0;
    int rc = read_file(blob, NULL, 0, &h_all, &schema, &batches, &n_batches);
    if (rc == 0) {
        int64_t rows = 0;
        for (size_t i = 0; i < n_batches; i++)
            rows += batches[i]->n_rows;
        if (rows <= 20000)
            rewrite(schema, batches, n_batches, size > 8 ? data[size - 9] : 0);
    }
    for (size_t i = 0; i < n_batches; i++)
        af_batch_release(batches[i]);
    free(batches);
    if (rc == 0 && schema->n_fields > 1) {
        /* the last column read alone has the same values (when its name is
         * unique: projection selects by name) */
        size_t last = schema->n_fields - 1;
        const char *name = schema->fields[last].name;
        if (af_schema_find(schema, name) == (long)last) {
            const char *col[1] = {name};
            CHECK(read_file(blob, col, 1, &h_proj, NULL, NULL, NULL) == 0);
            CHECK(h_proj[0] == h_all[last]);
        }
    }
    free(h_all);
    free(h_proj);
    af_schema_free(schema);
    af_blob_close(blob);
    return 0;
}
