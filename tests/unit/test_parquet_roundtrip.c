/* test_parquet_roundtrip.c - property test of the Parquet writer against
 * the reader: random schemas (flat and nested, every core type) and random
 * data (nulls, edge values, low and high cardinality) are written with
 * random options (codec and level, data page v1/v2, dictionary on/off with a
 * small dictionary limit, tiny pages and row groups, page index on/off) into
 * memory, read back and compared value by value, exactly (floats bit for
 * bit). Also checked: the schema read back (with the normalisation the
 * format imposes: time[s]/timestamp[s] come back in milliseconds), row
 * counts, several row groups when they are small, the footer (codec, page
 * index, dictionary use, key-value metadata), projection of a random subset
 * of columns, and the writer's errors.
 *
 * Seeds: a fixed list by default; AF_ROUNDTRIP_SEED=N (or N,M,... or A-B)
 * runs others. A failure prints the seed and what differs.
 */
#include "formats/parquet/levels.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/parquet.h"
#include "io/codec.h"
#include "parquet_gen.c"
#include "test.h"

#include <stdarg.h>

/* ---- one round trip ---- */

typedef struct rt_case {
    uint64_t seed;
    af_schema *schema;   /* written */
    af_schema *expected; /* what the reader must report */
    pg_profile *profiles;
    af_batch **batches;
    size_t n_batches;
    int64_t rows;
    size_t data_bytes; /* af_batch_bytes of all batches */
    af_parquet_write_options o;
    const char *kv_keys[1], *kv_values[1];
    af_buf file;
    char fail[4096]; /* first failure */
} rt_case;

static void rt_fail(rt_case *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rt_fail(rt_case *c, const char *fmt, ...)
{
    if (c->fail[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->fail, sizeof c->fail, fmt, ap);
    va_end(ap);
}

static void rt_free(rt_case *c)
{
    for (size_t i = 0; i < c->n_batches; i++)
        af_batch_release(c->batches[i]);
    free(c->batches);
    free(c->profiles);
    af_schema_free(c->schema);
    af_schema_free(c->expected);
    af_buf_free(&c->file);
}

static void random_options(pg_rng *r, af_parquet_write_options *o)
{
    static const int codecs[] = {AF_CODEC_UNCOMPRESSED, AF_CODEC_SNAPPY, AF_CODEC_GZIP,
                                 AF_CODEC_BROTLI,       AF_CODEC_LZ4,    AF_CODEC_ZSTD,
                                 AF_CODEC_LZ4_RAW};
    af_parquet_write_options_default(o);
    o->codec = codecs[pg_below(r, sizeof codecs / sizeof codecs[0])];
    o->level = 0;
    if (pg_pct(r, 50)) {
        switch (o->codec) {
        case AF_CODEC_GZIP: o->level = (int)pg_range(r, 1, 9); break;
        case AF_CODEC_BROTLI: o->level = (int)pg_range(r, 1, 5); break; /* 11 is slow */
        case AF_CODEC_ZSTD: o->level = (int)pg_range(r, -5, 9); break;
        case AF_CODEC_LZ4_RAW: o->level = (int)pg_range(r, 0, 9); break;
        default: break;
        }
    }
    o->data_page_version = pg_pct(r, 50) ? 1 : 2;
    o->dictionary = pg_pct(r, 70);
    if (pg_pct(r, 50))
        o->dictionary_max_bytes = pg_range(r, 64, 4096);
    if (pg_pct(r, 70))
        o->page_bytes = pg_range(r, 64, 8192);
    if (pg_pct(r, 70))
        o->row_group_bytes = pg_range(r, 512, 65536);
    o->page_index = pg_pct(r, 50);
    if (pg_pct(r, 20))
        o->row_group_rows = pg_range(r, 1, 300);
    if (pg_pct(r, 20))
        o->page_rows = pg_range(r, 1, 500);
}

/* Builds schema, data and options from the seed. */
static int rt_generate(rt_case *c, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    af_buf_init(&c->file);
    c->seed = seed;
    pg_rng r;
    pg_seed(&r, seed);
    pg_schema_opts so = {.min_fields = 1,
                         .max_fields = (int)pg_range(&r, 1, 8),
                         .max_depth = pg_pct(&r, 40) ? 0 : (int)pg_range(&r, 1, 3),
                         .nested_pct = 40,
                         .seconds = true,
                         .null_type = true};
    c->schema = pg_random_schema(&r, &so);
    c->expected = c->schema ? pg_expected_schema(c->schema) : NULL;
    if (!c->expected)
        return AF_ENOMEM;
    size_t nf = c->schema->n_fields;
    c->profiles = calloc(nf, sizeof *c->profiles);
    if (!c->profiles)
        return AF_ENOMEM;
    for (size_t i = 0; i < nf; i++)
        pg_random_profile(&r, &c->profiles[i]);
    random_options(&r, &c->o);
    if (pg_pct(&r, 30)) {
        c->kv_keys[0] = "roundtrip.seed";
        c->kv_values[0] = "kv-value";
        c->o.kv_keys = c->kv_keys;
        c->o.kv_values = c->kv_values;
        c->o.n_kv = 1;
    }
    c->n_batches = (size_t)pg_range(&r, 1, 4);
    c->batches = calloc(c->n_batches, sizeof *c->batches);
    if (!c->batches)
        return AF_ENOMEM;
    /* smaller data for wide and deep schemas, so the test stays fast */
    int64_t max_rows = so.max_depth >= 2 ? 150 : 500;
    for (size_t i = 0; i < c->n_batches; i++) {
        c->batches[i] = af_batch_new(c->schema);
        if (!c->batches[i])
            return AF_ENOMEM;
        int64_t rows = pg_pct(&r, 10) ? 0 : pg_range(&r, 1, max_rows);
        int rc = pg_fill_batch(&r, c->batches[i], rows, c->profiles);
        if (rc)
            return rc;
        c->rows += rows;
        c->data_bytes += af_batch_bytes(c->batches[i]);
    }
    return 0;
}

static void describe_case(const rt_case *c)
{
    af_buf b;
    af_buf_init(&b);
    for (size_t i = 0; i < c->schema->n_fields; i++) {
        const pg_profile *p = &c->profiles[i];
        af_buf_printf(&b, "  %s: ", c->schema->fields[i].name);
        af_field_format_type(&c->schema->fields[i], &b);
        af_buf_printf(&b, "%s (nulls %d%%, card %d, max_str %d, max_list %d%s)\n",
                      c->schema->fields[i].nullable ? "" : " not null", p->null_pct, p->card,
                      p->max_str, p->max_list, p->specials ? ", specials" : "");
    }
    fprintf(stderr,
            "seed %llu: %lld rows in %zu batches; codec %s level %d, page v%d, dictionary %s "
            "(max %lld), page_bytes %lld, page_rows %lld, row_group_bytes %lld, row_group_rows "
            "%lld, page_index %s\n%s",
            (unsigned long long)c->seed, (long long)c->rows, c->n_batches,
            pg_codec_name(c->o.codec), c->o.level, c->o.data_page_version,
            c->o.dictionary ? "on" : "off", (long long)c->o.dictionary_max_bytes,
            (long long)c->o.page_bytes, (long long)c->o.page_rows, (long long)c->o.row_group_bytes,
            (long long)c->o.row_group_rows, c->o.page_index ? "on" : "off", af_buf_cstr(&b));
    af_buf_free(&b);
}

static int rt_write(rt_case *c)
{
    af_error err = {0};
    af_parquet_writer *w = NULL;
    int rc = af_parquet_writer_open(pg_buf_sink(&c->file), c->schema, &c->o, &w, &err);
    if (rc) {
        rt_fail(c, "writer_open: %s", err.msg);
        return rc;
    }
    for (size_t i = 0; !rc && i < c->n_batches; i++)
        if ((rc = af_parquet_writer_write(w, c->batches[i], &err)))
            rt_fail(c, "writer_write (batch %zu): %s", i, err.msg);
    if (!rc && (rc = af_parquet_writer_finish(w, &err)))
        rt_fail(c, "writer_finish: %s", err.msg);
    af_parquet_writer_free(w);
    return rc;
}

/* Reads the file back (columns: indexes into the written schema, NULL =
 * all) and compares every value with the written batches. Returns the
 * number of differences found (0 or 1: the first stops it). */
static int rt_read_compare(rt_case *c, const size_t *cols, size_t n_cols, int64_t max_rows)
{
    af_error err = {0};
    af_blob *blob = NULL;
    if (af_blob_open_memory(c->file.data, c->file.len, "roundtrip.parquet", &blob, &err)) {
        rt_fail(c, "blob: %s", err.msg);
        return 1;
    }
    const char *names[64];
    af_parquet_read_options ro;
    memset(&ro, 0, sizeof ro);
    ro.limits = AF_BATCH_DEFAULT_LIMITS;
    if (max_rows > 0)
        ro.limits.max_rows = max_rows;
    if (cols) {
        for (size_t k = 0; k < n_cols; k++)
            names[k] = c->schema->fields[cols[k]].name;
        ro.columns = names;
        ro.n_columns = n_cols;
    } else
        n_cols = c->schema->n_fields;
    af_parquet_reader *rd = NULL;
    int bad = 0;
    if (af_parquet_reader_open(blob, &ro, &rd, &err)) {
        rt_fail(c, "reader_open%s: %s", cols ? " (projection)" : "", err.msg);
        af_blob_close(blob);
        return 1;
    }
    const af_schema *rs = af_parquet_reader_schema(rd);
    if (rs->n_fields != n_cols) {
        rt_fail(c, "read schema has %zu columns, expected %zu", rs->n_fields, n_cols);
        bad = 1;
    }
    for (size_t k = 0; !bad && k < n_cols; k++) {
        af_buf why;
        af_buf_init(&why);
        if (!pg_field_equal(&c->expected->fields[cols ? cols[k] : k], &rs->fields[k], &why)) {
            rt_fail(c, "schema read back: %s", af_buf_cstr(&why));
            bad = 1;
        }
        af_buf_free(&why);
    }
    if (!bad && af_parquet_reader_num_rows(rd) != c->rows) {
        rt_fail(c, "num_rows %lld, expected %lld", (long long)af_parquet_reader_num_rows(rd),
                (long long)c->rows);
        bad = 1;
    }
    size_t eb = 0;    /* expected batch */
    int64_t ei = 0;   /* row in it */
    int64_t seen = 0; /* rows read */
    af_batch *b = NULL;
    int rc = 0;
    while (!bad && (rc = af_parquet_reader_next(rd, &b, &err)) == 0 && b) {
        if (max_rows > 0 && b->n_rows > max_rows) {
            rt_fail(c, "a batch of %lld rows, the limit is %lld", (long long)b->n_rows,
                    (long long)max_rows);
            bad = 1;
        }
        for (int64_t j = 0; !bad && j < b->n_rows; j++, seen++, ei++) {
            while (eb < c->n_batches && ei >= c->batches[eb]->n_rows) {
                eb++;
                ei = 0;
            }
            if (eb == c->n_batches) {
                rt_fail(c, "more rows read than written (%lld)", (long long)c->rows);
                bad = 1;
                break;
            }
            for (size_t k = 0; !bad && k < n_cols; k++) {
                size_t col = cols ? cols[k] : k;
                af_buf why;
                af_buf_init(&why);
                if (!pg_value_equal(&c->batches[eb]->columns[col], ei, &b->columns[k], j, &why)) {
                    rt_fail(c, "row %lld%s: %s", (long long)seen, cols ? " (projection)" : "",
                            af_buf_cstr(&why));
                    bad = 1;
                }
                af_buf_free(&why);
            }
        }
        af_batch_release(b);
        b = NULL;
    }
    if (rc) {
        rt_fail(c, "reader_next%s: %s", cols ? " (projection)" : "", err.msg);
        bad = 1;
    }
    if (!bad && seen != c->rows) {
        rt_fail(c, "%lld rows read, %lld written", (long long)seen, (long long)c->rows);
        bad = 1;
    }
    af_parquet_reader_free(rd);
    af_blob_close(blob);
    return bad;
}

static int mem_read_at(void *ctx, uint64_t off, void *buf, size_t n, af_error *err)
{
    const af_buf *f = ctx;
    if (off > f->len || n > f->len - off)
        return af_error_set(err, AF_EIO, "read past the end");
    memcpy(buf, f->data + off, n);
    return 0;
}

static bool has_encoding(const af_pq_column_meta *cm, int32_t enc)
{
    for (size_t i = 0; i < cm->n_encodings; i++)
        if (cm->encodings[i] == enc)
            return true;
    return false;
}

/* Pages of a chunk, from its offset index; -1 when it has none. */
static int64_t chunk_pages(const af_buf *file, const af_pq_column_chunk *cc)
{
    if (!cc->has_offset_index || cc->offset_index_offset < 0 || cc->offset_index_length <= 0 ||
        (uint64_t)cc->offset_index_offset + (uint64_t)cc->offset_index_length > file->len)
        return -1;
    af_pq_offset_index *oi = NULL;
    af_error err;
    if (af_pq_offset_index_decode(file->data + cc->offset_index_offset,
                                  (size_t)cc->offset_index_length, "oi", &oi, &err))
        return -1;
    int64_t n = (int64_t)oi->n_pages;
    af_pq_offset_index_free(oi);
    return n;
}

/* What the pages of one column chunk are, from their headers. */
typedef struct chunk_pages_info {
    int dict_pages, v1_pages, v2_pages, dict_data_pages, plain_data_pages, plain_value_pages;
    bool dict_after_plain;   /* a dictionary-encoded data page after a PLAIN one */
    int64_t max_data_page;   /* largest uncompressed data page */
    int64_t max_page_values; /* most level entries in a data page */
    char err[1200];
} chunk_pages_info;

static int walk_pages(const af_buf *file, const af_pq_column_meta *cm, chunk_pages_info *pi)
{
    memset(pi, 0, sizeof *pi);
    int64_t start = cm->data_page_offset;
    if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
        cm->dictionary_page_offset < start)
        start = cm->dictionary_page_offset;
    if (start < 0 || cm->total_compressed_size < 0 ||
        (uint64_t)start + (uint64_t)cm->total_compressed_size > file->len) {
        snprintf(pi->err, sizeof pi->err, "chunk range outside the file");
        return -1;
    }
    size_t pos = (size_t)start, end = pos + (size_t)cm->total_compressed_size;
    while (pos < end) {
        af_pq_page_header h;
        size_t used = 0;
        af_error err;
        if (af_pq_page_header_decode(file->data + pos, end - pos, "chunk", &h, &used, NULL, &err)) {
            snprintf(pi->err, sizeof pi->err, "page header at %zu: %s", pos, err.msg);
            return -1;
        }
        pos += used + (size_t)h.compressed_page_size;
        int32_t enc = -1;
        if (h.type == AF_PQ_PAGE_DICTIONARY) {
            pi->dict_pages++;
            continue;
        } else if (h.type == AF_PQ_PAGE_DATA) {
            pi->v1_pages++;
            enc = h.data_page_header.encoding;
        } else if (h.type == AF_PQ_PAGE_DATA_V2) {
            pi->v2_pages++;
            enc = h.data_page_header_v2.encoding;
        }
        int64_t nv = h.type == AF_PQ_PAGE_DATA      ? h.data_page_header.num_values
                     : h.type == AF_PQ_PAGE_DATA_V2 ? h.data_page_header_v2.num_values
                                                    : 0;
        if (nv > pi->max_page_values)
            pi->max_page_values = nv;
        if (h.uncompressed_page_size > pi->max_data_page)
            pi->max_data_page = h.uncompressed_page_size;
        if (enc == AF_PQ_ENC_RLE_DICTIONARY || enc == AF_PQ_ENC_PLAIN_DICTIONARY) {
            pi->dict_data_pages++;
            pi->dict_after_plain |= pi->plain_value_pages > 0;
        } else if (enc == AF_PQ_ENC_PLAIN) {
            /* a page of nulls only says PLAIN (it has no values to encode), so
             * only PLAIN pages known to hold values mean the dictionary was
             * left: v2 headers say so (num_nulls), v1 ones only through page
             * statistics, which affluent does not write */
            const af_pq_statistics *st = h.type == AF_PQ_PAGE_DATA
                                             ? &h.data_page_header.statistics
                                             : &h.data_page_header_v2.statistics;
            bool has_st = h.type == AF_PQ_PAGE_DATA ? h.data_page_header.has_statistics
                                                    : h.data_page_header_v2.has_statistics;
            bool has_values = h.type == AF_PQ_PAGE_DATA_V2
                                  ? h.data_page_header_v2.num_nulls < nv
                                  : has_st && st->has_null_count && st->null_count < nv;
            pi->plain_data_pages++;
            pi->plain_value_pages += has_values; /* known to hold values */
        }
    }
    if (pos != end) {
        snprintf(pi->err, sizeof pi->err, "pages end at %zu, the chunk at %zu", pos, end);
        return -1;
    }
    return 0;
}

/* Bytes of the non-null values of flat column f in the first `rows` rows
 * (byte arrays: length + 4, as PLAIN stores them). */
static int64_t value_bytes_of(const rt_case *c, size_t f, int64_t rows)
{
    int64_t total = 0, row = 0;
    for (size_t k = 0; k < c->n_batches && row < rows; k++) {
        const af_array *a = &c->batches[k]->columns[f];
        for (int64_t i = 0; i < a->length && row < rows; i++, row++) {
            if (!af_array_is_valid(a, i))
                continue;
            size_t n = 4;
            if (a->field->type.id == AF_TYPE_STRING || a->field->type.id == AF_TYPE_BINARY ||
                a->field->type.id == AF_TYPE_JSON) {
                af_array_get_bytes(a, i, &n);
                n += 4;
            }
            total += (int64_t)n;
        }
    }
    return total;
}

static bool has_repeated(const af_field *f)
{
    if (f->type.id == AF_TYPE_LIST || f->type.id == AF_TYPE_MAP)
        return true;
    for (size_t i = 0; i < f->n_children; i++)
        if (has_repeated(&f->children[i]))
            return true;
    return false;
}

/* Checks the footer against the options. */
static int rt_check_footer(rt_case *c)
{
    af_error err = {0};
    af_pq_file_meta *m = NULL;
    if (af_pq_footer_read(mem_read_at, &c->file, c->file.len, "roundtrip.parquet", &m, &err)) {
        rt_fail(c, "footer: %s", err.msg);
        return 1;
    }
    int bad = 0;
    int64_t sum = 0;
    bool repeated = false; /* any list or map */
    for (size_t f = 0; f < c->schema->n_fields; f++)
        repeated |= has_repeated(&c->schema->fields[f]);
    int max_str = 0; /* longest string or binary value */
    for (size_t f = 0; f < c->schema->n_fields; f++)
        if (c->profiles[f].max_str > max_str)
            max_str = c->profiles[f].max_str;
    for (size_t g = 0; g < m->n_row_groups; g++)
        sum += m->row_groups[g].num_rows;
    if (sum != c->rows) {
        rt_fail(c, "row groups hold %lld rows, expected %lld", (long long)sum, (long long)c->rows);
        bad = 1;
    }
    /* small row groups: data several times the target must be split */
    if (!bad && c->o.row_group_bytes < 65536 && c->rows >= 100 &&
        (int64_t)c->data_bytes > 16 * c->o.row_group_bytes && m->n_row_groups < 2) {
        rt_fail(c, "one row group for %zu bytes of data, row_group_bytes %lld", c->data_bytes,
                (long long)c->o.row_group_bytes);
        bad = 1;
    }
    for (size_t g = 0; !bad && g < m->n_row_groups; g++) {
        const af_pq_row_group *rg = &m->row_groups[g];
        if (c->o.row_group_rows > 0 && rg->num_rows > c->o.row_group_rows) {
            rt_fail(c, "row group %zu has %lld rows, row_group_rows %lld", g,
                    (long long)rg->num_rows, (long long)c->o.row_group_rows);
            bad = 1;
        }
        if (rg->num_rows == 0) {
            rt_fail(c, "row group %zu is empty", g);
            bad = 1;
        }
        for (size_t k = 0; !bad && k < rg->n_columns; k++) {
            const af_pq_column_chunk *cc = &rg->columns[k];
            const af_pq_column_meta *cm = &cc->meta_data;
            if (cm->codec != c->o.codec) {
                rt_fail(c, "row group %zu chunk %zu: codec %d, expected %d", g, k, cm->codec,
                        c->o.codec);
                bad = 1;
            }
            bool dict = has_encoding(cm, AF_PQ_ENC_RLE_DICTIONARY) ||
                        has_encoding(cm, AF_PQ_ENC_PLAIN_DICTIONARY) ||
                        (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0);
            if (!c->o.dictionary && dict) {
                rt_fail(c, "row group %zu chunk %zu: dictionary used with dictionary off", g, k);
                bad = 1;
            }
            if (c->o.page_index != cc->has_offset_index) {
                rt_fail(c, "row group %zu chunk %zu: offset index %s with page_index %s", g, k,
                        cc->has_offset_index ? "present" : "absent",
                        c->o.page_index ? "on" : "off");
                bad = 1;
            }
            /* the pages themselves */
            chunk_pages_info pi;
            if (!bad && walk_pages(&c->file, cm, &pi)) {
                rt_fail(c, "row group %zu chunk %zu: %s", g, k, pi.err);
                bad = 1;
            }
            if (!bad && (c->o.data_page_version == 1 ? pi.v2_pages : pi.v1_pages) > 0) {
                rt_fail(c, "row group %zu chunk %zu: %d v1 and %d v2 data pages with version %d", g,
                        k, pi.v1_pages, pi.v2_pages, c->o.data_page_version);
                bad = 1;
            }
            if (!bad && !c->o.dictionary && (pi.dict_pages || pi.dict_data_pages)) {
                rt_fail(c, "row group %zu chunk %zu: dictionary pages with dictionary off", g, k);
                bad = 1;
            }
            if (!bad && (pi.dict_after_plain || pi.dict_pages > 1 ||
                         (pi.dict_data_pages > 0 && pi.dict_pages == 0))) {
                rt_fail(c,
                        "row group %zu chunk %zu: %d dictionary pages, %d dictionary-encoded "
                        "data pages%s",
                        g, k, pi.dict_pages, pi.dict_data_pages,
                        pi.dict_after_plain ? ", one after a PLAIN page" : "");
                bad = 1;
            }
            /* a page closes at page_bytes (one value and the levels may overshoot;
             * pages end at row boundaries, so with lists one row may be far larger) */
            if (!bad && !repeated && c->o.page_bytes <= 8192 &&
                pi.max_data_page > 2 * c->o.page_bytes + 4 * (int64_t)max_str + 16384) {
                rt_fail(c, "row group %zu chunk %zu: a data page of %lld bytes, page_bytes %lld", g,
                        k, (long long)pi.max_data_page, (long long)c->o.page_bytes);
                bad = 1;
            }
            if (!bad && !repeated && c->o.page_rows > 0 && pi.max_page_values > c->o.page_rows) {
                rt_fail(c, "row group %zu chunk %zu: a data page of %lld values, page_rows %lld", g,
                        k, (long long)pi.max_page_values, (long long)c->o.page_rows);
                bad = 1;
            }
            if (!bad && cm->has_encoding_stats) {
                int64_t n_dict = 0, plain = 0;
                for (size_t e = 0; e < cm->n_encoding_stats; e++) {
                    const af_pq_page_encoding_stats *es = &cm->encoding_stats[e];
                    if (es->page_type == AF_PQ_PAGE_DICTIONARY)
                        continue;
                    if (es->encoding == AF_PQ_ENC_PLAIN)
                        plain += es->count;
                    else
                        n_dict += es->count;
                }
                if (n_dict != pi.dict_data_pages || plain != pi.plain_data_pages) {
                    rt_fail(c,
                            "row group %zu chunk %zu: encoding_stats say %lld dictionary and %lld "
                            "PLAIN data pages, the chunk has %d and %d",
                            g, k, (long long)n_dict, (long long)plain, pi.dict_data_pages,
                            pi.plain_data_pages);
                    bad = 1;
                }
            }
            /* small pages: a chunk many times the page size has several */
            int64_t pages = chunk_pages(&c->file, cc);
            if (!bad && c->o.page_index && pages < 0) {
                rt_fail(c, "row group %zu chunk %zu: offset index unreadable", g, k);
                bad = 1;
            }
            /* (a dictionary page is bounded by dictionary_max_bytes, not page_bytes) */
            if (!bad && pages >= 0 && !dict && !repeated && c->o.page_bytes <= 8192 &&
                cm->num_values >= 64 && cm->total_uncompressed_size > 8 * c->o.page_bytes + 8192 &&
                pages < 2) {
                rt_fail(c,
                        "row group %zu chunk %zu: %lld uncompressed bytes in %lld page(s), "
                        "page_bytes %lld",
                        g, k, (long long)cm->total_uncompressed_size, (long long)pages,
                        (long long)c->o.page_bytes);
                bad = 1;
            }
        }
    }
    /* a flat column of a few short values uses the dictionary when it is on */
    for (size_t f = 0; !bad && c->o.dictionary && m->n_row_groups > 0 && f < c->schema->n_fields;
         f++) {
        const af_field *fd = &c->schema->fields[f];
        const pg_profile *p = &c->profiles[f];
        if (af_type_is_nested(fd->type.id) || fd->type.id == AF_TYPE_BOOL ||
            fd->type.id == AF_TYPE_NULL || p->card == 0 || p->max_str > 200 || p->null_pct == 100 ||
            c->o.dictionary_max_bytes < 16384 || c->rows < 50)
            continue;
        /* the leaf of a flat top-level column: its index counts the leaves before */
        size_t leaf = 0;
        for (size_t i = 0; i < f; i++)
            leaf += af_pq_leaf_count(&c->schema->fields[i]);
        const af_pq_column_meta *cm = &m->row_groups[0].columns[leaf].meta_data;
        int64_t valid = 0; /* values in the first row group that are not null */
        for (size_t k = 0, row = 0; k < c->n_batches && (int64_t)row < m->row_groups[0].num_rows;
             k++)
            for (int64_t i = 0;
                 i < c->batches[k]->n_rows && (int64_t)row < m->row_groups[0].num_rows; i++, row++)
                valid += af_array_is_valid(&c->batches[k]->columns[f], i);
        if (valid >= 50 && !has_encoding(cm, AF_PQ_ENC_RLE_DICTIONARY) &&
            !has_encoding(cm, AF_PQ_ENC_PLAIN_DICTIONARY)) {
            rt_fail(c, "column %s (%d distinct values at most) is not dictionary-encoded", fd->name,
                    p->card);
            bad = 1;
        }
    }
    /* a small dictionary overflows on many different values: the chunk starts
     * dictionary-encoded and goes on PLAIN */
    for (size_t f = 0; !bad && c->o.dictionary && c->o.dictionary_max_bytes <= 4096 &&
                       m->n_row_groups > 0 && f < c->schema->n_fields;
         f++) {
        const af_field *fd = &c->schema->fields[f];
        af_type_id id = fd->type.id;
        if (c->profiles[f].card != 0 ||
            (id != AF_TYPE_STRING && id != AF_TYPE_BINARY && id != AF_TYPE_INT64 &&
             id != AF_TYPE_FLOAT64 && id != AF_TYPE_UUID && id != AF_TYPE_TIMESTAMP) ||
            value_bytes_of(c, f, m->row_groups[0].num_rows) < 8 * c->o.dictionary_max_bytes)
            continue;
        size_t leaf = 0;
        for (size_t i = 0; i < f; i++)
            leaf += af_pq_leaf_count(&c->schema->fields[i]);
        chunk_pages_info pi;
        if (walk_pages(&c->file, &m->row_groups[0].columns[leaf].meta_data, &pi) == 0 &&
            (pi.dict_data_pages == 0 || pi.plain_data_pages == 0)) {
            rt_fail(c,
                    "column %s: %lld bytes of different values, dictionary_max_bytes %lld: "
                    "%d dictionary-encoded and %d PLAIN data pages (expected a fallback)",
                    fd->name, (long long)value_bytes_of(c, f, m->row_groups[0].num_rows),
                    (long long)c->o.dictionary_max_bytes, pi.dict_data_pages, pi.plain_data_pages);
            bad = 1;
        }
    }
    if (!bad && c->o.n_kv) {
        bool found = false;
        for (size_t i = 0; i < m->n_key_value; i++)
            found |= strcmp(m->key_value[i].key, c->kv_keys[0]) == 0 && m->key_value[i].value &&
                     strcmp(m->key_value[i].value, c->kv_values[0]) == 0;
        if (!found) {
            rt_fail(c, "key-value metadata %s=%s missing", c->kv_keys[0], c->kv_values[0]);
            bad = 1;
        }
    }
    af_pq_file_meta_free(m);
    return bad;
}

/* One seed: generate, write, read back (all columns, then a random
 * projection with a random batch size), compare. 0 = fine. */
static int run_seed(uint64_t seed, bool verbose)
{
    rt_case c;
    int rc = rt_generate(&c, seed);
    if (rc)
        rt_fail(&c, "generating the data failed (%d)", rc);
    if (!rc && verbose)
        describe_case(&c); /* before anything can crash */
    if (!rc && rt_write(&c) == 0 && rt_check_footer(&c) == 0 &&
        rt_read_compare(&c, NULL, 0, 0) == 0) {
        pg_rng r;
        pg_seed(&r, seed ^ 0x5eed);
        size_t n = c.schema->n_fields, cols[64], k = 0;
        for (size_t i = 0; i < n && i < 64; i++)
            cols[i] = i;
        for (size_t i = n; i > 1; i--) { /* shuffle */
            size_t j = (size_t)pg_below(&r, i), t = cols[i - 1];
            cols[i - 1] = cols[j];
            cols[j] = t;
        }
        k = (size_t)pg_range(&r, 1, (int64_t)n);
        rt_read_compare(&c, cols, k, pg_range(&r, 1, 300));
    }
    int bad = c.fail[0] != '\0';
    if (bad) {
        if (!verbose)
            describe_case(&c);
        if (bad)
            fprintf(stderr, "seed %llu FAILED: %s\n  (rerun: AF_ROUNDTRIP_SEED=%llu)\n",
                    (unsigned long long)seed, c.fail, (unsigned long long)seed);
    }
    rt_free(&c);
    return bad;
}

/* Seeds from AF_ROUNDTRIP_SEED: "N", "N,M,..." or "A-B". */
static size_t env_seeds(uint64_t *out, size_t max)
{
    const char *s = getenv("AF_ROUNDTRIP_SEED");
    size_t n = 0;
    while (s && *s && n < max) {
        char *end;
        unsigned long long a = strtoull(s, &end, 10);
        if (end == s)
            break;
        unsigned long long b = a;
        if (*end == '-') {
            s = end + 1;
            b = strtoull(s, &end, 10);
        }
        for (unsigned long long v = a; v <= b && n < max; v++)
            out[n++] = v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

TEST(roundtrip_random)
{
    static uint64_t seeds[100000];
    size_t n = env_seeds(seeds, sizeof seeds / sizeof seeds[0]);
    bool from_env = n > 0;
    if (!from_env)
        for (n = 0; n < 200; n++)
            seeds[n] = 1000 + n;
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        int bad = run_seed(seeds[i], getenv("AF_ROUNDTRIP_VERBOSE") != NULL);
        failed += bad;
        CHECK(!bad);
    }
    if (failed)
        fprintf(stderr, "%d of %zu seeds failed\n", failed, n);
}

/* The comparison itself must see a difference: the same file compared with
 * altered expectations (one value changed, one null added) fails, naming the
 * column. */
TEST(roundtrip_comparison_detects_differences)
{
    rt_case c;
    memset(&c, 0, sizeof c);
    af_buf_init(&c.file);
    c.seed = 42;
    c.schema = af_schema_new();
    af_schema_add_simple(c.schema, "i", af_type_make(AF_TYPE_INT64), true);
    af_schema_add_simple(c.schema, "f", af_type_make(AF_TYPE_FLOAT32), true);
    af_schema_add_simple(c.schema, "s", af_type_make(AF_TYPE_STRING), true);
    af_field item, l;
    pg_field_scalar(&item, "item", af_type_make(AF_TYPE_INT32), true);
    pg_field_list(&l, "l", true, &item);
    af_schema_add(c.schema, &l);
    af_field_free(&item);
    af_field_free(&l);
    c.expected = pg_expected_schema(c.schema);
    c.profiles = calloc(4, sizeof *c.profiles);
    for (int i = 0; i < 4; i++)
        c.profiles[i] = (pg_profile){.max_str = 8, .max_list = 3};
    c.n_batches = 1;
    c.batches = calloc(1, sizeof *c.batches);
    c.batches[0] = af_batch_new(c.schema);
    pg_rng r;
    pg_seed(&r, 42);
    CHECK_INT(pg_fill_batch(&r, c.batches[0], 20, c.profiles), 0);
    c.rows = 20;
    af_parquet_write_options_default(&c.o);
    CHECK_INT(rt_write(&c), 0);
    CHECK_INT(rt_read_compare(&c, NULL, 0, 0), 0);
    CHECK_STR(c.fail, "");
    af_batch *b = c.batches[0];
    struct {
        const char *col;
        uint8_t *byte;
    } muts[] = {
        {"i: values differ", b->columns[0].data.data + 8 * 3},
        {"f: values differ", b->columns[1].data.data + 4 * 5 + 3},
        {"s: values differ", b->columns[2].data.data + 2},
        {"l[", b->columns[3].children[0].data.data + 4},
    };
    for (size_t m = 0; m < sizeof muts / sizeof muts[0]; m++) {
        *muts[m].byte ^= 0x40;
        c.fail[0] = '\0';
        CHECK_INT(rt_read_compare(&c, NULL, 0, 0), 1);
        CHECK_CONTAINS(c.fail, muts[m].col);
        *muts[m].byte ^= 0x40;
    }
    /* a projection compares the right columns */
    size_t cols[] = {3, 0};
    c.fail[0] = '\0';
    CHECK_INT(rt_read_compare(&c, cols, 2, 7), 0);
    b->columns[0].data.data[8 * 19] ^= 1;
    CHECK_INT(rt_read_compare(&c, cols, 2, 7), 1);
    CHECK_CONTAINS(c.fail, "row 19 (projection): i: values differ");
    rt_free(&c);
}

/* ---- fixed cases ---- */

/* Writes `b` (schema s) with options o; returns the writer's result and
 * fills err; the file goes to *file. */
static int write_one(const af_schema *s, const af_batch *b, const af_parquet_write_options *o,
                     af_buf *file, af_error *err)
{
    af_parquet_writer *w = NULL;
    int rc = af_parquet_writer_open(pg_buf_sink(file), s, o, &w, err);
    if (rc)
        return rc;
    if (b)
        rc = af_parquet_writer_write(w, b, err);
    if (!rc)
        rc = af_parquet_writer_finish(w, err);
    af_parquet_writer_free(w);
    return rc;
}

TEST(roundtrip_time_seconds_normalised)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "t", af_type_time(AF_UNIT_SECOND), true);
    af_schema_add_simple(s, "ts", af_type_timestamp(AF_UNIT_SECOND, NULL), false);
    af_schema_add_simple(s, "tz", af_type_timestamp(AF_UNIT_SECOND, "UTC"), true);
    af_batch *b = af_batch_new(s);
    const int64_t t[] = {0, 1, 86399}, ts[] = {-62135596800ll, 0, 1700000000};
    for (int i = 0; i < 3; i++) {
        CHECK_INT(af_array_append_int(&b->columns[0], t[i]), 0);
        CHECK_INT(af_array_append_int(&b->columns[1], ts[i]), 0);
        CHECK_INT(i == 1 ? af_array_append_null(&b->columns[2])
                         : af_array_append_int(&b->columns[2], ts[i]),
                  0);
    }
    af_error err = {0};
    CHECK_INT(af_batch_seal(b, &err), 0);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    af_buf file;
    af_buf_init(&file);
    CHECK_INT(write_one(s, b, &o, &file, &err), 0);
    af_blob *blob = NULL;
    CHECK_INT(af_blob_open_memory(file.data, file.len, "sec.parquet", &blob, &err), 0);
    af_parquet_reader *r = NULL;
    CHECK_INT(af_parquet_reader_open(blob, NULL, &r, &err), 0);
    if (r) {
        const af_schema *rs = af_parquet_reader_schema(r);
        CHECK_INT(rs->fields[0].type.unit, AF_UNIT_MILLI);
        CHECK_INT(rs->fields[1].type.unit, AF_UNIT_MILLI);
        CHECK(rs->fields[1].type.timezone == NULL);
        CHECK_STR(rs->fields[2].type.timezone, "UTC");
        af_batch *got = NULL;
        CHECK_INT(af_parquet_reader_next(r, &got, &err), 0);
        CHECK(got && got->n_rows == 3);
        if (got && got->n_rows == 3) {
            CHECK_INT(af_array_get_int(&got->columns[0], 2), 86399000);
            CHECK_INT(af_array_get_int(&got->columns[1], 0), -62135596800000ll);
            CHECK_INT(af_array_get_int(&got->columns[2], 2), 1700000000000ll);
            CHECK(!af_array_is_valid(&got->columns[2], 1));
            for (size_t c = 0; c < 3; c++)
                for (int64_t i = 0; i < 3; i++)
                    CHECK(pg_value_equal(&b->columns[c], i, &got->columns[c], i, NULL));
        }
        af_batch_release(got);
        af_parquet_reader_free(r);
    }
    af_blob_close(blob);
    af_buf_free(&file);
    af_batch_release(b);
    af_schema_free(s);
}

/* Empty strings and binaries, repeated, with and without the dictionary:
 * the first dictionary value empty (found by seed 1235 under UBSan), and a
 * column of nothing but empty values, whose data buffer was never allocated
 * (found by fuzz_parquet_reader's rewrite, clang UBSan:
 * corpus/parquet_reader/regress_writer_empty_binary.parquet). */
TEST(roundtrip_dictionary_empty_values)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, "s", af_type_make(AF_TYPE_STRING), false);
    af_schema_add_simple(s, "b", af_type_make(AF_TYPE_BINARY), true);
    af_schema_add_simple(s, "e", af_type_make(AF_TYPE_BINARY), true);
    af_batch *b = af_batch_new(s);
    const char *v[] = {"", "", "a", "", "a", ""};
    for (int i = 0; i < 6; i++) {
        af_array_append_bytes(&b->columns[0], v[i], strlen(v[i]));
        if (i == 3)
            af_array_append_null(&b->columns[1]);
        else
            af_array_append_bytes(&b->columns[1], v[i], strlen(v[i]));
        af_array_append_bytes(&b->columns[2], "", 0);
    }
    af_error err = {0};
    CHECK_INT(af_batch_seal(b, &err), 0);
    for (int mode = 0; mode < 4; mode++) {
        af_parquet_write_options o;
        af_parquet_write_options_default(&o);
        o.data_page_version = 1 + (mode & 1);
        o.dictionary = (mode & 2) == 0;
        af_buf file;
        af_buf_init(&file);
        CHECK_INT(write_one(s, b, &o, &file, &err), 0);
        af_blob *blob = NULL;
        af_parquet_reader *r = NULL;
        af_batch *got = NULL;
        CHECK_INT(af_blob_open_memory(file.data, file.len, "empty.parquet", &blob, &err), 0);
        CHECK_INT(af_parquet_reader_open(blob, NULL, &r, &err), 0);
        if (r)
            CHECK_INT(af_parquet_reader_next(r, &got, &err), 0);
        CHECK(got && got->n_rows == 6);
        for (int64_t i = 0; got && i < 6; i++)
            for (size_t c = 0; c < 3; c++)
                CHECK(pg_value_equal(&b->columns[c], i, &got->columns[c], i, NULL));
        af_batch_release(got);
        af_parquet_reader_free(r);
        af_blob_close(blob);
        af_buf_free(&file);
    }
    af_batch_release(b);
    af_schema_free(s);
}

TEST(roundtrip_empty_file)
{
    pg_rng r;
    pg_seed(&r, 7);
    pg_schema_opts so = {.min_fields = 3, .max_fields = 6, .max_depth = 3, .nested_pct = 50};
    af_schema *s = pg_random_schema(&r, &so);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    af_buf file;
    af_buf_init(&file);
    af_error err = {0};
    CHECK_INT(write_one(s, NULL, &o, &file, &err), 0);
    af_blob *blob = NULL;
    CHECK_INT(af_blob_open_memory(file.data, file.len, "empty.parquet", &blob, &err), 0);
    af_parquet_reader *rd = NULL;
    CHECK_INT(af_parquet_reader_open(blob, NULL, &rd, &err), 0);
    if (rd) {
        CHECK_INT(af_parquet_reader_num_rows(rd), 0);
        const af_schema *rs = af_parquet_reader_schema(rd);
        CHECK_INT(rs->n_fields, s->n_fields);
        for (size_t i = 0; i < s->n_fields && i < rs->n_fields; i++)
            CHECK(pg_field_equal(&s->fields[i], &rs->fields[i], NULL));
        af_batch *b = NULL;
        CHECK_INT(af_parquet_reader_next(rd, &b, &err), 0);
        CHECK(b == NULL);
        af_parquet_reader_free(rd);
    }
    af_blob_close(blob);
    af_buf_free(&file);
    af_schema_free(s);
}

/* ---- writer errors ---- */

static af_schema *one_column(const char *name, af_type t, bool nullable)
{
    af_schema *s = af_schema_new();
    af_schema_add_simple(s, name, t, nullable);
    return s;
}

TEST(roundtrip_error_null_in_not_null)
{
    af_schema *s = one_column("amount", af_type_make(AF_TYPE_INT64), false);
    af_batch *b = af_batch_new(s);
    af_array_append_int(&b->columns[0], 1);
    af_array_append_null(&b->columns[0]); /* the builder does not police nullability */
    af_array_append_int(&b->columns[0], 3);
    af_error err = {0};
    CHECK_INT(af_batch_seal(b, &err), 0);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    af_buf file;
    af_buf_init(&file);
    int rc = write_one(s, b, &o, &file, &err);
    CHECK(rc < 0);
    CHECK_CONTAINS(err.msg, "amount");
    CHECK_CONTAINS(err.msg, "null");
    af_buf_free(&file);
    af_batch_release(b);
    af_schema_free(s);
}

TEST(roundtrip_error_null_in_nested_not_null)
{
    /* s: struct<x int32 not null> (nullable): a valid row with x null; and
     * l: list<int32 not null> with a null item */
    af_schema *s = af_schema_new();
    af_field st, x, l, it;
    pg_field_struct(&st, "s", true);
    pg_field_scalar(&x, "x", af_type_make(AF_TYPE_INT32), false);
    af_field_add_child(&st, &x);
    pg_field_scalar(&it, "item", af_type_make(AF_TYPE_INT32), false);
    pg_field_list(&l, "l", true, &it);
    af_schema_add(s, &st);
    af_schema_add(s, &l);
    af_field_free(&st);
    af_field_free(&x);
    af_field_free(&l);
    af_field_free(&it);
    for (int which = 0; which < 2; which++) {
        af_batch *b = af_batch_new(s);
        af_array *sa = &b->columns[0], *la = &b->columns[1];
        af_array_append_int(&sa->children[0], 1);
        af_array_append_struct_row(sa);
        if (which == 0) {
            af_array_append_null(&sa->children[0]);
            af_array_append_struct_row(sa); /* valid struct, null member */
        } else {
            af_array_append_null(sa); /* a null struct is fine */
        }
        af_array_append_int(&la->children[0], 5);
        af_array_append_list_row(la, 1);
        if (which == 1) {
            af_array_append_null(&la->children[0]);
            af_array_append_list_row(la, 1); /* a null item */
        } else {
            af_array_append_null(la);
        }
        af_error err = {0};
        CHECK_INT(af_batch_seal(b, &err), 0);
        af_parquet_write_options o;
        af_parquet_write_options_default(&o);
        af_buf file;
        af_buf_init(&file);
        int rc = write_one(s, b, &o, &file, &err);
        CHECK(rc < 0);
        CHECK_CONTAINS(err.msg, which == 0 ? "x" : "l");
        if (rc == 0)
            fprintf(stderr, "case %d: a null in a not-null nested field was written\n", which);
        af_buf_free(&file);
        af_batch_release(b);
    }
    af_schema_free(s);
}

TEST(roundtrip_error_schema_mismatch)
{
    af_schema *s = one_column("a", af_type_make(AF_TYPE_INT32), true);
    af_schema *other = one_column("a", af_type_make(AF_TYPE_STRING), true);
    af_schema *renamed = one_column("b", af_type_make(AF_TYPE_INT32), true);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    af_buf file;
    af_buf_init(&file);
    af_error err = {0};
    af_parquet_writer *w = NULL;
    CHECK_INT(af_parquet_writer_open(pg_buf_sink(&file), s, &o, &w, &err), 0);
    if (w) {
        af_batch *b = af_batch_new(other);
        af_array_append_bytes(&b->columns[0], "x", 1);
        af_batch_seal(b, &err);
        CHECK(af_parquet_writer_write(w, b, &err) < 0);
        CHECK(err.msg[0] != '\0');
        af_batch_release(b);
        b = af_batch_new(renamed);
        af_array_append_int(&b->columns[0], 1);
        af_batch_seal(b, &err);
        memset(&err, 0, sizeof err);
        CHECK(af_parquet_writer_write(w, b, &err) < 0);
        CHECK(err.msg[0] != '\0');
        af_batch_release(b);
        af_parquet_writer_free(w); /* without finish: nothing leaks */
    }
    af_buf_free(&file);
    af_schema_free(s);
    af_schema_free(other);
    af_schema_free(renamed);
}

TEST(roundtrip_error_write_after_finish)
{
    af_schema *s = one_column("a", af_type_make(AF_TYPE_INT32), true);
    af_batch *b = af_batch_new(s);
    af_array_append_int(&b->columns[0], 42);
    af_error err = {0};
    af_batch_seal(b, &err);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    af_buf file;
    af_buf_init(&file);
    af_parquet_writer *w = NULL;
    CHECK_INT(af_parquet_writer_open(pg_buf_sink(&file), s, &o, &w, &err), 0);
    if (w) {
        CHECK_INT(af_parquet_writer_write(w, b, &err), 0);
        CHECK_INT(af_parquet_writer_finish(w, &err), 0);
        size_t len = file.len;
        memset(&err, 0, sizeof err);
        CHECK(af_parquet_writer_write(w, b, &err) < 0);
        CHECK(err.msg[0] != '\0');
        memset(&err, 0, sizeof err);
        CHECK(af_parquet_writer_finish(w, &err) < 0);
        CHECK(err.msg[0] != '\0');
        CHECK_INT(file.len, len); /* nothing more written */
        af_parquet_writer_free(w);
        CHECK(file.len > 12 && memcmp(file.data, "PAR1", 4) == 0 &&
              memcmp(file.data + file.len - 4, "PAR1", 4) == 0);
    }
    af_buf_free(&file);
    af_batch_release(b);
    af_schema_free(s);
}

static int failing_sink(void *ctx, const void *data, size_t n, af_error *err)
{
    int *left = ctx;
    if (*left <= 0)
        return af_error_set(err, AF_EIO, "disk full (test sink)");
    (*left)--;
    return 0;
}

TEST(roundtrip_error_sink_fails)
{
    pg_rng r;
    pg_seed(&r, 11);
    pg_schema_opts so = {.min_fields = 2, .max_fields = 4, .max_depth = 1, .nested_pct = 30};
    af_schema *s = pg_random_schema(&r, &so);
    pg_profile p[4];
    for (int i = 0; i < 4; i++)
        pg_random_profile(&r, &p[i]);
    af_batch *b = af_batch_new(s);
    CHECK_INT(pg_fill_batch(&r, b, 300, p), 0);
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    o.row_group_bytes = 1024;
    o.page_bytes = 256;
    /* fail at the 1st, 2nd, ... write call until the file completes */
    for (int allowed = 0; allowed < 100000; allowed++) {
        int left = allowed;
        af_byte_sink sink = {failing_sink, &left};
        af_error err = {0};
        af_parquet_writer *w = NULL;
        int rc = af_parquet_writer_open(sink, s, &o, &w, &err);
        if (!rc)
            rc = af_parquet_writer_write(w, b, &err);
        if (!rc)
            rc = af_parquet_writer_finish(w, &err);
        af_parquet_writer_free(w);
        if (rc == 0)
            break;
        CHECK_INT(rc, AF_EIO);
        CHECK_CONTAINS(err.msg, "disk full");
        if (rc != AF_EIO)
            break;
    }
    af_batch_release(b);
    af_schema_free(s);
}

/* ---- reader regressions found by fuzz_parquet_reader ---- */

/* Every regress_* file of the fuzz corpus must read or fail cleanly (the
 * ASan/UBSan build turns a relapse into a crash). */
TEST(reader_fuzz_regressions)
{
    const char *fx = getenv("AF_FIXTURES");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/../fuzz/corpus/parquet_reader", fx ? fx : "tests/fixtures");
    static const char *files[] = {"regress_empty_first_data_page.parquet",
                                  "regress_writer_empty_binary.parquet"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, files[f]);
        af_blob *blob = NULL;
        af_error err = {0};
        if (af_blob_open_file(path, &blob, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            CHECK(0);
            continue;
        }
        af_parquet_reader *r = NULL;
        if (af_parquet_reader_open(blob, NULL, &r, &err) == 0) {
            af_batch *b = NULL;
            int rc;
            while ((rc = af_parquet_reader_next(r, &b, &err)) == 0 && b)
                af_batch_release(b);
            CHECK(rc == 0 || err.msg[0] != '\0');
            af_parquet_reader_free(r);
        } else
            CHECK(err.msg[0] != '\0');
        af_blob_close(blob);
    }
}

TEST_MAIN()
