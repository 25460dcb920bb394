/* compress_out.c - streaming compressors behind one write/finish interface
 * (see compress_out.h).
 *
 * Every codec is driven the same way: feed input, and whenever the output
 * buffer is full hand it to the callback; at finish, ask the codec to end
 * its stream until it says it has, then hand over the rest. A codec call
 * that neither takes input nor makes output while it should is an internal
 * error rather than a loop.
 */
#include "io/compress_out.h"

#include "core/buf.h"

#include <brotli/encode.h>
#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <limits.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define OUT_CAP ((size_t)256 * 1024)
/* input handed to a codec per call: fits every codec's length type */
#define IN_CHUNK ((size_t)1 << 30)
/* lz4 frame: input per LZ4F_compressUpdate, so the output bound is small */
#define LZ4_CHUNK ((size_t)64 * 1024)

struct af_compress_out {
    af_compression codec;
    int level;
    af_write_fn write;
    void *ctx;
    char *name;
    uint8_t *buf;
    size_t cap, len; /* compressed bytes waiting in buf[0, len) */
    int rc;          /* sticky error */
    af_error err;
    bool finished;
    int64_t bytes_in, bytes_out;

    bool use_isal; /* gzip levels 1-3 */
    struct isal_zstream *isal;
    uint8_t *isal_level_buf;
    z_stream zs;
    bool zs_ready;
    ZSTD_CCtx *zc;
    LZ4F_cctx *lz;
    LZ4F_preferences_t lz_prefs;
    bool lz_started;
    bz_stream bz;
    bool bz_ready;
    lzma_stream xz;
    bool xz_ready;
    BrotliEncoderState *br;
};

/* Hands the buffered compressed bytes to the callback. */
static int drain(af_compress_out *o, af_error *err)
{
    if (o->len == 0)
        return AF_OK;
    int rc = o->write(o->ctx, o->buf, o->len, err);
    if (rc)
        return rc;
    o->bytes_out += (int64_t)o->len;
    o->len = 0;
    return AF_OK;
}

static int codec_error(af_compress_out *o, const char *why, af_error *err)
{
    return af_error_set(err, AF_EINTERNAL, "%s: %s compression failed: %s", o->name,
                        af_compression_name(o->codec), why);
}

/* ---- one encode function per codec: consume in[0, n), and at finish end
 * the stream; drain() whenever the buffer is full ---- */

static int enc_none(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    (void)finish;
    if (n == 0)
        return AF_OK;
    if (n >= o->cap) { /* large pieces go straight through */
        int rc = drain(o, err);
        rc = rc ? rc : o->write(o->ctx, in, n, err);
        if (!rc)
            o->bytes_out += (int64_t)n;
        return rc;
    }
    if (o->cap - o->len < n) {
        int rc = drain(o, err);
        if (rc)
            return rc;
    }
    memcpy(o->buf + o->len, in, n);
    o->len += n;
    return AF_OK;
}

static int enc_zlib(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    o->zs.next_in = (Bytef *)(uintptr_t)in;
    o->zs.avail_in = (unsigned)n;
    for (;;) {
        o->zs.next_out = o->buf + o->len;
        o->zs.avail_out = (unsigned)(o->cap - o->len);
        int r = deflate(&o->zs, finish ? Z_FINISH : Z_NO_FLUSH);
        o->len = o->cap - o->zs.avail_out;
        if (r == Z_STREAM_ERROR)
            return codec_error(o, o->zs.msg ? o->zs.msg : "zlib stream error", err);
        bool done = finish ? r == Z_STREAM_END : o->zs.avail_in == 0;
        if (o->len == o->cap || (done && finish)) {
            int rc = drain(o, err);
            if (rc)
                return rc;
        } else if (!done && r == Z_BUF_ERROR) {
            return codec_error(o, "no progress", err);
        }
        if (done)
            return AF_OK;
    }
}

static int enc_isal(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    struct isal_zstream *s = o->isal;
    s->next_in = (uint8_t *)(uintptr_t)(in ? in : (const uint8_t *)"");
    s->avail_in = (uint32_t)n;
    s->end_of_stream = finish;
    s->flush = NO_FLUSH;
    for (;;) {
        uint32_t in0 = s->avail_in;
        size_t len0 = o->len;
        s->next_out = o->buf + o->len;
        s->avail_out = (uint32_t)(o->cap - o->len);
        int r = isal_deflate(s);
        o->len = o->cap - s->avail_out;
        if (r != COMP_OK)
            return codec_error(o, "isal_deflate refused its input", err);
        bool done = finish ? s->internal_state.state == ZSTATE_END : s->avail_in == 0;
        if (o->len == o->cap || (done && finish)) {
            int rc = drain(o, err);
            if (rc)
                return rc;
        } else if (!done && s->avail_in == in0 && o->len == len0) {
            return codec_error(o, "no progress", err);
        }
        if (done)
            return AF_OK;
    }
}

static int enc_zstd(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    ZSTD_inBuffer ib = {in, n, 0};
    for (;;) {
        ZSTD_outBuffer ob = {o->buf, o->cap, o->len};
        size_t r = ZSTD_compressStream2(o->zc, &ob, &ib, finish ? ZSTD_e_end : ZSTD_e_continue);
        o->len = ob.pos;
        if (ZSTD_isError(r))
            return codec_error(o, ZSTD_getErrorName(r), err);
        bool done = finish ? r == 0 : ib.pos == ib.size;
        if (o->len == o->cap || (done && finish)) {
            int rc = drain(o, err);
            if (rc)
                return rc;
        }
        if (done)
            return AF_OK;
    }
}

static int enc_lz4(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    int rc;
    if (!o->lz_started) {
        if (o->cap - o->len < LZ4F_HEADER_SIZE_MAX && (rc = drain(o, err)))
            return rc;
        size_t k = LZ4F_compressBegin(o->lz, o->buf + o->len, o->cap - o->len, &o->lz_prefs);
        if (LZ4F_isError(k))
            return codec_error(o, LZ4F_getErrorName(k), err);
        o->len += k;
        o->lz_started = true;
    }
    size_t bound = LZ4F_compressBound(LZ4_CHUNK, &o->lz_prefs);
    for (size_t pos = 0; pos < n;) {
        size_t k = n - pos < LZ4_CHUNK ? n - pos : LZ4_CHUNK;
        if (o->cap - o->len < bound && (rc = drain(o, err)))
            return rc;
        size_t w = LZ4F_compressUpdate(o->lz, o->buf + o->len, o->cap - o->len, in + pos, k, NULL);
        if (LZ4F_isError(w))
            return codec_error(o, LZ4F_getErrorName(w), err);
        o->len += w;
        pos += k;
    }
    if (!finish)
        return AF_OK;
    if (o->cap - o->len < bound && (rc = drain(o, err)))
        return rc;
    size_t w = LZ4F_compressEnd(o->lz, o->buf + o->len, o->cap - o->len, NULL);
    if (LZ4F_isError(w))
        return codec_error(o, LZ4F_getErrorName(w), err);
    o->len += w;
    return drain(o, err);
}

static int enc_bzip2(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    o->bz.next_in = (char *)(uintptr_t)in;
    o->bz.avail_in = (unsigned)n;
    for (;;) {
        o->bz.next_out = (char *)(o->buf + o->len);
        o->bz.avail_out = (unsigned)(o->cap - o->len);
        int r = BZ2_bzCompress(&o->bz, finish ? BZ_FINISH : BZ_RUN);
        o->len = o->cap - o->bz.avail_out;
        if (r != BZ_RUN_OK && r != BZ_FINISH_OK && r != BZ_STREAM_END)
            return codec_error(o, "libbz2 refused its input", err);
        bool done = finish ? r == BZ_STREAM_END : o->bz.avail_in == 0;
        if (o->len == o->cap || (done && finish)) {
            int rc = drain(o, err);
            if (rc)
                return rc;
        }
        if (done)
            return AF_OK;
    }
}

static int enc_xz(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    o->xz.next_in = in;
    o->xz.avail_in = n;
    for (;;) {
        o->xz.next_out = o->buf + o->len;
        o->xz.avail_out = o->cap - o->len;
        lzma_ret r = lzma_code(&o->xz, finish ? LZMA_FINISH : LZMA_RUN);
        o->len = o->cap - o->xz.avail_out;
        if (r != LZMA_OK && r != LZMA_STREAM_END)
            return codec_error(o, r == LZMA_MEM_ERROR ? "out of memory" : "liblzma error", err);
        bool done = finish ? r == LZMA_STREAM_END : o->xz.avail_in == 0;
        if (o->len == o->cap || (done && finish)) {
            int rc = drain(o, err);
            if (rc)
                return rc;
        }
        if (done)
            return AF_OK;
    }
}

static int enc_brotli(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    size_t avail_in = n;
    const uint8_t *next_in = in;
    for (;;) {
        size_t avail_out = o->cap - o->len;
        uint8_t *next_out = o->buf + o->len;
        if (!BrotliEncoderCompressStream(
                o->br, finish ? BROTLI_OPERATION_FINISH : BROTLI_OPERATION_PROCESS, &avail_in,
                &next_in, &avail_out, &next_out, NULL))
            return codec_error(o, "the brotli encoder failed", err);
        o->len = o->cap - avail_out;
        bool done = avail_in == 0 && !BrotliEncoderHasMoreOutput(o->br) &&
                    (!finish || BrotliEncoderIsFinished(o->br));
        if (o->len == o->cap || (done && finish)) {
            int rc = drain(o, err);
            if (rc)
                return rc;
        }
        if (done)
            return AF_OK;
    }
}

typedef int (*encode_fn)(af_compress_out *o, const uint8_t *in, size_t n, bool finish,
                         af_error *err);

static encode_fn encoder_of(const af_compress_out *o)
{
    switch (o->codec) {
    case AF_COMPRESSION_GZIP: return o->use_isal ? enc_isal : enc_zlib;
    case AF_COMPRESSION_ZSTD: return enc_zstd;
    case AF_COMPRESSION_LZ4: return enc_lz4;
    case AF_COMPRESSION_BZIP2: return enc_bzip2;
    case AF_COMPRESSION_XZ: return enc_xz;
    case AF_COMPRESSION_BROTLI: return enc_brotli;
    default: return enc_none;
    }
}

/* ---- set-up ---- */

/* The level range of a codec; *def is what 0 means. */
static void level_range(af_compression c, int *lo, int *hi, int *def)
{
    *lo = 1;
    switch (c) {
    case AF_COMPRESSION_GZIP: *hi = 9, *def = 6; break;
    case AF_COMPRESSION_ZSTD:
        *lo = ZSTD_minCLevel(), *hi = ZSTD_maxCLevel(), *def = ZSTD_CLEVEL_DEFAULT;
        break;
    case AF_COMPRESSION_LZ4: *hi = 12, *def = 0; break;
    case AF_COMPRESSION_BZIP2: *hi = 9, *def = 9; break;
    case AF_COMPRESSION_XZ: *hi = 9, *def = 6; break;
    case AF_COMPRESSION_BROTLI: *hi = 11, *def = 6; break;
    default: *lo = INT_MIN, *hi = INT_MAX, *def = 0; break;
    }
}

/* Starts the codec; returns false when it cannot (memory). */
static bool start_codec(af_compress_out *o)
{
    switch (o->codec) {
    case AF_COMPRESSION_GZIP:
        if (o->use_isal) {
            static const uint32_t level_buf_size[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
                                                      ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
            if (!(o->isal = malloc(sizeof *o->isal)) ||
                !(o->isal_level_buf = malloc(level_buf_size[o->level])))
                return false;
            isal_deflate_init(o->isal);
            o->isal->gzip_flag = IGZIP_GZIP; /* header and CRC-32/size trailer */
            o->isal->level = (uint32_t)o->level;
            o->isal->level_buf = o->isal_level_buf;
            o->isal->level_buf_size = level_buf_size[o->level];
            return true;
        }
        /* 15 + 16: the largest window, with a gzip wrapper */
        o->zs_ready =
            deflateInit2(&o->zs, o->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
        return o->zs_ready;
    case AF_COMPRESSION_ZSTD:
        return (o->zc = ZSTD_createCCtx()) != NULL &&
               !ZSTD_isError(ZSTD_CCtx_setParameter(o->zc, ZSTD_c_compressionLevel, o->level)) &&
               !ZSTD_isError(ZSTD_CCtx_setParameter(o->zc, ZSTD_c_checksumFlag, 1)) &&
               !ZSTD_isError(ZSTD_CCtx_setParameter(o->zc, ZSTD_c_nbWorkers, 0));
    case AF_COMPRESSION_LZ4:
        memset(&o->lz_prefs, 0, sizeof o->lz_prefs);
        o->lz_prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
        o->lz_prefs.compressionLevel = o->level;
        if (LZ4F_isError(LZ4F_createCompressionContext(&o->lz, LZ4F_VERSION)))
            return false;
        /* the output buffer must hold the bound of one chunk and the header */
        size_t need = LZ4F_compressBound(LZ4_CHUNK, &o->lz_prefs) + LZ4F_HEADER_SIZE_MAX;
        if (need > o->cap) {
            uint8_t *b = realloc(o->buf, need);
            if (!b)
                return false;
            o->buf = b;
            o->cap = need;
        }
        return true;
    case AF_COMPRESSION_BZIP2:
        o->bz_ready = BZ2_bzCompressInit(&o->bz, o->level, 0, 0) == BZ_OK;
        return o->bz_ready;
    case AF_COMPRESSION_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        o->xz = init;
        o->xz_ready = lzma_easy_encoder(&o->xz, (uint32_t)o->level, LZMA_CHECK_CRC64) == LZMA_OK;
        return o->xz_ready;
    }
    case AF_COMPRESSION_BROTLI:
        return (o->br = BrotliEncoderCreateInstance(NULL, NULL, NULL)) != NULL &&
               BrotliEncoderSetParameter(o->br, BROTLI_PARAM_QUALITY, (uint32_t)o->level) &&
               BrotliEncoderSetParameter(o->br, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT);
    default: return true;
    }
}

int af_compress_out_new(af_compression c, int level, af_write_fn write, void *ctx, const char *name,
                        af_compress_out **out, af_error *err)
{
    *out = NULL;
    if (!name)
        name = "<output>";
    if (c == AF_COMPRESSION_AUTO || (unsigned)c > (unsigned)AF_COMPRESSION_BROTLI)
        return af_error_set(err, AF_EINVAL,
                            "%s: %s is not an output compression (choices: "
                            "none|gzip|zstd|lz4|bzip2|xz|brotli)",
                            name, af_compression_name(c));
    if (!write)
        return af_error_set(err, AF_EINVAL, "%s: no write callback for the compressed output",
                            name);
    int lo, hi, def;
    level_range(c, &lo, &hi, &def);
    if (level != 0 && (level < lo || level > hi))
        return af_error_set(err, AF_EINVAL, "%s: %s level %d is out of range (%d-%d, or 0 for %d)",
                            name, af_compression_name(c), level, lo, hi, def);
    af_compress_out *o = calloc(1, sizeof *o);
    if (!o || !(o->name = af_strdup(name)) || !(o->buf = malloc(OUT_CAP))) {
        if (o)
            free(o->name);
        free(o);
        return af_error_set(err, AF_ENOMEM, "%s: out of memory for a compressor", name);
    }
    o->codec = c;
    o->level = level ? level : def;
    o->write = write;
    o->ctx = ctx;
    o->cap = OUT_CAP;
    o->use_isal = c == AF_COMPRESSION_GZIP && o->level <= 3;
    if (!start_codec(o)) {
        af_compress_out_free(o);
        return af_error_set(err, AF_ENOMEM, "%s: cannot start the %s compressor (out of memory?)",
                            name, af_compression_name(c));
    }
    *out = o;
    return AF_OK;
}

/* Runs the encoder over in[0, n) in pieces every codec's length type holds;
 * a failure is kept for every later call. */
static int run(af_compress_out *o, const uint8_t *in, size_t n, bool finish, af_error *err)
{
    encode_fn enc = encoder_of(o);
    int rc = AF_OK;
    for (size_t pos = 0; !rc && (pos < n || (finish && pos == n));) {
        size_t k = n - pos < IN_CHUNK ? n - pos : IN_CHUNK;
        bool last = pos + k == n;
        rc = enc(o, in ? in + pos : NULL, k, finish && last, &o->err);
        pos += k;
        if (finish && last)
            break;
    }
    if (rc) {
        o->rc = rc;
        if (err)
            *err = o->err;
    }
    return rc;
}

int af_compress_out_write(af_compress_out *o, const void *p, size_t n, af_error *err)
{
    if (o->rc) {
        if (err)
            *err = o->err;
        return o->rc;
    }
    if (o->finished)
        return af_error_set(err, AF_EINVAL, "%s: write after the compressed stream was finished",
                            o->name);
    if (n == 0)
        return AF_OK;
    int rc = run(o, p, n, false, err);
    if (!rc)
        o->bytes_in += (int64_t)n;
    return rc;
}

int af_compress_out_finish(af_compress_out *o, af_error *err)
{
    if (o->rc) {
        if (err)
            *err = o->err;
        return o->rc;
    }
    if (o->finished)
        return AF_OK;
    int rc = run(o, NULL, 0, true, err);
    rc = rc ? rc : drain(o, &o->err);
    if (rc) {
        o->rc = rc;
        if (err)
            *err = o->err;
        return rc;
    }
    o->finished = true;
    return AF_OK;
}

void af_compress_out_free(af_compress_out *o)
{
    if (!o)
        return;
    free(o->isal);
    free(o->isal_level_buf);
    if (o->zs_ready)
        deflateEnd(&o->zs);
    ZSTD_freeCCtx(o->zc);
    if (o->lz)
        LZ4F_freeCompressionContext(o->lz);
    if (o->bz_ready)
        BZ2_bzCompressEnd(&o->bz);
    if (o->xz_ready)
        lzma_end(&o->xz);
    if (o->br)
        BrotliEncoderDestroyInstance(o->br);
    free(o->buf);
    free(o->name);
    free(o);
}

int64_t af_compress_out_bytes_in(const af_compress_out *o)
{
    return o->bytes_in;
}

int64_t af_compress_out_bytes_out(const af_compress_out *o)
{
    return o->bytes_out;
}
