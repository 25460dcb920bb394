/* column_reader.c - walks the pages of one Parquet column chunk.
 *
 * The chunk's byte range is read once (checked against the blob and
 * AF_PQ_CHUNK_MAX_BYTES); then page headers are decoded one after another
 * until the chunk's num_values level entries are consumed. Each data page
 * is decompressed (v1: whole page; v2: only the values part, and only when
 * is_compressed), its levels decoded into the chunk's def/rep arrays and
 * its non-null values handed to column_values.c.
 *
 * af_pq_read_column_rows reads only some rows of a flat column: the
 * offset index says where each page starts and which rows it holds, so
 * only the dictionary page and the pages overlapping the wanted rows are
 * read (adjacent ones in one request); the decoded rows are then trimmed to
 * exactly the wanted ones, since other columns have other page boundaries.
 */
#include "formats/parquet/column_reader.h"

#include "formats/parquet/column_values.h"
#include "formats/parquet/encoding.h"
#include "io/codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk_reader {
    const char *name;
    char path[512];
    const af_pq_leaf_info *leaf;
    af_codec codec;
    af_pq_chunk_data *out;
    size_t cap; /* entries allocated in out->def / out->rep */
    af_pq_value_ctx vals;
} chunk_reader;

static int fail(chunk_reader *cr, int code, const char *what, af_error *err)
{
    return af_error_set(err, code, "%s: column %s: %s", cr->name, cr->path, what);
}

static void join_path(const af_pq_leaf_info *leaf, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < leaf->n_path && len + 1 < n; i++) {
        const char *s = leaf->path[i] ? leaf->path[i] : "?";
        if (i)
            buf[len++] = '.';
        size_t k = strlen(s);
        if (k > n - 1 - len)
            k = n - 1 - len;
        memcpy(buf + len, s, k);
        len += k;
        buf[len] = '\0';
    }
}

/* Makes room for `more` level entries. */
static int grow_levels(chunk_reader *cr, size_t more, af_error *err)
{
    af_pq_chunk_data *d = cr->out;
    /* allocate even for zero entries: callers take d->def + d->n, which
     * must not be arithmetic on NULL (an empty first page) */
    if (d->n + more <= cr->cap && cr->cap > 0)
        return 0;
    size_t cap = cr->cap ? cr->cap : 1024;
    while (cap < d->n + more)
        cap *= 2;
    if (d->max_def > 0) {
        int16_t *p = realloc(d->def, cap * sizeof *p);
        if (!p)
            return fail(cr, AF_ENOMEM, "out of memory for definition levels", err);
        d->def = p;
    }
    if (d->max_rep > 0) {
        int16_t *p = realloc(d->rep, cap * sizeof *p);
        if (!p)
            return fail(cr, AF_ENOMEM, "out of memory for repetition levels", err);
        d->rep = p;
    }
    cr->cap = cap;
    return 0;
}

/* Reads `count` levels of bit width for `max` into out; RLE hybrid (with a
 * 4-byte length prefix in v1 pages) or the deprecated BIT_PACKED (MSB
 * first). *consumed receives the bytes used. */
static int read_levels(chunk_reader *cr, const char *kind, int32_t encoding, bool prefixed,
                       const uint8_t *p, size_t n, int16_t max, int16_t *out, size_t count,
                       size_t *consumed, af_error *err)
{
    int bw = af_pq_bit_width((uint64_t)max);
    if (encoding == AF_PQ_ENC_BIT_PACKED && prefixed) {
        uint64_t bits = (uint64_t)count * (uint64_t)bw;
        uint64_t bytes = (bits + 7) / 8;
        if (bytes > n)
            return af_error_set(err, AF_EPARSE,
                                "%s: column %s: %s levels need %llu bytes, the page has %zu",
                                cr->name, cr->path, kind, (unsigned long long)bytes, n);
        for (size_t i = 0; i < count; i++) {
            uint32_t v = 0;
            uint64_t bit = (uint64_t)i * (uint64_t)bw;
            for (int b = 0; b < bw; b++, bit++)
                v = (v << 1) | ((p[bit / 8] >> (7 - bit % 8)) & 1u);
            if (v > (uint32_t)max)
                return af_error_set(err, AF_EPARSE, "%s: column %s: %s level %u is above %d",
                                    cr->name, cr->path, kind, v, (int)max);
            out[i] = (int16_t)v;
        }
        *consumed = (size_t)bytes;
        return 0;
    }
    if (encoding != AF_PQ_ENC_RLE)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: column %s: %s level encoding %s (%d) is not supported", cr->name,
                            cr->path, kind, af_pq_encoding_name(encoding), (int)encoding);
    size_t start = 0, len = n;
    if (prefixed) {
        if (n < 4)
            return af_error_set(err, AF_EPARSE, "%s: column %s: %s levels lack their length",
                                cr->name, cr->path, kind);
        uint32_t l =
            (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        if (l > n - 4)
            return af_error_set(err, AF_EPARSE,
                                "%s: column %s: %s levels claim %u bytes, the page has %zu",
                                cr->name, cr->path, kind, l, n - 4);
        start = 4;
        len = l;
    }
    af_pq_rle_reader r;
    int rc = af_pq_rle_reader_init(&r, p + start, len, bw, err);
    uint32_t tmp[1024];
    for (size_t done = 0; !rc && done < count;) {
        size_t k = count - done < 1024 ? count - done : 1024;
        rc = af_pq_rle_read(&r, tmp, k, err);
        for (size_t i = 0; !rc && i < k; i++) {
            if (tmp[i] > (uint32_t)max)
                return af_error_set(err, AF_EPARSE, "%s: column %s: %s level %u is above %d",
                                    cr->name, cr->path, kind, tmp[i], (int)max);
            out[done + i] = (int16_t)tmp[i];
        }
        done += k;
    }
    if (rc)
        return af_error_wrap(err, "%s: column %s: %s levels", cr->name, cr->path, kind);
    *consumed = start + len;
    return 0;
}

/* Decompresses src[0..n) into a new buffer of exactly `expected` bytes. */
static int decompress(chunk_reader *cr, const uint8_t *src, size_t n, size_t expected,
                      uint8_t **out, af_error *err)
{
    *out = malloc(expected ? expected : 1);
    if (!*out)
        return fail(cr, AF_ENOMEM, "out of memory for a page", err);
    int rc = af_codec_decompress(cr->codec, src, n, *out, expected, err);
    if (rc)
        af_error_wrap(err, "%s: column %s: page", cr->name, cr->path);
    return rc;
}

/* Levels and values of one data page: `lv` holds the levels (v1: the whole
 * decompressed page), `vals` the values. Adds num_values entries. */
static int data_page(chunk_reader *cr, size_t num_values, const uint8_t *rep_p, size_t rep_n,
                     const uint8_t *def_p, size_t def_n, bool v1, int32_t rep_enc, int32_t def_enc,
                     const uint8_t *vals, size_t vals_n, int32_t encoding, af_error *err)
{
    af_pq_chunk_data *d = cr->out;
    int rc = grow_levels(cr, num_values, err);
    if (rc)
        return rc;
    size_t used = 0;
    if (d->max_rep > 0) {
        rc = read_levels(cr, "repetition", rep_enc, v1, rep_p, rep_n, d->max_rep, d->rep + d->n,
                         num_values, &used, err);
        if (rc)
            return rc;
        if (v1) { /* v1: definition levels and values follow */
            def_p += used;
            def_n -= used;
        }
    }
    size_t nonnull = num_values;
    if (d->max_def > 0) {
        rc = read_levels(cr, "definition", def_enc, v1, def_p, def_n, d->max_def, d->def + d->n,
                         num_values, &used, err);
        if (rc)
            return rc;
        nonnull = 0;
        for (size_t i = 0; i < num_values; i++)
            nonnull += d->def[d->n + i] == d->max_def;
        if (v1) {
            def_p += used;
            def_n -= used;
        }
    }
    if (v1) {
        vals = def_p;
        vals_n = def_n;
    }
    d->n += num_values;
    return af_pq_values_decode(&cr->vals, vals, vals_n, encoding, nonnull, err);
}

/* Decodes the page at buf[*pos] (header and body) and moves *pos past it;
 * a data page may add at most `left` level entries. */
static int read_page(chunk_reader *cr, const uint8_t *buf, size_t len, size_t *pos_io, size_t left,
                     af_error *err)
{
    size_t pos = *pos_io;
    char msg[256];
    af_pq_page_header h;
    size_t hl = 0;
    bool truncated = false;
    int rc = af_pq_page_header_decode(buf + pos, len - pos, cr->name, &h, &hl, &truncated, err);
    if (rc)
        return af_error_wrap(err, "column %s: page header at chunk byte %zu", cr->path, pos);
    pos += hl;
    if (h.compressed_page_size < 0 || (size_t)h.compressed_page_size > len - pos ||
        h.uncompressed_page_size < 0) {
        snprintf(msg, sizeof msg,
                 "a page at chunk byte %zu has sizes %d/%d that do not fit the chunk", pos,
                 (int)h.compressed_page_size, (int)h.uncompressed_page_size);
        return fail(cr, AF_EPARSE, msg, err);
    }
    if ((size_t)h.uncompressed_page_size > AF_PQ_PAGE_MAX_BYTES)
        return fail(cr, AF_ELIMIT, "a page is larger than 1 GiB uncompressed", err);
    const uint8_t *page = buf + pos;
    size_t csize = (size_t)h.compressed_page_size, usize = (size_t)h.uncompressed_page_size;
    pos += csize;
    *pos_io = pos;
    uint8_t *plain = NULL;
    const uint8_t *pp = page;
    size_t pn = csize;
    switch (h.type) {
    case AF_PQ_PAGE_INDEX: break;
    case AF_PQ_PAGE_DICTIONARY:
        if (!h.has_dictionary_page_header || h.dictionary_page_header.num_values < 0)
            return fail(cr, AF_EPARSE, "a dictionary page without a valid header", err);
        if (cr->codec != AF_CODEC_UNCOMPRESSED) {
            rc = decompress(cr, page, csize, usize, &plain, err);
            pp = plain;
            pn = usize;
        }
        if (!rc)
            rc = af_pq_values_dictionary(&cr->vals, pp, pn, h.dictionary_page_header.encoding,
                                         (size_t)h.dictionary_page_header.num_values, err);
        break;
    case AF_PQ_PAGE_DATA: {
        const af_pq_data_page_header *dh = &h.data_page_header;
        if (!h.has_data_page_header || dh->num_values < 0 || (size_t)dh->num_values > left)
            return fail(cr, AF_EPARSE,
                        "a data page header is missing or holds more values than the chunk", err);
        if (cr->codec != AF_CODEC_UNCOMPRESSED) {
            rc = decompress(cr, page, csize, usize, &plain, err);
            pp = plain;
            pn = usize;
        }
        if (!rc)
            rc = data_page(cr, (size_t)dh->num_values, pp, pn, pp, pn, true,
                           dh->repetition_level_encoding, dh->definition_level_encoding, NULL, 0,
                           dh->encoding, err);
        break;
    }
    case AF_PQ_PAGE_DATA_V2: {
        const af_pq_data_page_header_v2 *dh = &h.data_page_header_v2;
        if (!h.has_data_page_header_v2 || dh->num_values < 0 || (size_t)dh->num_values > left)
            return fail(cr, AF_EPARSE,
                        "a v2 data page header is missing or holds more values than the chunk",
                        err);
        if (dh->repetition_levels_byte_length < 0 || dh->definition_levels_byte_length < 0 ||
            (uint64_t)dh->repetition_levels_byte_length +
                    (uint64_t)dh->definition_levels_byte_length >
                (csize < usize ? csize : usize))
            return fail(cr, AF_EPARSE, "a v2 data page's level lengths exceed the page", err);
        size_t rl = (size_t)dh->repetition_levels_byte_length;
        size_t dl = (size_t)dh->definition_levels_byte_length;
        const uint8_t *vp = page + rl + dl;
        size_t vn = csize - rl - dl;
        if (dh->is_compressed && cr->codec != AF_CODEC_UNCOMPRESSED) {
            rc = decompress(cr, vp, vn, usize - rl - dl, &plain, err);
            vp = plain;
            vn = usize - rl - dl;
        }
        if (!rc)
            rc = data_page(cr, (size_t)dh->num_values, page, rl, page + rl, dl, false,
                           AF_PQ_ENC_RLE, AF_PQ_ENC_RLE, vp, vn, dh->encoding, err);
        break;
    }
    default:
        snprintf(msg, sizeof msg, "page type %d is not supported", (int)h.type);
        return fail(cr, AF_EUNSUPPORTED, msg, err);
    }
    free(plain);
    if (rc)
        return rc;
    return 0;
}

static int read_pages(chunk_reader *cr, const uint8_t *buf, size_t len, int64_t total,
                      af_error *err)
{
    af_pq_chunk_data *d = cr->out;
    size_t pos = 0;
    while ((int64_t)d->n < total) {
        if (pos >= len) {
            char msg[128];
            snprintf(msg, sizeof msg, "the chunk ends after %zu of its %lld values", d->n,
                     (long long)total);
            return fail(cr, AF_EPARSE, msg, err);
        }
        int rc = read_page(cr, buf, len, &pos, (size_t)(total - (int64_t)d->n), err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Checks the chunk and prepares cr and out for reading it; *start and
 * *size give its byte range (*size 0: no values to read). */
static int chunk_setup(af_blob *blob, const af_pq_file_meta *m, int row_group,
                       const af_pq_leaf_info *leaf, af_pq_chunk_data *out, chunk_reader *cr,
                       int64_t *start, int64_t *size, af_error *err)
{
    memset(out, 0, sizeof *out);
    *cr = (chunk_reader){.name = blob->name ? blob->name : "parquet", .leaf = leaf, .out = out};
    *start = *size = 0;
    join_path(leaf, cr->path, sizeof cr->path);
    out->max_def = leaf->max_def;
    out->max_rep = leaf->max_rep;
    if (row_group < 0 || (size_t)row_group >= m->n_row_groups)
        return af_error_set(err, AF_EINVAL, "%s: row group %d does not exist (the file has %zu)",
                            cr->name, row_group, m->n_row_groups);
    const af_pq_row_group *rg = &m->row_groups[row_group];
    if (leaf->column >= rg->n_columns)
        return fail(cr, AF_EPARSE, "the row group has no chunk for this column", err);
    const af_pq_column_chunk *cc = &rg->columns[leaf->column];
    if (cc->encrypted)
        return fail(cr, AF_EUNSUPPORTED, "the column chunk is encrypted", err);
    if (cc->file_path)
        return fail(cr, AF_EUNSUPPORTED, "the column chunk is in another file (file_path)", err);
    if (!cc->has_meta_data)
        return fail(cr, AF_EPARSE, "the column chunk has no metadata", err);
    const af_pq_column_meta *cm = &cc->meta_data;
    cr->codec = (af_codec)cm->codec;

    af_schema *s = af_schema_new();
    if (!s || af_schema_add(s, leaf->field)) {
        af_schema_free(s);
        return fail(cr, AF_ENOMEM, "out of memory", err);
    }
    out->batch = af_batch_new(s);
    af_schema_free(s);
    if (!out->batch)
        return fail(cr, AF_ENOMEM, "out of memory", err);
    out->values = &out->batch->columns[0];
    cr->vals = (af_pq_value_ctx){cr->name, cr->path, leaf, out->values, NULL};

    if (cm->num_values < 0)
        return fail(cr, AF_EPARSE, "the column chunk has a negative value count", err);
    if (cm->num_values > AF_PQ_CHUNK_MAX_VALUES)
        return fail(cr, AF_ELIMIT, "the column chunk has more than 2^28 values", err);
    if (cm->num_values == 0)
        return 0;
    int64_t first = cm->data_page_offset;
    if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
        cm->dictionary_page_offset < first)
        first = cm->dictionary_page_offset;
    int64_t n = cm->total_compressed_size;
    char msg[256];
    if (first < 0 || n <= 0 || (uint64_t)first > blob->size ||
        (uint64_t)n > blob->size - (uint64_t)first) {
        snprintf(msg, sizeof msg,
                 "the column chunk's byte range (offset %lld, %lld bytes) is outside the file "
                 "(%llu bytes)",
                 (long long)first, (long long)n, (unsigned long long)blob->size);
        return fail(cr, AF_EPARSE, msg, err);
    }
    if ((uint64_t)n > AF_PQ_CHUNK_MAX_BYTES)
        return fail(cr, AF_ELIMIT, "the column chunk is larger than 2 GiB", err);
    *start = first;
    *size = n;
    return 0;
}

/* Reads bytes [off, off + n) of the file into a new buffer. */
static int read_bytes(chunk_reader *cr, af_blob *blob, int64_t off, int64_t n, uint8_t **out,
                      af_error *err)
{
    *out = malloc(n > 0 ? (size_t)n : 1);
    if (!*out)
        return fail(cr, AF_ENOMEM, "out of memory for the column chunk", err);
    return n > 0 ? af_blob_read_at(blob, (uint64_t)off, *out, (size_t)n, err) : 0;
}

int af_pq_read_column_chunk(af_blob *blob, const af_pq_file_meta *m, int row_group,
                            const af_pq_leaf_info *leaf, af_pq_chunk_data *out, af_error *err)
{
    chunk_reader cr;
    int64_t start, size;
    int rc = chunk_setup(blob, m, row_group, leaf, out, &cr, &start, &size, err);
    if (rc || size == 0)
        return rc;
    uint8_t *buf = NULL;
    rc = read_bytes(&cr, blob, start, size, &buf, err);
    if (!rc)
        rc = read_pages(&cr, buf, (size_t)size,
                        m->row_groups[row_group].columns[leaf->column].meta_data.num_values, err);
    free(buf);
    af_batch_release(cr.vals.dict_batch);
    return rc;
}

/* ---- reading selected rows of a flat column ---- */

/* Rows [first, first + n) of the row group, decoded in this order. */
typedef struct segment {
    int64_t first;
    size_t n;
} segment;

/* Whether the offset index describes pages that partition the group's
 * rows and lie, in order, inside the chunk's byte range. */
static bool index_usable(const af_pq_offset_index *oi, int64_t start, int64_t size, int64_t rows)
{
    if (!oi || oi->n_pages == 0 || oi->pages[0].first_row_index != 0)
        return false;
    int64_t end = start + size, prev_end = start;
    for (size_t k = 0; k < oi->n_pages; k++) {
        const af_pq_page_location *p = &oi->pages[k];
        if (p->offset < prev_end || p->compressed_page_size <= 0 ||
            p->compressed_page_size > end - p->offset || p->first_row_index >= rows)
            return false;
        if (k && p->first_row_index <= oi->pages[k - 1].first_row_index)
            return false;
        prev_end = p->offset + p->compressed_page_size;
    }
    return true;
}

static int64_t page_end_row(const af_pq_offset_index *oi, size_t k, int64_t rows)
{
    return k + 1 < oi->n_pages ? oi->pages[k + 1].first_row_index : rows;
}

/* Marks the pages whose rows overlap a range (both sorted). */
static void select_pages(const af_pq_offset_index *oi, int64_t rows, const af_pq_row_range *r,
                         size_t nr, bool *sel)
{
    size_t ri = 0;
    for (size_t k = 0; k < oi->n_pages; k++) {
        int64_t lo = oi->pages[k].first_row_index, hi = page_end_row(oi, k, rows);
        while (ri < nr && r[ri].end <= lo)
            ri++;
        sel[k] = ri < nr && r[ri].start < hi;
    }
}

/* Decodes the dictionary page(s) before the first data page and the
 * selected pages, each of which must hold exactly its rows. */
static int read_indexed(chunk_reader *cr, af_blob *blob, const af_pq_offset_index *oi,
                        int64_t start, int64_t rows, const bool *sel, segment *segs, size_t *n_segs,
                        af_error *err)
{
    af_pq_chunk_data *d = cr->out;
    uint8_t *buf = NULL;
    int rc = AF_OK;
    *n_segs = 0;
    if (oi->pages[0].offset > start) {
        int64_t n = oi->pages[0].offset - start;
        rc = read_bytes(cr, blob, start, n, &buf, err);
        for (size_t pos = 0; !rc && pos < (size_t)n;)
            rc = read_page(cr, buf, (size_t)n, &pos, 0, err);
        free(buf);
        buf = NULL;
    }
    for (size_t k = 0; !rc && k < oi->n_pages;) {
        if (!sel[k]) {
            k++;
            continue;
        }
        size_t b = k;
        while (b + 1 < oi->n_pages && sel[b + 1])
            b++;
        int64_t off = oi->pages[k].offset;
        int64_t len = oi->pages[b].offset + oi->pages[b].compressed_page_size - off;
        rc = read_bytes(cr, blob, off, len, &buf, err);
        for (size_t j = k; !rc && j <= b; j++) {
            size_t pos = (size_t)(oi->pages[j].offset - off);
            size_t end = pos + (size_t)oi->pages[j].compressed_page_size;
            int64_t first = oi->pages[j].first_row_index;
            size_t want = (size_t)(page_end_row(oi, j, rows) - first), before = d->n;
            while (!rc && d->n - before < want && pos < end)
                rc = read_page(cr, buf, end, &pos, want - (d->n - before), err);
            if (!rc && d->n - before != want)
                rc = fail(cr, AF_EPARSE, "a page holds other rows than its offset index says", err);
            segs[(*n_segs)++] = (segment){first, want};
        }
        free(buf);
        buf = NULL;
        k = b + 1;
    }
    return rc;
}

/* Keeps only the decoded rows inside the ranges: new levels and values. */
static int trim(chunk_reader *cr, const segment *segs, size_t n_segs, const af_pq_row_range *r,
                size_t nr, af_error *err)
{
    af_pq_chunk_data *d = cr->out;
    int16_t *def = NULL;
    if (d->max_def > 0 && !(def = malloc((d->n + 1) * sizeof *def)))
        return fail(cr, AF_ENOMEM, "out of memory", err);
    af_batch *nb = af_batch_new(d->batch->schema);
    if (!nb) {
        free(def);
        return fail(cr, AF_ENOMEM, "out of memory", err);
    }
    const af_array *src = d->values;
    size_t i = 0, kept = 0, ri = 0;
    int64_t v = 0;
    int rc = AF_OK;
    for (size_t s = 0; !rc && s < n_segs; s++) {
        for (size_t j = 0; !rc && j < segs[s].n && i < d->n; j++, i++) {
            int64_t row = segs[s].first + (int64_t)j;
            bool valid = d->max_def == 0 || d->def[i] == d->max_def;
            while (ri < nr && r[ri].end <= row)
                ri++;
            bool keep = ri < nr && r[ri].start <= row;
            if (valid && v >= src->length) {
                rc = fail(cr, AF_EPARSE, "the pages hold fewer values than their levels say", err);
                break;
            }
            if (keep) {
                if (def)
                    def[kept] = d->def[i];
                kept++;
                if (valid && af_array_append_from(&nb->columns[0], src, v) != 0)
                    rc = fail(cr, AF_ENOMEM, "out of memory", err);
            }
            v += valid;
        }
    }
    if (rc) {
        free(def);
        af_batch_release(nb);
        return rc;
    }
    free(d->def);
    d->def = def;
    d->n = kept;
    af_batch_release(d->batch);
    d->batch = nb;
    d->values = &nb->columns[0];
    return AF_OK;
}

int af_pq_read_column_rows(af_blob *blob, const af_pq_file_meta *m, int row_group,
                           const af_pq_leaf_info *leaf, const af_pq_offset_index *oi,
                           const af_pq_row_range *ranges, size_t n_ranges, af_pq_chunk_data *out,
                           af_error *err)
{
    chunk_reader cr;
    int64_t start, size;
    int rc = chunk_setup(blob, m, row_group, leaf, out, &cr, &start, &size, err);
    if (rc)
        return rc;
    if (leaf->max_rep != 0)
        return fail(&cr, AF_EINVAL, "selecting rows needs a column without repetition", err);
    int64_t rows = m->row_groups[row_group].num_rows;
    const af_pq_column_meta *cm = &m->row_groups[row_group].columns[leaf->column].meta_data;
    if (size == 0 || cm->num_values != rows)
        return size == 0 && rows == 0 ? AF_OK
                                      : fail(&cr, AF_EPARSE,
                                             "the column chunk's value count is not the row "
                                             "group's row count",
                                             err);
    size_t n_pages = oi ? oi->n_pages : 0;
    segment *segs = calloc(n_pages + 1, sizeof *segs);
    bool *sel = calloc(n_pages + 1, sizeof *sel);
    if (!segs || !sel) {
        free(segs);
        free(sel);
        return fail(&cr, AF_ENOMEM, "out of memory", err);
    }
    size_t n_segs = 0;
    rc = AF_EINVAL; /* "not done through the index" */
    if (index_usable(oi, start, size, rows)) {
        select_pages(oi, rows, ranges, n_ranges, sel);
        rc = read_indexed(&cr, blob, oi, start, rows, sel, segs, &n_segs, err);
    }
    if (rc && rc != AF_ENOMEM) {
        /* no usable index, or pages that disagree with it: decode the
         * whole chunk, as a read without selection would */
        af_batch_release(cr.vals.dict_batch);
        af_pq_chunk_data_free(out);
        rc = chunk_setup(blob, m, row_group, leaf, out, &cr, &start, &size, err);
        uint8_t *buf = NULL;
        if (!rc)
            rc = read_bytes(&cr, blob, start, size, &buf, err);
        if (!rc)
            rc = read_pages(&cr, buf, (size_t)size, rows, err);
        free(buf);
        segs[0] = (segment){0, out->n};
        n_segs = 1;
    }
    if (!rc)
        rc = trim(&cr, segs, n_segs, ranges, n_ranges, err);
    free(segs);
    free(sel);
    af_batch_release(cr.vals.dict_batch);
    return rc;
}

void af_pq_chunk_data_free(af_pq_chunk_data *d)
{
    if (!d)
        return;
    free(d->def);
    free(d->rep);
    af_batch_release(d->batch);
    memset(d, 0, sizeof *d);
}

void af_pq_chunk_leaf_stream(const af_pq_chunk_data *d, af_pq_leaf_stream *s)
{
    memset(s, 0, sizeof *s);
    s->def = d->def;
    s->rep = d->rep;
    s->n = d->n;
    s->values = d->values;
    s->max_def = d->max_def;
}
