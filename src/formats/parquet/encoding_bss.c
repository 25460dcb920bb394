/* encoding_bss.c - BYTE_STREAM_SPLIT: byte k of every value is stored in
 * stream k, which makes floating-point columns compress better.
 *
 * Widths 4 and 8 (FLOAT, INT32, DOUBLE, INT64) get loops with a constant
 * stride so the compiler can keep the streams in registers; other widths
 * (FIXED_LEN_BYTE_ARRAY) take the generic loop.
 */
#include "formats/parquet/encoding.h"
#include "formats/parquet/encoding_internal.h"

#define AF_ALWAYS_INLINE static inline __attribute__((always_inline))

AF_ALWAYS_INLINE void gather(const uint8_t *src, uint8_t *out, size_t count, const size_t width)
{
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < width; k++)
            out[i * width + k] = src[k * count + i];
}

AF_ALWAYS_INLINE void scatter(const uint8_t *vals, uint8_t *dst, size_t count, const size_t width)
{
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < width; k++)
            dst[k * count + i] = vals[i * width + k];
}

int af_pq_bss_decode(const uint8_t *src, size_t n, size_t width, uint8_t *out, size_t count,
                     af_error *err)
{
    if (width == 0)
        return af_error_set(err, AF_EPARSE, "BYTE_STREAM_SPLIT: value width is 0");
    /* the stream length is n / width; it must be the page's value count */
    if (n % width != 0 || n / width != count)
        return af_error_set(err, AF_EPARSE,
                            "BYTE_STREAM_SPLIT: %zu bytes are not %zu values of %zu bytes", n,
                            count, width);
    if (width == 4)
        gather(src, out, count, 4);
    else if (width == 8)
        gather(src, out, count, 8);
    else
        gather(src, out, count, width);
    return AF_OK;
}

int af_pq_bss_encode(const void *vals, size_t width, size_t count, af_buf *out, af_error *err)
{
    if (width == 0 || count > SIZE_MAX / width)
        return af_error_set(err, AF_EINVAL, "BYTE_STREAM_SPLIT: invalid width %zu", width);
    size_t n = width * count;
    if (af_buf_reserve(out, n) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "BYTE_STREAM_SPLIT: out of memory for %zu bytes", n);
    uint8_t *dst = out->data + out->len;
    if (width == 4)
        scatter(vals, dst, count, 4);
    else if (width == 8)
        scatter(vals, dst, count, 8);
    else
        scatter(vals, dst, count, width);
    out->len += n;
    return AF_OK;
}
