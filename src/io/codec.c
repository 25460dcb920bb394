/* codec.c - Parquet page compression over the system codec libraries.
 *
 * Every decompressor is told the exact output size and checks it: the
 * libraries' one-shot APIs are used where they can report "output too small"
 * separately from "input corrupt", and streaming APIs with a one-byte probe
 * where they cannot, so a page that would decompress to more than its header
 * says is reported rather than silently truncated.
 */
#include "io/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <limits.h>
#include <lz4.h>
#include <lz4hc.h>
#include <pthread.h>
#include <snappy-c.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* Hadoop's Lz4Codec reads at most its buffer size (256 KiB by default) per
 * frame, so the writer must not make frames larger than that. */
#define AF_LZ4_HADOOP_CHUNK (256u * 1024u)

static const struct {
    const char *name;
    af_codec codec;
} codec_names[] = {
    {"uncompressed", AF_CODEC_UNCOMPRESSED},
    {"none", AF_CODEC_UNCOMPRESSED},
    {"snappy", AF_CODEC_SNAPPY},
    {"gzip", AF_CODEC_GZIP},
    {"brotli", AF_CODEC_BROTLI},
    {"lz4", AF_CODEC_LZ4},
    {"zstd", AF_CODEC_ZSTD},
    {"lz4_raw", AF_CODEC_LZ4_RAW},
};

const char *af_codec_name(af_codec c)
{
    switch (c) {
    case AF_CODEC_UNCOMPRESSED: return "uncompressed";
    case AF_CODEC_SNAPPY: return "snappy";
    case AF_CODEC_GZIP: return "gzip";
    case AF_CODEC_LZO: return "lzo";
    case AF_CODEC_BROTLI: return "brotli";
    case AF_CODEC_LZ4: return "lz4";
    case AF_CODEC_ZSTD: return "zstd";
    case AF_CODEC_LZ4_RAW: return "lz4_raw";
    }
    return "unknown";
}

int af_codec_parse(const char *s, af_codec *out, af_error *err)
{
    if (s) {
        for (size_t i = 0; i < sizeof codec_names / sizeof codec_names[0]; i++) {
            if (strcasecmp(s, codec_names[i].name) == 0) {
                *out = codec_names[i].codec;
                return AF_OK;
            }
        }
    }
    return af_error_set(err, AF_EINVAL,
                        "unknown compression '%s': expected one of none, uncompressed, snappy, "
                        "gzip, brotli, lz4, zstd, lz4_raw",
                        s ? s : "");
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int size_mismatch(af_error *err, const char *codec, size_t got, size_t expected)
{
    return af_error_set(err, AF_EPARSE, "%s: data decompresses to %zu bytes, the page says %zu",
                        codec, got, expected);
}

static int too_long(af_error *err, const char *codec, size_t expected)
{
    return af_error_set(err, AF_EPARSE, "%s: data decompresses to more than the page's %zu bytes",
                        codec, expected);
}

/* ---- gzip ---- */

static int gzip_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                           af_error *err)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* 16 + MAX_WBITS: gzip wrapper only, as Parquet specifies (RFC 1952) */
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return af_error_set(err, AF_ENOMEM, "gzip: cannot create a decoder");
    size_t in_pos = 0, out_pos = 0;
    uint8_t probe;
    int rc = AF_OK;
    for (;;) {
        if (zs.avail_in == 0 && in_pos < n) {
            size_t take = n - in_pos > UINT_MAX ? UINT_MAX : n - in_pos;
            zs.next_in = (Bytef *)(uintptr_t)(src + in_pos);
            zs.avail_in = (uInt)take;
            in_pos += take;
        }
        /* once dst is full, a one-byte probe tells "exact" from "too long" */
        bool probing = out_pos == expected;
        size_t room = probing ? 1 : expected - out_pos;
        if (room > UINT_MAX)
            room = UINT_MAX;
        zs.next_out = probing ? &probe : dst + out_pos;
        zs.avail_out = (uInt)room;
        int zrc = inflate(&zs, Z_NO_FLUSH);
        size_t produced = room - zs.avail_out;
        if (probing && produced) {
            rc = too_long(err, "gzip", expected);
            break;
        }
        out_pos += probing ? 0 : produced;
        if (zrc == Z_STREAM_END) {
            if (zs.avail_in == 0 && in_pos == n)
                break;
            /* several gzip members back to back are one valid gzip stream */
            if (inflateReset(&zs) != Z_OK) {
                rc = af_error_set(err, AF_EINTERNAL, "gzip: cannot reset the decoder");
                break;
            }
            continue;
        }
        if (zrc == Z_BUF_ERROR && zs.avail_in == 0 && in_pos == n) {
            rc = af_error_set(err, AF_EPARSE, "gzip: data is truncated after %zu of %zu bytes",
                              out_pos, expected);
            break;
        }
        if (zrc != Z_OK) {
            rc = af_error_set(err, AF_EPARSE, "gzip: data is corrupt (%s)",
                              zs.msg ? zs.msg : "inflate failed");
            break;
        }
    }
    inflateEnd(&zs);
    if (rc == AF_OK && out_pos != expected)
        rc = size_mismatch(err, "gzip", out_pos, expected);
    return rc;
}

static int gzip_compress(int level, const uint8_t *src, size_t n, af_buf *out, af_error *err)
{
    if (level == 0)
        level = 6;
    if (level < 1 || level > 9)
        return af_error_set(err, AF_EINVAL, "gzip: level %d is out of range 1..9", level);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return af_error_set(err, AF_ENOMEM, "gzip: cannot create an encoder");
    size_t in_pos = 0;
    int rc = AF_OK;
    for (;;) {
        if (zs.avail_in == 0 && in_pos < n) {
            size_t take = n - in_pos > UINT_MAX ? UINT_MAX : n - in_pos;
            zs.next_in = (Bytef *)(uintptr_t)(src + in_pos);
            zs.avail_in = (uInt)take;
            in_pos += take;
        }
        size_t want = n - in_pos + zs.avail_in;
        want = (want > UINT_MAX / 2 ? UINT_MAX / 2 : want) + 64 + want / 1000;
        if (af_buf_reserve(out, want) != AF_OK) {
            rc = af_error_set(err, AF_ENOMEM, "gzip: out of memory");
            break;
        }
        size_t room = out->cap - out->len - 1; /* keep af_buf's NUL slot */
        if (room > UINT_MAX)
            room = UINT_MAX;
        zs.next_out = out->data + out->len;
        zs.avail_out = (uInt)room;
        int zrc = deflate(&zs, in_pos == n ? Z_FINISH : Z_NO_FLUSH);
        out->len += room - zs.avail_out;
        if (zrc == Z_STREAM_END)
            break;
        if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            rc = af_error_set(err, AF_EINTERNAL, "gzip: deflate failed (%d)", zrc);
            break;
        }
    }
    deflateEnd(&zs);
    return rc;
}

/* ---- snappy ---- */

static int snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                             af_error *err)
{
    size_t len = 0;
    if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK)
        return af_error_set(err, AF_EPARSE, "snappy: the data does not start with a valid length");
    if (len != expected)
        return af_error_set(err, AF_EPARSE,
                            "snappy: uncompressed length %zu does not match the page's %zu", len,
                            expected);
    size_t got = expected;
    if (snappy_uncompress((const char *)src, n, (char *)dst, &got) != SNAPPY_OK)
        return af_error_set(err, AF_EPARSE, "snappy: data is corrupt or truncated");
    if (got != expected)
        return size_mismatch(err, "snappy", got, expected);
    return AF_OK;
}

static int snappy_compress_(const uint8_t *src, size_t n, af_buf *out, af_error *err)
{
    size_t cap = snappy_max_compressed_length(n);
    if (af_buf_reserve(out, cap) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "snappy: out of memory for %zu bytes", cap);
    size_t got = cap;
    if (snappy_compress((const char *)src, n, (char *)out->data + out->len, &got) != SNAPPY_OK)
        return af_error_set(err, AF_EINTERNAL, "snappy: compression failed");
    out->len += got;
    return AF_OK;
}

/* ---- zstd ---- */

static int zstd_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                           af_error *err)
{
    /* Walk the frames first: it names truncation precisely and catches a
     * declared size that disagrees with the page before any work is done. */
    size_t pos = 0;
    unsigned long long declared = 0;
    bool known = true;
    while (pos < n) {
        size_t fsz = ZSTD_findFrameCompressedSize(src + pos, n - pos);
        if (ZSTD_isError(fsz)) {
            if (ZSTD_getErrorCode(fsz) == ZSTD_error_srcSize_wrong)
                return af_error_set(err, AF_EPARSE, "zstd: frame at byte %zu is truncated", pos);
            return af_error_set(err, AF_EPARSE, "zstd: frame at byte %zu is corrupt (%s)", pos,
                                ZSTD_getErrorName(fsz));
        }
        unsigned long long c = ZSTD_getFrameContentSize(src + pos, n - pos);
        if (c == ZSTD_CONTENTSIZE_ERROR)
            return af_error_set(err, AF_EPARSE, "zstd: frame at byte %zu has a corrupt header",
                                pos);
        if (c == ZSTD_CONTENTSIZE_UNKNOWN)
            known = false;
        else if (c > expected || declared + c > expected)
            return af_error_set(err, AF_EPARSE,
                                "zstd: frames declare more than the page's %zu bytes", expected);
        else
            declared += c;
        pos += fsz;
    }
    if (known && declared != expected)
        return af_error_set(err, AF_EPARSE, "zstd: frames declare %llu bytes, the page says %zu",
                            declared, expected);
    uint8_t dummy;
    size_t r = ZSTD_decompress(expected ? dst : &dummy, expected, src, n);
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
            return too_long(err, "zstd", expected);
        return af_error_set(err, AF_EPARSE, "zstd: data is corrupt (%s)", ZSTD_getErrorName(r));
    }
    if (r != expected)
        return size_mismatch(err, "zstd", r, expected);
    return AF_OK;
}

/* One compression context per thread, reused: ZSTD_compress would set up
 * (allocate and clear) a fresh one for every page. The key's destructor
 * frees it when the thread ends. */
static pthread_key_t zstd_cctx_key;
static pthread_once_t zstd_cctx_once = PTHREAD_ONCE_INIT;

static void zstd_cctx_free(void *p)
{
    ZSTD_freeCCtx(p);
}

static void zstd_cctx_key_init(void)
{
    if (pthread_key_create(&zstd_cctx_key, zstd_cctx_free) != 0)
        abort(); /* only fails when the process is out of keys or memory */
}

static ZSTD_CCtx *zstd_thread_cctx(void)
{
    pthread_once(&zstd_cctx_once, zstd_cctx_key_init);
    ZSTD_CCtx *c = pthread_getspecific(zstd_cctx_key);
    if (!c) {
        c = ZSTD_createCCtx();
        if (c && pthread_setspecific(zstd_cctx_key, c) != 0) {
            ZSTD_freeCCtx(c);
            c = NULL;
        }
    }
    return c;
}

static int zstd_compress(int level, const uint8_t *src, size_t n, af_buf *out, af_error *err)
{
    if (level == 0)
        level = 3;
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
        return af_error_set(err, AF_EINVAL, "zstd: level %d is out of range %d..%d", level,
                            ZSTD_minCLevel(), ZSTD_maxCLevel());
    size_t cap = ZSTD_compressBound(n);
    if (ZSTD_isError(cap) || af_buf_reserve(out, cap) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "zstd: out of memory for %zu bytes", cap);
    ZSTD_CCtx *cctx = zstd_thread_cctx();
    if (!cctx)
        return af_error_set(err, AF_ENOMEM, "zstd: out of memory for a compression context");
    size_t r = ZSTD_compressCCtx(cctx, out->data + out->len, cap, src, n, level);
    if (ZSTD_isError(r))
        return af_error_set(err, AF_EINTERNAL, "zstd: compression failed (%s)",
                            ZSTD_getErrorName(r));
    out->len += r;
    return AF_OK;
}

/* ---- lz4 ---- */

static int lz4_raw_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                              af_error *err)
{
    if (n > LZ4_MAX_INPUT_SIZE || expected > (size_t)INT_MAX)
        return af_error_set(err, AF_EPARSE,
                            "lz4_raw: a page of %zu bytes is larger than LZ4 allows",
                            n > expected ? n : expected);
    uint8_t dummy;
    int r = LZ4_decompress_safe((const char *)src, (char *)(expected ? dst : &dummy), (int)n,
                                (int)expected);
    if (r < 0)
        return af_error_set(err, AF_EPARSE,
                            "lz4_raw: block is corrupt, truncated or longer than the page's %zu "
                            "bytes",
                            expected);
    if ((size_t)r != expected)
        return size_mismatch(err, "lz4_raw", (size_t)r, expected);
    return AF_OK;
}

/* Hadoop framing: repeated [BE32 uncompressed size][BE32 compressed size]
 * [block]..., where one uncompressed chunk may be split over several inner
 * blocks. True only if the whole input parses and fills dst exactly. */
static bool lz4_hadoop_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t expected)
{
    size_t ip = 0, op = 0;
    if (n == 0)
        return false;
    while (ip < n) {
        if (n - ip < 4)
            return false;
        uint32_t ulen = load_be32(src + ip);
        ip += 4;
        if (ulen > expected - op)
            return false;
        size_t chunk_end = op + ulen;
        do {
            if (n - ip < 4)
                return false;
            uint32_t clen = load_be32(src + ip);
            ip += 4;
            if (clen > n - ip || clen > LZ4_MAX_INPUT_SIZE)
                return false;
            uint8_t dummy;
            size_t room = chunk_end - op;
            int r = LZ4_decompress_safe((const char *)src + ip, (char *)(room ? dst + op : &dummy),
                                        (int)clen, (int)room);
            if (r < 0)
                return false;
            ip += clen;
            op += (size_t)r;
            if (r == 0 && op < chunk_end)
                return false; /* no progress: would loop over empty blocks */
        } while (op < chunk_end);
    }
    return op == expected;
}

static int lz4_compress_block(int level, const uint8_t *src, size_t n, uint8_t *dst, size_t cap,
                              const char *codec, size_t *got, af_error *err)
{
    int r = level > 0 ? LZ4_compress_HC((const char *)src, (char *)dst, (int)n, (int)cap, level)
                      : LZ4_compress_default((const char *)src, (char *)dst, (int)n, (int)cap);
    if (r <= 0)
        return af_error_set(err, AF_EINTERNAL, "%s: compression failed", codec);
    *got = (size_t)r;
    return AF_OK;
}

static int lz4_check_level(int level, const char *codec, af_error *err)
{
    if (level < 0 || level > LZ4HC_CLEVEL_MAX)
        return af_error_set(err, AF_EINVAL, "%s: level %d is out of range 0..%d", codec, level,
                            LZ4HC_CLEVEL_MAX);
    return AF_OK;
}

static int lz4_raw_compress(int level, const uint8_t *src, size_t n, af_buf *out, af_error *err)
{
    int rc = lz4_check_level(level, "lz4_raw", err);
    if (rc)
        return rc;
    if (n > LZ4_MAX_INPUT_SIZE)
        return af_error_set(err, AF_EINVAL,
                            "lz4_raw: a page of %zu bytes is larger than LZ4 allows", n);
    size_t cap = (size_t)LZ4_compressBound((int)n);
    if (af_buf_reserve(out, cap) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "lz4_raw: out of memory for %zu bytes", cap);
    size_t got = 0;
    rc = lz4_compress_block(level, src, n, out->data + out->len, cap, "lz4_raw", &got, err);
    if (rc == AF_OK)
        out->len += got;
    return rc;
}

static int lz4_hadoop_compress(int level, const uint8_t *src, size_t n, af_buf *out, af_error *err)
{
    int rc = lz4_check_level(level, "lz4", err);
    if (rc)
        return rc;
    size_t pos = 0;
    do {
        size_t take = n - pos > AF_LZ4_HADOOP_CHUNK ? AF_LZ4_HADOOP_CHUNK : n - pos;
        size_t cap = (size_t)LZ4_compressBound((int)take);
        if (af_buf_reserve(out, cap + 8) != AF_OK)
            return af_error_set(err, AF_ENOMEM, "lz4: out of memory for %zu bytes", cap);
        uint8_t *hdr = out->data + out->len;
        size_t got = 0;
        /* an empty page may come without a buffer: no NULL + 0 */
        rc =
            lz4_compress_block(level, take ? src + pos : src, take, hdr + 8, cap, "lz4", &got, err);
        if (rc)
            return rc;
        store_be32(hdr, (uint32_t)take);
        store_be32(hdr + 4, (uint32_t)got);
        out->len += 8 + got;
        pos += take;
    } while (pos < n);
    return AF_OK;
}

/* ---- brotli ---- */

static int brotli_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t expected,
                             af_error *err)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "brotli: cannot create a decoder");
    size_t avail_in = n, avail_out = expected, produced = 0;
    const uint8_t *next_in = src;
    uint8_t *next_out = dst;
    int rc = AF_OK;
    for (;;) {
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        if (r == BROTLI_DECODER_RESULT_SUCCESS)
            break;
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            rc = af_error_set(err, AF_EPARSE, "brotli: data is truncated after %zu of %zu bytes",
                              produced + (expected - avail_out), expected);
            break;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
            /* dst is full: probe with one byte whether the stream has more */
            uint8_t probe;
            uint8_t *p = &probe;
            size_t one = 1;
            r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &one, &p, NULL);
            if (one == 0) {
                rc = too_long(err, "brotli", expected);
                break;
            }
            if (r == BROTLI_DECODER_RESULT_SUCCESS)
                break;
            continue;
        }
        rc = af_error_set(err, AF_EPARSE, "brotli: data is corrupt (%s)",
                          BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
        break;
    }
    BrotliDecoderDestroyInstance(s);
    if (rc == AF_OK && avail_out != 0)
        rc = size_mismatch(err, "brotli", expected - avail_out, expected);
    return rc;
}

static int brotli_compress(int level, const uint8_t *src, size_t n, af_buf *out, af_error *err)
{
    /* 1 rather than brotli's own 11: quality 11 is ~100x slower, far too
     * slow for ingestion, and 1 is what Arrow's writer uses by default. */
    if (level == 0)
        level = 1;
    if (level < BROTLI_MIN_QUALITY || level > BROTLI_MAX_QUALITY)
        return af_error_set(err, AF_EINVAL, "brotli: level %d is out of range 1..%d", level,
                            BROTLI_MAX_QUALITY);
    size_t cap = BrotliEncoderMaxCompressedSize(n);
    if (cap == 0 || af_buf_reserve(out, cap) != AF_OK)
        return af_error_set(err, AF_ENOMEM, "brotli: out of memory compressing %zu bytes", n);
    size_t got = cap;
    if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, src, &got,
                               out->data + out->len))
        return af_error_set(err, AF_EINTERNAL, "brotli: compression failed");
    out->len += got;
    return AF_OK;
}

/* ---- dispatch ---- */

int af_codec_decompress(af_codec c, const uint8_t *src, size_t n, uint8_t *dst, size_t expected_len,
                        af_error *err)
{
    if (c == AF_CODEC_LZO)
        return af_error_set(err, AF_EUNSUPPORTED, "LZO-compressed pages are not supported");
    /* an empty page may come with no buffer; the libraries want a pointer */
    uint8_t empty;
    if (expected_len == 0 && !dst)
        dst = &empty;
    if (c == AF_CODEC_UNCOMPRESSED) {
        if (n != expected_len)
            return af_error_set(err, AF_EPARSE,
                                "uncompressed: page holds %zu bytes, its header says %zu", n,
                                expected_len);
        if (n)
            memcpy(dst, src, n);
        return AF_OK;
    }
    /* some writers store an empty page as zero bytes whatever the codec */
    if (n == 0 && expected_len == 0 && c >= AF_CODEC_SNAPPY && c <= AF_CODEC_LZ4_RAW)
        return AF_OK;
    switch (c) {
    case AF_CODEC_SNAPPY: return snappy_decompress(src, n, dst, expected_len, err);
    case AF_CODEC_GZIP: return gzip_decompress(src, n, dst, expected_len, err);
    case AF_CODEC_BROTLI: return brotli_decompress(src, n, dst, expected_len, err);
    case AF_CODEC_ZSTD: return zstd_decompress(src, n, dst, expected_len, err);
    case AF_CODEC_LZ4_RAW: return lz4_raw_decompress(src, n, dst, expected_len, err);
    case AF_CODEC_LZ4:
        if (lz4_hadoop_decompress(src, n, dst, expected_len))
            return AF_OK;
        /* older parquet-cpp wrote plain LZ4 blocks under this codec number */
        if (lz4_raw_decompress(src, n, dst, expected_len, err) == AF_OK)
            return AF_OK;
        return af_error_set(err, AF_EPARSE,
                            "lz4: data is neither Hadoop-framed LZ4 nor a raw LZ4 block of the "
                            "page's %zu bytes",
                            expected_len);
    default: break;
    }
    return af_error_set(err, AF_EUNSUPPORTED, "compression codec %d is not supported", (int)c);
}

int af_codec_compress(af_codec c, int level, const uint8_t *src, size_t n, af_buf *out,
                      af_error *err)
{
    switch (c) {
    case AF_CODEC_UNCOMPRESSED:
        if (af_buf_append(out, src, n) != AF_OK)
            return af_error_set(err, AF_ENOMEM, "uncompressed: out of memory for %zu bytes", n);
        return AF_OK;
    case AF_CODEC_SNAPPY: return snappy_compress_(src, n, out, err);
    case AF_CODEC_GZIP: return gzip_compress(level, src, n, out, err);
    case AF_CODEC_BROTLI: return brotli_compress(level, src, n, out, err);
    case AF_CODEC_ZSTD: return zstd_compress(level, src, n, out, err);
    case AF_CODEC_LZ4_RAW: return lz4_raw_compress(level, src, n, out, err);
    case AF_CODEC_LZ4: return lz4_hadoop_compress(level, src, n, out, err);
    case AF_CODEC_LZO:
        return af_error_set(err, AF_EUNSUPPORTED, "LZO compression is not supported");
    }
    return af_error_set(err, AF_EUNSUPPORTED, "compression codec %d is not supported", (int)c);
}

size_t af_codec_compress_bound(af_codec c, size_t n)
{
    switch (c) {
    case AF_CODEC_UNCOMPRESSED: return n;
    case AF_CODEC_SNAPPY: return snappy_max_compressed_length(n);
    case AF_CODEC_GZIP: return n + n / 1000 + 64 + 18;
    case AF_CODEC_BROTLI: return BrotliEncoderMaxCompressedSize(n);
    case AF_CODEC_ZSTD: return ZSTD_compressBound(n);
    case AF_CODEC_LZ4_RAW: return n > LZ4_MAX_INPUT_SIZE ? 0 : (size_t)LZ4_compressBound((int)n);
    case AF_CODEC_LZ4:
        return n > LZ4_MAX_INPUT_SIZE
                   ? 0
                   : (size_t)LZ4_compressBound((int)n) + 8 * (n / AF_LZ4_HADOOP_CHUNK + 1);
    case AF_CODEC_LZO: return 0;
    }
    return 0;
}
