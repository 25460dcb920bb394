/* decompress_stream.c - gzip (ISA-L, zlib), zstd, lz4 frame, bzip2, xz and
 * brotli decoders behind one step function (see decompress_stream.h).
 *
 * Each codec's step reports only what its library said; af_dstream_step()
 * turns "no progress although input ended" into a truncation error and "no
 * progress although input and room were given" into a corruption error, so
 * no caller can spin on a broken stream.
 *
 * Concatenation is handled here, not by the libraries' own "concatenated"
 * modes, so every codec knows where each member, frame or stream began and
 * an error can say so.
 */
#include "io/decompress_stream.h"

#include "core/buf.h"

#include <brotli/decode.h>
#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <limits.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* zstd refuses frames that ask for a larger window (memory stays bounded). */
#define ZSTD_WINDOW_LOG_MAX 27
/* xz streams whose decoder needs more are refused (xz -9 needs 65 MiB). */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

/* Where the parse of a gzip member header (RFC 1952) is. */
enum { GH_FIXED, GH_XLEN, GH_EXTRA, GH_NAME, GH_COMMENT, GH_HCRC, GH_DONE };

typedef struct gz_header_state {
    int state;
    uint8_t buf[10];
    unsigned got, need;
    uint8_t flags;
    uLong crc; /* of the header bytes so far, for FHCRC */
} gz_header_state;

struct af_dstream {
    af_compression codec;
    const char *label; /* "gzip", "zlib", "zstd", ... for messages */
    char *name;
    int64_t consumed;   /* compressed bytes used */
    int64_t produced;   /* decompressed bytes made */
    int64_t units;      /* members, frames or streams completed */
    int64_t unit_start; /* compressed offset where the current unit began */
    size_t call_start;  /* *in_pos when the current step began */
    bool in_unit;       /* inside a unit: the input must not end here */
    /* gzip: ISA-L for gzip members, zlib for zlib streams */
    struct inflate_state *isal;
    bool member_isal; /* the current member is inflated by ISA-L */
    gz_header_state gh;
    z_stream zs;
    bool zs_ready;
    ZSTD_DStream *zd;
    LZ4F_dctx *lz;
    bz_stream bz;
    bool bz_ready;
    lzma_stream xz;
    bool xz_ready;
    int64_t xz_padding; /* zero bytes since the last xz stream */
    BrotliDecoderState *br;
    char why[160]; /* a message built at run time */
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

/* Offset of in[*in_pos] in the whole compressed input. */
static int64_t here(const af_dstream *d, size_t in_pos)
{
    return d->consumed + (int64_t)(in_pos - d->call_start);
}

/* RFC 1950 header: deflate method, and the two bytes are a multiple of 31 */
static bool looks_like_zlib(const uint8_t *p, size_t n)
{
    return n >= 2 && (p[0] & 0x0f) == 8 && ((unsigned)p[0] << 8 | p[1]) % 31 == 0;
}

/* ---- gzip ---- */

static const char *isal_error(int r)
{
    switch (r) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid code in a deflate block";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "incorrect header check";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM:
        return "incorrect data check (the CRC-32 or the size in the member's trailer does not "
               "match the data)";
    case ISAL_NEED_DICT: return "the stream needs a preset dictionary";
    default: return "invalid data";
    }
}

/* The state after `after` that the header's flags ask for. */
static int gh_next(const gz_header_state *h, int after)
{
    if (after < GH_XLEN && (h->flags & 0x04)) /* FEXTRA */
        return GH_XLEN;
    if (after < GH_NAME && (h->flags & 0x08)) /* FNAME */
        return GH_NAME;
    if (after < GH_COMMENT && (h->flags & 0x10)) /* FCOMMENT */
        return GH_COMMENT;
    if (after < GH_HCRC && (h->flags & 0x02)) /* FHCRC */
        return GH_HCRC;
    return GH_DONE;
}

/* Parses a gzip member header a byte at a time. ISA-L 2.30 parses headers
 * too, but rejects a valid FHCRC header that arrives split over two calls,
 * as a pipe or a buffer boundary may split it; the header is small, so it
 * is read here and ISA-L only inflates the deflate data and checks the
 * trailer. Returns AF_OK (done or more input needed) or -1. */
static int gz_header_step(gz_header_state *h, const uint8_t *in, size_t in_len, size_t *in_pos,
                          const char **why)
{
    while (h->state != GH_DONE && *in_pos < in_len) {
        uint8_t c = in[(*in_pos)++];
        if (h->state != GH_HCRC)
            h->crc = crc32(h->crc, &c, 1);
        switch (h->state) {
        case GH_FIXED:
            h->buf[h->got++] = c;
            if (h->got == 2 && (h->buf[0] != 0x1f || c != 0x8b)) {
                *why = "incorrect header check";
                return -1;
            }
            if (h->got == 3 && c != 8) {
                *why = "unknown compression method";
                return -1;
            }
            if (h->got == 4 && (c & 0xe0)) {
                *why = "unknown header flags set";
                return -1;
            }
            if (h->got == 10) {
                h->flags = h->buf[3];
                h->got = 0;
                h->state = gh_next(h, GH_FIXED);
            }
            break;
        case GH_XLEN:
            h->buf[h->got++] = c;
            if (h->got == 2) {
                h->need = h->buf[0] | (unsigned)h->buf[1] << 8;
                h->got = 0;
                h->state = h->need ? GH_EXTRA : gh_next(h, GH_EXTRA);
            }
            break;
        case GH_EXTRA:
            if (++h->got == h->need) {
                h->got = 0;
                h->state = gh_next(h, GH_EXTRA);
            }
            break;
        case GH_NAME:
        case GH_COMMENT:
            if (c == 0)
                h->state = gh_next(h, h->state);
            break;
        default: /* GH_HCRC: the low 16 bits of the CRC-32 of the bytes before */
            h->buf[h->got++] = c;
            if (h->got == 2) {
                if ((h->buf[0] | (unsigned)h->buf[1] << 8) != (h->crc & 0xffff)) {
                    *why = "header crc mismatch";
                    return -1;
                }
                h->state = GH_DONE;
            }
            break;
        }
    }
    return AF_OK;
}

/* A gzip member: our header parse, then ISA-L inflates the deflate data and
 * compares the trailer's CRC-32 and size (mod 2^32) with what it produced
 * (ISAL_GZIP_NO_HDR_VER). */
static int isal_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                     size_t out_cap, size_t *out_pos, const char **why)
{
    if (d->gh.state != GH_DONE) {
        if (gz_header_step(&d->gh, in, in_len, in_pos, why))
            return -1;
        if (d->gh.state != GH_DONE)
            return AF_OK;
    }
    struct inflate_state *st = d->isal;
    uint32_t avail_in = clamp_uint(in_len - *in_pos), avail_out = clamp_uint(out_cap - *out_pos);
    st->next_in = (uint8_t *)(uintptr_t)(in + *in_pos);
    st->avail_in = avail_in;
    st->next_out = out + *out_pos;
    st->avail_out = avail_out;
    int r = isal_inflate(st);
    *in_pos += avail_in - st->avail_in;
    *out_pos += avail_out - st->avail_out;
    if (r != ISAL_DECOMP_OK) {
        *why = isal_error(r);
        return -1;
    }
    if (st->block_state == ISAL_BLOCK_FINISH) {
        d->in_unit = false;
        d->units++;
    }
    return AF_OK;
}

static int zlib_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                     size_t out_cap, size_t *out_pos, const char **why)
{
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
        /* one byte decides (a pipe may hand out no more): 1f starts a gzip
         * member; anything else is a zlib stream or garbage, and zlib's
         * header check says which */
        d->member_isal = in[*in_pos] == 0x1f;
        if (!d->member_isal && d->units == 0 && looks_like_zlib(in + *in_pos, in_len - *in_pos))
            d->label = "zlib";
        d->unit_start = here(d, *in_pos);
        if (d->member_isal) {
            memset(&d->gh, 0, sizeof d->gh);
            isal_inflate_reset(d->isal);
            d->isal->crc_flag = ISAL_GZIP_NO_HDR_VER;
        } else if (inflateReset(&d->zs) != Z_OK) {
            *why = "cannot reset the inflater";
            return -1;
        }
        d->in_unit = true;
    }
    return d->member_isal ? isal_step(d, in, in_len, in_pos, out, out_cap, out_pos, why)
                          : zlib_step(d, in, in_len, in_pos, out, out_cap, out_pos, why);
}

/* ---- zstd, lz4: the libraries say where a frame ends ---- */

static int zstd_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                     size_t out_cap, size_t *out_pos, bool at_eof, const char **why)
{
    /* zeros after a frame are padding: bsdtar and tape-block writers pad a
     * compressed stream written to a pipe up to their block size */
    if (!d->in_unit && d->units > 0)
        while (*in_pos < in_len && in[*in_pos] == 0)
            (*in_pos)++;
    if (!d->in_unit && *in_pos == in_len)
        return at_eof ? 1 : AF_OK;
    if (!d->in_unit)
        d->unit_start = here(d, *in_pos); /* a call never goes past the end of a frame */
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
    /* zeros after a frame are padding: bsdtar and tape-block writers pad a
     * compressed stream written to a pipe up to their block size */
    if (!d->in_unit && d->units > 0)
        while (*in_pos < in_len && in[*in_pos] == 0)
            (*in_pos)++;
    if (!d->in_unit && *in_pos == in_len)
        return at_eof ? 1 : AF_OK;
    if (!d->in_unit)
        d->unit_start = here(d, *in_pos);
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

/* ---- bzip2: one decoder per stream (pbzip2 and `cat` make several) ---- */

static int bzip2_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                      size_t out_cap, size_t *out_pos, bool at_eof, const char **why)
{
    if (!d->in_unit) {
        if (*in_pos == in_len)
            return at_eof ? 1 : AF_OK;
        d->unit_start = here(d, *in_pos);
        if (d->bz_ready)
            BZ2_bzDecompressEnd(&d->bz);
        memset(&d->bz, 0, sizeof d->bz);
        d->bz_ready = BZ2_bzDecompressInit(&d->bz, 0, 0) == BZ_OK;
        if (!d->bz_ready) {
            *why = "out of memory for the bzip2 decoder";
            return -1;
        }
        d->in_unit = true;
    }
    unsigned avail_in = clamp_uint(in_len - *in_pos), avail_out = clamp_uint(out_cap - *out_pos);
    d->bz.next_in = (char *)(uintptr_t)(in + *in_pos);
    d->bz.avail_in = avail_in;
    d->bz.next_out = (char *)(out + *out_pos);
    d->bz.avail_out = avail_out;
    int r = BZ2_bzDecompress(&d->bz);
    *in_pos += avail_in - d->bz.avail_in;
    *out_pos += avail_out - d->bz.avail_out;
    switch (r) {
    case BZ_STREAM_END:
        d->in_unit = false;
        d->units++;
        return AF_OK;
    case BZ_OK: return AF_OK;
    case BZ_DATA_ERROR_MAGIC: *why = "not a bzip2 stream (no BZh magic)"; return -1;
    case BZ_DATA_ERROR: *why = "invalid data or a CRC mismatch"; return -1;
    case BZ_MEM_ERROR: *why = "out of memory"; return -1;
    default: *why = "invalid data"; return -1;
    }
}

/* ---- xz: one decoder per stream; zeros between streams are padding ---- */

static int xz_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                   size_t out_cap, size_t *out_pos, bool at_eof, const char **why)
{
    if (!d->in_unit) {
        if (d->units > 0)
            while (*in_pos < in_len && in[*in_pos] == 0) {
                (*in_pos)++;
                d->xz_padding++;
            }
        if (*in_pos == in_len && !at_eof)
            return AF_OK;
        if (d->xz_padding % 4) {
            *why = "stream padding is not a multiple of 4 bytes";
            return -1;
        }
        d->xz_padding = 0;
        if (*in_pos == in_len)
            return 1;
        d->unit_start = here(d, *in_pos);
        /* reuses the allocation of the previous stream's decoder */
        lzma_ret lr = lzma_stream_decoder(&d->xz, XZ_MEMLIMIT, 0);
        if (lr != LZMA_OK) {
            *why = "out of memory for the xz decoder";
            return -1;
        }
        d->xz_ready = true;
        d->in_unit = true;
    }
    d->xz.next_in = in + *in_pos;
    d->xz.avail_in = in_len - *in_pos;
    d->xz.next_out = out + *out_pos;
    d->xz.avail_out = out_cap - *out_pos;
    lzma_ret r = lzma_code(&d->xz, at_eof ? LZMA_FINISH : LZMA_RUN);
    *in_pos = in_len - d->xz.avail_in;
    *out_pos = out_cap - d->xz.avail_out;
    switch (r) {
    case LZMA_STREAM_END:
        d->in_unit = false;
        d->units++;
        return AF_OK;
    case LZMA_OK:
    case LZMA_BUF_ERROR: /* no progress possible now; the caller decides why */ return AF_OK;
    case LZMA_MEMLIMIT_ERROR:
        snprintf(d->why, sizeof d->why,
                 "the stream needs %llu MiB of memory to decode, over the bound of %llu MiB "
                 "(written with a dictionary over 256 MiB?); refused to keep memory bounded",
                 (unsigned long long)((lzma_memusage(&d->xz) + (1u << 20) - 1) >> 20),
                 (unsigned long long)(XZ_MEMLIMIT >> 20));
        *why = d->why;
        return -2;
    case LZMA_FORMAT_ERROR: *why = "not an xz stream (no xz magic)"; return -1;
    case LZMA_OPTIONS_ERROR:
        *why = "unsupported options (a filter this liblzma does not know)";
        return -1;
    case LZMA_MEM_ERROR: *why = "out of memory"; return -1;
    case LZMA_DATA_ERROR: *why = "invalid data or a check mismatch"; return -1;
    default: *why = "invalid data"; return -1;
    }
}

/* ---- brotli: no magic, no checksum; streams may follow each other ---- */

static int brotli_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos,
                       uint8_t *out, size_t out_cap, size_t *out_pos, bool at_eof, const char **why)
{
    if (!d->in_unit) {
        if (*in_pos == in_len)
            return at_eof ? 1 : AF_OK;
        d->unit_start = here(d, *in_pos);
        if (d->units > 0) { /* a finished decoder cannot start again */
            BrotliDecoderDestroyInstance(d->br);
            if (!(d->br = BrotliDecoderCreateInstance(NULL, NULL, NULL))) {
                *why = "out of memory for the brotli decoder";
                return -1;
            }
        }
        d->in_unit = true;
    }
    size_t avail_in = in_len - *in_pos, avail_out = out_cap - *out_pos;
    const uint8_t *next_in = in + *in_pos;
    uint8_t *next_out = out + *out_pos;
    BrotliDecoderResult r =
        BrotliDecoderDecompressStream(d->br, &avail_in, &next_in, &avail_out, &next_out, NULL);
    *in_pos = in_len - avail_in;
    *out_pos = out_cap - avail_out;
    if (r == BROTLI_DECODER_RESULT_ERROR) {
        *why = BrotliDecoderErrorString(BrotliDecoderGetErrorCode(d->br));
        return -1;
    }
    if (r == BROTLI_DECODER_RESULT_SUCCESS) {
        d->in_unit = false;
        d->units++;
    }
    return AF_OK;
}

/* ---- the common part ---- */

bool af_dstream_supports(af_compression c)
{
    switch (c) {
    case AF_COMPRESSION_GZIP:
    case AF_COMPRESSION_ZSTD:
    case AF_COMPRESSION_LZ4:
    case AF_COMPRESSION_BZIP2:
    case AF_COMPRESSION_XZ:
    case AF_COMPRESSION_BROTLI: return true;
    default: return false;
    }
}

int af_dstream_new(af_compression c, const char *name, af_dstream **out, af_error *err)
{
    *out = NULL;
    if (!name)
        name = "<stream>";
    if (!af_dstream_supports(c))
        return af_error_set(err, AF_EINVAL, "%s: %s is not a compression codec", name,
                            af_compression_name(c));
    af_dstream *d = calloc(1, sizeof *d);
    if (!d || !(d->name = af_strdup(name))) {
        free(d);
        return af_error_set(err, AF_ENOMEM, "%s: out of memory for a decompressor", name);
    }
    d->codec = c;
    d->label = af_compression_name(c);
    bool ok = true;
    switch (c) {
    case AF_COMPRESSION_GZIP:
        /* zlib: 15 + 32, the largest window, and detect a gzip or zlib header */
        ok = inflateInit2(&d->zs, 15 + 32) == Z_OK;
        d->zs_ready = ok;
        if (ok && (d->isal = malloc(sizeof *d->isal)) != NULL)
            isal_inflate_init(d->isal);
        ok = ok && d->isal;
        break;
    case AF_COMPRESSION_ZSTD:
        d->zd = ZSTD_createDStream();
        ok = d->zd && !ZSTD_isError(ZSTD_initDStream(d->zd)) &&
             !ZSTD_isError(ZSTD_DCtx_setParameter(d->zd, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX));
        break;
    case AF_COMPRESSION_LZ4:
        ok = !LZ4F_isError(LZ4F_createDecompressionContext(&d->lz, LZ4F_VERSION));
        break;
    case AF_COMPRESSION_XZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        d->xz = init; /* the decoder itself starts with each stream */
        break;
    }
    case AF_COMPRESSION_BROTLI:
        ok = (d->br = BrotliDecoderCreateInstance(NULL, NULL, NULL)) != NULL;
        break;
    default: break; /* bzip2 starts with each stream */
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
    free(d->isal);
    ZSTD_freeDStream(d->zd);
    if (d->lz)
        LZ4F_freeDecompressionContext(d->lz);
    if (d->bz_ready)
        BZ2_bzDecompressEnd(&d->bz);
    if (d->xz_ready)
        lzma_end(&d->xz);
    if (d->br)
        BrotliDecoderDestroyInstance(d->br);
    free(d->name);
    free(d);
}

int64_t af_dstream_consumed(const af_dstream *d)
{
    return d->consumed;
}

static codec_step step_of(af_compression c)
{
    switch (c) {
    case AF_COMPRESSION_GZIP: return gzip_step;
    case AF_COMPRESSION_ZSTD: return zstd_step;
    case AF_COMPRESSION_LZ4: return lz4_step;
    case AF_COMPRESSION_BZIP2: return bzip2_step;
    case AF_COMPRESSION_XZ: return xz_step;
    default: return brotli_step;
    }
}

int af_dstream_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                    size_t out_cap, size_t *out_pos, bool at_eof, af_error *err)
{
    if (*out_pos >= out_cap)
        return AF_OK; /* no room: nothing can happen, and lz4 dislikes a 0-byte output */
    size_t in0 = *in_pos, out0 = *out_pos;
    const char *why = NULL;
    d->call_start = in0;
    int rc = step_of(d->codec)(d, in, in_len, in_pos, out, out_cap, out_pos, at_eof, &why);
    d->consumed += (int64_t)(*in_pos - in0);
    d->produced += (int64_t)(*out_pos - out0);
    const char *unit = d->codec == AF_COMPRESSION_GZIP ? "member"
                       : d->codec == AF_COMPRESSION_ZSTD || d->codec == AF_COMPRESSION_LZ4
                           ? "frame"
                           : "stream";
    /* The offset is where the library stopped reading (ISA-L and bzip2 read
     * a few bytes ahead of the bit they choke on); lz4 reports none on
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
