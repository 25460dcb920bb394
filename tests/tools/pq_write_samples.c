/* pq_write_samples.c - writes deterministic Parquet sample files through
 * affluent's writer, for tests/integration/test_parquet_duckdb.sh (DuckDB
 * reads each file and its values are compared with
 * `affluent parquet cat --format ndjson`).
 *
 * Usage: pq_write_samples OUTDIR
 * Writes OUTDIR/<name>.parquet and prints each file name, one per line:
 *   flat_<codec>_v<1|2>_<dict|plain>  every scalar type (nullable and not),
 *                                     for each codec (uncompressed, snappy,
 *                                     gzip, zstd, lz4_raw, brotli), data page
 *                                     v1 and v2, dictionary on and off
 *   nested_<codec>_v<1|2>             structs, lists (3-level), maps, nested
 *                                     up to 3 deep (dictionary on for v1)
 *   dict_fallback                     high-cardinality columns whose
 *                                     dictionary outgrows its limit mid-chunk
 *   many_row_groups                   tiny row groups and pages, page index
 *   all_nulls, float_specials (NaN, +-inf, -0.0, extremes), seconds
 *   (time[s]/timestamp[s], read back as milliseconds), empty (no rows)
 *   random_<n>                        random nested schemas (parquet_gen)
 * Values are "tame" (parquet_gen.h): years 1..9999, valid printable UTF-8
 * (multibyte included), time[ns] and timestamp[ns, UTC] in whole microseconds
 * (DuckDB reads both in microseconds), unique map keys,
 * so that any correct reader returns the same values. Tz-aware timestamps
 * use "UTC". Same binary, same bytes.
 */
#include "parquet_gen.c"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct file_sink {
    FILE *f;
    const char *path;
} file_sink;

static int file_write(void *ctx, const void *data, size_t n, af_error *err)
{
    file_sink *s = ctx;
    if (n && fwrite(data, 1, n, s->f) != n)
        return af_error_set(err, AF_EIO, "%s: %s", s->path, strerror(errno));
    return 0;
}

static void add(af_schema *s, const char *name, af_type t, bool nullable)
{
    af_schema_add_simple(s, name, t, nullable);
}

/* Every scalar type; every third column is not nullable. */
static af_schema *flat_schema(void)
{
    af_schema *s = af_schema_new();
    struct {
        const char *name;
        af_type t;
    } cols[] = {
        {"b", af_type_make(AF_TYPE_BOOL)},
        {"i8", af_type_make(AF_TYPE_INT8)},
        {"i16", af_type_make(AF_TYPE_INT16)},
        {"i32", af_type_make(AF_TYPE_INT32)},
        {"i64", af_type_make(AF_TYPE_INT64)},
        {"f32", af_type_make(AF_TYPE_FLOAT32)},
        {"f64", af_type_make(AF_TYPE_FLOAT64)},
        {"dec_1_0", af_type_decimal(1, 0)},
        {"dec_9_2", af_type_decimal(9, 2)},
        {"dec_18_9", af_type_decimal(18, 9)},
        {"dec_19_4", af_type_decimal(19, 4)},
        {"dec_38_10", af_type_decimal(38, 10)},
        {"dec_38_38", af_type_decimal(38, 38)},
        {"s", af_type_make(AF_TYPE_STRING)},
        {"bin", af_type_make(AF_TYPE_BINARY)},
        {"d", af_type_make(AF_TYPE_DATE)},
        {"t_ms", af_type_time(AF_UNIT_MILLI)},
        {"t_us", af_type_time(AF_UNIT_MICRO)},
        {"t_ns", af_type_time(AF_UNIT_NANO)},
        {"ts_ms", af_type_timestamp(AF_UNIT_MILLI, NULL)},
        {"ts_us", af_type_timestamp(AF_UNIT_MICRO, NULL)},
        {"ts_ns", af_type_timestamp(AF_UNIT_NANO, NULL)},
        {"tsz_ms", af_type_timestamp(AF_UNIT_MILLI, "UTC")},
        {"tsz_us", af_type_timestamp(AF_UNIT_MICRO, "UTC")},
        {"tsz_ns", af_type_timestamp(AF_UNIT_NANO, "UTC")},
        {"u", af_type_make(AF_TYPE_UUID)},
        {"j", af_type_make(AF_TYPE_JSON)},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        add(s, cols[i].name, cols[i].t, i % 3 != 2);
    return s;
}

static void scalar(af_field *f, const char *name, af_type t, bool nullable)
{
    pg_field_scalar(f, name, t, nullable);
}

/* Takes ownership of f (frees it after copying into s). */
static void add_field(af_schema *s, af_field *f)
{
    af_schema_add(s, f);
    af_field_free(f);
}

static void add_child(af_field *parent, af_field *child)
{
    af_field_add_child(parent, child);
    af_field_free(child);
}

static af_schema *nested_schema(void)
{
    af_schema *s = af_schema_new();
    af_field a, b, c, d, e, f;
    /* st: struct<a int32, b string not null, c struct<d list<int64>, e date>> */
    pg_field_struct(&a, "st", true);
    scalar(&b, "a", af_type_make(AF_TYPE_INT32), true);
    add_child(&a, &b);
    scalar(&b, "b", af_type_make(AF_TYPE_STRING), false);
    add_child(&a, &b);
    pg_field_struct(&c, "c", true);
    scalar(&d, "item", af_type_make(AF_TYPE_INT64), true);
    pg_field_list(&e, "d", true, &d);
    af_field_free(&d);
    add_child(&c, &e);
    scalar(&e, "e", af_type_make(AF_TYPE_DATE), true);
    add_child(&c, &e);
    add_child(&a, &c);
    add_field(s, &a);
    /* ls: list<string>; ln: list<int32 not null> not null */
    scalar(&b, "item", af_type_make(AF_TYPE_STRING), true);
    pg_field_list(&a, "ls", true, &b);
    af_field_free(&b);
    add_field(s, &a);
    scalar(&b, "item", af_type_make(AF_TYPE_INT32), false);
    pg_field_list(&a, "ln", false, &b);
    af_field_free(&b);
    add_field(s, &a);
    /* lst: list<struct<x float64, y list<date>, z decimal(25,5)>> */
    pg_field_struct(&b, "item", true);
    scalar(&c, "x", af_type_make(AF_TYPE_FLOAT64), true);
    add_child(&b, &c);
    scalar(&d, "item", af_type_make(AF_TYPE_DATE), true);
    pg_field_list(&c, "y", true, &d);
    af_field_free(&d);
    add_child(&b, &c);
    scalar(&c, "z", af_type_decimal(25, 5), true);
    add_child(&b, &c);
    pg_field_list(&a, "lst", true, &b);
    af_field_free(&b);
    add_field(s, &a);
    /* m: map<string, int32> */
    scalar(&b, "key", af_type_make(AF_TYPE_STRING), false);
    scalar(&c, "value", af_type_make(AF_TYPE_INT32), true);
    pg_field_map(&a, "m", true, &b, &c);
    af_field_free(&b);
    af_field_free(&c);
    add_field(s, &a);
    /* mk: map<int64, list<string>> not null */
    scalar(&b, "key", af_type_make(AF_TYPE_INT64), false);
    scalar(&d, "item", af_type_make(AF_TYPE_STRING), true);
    pg_field_list(&c, "value", true, &d);
    af_field_free(&d);
    pg_field_map(&a, "mk", false, &b, &c);
    af_field_free(&b);
    af_field_free(&c);
    add_field(s, &a);
    /* mdec: map<decimal(20,2), struct<p uuid, q timestamp[us, UTC], r binary>> */
    scalar(&b, "key", af_type_decimal(20, 2), false);
    pg_field_struct(&c, "value", true);
    scalar(&d, "p", af_type_make(AF_TYPE_UUID), true);
    add_child(&c, &d);
    scalar(&d, "q", af_type_timestamp(AF_UNIT_MICRO, "UTC"), true);
    add_child(&c, &d);
    scalar(&d, "r", af_type_make(AF_TYPE_BINARY), true);
    add_child(&c, &d);
    pg_field_map(&a, "mdec", true, &b, &c);
    af_field_free(&b);
    af_field_free(&c);
    add_field(s, &a);
    /* lll: list<list<list<int16>>> */
    scalar(&d, "item", af_type_make(AF_TYPE_INT16), true);
    pg_field_list(&c, "item", true, &d);
    af_field_free(&d);
    pg_field_list(&b, "item", false, &c);
    af_field_free(&c);
    pg_field_list(&a, "lll", true, &b);
    af_field_free(&b);
    add_field(s, &a);
    /* sm: struct<m map<date, bool>, t time[us], j json, f float32> */
    pg_field_struct(&a, "sm", true);
    scalar(&b, "key", af_type_make(AF_TYPE_DATE), false);
    scalar(&c, "value", af_type_make(AF_TYPE_BOOL), true);
    pg_field_map(&d, "m", true, &b, &c);
    af_field_free(&b);
    af_field_free(&c);
    add_child(&a, &d);
    scalar(&f, "t", af_type_time(AF_UNIT_MICRO), true);
    add_child(&a, &f);
    scalar(&f, "j", af_type_make(AF_TYPE_JSON), true);
    add_child(&a, &f);
    scalar(&f, "f", af_type_make(AF_TYPE_FLOAT32), false);
    add_child(&a, &f);
    add_field(s, &a);
    return s;
}

static void tame_profile(pg_rng *r, pg_profile *p, int null_pct, int card, int max_str)
{
    memset(p, 0, sizeof *p);
    p->null_pct = null_pct;
    p->card = card;
    p->pool_seed = pg_u64(r);
    p->max_str = max_str;
    p->max_list = 4;
    p->tame = true;
}

typedef struct sample {
    const char *outdir;
    int failed;
} sample;

/* Writes `rows` rows of schema s in batches of `per_batch`, with one
 * profile per column, to OUTDIR/name.parquet. */
static void write_sample(sample *sm, const char *name, const af_schema *s, const pg_profile *prof,
                         int64_t rows, int64_t per_batch, const af_parquet_write_options *o,
                         uint64_t seed)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.parquet", sm->outdir, name);
    file_sink fs = {fopen(path, "wb"), path};
    if (!fs.f) {
        fprintf(stderr, "pq_write_samples: %s: %s\n", path, strerror(errno));
        sm->failed = 1;
        return;
    }
    pg_rng r;
    pg_seed(&r, seed);
    af_error err = {0};
    af_parquet_writer *w = NULL;
    af_byte_sink sink = {file_write, &fs};
    int rc = af_parquet_writer_open(sink, s, o, &w, &err);
    for (int64_t done = 0; !rc && done < rows; done += per_batch) {
        af_batch *b = af_batch_new(s);
        int64_t n = rows - done < per_batch ? rows - done : per_batch;
        rc = b ? pg_fill_batch(&r, b, n, prof) : AF_ENOMEM;
        if (rc)
            af_error_set(&err, rc, "generating rows for %s failed", name);
        else
            rc = af_parquet_writer_write(w, b, &err);
        af_batch_release(b);
    }
    if (!rc)
        rc = af_parquet_writer_finish(w, &err);
    af_parquet_writer_free(w);
    if (fclose(fs.f) != 0 && !rc)
        rc = af_error_set(&err, AF_EIO, "%s: %s", path, strerror(errno));
    if (rc) {
        fprintf(stderr, "pq_write_samples: %s: %s\n", name, err.msg);
        sm->failed = 1;
        remove(path);
        return;
    }
    printf("%s.parquet\n", name);
}

static const int codecs[] = {AF_CODEC_UNCOMPRESSED, AF_CODEC_SNAPPY,  AF_CODEC_GZIP,
                             AF_CODEC_ZSTD,         AF_CODEC_LZ4_RAW, AF_CODEC_BROTLI};
#define N_CODECS (sizeof codecs / sizeof codecs[0])

/* Profiles for a schema: nullable columns 10 % null, every other column
 * from a small pool (dictionary-friendly), some longer strings. */
static pg_profile *profiles_for(const af_schema *s, uint64_t seed, int null_pct)
{
    pg_profile *p = calloc(s->n_fields ? s->n_fields : 1, sizeof *p);
    pg_rng r;
    pg_seed(&r, seed);
    for (size_t i = 0; p && i < s->n_fields; i++)
        tame_profile(&r, &p[i], null_pct, i % 2 ? 0 : 8, i % 5 == 0 ? 300 : 24);
    return p;
}

static void opts(af_parquet_write_options *o, int codec, int version, bool dict)
{
    af_parquet_write_options_default(o);
    o->codec = codec;
    o->data_page_version = version;
    o->dictionary = dict;
    o->page_bytes = 4096;
    o->page_rows = 100; /* several pages per chunk even when dictionary indices are tiny */
    o->row_group_bytes = 64 * 1024;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pq_write_samples OUTDIR\n");
        return 2;
    }
    sample sm = {argv[1], 0};
    af_parquet_write_options o;
    char name[128];

    af_schema *flat = flat_schema();
    pg_profile *fp = profiles_for(flat, 1, 10);
    for (size_t c = 0; c < N_CODECS; c++)
        for (int v = 1; v <= 2; v++)
            for (int dict = 1; dict >= 0; dict--) {
                snprintf(name, sizeof name, "flat_%s_v%d_%s", pg_codec_name(codecs[c]), v,
                         dict ? "dict" : "plain");
                opts(&o, codecs[c], v, dict != 0);
                write_sample(&sm, name, flat, fp, 1000, 250, &o,
                             100 + c * 4 + (size_t)v * 2 + dict);
            }

    af_schema *nested = nested_schema();
    pg_profile *np = profiles_for(nested, 2, 10);
    for (size_t c = 0; c < N_CODECS; c++)
        for (int v = 1; v <= 2; v++) {
            snprintf(name, sizeof name, "nested_%s_v%d", pg_codec_name(codecs[c]), v);
            opts(&o, codecs[c], v, v == 1);
            write_sample(&sm, name, nested, np, 400, 100, &o, 200 + c * 2 + (size_t)v);
        }

    /* dictionary fallback: all values different, a 2 KiB dictionary limit,
     * one row group: the chunk starts dictionary-encoded and goes PLAIN */
    {
        af_schema *s = af_schema_new();
        add(s, "id", af_type_make(AF_TYPE_INT64), false);
        add(s, "name", af_type_make(AF_TYPE_STRING), true);
        add(s, "payload", af_type_make(AF_TYPE_BINARY), true);
        add(s, "amount", af_type_decimal(12, 2), true);
        add(s, "category", af_type_make(AF_TYPE_STRING), false);
        pg_rng r;
        pg_seed(&r, 3);
        pg_profile p[5];
        for (int i = 0; i < 5; i++)
            tame_profile(&r, &p[i], i == 0 || i == 4 ? 0 : 5, i == 4 ? 6 : 0, 40);
        opts(&o, AF_CODEC_SNAPPY, 1, true);
        o.dictionary_max_bytes = 2048;
        o.row_group_bytes = 64ll << 20;
        o.page_bytes = 8192;
        write_sample(&sm, "dict_fallback", s, p, 5000, 1000, &o, 300);
        af_schema_free(s);
    }

    /* many small row groups and pages, with the page index */
    {
        pg_profile *p = profiles_for(flat, 4, 10);
        opts(&o, AF_CODEC_ZSTD, 2, true);
        o.row_group_bytes = 4096;
        o.page_bytes = 256;
        o.page_index = true;
        write_sample(&sm, "many_row_groups", flat, p, 1500, 500, &o, 400);
        free(p);
    }

    /* every value null */
    {
        af_schema *s = af_schema_new();
        for (size_t i = 0; i < flat->n_fields; i++)
            add(s, flat->fields[i].name, flat->fields[i].type, true);
        for (size_t i = 0; i < nested->n_fields; i++)
            if (nested->fields[i].nullable)
                af_schema_add(s, &nested->fields[i]);
        pg_profile *p = profiles_for(s, 5, 100);
        opts(&o, AF_CODEC_GZIP, 1, true);
        write_sample(&sm, "all_nulls", s, p, 300, 300, &o, 500);
        free(p);
        af_schema_free(s);
    }

    /* NaN (with payloads), infinities, -0.0, denormals, extremes */
    {
        af_schema *s = af_schema_new();
        add(s, "f32", af_type_make(AF_TYPE_FLOAT32), true);
        add(s, "f64", af_type_make(AF_TYPE_FLOAT64), true);
        add(s, "f32_nn", af_type_make(AF_TYPE_FLOAT32), false);
        add(s, "f64_nn", af_type_make(AF_TYPE_FLOAT64), false);
        pg_rng r;
        pg_seed(&r, 6);
        pg_profile p[4];
        for (int i = 0; i < 4; i++) {
            tame_profile(&r, &p[i], 10, i == 1 ? 12 : 0, 8);
            p[i].specials = true;
        }
        opts(&o, AF_CODEC_UNCOMPRESSED, 1, true);
        write_sample(&sm, "float_specials", s, p, 500, 500, &o, 600);
        af_schema_free(s);
    }

    /* seconds: written as milliseconds */
    {
        af_schema *s = af_schema_new();
        add(s, "t_s", af_type_time(AF_UNIT_SECOND), true);
        add(s, "ts_s", af_type_timestamp(AF_UNIT_SECOND, NULL), true);
        add(s, "tsz_s", af_type_timestamp(AF_UNIT_SECOND, "UTC"), false);
        pg_profile *p = profiles_for(s, 7, 10);
        opts(&o, AF_CODEC_SNAPPY, 2, true);
        write_sample(&sm, "seconds", s, p, 200, 200, &o, 700);
        free(p);
        af_schema_free(s);
    }

    /* no rows at all */
    opts(&o, AF_CODEC_ZSTD, 1, true);
    write_sample(&sm, "empty", flat, fp, 0, 1, &o, 800);

    /* random nested schemas */
    for (int i = 1; i <= 6; i++) {
        pg_rng r;
        pg_seed(&r, 9000 + (uint64_t)i);
        pg_schema_opts so = {.min_fields = 3,
                             .max_fields = 8,
                             .max_depth = 3,
                             .nested_pct = 45,
                             .seconds = true,
                             .null_type = false};
        af_schema *s = pg_random_schema(&r, &so);
        pg_profile *p = calloc(s->n_fields, sizeof *p);
        for (size_t k = 0; k < s->n_fields; k++) {
            pg_random_profile(&r, &p[k]);
            p[k].tame = true;
            p[k].specials = false;
            if (p[k].max_str > 300)
                p[k].max_str = 300;
            if (p[k].max_list > 6)
                p[k].max_list = 6;
        }
        snprintf(name, sizeof name, "random_%d", i);
        opts(&o, codecs[(size_t)i % N_CODECS], 1 + i % 2, i % 3 != 0);
        write_sample(&sm, name, s, p, 300, 100, &o, 9100 + (uint64_t)i);
        free(p);
        af_schema_free(s);
    }

    free(fp);
    free(np);
    af_schema_free(flat);
    af_schema_free(nested);
    return sm.failed ? 1 : 0;
}
