/* column_reader.c - walks the pages of one Parquet column chunk.
 *
 * The chunk's byte range is read once (checked against the blob and
 * AF_PQ_CHUNK_MAX_BYTES); then page headers are decoded one after another
 * until the chunk's num_values level entries are consumed. Each data page
 * is decompressed (v1: whole page; v2: only the values part, and only when
 * is_compressed), its levels decoded into the chunk's def/rep arrays and
 * its non-null values handed to column_values.c.
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

static int read_pages(chunk_reader *cr, const uint8_t *buf, size_t len, int64_t total,
                      af_error *err)
{
    af_pq_chunk_data *d = cr->out;
    size_t pos = 0;
    char msg[256];
    while ((int64_t)d->n < total) {
        if (pos >= len) {
            snprintf(msg, sizeof msg, "the chunk ends after %zu of its %lld values", d->n,
                     (long long)total);
            return fail(cr, AF_EPARSE, msg, err);
        }
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
        size_t left = (size_t)(total - (int64_t)d->n);
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
                            "a data page header is missing or holds more values than the chunk",
                            err);
            if (cr->codec != AF_CODEC_UNCOMPRESSED) {
                rc = decompress(cr, page, csize, usize, &plain, err);
                pp = plain;
                pn = usize;
            }
            if (!rc)
                rc = data_page(cr, (size_t)dh->num_values, pp, pn, pp, pn, true,
                               dh->repetition_level_encoding, dh->definition_level_encoding, NULL,
                               0, dh->encoding, err);
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
    }
    return 0;
}

int af_pq_read_column_chunk(af_blob *blob, const af_pq_file_meta *m, int row_group,
                            const af_pq_leaf_info *leaf, af_pq_chunk_data *out, af_error *err)
{
    memset(out, 0, sizeof *out);
    chunk_reader cr = {.name = blob->name ? blob->name : "parquet", .leaf = leaf, .out = out};
    join_path(leaf, cr.path, sizeof cr.path);
    out->max_def = leaf->max_def;
    out->max_rep = leaf->max_rep;
    if (row_group < 0 || (size_t)row_group >= m->n_row_groups)
        return af_error_set(err, AF_EINVAL, "%s: row group %d does not exist (the file has %zu)",
                            cr.name, row_group, m->n_row_groups);
    const af_pq_row_group *rg = &m->row_groups[row_group];
    if (leaf->column >= rg->n_columns)
        return fail(&cr, AF_EPARSE, "the row group has no chunk for this column", err);
    const af_pq_column_chunk *cc = &rg->columns[leaf->column];
    if (cc->encrypted)
        return fail(&cr, AF_EUNSUPPORTED, "the column chunk is encrypted", err);
    if (cc->file_path)
        return fail(&cr, AF_EUNSUPPORTED, "the column chunk is in another file (file_path)", err);
    if (!cc->has_meta_data)
        return fail(&cr, AF_EPARSE, "the column chunk has no metadata", err);
    const af_pq_column_meta *cm = &cc->meta_data;
    cr.codec = (af_codec)cm->codec;

    af_schema *s = af_schema_new();
    if (!s || af_schema_add(s, leaf->field)) {
        af_schema_free(s);
        return fail(&cr, AF_ENOMEM, "out of memory", err);
    }
    out->batch = af_batch_new(s);
    af_schema_free(s);
    if (!out->batch)
        return fail(&cr, AF_ENOMEM, "out of memory", err);
    out->values = &out->batch->columns[0];
    cr.vals = (af_pq_value_ctx){cr.name, cr.path, leaf, out->values, NULL};

    if (cm->num_values < 0)
        return fail(&cr, AF_EPARSE, "the column chunk has a negative value count", err);
    if (cm->num_values > AF_PQ_CHUNK_MAX_VALUES)
        return fail(&cr, AF_ELIMIT, "the column chunk has more than 2^28 values", err);
    if (cm->num_values == 0)
        return 0;
    int64_t start = cm->data_page_offset;
    if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
        cm->dictionary_page_offset < start)
        start = cm->dictionary_page_offset;
    int64_t size = cm->total_compressed_size;
    char msg[256];
    if (start < 0 || size <= 0 || (uint64_t)start > blob->size ||
        (uint64_t)size > blob->size - (uint64_t)start) {
        snprintf(msg, sizeof msg,
                 "the column chunk's byte range (offset %lld, %lld bytes) is outside the file "
                 "(%llu bytes)",
                 (long long)start, (long long)size, (unsigned long long)blob->size);
        return fail(&cr, AF_EPARSE, msg, err);
    }
    if ((uint64_t)size > AF_PQ_CHUNK_MAX_BYTES)
        return fail(&cr, AF_ELIMIT, "the column chunk is larger than 2 GiB", err);
    uint8_t *buf = malloc((size_t)size);
    if (!buf)
        return fail(&cr, AF_ENOMEM, "out of memory for the column chunk", err);
    int rc = af_blob_read_at(blob, (uint64_t)start, buf, (size_t)size, err);
    if (!rc)
        rc = read_pages(&cr, buf, (size_t)size, cm->num_values, err);
    free(buf);
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
