/* reader.c - the reading half of parquet.h: opens a Parquet file through a
 * blob, maps its schema, selects top-level columns and yields batches one
 * row group at a time (split to the batch row limit), so memory stays
 * bounded by one row group's selected column chunks.
 *
 * Predicates (prune.h) are checked against each row group's column
 * statistics when the reader opens; groups they rule out are never read.
 * In the groups left, when the predicate columns have a page index and
 * every selected column is flat, only the rows of pages that may match are
 * read (af_pq_read_column_rows): each column decodes the pages overlapping
 * those rows and keeps exactly them, so the columns stay aligned. Pruning
 * only saves reads: rows that are read are not filtered here.
 */
#include "formats/parquet/parquet.h"

#include "formats/parquet/column_reader.h"
#include "formats/parquet/levels.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/prune.h"
#include "formats/parquet/schema_map.h"

#include <stdlib.h>
#include <string.h>

struct af_parquet_reader {
    af_blob *blob; /* borrowed */
    af_pq_file_meta *m;
    af_pq_schema_map sm;
    af_schema *schema; /* the selected columns */
    size_t *sel;       /* per selected column: its index in sm.schema */
    size_t *first;     /* per top-level field of sm.schema: its first leaf */
    size_t n_sel;
    af_pq_chunk_data *chunks; /* scratch, one per leaf of the widest column */
    af_pq_leaf_stream *streams;
    size_t max_leaves;
    af_batch_limits limits;
    size_t next_group;
    af_batch *cur; /* the row group being handed out in slices */
    int64_t cur_pos;
    bool *keep_group; /* per row group: not ruled out by the predicates */
    size_t n_kept;
    af_pq_pruner pr; /* the compiled predicates */
    bool page_level; /* every selected column is flat: pages may be skipped */
};

static int blob_read_at(void *ctx, uint64_t offset, void *buf, size_t n, af_error *err)
{
    return af_blob_read_at(ctx, offset, buf, n, err);
}

void af_parquet_reader_free(af_parquet_reader *r)
{
    if (!r)
        return;
    af_batch_release(r->cur);
    af_schema_free(r->schema);
    af_pq_schema_map_free(&r->sm);
    af_pq_file_meta_free(r->m);
    free(r->sel);
    free(r->first);
    free(r->chunks);
    free(r->streams);
    free(r->keep_group);
    af_pq_pruner_free(&r->pr);
    free(r);
}

/* "a, b, c" for messages about unknown columns. */
static void list_columns(const af_schema *s, af_buf *out)
{
    for (size_t i = 0; i < s->n_fields; i++) {
        if (i)
            af_buf_append_str(out, ", ");
        af_buf_append_str(out, s->fields[i].name);
    }
}

static int select_columns(af_parquet_reader *r, const af_parquet_read_options *o, af_error *err)
{
    const af_schema *all = r->sm.schema;
    bool all_cols = !o || !o->columns || o->n_columns == 0;
    size_t n = all_cols ? all->n_fields : o->n_columns;
    r->sel = calloc(n + 1, sizeof *r->sel);
    r->schema = af_schema_new();
    if (!r->sel || !r->schema)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        long idx = (long)i;
        if (!all_cols) {
            const char *name = o->columns[i] ? o->columns[i] : "";
            idx = af_schema_find(all, name);
            if (idx < 0) {
                af_buf names;
                af_buf_init(&names);
                list_columns(all, &names);
                af_error_set(err, AF_ENOTFOUND, "%s: no column '%s' (columns: %s)", r->blob->name,
                             name, names.len ? af_buf_cstr(&names) : "none");
                af_buf_free(&names);
                return AF_ENOTFOUND;
            }
            if (af_schema_find(r->schema, name) >= 0)
                return af_error_set(err, AF_EINVAL, "%s: column '%s' is selected twice",
                                    r->blob->name, name);
        }
        r->sel[i] = (size_t)idx;
        if (af_schema_add(r->schema, &all->fields[idx]) != 0)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    r->n_sel = n;
    return AF_OK;
}

/* Finds each top-level field's run of leaves (leaves are depth-first, so a
 * field's leaves are contiguous) and sizes the scratch arrays. */
static int index_leaves(af_parquet_reader *r, af_error *err)
{
    const af_schema *all = r->sm.schema;
    r->first = calloc(all->n_fields + 1, sizeof *r->first);
    if (!r->first)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    size_t l = 0;
    for (size_t t = 0; t < all->n_fields; t++) {
        size_t count = af_pq_leaf_count(&all->fields[t]);
        if (l + count > r->sm.n_leaves)
            return af_error_set(err, AF_EINTERNAL, "%s: column '%s' has fewer leaves than expected",
                                r->blob->name, all->fields[t].name);
        for (size_t k = 0; k < count; k++)
            if (r->sm.leaves[l + k].top != t)
                return af_error_set(err, AF_EINTERNAL, "%s: leaves of column '%s' out of order",
                                    r->blob->name, all->fields[t].name);
        r->first[t] = l;
        if (count > r->max_leaves)
            r->max_leaves = count;
        l += count;
    }
    r->chunks = calloc(r->max_leaves + 1, sizeof *r->chunks);
    r->streams = calloc(r->max_leaves + 1, sizeof *r->streams);
    if (!r->chunks || !r->streams)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return AF_OK;
}

/* Marks the row groups the predicates' statistics do not rule out, and
 * keeps the predicates for page-level pruning. */
static int prune_groups(af_parquet_reader *r, const af_parquet_read_options *o, af_error *err)
{
    size_t groups = r->m->n_row_groups;
    r->keep_group = calloc(groups + 1, sizeof *r->keep_group);
    if (!r->keep_group)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = af_pq_pruner_init(&r->pr, r->m, &r->sm, o ? o->predicates : NULL,
                               o ? o->n_predicates : 0, r->blob->name, err);
    if (rc)
        return rc;
    for (size_t g = 0; g < groups; g++) {
        r->keep_group[g] = af_pq_pruner_keep_group(&r->pr, r->m, g);
        r->n_kept += r->keep_group[g];
    }
    r->page_level = r->pr.n > 0;
    for (size_t c = 0; c < r->n_sel; c++) {
        const af_field *f = &r->sm.schema->fields[r->sel[c]];
        if (af_type_is_nested(f->type.id) || af_pq_leaf_count(f) != 1 ||
            r->sm.leaves[r->first[r->sel[c]]].max_rep != 0)
            r->page_level = false;
    }
    return AF_OK;
}

int af_parquet_reader_open(af_blob *blob, const af_parquet_read_options *opts,
                           af_parquet_reader **out, af_error *err)
{
    *out = NULL;
    af_parquet_reader *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    r->blob = blob;
    r->limits = opts ? opts->limits : AF_BATCH_DEFAULT_LIMITS;
    if (r->limits.max_rows <= 0)
        r->limits.max_rows = AF_BATCH_DEFAULT_LIMITS.max_rows;
    int rc = af_pq_footer_read(blob_read_at, blob, blob->size, blob->name, &r->m, err);
    if (!rc)
        rc = af_pq_schema_from_parquet(r->m, blob->name, &r->sm, err);
    if (!rc)
        rc = index_leaves(r, err);
    if (!rc)
        rc = select_columns(r, opts, err);
    if (!rc)
        rc = prune_groups(r, opts, err);
    if (rc) {
        af_parquet_reader_free(r);
        return rc;
    }
    *out = r;
    return AF_OK;
}

const af_schema *af_parquet_reader_schema(const af_parquet_reader *r)
{
    return r->schema;
}

int64_t af_parquet_reader_num_rows(const af_parquet_reader *r)
{
    return r->m->num_rows;
}

int af_parquet_reader_row_groups(const af_parquet_reader *r, int *selected, int *total)
{
    int n = r->m->n_row_groups > (size_t)INT32_MAX ? INT32_MAX : (int)r->m->n_row_groups;
    if (selected)
        *selected = r->n_kept > (size_t)INT32_MAX ? INT32_MAX : (int)r->n_kept;
    if (total)
        *total = n;
    return AF_OK;
}

/* Largest page index read (they are a few bytes per page). */
#define INDEX_MAX_BYTES ((int64_t)64 << 20)

/* Reads and decodes the column index (ci) or offset index (oi) of column c
 * of row group g. A missing or broken index is not an error: it only
 * means no pages are skipped, so *ci / *oi stay NULL; only running out of
 * memory fails. */
static int load_index(af_parquet_reader *r, size_t g, size_t c, af_pq_column_index **ci,
                      af_pq_offset_index **oi, af_error *err)
{
    const af_pq_column_chunk *cc = &r->m->row_groups[g].columns[c];
    bool has = ci ? cc->has_column_index : cc->has_offset_index;
    int64_t off = ci ? cc->column_index_offset : cc->offset_index_offset;
    int64_t len = ci ? cc->column_index_length : cc->offset_index_length;
    if (!has || off < 0 || len <= 0 || len > INDEX_MAX_BYTES || (uint64_t)off > r->blob->size ||
        (uint64_t)len > r->blob->size - (uint64_t)off)
        return AF_OK;
    uint8_t *buf = malloc((size_t)len);
    if (!buf)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_error ignored;
    af_error_clear(&ignored);
    int rc = af_blob_read_at(r->blob, (uint64_t)off, buf, (size_t)len, &ignored);
    if (!rc)
        rc = ci ? af_pq_column_index_decode(buf, (size_t)len, r->blob->name, ci, &ignored)
                : af_pq_offset_index_decode(buf, (size_t)len, r->blob->name, oi, &ignored);
    free(buf);
    if (rc == AF_ENOMEM)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return AF_OK;
}

/* The rows of row group g whose pages may match every predicate. */
static int group_ranges(af_parquet_reader *r, size_t g, af_pq_row_ranges *rr, af_error *err)
{
    int64_t rows = r->m->row_groups[g].num_rows;
    if (af_pq_row_ranges_all(rr, rows))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < r->pr.n && rr->n > 0; i++) {
        af_pq_column_index *ci = NULL;
        af_pq_offset_index *oi = NULL;
        rc = load_index(r, g, r->pr.preds[i].column, &ci, NULL, err);
        if (!rc && ci)
            rc = load_index(r, g, r->pr.preds[i].column, NULL, &oi, err);
        if (!rc && ci && oi) {
            af_pq_row_ranges pages = {0};
            rc = af_pq_page_ranges(&r->pr.preds[i], r->m, ci, oi, rows, &pages, err);
            if (!rc && af_pq_row_ranges_intersect(rr, &pages))
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
            af_pq_row_ranges_free(&pages);
        }
        af_pq_column_index_free(ci);
        af_pq_offset_index_free(oi);
    }
    return rc;
}

/* Reads the rows in rr of every selected (flat) column of row group g. */
static int read_group_rows(af_parquet_reader *r, size_t g, const af_pq_row_ranges *rr, af_batch *b,
                           af_error *err)
{
    int rc = AF_OK;
    for (size_t c = 0; !rc && c < r->n_sel; c++) {
        const af_pq_leaf_info *leaf = &r->sm.leaves[r->first[r->sel[c]]];
        af_pq_offset_index *oi = NULL;
        rc = load_index(r, g, leaf->column, NULL, &oi, err);
        if (!rc)
            rc = af_pq_read_column_rows(r->blob, r->m, (int)g, leaf, oi, rr->r, rr->n,
                                        &r->chunks[0], err);
        af_pq_offset_index_free(oi);
        af_pq_chunk_leaf_stream(&r->chunks[0], &r->streams[0]);
        if (!rc) {
            rc = af_pq_assemble(&b->schema->fields[c], &b->columns[c], r->streams,
                                af_pq_row_ranges_count(rr), err);
            if (rc)
                af_error_wrap(err, "%s: row group %zu", r->blob->name, g);
        }
        af_pq_chunk_data_free(&r->chunks[0]);
    }
    return rc;
}

/* Reads every selected column of row group g into a new batch (*out NULL
 * when the page index rules every row out). */
static int read_group(af_parquet_reader *r, size_t g, af_batch **out, af_error *err)
{
    *out = NULL;
    int64_t rows = r->m->row_groups[g].num_rows;
    if (rows < 0)
        return af_error_set(err, AF_EPARSE, "%s: row group %zu has a negative row count",
                            r->blob->name, g);
    af_pq_row_ranges rr = {0};
    if (r->page_level) {
        int rc = group_ranges(r, g, &rr, err);
        if (rc || rr.n == 0) {
            af_pq_row_ranges_free(&rr);
            return rc;
        }
    }
    bool some_rows = r->page_level && af_pq_row_ranges_count(&rr) < rows;
    af_batch *b = af_batch_new(r->schema);
    if (!b) {
        af_pq_row_ranges_free(&rr);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    int rc = AF_OK;
    if (some_rows)
        rc = read_group_rows(r, g, &rr, b, err);
    for (size_t c = 0; !some_rows && !rc && c < r->n_sel; c++) {
        size_t top = r->sel[c];
        size_t first = r->first[top];
        size_t count = af_pq_leaf_count(&r->sm.schema->fields[top]);
        size_t done = 0;
        for (; !rc && done < count; done++) {
            rc = af_pq_read_column_chunk(r->blob, r->m, (int)g, &r->sm.leaves[first + done],
                                         &r->chunks[done], err);
            af_pq_chunk_leaf_stream(&r->chunks[done], &r->streams[done]);
        }
        if (!rc) {
            rc = af_pq_assemble(&b->schema->fields[c], &b->columns[c], r->streams, rows, err);
            if (rc)
                af_error_wrap(err, "%s: row group %zu", r->blob->name, g);
        }
        for (size_t k = 0; k < done; k++)
            af_pq_chunk_data_free(&r->chunks[k]);
    }
    af_pq_row_ranges_free(&rr);
    if (!rc)
        rc = af_batch_seal(b, err);
    if (rc) {
        af_batch_release(b);
        return rc;
    }
    *out = b;
    return AF_OK;
}

/* Copies rows [start, end) of b into a new batch. */
static int slice(const af_batch *b, int64_t start, int64_t end, af_batch **out, af_error *err)
{
    *out = NULL;
    af_batch *s = af_batch_new(b->schema);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t c = 0; c < b->schema->n_fields; c++)
        if (af_array_append_range(&s->columns[c], &b->columns[c], start, end - start) != 0) {
            af_batch_release(s);
            return af_error_set(err, AF_ENOMEM, "out of memory copying column '%s'",
                                b->schema->fields[c].name);
        }
    int rc = af_batch_seal(s, err);
    if (rc) {
        af_batch_release(s);
        return rc;
    }
    *out = s;
    return AF_OK;
}

int af_parquet_reader_next(af_parquet_reader *r, af_batch **out, af_error *err)
{
    *out = NULL;
    for (;;) {
        if (r->cur) {
            int64_t n = r->cur->n_rows;
            /* slices respect both limits: rows, and bytes at the row group's
             * average row size (wide text rows make row counts misleading) */
            int64_t step = r->limits.max_rows;
            size_t bytes = af_batch_bytes(r->cur);
            if (r->limits.max_bytes > 0 && bytes > r->limits.max_bytes && n > 0) {
                int64_t by_bytes =
                    (int64_t)((double)r->limits.max_bytes / ((double)bytes / (double)n));
                if (by_bytes < step)
                    step = by_bytes > 0 ? by_bytes : 1;
            }
            if (r->cur_pos == 0 && n <= step) {
                *out = r->cur;
                r->cur = NULL;
                return AF_OK;
            }
            if (r->cur_pos < n) {
                int64_t end = n - r->cur_pos > step ? r->cur_pos + step : n;
                int rc = slice(r->cur, r->cur_pos, end, out, err);
                if (rc)
                    return rc;
                r->cur_pos = end;
                return AF_OK;
            }
            af_batch_release(r->cur);
            r->cur = NULL;
        }
        if (r->next_group >= r->m->n_row_groups)
            return AF_OK;
        size_t g = r->next_group++;
        if (r->m->row_groups[g].num_rows == 0 || !r->keep_group[g])
            continue;
        int rc = read_group(r, g, &r->cur, err);
        if (rc)
            return rc;
        r->cur_pos = 0;
    }
}

/* ---- describe ---- */

static bool is_text_column(const af_pq_schema_element *e)
{
    if (e->logical.kind == AF_PQ_LT_STRING || e->logical.kind == AF_PQ_LT_ENUM ||
        e->logical.kind == AF_PQ_LT_JSON)
        return true;
    return e->has_converted_type &&
           (e->converted_type == AF_PQ_CT_UTF8 || e->converted_type == AF_PQ_CT_ENUM ||
            e->converted_type == AF_PQ_CT_JSON);
}

static int64_t le_int(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    if (n == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

/* Appends a statistics bound as text (json: as a JSON value). Values are
 * shown as stored: numbers for numeric physical types, strings for text
 * columns, hex for other bytes. */
static void append_bound(af_buf *out, const af_pq_bytes *v, int32_t type, bool text, bool json)
{
    if (type == AF_PQ_BOOLEAN && v->len == 1) {
        af_buf_append_str(out, v->data[0] ? "true" : "false");
    } else if ((type == AF_PQ_INT32 && v->len == 4) || (type == AF_PQ_INT64 && v->len == 8)) {
        af_buf_append_int(out, le_int(v->data, v->len));
    } else if (type == AF_PQ_FLOAT && v->len == 4) {
        float f;
        memcpy(&f, v->data, 4);
        if (json && (f != f || f - f != 0))
            af_buf_printf(out, "\"%g\"", (double)f);
        else
            af_buf_printf(out, "%.9g", (double)f);
    } else if (type == AF_PQ_DOUBLE && v->len == 8) {
        double d;
        memcpy(&d, v->data, 8);
        if (json && (d != d || d - d != 0))
            af_buf_printf(out, "\"%g\"", d);
        else
            af_buf_printf(out, "%.17g", d);
    } else if (text) {
        if (json)
            af_buf_append_json_string(out, (const char *)v->data, v->len);
        else
            af_buf_append_json_string(out, (const char *)v->data, v->len > 64 ? 64 : v->len);
    } else {
        if (json)
            af_buf_append_byte(out, '"');
        af_buf_append_str(out, "0x");
        for (size_t i = 0; i < v->len && (json || i < 32); i++)
            af_buf_printf(out, "%02x", v->data[i]);
        if (json)
            af_buf_append_byte(out, '"');
    }
}

static void append_path(af_buf *out, const af_pq_column_meta *cm)
{
    for (size_t i = 0; i < cm->n_path; i++) {
        if (i)
            af_buf_append_byte(out, '.');
        af_buf_append_str(out, cm->path[i]);
    }
}

typedef struct describe_ctx {
    const af_pq_file_meta *m;
    af_buf *out;
    bool json;
} describe_ctx;

/* min/max to show for column c of a row group, or false. */
static bool chunk_bounds(const af_pq_file_meta *m, size_t c, const af_pq_column_meta *cm,
                         const af_pq_bytes **min, const af_pq_bytes **max)
{
    const af_pq_statistics *s = &cm->statistics;
    if (!cm->has_statistics)
        return false;
    bool order_known = !m->has_column_orders || c >= m->n_column_orders ||
                       m->column_orders[c] != AF_PQ_ORDER_OTHER;
    if (order_known && s->has_min_value && s->has_max_value) {
        *min = &s->min_value;
        *max = &s->max_value;
        return true;
    }
    /* The deprecated fields use signed order: right for numbers only. */
    bool numeric = cm->type != AF_PQ_BYTE_ARRAY && cm->type != AF_PQ_FIXED_LEN_BYTE_ARRAY &&
                   cm->type != AF_PQ_INT96;
    if (numeric && s->has_min && s->has_max) {
        *min = &s->min;
        *max = &s->max;
        return true;
    }
    return false;
}

static void describe_chunk(describe_ctx *d, size_t c, const af_pq_column_chunk *cc)
{
    af_buf *out = d->out;
    const af_pq_column_meta *cm = &cc->meta_data;
    const af_pq_schema_element *e =
        d->m->leaves && c < d->m->n_leaves ? &d->m->schema[d->m->leaves[c]] : NULL;
    bool text = e && is_text_column(e);
    const af_pq_bytes *min = NULL, *max = NULL;
    bool bounds = cc->has_meta_data && chunk_bounds(d->m, c, cm, &min, &max);
    if (d->json) {
        af_buf_append_str(out, "{\"path\":");
        af_buf t;
        af_buf_init(&t);
        append_path(&t, cm);
        af_buf_append_json_string(out, t.data ? (const char *)t.data : "", t.len);
        af_buf_free(&t);
        if (!cc->has_meta_data) {
            af_buf_append_str(out, "}");
            return;
        }
        af_buf_printf(out, ",\"type\":\"%s\",\"codec\":\"%s\",\"encodings\":[",
                      af_pq_type_name(cm->type), af_pq_codec_name(cm->codec));
        for (size_t i = 0; i < cm->n_encodings; i++)
            af_buf_printf(out, "%s\"%s\"", i ? "," : "", af_pq_encoding_name(cm->encodings[i]));
        af_buf_printf(out,
                      "],\"num_values\":%lld,\"compressed_size\":%lld,"
                      "\"uncompressed_size\":%lld",
                      (long long)cm->num_values, (long long)cm->total_compressed_size,
                      (long long)cm->total_uncompressed_size);
        if (cm->has_statistics && cm->statistics.has_null_count)
            af_buf_printf(out, ",\"null_count\":%lld", (long long)cm->statistics.null_count);
        if (bounds) {
            af_buf_append_str(out, ",\"min\":");
            append_bound(out, min, cm->type, text, true);
            af_buf_append_str(out, ",\"max\":");
            append_bound(out, max, cm->type, text, true);
        }
        af_buf_append_byte(out, '}');
        return;
    }
    af_buf_append_str(out, "    ");
    append_path(out, cm);
    if (!cc->has_meta_data) {
        af_buf_append_str(out, ": no metadata\n");
        return;
    }
    af_buf_printf(out, ": %s %s, encodings ", af_pq_type_name(cm->type),
                  af_pq_codec_name(cm->codec));
    for (size_t i = 0; i < cm->n_encodings; i++)
        af_buf_printf(out, "%s%s", i ? "," : "", af_pq_encoding_name(cm->encodings[i]));
    af_buf_printf(out, ", %lld values, %lld bytes compressed, %lld uncompressed",
                  (long long)cm->num_values, (long long)cm->total_compressed_size,
                  (long long)cm->total_uncompressed_size);
    if (cm->has_statistics && cm->statistics.has_null_count)
        af_buf_printf(out, ", nulls %lld", (long long)cm->statistics.null_count);
    if (bounds) {
        af_buf_append_str(out, ", min ");
        append_bound(out, min, cm->type, text, false);
        af_buf_append_str(out, ", max ");
        append_bound(out, max, cm->type, text, false);
    }
    af_buf_append_byte(out, '\n');
}

static void describe_schema_text(af_buf *out, const af_field *f, int depth)
{
    af_buf_printf(out, "%*s%s: ", 2 + 2 * depth, "", f->name);
    af_field_format_type(f, out);
    af_buf_append_str(out, f->nullable ? "\n" : " not null\n");
    if (f->type.id == AF_TYPE_STRUCT)
        for (size_t i = 0; i < f->n_children; i++)
            describe_schema_text(out, &f->children[i], depth + 1);
}

static void describe_kv_text(af_buf *out, const af_pq_key_value *kv)
{
    af_buf_printf(out, "  %s: ", kv->key);
    if (!kv->value) {
        af_buf_append_str(out, "(no value)\n");
        return;
    }
    size_t n = kv->value_len > 120 ? 120 : kv->value_len;
    af_buf_append_json_string(out, kv->value, n);
    if (n < kv->value_len)
        af_buf_printf(out, " ... (%zu bytes)", kv->value_len);
    af_buf_append_byte(out, '\n');
}

int af_parquet_describe(af_blob *blob, bool json, af_buf *out, af_error *err)
{
    af_pq_file_meta *m = NULL;
    int rc = af_pq_footer_read(blob_read_at, blob, blob->size, blob->name, &m, err);
    if (rc)
        return rc;
    af_pq_schema_map sm;
    memset(&sm, 0, sizeof sm);
    af_error map_err;
    af_error_clear(&map_err);
    bool mapped = af_pq_schema_from_parquet(m, blob->name, &sm, &map_err) == 0;
    describe_ctx d = {m, out, json};
    if (json) {
        af_buf_append_str(out, "{\"file\":");
        af_buf_append_json_string(out, blob->name, strlen(blob->name));
        af_buf_printf(out,
                      ",\"num_rows\":%lld,\"version\":%d,\"created_by\":", (long long)m->num_rows,
                      (int)m->version);
        if (m->created_by)
            af_buf_append_json_string(out, m->created_by, strlen(m->created_by));
        else
            af_buf_append_str(out, "null");
        af_buf_append_str(out, ",\"schema\":");
        if (mapped) {
            af_schema_to_json(sm.schema, out);
        } else {
            af_buf_append_str(out, "null,\"schema_error\":");
            af_buf_append_json_string(out, map_err.msg, strlen(map_err.msg));
        }
        af_buf_printf(out, ",\"row_groups\":[");
        for (size_t g = 0; g < m->n_row_groups; g++) {
            const af_pq_row_group *rg = &m->row_groups[g];
            af_buf_printf(out, "%s{\"num_rows\":%lld,\"total_byte_size\":%lld,\"columns\":[",
                          g ? "," : "", (long long)rg->num_rows, (long long)rg->total_byte_size);
            for (size_t c = 0; c < rg->n_columns; c++) {
                if (c)
                    af_buf_append_byte(out, ',');
                describe_chunk(&d, c, &rg->columns[c]);
            }
            af_buf_append_str(out, "]}");
        }
        af_buf_append_str(out, "],\"key_value_metadata\":[");
        for (size_t i = 0; i < m->n_key_value; i++) {
            const af_pq_key_value *kv = &m->key_value[i];
            af_buf_append_str(out, i ? ",{\"key\":" : "{\"key\":");
            af_buf_append_json_string(out, kv->key ? kv->key : "", kv->key ? strlen(kv->key) : 0);
            af_buf_append_str(out, ",\"value\":");
            if (kv->value)
                af_buf_append_json_string(out, kv->value, kv->value_len);
            else
                af_buf_append_str(out, "null");
            af_buf_append_byte(out, '}');
        }
        af_buf_append_str(out, "]}\n");
    } else {
        af_buf_printf(out, "file: %s\nrows: %lld\nrow groups: %zu\ncreated by: %s\nversion: %d\n",
                      blob->name, (long long)m->num_rows, m->n_row_groups,
                      m->created_by ? m->created_by : "(unknown)", (int)m->version);
        af_buf_append_str(out, "schema:\n");
        if (mapped) {
            for (size_t i = 0; i < sm.schema->n_fields; i++)
                describe_schema_text(out, &sm.schema->fields[i], 0);
        } else {
            af_buf_printf(out, "  (cannot map: %s)\n", map_err.msg);
        }
        for (size_t g = 0; g < m->n_row_groups; g++) {
            const af_pq_row_group *rg = &m->row_groups[g];
            af_buf_printf(out, "row group %zu: %lld rows, %lld bytes\n", g, (long long)rg->num_rows,
                          (long long)rg->total_byte_size);
            for (size_t c = 0; c < rg->n_columns; c++)
                describe_chunk(&d, c, &rg->columns[c]);
        }
        if (m->n_key_value) {
            af_buf_append_str(out, "key-value metadata:\n");
            for (size_t i = 0; i < m->n_key_value; i++)
                describe_kv_text(out, &m->key_value[i]);
        }
    }
    af_pq_schema_map_free(&sm);
    af_pq_file_meta_free(m);
    return AF_OK;
}
