/* fuzz_decompress.c - libFuzzer harness for the decompressing readers
 * (io/decompress.h).
 *
 * Byte 0 picks the codec (bits 0-2: auto, none, gzip, zstd, lz4, bzip2, xz,
 * brotli), the ring buffer size of the threaded reader and the consumer's
 * read size; the rest is the compressed stream, decoded by the threaded and
 * by the synchronous reader. Each must end in AF_OK, AF_EPARSE or AF_ELIMIT
 * (a zstd window or xz dictionary over the bound), never hang or crash; an
 * error names the input; both readers agree on the outcome and on every
 * byte both delivered. Inputs of up to 64 KiB are also compressed as two
 * gzip members and two zstd frames, and as two streams of one more codec
 * written by af_compress_out (io/compress_out.h), which must decode back to
 * themselves.
 */
#include "core/buf.h"
#include "io/compress_out.h"
#include "io/decompress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Output beyond this is not read (a small input can inflate a lot); a tiny
 * ring hands over a few bytes per thread switch, so it reads less. */
#define MAX_OUT ((size_t)4 << 20)
#define MAX_OUT_TINY_RING ((size_t)64 << 10)

static int decode(const uint8_t *in, size_t n, af_compression c, bool threaded, size_t ring,
                  size_t read_size, size_t max_out, af_buf *out, af_error *err)
{
    af_reader *inner, *r;
    CHECK(af_reader_open_memory(in, n, "fuzz.gz", &inner, err) == AF_OK);
    af_decompress_options o;
    af_decompress_options_default(&o);
    o.compression = c;
    o.threaded = threaded;
    o.buffer_size = ring;
    o.n_buffers = 2;
    int rc = af_reader_open_decompress(inner, &o, &r, err);
    CHECK(rc == AF_OK);
    uint8_t buf[4096];
    /* past max_out stop early, which also exercises close() mid-stream */
    while (out->len < max_out) {
        ssize_t got = af_reader_read(r, buf, read_size, err);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        if (got == 0)
            break;
        af_buf_append(out, buf, (size_t)got);
    }
    af_reader_close(r);
    return rc;
}

static void compress_gzip(af_buf *out, const uint8_t *p, size_t n)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    CHECK(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    size_t bound = deflateBound(&zs, n);
    CHECK(af_buf_reserve(out, bound) == 0);
    zs.next_in = (Bytef *)(uintptr_t)p;
    zs.avail_in = (unsigned)n;
    zs.next_out = out->data + out->len;
    zs.avail_out = (unsigned)bound;
    CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out->len += bound - zs.avail_out;
    deflateEnd(&zs);
}

static void compress_zstd(af_buf *out, const uint8_t *p, size_t n)
{
    size_t bound = ZSTD_compressBound(n);
    CHECK(af_buf_reserve(out, bound) == 0);
    static ZSTD_CCtx *cctx; /* kept across inputs: a context per call is slow */
    if (!cctx)
        CHECK((cctx = ZSTD_createCCtx()) != NULL);
    size_t k = ZSTD_compressCCtx(cctx, out->data + out->len, bound, p, n, 1);
    CHECK(!ZSTD_isError(k));
    out->len += k;
}

static int append_to_buf(void *ctx, const void *p, size_t n, af_error *err)
{
    (void)err;
    CHECK(af_buf_append(ctx, p, n) == 0);
    return 0;
}

/* One stream of codec c at a fast level, written by af_compress_out. */
static void compress_out(af_buf *out, af_compression c, const uint8_t *p, size_t n)
{
    af_error e = {0};
    af_compress_out *o;
    CHECK(af_compress_out_new(c, 1, append_to_buf, out, "fuzz.out", &o, &e) == AF_OK);
    /* in two writes, so the codec's state carries over */
    CHECK(af_compress_out_write(o, p, n / 2, &e) == AF_OK);
    CHECK(af_compress_out_write(o, p + n / 2, n - n / 2, &e) == AF_OK);
    CHECK(af_compress_out_finish(o, &e) == AF_OK);
    af_compress_out_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const size_t rings[] = {1, 7, 4096, 65536};
    static const size_t reads[] = {1, 5, 512, 4096};
    uint8_t mode = data[0];
    af_compression c = (af_compression)(mode % 8);
    size_t ring = rings[(mode >> 3) & 3];
    size_t read_size = reads[(mode >> 5) & 3];
    const uint8_t *in = data + 1;
    size_t n = size - 1;

    af_error e1 = {0}, e2 = {0};
    af_buf a, b;
    af_buf_init(&a);
    af_buf_init(&b);
    size_t max_a = ring && ring < 4096 ? MAX_OUT_TINY_RING : MAX_OUT;
    int rc1 = decode(in, n, c, true, ring, read_size, max_a, &a, &e1);
    int rc2 = decode(in, n, c, false, 0, 4096, MAX_OUT, &b, &e2);
    /* AF_ELIMIT: a zstd frame asking for a window over the memory bound */
    CHECK(rc1 == AF_OK || rc1 == AF_EPARSE || rc1 == AF_ELIMIT);
    CHECK(rc2 == AF_OK || rc2 == AF_EPARSE || rc2 == AF_ELIMIT);
    CHECK(rc1 == AF_OK || strncmp(e1.msg, "fuzz.gz: ", 9) == 0);
    CHECK(rc2 == AF_OK || strncmp(e2.msg, "fuzz.gz: ", 9) == 0);
    size_t common = a.len < b.len ? a.len : b.len;
    CHECK(common == 0 || memcmp(a.data, b.data, common) == 0);
    if (a.len < max_a && b.len < MAX_OUT) {
        /* both read to the end: same outcome, and after a clean end the same
         * bytes (how much comes out before an error is detected depends on
         * buffer sizes: lz4 checks a frame's checksum after decoding it) */
        CHECK(rc1 == rc2);
        CHECK(rc1 != AF_OK || a.len == b.len);
    }
    af_buf_free(&a);
    af_buf_free(&b);

    if (n <= 65536) {
        /* round trip: two members / frames split at a point the input picks */
        size_t cut = n ? mode % (n + 1) : 0;
        for (int codec = 0; codec < 2; codec++) {
            af_buf comp, back;
            af_buf_init(&comp);
            af_buf_init(&back);
            void (*fn)(af_buf *, const uint8_t *, size_t) = codec ? compress_zstd : compress_gzip;
            fn(&comp, in, cut);
            fn(&comp, in + cut, n - cut);
            int rc = decode(comp.data, comp.len, AF_COMPRESSION_AUTO, mode & 1,
                            n <= 4096 ? ring : 65536, read_size, MAX_OUT, &back, &e1);
            if (rc != AF_OK)
                fprintf(stderr, "%s\n", e1.msg);
            CHECK(rc == AF_OK);
            CHECK(back.len == n && (n == 0 || memcmp(back.data, in, n) == 0));
            af_buf_free(&comp);
            af_buf_free(&back);
        }
        /* and one codec written by af_compress_out, two streams */
        static const af_compression outs[] = {AF_COMPRESSION_GZIP,   AF_COMPRESSION_LZ4,
                                              AF_COMPRESSION_BZIP2,  AF_COMPRESSION_XZ,
                                              AF_COMPRESSION_BROTLI, AF_COMPRESSION_NONE};
        af_compression oc = outs[cut % 6];
        af_buf comp, back;
        af_buf_init(&comp);
        af_buf_init(&back);
        compress_out(&comp, oc, in, cut);
        compress_out(&comp, oc, in + cut, n - cut);
        /* brotli has no magic, and none passes through */
        af_compression forced = oc == AF_COMPRESSION_BROTLI ? oc : AF_COMPRESSION_AUTO;
        if (oc == AF_COMPRESSION_NONE)
            forced = AF_COMPRESSION_NONE;
        int rc = decode(comp.data ? comp.data : (const uint8_t *)"", comp.len, forced, mode & 1,
                        n <= 4096 ? ring : 65536, read_size, MAX_OUT, &back, &e1);
        if (rc != AF_OK)
            fprintf(stderr, "%s: %s\n", af_compression_name(oc), e1.msg);
        CHECK(rc == AF_OK);
        CHECK(back.len == n && (n == 0 || memcmp(back.data, in, n) == 0));
        af_buf_free(&comp);
        af_buf_free(&back);
    }
    return 0;
}
