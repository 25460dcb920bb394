/* column_writer.c - one leaf column: values in, pages out (column_writer.h).
 *
 * A page accumulates levels (as uint32 for the RLE encoder), then either
 * dictionary indices or PLAIN bytes. Closing a page encodes and compresses
 * it into the chunk buffer and records its page-index entry; closing the
 * chunk prepends the dictionary page and writes everything out. */
#include "formats/parquet/column_writer.h"

#include "formats/parquet/dictionary.h"
#include "formats/parquet/encoding.h"
#include "formats/parquet/stats.h"

#include <stdlib.h>
#include <string.h>

/* Column-index bounds longer than this are shortened (parquet-mr and Arrow
 * use the same figure); chunk statistics get more room because pruning on
 * them is what saves whole row groups. */
#define AF_PQ_INDEX_BOUND_BYTES 64
#define AF_PQ_STATS_BOUND_BYTES 256

/* One data page's entry in the page index. */
typedef struct page_entry {
    uint64_t offset; /* within the chunk's data pages */
    int32_t size;    /* header + body */
    int64_t first_row;
    int64_t null_count;
    bool null_page;
    bool has_bounds;
    size_t min_off, min_len, max_off, max_len; /* into bounds */
} page_entry;

struct af_pq_column_writer {
    const af_pq_leaf_info *leaf;
    af_pq_column_options o;
    size_t width; /* PLAIN width of fixed values; 0 for BYTE_ARRAY */
    af_pq_sort sort;

    /* the open page */
    uint32_t *def, *rep;
    size_t n_levels, levels_cap;
    uint32_t *idx; /* dictionary indices */
    size_t n_idx, idx_cap;
    uint32_t idx_max;
    af_buf plain; /* PLAIN values (BOOLEAN: one byte each) */
    size_t page_values, page_rows, page_nulls;
    af_pq_stats page_stats;
    uint8_t *seen; /* per dictionary entry, for page statistics */
    size_t seen_cap;

    /* the open chunk */
    af_pq_dict *dict;
    bool dict_active; /* values still go to the dictionary */
    bool dict_full;   /* it passed its limit: fall back at the next page */
    int n_dict_pages, n_plain_pages;
    af_buf pages;              /* headers + compressed bodies */
    af_buf body, packed, comp; /* scratch */
    af_pq_stats chunk_stats;
    int64_t chunk_entries, chunk_rows, chunk_uncompressed;
    page_entry *index;
    size_t n_index, index_cap;
    af_buf bounds;
};

static bool is_byte_array(const af_pq_column_writer *cw)
{
    return cw->leaf->physical_type == AF_PQ_BYTE_ARRAY;
}

af_pq_sort af_pq_leaf_sort(const af_pq_leaf_info *leaf)
{
    switch (leaf->physical_type) {
    case AF_PQ_BOOLEAN: return AF_PQ_SORT_BOOL;
    case AF_PQ_INT32:
    case AF_PQ_INT64: return leaf->conv == AF_PQ_CONV_NULL ? AF_PQ_SORT_NONE : AF_PQ_SORT_SIGNED;
    case AF_PQ_FLOAT: return AF_PQ_SORT_FLOAT;
    case AF_PQ_DOUBLE: return AF_PQ_SORT_DOUBLE;
    case AF_PQ_BYTE_ARRAY: return AF_PQ_SORT_UNSIGNED_BYTES;
    case AF_PQ_FIXED_LEN_BYTE_ARRAY:
        return leaf->conv == AF_PQ_CONV_DECIMAL_FLBA ? AF_PQ_SORT_SIGNED_BYTES
                                                     : AF_PQ_SORT_UNSIGNED_BYTES;
    default: return AF_PQ_SORT_NONE;
    }
}

int af_pq_column_writer_new(const af_pq_leaf_info *leaf, const af_pq_column_options *o,
                            af_pq_column_writer **out, af_error *err)
{
    *out = NULL;
    af_pq_column_writer *cw = calloc(1, sizeof *cw);
    if (!cw)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    cw->leaf = leaf;
    cw->o = *o;
    if (cw->o.page_rows == 0)
        cw->o.page_rows = 20000;
    if (cw->o.page_bytes == 0)
        cw->o.page_bytes = 1 << 20;
    cw->width = af_pq_leaf_plain_width(leaf);
    cw->sort = af_pq_leaf_sort(leaf);
    af_buf_init(&cw->plain);
    af_buf_init(&cw->pages);
    af_buf_init(&cw->body);
    af_buf_init(&cw->packed);
    af_buf_init(&cw->comp);
    af_buf_init(&cw->bounds);
    af_pq_stats_init(&cw->page_stats, cw->sort);
    af_pq_stats_init(&cw->chunk_stats, cw->sort);
    bool dictionary =
        o->dictionary && leaf->physical_type != AF_PQ_BOOLEAN && leaf->conv != AF_PQ_CONV_NULL;
    if (dictionary) {
        cw->dict = af_pq_dict_new(cw->width);
        if (!cw->dict) {
            af_pq_column_writer_free(cw);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    cw->dict_active = dictionary;
    *out = cw;
    return AF_OK;
}

void af_pq_column_writer_free(af_pq_column_writer *cw)
{
    if (!cw)
        return;
    free(cw->def);
    free(cw->rep);
    free(cw->idx);
    free(cw->seen);
    free(cw->index);
    af_buf_free(&cw->plain);
    af_buf_free(&cw->pages);
    af_buf_free(&cw->body);
    af_buf_free(&cw->packed);
    af_buf_free(&cw->comp);
    af_buf_free(&cw->bounds);
    af_pq_stats_free(&cw->page_stats);
    af_pq_stats_free(&cw->chunk_stats);
    af_pq_dict_free(cw->dict);
    free(cw);
}

size_t af_pq_column_writer_buffered(const af_pq_column_writer *cw)
{
    return cw->pages.len + cw->plain.len + cw->n_idx * sizeof(uint32_t) +
           cw->n_levels * 2 * sizeof(uint32_t);
}

static const char *column_name(const af_pq_column_writer *cw)
{
    return cw->leaf->field->name;
}

static int oom(af_error *err)
{
    return af_error_set(err, AF_ENOMEM, "out of memory");
}

static int grow_u32(uint32_t **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return AF_OK;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    uint32_t *n = realloc(*p, c * sizeof *n);
    if (!n)
        return AF_ENOMEM;
    *p = n;
    *cap = c;
    return AF_OK;
}

/* ---- closing a page ---- */

/* Page statistics of a dictionary-encoded page come from its distinct
 * indices: far fewer comparisons than one per value. */
static int dict_page_stats(af_pq_column_writer *cw, af_error *err)
{
    uint32_t count = af_pq_dict_count(cw->dict);
    if (count > cw->seen_cap) {
        uint8_t *s = realloc(cw->seen, count);
        if (!s)
            return oom(err);
        memset(s + cw->seen_cap, 0, count - cw->seen_cap);
        cw->seen = s;
        cw->seen_cap = count;
    }
    for (size_t i = 0; i < cw->n_idx; i++) {
        uint32_t ix = cw->idx[i];
        if (cw->seen[ix])
            continue;
        cw->seen[ix] = 1;
        size_t len;
        const uint8_t *v = af_pq_dict_value(cw->dict, ix, &len);
        if (af_pq_stats_update(&cw->page_stats, v, len))
            return oom(err);
    }
    for (size_t i = 0; i < cw->n_idx; i++)
        cw->seen[cw->idx[i]] = 0;
    return AF_OK;
}

/* Appends the encoded values of the page to out; *encoding receives the
 * page's value encoding. */
static int encode_values(af_pq_column_writer *cw, af_buf *out, int32_t *encoding, af_error *err)
{
    /* a page without values (all nulls) keeps the chunk's encoding while the
     * dictionary is in use, so encoding_stats still say "all dictionary" */
    if (cw->n_idx || (cw->dict_active && cw->page_values == 0)) {
        int bw = cw->n_idx ? af_pq_bit_width(cw->idx_max) : 0;
        *encoding = AF_PQ_ENC_RLE_DICTIONARY;
        if (af_buf_append(out, &(uint8_t){(uint8_t)bw}, 1))
            return oom(err);
        return af_pq_rle_encode(cw->idx, cw->n_idx, bw, out, err);
    }
    *encoding = AF_PQ_ENC_PLAIN;
    if (cw->leaf->physical_type == AF_PQ_BOOLEAN)
        return af_pq_plain_encode_bool(cw->plain.data, cw->plain.len, out, err);
    return af_buf_append(out, cw->plain.data, cw->plain.len) ? oom(err) : AF_OK;
}

static int encode_levels(const uint32_t *v, size_t n, int16_t max, bool prefixed, af_buf *out,
                         af_error *err)
{
    int bw = af_pq_bit_width((uint64_t)max);
    return prefixed ? af_pq_rle_encode_prefixed(v, n, bw, out, err)
                    : af_pq_rle_encode(v, n, bw, out, err);
}

/* Compresses src into cw->comp (or points at src when uncompressed). */
static int compress(af_pq_column_writer *cw, const af_buf *src, const uint8_t **out, size_t *n,
                    af_error *err)
{
    if (cw->o.codec == AF_CODEC_UNCOMPRESSED) {
        *out = src->data;
        *n = src->len;
        return AF_OK;
    }
    af_buf_reset(&cw->comp);
    int rc = af_codec_compress(cw->o.codec, cw->o.level, src->data, src->len, &cw->comp, err);
    if (rc)
        return rc;
    *out = cw->comp.data;
    *n = cw->comp.len;
    return AF_OK;
}

static int page_size_check(const af_pq_column_writer *cw, size_t n, af_error *err)
{
    if (n > INT32_MAX)
        return af_error_set(err, AF_ELIMIT,
                            "column '%s': a page of %zu bytes is over the 2 GiB Parquet limit",
                            column_name(cw), n);
    return AF_OK;
}

static int record_index_entry(af_pq_column_writer *cw, uint64_t offset, size_t size, af_error *err)
{
    if (cw->n_index == cw->index_cap) {
        size_t c = cw->index_cap ? cw->index_cap * 2 : 16;
        page_entry *n = realloc(cw->index, c * sizeof *n);
        if (!n)
            return oom(err);
        cw->index = n;
        cw->index_cap = c;
    }
    page_entry *e = &cw->index[cw->n_index++];
    memset(e, 0, sizeof *e);
    e->offset = offset;
    e->size = (int32_t)size;
    e->first_row = cw->chunk_rows;
    e->null_count = (int64_t)cw->page_nulls;
    e->null_page = cw->page_values == 0;
    af_buf min, max;
    af_buf_init(&min);
    af_buf_init(&max);
    bool min_exact, max_exact, has_max;
    if (af_pq_stats_bounds(&cw->page_stats, AF_PQ_INDEX_BOUND_BYTES, &min, &min_exact, &max,
                           &max_exact, &has_max) &&
        has_max) {
        e->has_bounds = true;
        e->min_off = cw->bounds.len;
        e->min_len = min.len;
        e->max_off = cw->bounds.len + min.len;
        e->max_len = max.len;
        if (af_buf_append(&cw->bounds, min.data, min.len) ||
            af_buf_append(&cw->bounds, max.data, max.len)) {
            af_buf_free(&min);
            af_buf_free(&max);
            return oom(err);
        }
    }
    af_buf_free(&min);
    af_buf_free(&max);
    return AF_OK;
}

static int flush_page(af_pq_column_writer *cw, af_error *err)
{
    size_t entries = cw->n_levels ? cw->n_levels : cw->page_values;
    if (entries == 0)
        return AF_OK;
    const af_pq_leaf_info *leaf = cw->leaf;
    bool has_def = leaf->max_def > 0, has_rep = leaf->max_rep > 0;
    bool v2 = cw->o.page_version == 2;
    int rc = cw->n_idx ? dict_page_stats(cw, err) : AF_OK;
    if (rc)
        return rc;

    af_buf_reset(&cw->body);
    af_buf_reset(&cw->packed);
    int32_t encoding = AF_PQ_ENC_PLAIN;
    size_t levels_len = 0, rep_len = 0;
    if (has_rep)
        rc = encode_levels(cw->rep, cw->n_levels, leaf->max_rep, !v2, &cw->body, err);
    rep_len = cw->body.len;
    if (!rc && has_def)
        rc = encode_levels(cw->def, cw->n_levels, leaf->max_def, !v2, &cw->body, err);
    levels_len = cw->body.len;
    /* v1 compresses levels and values together; v2 only the values */
    if (!rc)
        rc = encode_values(cw, v2 ? &cw->packed : &cw->body, &encoding, err);
    if (rc)
        return rc;
    const uint8_t *cdata;
    size_t clen;
    size_t uncompressed = v2 ? levels_len + cw->packed.len : cw->body.len;
    rc = compress(cw, v2 ? &cw->packed : &cw->body, &cdata, &clen, err);
    if (!rc)
        rc = page_size_check(cw, uncompressed, err);
    if (!rc)
        rc = page_size_check(cw, (v2 ? levels_len : 0) + clen, err);
    if (rc)
        return rc;

    af_pq_page_header h;
    memset(&h, 0, sizeof h);
    h.uncompressed_page_size = (int32_t)uncompressed;
    h.compressed_page_size = (int32_t)((v2 ? levels_len : 0) + clen);
    if (v2) {
        h.type = AF_PQ_PAGE_DATA_V2;
        h.has_data_page_header_v2 = true;
        af_pq_data_page_header_v2 *d = &h.data_page_header_v2;
        d->num_values = (int32_t)entries;
        d->num_nulls = (int32_t)cw->page_nulls;
        d->num_rows = (int32_t)cw->page_rows;
        d->encoding = encoding;
        d->definition_levels_byte_length = (int32_t)(levels_len - rep_len);
        d->repetition_levels_byte_length = (int32_t)rep_len;
        d->has_is_compressed = true;
        d->is_compressed = cw->o.codec != AF_CODEC_UNCOMPRESSED;
    } else {
        h.type = AF_PQ_PAGE_DATA;
        h.has_data_page_header = true;
        af_pq_data_page_header *d = &h.data_page_header;
        d->num_values = (int32_t)entries;
        d->encoding = encoding;
        d->definition_level_encoding = AF_PQ_ENC_RLE;
        d->repetition_level_encoding = AF_PQ_ENC_RLE;
    }
    uint64_t page_start = cw->pages.len;
    rc = af_pq_page_header_encode(&h, &cw->pages, err);
    if (rc)
        return rc;
    size_t header_len = cw->pages.len - page_start;
    if ((v2 && af_buf_append(&cw->pages, cw->body.data, levels_len)) ||
        af_buf_append(&cw->pages, cdata, clen))
        return oom(err);
    cw->chunk_uncompressed += (int64_t)(header_len + uncompressed);
    if (cw->o.page_index) {
        rc = record_index_entry(cw, page_start, cw->pages.len - page_start, err);
        if (rc)
            return rc;
    }
    if (af_pq_stats_merge(&cw->chunk_stats, &cw->page_stats))
        return oom(err);
    if (encoding == AF_PQ_ENC_RLE_DICTIONARY)
        cw->n_dict_pages++;
    else
        cw->n_plain_pages++;
    cw->chunk_entries += (int64_t)entries;
    cw->chunk_rows += (int64_t)cw->page_rows;

    cw->n_levels = cw->n_idx = 0;
    cw->idx_max = 0;
    af_buf_reset(&cw->plain);
    cw->page_values = cw->page_rows = cw->page_nulls = 0;
    af_pq_stats_reset(&cw->page_stats);
    if (cw->dict_full) /* later pages of this chunk are PLAIN */
        cw->dict_active = false;
    return AF_OK;
}

static bool page_full(const af_pq_column_writer *cw)
{
    size_t entries = cw->n_levels ? cw->n_levels : cw->page_values;
    if (entries >= cw->o.page_rows || (cw->dict_full && cw->dict_active))
        return true;
    size_t bytes = cw->plain.len + cw->n_idx * (size_t)((af_pq_bit_width(cw->idx_max) + 7) / 8) +
                   cw->n_levels / 4;
    return bytes >= cw->o.page_bytes;
}

/* ---- adding values ---- */

static void put_le32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* Value i of array a as PLAIN Parquet bytes: a pointer into a's data when
 * the layouts agree, else converted into tmp (16 bytes). */
static int value_bytes(const af_pq_column_writer *cw, const af_array *a, int64_t i, uint8_t *tmp,
                       const uint8_t **p, size_t *n, af_error *err)
{
    const uint8_t *d = a->data.data;
    size_t k = (size_t)i;
    switch (cw->leaf->conv) {
    case AF_PQ_CONV_INT32:
    case AF_PQ_CONV_FLOAT: *p = d + k * 4, *n = 4; return AF_OK;
    case AF_PQ_CONV_INT64:
    case AF_PQ_CONV_DOUBLE: *p = d + k * 8, *n = 8; return AF_OK;
    case AF_PQ_CONV_INT8: put_le32(tmp, (uint32_t)(int32_t)((const int8_t *)d)[k]); break;
    case AF_PQ_CONV_INT16: {
        int16_t v;
        memcpy(&v, d + k * 2, 2);
        put_le32(tmp, (uint32_t)(int32_t)v);
        break;
    }
    case AF_PQ_CONV_TIME_S_MILLIS: {
        int32_t v;
        memcpy(&v, d + k * 4, 4);
        put_le32(tmp, (uint32_t)(v * 1000)); /* a time of day in seconds is < 86400 */
        break;
    }
    case AF_PQ_CONV_TIMESTAMP_S_MILLIS: {
        int64_t v;
        memcpy(&v, d + k * 8, 8);
        if (__builtin_mul_overflow(v, (int64_t)1000, &v))
            return af_error_set(err, AF_EOVERFLOW,
                                "column '%s': timestamp of %lld seconds is out of range for "
                                "Parquet milliseconds",
                                column_name(cw), (long long)v);
        memcpy(tmp, &v, 8);
        *p = tmp, *n = 8;
        return AF_OK;
    }
    case AF_PQ_CONV_DECIMAL_INT32:
    case AF_PQ_CONV_DECIMAL_INT64: {
        af_int128 v;
        memcpy(&v, d + k * 16, 16);
        if (cw->leaf->conv == AF_PQ_CONV_DECIMAL_INT32) {
            put_le32(tmp, (uint32_t)(int32_t)v);
        } else {
            int64_t w = (int64_t)v;
            memcpy(tmp, &w, 8);
            *p = tmp, *n = 8;
            return AF_OK;
        }
        break;
    }
    case AF_PQ_CONV_DECIMAL_FLBA: {
        /* big-endian two's complement: the low type_length bytes */
        const uint8_t *le = d + k * 16;
        size_t len = (size_t)cw->leaf->type_length;
        for (size_t b = 0; b < len; b++)
            tmp[b] = le[len - 1 - b];
        *p = tmp, *n = len;
        return AF_OK;
    }
    case AF_PQ_CONV_UUID: *p = d + k * 16, *n = 16; return AF_OK;
    case AF_PQ_CONV_BYTES: {
        int32_t s, e;
        memcpy(&s, a->offsets.data + k * 4, 4);
        memcpy(&e, a->offsets.data + k * 4 + 4, 4);
        *p = d ? d + s : (const uint8_t *)"", *n = (size_t)(e - s); /* all-empty: no buffer */
        return AF_OK;
    }
    case AF_PQ_CONV_BOOL: {
        tmp[0] = (uint8_t)((d[k >> 3] >> (k & 7)) & 1);
        *p = tmp, *n = 1;
        return AF_OK;
    }
    default:
        return af_error_set(err, AF_EINTERNAL, "column '%s': cannot write values as %s",
                            column_name(cw), af_pq_conv_name(cw->leaf->conv));
    }
    *p = tmp, *n = 4;
    return AF_OK;
}

static int add_value(af_pq_column_writer *cw, const uint8_t *p, size_t n, af_error *err)
{
    cw->page_values++;
    if (cw->dict_active) {
        uint32_t ix;
        if (af_pq_dict_insert(cw->dict, p, n, &ix) ||
            grow_u32(&cw->idx, &cw->idx_cap, cw->n_idx + 1))
            return oom(err);
        cw->idx[cw->n_idx++] = ix;
        if (ix > cw->idx_max)
            cw->idx_max = ix;
        if (af_pq_dict_plain_size(cw->dict) > cw->o.dictionary_max_bytes)
            cw->dict_full = true;
        return AF_OK;
    }
    if (af_pq_stats_update(&cw->page_stats, p, n))
        return oom(err);
    if (is_byte_array(cw)) {
        if (n > INT32_MAX)
            return af_error_set(err, AF_ELIMIT, "column '%s': a value of %zu bytes is too long",
                                column_name(cw), n);
        uint8_t len[4];
        put_le32(len, (uint32_t)n);
        if (af_buf_append(&cw->plain, len, 4))
            return oom(err);
    }
    return af_buf_append(&cw->plain, p, n) ? oom(err) : AF_OK;
}

/* The rep buffer follows the def buffer's capacity. */
static int reserve_levels(af_pq_column_writer *cw, size_t need, af_error *err)
{
    if (need <= cw->levels_cap)
        return AF_OK;
    size_t cap = cw->levels_cap;
    if (grow_u32(&cw->def, &cap, need))
        return oom(err);
    size_t rcap = cw->levels_cap;
    if (grow_u32(&cw->rep, &rcap, cap))
        return oom(err);
    cw->levels_cap = cap;
    return AF_OK;
}

int af_pq_column_writer_add_array(af_pq_column_writer *cw, const af_array *a, int64_t start,
                                  int64_t end, af_error *err)
{
    bool nullable = cw->leaf->max_def > 0;
    uint8_t tmp[16];
    for (int64_t i = start; i < end; i++) {
        if (page_full(cw)) {
            int rc = flush_page(cw, err);
            if (rc)
                return rc;
        }
        bool valid = af_array_is_valid(a, i);
        if (nullable) {
            if (reserve_levels(cw, cw->n_levels + 1, err))
                return AF_ENOMEM;
            cw->def[cw->n_levels++] = valid;
        } else if (!valid) {
            return af_error_set(err, AF_EINVAL,
                                "field '%s' is declared not nullable but holds a null",
                                column_name(cw));
        }
        cw->page_rows++;
        if (!valid) {
            cw->page_nulls++;
            af_pq_stats_add_nulls(&cw->page_stats, 1);
            continue;
        }
        const uint8_t *p = NULL;
        size_t n = 0;
        int rc = value_bytes(cw, a, i, tmp, &p, &n, err);
        if (!rc)
            rc = add_value(cw, p, n, err);
        if (rc)
            return rc;
    }
    return AF_OK;
}

int af_pq_column_writer_add_levels(af_pq_column_writer *cw, const af_pq_levels *lv, af_error *err)
{
    uint8_t tmp[16];
    size_t v = 0;
    int rc = reserve_levels(cw, cw->n_levels + 1, err);
    for (size_t e = 0; !rc && e < lv->n; e++) {
        int16_t def = lv->def[e], rep = lv->rep[e];
        if (rep == 0 && page_full(cw))
            rc = flush_page(cw, err);
        if (!rc)
            rc = reserve_levels(cw, cw->n_levels + 1, err);
        if (rc)
            break;
        cw->def[cw->n_levels] = (uint32_t)def;
        cw->rep[cw->n_levels] = (uint32_t)rep;
        cw->n_levels++;
        if (rep == 0)
            cw->page_rows++;
        if (def < lv->max_def) {
            cw->page_nulls++;
            af_pq_stats_add_nulls(&cw->page_stats, 1);
            continue;
        }
        if (v >= lv->n_values)
            return af_error_set(err, AF_EINTERNAL, "column '%s': levels and values disagree",
                                column_name(cw));
        const uint8_t *p = NULL;
        size_t n = 0;
        rc = value_bytes(cw, lv->values, lv->value_index[v++], tmp, &p, &n, err);
        if (!rc)
            rc = add_value(cw, p, n, err);
    }
    return rc;
}

/* ---- closing the chunk ---- */

static int emit(af_byte_sink out, uint64_t *offset, const void *p, size_t n, af_error *err)
{
    int rc = n ? out.write(out.ctx, p, n, err) : AF_OK;
    if (!rc)
        *offset += n;
    return rc;
}

static int write_dictionary_page(af_pq_column_writer *cw, af_byte_sink out, uint64_t *offset,
                                 af_error *err)
{
    af_buf_reset(&cw->body);
    int rc = af_pq_dict_write_plain(cw->dict, &cw->body);
    if (rc)
        return oom(err);
    const uint8_t *cdata;
    size_t clen;
    rc = compress(cw, &cw->body, &cdata, &clen, err);
    if (!rc)
        rc = page_size_check(cw, cw->body.len, err);
    if (rc)
        return rc;
    af_pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = AF_PQ_PAGE_DICTIONARY;
    h.uncompressed_page_size = (int32_t)cw->body.len;
    h.compressed_page_size = (int32_t)clen;
    h.has_dictionary_page_header = true;
    h.dictionary_page_header.num_values = (int32_t)af_pq_dict_count(cw->dict);
    h.dictionary_page_header.encoding = AF_PQ_ENC_PLAIN;
    af_buf hdr;
    af_buf_init(&hdr);
    rc = af_pq_page_header_encode(&h, &hdr, err);
    if (!rc)
        rc = emit(out, offset, hdr.data, hdr.len, err);
    if (!rc)
        rc = emit(out, offset, cdata, clen, err);
    cw->chunk_uncompressed += (int64_t)(hdr.len + cw->body.len);
    af_buf_free(&hdr);
    return rc;
}

static af_pq_bytes arena_bytes(af_arena *arena, const void *p, size_t n)
{
    af_pq_bytes b = {NULL, 0};
    uint8_t *copy = af_arena_alloc(arena, n);
    if (copy) {
        if (n)
            memcpy(copy, p, n);
        b.data = copy;
        b.len = n;
    }
    return b;
}

static int fill_statistics(af_pq_column_writer *cw, af_arena *arena, af_pq_statistics *st,
                           af_error *err)
{
    memset(st, 0, sizeof *st);
    st->has_null_count = true;
    st->null_count = cw->chunk_stats.null_count;
    af_buf min, max;
    af_buf_init(&min);
    af_buf_init(&max);
    bool min_exact, max_exact, has_max;
    int rc = AF_OK;
    if (af_pq_stats_bounds(&cw->chunk_stats, AF_PQ_STATS_BOUND_BYTES, &min, &min_exact, &max,
                           &max_exact, &has_max)) {
        st->min_value = arena_bytes(arena, min.data, min.len);
        st->has_min_value = true;
        st->has_is_min_value_exact = true;
        st->is_min_value_exact = min_exact;
        if (has_max) {
            st->max_value = arena_bytes(arena, max.data, max.len);
            st->has_max_value = true;
            st->has_is_max_value_exact = true;
            st->is_max_value_exact = max_exact;
        }
        if (!st->min_value.data || (has_max && !st->max_value.data))
            rc = oom(err);
        /* the deprecated fields hold signed-order bounds: the same for numbers */
        af_pq_sort s = cw->sort;
        if (s == AF_PQ_SORT_SIGNED || s == AF_PQ_SORT_FLOAT || s == AF_PQ_SORT_DOUBLE ||
            s == AF_PQ_SORT_BOOL) {
            st->min = st->min_value;
            st->max = st->max_value;
            st->has_min = st->has_min_value;
            st->has_max = st->has_max_value;
        }
    }
    af_buf_free(&min);
    af_buf_free(&max);
    return rc;
}

static int32_t boundary_order(const af_pq_column_writer *cw)
{
    bool asc = true, desc = true;
    const page_entry *prev = NULL;
    for (size_t i = 0; i < cw->n_index; i++) {
        const page_entry *e = &cw->index[i];
        if (e->null_page)
            continue;
        if (prev) {
            const uint8_t *b = cw->bounds.data ? cw->bounds.data : (const uint8_t *)"";
            int cmin = af_pq_compare(cw->sort, b + prev->min_off, prev->min_len, b + e->min_off,
                                     e->min_len);
            int cmax = af_pq_compare(cw->sort, b + prev->max_off, prev->max_len, b + e->max_off,
                                     e->max_len);
            if (cmin > 0 || cmax > 0)
                asc = false;
            if (cmin < 0 || cmax < 0)
                desc = false;
        }
        prev = e;
    }
    if (asc)
        return AF_PQ_BOUNDARY_ASCENDING;
    return desc ? AF_PQ_BOUNDARY_DESCENDING : AF_PQ_BOUNDARY_UNORDERED;
}

static int write_page_index(af_pq_column_writer *cw, uint64_t data_start, af_buf *column_index,
                            af_buf *offset_index, af_error *err)
{
    size_t n = cw->n_index;
    bool bounds_ok = cw->sort != AF_PQ_SORT_NONE;
    for (size_t i = 0; i < n; i++)
        if (!cw->index[i].null_page && !cw->index[i].has_bounds)
            bounds_ok = false; /* e.g. a page of NaNs only: no usable column index */
    af_pq_page_location *loc = calloc(n + 1, sizeof *loc);
    bool *null_pages = calloc(n + 1, sizeof *null_pages);
    af_pq_bytes *mins = calloc(n + 1, sizeof *mins), *maxs = calloc(n + 1, sizeof *maxs);
    int64_t *nulls = calloc(n + 1, sizeof *nulls);
    int rc = AF_OK;
    if (!loc || !null_pages || !mins || !maxs || !nulls)
        rc = oom(err);
    for (size_t i = 0; !rc && i < n; i++) {
        const page_entry *e = &cw->index[i];
        loc[i].offset = (int64_t)(data_start + e->offset);
        loc[i].compressed_page_size = e->size;
        loc[i].first_row_index = e->first_row;
        null_pages[i] = e->null_page;
        nulls[i] = e->null_count;
        if (e->has_bounds) {
            const uint8_t *b = cw->bounds.data ? cw->bounds.data : (const uint8_t *)"";
            mins[i] = (af_pq_bytes){b + e->min_off, e->min_len};
            maxs[i] = (af_pq_bytes){b + e->max_off, e->max_len};
        } else {
            mins[i] = maxs[i] = (af_pq_bytes){(const uint8_t *)"", 0};
        }
    }
    if (!rc) {
        af_pq_offset_index oi;
        memset(&oi, 0, sizeof oi);
        oi.pages = loc;
        oi.n_pages = n;
        rc = af_pq_offset_index_encode(&oi, offset_index, err);
    }
    if (!rc && bounds_ok) {
        af_pq_column_index ci;
        memset(&ci, 0, sizeof ci);
        ci.n_pages = n;
        ci.null_pages = null_pages;
        ci.min_values = mins;
        ci.max_values = maxs;
        ci.boundary_order = boundary_order(cw);
        ci.null_counts = (af_pq_i64_list){true, nulls, n};
        rc = af_pq_column_index_encode(&ci, column_index, err);
    }
    free(loc);
    free(null_pages);
    free(mins);
    free(maxs);
    free(nulls);
    return rc;
}

static int fill_meta(af_pq_column_writer *cw, af_arena *arena, af_pq_column_meta *md,
                     bool dict_page, af_error *err)
{
    const af_pq_leaf_info *leaf = cw->leaf;
    md->type = leaf->physical_type;
    md->codec = (int32_t)cw->o.codec;
    md->num_values = cw->chunk_entries;
    md->path = af_arena_array(arena, leaf->n_path ? leaf->n_path : 1, sizeof *md->path);
    md->n_path = leaf->n_path;
    for (size_t i = 0; md->path && i < leaf->n_path; i++)
        if (!(md->path[i] = af_arena_strndup(arena, leaf->path[i], strlen(leaf->path[i]))))
            return oom(err);
    int32_t enc[4];
    size_t ne = 0;
    if (dict_page || cw->n_plain_pages)
        enc[ne++] = AF_PQ_ENC_PLAIN;
    enc[ne++] = AF_PQ_ENC_RLE;
    if (cw->n_dict_pages)
        enc[ne++] = AF_PQ_ENC_RLE_DICTIONARY;
    md->encodings = af_arena_array(arena, ne, sizeof *md->encodings);
    if (!md->path || !md->encodings)
        return oom(err);
    memcpy(md->encodings, enc, ne * sizeof *enc);
    md->n_encodings = ne;
    af_pq_page_encoding_stats es[3];
    size_t nes = 0;
    if (dict_page)
        es[nes++] = (af_pq_page_encoding_stats){AF_PQ_PAGE_DICTIONARY, AF_PQ_ENC_PLAIN, 1};
    int32_t data_page = cw->o.page_version == 2 ? AF_PQ_PAGE_DATA_V2 : AF_PQ_PAGE_DATA;
    if (cw->n_dict_pages)
        es[nes++] =
            (af_pq_page_encoding_stats){data_page, AF_PQ_ENC_RLE_DICTIONARY, cw->n_dict_pages};
    if (cw->n_plain_pages)
        es[nes++] = (af_pq_page_encoding_stats){data_page, AF_PQ_ENC_PLAIN, cw->n_plain_pages};
    md->encoding_stats = af_arena_array(arena, nes ? nes : 1, sizeof *md->encoding_stats);
    if (!md->encoding_stats)
        return oom(err);
    memcpy(md->encoding_stats, es, nes * sizeof *es);
    md->n_encoding_stats = nes;
    md->has_encoding_stats = nes > 0;
    md->has_statistics = true;
    return fill_statistics(cw, arena, &md->statistics, err);
}

static void reset_chunk(af_pq_column_writer *cw)
{
    if (cw->dict)
        af_pq_dict_clear(cw->dict);
    cw->dict_active = cw->dict != NULL;
    cw->dict_full = false;
    cw->n_dict_pages = cw->n_plain_pages = 0;
    af_buf_reset(&cw->pages);
    af_buf_reset(&cw->bounds);
    af_pq_stats_reset(&cw->chunk_stats);
    cw->chunk_entries = cw->chunk_rows = cw->chunk_uncompressed = 0;
    cw->n_index = 0;
}

int af_pq_column_writer_write_chunk(af_pq_column_writer *cw, af_byte_sink out, uint64_t *offset,
                                    af_arena *arena, af_pq_column_chunk *cc, af_buf *column_index,
                                    af_buf *offset_index, af_error *err)
{
    int rc = flush_page(cw, err);
    if (rc)
        return rc;
    memset(cc, 0, sizeof *cc);
    uint64_t start = *offset;
    bool dict_page = cw->n_dict_pages > 0;
    if (dict_page) {
        rc = write_dictionary_page(cw, out, offset, err);
        if (rc)
            return rc;
    }
    uint64_t data_start = *offset;
    rc = emit(out, offset, cw->pages.data, cw->pages.len, err);
    if (rc)
        return rc;
    cc->file_offset = (int64_t)start;
    cc->has_meta_data = true;
    af_pq_column_meta *md = &cc->meta_data;
    md->data_page_offset = (int64_t)data_start;
    if (dict_page) {
        md->has_dictionary_page_offset = true;
        md->dictionary_page_offset = (int64_t)start;
    }
    md->total_compressed_size = (int64_t)(*offset - start);
    md->total_uncompressed_size = cw->chunk_uncompressed;
    rc = fill_meta(cw, arena, md, dict_page, err);
    if (!rc && cw->o.page_index)
        rc = write_page_index(cw, data_start, column_index, offset_index, err);
    reset_chunk(cw);
    return rc;
}
