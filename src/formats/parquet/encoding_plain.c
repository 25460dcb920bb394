/* encoding_plain.c - the PLAIN encoding: fixed-width little-endian values,
 * LSB-first bit-packed booleans and length-prefixed byte arrays.
 *
 * Byte arrays are decoded as views into the page where possible, since the
 * page buffer lives as long as the batch that is being filled from it.
 */
#include "formats/parquet/encoding.h"
#include "formats/parquet/encoding_internal.h"

#include <stdint.h>

int af_pq_plain_decode_fixed(const uint8_t *src, size_t n, size_t width, void *out, size_t count,
                             size_t *consumed, af_error *err)
{
    if (width == 0)
        return af_error_set(err, AF_EPARSE, "PLAIN: fixed value width is 0");
    if (count > n / width)
        return af_error_set(err, AF_EPARSE,
                            "PLAIN: %zu values of %zu bytes need more than the page's %zu bytes",
                            count, width, n);
    if (count)
        memcpy(out, src, count * width);
    if (consumed)
        *consumed = count * width;
    return AF_OK;
}

int af_pq_plain_decode_bool(const uint8_t *src, size_t n, uint8_t *out, size_t count,
                            size_t *consumed, af_error *err)
{
    size_t need = count / 8 + (count % 8 != 0);
    if (need > n)
        return af_error_set(err, AF_EPARSE, "PLAIN: %zu booleans need %zu bytes, the page has %zu",
                            count, need, n);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        uint8_t b = src[i / 8];
        for (int k = 0; k < 8; k++)
            out[i + (size_t)k] = (b >> k) & 1;
    }
    for (; i < count; i++)
        out[i] = (src[i / 8] >> (i % 8)) & 1;
    if (consumed)
        *consumed = need;
    return AF_OK;
}

/* Walks the length prefixes once; the caller decides what to do with each
 * value. Four bytes per value at least, so count is checked against n first. */
static int byte_array_check(const uint8_t *src, size_t n, size_t count, af_error *err)
{
    if (count > n / 4)
        return af_error_set(err, AF_EPARSE,
                            "PLAIN: %zu byte arrays need at least %zu bytes, the page has %zu",
                            count, count * 4, n);
    (void)src;
    return AF_OK;
}

static int byte_array_truncated(af_error *err, size_t i, size_t pos, uint32_t len, size_t n)
{
    return af_error_set(err, AF_EPARSE,
                        "PLAIN: byte array %zu at byte %zu has length %u, past the page's %zu "
                        "bytes",
                        i, pos, len, n);
}

int af_pq_plain_decode_byte_array(const uint8_t *src, size_t n, af_pq_view *out, size_t count,
                                  size_t *consumed, af_error *err)
{
    int rc = byte_array_check(src, n, count, err);
    if (rc)
        return rc;
    size_t pos = 0;
    for (size_t i = 0; i < count; i++) {
        if (n - pos < 4)
            return byte_array_truncated(err, i, pos, 0, n);
        uint32_t len = af_pq_load32(src + pos);
        if (len > n - pos - 4)
            return byte_array_truncated(err, i, pos, len, n);
        out[i].ptr = src + pos + 4;
        out[i].len = len;
        pos += 4 + (size_t)len;
    }
    if (consumed)
        *consumed = pos;
    return AF_OK;
}

int af_pq_plain_decode_byte_array_offsets(const uint8_t *src, size_t n, int32_t *offsets,
                                          af_buf *data, size_t count, size_t *consumed,
                                          af_error *err)
{
    int rc = byte_array_check(src, n, count, err);
    if (rc)
        return rc;
    /* first pass validates and sizes, so data grows once and stays int32 */
    size_t pos = 0, total = 0;
    for (size_t i = 0; i < count; i++) {
        if (n - pos < 4)
            return byte_array_truncated(err, i, pos, 0, n);
        uint32_t len = af_pq_load32(src + pos);
        if (len > n - pos - 4)
            return byte_array_truncated(err, i, pos, len, n);
        pos += 4 + (size_t)len;
        total += len;
    }
    if (total > (size_t)INT32_MAX - data->len)
        return af_error_set(err, AF_ELIMIT,
                            "PLAIN: %zu bytes of strings overflow a 32-bit offset buffer", total);
    if (af_buf_reserve(data, total) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "PLAIN: out of memory for %zu bytes", total);
    pos = 0;
    offsets[0] = (int32_t)data->len;
    for (size_t i = 0; i < count; i++) {
        uint32_t len = af_pq_load32(src + pos);
        memcpy(data->data + data->len, src + pos + 4, len);
        data->len += len;
        offsets[i + 1] = (int32_t)data->len;
        pos += 4 + (size_t)len;
    }
    if (consumed)
        *consumed = pos;
    return AF_OK;
}

/* ---- encoders ---- */

static int oom(af_error *err, size_t n)
{
    return af_error_set(err, AF_ENOMEM, "PLAIN: out of memory for %zu bytes", n);
}

int af_pq_plain_encode_fixed(const void *vals, size_t width, size_t count, af_buf *out,
                             af_error *err)
{
    if (width && count > SIZE_MAX / width)
        return oom(err, SIZE_MAX);
    if (af_buf_append(out, vals, width * count) != AF_OK)
        return oom(err, width * count);
    return AF_OK;
}

int af_pq_plain_encode_bool(const uint8_t *vals, size_t count, af_buf *out, af_error *err)
{
    size_t need = count / 8 + (count % 8 != 0);
    if (af_buf_reserve(out, need) != AF_OK)
        return oom(err, need);
    uint8_t *dst = out->data + out->len;
    memset(dst, 0, need);
    for (size_t i = 0; i < count; i++)
        dst[i / 8] |= (uint8_t)((vals[i] != 0) << (i % 8));
    out->len += need;
    return AF_OK;
}

static int append_one(af_buf *out, const uint8_t *p, size_t len, af_error *err)
{
    if (len > UINT32_MAX)
        return af_error_set(err, AF_ELIMIT, "PLAIN: a byte array of %zu bytes is too long", len);
    uint32_t l = (uint32_t)len;
    if (af_buf_reserve(out, 4 + len) != AF_OK)
        return oom(err, len);
    memcpy(out->data + out->len, &l, 4);
    if (len)
        memcpy(out->data + out->len + 4, p, len);
    out->len += 4 + len;
    return AF_OK;
}

int af_pq_plain_encode_byte_array(const af_pq_view *vals, size_t count, af_buf *out, af_error *err)
{
    for (size_t i = 0; i < count; i++) {
        int rc = append_one(out, vals[i].ptr, vals[i].len, err);
        if (rc)
            return rc;
    }
    return AF_OK;
}

int af_pq_plain_encode_byte_array_offsets(const int32_t *offsets, const uint8_t *data, size_t count,
                                          af_buf *out, af_error *err)
{
    size_t span = count && offsets[count] > offsets[0] ? (size_t)(offsets[count] - offsets[0]) : 0;
    if (af_buf_reserve(out, 4 * count + span) != AF_OK)
        return oom(err, 4 * count + span);
    for (size_t i = 0; i < count; i++) {
        if (offsets[i + 1] < offsets[i])
            return af_error_set(err, AF_EINVAL, "PLAIN: offsets decrease at value %zu", i);
        int rc = append_one(out, data + offsets[i], (size_t)(offsets[i + 1] - offsets[i]), err);
        if (rc)
            return rc;
    }
    return AF_OK;
}
