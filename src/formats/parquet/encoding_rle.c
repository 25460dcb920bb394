/* encoding_rle.c - the RLE / bit-packed hybrid encoding (definition and
 * repetition levels, dictionary indices, RLE booleans).
 *
 * The reader works run by run so a column reader can pull levels in batches;
 * a run header may promise more values than the bytes hold, so the promise
 * is only trusted up to what the caller asked for and what the bytes cover.
 */
#include "formats/parquet/encoding.h"
#include "formats/parquet/encoding_internal.h"

#include <stdlib.h>

/* Runs are limited to 2^31 - 1 values by the spec; keep bit-packed runs a
 * multiple of 8 below that. */
#define AF_RLE_MAX_RUN ((size_t)0x7fffffff)
#define AF_RLE_MAX_BITPACKED ((size_t)1 << 30)

int af_pq_rle_reader_init(af_pq_rle_reader *r, const uint8_t *src, size_t n, int bit_width,
                          af_error *err)
{
    memset(r, 0, sizeof *r);
    if (bit_width < 0 || bit_width > 32)
        return af_error_set(err, AF_EPARSE, "RLE: bit width %d is outside 0..32", bit_width);
    r->src = src;
    r->n = n;
    r->bit_width = bit_width;
    return AF_OK;
}

static int next_run(af_pq_rle_reader *r, af_error *err)
{
    size_t start = r->pos;
    uint64_t h;
    if (!af_pq_uleb_read(r->src, r->n, &r->pos, &h))
        return af_error_set(err, AF_EPARSE, "RLE: run header at byte %zu is truncated or too long",
                            start);
    int w = r->bit_width;
    if (h & 1) {
        uint64_t groups = h >> 1;
        size_t avail = r->n - r->pos;
        /* a run's bytes are groups * w; bound before multiplying */
        size_t full = (w == 0) ? 0 : (groups > avail / (size_t)w ? SIZE_MAX : groups * (size_t)w);
        r->bp = r->src + r->pos;
        r->bp_avail = full < avail ? full : avail;
        r->bp_index = 0;
        r->run_left = groups > UINT64_MAX / 8 ? UINT64_MAX : groups * 8;
        r->in_bitpacked = 1;
        r->pos += r->bp_avail;
    } else {
        size_t vbytes = ((size_t)w + 7) / 8;
        if (r->n - r->pos < vbytes)
            return af_error_set(err, AF_EPARSE, "RLE: run value at byte %zu is truncated", r->pos);
        uint32_t v = 0;
        for (size_t k = 0; k < vbytes; k++)
            v |= (uint32_t)r->src[r->pos + k] << (8 * k);
        if (w < 32 && (v >> w) != 0)
            return af_error_set(err, AF_EPARSE,
                                "RLE: run value %u at byte %zu does not fit in bit width %d", v,
                                r->pos, w);
        r->pos += vbytes;
        r->run_left = h >> 1;
        r->run_value = v;
        r->in_bitpacked = 0;
    }
    return AF_OK;
}

int af_pq_rle_read(af_pq_rle_reader *r, uint32_t *out, size_t count, af_error *err)
{
    size_t i = 0;
    while (i < count) {
        if (r->run_left == 0) {
            if (r->pos >= r->n) {
                if (r->bit_width == 0) {
                    /* nothing to store at width 0; some writers store nothing */
                    memset(out + i, 0, (count - i) * sizeof *out);
                    return AF_OK;
                }
                return af_error_set(err, AF_EPARSE,
                                    "RLE: data ends after %zu bytes, %zu values short", r->n,
                                    count - i);
            }
            int rc = next_run(r, err);
            if (rc)
                return rc;
            continue;
        }
        size_t take = r->run_left < (uint64_t)(count - i) ? (size_t)r->run_left : count - i;
        if (r->in_bitpacked) {
            size_t need = af_pq_packed_bytes(r->bp_index + take, r->bit_width);
            if (need > r->bp_avail)
                return af_error_set(err, AF_EPARSE,
                                    "RLE: bit-packed run at byte %zu needs %zu bytes, only %zu "
                                    "remain",
                                    (size_t)(r->bp - r->src), need, r->bp_avail);
            /* the bytes after the run are still input: they give the fast
             * path its 8 bytes of load slack, and masking ignores them */
            af_pq_unpack32(r->bp, r->n - (size_t)(r->bp - r->src), r->bit_width, r->bp_index,
                           out + i, take);
            r->bp_index += take;
        } else {
            uint32_t v = r->run_value;
            for (size_t k = 0; k < take; k++)
                out[i + k] = v;
        }
        r->run_left -= take;
        i += take;
    }
    return AF_OK;
}

int af_pq_rle_decode(const uint8_t *src, size_t n, int bit_width, uint32_t *out, size_t count,
                     size_t *consumed, af_error *err)
{
    af_pq_rle_reader r;
    int rc = af_pq_rle_reader_init(&r, src, n, bit_width, err);
    if (rc == AF_OK)
        rc = af_pq_rle_read(&r, out, count, err);
    if (rc == AF_OK && consumed)
        *consumed = r.pos;
    return rc;
}

static int read_prefix(const uint8_t *src, size_t n, size_t *len, af_error *err)
{
    if (n < 4)
        return af_error_set(err, AF_EPARSE,
                            "RLE: the 4-byte length prefix is truncated (%zu bytes)", n);
    uint32_t l = af_pq_load32(src);
    if (l > n - 4)
        return af_error_set(err, AF_EPARSE,
                            "RLE: length prefix %u is larger than the %zu bytes that follow", l,
                            n - 4);
    *len = l;
    return AF_OK;
}

int af_pq_rle_decode_prefixed(const uint8_t *src, size_t n, int bit_width, uint32_t *out,
                              size_t count, size_t *consumed, af_error *err)
{
    size_t len = 0;
    int rc = read_prefix(src, n, &len, err);
    if (rc)
        return rc;
    rc = af_pq_rle_decode(src + 4, len, bit_width, out, count, NULL, err);
    if (rc == AF_OK && consumed)
        *consumed = 4 + len;
    return rc;
}

int af_pq_check_indices(const uint32_t *idx, size_t count, uint32_t dict_len, af_error *err)
{
    /* branch-free max first: the common case is all valid */
    uint32_t max = 0;
    for (size_t i = 0; i < count; i++)
        max = idx[i] > max ? idx[i] : max;
    if (count == 0 || max < dict_len)
        return AF_OK;
    for (size_t i = 0; i < count; i++)
        if (idx[i] >= dict_len)
            return af_error_set(err, AF_EPARSE,
                                "dictionary index %u (value %zu) is out of range: the dictionary "
                                "has %u entries",
                                idx[i], i, dict_len);
    return AF_OK;
}

/* ---- encoder ---- */

static int flush_bitpacked(af_buf *out, const uint32_t *v, size_t m, int w)
{
    while (m > 0) {
        size_t chunk = m > AF_RLE_MAX_BITPACKED ? AF_RLE_MAX_BITPACKED : m;
        size_t groups = (chunk + 7) / 8;
        if (af_pq_uleb_write(out, (uint64_t)groups << 1 | 1) != AF_OK)
            return AF_ENOMEM;
        size_t before = out->len;
        if (af_pq_pack32_append(out, v, chunk, w) != AF_OK)
            return AF_ENOMEM;
        /* the last group is padded to 8 values of zero */
        size_t want = groups * (size_t)w;
        if (af_buf_append_zeros(out, want - (out->len - before)) != AF_OK)
            return AF_ENOMEM;
        v += chunk;
        m -= chunk;
    }
    return AF_OK;
}

static int emit_rle(af_buf *out, uint32_t v, size_t run, int w)
{
    size_t vbytes = ((size_t)w + 7) / 8;
    while (run > 0) {
        size_t chunk = run > AF_RLE_MAX_RUN ? AF_RLE_MAX_RUN : run;
        uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
        if (af_pq_uleb_write(out, (uint64_t)chunk << 1) != AF_OK ||
            af_buf_append(out, le, vbytes) != AF_OK)
            return AF_ENOMEM;
        run -= chunk;
    }
    return AF_OK;
}

int af_pq_rle_encode(const uint32_t *vals, size_t count, int bit_width, af_buf *out, af_error *err)
{
    if (bit_width < 0 || bit_width > 32)
        return af_error_set(err, AF_EINVAL, "RLE: bit width %d is outside 0..32", bit_width);
    if (bit_width < 32) {
        for (size_t i = 0; i < count; i++)
            if (vals[i] >> bit_width)
                return af_error_set(err, AF_EINVAL, "RLE: value %u does not fit in bit width %d",
                                    vals[i], bit_width);
    }
    size_t i = 0, bp_start = 0; /* vals[bp_start..i) wait to be bit-packed */
    while (i < count) {
        size_t run = 1;
        while (i + run < count && vals[i + run] == vals[i])
            run++;
        if (run >= 8) {
            /* complete the pending group of 8 from the run, if the run survives it */
            size_t pad = (8 - (i - bp_start) % 8) % 8;
            if (run - pad < 8) {
                i += run;
                continue;
            }
            i += pad;
            run -= pad;
            if (flush_bitpacked(out, vals + bp_start, i - bp_start, bit_width) != AF_OK ||
                emit_rle(out, vals[i], run, bit_width) != AF_OK)
                return af_error_set(err, AF_ENOMEM, "RLE: out of memory");
            i += run;
            bp_start = i;
        } else {
            i += run;
        }
    }
    if (flush_bitpacked(out, vals + bp_start, count - bp_start, bit_width) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "RLE: out of memory");
    return AF_OK;
}

int af_pq_rle_encode_prefixed(const uint32_t *vals, size_t count, int bit_width, af_buf *out,
                              af_error *err)
{
    size_t at = out->len;
    if (af_buf_append_zeros(out, 4) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "RLE: out of memory");
    int rc = af_pq_rle_encode(vals, count, bit_width, out, err);
    if (rc) {
        out->len = at;
        return rc;
    }
    size_t len = out->len - at - 4;
    if (len > UINT32_MAX) {
        out->len = at;
        return af_error_set(err, AF_ELIMIT, "RLE: %zu encoded bytes do not fit the length prefix",
                            len);
    }
    uint32_t l = (uint32_t)len;
    memcpy(out->data + at, &l, 4);
    return AF_OK;
}

/* ---- RLE booleans ---- */

int af_pq_rle_bool_decode(const uint8_t *src, size_t n, uint8_t *out, size_t count,
                          size_t *consumed, af_error *err)
{
    size_t len = 0;
    int rc = read_prefix(src, n, &len, err);
    if (rc)
        return rc;
    af_pq_rle_reader r;
    rc = af_pq_rle_reader_init(&r, src + 4, len, 1, err);
    uint32_t tmp[256];
    for (size_t i = 0; rc == AF_OK && i < count;) {
        size_t take = count - i > 256 ? 256 : count - i;
        rc = af_pq_rle_read(&r, tmp, take, err);
        for (size_t k = 0; rc == AF_OK && k < take; k++)
            out[i + k] = (uint8_t)tmp[k];
        i += take;
    }
    if (rc == AF_OK && consumed)
        *consumed = 4 + len;
    return rc;
}

int af_pq_rle_bool_encode(const uint8_t *vals, size_t count, af_buf *out, af_error *err)
{
    uint32_t *tmp = malloc((count ? count : 1) * sizeof *tmp);
    if (!tmp)
        return af_error_set(err, AF_ENOMEM, "RLE: out of memory for %zu booleans", count);
    for (size_t i = 0; i < count; i++)
        tmp[i] = vals[i] != 0;
    int rc = af_pq_rle_encode_prefixed(tmp, count, 1, out, err);
    free(tmp);
    return rc;
}
