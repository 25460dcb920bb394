/* encoding_delta.c - DELTA_BINARY_PACKED integers and the two byte-array
 * encodings built on it, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
 *
 * All delta arithmetic is done on unsigned integers of the column's width,
 * so the two's complement wrap-around the spec requires is defined
 * behaviour. Before any allocation the header's value count is checked
 * against the bytes: every block needs at least a min delta and its bit
 * width bytes, which bounds how many values a page of n bytes can claim.
 */
#include "formats/parquet/encoding.h"
#include "formats/parquet/encoding_internal.h"

#include <stdlib.h>

#define AF_ALWAYS_INLINE static inline __attribute__((always_inline))
#define DBP "DELTA_BINARY_PACKED"

/* Bigger blocks than this are not written by anyone; the bound keeps the
 * expansion of a few header bytes into values within reason. */
#define AF_DELTA_MAX_BLOCK ((uint64_t)1 << 20)

typedef struct delta_hdr {
    uint64_t block, mini, total, first;
    size_t per_mini;
    size_t pos; /* first byte after the header */
} delta_hdr;

static int delta_header(const uint8_t *src, size_t n, delta_hdr *h, af_error *err)
{
    uint64_t first;
    h->pos = 0;
    if (!af_pq_uleb_read(src, n, &h->pos, &h->block) ||
        !af_pq_uleb_read(src, n, &h->pos, &h->mini) ||
        !af_pq_uleb_read(src, n, &h->pos, &h->total) || !af_pq_uleb_read(src, n, &h->pos, &first))
        return af_error_set(err, AF_EPARSE, DBP ": header is truncated or malformed (%zu bytes)",
                            n);
    h->first = af_pq_zigzag_decode(first);
    if (h->block == 0 || h->block > AF_DELTA_MAX_BLOCK)
        return af_error_set(err, AF_EPARSE, DBP ": block size %llu is outside 1..%llu",
                            (unsigned long long)h->block, (unsigned long long)AF_DELTA_MAX_BLOCK);
    if (h->mini == 0 || h->mini > h->block || h->block % h->mini != 0)
        return af_error_set(err, AF_EPARSE,
                            DBP ": block size %llu cannot be split into %llu miniblocks",
                            (unsigned long long)h->block, (unsigned long long)h->mini);
    h->per_mini = (size_t)(h->block / h->mini);
    /* the spec says a multiple of 32; 8 is what byte alignment needs, and
     * the spec's own examples use smaller blocks */
    if (h->per_mini % 8 != 0)
        return af_error_set(err, AF_EPARSE, DBP ": %zu values per miniblock is not a multiple of 8",
                            h->per_mini);
    if (h->total > 1) {
        uint64_t blocks = (h->total - 1) / h->block + ((h->total - 1) % h->block != 0);
        size_t left = n - h->pos;
        if (blocks > left / (1 + h->mini))
            return af_error_set(err, AF_EPARSE,
                                DBP ": %llu values need at least %llu blocks, more than the %zu "
                                    "bytes that remain can hold",
                                (unsigned long long)h->total, (unsigned long long)blocks, left);
    }
    return AF_OK;
}

int af_pq_delta_peek_count(const uint8_t *src, size_t n, uint64_t *count, af_error *err)
{
    delta_hdr h;
    int rc = delta_header(src, n, &h, err);
    if (rc == AF_OK)
        *count = h.total;
    return rc;
}

AF_ALWAYS_INLINE int delta_decode(const uint8_t *src, size_t n, void *outv, size_t count,
                                  size_t *consumed, const int is32, af_error *err)
{
    delta_hdr h;
    int rc = delta_header(src, n, &h, err);
    if (rc)
        return rc;
    if (h.total != count)
        return af_error_set(err, AF_EPARSE, DBP ": header says %llu values, the page expects %zu",
                            (unsigned long long)h.total, count);
    size_t pos = h.pos;
    if (count == 0) {
        if (consumed)
            *consumed = pos;
        return AF_OK;
    }
    uint32_t *o32 = outv;
    uint64_t *o64 = outv;
    /* INT32 deltas should fit 32 bits, but some writers (DuckDB) compute
     * them in 64 bits and use up to 33; the arithmetic wraps modulo 2^32
     * anyway, so the low 32 bits of a wider delta give the same values. */
    const int maxw = 64;
    uint64_t prev = h.first;
    if (is32)
        o32[0] = (uint32_t)prev;
    else
        o64[0] = prev;
    size_t i = 1;
    while (i < count) {
        uint64_t md;
        size_t at = pos;
        if (!af_pq_uleb_read(src, n, &pos, &md))
            return af_error_set(err, AF_EPARSE, DBP ": min delta at byte %zu is truncated", at);
        md = af_pq_zigzag_decode(md);
        if (n - pos < h.mini)
            return af_error_set(err, AF_EPARSE,
                                DBP ": miniblock bit widths at byte %zu are truncated", pos);
        const uint8_t *widths = src + pos;
        pos += (size_t)h.mini;
        /* widths of miniblocks past the last value may be anything */
        for (size_t m = 0; m < h.mini && i < count; m++) {
            int w = widths[m];
            if (w > maxw)
                return af_error_set(err, AF_EPARSE,
                                    DBP ": miniblock bit width %d is larger than %d", w, maxw);
            size_t nv = count - i < h.per_mini ? count - i : h.per_mini;
            size_t full = h.per_mini / 8 * (size_t)w;
            size_t need = af_pq_packed_bytes(nv, w);
            size_t avail = n - pos;
            if (need > avail)
                return af_error_set(err, AF_EPARSE,
                                    DBP ": miniblock at byte %zu needs %zu bytes, only %zu remain",
                                    pos, need, avail);
            /* the last miniblock should be padded to full length; accept it cut
             * short. Unpacking may look at bytes past the miniblock (avail) for
             * load slack; they are masked off. */
            size_t have = full < avail ? full : avail;
            if (is32 && w > 32) {
                uint64_t tmp[64];
                uint32_t p = (uint32_t)prev, d = (uint32_t)md;
                for (size_t k = 0; k < nv; k += 64) {
                    size_t take = nv - k < 64 ? nv - k : 64;
                    af_pq_unpack64(src + pos, avail, w, k, tmp, take);
                    for (size_t j = 0; j < take; j++) {
                        p += d + (uint32_t)tmp[j];
                        o32[i + k + j] = p;
                    }
                }
                prev = p;
            } else if (is32) {
                uint32_t tmp[64];
                uint32_t p = (uint32_t)prev, d = (uint32_t)md;
                for (size_t k = 0; k < nv; k += 64) {
                    size_t take = nv - k < 64 ? nv - k : 64;
                    af_pq_unpack32(src + pos, avail, w, k, tmp, take);
                    for (size_t j = 0; j < take; j++) {
                        p += d + tmp[j];
                        o32[i + k + j] = p;
                    }
                }
                prev = p;
            } else if (w <= 32) {
                /* narrow deltas (the common case) use the 32-bit kernels */
                uint32_t tmp[64];
                uint64_t p = prev;
                for (size_t k = 0; k < nv; k += 64) {
                    size_t take = nv - k < 64 ? nv - k : 64;
                    af_pq_unpack32(src + pos, avail, w, k, tmp, take);
                    for (size_t j = 0; j < take; j++) {
                        p += md + tmp[j];
                        o64[i + k + j] = p;
                    }
                }
                prev = p;
            } else {
                uint64_t tmp[64];
                uint64_t p = prev;
                for (size_t k = 0; k < nv; k += 64) {
                    size_t take = nv - k < 64 ? nv - k : 64;
                    af_pq_unpack64(src + pos, avail, w, k, tmp, take);
                    for (size_t j = 0; j < take; j++) {
                        p += md + tmp[j];
                        o64[i + k + j] = p;
                    }
                }
                prev = p;
            }
            pos += have;
            i += nv;
        }
    }
    if (consumed)
        *consumed = pos;
    return AF_OK;
}

int af_pq_delta_decode_int32(const uint8_t *src, size_t n, int32_t *out, size_t count,
                             size_t *consumed, af_error *err)
{
    return delta_decode(src, n, out, count, consumed, 1, err);
}

int af_pq_delta_decode_int64(const uint8_t *src, size_t n, int64_t *out, size_t count,
                             size_t *consumed, af_error *err)
{
    return delta_decode(src, n, out, count, consumed, 0, err);
}

/* ---- encoder: block 128, 4 miniblocks of 32 ---- */

AF_ALWAYS_INLINE int delta_encode(const void *valsv, size_t count, af_buf *out, const int is32)
{
    const int32_t *v32 = valsv;
    const int64_t *v64 = valsv;
    int64_t first = count == 0 ? 0 : (is32 ? v32[0] : v64[0]);
    if (af_pq_uleb_write(out, 128) || af_pq_uleb_write(out, 4) || af_pq_uleb_write(out, count) ||
        af_pq_uleb_write(out, af_pq_zigzag_encode(first)))
        return AF_ENOMEM;
    int64_t d[128];
    uint64_t rel[128];
    for (size_t i = 1; i < count; i += 128) {
        size_t nb = count - i < 128 ? count - i : 128;
        int64_t min = INT64_MAX;
        for (size_t k = 0; k < nb; k++) {
            size_t x = i + k;
            if (is32)
                d[k] = (int32_t)((uint32_t)v32[x] - (uint32_t)v32[x - 1]);
            else
                d[k] = (int64_t)((uint64_t)v64[x] - (uint64_t)v64[x - 1]);
            min = d[k] < min ? d[k] : min;
        }
        for (size_t k = 0; k < 128; k++) {
            if (k >= nb)
                rel[k] = 0;
            else if (is32)
                rel[k] = (uint32_t)((uint32_t)d[k] - (uint32_t)min);
            else
                rel[k] = (uint64_t)d[k] - (uint64_t)min;
        }
        uint8_t widths[4] = {0, 0, 0, 0};
        for (size_t m = 0; m < 4; m++) {
            uint64_t bits = 0;
            for (size_t k = 32 * m; k < 32 * m + 32; k++)
                bits |= rel[k];
            widths[m] = (uint8_t)af_pq_bit_width(bits);
        }
        if (af_pq_uleb_write(out, af_pq_zigzag_encode(min)) || af_buf_append(out, widths, 4))
            return AF_ENOMEM;
        for (size_t m = 0; m < 4 && 32 * m < nb; m++)
            if (af_pq_pack_append(out, rel + 32 * m, 32, widths[m]))
                return AF_ENOMEM;
    }
    return AF_OK;
}

int af_pq_delta_encode_int32(const int32_t *vals, size_t count, af_buf *out, af_error *err)
{
    if (delta_encode(vals, count, out, 1))
        return af_error_set(err, AF_ENOMEM, DBP ": out of memory encoding %zu values", count);
    return AF_OK;
}

int af_pq_delta_encode_int64(const int64_t *vals, size_t count, af_buf *out, af_error *err)
{
    if (delta_encode(vals, count, out, 0))
        return af_error_set(err, AF_ENOMEM, DBP ": out of memory encoding %zu values", count);
    return AF_OK;
}

/* ---- DELTA_LENGTH_BYTE_ARRAY ---- */

/* Decodes count lengths (bounded by the bytes before allocating). */
static int decode_lengths(const uint8_t *src, size_t n, size_t count, int32_t **lens,
                          size_t *consumed, const char *what, af_error *err)
{
    delta_hdr h;
    int rc = delta_header(src, n, &h, err);
    if (rc == AF_OK && h.total != count)
        rc = af_error_set(err, AF_EPARSE, DBP ": header says %llu values, the page expects %zu",
                          (unsigned long long)h.total, count);
    if (rc) {
        af_error_wrap(err, "%s", what);
        return rc;
    }
    *lens = malloc((count ? count : 1) * sizeof **lens);
    if (!*lens)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory for %zu lengths", what, count);
    rc = af_pq_delta_decode_int32(src, n, *lens, count, consumed, err);
    if (rc) {
        free(*lens);
        *lens = NULL;
        af_error_wrap(err, "%s", what);
        return rc;
    }
    return AF_OK;
}

int af_pq_delta_length_decode(const uint8_t *src, size_t n, af_pq_view *out, size_t count,
                              size_t *consumed, af_error *err)
{
    int32_t *lens;
    size_t pos;
    int rc = decode_lengths(src, n, count, &lens, &pos, "DELTA_LENGTH_BYTE_ARRAY lengths", err);
    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++) {
        if (lens[i] < 0) {
            rc = af_error_set(err, AF_EPARSE,
                              "DELTA_LENGTH_BYTE_ARRAY: value %zu has negative length %d", i,
                              lens[i]);
            break;
        }
        if ((size_t)lens[i] > n - pos) {
            rc = af_error_set(err, AF_EPARSE,
                              "DELTA_LENGTH_BYTE_ARRAY: value %zu of %d bytes runs past the end "
                              "of the page's %zu bytes",
                              i, lens[i], n);
            break;
        }
        out[i].ptr = src + pos;
        out[i].len = (uint32_t)lens[i];
        pos += (size_t)lens[i];
    }
    free(lens);
    if (rc == AF_OK && consumed)
        *consumed = pos;
    return rc;
}

int af_pq_delta_length_encode(const af_pq_view *vals, size_t count, af_buf *out, af_error *err)
{
    int32_t *lens = malloc((count ? count : 1) * sizeof *lens);
    if (!lens)
        return af_error_set(err, AF_ENOMEM, "DELTA_LENGTH_BYTE_ARRAY: out of memory");
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        if (vals[i].len > INT32_MAX) {
            free(lens);
            return af_error_set(err, AF_ELIMIT,
                                "DELTA_LENGTH_BYTE_ARRAY: value %zu of %u bytes is too long", i,
                                vals[i].len);
        }
        lens[i] = (int32_t)vals[i].len;
        total += vals[i].len;
    }
    int rc = af_pq_delta_encode_int32(lens, count, out, err);
    free(lens);
    if (rc)
        return rc;
    if (af_buf_reserve(out, total) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "DELTA_LENGTH_BYTE_ARRAY: out of memory");
    for (size_t i = 0; i < count; i++) {
        if (vals[i].len)
            memcpy(out->data + out->len, vals[i].ptr, vals[i].len);
        out->len += vals[i].len;
    }
    return AF_OK;
}

/* ---- DELTA_BYTE_ARRAY ---- */

int af_pq_delta_byte_array_decode(const uint8_t *src, size_t n, af_pq_view *out, size_t count,
                                  af_buf *data, size_t max_bytes, size_t *consumed, af_error *err)
{
    int32_t *prefix;
    size_t p1, p2;
    int rc = decode_lengths(src, n, count, &prefix, &p1, "DELTA_BYTE_ARRAY prefix lengths", err);
    if (rc)
        return rc;
    /* suffixes land in out[] first; each is read before out[i] is rebuilt */
    rc = af_pq_delta_length_decode(src + p1, n - p1, out, count, &p2, err);
    if (rc) {
        free(prefix);
        af_error_wrap(err, "DELTA_BYTE_ARRAY suffixes");
        return rc;
    }
    uint64_t total = 0, prev_len = 0;
    for (size_t i = 0; i < count && rc == AF_OK; i++) {
        if (prefix[i] < 0 || (uint64_t)prefix[i] > prev_len)
            rc = af_error_set(err, AF_EPARSE,
                              "DELTA_BYTE_ARRAY: value %zu has prefix length %d but the previous "
                              "value has %llu bytes",
                              i, prefix[i], (unsigned long long)prev_len);
        uint64_t len = (uint64_t)prefix[i] + out[i].len;
        if (rc == AF_OK && len > UINT32_MAX)
            rc =
                af_error_set(err, AF_EPARSE, "DELTA_BYTE_ARRAY: value %zu is longer than 4 GiB", i);
        total += len;
        prev_len = len;
        if (rc == AF_OK && total > max_bytes)
            rc = af_error_set(err, AF_ELIMIT,
                              "DELTA_BYTE_ARRAY: values expand to more than the %zu-byte limit",
                              max_bytes);
    }
    af_buf_reset(data);
    if (rc == AF_OK && af_buf_reserve(data, (size_t)total) != AF_OK)
        rc = af_error_set(err, AF_ENOMEM, "DELTA_BYTE_ARRAY: out of memory for %llu bytes",
                          (unsigned long long)total);
    if (rc) {
        free(prefix);
        return rc;
    }
    const uint8_t *prev = NULL;
    for (size_t i = 0; i < count; i++) {
        uint8_t *dst = data->data + data->len;
        size_t pl = (size_t)prefix[i];
        if (pl)
            memcpy(dst, prev, pl);
        if (out[i].len)
            memcpy(dst + pl, out[i].ptr, out[i].len);
        out[i].ptr = dst;
        out[i].len = (uint32_t)(pl + out[i].len);
        data->len += out[i].len;
        prev = dst;
    }
    free(prefix);
    if (consumed)
        *consumed = p1 + p2;
    return AF_OK;
}

int af_pq_delta_byte_array_encode(const af_pq_view *vals, size_t count, af_buf *out, af_error *err)
{
    int32_t *prefix = malloc((count ? count : 1) * sizeof *prefix);
    af_pq_view *suffix = malloc((count ? count : 1) * sizeof *suffix);
    int rc = AF_OK;
    if (!prefix || !suffix)
        rc = af_error_set(err, AF_ENOMEM, "DELTA_BYTE_ARRAY: out of memory");
    for (size_t i = 0; rc == AF_OK && i < count; i++) {
        uint32_t pl = 0;
        if (i > 0) {
            uint32_t lim = vals[i].len < vals[i - 1].len ? vals[i].len : vals[i - 1].len;
            if (lim > INT32_MAX)
                lim = INT32_MAX;
            while (pl < lim && vals[i].ptr[pl] == vals[i - 1].ptr[pl])
                pl++;
        }
        prefix[i] = (int32_t)pl;
        suffix[i].ptr = vals[i].ptr + pl;
        suffix[i].len = vals[i].len - pl;
    }
    if (rc == AF_OK)
        rc = af_pq_delta_encode_int32(prefix, count, out, err);
    if (rc == AF_OK)
        rc = af_pq_delta_length_encode(suffix, count, out, err);
    free(prefix);
    free(suffix);
    return rc;
}
