/* writer.c - the writing half of parquet.h: batches in, row groups out.
 *
 * The file is "PAR1", row groups (each column chunk written whole when the
 * row group closes), the page index of every chunk, the footer, its length
 * and "PAR1". Only the open row group's compressed pages are held in
 * memory; everything before it is already in the sink.
 */
#include "formats/parquet/parquet.h"

#include "formats/parquet/column_writer.h"
#include "formats/parquet/levels.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/schema_map.h"
#include "af_version.h"

#include <stdlib.h>
#include <string.h>

/* The key under which the affluent schema is kept, as JSON: readers of
 * affluent's own files can restore types Parquet cannot say exactly. */
#define AF_PQ_SCHEMA_KEY "affluent.schema"

/* Where one chunk's encoded page index sits in the writer's buffers. */
typedef struct index_span {
    size_t ci_off, ci_len, oi_off, oi_len;
} index_span;

struct af_parquet_writer {
    af_byte_sink out;
    uint64_t offset;
    af_parquet_write_options o;
    af_schema *schema;
    af_pq_file_meta *m;
    af_pq_leaf_info *leaves;
    size_t n_leaves;
    size_t *first_leaf;   /* per top-level field */
    af_pq_levels *levels; /* per leaf, for nested fields */
    af_pq_column_writer **cols;
    int64_t group_rows;
    size_t group_bytes;
    af_pq_row_group *groups;
    size_t n_groups, groups_cap;
    af_buf column_index, offset_index;
    index_span *spans; /* n_groups * n_leaves */
    bool failed, finished;
};

void af_parquet_write_options_default(af_parquet_write_options *o)
{
    memset(o, 0, sizeof *o);
    o->codec = AF_CODEC_ZSTD;
    o->row_group_bytes = (int64_t)64 << 20;
    o->page_bytes = 1 << 20;
    o->page_rows = 20000;
    o->dictionary = true;
    o->dictionary_max_bytes = 1 << 20;
    o->data_page_version = 1;
    o->page_index = true;
}

static bool is_nested(const af_field *f)
{
    return f->type.id == AF_TYPE_STRUCT || f->type.id == AF_TYPE_LIST || f->type.id == AF_TYPE_MAP;
}

void af_parquet_writer_free(af_parquet_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; w->cols && i < w->n_leaves; i++)
        af_pq_column_writer_free(w->cols[i]);
    if (w->levels)
        af_pq_levels_free(w->levels, w->n_leaves);
    free(w->cols);
    free(w->levels);
    free(w->first_leaf);
    free(w->groups);
    free(w->spans);
    af_buf_free(&w->column_index);
    af_buf_free(&w->offset_index);
    if (w->m)
        w->m->row_groups = NULL; /* owned by w->groups, freed above */
    af_pq_file_meta_free(w->m);
    af_schema_free(w->schema);
    free(w);
}

static int sink_write(af_parquet_writer *w, const void *p, size_t n, af_error *err)
{
    int rc = n ? w->out.write(w->out.ctx, p, n, err) : AF_OK;
    if (!rc)
        w->offset += n;
    return rc;
}

static int check_options(const af_parquet_write_options *o, af_error *err)
{
    if (o->data_page_version != 1 && o->data_page_version != 2)
        return af_error_set(err, AF_EINVAL, "parquet data page version must be 1 or 2, not %d",
                            o->data_page_version);
    if (o->row_group_bytes < 0 || o->row_group_rows < 0 || o->page_bytes < 0 || o->page_rows < 0 ||
        o->dictionary_max_bytes < 0)
        return af_error_set(err, AF_EINVAL, "parquet writer sizes must not be negative");
    if (o->codec == AF_CODEC_LZO || o->codec < AF_CODEC_UNCOMPRESSED || o->codec > AF_CODEC_LZ4_RAW)
        return af_error_set(err, AF_EUNSUPPORTED, "parquet: cannot write with codec %s",
                            af_codec_name((af_codec)o->codec));
    /* a level the codec refuses should fail now, not at the first page */
    af_buf probe;
    af_buf_init(&probe);
    int rc =
        o->codec == AF_CODEC_UNCOMPRESSED
            ? AF_OK
            : af_codec_compress((af_codec)o->codec, o->level, (const uint8_t *)"x", 1, &probe, err);
    af_buf_free(&probe);
    return rc;
}

static int set_key_values(af_parquet_writer *w, af_error *err)
{
    af_pq_file_meta *m = w->m;
    size_t n = 1 + w->o.n_kv;
    m->key_value = af_arena_array(&m->arena, n, sizeof *m->key_value);
    if (!m->key_value)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_buf json;
    af_buf_init(&json);
    if (af_schema_to_json(w->schema, &json)) {
        af_buf_free(&json);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    m->key_value[0].key = af_arena_strndup(&m->arena, AF_PQ_SCHEMA_KEY, strlen(AF_PQ_SCHEMA_KEY));
    m->key_value[0].value = af_arena_strndup(&m->arena, json.data, json.len);
    m->key_value[0].value_len = json.len;
    af_buf_free(&json);
    bool ok = m->key_value[0].key && m->key_value[0].value;
    for (size_t i = 0; ok && i < w->o.n_kv; i++) {
        const char *k = w->o.kv_keys[i] ? w->o.kv_keys[i] : "";
        const char *v = w->o.kv_values ? w->o.kv_values[i] : NULL;
        af_pq_key_value *kv = &m->key_value[1 + i];
        kv->key = af_arena_strndup(&m->arena, k, strlen(k));
        ok = kv->key != NULL;
        if (ok && v) {
            kv->value = af_arena_strndup(&m->arena, v, strlen(v));
            kv->value_len = strlen(v);
            ok = kv->value != NULL;
        }
    }
    m->n_key_value = n;
    m->has_key_value = true;
    const char *created = "affluent version " AF_VERSION;
    m->created_by = af_arena_strndup(&m->arena, created, strlen(created));
    m->column_orders = af_arena_array(&m->arena, w->n_leaves ? w->n_leaves : 1, sizeof(int));
    for (size_t i = 0; m->column_orders && i < w->n_leaves; i++)
        m->column_orders[i] = AF_PQ_ORDER_TYPE_DEFINED;
    m->n_column_orders = w->n_leaves;
    m->has_column_orders = w->n_leaves > 0;
    if (!ok || !m->created_by || !m->column_orders)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return AF_OK;
}

static int make_columns(af_parquet_writer *w, af_error *err)
{
    const af_schema *s = w->schema;
    w->first_leaf = calloc(s->n_fields + 1, sizeof *w->first_leaf);
    w->levels = calloc(w->n_leaves + 1, sizeof *w->levels);
    w->cols = calloc(w->n_leaves + 1, sizeof *w->cols);
    if (!w->first_leaf || !w->levels || !w->cols)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    size_t l = 0;
    for (size_t t = 0; t < s->n_fields; t++) {
        w->first_leaf[t] = l;
        af_pq_levels_init(&s->fields[t], w->levels + l);
        l += af_pq_leaf_count(&s->fields[t]);
    }
    if (l != w->n_leaves)
        return af_error_set(err, AF_EINTERNAL, "parquet writer: %zu leaves, schema mapped %zu", l,
                            w->n_leaves);
    af_pq_column_options co = {
        .codec = (af_codec)w->o.codec,
        .level = w->o.level,
        .page_bytes = (size_t)w->o.page_bytes,
        .page_rows = (size_t)w->o.page_rows,
        .dictionary = w->o.dictionary,
        .dictionary_max_bytes = (size_t)w->o.dictionary_max_bytes,
        .page_version = w->o.data_page_version,
        .page_index = w->o.page_index,
    };
    for (size_t i = 0; i < w->n_leaves; i++) {
        int rc = af_pq_column_writer_new(&w->leaves[i], &co, &w->cols[i], err);
        if (rc)
            return rc;
    }
    return AF_OK;
}

int af_parquet_writer_open(af_byte_sink out, const af_schema *schema,
                           const af_parquet_write_options *opts, af_parquet_writer **wp,
                           af_error *err)
{
    *wp = NULL;
    af_parquet_writer *w = calloc(1, sizeof *w);
    if (!w)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    w->out = out;
    if (opts)
        w->o = *opts;
    else
        af_parquet_write_options_default(&w->o);
    if (w->o.row_group_bytes == 0)
        w->o.row_group_bytes = (int64_t)64 << 20;
    if (w->o.dictionary_max_bytes == 0)
        w->o.dictionary_max_bytes = 1 << 20;
    af_buf_init(&w->column_index);
    af_buf_init(&w->offset_index);
    int rc = check_options(&w->o, err);
    if (!rc) {
        w->schema = af_schema_copy(schema);
        if (!w->schema)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = af_pq_file_meta_new(&w->m, err);
    if (!rc)
        rc = af_pq_schema_to_parquet(w->schema, w->m, &w->leaves, &w->n_leaves, err);
    if (!rc)
        rc = make_columns(w, err);
    if (!rc)
        rc = set_key_values(w, err);
    if (!rc)
        rc = sink_write(w, "PAR1", 4, err);
    if (rc) {
        af_parquet_writer_free(w);
        return rc;
    }
    w->m->version = 2;
    *wp = w;
    return AF_OK;
}

/* Same names and types, recursively (nullability may differ: a null
 * where the writer's schema forbids one is caught per value). */
static bool same_field(const af_field *a, const af_field *b)
{
    if (strcmp(a->name, b->name) != 0 || !af_type_equal(&a->type, &b->type) ||
        a->n_children != b->n_children)
        return false;
    for (size_t i = 0; i < a->n_children; i++)
        if (!same_field(&a->children[i], &b->children[i]))
            return false;
    return true;
}

static int check_batch_schema(const af_parquet_writer *w, const af_batch *b, af_error *err)
{
    const af_schema *s = w->schema, *bs = b->schema;
    if (bs->n_fields != s->n_fields)
        return af_error_set(err, AF_EINVAL,
                            "parquet writer: a batch has %zu columns, the file has %zu",
                            bs->n_fields, s->n_fields);
    for (size_t i = 0; i < s->n_fields; i++)
        if (!same_field(&s->fields[i], &bs->fields[i]))
            return af_error_set(err, AF_EINVAL,
                                "parquet writer: column %zu ('%s') of a batch does not match the "
                                "file's column '%s' in name or type",
                                i + 1, bs->fields[i].name, s->fields[i].name);
    return AF_OK;
}

static int add_rows(af_parquet_writer *w, const af_batch *b, int64_t start, int64_t end,
                    af_error *err)
{
    for (size_t t = 0; t < w->schema->n_fields; t++) {
        const af_field *f = &w->schema->fields[t];
        const af_array *a = &b->columns[t];
        size_t first = w->first_leaf[t];
        int rc;
        if (!is_nested(f)) {
            rc = af_pq_column_writer_add_array(w->cols[first], a, start, end, err);
            if (rc)
                return rc;
            continue;
        }
        size_t n = af_pq_leaf_count(f);
        af_pq_levels_clear(w->levels + first, n);
        rc = af_pq_shred(f, a, start, end, w->levels + first, err);
        for (size_t k = 0; !rc && k < n; k++)
            rc = af_pq_column_writer_add_levels(w->cols[first + k], &w->levels[first + k], err);
        af_pq_levels_clear(w->levels + first, n);
        if (rc)
            return rc;
    }
    return AF_OK;
}

static int flush_row_group(af_parquet_writer *w, af_error *err)
{
    if (w->group_rows == 0)
        return AF_OK;
    if (w->n_groups == w->groups_cap) {
        size_t c = w->groups_cap ? w->groups_cap * 2 : 8;
        af_pq_row_group *g = realloc(w->groups, c * sizeof *g);
        index_span *sp = realloc(w->spans, c * (w->n_leaves + 1) * sizeof *sp);
        if (g)
            w->groups = g;
        if (sp)
            w->spans = sp;
        if (!g || !sp)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        w->groups_cap = c;
    }
    if (w->n_groups >= INT16_MAX)
        return af_error_set(err, AF_ELIMIT, "parquet: more than %d row groups in one file",
                            INT16_MAX);
    af_pq_row_group *g = &w->groups[w->n_groups];
    memset(g, 0, sizeof *g);
    g->columns = af_arena_array(&w->m->arena, w->n_leaves ? w->n_leaves : 1, sizeof *g->columns);
    if (!g->columns)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    g->n_columns = w->n_leaves;
    g->num_rows = w->group_rows;
    g->has_file_offset = true;
    g->file_offset = (int64_t)w->offset;
    uint64_t start = w->offset;
    for (size_t i = 0; i < w->n_leaves; i++) {
        index_span *sp = &w->spans[w->n_groups * w->n_leaves + i];
        sp->ci_off = w->column_index.len;
        sp->oi_off = w->offset_index.len;
        int rc = af_pq_column_writer_write_chunk(w->cols[i], w->out, &w->offset, &w->m->arena,
                                                 &g->columns[i], &w->column_index, &w->offset_index,
                                                 err);
        if (rc)
            return rc;
        sp->ci_len = w->column_index.len - sp->ci_off;
        sp->oi_len = w->offset_index.len - sp->oi_off;
        g->total_byte_size += g->columns[i].meta_data.total_uncompressed_size;
    }
    g->has_total_compressed_size = true;
    g->total_compressed_size = (int64_t)(w->offset - start);
    g->has_ordinal = true;
    g->ordinal = (int16_t)w->n_groups;
    w->n_groups++;
    w->m->num_rows += w->group_rows;
    w->group_rows = 0;
    w->group_bytes = 0;
    return AF_OK;
}

int af_parquet_writer_write(af_parquet_writer *w, const af_batch *b, af_error *err)
{
    if (w->failed || w->finished)
        return af_error_set(err, AF_EINVAL, "parquet writer: write after %s",
                            w->finished ? "finish" : "an earlier error");
    int rc = check_batch_schema(w, b, err);
    if (rc)
        return rc;
    /* slice the batch so row groups close near their targets */
    size_t bytes = af_batch_bytes(b);
    double row_bytes = b->n_rows ? (double)bytes / (double)b->n_rows : 0;
    int64_t pos = 0;
    while (!rc && pos < b->n_rows) {
        int64_t take = b->n_rows - pos;
        if (w->o.row_group_rows > 0 && take > w->o.row_group_rows - w->group_rows)
            take = w->o.row_group_rows - w->group_rows;
        if (row_bytes > 0) {
            double room = (double)w->o.row_group_bytes - (double)w->group_bytes;
            int64_t fit = (int64_t)(room / row_bytes) + 1;
            if (take > fit)
                take = fit;
        }
        if (take < 1)
            take = 1;
        rc = add_rows(w, b, pos, pos + take, err);
        if (rc)
            break;
        pos += take;
        w->group_rows += take;
        w->group_bytes += (size_t)(row_bytes * (double)take);
        if ((w->o.row_group_rows > 0 && w->group_rows >= w->o.row_group_rows) ||
            w->group_bytes >= (size_t)w->o.row_group_bytes)
            rc = flush_row_group(w, err);
    }
    if (rc)
        w->failed = true;
    return rc;
}

size_t af_parquet_writer_buffered(const af_parquet_writer *w)
{
    return w->group_bytes;
}

int af_parquet_writer_flush(af_parquet_writer *w, af_error *err)
{
    if (w->failed || w->finished)
        return af_error_set(err, AF_EINVAL, "parquet writer: flush after %s",
                            w->finished ? "finish" : "an earlier error");
    int rc = flush_row_group(w, err);
    if (rc)
        w->failed = true;
    return rc;
}

/* Column indexes of every chunk, then offset indexes, then the footer
 * points at them. */
static int write_page_indexes(af_parquet_writer *w, af_error *err)
{
    if (!w->o.page_index)
        return AF_OK;
    uint64_t base = w->offset;
    int rc = sink_write(w, w->column_index.data, w->column_index.len, err);
    uint64_t oi_base = w->offset;
    if (!rc)
        rc = sink_write(w, w->offset_index.data, w->offset_index.len, err);
    for (size_t g = 0; !rc && g < w->n_groups; g++)
        for (size_t i = 0; i < w->n_leaves; i++) {
            const index_span *sp = &w->spans[g * w->n_leaves + i];
            af_pq_column_chunk *cc = &w->groups[g].columns[i];
            if (sp->ci_len) {
                cc->has_column_index = true;
                cc->column_index_offset = (int64_t)(base + sp->ci_off);
                cc->column_index_length = (int32_t)sp->ci_len;
            }
            if (sp->oi_len) {
                cc->has_offset_index = true;
                cc->offset_index_offset = (int64_t)(oi_base + sp->oi_off);
                cc->offset_index_length = (int32_t)sp->oi_len;
            }
        }
    return rc;
}

int af_parquet_writer_finish(af_parquet_writer *w, af_error *err)
{
    if (w->failed || w->finished)
        return af_error_set(err, AF_EINVAL, "parquet writer: finish after %s",
                            w->finished ? "finish" : "an earlier error");
    int rc = flush_row_group(w, err);
    if (!rc)
        rc = write_page_indexes(w, err);
    af_buf footer;
    af_buf_init(&footer);
    if (!rc) {
        w->m->row_groups = w->groups;
        w->m->n_row_groups = w->n_groups;
        rc = af_pq_file_meta_encode(w->m, &footer, err);
    }
    if (!rc && footer.len > UINT32_MAX)
        rc = af_error_set(err, AF_ELIMIT, "parquet: footer of %zu bytes is too large", footer.len);
    if (!rc) {
        uint32_t len = (uint32_t)footer.len;
        uint8_t tail[8];
        memcpy(tail, &len, 4); /* little-endian hosts only, as the rest of the format code */
        memcpy(tail + 4, "PAR1", 4);
        rc = sink_write(w, footer.data, footer.len, err);
        if (!rc)
            rc = sink_write(w, tail, 8, err);
    }
    af_buf_free(&footer);
    if (rc)
        w->failed = true;
    else
        w->finished = true;
    return rc;
}

void af_parquet_column_stats_free(af_parquet_column_stats *s)
{
    af_buf_free(&s->min);
    af_buf_free(&s->max);
    memset(s, 0, sizeof *s);
}

/* Keeps the smaller (want_min) or larger bound of `cur` and `v`. */
static int merge_bound(af_pq_sort sort, af_buf *cur, bool *has, bool *exact, af_pq_bytes v,
                       bool v_exact, bool want_min)
{
    if (*has) {
        int c = af_pq_compare(sort, v.data, v.len, cur->data, cur->len);
        if (want_min ? c >= 0 : c <= 0)
            return AF_OK;
    }
    af_buf_reset(cur);
    if (af_buf_append(cur, v.data, v.len))
        return AF_ENOMEM;
    *has = true;
    *exact = v_exact;
    return AF_OK;
}

int af_parquet_writer_column_stats(const af_parquet_writer *w, size_t field,
                                   af_parquet_column_stats *out, af_error *err)
{
    memset(out, 0, sizeof *out);
    if (!w->finished || field >= w->schema->n_fields || is_nested(&w->schema->fields[field]))
        return AF_OK;
    const af_pq_leaf_info *leaf = &w->leaves[w->first_leaf[field]];
    af_pq_sort sort = af_pq_leaf_sort(leaf);
    out->available = true;
    out->physical_type = leaf->physical_type;
    bool minmax_known = sort != AF_PQ_SORT_NONE;
    for (size_t g = 0; g < w->n_groups; g++) {
        const af_pq_column_meta *cm = &w->groups[g].columns[leaf->column].meta_data;
        const af_pq_statistics *st = &cm->statistics;
        out->rows += w->groups[g].num_rows;
        out->null_count += st->has_null_count ? st->null_count : 0;
        int64_t values = w->groups[g].num_rows - (st->has_null_count ? st->null_count : 0);
        if (!cm->has_statistics || values <= 0)
            continue;
        /* a chunk with values but no bound (all NaN, or no short upper
         * bound) leaves the file without bounds */
        if (!st->has_min_value || !st->has_max_value)
            minmax_known = false;
        if (!minmax_known)
            continue;
        bool min_exact = !st->has_is_min_value_exact || st->is_min_value_exact;
        bool max_exact = !st->has_is_max_value_exact || st->is_max_value_exact;
        if (merge_bound(sort, &out->min, &out->has_min, &out->min_exact, st->min_value, min_exact,
                        true) ||
            merge_bound(sort, &out->max, &out->has_max, &out->max_exact, st->max_value, max_exact,
                        false))
            goto oom;
    }
    if (!minmax_known)
        out->has_min = out->has_max = false;
    return AF_OK;
oom:
    af_parquet_column_stats_free(out);
    return af_error_set(err, AF_ENOMEM, "out of memory");
}
