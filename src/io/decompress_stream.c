/* decompress_stream.c - zlib, zstd and lz4 frame decoders behind one step
 * function (see decompress_stream.h).
 *
 * Each codec's step reports only what its library said; af_dstream_step()
 * turns "no progress although input ended" into a truncation error and "no
 * progress although input and room were given" into a corruption error, so
 * no caller can spin on a broken stream.
 */
#include "io/decompress_stream.h"

#include "core/buf.h"

#include <limits.h>
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* zstd refuses frames that ask for a larger window (memory stays bounded). */
#define ZSTD_WINDOW_LOG_MAX 27

struct af_dstream {
    af_compression codec;
    const char *label; /* "gzip", "zlib", "zstd", "lz4" for messages */
    char *name;
    int64_t consumed;   /* compressed bytes used */
    int64_t produced;   /* decompressed bytes made */
    int64_t units;      /* members or frames completed */
    int64_t unit_start; /* compressed offset where the current member or frame began */
    size_t call_start;  /* *in_pos when the current step began */
    bool in_unit;       /* inside a member or frame: the input must not end here */
    z_stream zs;
    bool zs_ready;
    ZSTD_DStream *zd;
    LZ4F_dctx *lz;
};

/* A codec step: AF_OK, 1 at a clean end, or -1 (corrupt) or -2 (over a
 * memory limit) with *why set. */
typedef int (*codec_step)(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos,
                          uint8_t *out, size_t out_cap, size_t *out_pos, bool at_eof,
                          const char **why);

static unsigned clamp_uint(size_t n)
{
    return n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

/* RFC 1950 header: deflate method, and the two bytes are a multiple of 31 */
static bool looks_like_zlib(const uint8_t *p, size_t n)
{
    return n >= 2 && (p[0] & 0x0f) == 8 && ((unsigned)p[0] << 8 | p[1]) % 31 == 0;
}

static int gzip_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                     size_t out_cap, size_t *out_pos, bool at_eof, const char **why)
{
    if (!d->in_unit) {
        /* between members: zeros are padding (tape blocks, some writers) */
        if (d->units > 0)
            while (*in_pos < in_len && in[*in_pos] == 0)
                (*in_pos)++;
        if (*in_pos == in_len)
            return at_eof ? 1 : AF_OK;
        if (d->units == 0 && looks_like_zlib(in + *in_pos, in_len - *in_pos))
            d->label = "zlib";
        d->unit_start = d->consumed + (int64_t)(*in_pos - d->call_start);
        if (inflateReset(&d->zs) != Z_OK) {
            *why = "cannot reset the inflater";
            return -1;
        }
        d->in_unit = true;
    }
    unsigned avail_in = clamp_uint(in_len - *in_pos), avail_out = clamp_uint(out_cap - *out_pos);
    d->zs.next_in = (Bytef *)(uintptr_t)(in + *in_pos);
    d->zs.avail_in = avail_in;
    d->zs.next_out = out + *out_pos;
    d->zs.avail_out = avail_out;
    int zr = inflate(&d->zs, Z_NO_FLUSH);
    *in_pos += avail_in - d->zs.avail_in;
    *out_pos += avail_out - d->zs.avail_out;
    switch (zr) {
    case Z_STREAM_END:
        d->in_unit = false;
        d->units++;
        return AF_OK;
    case Z_OK:
    case Z_BUF_ERROR: /* no progress possible now; the caller decides why */ return AF_OK;
    case Z_NEED_DICT: *why = "the stream needs a preset dictionary"; return -1;
    case Z_MEM_ERROR: *why = "out of memory"; return -1;
    default: *why = d->zs.msg ? d->zs.msg : "invalid data"; return -1;
    }
}

static int zstd_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                     size_t out_cap, size_t *out_pos, bool at_eof, const char **why)
{
    if (!d->in_unit && *in_pos == in_len)
        return at_eof ? 1 : AF_OK;
    if (!d->in_unit)
        d->unit_start = d->consumed; /* a call never goes past the end of a frame */
    ZSTD_inBuffer ib = {in, in_len, *in_pos};
    ZSTD_outBuffer ob = {out, out_cap, *out_pos};
    size_t r = ZSTD_decompressStream(d->zd, &ob, &ib);
    *in_pos = ib.pos;
    *out_pos = ob.pos;
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge) {
            *why = "the frame needs a window over 128 MiB (written with zstd --long=28 or more?); "
                   "refused to keep memory bounded";
            return -2;
        }
        *why = ZSTD_getErrorName(r);
        return -1;
    }
    /* 0 means a frame ended and was fully flushed: a clean place to stop */
    d->in_unit = r != 0;
    if (r == 0)
        d->units++;
    return AF_OK;
}

static int lz4_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                    size_t out_cap, size_t *out_pos, bool at_eof, const char **why)
{
    if (!d->in_unit && *in_pos == in_len)
        return at_eof ? 1 : AF_OK;
    if (!d->in_unit)
        d->unit_start = d->consumed;
    size_t dst = out_cap - *out_pos, src = in_len - *in_pos;
    size_t r = LZ4F_decompress(d->lz, out + *out_pos, &dst, in + *in_pos, &src, NULL);
    if (LZ4F_isError(r)) {
        *why = LZ4F_getErrorName(r);
        return -1;
    }
    *in_pos += src;
    *out_pos += dst;
    d->in_unit = r != 0; /* 0: the frame is complete, the next may start */
    if (r == 0)
        d->units++;
    return AF_OK;
}

int af_dstream_new(af_compression c, const char *name, af_dstream **out, af_error *err)
{
    *out = NULL;
    if (c != AF_COMPRESSION_GZIP && c != AF_COMPRESSION_ZSTD && c != AF_COMPRESSION_LZ4)
        return af_error_set(err, AF_EINVAL, "%s: %s is not a compression codec", name,
                            af_compression_name(c));
    af_dstream *d = calloc(1, sizeof *d);
    if (!d || !(d->name = af_strdup(name ? name : "<stream>"))) {
        free(d);
        return af_error_set(err, AF_ENOMEM, "%s: out of memory for a decompressor", name);
    }
    d->codec = c;
    d->label = af_compression_name(c);
    bool ok = true;
    if (c == AF_COMPRESSION_GZIP) {
        /* 15 + 32: the largest window, and detect a gzip or zlib header */
        ok = inflateInit2(&d->zs, 15 + 32) == Z_OK;
        d->zs_ready = ok;
    } else if (c == AF_COMPRESSION_ZSTD) {
        d->zd = ZSTD_createDStream();
        ok = d->zd && !ZSTD_isError(ZSTD_initDStream(d->zd)) &&
             !ZSTD_isError(ZSTD_DCtx_setParameter(d->zd, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX));
    } else {
        ok = !LZ4F_isError(LZ4F_createDecompressionContext(&d->lz, LZ4F_VERSION));
    }
    if (!ok) {
        af_dstream_free(d);
        return af_error_set(err, AF_ENOMEM, "%s: cannot start the %s decompressor", name,
                            af_compression_name(c));
    }
    *out = d;
    return AF_OK;
}

void af_dstream_free(af_dstream *d)
{
    if (!d)
        return;
    if (d->zs_ready)
        inflateEnd(&d->zs);
    ZSTD_freeDStream(d->zd);
    if (d->lz)
        LZ4F_freeDecompressionContext(d->lz);
    free(d->name);
    free(d);
}

int64_t af_dstream_consumed(const af_dstream *d)
{
    return d->consumed;
}

int af_dstream_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                    size_t out_cap, size_t *out_pos, bool at_eof, af_error *err)
{
    if (*out_pos >= out_cap)
        return AF_OK; /* no room: nothing can happen, and lz4 dislikes a 0-byte output */
    codec_step step = d->codec == AF_COMPRESSION_GZIP   ? gzip_step
                      : d->codec == AF_COMPRESSION_ZSTD ? zstd_step
                                                        : lz4_step;
    size_t in0 = *in_pos, out0 = *out_pos;
    const char *why = NULL;
    d->call_start = in0;
    int rc = step(d, in, in_len, in_pos, out, out_cap, out_pos, at_eof, &why);
    d->consumed += (int64_t)(*in_pos - in0);
    d->produced += (int64_t)(*out_pos - out0);
    const char *unit = d->codec == AF_COMPRESSION_GZIP ? "member" : "frame";
    /* The offset is where the library stopped reading; lz4 reports none on
     * error, so there it is where this call's input began. */
    if (rc == -2)
        return af_error_set(err, AF_ELIMIT, "%s: %s %s starting at compressed byte %lld: %s",
                            d->name, d->label, unit, (long long)d->unit_start, why);
    if (rc < 0)
        return af_error_set(err, AF_EPARSE,
                            "%s: %s data is corrupt at compressed byte %lld, in the %s starting "
                            "at byte %lld (after %lld decompressed bytes): %s",
                            d->name, d->label, (long long)d->consumed, unit,
                            (long long)d->unit_start, (long long)d->produced,
                            why ? why : "invalid data");
    if (rc == 1 || *in_pos != in0 || *out_pos != out0)
        return rc;
    if (at_eof && *in_pos == in_len)
        return af_error_set(err, AF_EPARSE,
                            "%s: %s data is truncated: the input ends at compressed byte %lld "
                            "inside the %s starting at byte %lld (after %lld decompressed bytes)",
                            d->name, d->label, (long long)d->consumed, unit,
                            (long long)d->unit_start, (long long)d->produced);
    if (*in_pos < in_len)
        return af_error_set(err, AF_EPARSE,
                            "%s: %s data is corrupt at compressed byte %lld: the decoder cannot "
                            "go on",
                            d->name, d->label, (long long)d->consumed);
    return AF_OK;
}
