/* prune.c - row-group pruning from column statistics (see prune.h). */
#include "formats/parquet/prune.h"

#include "formats/parquet/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Orders stats.h does not have: INT32/INT64 holding unsigned integers
 * (UINT_8..UINT_64), whose statistics use unsigned order. */
enum { SORT_U32 = 100, SORT_U64 = 101 };

static void put_le(af_buf *b, uint64_t v, size_t n)
{
    uint8_t tmp[8];
    for (size_t i = 0; i < n; i++)
        tmp[i] = (uint8_t)(v >> (8 * i));
    af_buf_append(b, tmp, n);
}

/* Big-endian two's complement of v in n bytes (sign-extended past 16). */
static void put_be128(af_buf *b, af_int128 v, size_t n)
{
    for (size_t i = n; i > 0; i--) {
        size_t shift = 8 * (i - 1);
        uint8_t byte = shift >= 128 ? (v < 0 ? 0xFF : 0x00) : (uint8_t)(v >> shift);
        af_buf_append_byte(b, byte);
    }
}

/* The PLAIN bytes of v for leaf l and the order to compare them in; *sort
 * is 0 when the column's statistics cannot be used for this literal. */
static void literal_bytes(const af_pq_leaf_info *l, const af_where_value *v, af_buf *out,
                          af_pq_prune_pred *p)
{
    p->sort = AF_PQ_SORT_NONE;
    p->legacy_ok = false;
    p->width = 0;
    switch (l->conv) {
    case AF_PQ_CONV_BOOL:
        af_buf_append_byte(out, v->b ? 1 : 0);
        p->sort = AF_PQ_SORT_BOOL;
        p->width = 1;
        break;
    case AF_PQ_CONV_INT32:
    case AF_PQ_CONV_INT8:
    case AF_PQ_CONV_INT16:
        put_le(out, (uint64_t)v->i, 4);
        p->sort = AF_PQ_SORT_SIGNED;
        p->width = 4;
        break;
    case AF_PQ_CONV_INT64:
        put_le(out, (uint64_t)v->i, 8);
        p->sort = AF_PQ_SORT_SIGNED;
        p->width = 8;
        break;
    case AF_PQ_CONV_UINT8:
    case AF_PQ_CONV_UINT16:
    case AF_PQ_CONV_UINT32:
        /* a literal outside the unsigned range proves nothing useful here */
        if (v->i < 0 || v->i > (int64_t)UINT32_MAX)
            return;
        put_le(out, (uint64_t)v->i, 4);
        p->sort = SORT_U32;
        p->width = 4;
        return; /* the deprecated min/max are signed: wrong here */
    case AF_PQ_CONV_UINT64:
        if (v->dec < 0 || v->dec > (af_int128)UINT64_MAX)
            return;
        put_le(out, (uint64_t)v->dec, 8);
        p->sort = SORT_U64;
        p->width = 8;
        return;
    case AF_PQ_CONV_FLOAT: {
        float f = (float)v->d;
        af_buf_append(out, &f, 4);
        p->sort = AF_PQ_SORT_FLOAT;
        p->width = 4;
        break;
    }
    case AF_PQ_CONV_DOUBLE:
        af_buf_append(out, &v->d, 8);
        p->sort = AF_PQ_SORT_DOUBLE;
        p->width = 8;
        break;
    case AF_PQ_CONV_DECIMAL_INT32:
        put_le(out, (uint64_t)(int64_t)v->dec, 4);
        p->sort = AF_PQ_SORT_SIGNED;
        p->width = 4;
        break;
    case AF_PQ_CONV_DECIMAL_INT64:
        put_le(out, (uint64_t)(int64_t)v->dec, 8);
        p->sort = AF_PQ_SORT_SIGNED;
        p->width = 8;
        break;
    case AF_PQ_CONV_DECIMAL_FLBA:
        if (l->type_length <= 0 || l->type_length > 64)
            return;
        put_be128(out, v->dec, (size_t)l->type_length);
        p->sort = AF_PQ_SORT_SIGNED_BYTES;
        return;
    case AF_PQ_CONV_DECIMAL_BYTE_ARRAY:
        put_be128(out, v->dec, 16);
        p->sort = AF_PQ_SORT_SIGNED_BYTES;
        return;
    case AF_PQ_CONV_BYTES:
    case AF_PQ_CONV_FLBA_BYTES:
        af_buf_append(out, v->bytes, v->len);
        p->sort = AF_PQ_SORT_UNSIGNED_BYTES;
        return;
    case AF_PQ_CONV_UUID:
        af_buf_append(out, v->uuid, 16);
        p->sort = AF_PQ_SORT_UNSIGNED_BYTES;
        p->width = 16;
        return;
    default: return; /* INT96, FLOAT16, NULL: no usable order */
    }
    p->legacy_ok = true; /* signed numeric orders only */
}

static bool is_nan_bytes(int sort, const uint8_t *b, size_t n)
{
    if (sort == AF_PQ_SORT_FLOAT && n == 4) {
        float f;
        memcpy(&f, b, 4);
        return isnan(f);
    }
    if (sort == AF_PQ_SORT_DOUBLE && n == 8) {
        double d;
        memcpy(&d, b, 8);
        return isnan(d);
    }
    return false;
}

static uint64_t get_le(const uint8_t *b, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* a vs b under the predicate's order; false when they are unordered (a
 * NaN) and so prove nothing. */
static bool compare(const af_pq_prune_pred *p, const uint8_t *a, size_t an, const uint8_t *b,
                    size_t bn, int *out)
{
    if (is_nan_bytes(p->sort, a, an) || is_nan_bytes(p->sort, b, bn))
        return false;
    if (p->sort == SORT_U32 || p->sort == SORT_U64) {
        uint64_t x = get_le(a, an), y = get_le(b, bn);
        *out = x < y ? -1 : x > y;
        return true;
    }
    *out = af_pq_compare((af_pq_sort)p->sort, a, an, b, bn);
    return true;
}

/* bound vs literal; false when the bound is missing, of the wrong size
 * for the physical type, or unordered. */
static bool bound_cmp(const af_pq_prune_pred *p, const af_pq_bytes *bound, const af_buf *lit,
                      int *out)
{
    if (!bound || !bound->data)
        return false;
    if (p->width && bound->len != p->width)
        return false;
    return compare(p, bound->data, bound->len, lit->data, lit->len, out);
}

bool af_pq_prune_may_match(const af_pq_prune_pred *p, const af_pq_bounds *b)
{
    bool all_null = b->has_null_count && b->num_values >= 0 && b->null_count >= b->num_values;
    switch (p->op) {
    case AF_PQ_IS_NULL:
        if (p->max_def == 0)
            return false; /* a REQUIRED column has no nulls */
        return !(b->has_null_count && b->null_count == 0);
    case AF_PQ_IS_NOT_NULL: return !all_null;
    default: break;
    }
    if (all_null)
        return false; /* a comparison with NULL is never true */
    if (p->sort == AF_PQ_SORT_NONE || !p->has_lo)
        return true;
    int c;
    switch (p->op) {
    case AF_PQ_EQ:
        if (bound_cmp(p, b->min, &p->lo, &c) && c > 0)
            return false;
        if (bound_cmp(p, b->max, &p->lo, &c) && c < 0)
            return false;
        return true;
    case AF_PQ_LT: return !(bound_cmp(p, b->min, &p->lo, &c) && c >= 0);
    case AF_PQ_LE: return !(bound_cmp(p, b->min, &p->lo, &c) && c > 0);
    case AF_PQ_GT: return !(bound_cmp(p, b->max, &p->lo, &c) && c <= 0);
    case AF_PQ_GE: return !(bound_cmp(p, b->max, &p->lo, &c) && c < 0);
    case AF_PQ_BETWEEN:
        if (bound_cmp(p, b->max, &p->lo, &c) && c < 0)
            return false;
        if (p->has_hi && bound_cmp(p, b->min, &p->hi, &c) && c > 0)
            return false;
        return true;
    default: return true;
    }
}

void af_pq_chunk_bounds(const af_pq_prune_pred *p, const af_pq_file_meta *m, size_t g,
                        af_pq_bounds *out)
{
    memset(out, 0, sizeof *out);
    out->num_values = -1;
    if (g >= m->n_row_groups || p->column >= m->row_groups[g].n_columns)
        return;
    const af_pq_column_chunk *cc = &m->row_groups[g].columns[p->column];
    if (!cc->has_meta_data)
        return;
    const af_pq_column_meta *cm = &cc->meta_data;
    out->num_values = cm->num_values;
    if (!cm->has_statistics)
        return;
    const af_pq_statistics *s = &cm->statistics;
    out->has_null_count = s->has_null_count && s->null_count >= 0;
    out->null_count = s->null_count;
    bool order_known = !m->has_column_orders || p->column >= m->n_column_orders ||
                       m->column_orders[p->column] != AF_PQ_ORDER_OTHER;
    if (order_known && (s->has_min_value || s->has_max_value)) {
        out->min = s->has_min_value ? &s->min_value : NULL;
        out->max = s->has_max_value ? &s->max_value : NULL;
    } else if (p->legacy_ok) {
        out->min = s->has_min ? &s->min : NULL;
        out->max = s->has_max ? &s->max : NULL;
    }
}

bool af_pq_pruner_keep_group(const af_pq_pruner *pr, const af_pq_file_meta *m, size_t g)
{
    for (size_t i = 0; i < pr->n; i++) {
        af_pq_bounds b;
        af_pq_chunk_bounds(&pr->preds[i], m, g, &b);
        if (!af_pq_prune_may_match(&pr->preds[i], &b))
            return false;
    }
    return true;
}

void af_pq_pruner_free(af_pq_pruner *pr)
{
    for (size_t i = 0; i < pr->n; i++) {
        af_buf_free(&pr->preds[i].lo);
        af_buf_free(&pr->preds[i].hi);
    }
    free(pr->preds);
    pr->preds = NULL;
    pr->n = 0;
}

/* The only leaf of top-level field t, or NULL when t is nested. */
static const af_pq_leaf_info *flat_leaf(const af_pq_schema_map *sm, size_t t)
{
    if (af_type_is_nested(sm->schema->fields[t].type.id))
        return NULL;
    const af_pq_leaf_info *found = NULL;
    for (size_t l = 0; l < sm->n_leaves; l++) {
        if (sm->leaves[l].top != t)
            continue;
        if (found)
            return NULL;
        found = &sm->leaves[l];
    }
    return found && found->max_rep == 0 ? found : NULL;
}

static int compile(af_pq_prune_pred *p, const af_pq_file_meta *m, const af_pq_leaf_info *l,
                   const af_parquet_predicate *q, const char *name, af_error *err)
{
    p->column = l->column;
    p->max_def = l->max_def;
    p->op = q->op;
    p->sort = AF_PQ_SORT_NONE;
    if (q->op == AF_PQ_IS_NULL || q->op == AF_PQ_IS_NOT_NULL)
        return AF_OK;
    const af_field *f = l->field;
    const char *texts[2] = {q->value, q->value2};
    int count = q->op == AF_PQ_BETWEEN ? 2 : 1;
    for (int k = 0; k < count; k++) {
        if (!texts[k])
            return af_error_set(err, AF_EINVAL, "%s: the predicate on column '%s' has no value",
                                name, f->name);
        af_where_value v;
        int rc = af_where_value_parse(f, texts[k], strlen(texts[k]), &v, err);
        if (rc)
            return af_error_wrap(err, "%s", name);
        af_buf *dst = k ? &p->hi : &p->lo;
        /* reserved up front so the appends below cannot fail */
        if (af_buf_reserve(dst, v.len + 64) != 0)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        literal_bytes(l, &v, dst, p);
        if (k)
            p->has_hi = true;
        else
            p->has_lo = true;
    }
    /* INTERVAL has no defined order, whatever bytes it holds */
    const af_pq_schema_element *e = &m->schema[l->schema_index];
    if (e->has_converted_type && e->converted_type == AF_PQ_CT_INTERVAL)
        p->sort = AF_PQ_SORT_NONE;
    return AF_OK;
}

int af_pq_pruner_init(af_pq_pruner *pr, const af_pq_file_meta *m, const af_pq_schema_map *sm,
                      const af_parquet_predicate *preds, size_t n, const char *name, af_error *err)
{
    memset(pr, 0, sizeof *pr);
    if (!n || !preds)
        return AF_OK;
    pr->preds = calloc(n, sizeof *pr->preds);
    if (!pr->preds)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *col = preds[i].column ? preds[i].column : "";
        long t = af_schema_find(sm->schema, col);
        if (t < 0) {
            af_pq_pruner_free(pr);
            return af_error_set(err, AF_ENOTFOUND, "%s: no column '%s' for the predicate", name,
                                col);
        }
        const af_pq_leaf_info *l = flat_leaf(sm, (size_t)t);
        if (!l)
            continue; /* nested: statistics say nothing about the top-level value */
        af_pq_prune_pred *p = &pr->preds[pr->n];
        af_buf_init(&p->lo);
        af_buf_init(&p->hi);
        pr->n++;
        int rc = compile(p, m, l, &preds[i], name, err);
        if (rc) {
            af_pq_pruner_free(pr);
            return rc;
        }
    }
    return AF_OK;
}

/* ---- page level ---- */

void af_pq_row_ranges_free(af_pq_row_ranges *rr)
{
    free(rr->r);
    memset(rr, 0, sizeof *rr);
}

/* Appends [start, end), merging with the last range when they touch. */
static int ranges_push(af_pq_row_ranges *rr, int64_t start, int64_t end)
{
    if (start >= end)
        return AF_OK;
    if (rr->n && rr->r[rr->n - 1].end >= start) {
        if (end > rr->r[rr->n - 1].end)
            rr->r[rr->n - 1].end = end;
        return AF_OK;
    }
    if (rr->n == rr->cap) {
        size_t cap = rr->cap ? 2 * rr->cap : 8;
        af_pq_row_range *r = realloc(rr->r, cap * sizeof *r);
        if (!r)
            return AF_ENOMEM;
        rr->r = r;
        rr->cap = cap;
    }
    rr->r[rr->n++] = (af_pq_row_range){start, end};
    return AF_OK;
}

int af_pq_row_ranges_all(af_pq_row_ranges *rr, int64_t rows)
{
    rr->n = 0;
    return ranges_push(rr, 0, rows);
}

int af_pq_row_ranges_intersect(af_pq_row_ranges *rr, const af_pq_row_ranges *other)
{
    af_pq_row_ranges out = {0};
    size_t i = 0, j = 0;
    int rc = AF_OK;
    while (!rc && i < rr->n && j < other->n) {
        int64_t lo = rr->r[i].start > other->r[j].start ? rr->r[i].start : other->r[j].start;
        int64_t hi = rr->r[i].end < other->r[j].end ? rr->r[i].end : other->r[j].end;
        rc = ranges_push(&out, lo, hi);
        if (rr->r[i].end < other->r[j].end)
            i++;
        else
            j++;
    }
    if (rc) {
        af_pq_row_ranges_free(&out);
        return rc;
    }
    af_pq_row_ranges_free(rr);
    *rr = out;
    return AF_OK;
}

int64_t af_pq_row_ranges_count(const af_pq_row_ranges *rr)
{
    int64_t n = 0;
    for (size_t i = 0; i < rr->n; i++)
        n += rr->r[i].end - rr->r[i].start;
    return n;
}

int af_pq_page_ranges(const af_pq_prune_pred *p, const af_pq_file_meta *m,
                      const af_pq_column_index *ci, const af_pq_offset_index *oi, int64_t rows,
                      af_pq_row_ranges *out, af_error *err)
{
    out->n = 0;
    size_t np = oi ? oi->n_pages : 0;
    bool usable = ci && np > 0 && ci->n_pages == np && oi->pages[0].first_row_index == 0;
    for (size_t k = 1; usable && k < np; k++)
        usable = oi->pages[k].first_row_index > oi->pages[k - 1].first_row_index &&
                 oi->pages[k].first_row_index < rows;
    if (!usable)
        return af_pq_row_ranges_all(out, rows) ? af_error_set(err, AF_ENOMEM, "out of memory")
                                               : AF_OK;
    /* the column index's bounds follow the column order, like min_value */
    bool order_known = !m->has_column_orders || p->column >= m->n_column_orders ||
                       m->column_orders[p->column] != AF_PQ_ORDER_OTHER;
    for (size_t k = 0; k < np; k++) {
        int64_t lo = oi->pages[k].first_row_index;
        int64_t hi = k + 1 < np ? oi->pages[k + 1].first_row_index : rows;
        af_pq_bounds b = {NULL, NULL, false, 0, hi - lo};
        if (ci->null_counts.present && k < ci->null_counts.n && ci->null_counts.v[k] >= 0) {
            b.has_null_count = true;
            b.null_count = ci->null_counts.v[k];
        }
        /* A null page has no bounds. Some writers mark every page null when
         * they keep no statistics (parquet-mr's checksum files, a REQUIRED
         * column among them), so the flag alone proves nothing: only a
         * null count covering the page does. */
        bool null_page = ci->null_pages && ci->null_pages[k];
        if (!null_page && order_known) {
            b.min = &ci->min_values[k];
            b.max = &ci->max_values[k];
        }
        if (af_pq_prune_may_match(p, &b) && ranges_push(out, lo, hi))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

size_t af_pq_predicates_from_where(const af_where *w, af_parquet_predicate *out, size_t cap)
{
    af_where_simple *s = calloc(cap + 1, sizeof *s);
    if (!s)
        return 0; /* no pruning is always correct */
    size_t n = af_where_simple_predicates(w, s, cap);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        af_parquet_op op;
        switch (s[i].op) {
        case AF_WHERE_EQ: op = AF_PQ_EQ; break;
        case AF_WHERE_LT: op = AF_PQ_LT; break;
        case AF_WHERE_LE: op = AF_PQ_LE; break;
        case AF_WHERE_GT: op = AF_PQ_GT; break;
        case AF_WHERE_GE: op = AF_PQ_GE; break;
        case AF_WHERE_BETWEEN: op = AF_PQ_BETWEEN; break;
        case AF_WHERE_IS_NULL: op = AF_PQ_IS_NULL; break;
        case AF_WHERE_IS_NOT_NULL: op = AF_PQ_IS_NOT_NULL; break;
        default: continue;
        }
        out[k++] = (af_parquet_predicate){s[i].column, op, s[i].value, s[i].value2};
    }
    free(s);
    return k;
}
