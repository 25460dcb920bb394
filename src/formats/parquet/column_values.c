/* column_values.c - Parquet page values -> af_array values.
 *
 * Every encoding is first turned into physical values (fixed-width
 * little-endian bytes, byte-array views or booleans), then each value goes
 * through one conversion per af_pq_conv: narrowing and unsigned widening of
 * integers, FLOAT16 and INT96 decoding, big-endian decimals. Counts come
 * from the page's levels and are checked against the bytes before anything
 * is allocated from them.
 */
#include "formats/parquet/column_values.h"

#include "formats/parquet/encoding.h"
#include "formats/parquet/meta.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Dictionary indices are decoded in slices of this many, so a page whose
 * RLE runs claim many values needs no index array of that size. */
#define IDX_SLICE 1024
/* Most bytes DELTA_BYTE_ARRAY may rebuild from one page (prefix sharing can
 * make the output quadratic in the input). */
#define DELTA_BYTES_MAX ((size_t)1 << 30)

static int fail(af_pq_value_ctx *ctx, int code, const char *what, af_error *err)
{
    return af_error_set(err, code, "%s: column %s: %s", ctx->name, ctx->path, what);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static float half_to_float(uint16_t h)
{
    int exp = (h >> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v;
    if (exp == 0)
        v = ldexpf((float)mant, -24);
    else if (exp == 31)
        v = mant ? NAN : INFINITY;
    else
        v = ldexpf((float)(mant | 0x400), exp - 25);
    return (h & 0x8000) ? -v : v;
}

/* Big-endian two's complement of any length; longer than 16 bytes only
 * when the extra leading bytes are sign extension. */
static int be_decimal(const uint8_t *p, size_t len, af_int128 *out)
{
    if (len == 0) {
        *out = 0;
        return 0;
    }
    size_t skip = len > 16 ? len - 16 : 0;
    uint8_t sign = (p[skip] & 0x80) ? 0xff : 0x00;
    for (size_t i = 0; i < skip; i++)
        if (p[i] != sign)
            return -1;
    if (skip && (p[0] & 0x80) != (p[skip] & 0x80))
        return -1;
    unsigned __int128 u = sign ? ~(unsigned __int128)0 : 0;
    for (size_t i = skip; i < len; i++)
        u = (u << 8) | p[i];
    *out = (af_int128)u;
    return 0;
}

static int append_failed(af_pq_value_ctx *ctx, int rc, af_error *err)
{
    if (rc == AF_EOVERFLOW || rc == AF_EINVAL)
        return af_error_set(
            err, AF_EPARSE, "%s: column %s: value %lld does not fit the column's type (%s)",
            ctx->name, ctx->path, (long long)ctx->out->length, af_pq_conv_name(ctx->leaf->conv));
    if (rc == AF_ENOMEM)
        return fail(ctx, rc, "out of memory appending values", err);
    if (rc == AF_ELIMIT)
        return fail(ctx, rc, "more than 2 GiB of byte-array values in one column chunk", err);
    return af_error_set(err, rc, "%s: column %s: cannot append a value (conversion %s)", ctx->name,
                        ctx->path, af_pq_conv_name(ctx->leaf->conv));
}

/* One physical value: `len` bytes (the physical width, or a byte array). */
static int append_phys(af_pq_value_ctx *ctx, af_array *a, const uint8_t *p, size_t len,
                       af_error *err)
{
    int rc;
    af_int128 d;
    switch (ctx->leaf->conv) {
    case AF_PQ_CONV_NULL: rc = af_array_append_null(a); break;
    case AF_PQ_CONV_INT32:
    case AF_PQ_CONV_INT8:
    case AF_PQ_CONV_INT16: rc = af_array_append_int(a, (int32_t)rd32(p)); break;
    case AF_PQ_CONV_INT64: rc = af_array_append_int(a, (int64_t)rd64(p)); break;
    case AF_PQ_CONV_UINT8:
    case AF_PQ_CONV_UINT16:
    case AF_PQ_CONV_UINT32: {
        uint32_t u = rd32(p);
        uint32_t max = ctx->leaf->conv == AF_PQ_CONV_UINT8    ? 0xffu
                       : ctx->leaf->conv == AF_PQ_CONV_UINT16 ? 0xffffu
                                                              : 0xffffffffu;
        rc = u > max ? AF_EOVERFLOW : af_array_append_int(a, (int64_t)u);
        break;
    }
    case AF_PQ_CONV_UINT64: rc = af_array_append_decimal(a, (af_int128)rd64(p)); break;
    case AF_PQ_CONV_FLOAT: {
        float f;
        memcpy(&f, p, 4);
        rc = af_array_append_double(a, f);
        break;
    }
    case AF_PQ_CONV_DOUBLE: {
        double f;
        memcpy(&f, p, 8);
        rc = af_array_append_double(a, f);
        break;
    }
    case AF_PQ_CONV_DECIMAL_INT32: rc = af_array_append_decimal(a, (int32_t)rd32(p)); break;
    case AF_PQ_CONV_DECIMAL_INT64: rc = af_array_append_decimal(a, (int64_t)rd64(p)); break;
    case AF_PQ_CONV_DECIMAL_FLBA:
    case AF_PQ_CONV_DECIMAL_BYTE_ARRAY:
        if (be_decimal(p, len, &d))
            return af_error_set(err, AF_EPARSE,
                                "%s: column %s: a %zu-byte decimal value does not fit 128 bits",
                                ctx->name, ctx->path, len);
        rc = af_array_append_decimal(a, d);
        break;
    case AF_PQ_CONV_INT96_NANOS: {
        int64_t nanos = (int64_t)rd64(p);
        int64_t days = (int64_t)rd32(p + 8) - 2440588; /* Julian day of 1970-01-01 */
        int64_t ns;
        if (__builtin_mul_overflow(days, (int64_t)86400000000000, &ns) ||
            __builtin_add_overflow(ns, nanos, &ns))
            return fail(ctx, AF_EPARSE,
                        "an INT96 timestamp is outside the range of nanoseconds since 1970", err);
        rc = af_array_append_int(a, ns);
        break;
    }
    case AF_PQ_CONV_FLOAT16:
        if (len != 2)
            return fail(ctx, AF_EPARSE, "a FLOAT16 value is not 2 bytes long", err);
        rc = af_array_append_double(a, half_to_float((uint16_t)(p[0] | p[1] << 8)));
        break;
    case AF_PQ_CONV_UUID:
        if (len != 16)
            return fail(ctx, AF_EPARSE, "a UUID value is not 16 bytes long", err);
        rc = af_array_append_bytes(a, p, len);
        break;
    case AF_PQ_CONV_BYTES:
    case AF_PQ_CONV_FLBA_BYTES: rc = af_array_append_bytes(a, p, len); break;
    default:
        return af_error_set(err, AF_EUNSUPPORTED, "%s: column %s: cannot read values as %s",
                            ctx->name, ctx->path, af_pq_conv_name(ctx->leaf->conv));
    }
    return rc ? append_failed(ctx, rc, err) : 0;
}

static int append_bools(af_pq_value_ctx *ctx, af_array *a, const uint8_t *v, size_t count,
                        af_error *err)
{
    for (size_t i = 0; i < count; i++) {
        int rc = ctx->leaf->conv == AF_PQ_CONV_NULL ? af_array_append_null(a)
                                                    : af_array_append_bool(a, v[i] != 0);
        if (rc)
            return append_failed(ctx, rc, err);
    }
    return 0;
}

/* Width of a fixed-width physical value; 0 for BYTE_ARRAY and BOOLEAN. */
/* Physical values whose bytes are already the af layout are copied in one
 * go: the conversions below map to af types of exactly the physical width
 * (INT32 to int32, date or time[ms]; INT64; FLOAT; DOUBLE; UUID). */
static bool same_layout(const af_pq_value_ctx *ctx, size_t width)
{
    switch (ctx->leaf->conv) {
    case AF_PQ_CONV_INT32:
    case AF_PQ_CONV_FLOAT: return width == 4;
    case AF_PQ_CONV_INT64:
    case AF_PQ_CONV_DOUBLE: return width == 8;
    case AF_PQ_CONV_UUID: return width == 16;
    default: return false;
    }
}

static int append_fixed_run(af_pq_value_ctx *ctx, af_array *a, const uint8_t *p, size_t width,
                            size_t count, af_error *err)
{
    if (same_layout(ctx, width)) {
        int rc = af_array_append_fixed_values(a, p, count);
        return rc ? append_failed(ctx, rc, err) : 0;
    }
    for (size_t i = 0; i < count; i++) {
        int rc = append_phys(ctx, a, p + i * width, width, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int append_views(af_pq_value_ctx *ctx, af_array *a, const af_pq_view *v, size_t count,
                        af_error *err)
{
    size_t w = ctx->leaf->physical_type == AF_PQ_FIXED_LEN_BYTE_ARRAY
                   ? af_pq_leaf_plain_width(ctx->leaf)
                   : 0;
    if (ctx->leaf->conv == AF_PQ_CONV_BYTES && !a->has_validity) {
        /* bytes straight into the array: one reservation, no call per value */
        size_t total = a->data.len;
        for (size_t i = 0; i < count; i++)
            total += v[i].len;
        if (total > (size_t)INT32_MAX)
            return append_failed(ctx, AF_ELIMIT, err);
        if (af_buf_reserve(&a->data, total - a->data.len) ||
            af_buf_reserve(&a->offsets, count * sizeof(int32_t)))
            return fail(ctx, AF_ENOMEM, "out of memory decoding a page", err);
        size_t pos = a->data.len;
        for (size_t i = 0; i < count; i++) {
            if (v[i].len)
                memcpy(a->data.data + pos, v[i].ptr, v[i].len);
            pos += v[i].len;
            int32_t end = (int32_t)pos;
            memcpy(a->offsets.data + a->offsets.len + i * sizeof end, &end, sizeof end);
        }
        a->data.len = pos;
        a->offsets.len += count * sizeof(int32_t);
        a->length += (int64_t)count;
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (ctx->leaf->physical_type == AF_PQ_FIXED_LEN_BYTE_ARRAY && v[i].len != w)
            return fail(ctx, AF_EPARSE, "a FIXED_LEN_BYTE_ARRAY value has the wrong length", err);
        int rc = append_phys(ctx, a, v[i].ptr, v[i].len, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int wrap(af_pq_value_ctx *ctx, int rc, af_error *err)
{
    if (rc)
        af_error_wrap(err, "%s: column %s", ctx->name, ctx->path);
    return rc;
}

static int nomem(af_pq_value_ctx *ctx, af_error *err)
{
    return fail(ctx, AF_ENOMEM, "out of memory decoding a page", err);
}

static int too_few_bytes(af_pq_value_ctx *ctx, const char *enc, size_t count, size_t n,
                         af_error *err)
{
    return af_error_set(err, AF_EPARSE,
                        "%s: column %s: %zu bytes of %s data cannot hold %zu values", ctx->name,
                        ctx->path, n, enc, count);
}

static int decode_plain(af_pq_value_ctx *ctx, af_array *a, const uint8_t *p, size_t n, size_t count,
                        af_error *err)
{
    int rc;
    int32_t pt = ctx->leaf->physical_type;
    if (pt == AF_PQ_BOOLEAN) {
        if (count / 8 > n)
            return too_few_bytes(ctx, "PLAIN", count, n, err);
        uint8_t *v = malloc(count);
        if (!v)
            return nomem(ctx, err);
        rc = wrap(ctx, af_pq_plain_decode_bool(p, n, v, count, NULL, err), err);
        if (!rc)
            rc = append_bools(ctx, a, v, count, err);
        free(v);
        return rc;
    }
    if (pt == AF_PQ_BYTE_ARRAY) {
        if (count > n / 4)
            return too_few_bytes(ctx, "PLAIN", count, n, err);
        af_pq_view *v = malloc(count * sizeof *v);
        if (!v)
            return nomem(ctx, err);
        rc = wrap(ctx, af_pq_plain_decode_byte_array(p, n, v, count, NULL, err), err);
        if (!rc)
            rc = append_views(ctx, a, v, count, err);
        free(v);
        return rc;
    }
    size_t w = af_pq_leaf_plain_width(ctx->leaf);
    if (w == 0)
        return fail(ctx, AF_EPARSE, "a FIXED_LEN_BYTE_ARRAY column has no valid type_length", err);
    if (count > n / w)
        return too_few_bytes(ctx, "PLAIN", count, n, err);
    return append_fixed_run(ctx, a, p, w, count, err);
}

int af_pq_values_dictionary(af_pq_value_ctx *ctx, const uint8_t *p, size_t n, int32_t encoding,
                            size_t count, af_error *err)
{
    if (ctx->dict_batch)
        return fail(ctx, AF_EPARSE, "a second dictionary page", err);
    if (encoding != AF_PQ_ENC_PLAIN && encoding != AF_PQ_ENC_PLAIN_DICTIONARY)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: column %s: dictionary page encoding %s (%d) is not supported",
                            ctx->name, ctx->path, af_pq_encoding_name(encoding), (int)encoding);
    if (count > UINT32_MAX)
        return fail(ctx, AF_EPARSE, "the dictionary has too many entries", err);
    af_schema *s = af_schema_new();
    if (!s || af_schema_add(s, ctx->leaf->field)) {
        af_schema_free(s);
        return nomem(ctx, err);
    }
    ctx->dict_batch = af_batch_new(s);
    af_schema_free(s);
    if (!ctx->dict_batch)
        return nomem(ctx, err);
    return decode_plain(ctx, &ctx->dict_batch->columns[0], p, n, count, err);
}

static int decode_dict_indices(af_pq_value_ctx *ctx, const uint8_t *p, size_t n, size_t count,
                               af_error *err)
{
    if (!ctx->dict_batch)
        return fail(ctx, AF_EPARSE, "a dictionary-encoded page without a dictionary page", err);
    if (n < 1)
        return fail(ctx, AF_EPARSE, "a dictionary-encoded page has no bit width byte", err);
    if (p[0] > 32)
        return af_error_set(err, AF_EPARSE,
                            "%s: column %s: dictionary index bit width %u is above 32", ctx->name,
                            ctx->path, (unsigned)p[0]);
    const af_array *dict = &ctx->dict_batch->columns[0];
    af_pq_rle_reader r;
    int rc = wrap(ctx, af_pq_rle_reader_init(&r, p + 1, n - 1, p[0], err), err);
    uint32_t idx[IDX_SLICE];
    for (size_t done = 0; !rc && done < count;) {
        size_t k = count - done < IDX_SLICE ? count - done : IDX_SLICE;
        rc = wrap(ctx, af_pq_rle_read(&r, idx, k, err), err);
        if (!rc)
            rc = wrap(ctx, af_pq_check_indices(idx, k, (uint32_t)dict->length, err), err);
        if (!rc) {
            rc = af_array_append_take(ctx->out, dict, idx, k);
            if (rc)
                rc = append_failed(ctx, rc, err);
        }
        done += k;
    }
    return rc;
}

static int unsupported(af_pq_value_ctx *ctx, int32_t encoding, af_error *err)
{
    return af_error_set(err, AF_EUNSUPPORTED,
                        "%s: column %s: encoding %s (%d) is not supported for %s values", ctx->name,
                        ctx->path, af_pq_encoding_name(encoding), (int)encoding,
                        af_pq_type_name(ctx->leaf->physical_type));
}

int af_pq_values_decode(af_pq_value_ctx *ctx, const uint8_t *p, size_t n, int32_t encoding,
                        size_t count, af_error *err)
{
    if (count == 0)
        return 0;
    int32_t pt = ctx->leaf->physical_type;
    int rc;
    switch (encoding) {
    case AF_PQ_ENC_PLAIN: return decode_plain(ctx, ctx->out, p, n, count, err);
    case AF_PQ_ENC_PLAIN_DICTIONARY:
    case AF_PQ_ENC_RLE_DICTIONARY: return decode_dict_indices(ctx, p, n, count, err);
    case AF_PQ_ENC_RLE: {
        if (pt != AF_PQ_BOOLEAN)
            return unsupported(ctx, encoding, err);
        uint8_t *v = malloc(count);
        if (!v)
            return nomem(ctx, err);
        rc = wrap(ctx, af_pq_rle_bool_decode(p, n, v, count, NULL, err), err);
        if (!rc)
            rc = append_bools(ctx, ctx->out, v, count, err);
        free(v);
        return rc;
    }
    case AF_PQ_ENC_DELTA_BINARY_PACKED: {
        if (pt != AF_PQ_INT32 && pt != AF_PQ_INT64)
            return unsupported(ctx, encoding, err);
        size_t w = pt == AF_PQ_INT32 ? 4 : 8;
        uint64_t declared;
        rc = wrap(ctx, af_pq_delta_peek_count(p, n, &declared, err), err);
        if (rc)
            return rc;
        if (declared != count)
            return af_error_set(err, AF_EPARSE,
                                "%s: column %s: a DELTA_BINARY_PACKED page holds %llu values where "
                                "its levels need %zu",
                                ctx->name, ctx->path, (unsigned long long)declared, count);
        void *v = malloc(count * w);
        if (!v)
            return nomem(ctx, err);
        uint8_t *bytes = malloc(count * w);
        if (!bytes) {
            free(v);
            return nomem(ctx, err);
        }
        if (w == 4)
            rc = af_pq_delta_decode_int32(p, n, v, count, NULL, err);
        else
            rc = af_pq_delta_decode_int64(p, n, v, count, NULL, err);
        rc = wrap(ctx, rc, err);
        if (!rc) {
            /* to little-endian bytes, whatever the host order */
            for (size_t i = 0; i < count; i++) {
                uint64_t x = w == 4 ? (uint32_t)((int32_t *)v)[i] : (uint64_t)((int64_t *)v)[i];
                for (size_t b = 0; b < w; b++)
                    bytes[i * w + b] = (uint8_t)(x >> (8 * b));
            }
            rc = append_fixed_run(ctx, ctx->out, bytes, w, count, err);
        }
        free(v);
        free(bytes);
        return rc;
    }
    case AF_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: {
        if (pt != AF_PQ_BYTE_ARRAY)
            return unsupported(ctx, encoding, err);
        af_pq_view *v = malloc(count * sizeof *v);
        if (!v)
            return nomem(ctx, err);
        rc = wrap(ctx, af_pq_delta_length_decode(p, n, v, count, NULL, err), err);
        if (!rc)
            rc = append_views(ctx, ctx->out, v, count, err);
        free(v);
        return rc;
    }
    case AF_PQ_ENC_DELTA_BYTE_ARRAY: {
        if (pt != AF_PQ_BYTE_ARRAY && pt != AF_PQ_FIXED_LEN_BYTE_ARRAY)
            return unsupported(ctx, encoding, err);
        af_pq_view *v = malloc(count * sizeof *v);
        if (!v)
            return nomem(ctx, err);
        af_buf data;
        af_buf_init(&data);
        rc = wrap(ctx,
                  af_pq_delta_byte_array_decode(p, n, v, count, &data, DELTA_BYTES_MAX, NULL, err),
                  err);
        if (!rc)
            rc = append_views(ctx, ctx->out, v, count, err);
        af_buf_free(&data);
        free(v);
        return rc;
    }
    case AF_PQ_ENC_BYTE_STREAM_SPLIT: {
        size_t w = af_pq_leaf_plain_width(ctx->leaf);
        if (pt == AF_PQ_BOOLEAN || pt == AF_PQ_BYTE_ARRAY || pt == AF_PQ_INT96 || w == 0)
            return unsupported(ctx, encoding, err);
        if (count > n / w)
            return too_few_bytes(ctx, "BYTE_STREAM_SPLIT", count, n, err);
        uint8_t *v = malloc(count * w);
        if (!v)
            return nomem(ctx, err);
        rc = wrap(ctx, af_pq_bss_decode(p, n, w, v, count, err), err);
        if (!rc)
            rc = append_fixed_run(ctx, ctx->out, v, w, count, err);
        free(v);
        return rc;
    }
    default: return unsupported(ctx, encoding, err);
    }
}
