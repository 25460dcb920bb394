/* test_decompress.c - decompressing readers (io/decompress.h).
 *
 * Compressed inputs are made here with zlib, zstd, lz4, libbz2, liblzma and
 * libbrotlienc at run time: gzip single and multi-member (with an empty
 * member, header fields and zero padding), zlib, zstd and lz4 with several
 * frames, bzip2, xz (with stream padding) and brotli with several streams,
 * empty inputs, every truncation point, corrupt bytes and trailing garbage. Each case runs through
 * the threaded reader (with the default ring and with tiny buffers) and the synchronous one, with
 * consumers reading 1, 7 or 64 KiB at a time and inner readers that hand out one byte per call, as
 * a pipe might. Early close and cancel must return promptly.
 */
#include "chunk_reader.h"
#include "core/buf.h"
#include "formats/csv.h"
#include "io/decompress.h"
#include "io/reader.h"
#include "test.h"

#include <brotli/encode.h>
#include <bzlib.h>
#include <fcntl.h>
#include <lz4frame.h>
#include <lzma.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

static af_error err;

/* ---- inputs ---- */

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* CSV-like text: compressible, with a line number in every row. */
static void make_csv(af_buf *b, int first, int rows)
{
    for (int i = first; i < first + rows; i++)
        af_buf_printf(b, "%d,item-%llu,%d.%02d\n", i, (unsigned long long)(rnd() % 1000),
                      (int)(rnd() % 500), (int)(rnd() % 100));
}

static void append_deflate(af_buf *out, const void *data, size_t n, int window_bits)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    CHECK(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    size_t bound = deflateBound(&zs, n) + 64;
    uint8_t *tmp = malloc(bound);
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (unsigned)n;
    zs.next_out = tmp;
    zs.avail_out = (unsigned)bound;
    CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    af_buf_append(out, tmp, bound - zs.avail_out);
    deflateEnd(&zs);
    free(tmp);
}

static void append_gzip(af_buf *out, const void *data, size_t n)
{
    append_deflate(out, data, n, 15 + 16);
}

static void append_zstd(af_buf *out, const void *data, size_t n)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    size_t bound = ZSTD_compressBound(n);
    uint8_t *tmp = malloc(bound);
    size_t k = ZSTD_compress2(c, tmp, bound, data, n);
    CHECK(!ZSTD_isError(k));
    af_buf_append(out, tmp, k);
    free(tmp);
    ZSTD_freeCCtx(c);
}

static void append_lz4(af_buf *out, const void *data, size_t n)
{
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    size_t bound = LZ4F_compressFrameBound(n, &prefs);
    uint8_t *tmp = malloc(bound);
    size_t k = LZ4F_compressFrame(tmp, bound, data, n, &prefs);
    CHECK(!LZ4F_isError(k));
    af_buf_append(out, tmp, k);
    free(tmp);
}

static void append_bzip2(af_buf *out, const void *data, size_t n)
{
    unsigned cap = (unsigned)(n + n / 100 + 700);
    char *tmp = malloc(cap);
    CHECK_INT(BZ2_bzBuffToBuffCompress(tmp, &cap, (char *)(uintptr_t)data, (unsigned)n, 9, 0, 0),
              BZ_OK);
    af_buf_append(out, tmp, cap);
    free(tmp);
}

static void append_xz(af_buf *out, const void *data, size_t n)
{
    size_t cap = lzma_stream_buffer_bound(n), pos = 0;
    uint8_t *tmp = malloc(cap);
    CHECK_INT(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, data, n, tmp, &pos, cap), LZMA_OK);
    af_buf_append(out, tmp, pos);
    free(tmp);
}

static void append_brotli(af_buf *out, const void *data, size_t n)
{
    size_t cap = BrotliEncoderMaxCompressedSize(n) + 16;
    uint8_t *tmp = malloc(cap);
    CHECK(BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, n, data, &cap, tmp));
    af_buf_append(out, tmp, cap);
    free(tmp);
}

typedef void (*compress_fn)(af_buf *out, const void *data, size_t n);

/* ---- an inner reader that hands out at most `step` bytes per read ---- */

static af_reader *open_dribble(const void *data, size_t len, size_t step)
{
    return chunk_reader_open(data, len, step, "in.csv.gz", -1);
}

/* ---- reader configurations every case runs through ---- */

typedef struct mode {
    const char *label;
    bool threaded;
    size_t buffer_size;
    int n_buffers;
    size_t inner_step; /* 0 = memory reader */
    size_t read_size;
} mode;

static const mode modes[] = {
    {"thread default", true, 0, 0, 0, 65536},
    {"thread tiny ring", true, 7, 2, 0, 5},
    {"thread byte consumer", true, 0, 0, 0, 1},
    {"thread dribble", true, 64, 3, 1, 3},
    {"sync", false, 0, 0, 0, 65536},
    {"sync byte consumer", false, 0, 0, 0, 1},
    {"sync dribble", false, 0, 0, 3, 7},
};
#define N_MODES (sizeof modes / sizeof modes[0])

static int open_mode(const mode *m, const void *data, size_t len, af_compression c, af_reader **out)
{
    af_reader *inner;
    if (!data)
        data = ""; /* an empty af_buf has no data pointer; the memory reader wants one */
    if (m->inner_step)
        inner = open_dribble(data, len, m->inner_step);
    else
        CHECK(af_reader_open_memory(data, len, "in.csv.gz", &inner, &err) == AF_OK);
    af_decompress_options o;
    af_decompress_options_default(&o);
    o.compression = c;
    o.threaded = m->threaded;
    o.buffer_size = m->buffer_size;
    o.n_buffers = m->n_buffers;
    return af_reader_open_decompress(inner, &o, out, &err);
}

/* Reads to the end; returns 0 or the error code. */
static int read_all(af_reader *r, size_t read_size, af_buf *out)
{
    uint8_t *tmp = malloc(read_size);
    int rc = 0;
    for (;;) {
        ssize_t n = af_reader_read(r, tmp, read_size, &err);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (n == 0)
            break;
        af_buf_append(out, tmp, (size_t)n);
    }
    free(tmp);
    return rc;
}

/* Decodes `comp` in every mode and checks the bytes equal `want`. */
static void check_decodes(const af_buf *comp, af_compression c, af_compression want_codec,
                          const af_buf *want)
{
    for (size_t i = 0; i < N_MODES; i++) {
        const mode *m = &modes[i];
        af_reader *r = NULL;
        int rc = open_mode(m, comp->data, comp->len, c, &r);
        CHECK_INT(rc, AF_OK);
        if (rc) {
            fprintf(stderr, "  mode %s: %s\n", m->label, err.msg);
            continue;
        }
        CHECK_INT(af_reader_compression(r), want_codec);
        af_buf got;
        af_buf_init(&got);
        rc = read_all(r, m->read_size, &got);
        if (rc || got.len != want->len)
            fprintf(stderr, "  mode %s: rc %d, %zu bytes of %zu: %s\n", m->label, rc, got.len,
                    want->len, rc ? err.msg : "");
        CHECK_INT(rc, AF_OK);
        CHECK_INT(got.len, want->len);
        CHECK(got.len == want->len &&
              (want->len == 0 || memcmp(got.data, want->data, got.len) == 0));
        CHECK_INT(r->offset, want->len);
        if (want_codec != AF_COMPRESSION_NONE)
            CHECK_INT(af_reader_input_offset(r), comp->len);
        /* the end is sticky */
        uint8_t b;
        CHECK_INT(af_reader_read(r, &b, 1, &err), 0);
        af_reader_close(r);
        af_buf_free(&got);
    }
}

/* Decoding `comp` must fail with AF_EPARSE whose message holds every needle. */
static void check_fails(const af_buf *comp, af_compression c, const char *needle1,
                        const char *needle2)
{
    for (size_t i = 0; i < N_MODES; i++) {
        const mode *m = &modes[i];
        af_reader *r = NULL;
        int rc = open_mode(m, comp->data, comp->len, c, &r);
        CHECK_INT(rc, AF_OK);
        if (rc)
            continue;
        af_buf got;
        af_buf_init(&got);
        rc = read_all(r, m->read_size, &got);
        if (rc != AF_EPARSE)
            fprintf(stderr, "  mode %s: rc %d after %zu bytes (%s)\n", m->label, rc, got.len,
                    err.msg);
        CHECK_INT(rc, AF_EPARSE);
        CHECK_CONTAINS(err.msg, "in.csv.gz: ");
        CHECK_CONTAINS(err.msg, needle1);
        if (needle2)
            CHECK_CONTAINS(err.msg, needle2);
        /* the error is sticky, not turned into a clean end */
        uint8_t b;
        CHECK_INT(af_reader_read(r, &b, 1, &err), AF_EPARSE);
        af_reader_close(r);
        af_buf_free(&got);
    }
}

/* ---- tests ---- */

TEST(names_and_detection)
{
    af_compression c;
    CHECK_INT(af_compression_parse("GZIP", &c, &err), AF_OK);
    CHECK_INT(c, AF_COMPRESSION_GZIP);
    CHECK_INT(af_compression_parse("zstd", &c, &err), AF_OK);
    CHECK_INT(c, AF_COMPRESSION_ZSTD);
    CHECK_INT(af_compression_parse("bzip2", &c, &err), AF_OK);
    CHECK_INT(c, AF_COMPRESSION_BZIP2);
    CHECK_INT(af_compression_parse("BZ2", &c, &err), AF_OK);
    CHECK_INT(c, AF_COMPRESSION_BZIP2);
    CHECK_INT(af_compression_parse("xz", &c, &err), AF_OK);
    CHECK_INT(c, AF_COMPRESSION_XZ);
    CHECK_INT(af_compression_parse("brotli", &c, &err), AF_OK);
    CHECK_INT(c, AF_COMPRESSION_BROTLI);
    CHECK_INT(af_compression_parse("br", &c, &err), AF_OK);
    CHECK_INT(c, AF_COMPRESSION_BROTLI);
    CHECK_INT(af_compression_parse("lzma", &c, &err), AF_EINVAL);
    CHECK_STR(err.msg,
              "unknown compression 'lzma' (choices: auto|none|gzip|zstd|lz4|bzip2|xz|brotli)");
    /* appended after lz4: the numbers stored in configs keep their meaning */
    CHECK_INT(AF_COMPRESSION_LZ4, 4);
    CHECK_INT(AF_COMPRESSION_BZIP2, 5);
    CHECK_INT(AF_COMPRESSION_XZ, 6);
    CHECK_INT(AF_COMPRESSION_BROTLI, 7);
    /* every name, in enum order, is the choice list */
    af_buf list;
    af_buf_init(&list);
    for (int i = AF_COMPRESSION_AUTO; i <= AF_COMPRESSION_BROTLI; i++) {
        af_buf_printf(&list, "%s%s", i ? "|" : "", af_compression_name((af_compression)i));
        CHECK_INT(af_compression_parse(af_compression_name((af_compression)i), &c, &err), AF_OK);
        CHECK_INT(c, i);
    }
    af_buf_append(&list, "", 1);
    CHECK_STR((const char *)list.data, AF_COMPRESSION_CHOICES);
    af_buf_free(&list);
    CHECK_STR(af_compression_name(AF_COMPRESSION_LZ4), "lz4");
    CHECK_STR(af_compression_name(AF_COMPRESSION_XZ), "xz");
    CHECK_INT(af_compression_detect("\x1f\x8b", 2), AF_COMPRESSION_GZIP);
    CHECK_INT(af_compression_detect("\x1f", 1), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_detect("\x28\xb5\x2f\xfd", 4), AF_COMPRESSION_ZSTD);
    CHECK_INT(af_compression_detect("\x28\xb5\x2f", 3), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_detect("\x04\x22\x4d\x18", 4), AF_COMPRESSION_LZ4);
    CHECK_INT(af_compression_detect("id,n", 4), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_detect("\xfd"
                                    "7zXZ\0\0\x04",
                                    8),
              AF_COMPRESSION_XZ);
    CHECK_INT(af_compression_detect("\xfd"
                                    "7zXZ",
                                    5),
              AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_detect("BZh91AY&SY", 10), AF_COMPRESSION_BZIP2);
    CHECK_INT(af_compression_detect("BZh1\x17\x72\x45\x38\x50\x90", 10), AF_COMPRESSION_BZIP2);
    /* text that happens to start with BZh is not bzip2 */
    CHECK_INT(af_compression_detect("BZh9 is a code,1\n", 17), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_detect("BZh01AY&SY", 10), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_detect("BZh91AY&S", 9), AF_COMPRESSION_NONE);
    /* what the libraries write is recognised */
    af_buf b;
    af_buf_init(&b);
    append_bzip2(&b, "a,b\n", 4);
    CHECK_INT(af_compression_detect(b.data, b.len), AF_COMPRESSION_BZIP2);
    af_buf_reset(&b);
    append_bzip2(&b, "", 0);
    CHECK_INT(af_compression_detect(b.data, b.len), AF_COMPRESSION_BZIP2);
    af_buf_reset(&b);
    append_xz(&b, "a,b\n", 4);
    CHECK_INT(af_compression_detect(b.data, b.len), AF_COMPRESSION_XZ);
    af_buf_free(&b);
}

TEST(compression_from_extension)
{
    CHECK_INT(af_compression_from_extension("x.csv.gz"), AF_COMPRESSION_GZIP);
    CHECK_INT(af_compression_from_extension("/data/X.CSV.GZ"), AF_COMPRESSION_GZIP);
    CHECK_INT(af_compression_from_extension("a.zst"), AF_COMPRESSION_ZSTD);
    CHECK_INT(af_compression_from_extension("a.tsv.zstd"), AF_COMPRESSION_ZSTD);
    CHECK_INT(af_compression_from_extension("a.lz4"), AF_COMPRESSION_LZ4);
    CHECK_INT(af_compression_from_extension("a.csv.bz2"), AF_COMPRESSION_BZIP2);
    CHECK_INT(af_compression_from_extension("a.csv.xz"), AF_COMPRESSION_XZ);
    CHECK_INT(af_compression_from_extension("a.json.br"), AF_COMPRESSION_BROTLI);
    CHECK_INT(af_compression_from_extension("a.csv"), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_from_extension("a.gz.csv"), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_from_extension("a.tgz"), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_from_extension("dir.gz/file"), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_from_extension("gz"), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_from_extension(""), AF_COMPRESSION_NONE);
    CHECK_INT(af_compression_from_extension(NULL), AF_COMPRESSION_NONE);
}

TEST(gzip_single_member)
{
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 3000);
    append_gzip(&comp, plain.data, plain.len);
    CHECK(comp.len < plain.len);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_GZIP, &plain);
    check_decodes(&comp, AF_COMPRESSION_GZIP, AF_COMPRESSION_GZIP, &plain);
    af_buf_free(&plain);
    af_buf_free(&comp);
}

TEST(gzip_multi_member_as_cat_and_pigz_make)
{
    af_buf a, b, all, comp;
    af_buf_init(&a);
    af_buf_init(&b);
    af_buf_init(&all);
    af_buf_init(&comp);
    make_csv(&a, 1, 2000);
    make_csv(&b, 2001, 1500);
    append_gzip(&comp, a.data, a.len);
    append_gzip(&comp, "", 0); /* an empty member, like bgzf's end marker */
    append_gzip(&comp, b.data, b.len);
    append_gzip(&comp, "x\n", 2);
    af_buf_append(&all, a.data, a.len);
    af_buf_append(&all, b.data, b.len);
    af_buf_append(&all, "x\n", 2);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_GZIP, &all);
    /* zero padding after the last member is ignored */
    af_buf_append(&comp, "\0\0\0\0\0\0\0\0", 8);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_GZIP, &all);
    af_buf_free(&a);
    af_buf_free(&b);
    af_buf_free(&all);
    af_buf_free(&comp);
}

TEST(zlib_stream_when_gzip_is_forced)
{
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 500);
    append_deflate(&comp, plain.data, plain.len, 15);
    check_decodes(&comp, AF_COMPRESSION_GZIP, AF_COMPRESSION_GZIP, &plain);
    /* zlib has no magic bytes: auto passes it through untouched */
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_NONE, &comp);
    af_buf_free(&plain);
    af_buf_free(&comp);
}

TEST(zstd_multi_frame_with_skippable_frame)
{
    af_buf a, b, all, comp;
    af_buf_init(&a);
    af_buf_init(&b);
    af_buf_init(&all);
    af_buf_init(&comp);
    make_csv(&a, 1, 2500);
    make_csv(&b, 2501, 700);
    append_zstd(&comp, a.data, a.len);
    /* skippable frame: magic 0x184D2A50 (little-endian), 4-byte size, payload */
    af_buf_append(&comp, "\x50\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
    append_zstd(&comp, "", 0);
    append_zstd(&comp, b.data, b.len);
    af_buf_append(&all, a.data, a.len);
    af_buf_append(&all, b.data, b.len);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_ZSTD, &all);
    check_decodes(&comp, AF_COMPRESSION_ZSTD, AF_COMPRESSION_ZSTD, &all);
    af_buf_free(&a);
    af_buf_free(&b);
    af_buf_free(&all);
    af_buf_free(&comp);
}

TEST(lz4_multi_frame)
{
    af_buf a, b, all, comp;
    af_buf_init(&a);
    af_buf_init(&b);
    af_buf_init(&all);
    af_buf_init(&comp);
    make_csv(&a, 1, 3000);
    make_csv(&b, 3001, 10);
    append_lz4(&comp, a.data, a.len);
    append_lz4(&comp, b.data, b.len);
    af_buf_append(&all, a.data, a.len);
    af_buf_append(&all, b.data, b.len);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_LZ4, &all);
    af_buf_free(&a);
    af_buf_free(&b);
    af_buf_free(&all);
    af_buf_free(&comp);
}

/* bsdtar and tape-block writers pad a compressed stream written to a pipe
 * with zeros up to their block size: between and after zstd and lz4 frames
 * they are skipped, as for gzip members */
TEST(zero_padding_after_zstd_and_lz4_frames)
{
    typedef void (*append_fn)(af_buf *, const void *, size_t);
    const append_fn fns[2] = {append_zstd, append_lz4};
    const af_compression codecs[2] = {AF_COMPRESSION_ZSTD, AF_COMPRESSION_LZ4};
    for (int k = 0; k < 2; k++) {
        af_buf a, b, all, comp;
        af_buf_init(&a);
        af_buf_init(&b);
        af_buf_init(&all);
        af_buf_init(&comp);
        make_csv(&a, 1, 2000);
        make_csv(&b, 2001, 5);
        fns[k](&comp, a.data, a.len);
        for (int i = 0; i < 700; i++)
            af_buf_append_byte(&comp, 0);
        fns[k](&comp, b.data, b.len);
        for (int i = 0; i < 10240 - (int)(comp.len % 10240); i++)
            af_buf_append_byte(&comp, 0);
        af_buf_append(&all, a.data, a.len);
        af_buf_append(&all, b.data, b.len);
        check_decodes(&comp, AF_COMPRESSION_AUTO, codecs[k], &all);
        af_buf_free(&a);
        af_buf_free(&b);
        af_buf_free(&all);
        af_buf_free(&comp);
    }
}

TEST(gzip_header_fields_and_size_check)
{
    /* gzip -N style members: name, comment, extra field and header CRC */
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 2000);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    gz_header h;
    memset(&h, 0, sizeof h);
    h.name = (Bytef *)"orders.csv";
    h.comment = (Bytef *)"nightly export";
    h.extra = (Bytef *)"AB\x02\x00xy";
    h.extra_len = 6;
    h.hcrc = 1;
    CHECK(deflateSetHeader(&zs, &h) == Z_OK);
    size_t bound = deflateBound(&zs, plain.len) + 128;
    CHECK(af_buf_reserve(&comp, bound) == 0);
    zs.next_in = plain.data;
    zs.avail_in = (unsigned)plain.len;
    zs.next_out = comp.data;
    zs.avail_out = (unsigned)bound;
    CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    comp.len = bound - zs.avail_out;
    deflateEnd(&zs);
    CHECK_INT(comp.data[3], 0x1e); /* FHCRC | FEXTRA | FNAME | FCOMMENT */
    append_gzip(&comp, plain.data, 10);
    af_buf all;
    af_buf_init(&all);
    af_buf_append(&all, plain.data, plain.len);
    af_buf_append(&all, plain.data, 10);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_GZIP, &all);
    /* the size in the trailer (ISIZE) is checked too, not only the CRC */
    size_t first = comp.len;
    append_gzip(&comp, plain.data, plain.len);
    comp.data[comp.len - 1] ^= 0x01;
    check_fails(&comp, AF_COMPRESSION_AUTO, "gzip data is corrupt", "incorrect data check");
    /* a damaged header CRC is caught as well (46: the header's size) */
    comp.len = first;
    comp.data[20] ^= 0x01; /* inside the name */
    check_fails(&comp, AF_COMPRESSION_AUTO,
                "in.csv.gz: gzip data is corrupt at compressed byte 46, in the member starting at "
                "byte 0 (after 0 decompressed bytes): header crc mismatch",
                NULL);
    af_buf_free(&all);
    af_buf_free(&plain);
    af_buf_free(&comp);
}

/* Two streams made by `fn` back to back (pbzip2, `cat a.xz b.xz`), with an
 * empty one between, decode to both parts. */
static void check_two_streams(compress_fn fn, af_compression forced, af_compression want)
{
    af_buf a, b, all, comp;
    af_buf_init(&a);
    af_buf_init(&b);
    af_buf_init(&all);
    af_buf_init(&comp);
    make_csv(&a, 1, 2500);
    make_csv(&b, 2501, 900);
    fn(&comp, a.data, a.len);
    fn(&comp, "", 0);
    fn(&comp, b.data, b.len);
    af_buf_append(&all, a.data, a.len);
    af_buf_append(&all, b.data, b.len);
    if (forced == AF_COMPRESSION_AUTO)
        check_decodes(&comp, AF_COMPRESSION_AUTO, want, &all);
    check_decodes(&comp, want, want, &all);
    af_buf_free(&a);
    af_buf_free(&b);
    af_buf_free(&all);
    af_buf_free(&comp);
}

TEST(bzip2_multi_stream)
{
    check_two_streams(append_bzip2, AF_COMPRESSION_AUTO, AF_COMPRESSION_BZIP2);
}

TEST(xz_multi_stream_with_padding)
{
    check_two_streams(append_xz, AF_COMPRESSION_AUTO, AF_COMPRESSION_XZ);
    af_buf a, comp, all;
    af_buf_init(&a);
    af_buf_init(&comp);
    af_buf_init(&all);
    make_csv(&a, 1, 300);
    append_xz(&comp, a.data, a.len);
    af_buf_append(&comp, "\0\0\0\0\0\0\0\0", 8); /* stream padding: 4-byte multiples */
    append_xz(&comp, a.data, 20);
    af_buf_append(&comp, "\0\0\0\0", 4);
    af_buf_append(&all, a.data, a.len);
    af_buf_append(&all, a.data, 20);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_XZ, &all);
    /* padding that is not a multiple of 4 is not xz */
    af_buf first;
    af_buf_init(&first);
    append_xz(&first, a.data, a.len);
    comp.len -= 1;
    char want[300];
    snprintf(want, sizeof want,
             "in.csv.gz: xz data is corrupt at compressed byte %zu, in the stream starting at "
             "byte %zu (after %zu decompressed bytes): stream padding is not a multiple of 4 "
             "bytes",
             comp.len, first.len + 8, all.len);
    check_fails(&comp, AF_COMPRESSION_AUTO, want, NULL);
    af_buf_free(&first);
    af_buf_free(&a);
    af_buf_free(&comp);
    af_buf_free(&all);
}

TEST(brotli_only_when_forced)
{
    check_two_streams(append_brotli, AF_COMPRESSION_BROTLI, AF_COMPRESSION_BROTLI);
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 1000);
    append_brotli(&comp, plain.data, plain.len);
    check_decodes(&comp, AF_COMPRESSION_BROTLI, AF_COMPRESSION_BROTLI, &plain);
    /* no magic: auto leaves a brotli stream alone */
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_NONE, &comp);
    af_buf_free(&plain);
    af_buf_free(&comp);
}

TEST(exact_messages_for_new_codecs)
{
    af_buf a, b, comp;
    af_buf_init(&a);
    af_buf_init(&b);
    af_buf_init(&comp);
    make_csv(&a, 1, 700);
    make_csv(&b, 701, 300);
    compress_fn fns[] = {append_bzip2, append_xz, append_brotli};
    af_compression cs[] = {AF_COMPRESSION_BZIP2, AF_COMPRESSION_XZ, AF_COMPRESSION_BROTLI};
    for (int k = 0; k < 3; k++) {
        /* the second stream loses its last byte: every byte of it but its
         * end marker was there, so all of both parts came out (brotli may
         * hold back the last byte or so) */
        af_buf_reset(&comp);
        fns[k](&comp, a.data, a.len);
        size_t first = comp.len;
        fns[k](&comp, b.data, b.len);
        comp.len--;
        for (int threaded = 0; threaded < 2; threaded++) {
            mode m = {"exact", threaded, 0, 0, 0, 65536};
            af_reader *r;
            CHECK_INT(open_mode(&m, comp.data, comp.len, cs[k], &r), AF_OK);
            af_buf got;
            af_buf_init(&got);
            CHECK_INT(read_all(r, 65536, &got), AF_EPARSE);
            char want[300];
            snprintf(want, sizeof want,
                     "in.csv.gz: %s data is truncated: the input ends at compressed byte %zu "
                     "inside the stream starting at byte %zu (after %zu decompressed bytes)",
                     af_compression_name(cs[k]), comp.len, first, got.len);
            CHECK_STR(err.msg, want);
            if (cs[k] == AF_COMPRESSION_BROTLI)
                CHECK(got.len + 16 >= a.len + b.len);
            else
                CHECK_INT(got.len, a.len + b.len);
            CHECK(got.len <= a.len + b.len && memcmp(got.data, a.data, a.len) == 0);
            af_buf_free(&got);
            af_reader_close(r);
        }
    }
    /* bytes after a bzip2 stream that are no stream */
    af_buf_reset(&comp);
    append_bzip2(&comp, a.data, a.len);
    size_t end = comp.len;
    af_buf_append(&comp, "trailing junk", 13);
    char want[300];
    snprintf(want, sizeof want,
             "in.csv.gz: bzip2 data is corrupt at compressed byte %zu, in the stream starting at "
             "byte %zu (after %zu decompressed bytes): not a bzip2 stream (no BZh magic)",
             end + 1, end, a.len);
    af_reader *r;
    mode m = {"exact", false, 0, 0, 0, 65536};
    CHECK_INT(open_mode(&m, comp.data, comp.len, AF_COMPRESSION_AUTO, &r), AF_OK);
    af_buf got;
    af_buf_init(&got);
    CHECK_INT(read_all(r, 65536, &got), AF_EPARSE);
    CHECK_STR(err.msg, want);
    CHECK_INT(got.len, a.len);
    af_reader_close(r);
    af_buf_free(&got);
    /* and after an xz stream */
    af_buf_reset(&comp);
    append_xz(&comp, a.data, a.len);
    end = comp.len;
    af_buf_append(&comp, "trailing junk", 13);
    snprintf(want, sizeof want,
             "in.csv.gz: xz data is corrupt at compressed byte %zu, in the stream starting at "
             "byte %zu (after %zu decompressed bytes): not an xz stream (no xz magic)",
             end + 12, end, a.len);
    CHECK_INT(open_mode(&m, comp.data, comp.len, AF_COMPRESSION_AUTO, &r), AF_OK);
    af_buf_init(&got);
    CHECK_INT(read_all(r, 65536, &got), AF_EPARSE);
    CHECK_STR(err.msg, want);
    af_reader_close(r);
    af_buf_free(&got);
    af_buf_free(&a);
    af_buf_free(&b);
    af_buf_free(&comp);
}

/* Sets the LZMA2 dictionary size of the first block of a one-block xz
 * stream to 4 GiB and fixes the block header's CRC, so the decoder would
 * need more memory than the bound. */
static void inflate_xz_dictionary(af_buf *xz)
{
    uint8_t *h = xz->data + 12; /* after the stream header */
    size_t size = ((size_t)h[0] + 1) * 4, p = 2;
    if (h[1] & 0x40) /* compressed size */
        while (h[p++] & 0x80) {
        }
    if (h[1] & 0x80) /* uncompressed size */
        while (h[p++] & 0x80) {
        }
    CHECK_INT(h[p], 0x21);  /* LZMA2 filter id */
    CHECK_INT(h[p + 1], 1); /* one byte of properties */
    h[p + 2] = 40;          /* dictionary 4 GiB - 1 */
    uint32_t crc = lzma_crc32(h, size - 4, 0);
    for (int i = 0; i < 4; i++)
        h[size - 4 + i] = (uint8_t)(crc >> (8 * i));
}

TEST(xz_memory_over_the_bound_is_refused)
{
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 50);
    append_xz(&comp, plain.data, plain.len);
    inflate_xz_dictionary(&comp);
    for (int threaded = 0; threaded < 2; threaded++) {
        af_reader *inner, *r;
        CHECK_INT(af_reader_open_memory(comp.data, comp.len, "huge.xz", &inner, &err), AF_OK);
        af_decompress_options o;
        af_decompress_options_default(&o);
        o.threaded = threaded;
        CHECK_INT(af_reader_open_decompress(inner, &o, &r, &err), AF_OK);
        af_buf got;
        af_buf_init(&got);
        CHECK_INT(read_all(r, 4096, &got), AF_ELIMIT);
        CHECK_STR(err.msg, "huge.xz: xz stream starting at compressed byte 0: the stream needs "
                           "4097 MiB of memory to decode, over the bound of 256 MiB (written with "
                           "a dictionary over 256 MiB?); refused to keep memory bounded");
        CHECK_INT(got.len, 0);
        af_buf_free(&got);
        af_reader_close(r);
    }
    af_buf_free(&plain);
    af_buf_free(&comp);
}

TEST(uncompressed_passes_through)
{
    af_buf plain;
    af_buf_init(&plain);
    make_csv(&plain, 1, 100);
    check_decodes(&plain, AF_COMPRESSION_AUTO, AF_COMPRESSION_NONE, &plain);
    check_decodes(&plain, AF_COMPRESSION_NONE, AF_COMPRESSION_NONE, &plain);
    /* shorter than any magic */
    af_buf tiny;
    af_buf_init(&tiny);
    af_buf_append(&tiny, "\x1f", 1);
    check_decodes(&tiny, AF_COMPRESSION_AUTO, AF_COMPRESSION_NONE, &tiny);
    /* the pass-through keeps the size, so the csv reader can size its buffer */
    af_reader *inner, *r;
    CHECK_INT(af_reader_open_memory(plain.data, plain.len, "p.csv", &inner, &err), AF_OK);
    CHECK_INT(af_reader_open_decompress(inner, NULL, &r, &err), AF_OK);
    CHECK_INT(r->size, plain.len);
    CHECK_STR(r->name, "p.csv");
    af_reader_close(r);
    af_buf_free(&tiny);
    af_buf_free(&plain);
}

TEST(empty_inputs)
{
    af_buf empty, comp;
    af_buf_init(&empty);
    af_buf_init(&comp);
    check_decodes(&empty, AF_COMPRESSION_AUTO, AF_COMPRESSION_NONE, &empty);
    /* a zero-byte file with a forced codec holds no data, it is not an error */
    check_decodes(&empty, AF_COMPRESSION_GZIP, AF_COMPRESSION_GZIP, &empty);
    check_decodes(&empty, AF_COMPRESSION_ZSTD, AF_COMPRESSION_ZSTD, &empty);
    check_decodes(&empty, AF_COMPRESSION_BZIP2, AF_COMPRESSION_BZIP2, &empty);
    check_decodes(&empty, AF_COMPRESSION_XZ, AF_COMPRESSION_XZ, &empty);
    check_decodes(&empty, AF_COMPRESSION_BROTLI, AF_COMPRESSION_BROTLI, &empty);
    append_gzip(&comp, "", 0);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_GZIP, &empty);
    af_buf_reset(&comp);
    append_zstd(&comp, "", 0);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_ZSTD, &empty);
    af_buf_reset(&comp);
    append_lz4(&comp, "", 0);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_LZ4, &empty);
    af_buf_reset(&comp);
    append_bzip2(&comp, "", 0);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_BZIP2, &empty);
    af_buf_reset(&comp);
    append_xz(&comp, "", 0);
    check_decodes(&comp, AF_COMPRESSION_AUTO, AF_COMPRESSION_XZ, &empty);
    af_buf_reset(&comp);
    append_brotli(&comp, "", 0);
    check_decodes(&comp, AF_COMPRESSION_BROTLI, AF_COMPRESSION_BROTLI, &empty);
    af_buf_free(&comp);
}

/* Every strict prefix of a one-frame stream is truncated, with the offset
 * where the input ended in the message. */
static void check_every_truncation(compress_fn fn, af_compression c, const char *label)
{
    af_buf plain, comp, cut;
    af_buf_init(&plain);
    af_buf_init(&comp);
    af_buf_init(&cut);
    make_csv(&plain, 1, 40);
    fn(&comp, plain.data, plain.len);
    int bad = 0;
    for (size_t len = 1; len < comp.len; len++) {
        for (int threaded = 0; threaded < 2; threaded++) {
            af_reader *inner, *r;
            CHECK_INT(af_reader_open_memory(comp.data, len, "t.gz", &inner, &err), AF_OK);
            af_decompress_options o;
            af_decompress_options_default(&o);
            o.compression = c;
            o.threaded = threaded;
            o.buffer_size = 4096; /* ~2000 opens here: keep each one cheap */
            CHECK_INT(af_reader_open_decompress(inner, &o, &r, &err), AF_OK);
            af_buf got;
            af_buf_init(&got);
            int rc = read_all(r, 4096, &got);
            char want[64];
            snprintf(want, sizeof want, "at compressed byte %zu inside the", len);
            if (rc != AF_EPARSE || !strstr(err.msg, want) || !strstr(err.msg, label) ||
                !strstr(err.msg, "truncated") || !strstr(err.msg, "t.gz: ")) {
                if (bad++ < 3)
                    fprintf(stderr, "  %s prefix %zu/%zu: rc %d: %s\n", label, len, comp.len, rc,
                            err.msg);
            }
            /* what came out is a prefix of the data, never garbage */
            CHECK(got.len <= plain.len &&
                  (got.len == 0 || memcmp(got.data, plain.data, got.len) == 0));
            af_buf_free(&got);
            af_reader_close(r);
        }
    }
    CHECK_INT(bad, 0);
    af_buf_free(&plain);
    af_buf_free(&comp);
    af_buf_free(&cut);
}

TEST(truncated_at_every_byte)
{
    check_every_truncation(append_gzip, AF_COMPRESSION_GZIP, "gzip");
    check_every_truncation(append_zstd, AF_COMPRESSION_ZSTD, "zstd");
    check_every_truncation(append_lz4, AF_COMPRESSION_LZ4, "lz4");
    check_every_truncation(append_bzip2, AF_COMPRESSION_BZIP2, "bzip2");
    check_every_truncation(append_xz, AF_COMPRESSION_XZ, "xz");
    check_every_truncation(append_brotli, AF_COMPRESSION_BROTLI, "brotli");
}

TEST(truncated_large_stream_in_every_mode)
{
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 6000);
    append_gzip(&comp, plain.data, plain.len);
    comp.len = comp.len * 2 / 3;
    char want[64];
    snprintf(want, sizeof want, "compressed byte %zu", comp.len);
    check_fails(&comp, AF_COMPRESSION_AUTO, "gzip data is truncated", want);
    /* a second member cut short after a complete first one */
    af_buf_reset(&comp);
    append_gzip(&comp, plain.data, 1000);
    append_gzip(&comp, plain.data, plain.len);
    comp.len -= 5;
    {
        /* the message names the member that was cut: the second one */
        af_buf first;
        af_buf_init(&first);
        append_gzip(&first, plain.data, 1000);
        char where[64];
        snprintf(where, sizeof where, "inside the member starting at byte %zu", first.len);
        check_fails(&comp, AF_COMPRESSION_AUTO, "gzip data is truncated", where);
        af_buf_free(&first);
    }
    af_buf_reset(&comp);
    append_zstd(&comp, plain.data, plain.len);
    append_zstd(&comp, plain.data, 100);
    comp.len -= 1;
    check_fails(&comp, AF_COMPRESSION_AUTO, "zstd data is truncated",
                "inside the frame starting at byte");
    af_buf_free(&plain);
    af_buf_free(&comp);
}

TEST(corrupt_data)
{
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 5000);
    append_gzip(&comp, plain.data, plain.len);
    size_t mid = comp.len / 2;
    comp.data[mid] ^= 0x55;
    check_fails(&comp, AF_COMPRESSION_AUTO, "gzip data is", "compressed byte");
    /* a changed CRC is caught at the end of the member */
    comp.data[mid] ^= 0x55;
    comp.data[comp.len - 6] ^= 0x01;
    check_fails(&comp, AF_COMPRESSION_AUTO, "gzip data is corrupt", "incorrect data check");
    comp.data[comp.len - 6] ^= 0x01;
    /* garbage after a member is neither a member nor padding */
    af_buf_append(&comp, "garbage", 7);
    char want[64];
    snprintf(want, sizeof want,
             "corrupt at compressed byte %zu, in the member starting at byte %zu", comp.len - 7 + 2,
             comp.len - 7);
    check_fails(&comp, AF_COMPRESSION_AUTO, want, "incorrect header check");

    af_buf_reset(&comp);
    append_zstd(&comp, plain.data, plain.len);
    comp.data[comp.len / 2] ^= 0x55;
    check_fails(&comp, AF_COMPRESSION_AUTO, "zstd data is corrupt", "compressed byte");
    af_buf_reset(&comp);
    append_lz4(&comp, plain.data, plain.len);
    comp.data[comp.len / 2] ^= 0x55;
    check_fails(&comp, AF_COMPRESSION_AUTO, "lz4 data is corrupt", "compressed byte");
    /* plain text with a forced codec */
    check_fails(&plain, AF_COMPRESSION_GZIP, "gzip data is corrupt at compressed byte",
                "incorrect header check");
    check_fails(&plain, AF_COMPRESSION_ZSTD, "zstd data is corrupt at compressed byte ", NULL);
    check_fails(&plain, AF_COMPRESSION_BZIP2, "bzip2 data is corrupt at compressed byte ",
                "not a bzip2 stream (no BZh magic)");
    check_fails(&plain, AF_COMPRESSION_XZ, "xz data is corrupt at compressed byte ",
                "not an xz stream (no xz magic)");
    /* bzip2 and xz check their data (block CRC, CRC-64) */
    af_buf_reset(&comp);
    append_bzip2(&comp, plain.data, plain.len);
    comp.data[comp.len / 2] ^= 0x55;
    check_fails(&comp, AF_COMPRESSION_AUTO, "bzip2 data is corrupt at compressed byte ",
                "in the stream starting at byte 0");
    af_buf_reset(&comp);
    append_xz(&comp, plain.data, plain.len);
    comp.data[comp.len / 2] ^= 0x55;
    check_fails(&comp, AF_COMPRESSION_AUTO, "xz data is corrupt at compressed byte ",
                "in the stream starting at byte 0");
    af_buf_reset(&comp);
    append_xz(&comp, plain.data, plain.len);
    comp.data[comp.len - 20] ^= 0x01; /* in the CRC-64 of the block */
    check_fails(&comp, AF_COMPRESSION_AUTO, "xz data is corrupt at compressed byte ",
                "invalid data or a check mismatch");
    af_buf_reset(&comp);
    append_brotli(&comp, plain.data, plain.len);
    comp.data[comp.len / 2] ^= 0x55;
    {
        /* brotli has no checksum: a flipped byte is caught only when the
         * bit stream stops making sense (corrupt, or it wants more input
         * than there is: truncated), or not at all */
        af_reader *r;
        CHECK_INT(open_mode(&modes[0], comp.data, comp.len, AF_COMPRESSION_BROTLI, &r), AF_OK);
        af_buf got;
        af_buf_init(&got);
        int rc = read_all(r, 4096, &got);
        CHECK(rc == AF_OK || (rc == AF_EPARSE && (strstr(err.msg, "brotli data is corrupt") ||
                                                  strstr(err.msg, "brotli data is truncated"))));
        af_buf_free(&got);
        af_reader_close(r);
    }
    af_buf_free(&plain);
    af_buf_free(&comp);
}

TEST(zstd_window_over_the_memory_bound_is_refused)
{
    /* streamed without a pledged size, the frame keeps its 256 MiB window */
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 28);
    static const char text[] = "id,name\n1,a\n";
    uint8_t out[256];
    ZSTD_outBuffer ob = {out, sizeof out, 0};
    ZSTD_inBuffer ib = {text, sizeof text - 1, 0};
    CHECK(!ZSTD_isError(ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_continue)));
    ZSTD_inBuffer none = {"", 0, 0};
    CHECK_INT(ZSTD_compressStream2(c, &ob, &none, ZSTD_e_end), 0);
    ZSTD_freeCCtx(c);
    CHECK(ZSTD_getFrameContentSize(out, ob.pos) == ZSTD_CONTENTSIZE_UNKNOWN);
    for (int threaded = 0; threaded < 2; threaded++) {
        af_reader *inner, *r;
        CHECK_INT(af_reader_open_memory(out, ob.pos, "long.zst", &inner, &err), AF_OK);
        af_decompress_options o;
        af_decompress_options_default(&o);
        o.threaded = threaded;
        CHECK_INT(af_reader_open_decompress(inner, &o, &r, &err), AF_OK);
        af_buf got;
        af_buf_init(&got);
        CHECK_INT(read_all(r, 4096, &got), AF_ELIMIT);
        CHECK_CONTAINS(err.msg, "long.zst: zstd frame starting at compressed byte 0");
        CHECK_CONTAINS(err.msg, "window over 128 MiB");
        CHECK_INT(got.len, 0);
        af_buf_free(&got);
        af_reader_close(r);
    }
}

TEST(csv_lines_count_decompressed_lines)
{
    af_buf a, b, comp;
    af_buf_init(&a);
    af_buf_init(&b);
    af_buf_init(&comp);
    af_buf_append_str(&a, "id,name\n");
    make_csv(&a, 1, 999);
    make_csv(&b, 1000, 1000);
    append_gzip(&comp, a.data, a.len);
    append_gzip(&comp, b.data, b.len);
    af_reader *inner, *r;
    CHECK_INT(af_reader_open_memory(comp.data, comp.len, "lines.csv.gz", &inner, &err), AF_OK);
    CHECK_INT(af_reader_open_decompress(inner, NULL, &r, &err), AF_OK);
    af_csv_reader *csv;
    CHECK_INT(af_csv_reader_new(r, NULL, &csv, &err), AF_OK);
    af_csv_record rec;
    int64_t n = 0, last_line = 0, bad = 0;
    while (af_csv_reader_next(csv, &rec, &err) == 1) {
        n++;
        last_line = rec.line;
        if (n > 1 && strtoll(rec.fields[0].data, NULL, 10) != rec.line - 1)
            bad++;
    }
    CHECK_INT(n, 2000);
    CHECK_INT(last_line, 2000);
    CHECK_INT(bad, 0);
    CHECK_INT(af_csv_reader_offset(csv), a.len + b.len);
    af_csv_reader_free(csv);
    af_reader_close(r);
    af_buf_free(&a);
    af_buf_free(&b);
    af_buf_free(&comp);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(early_close_does_not_wait_for_the_whole_stream)
{
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 200000); /* several MB: more than the ring holds */
    append_gzip(&comp, plain.data, plain.len);
    for (int k = 0; k < 20; k++) {
        af_reader *inner, *r;
        CHECK_INT(af_reader_open_memory(comp.data, comp.len, "big.gz", &inner, &err), AF_OK);
        CHECK_INT(af_reader_open_decompress(inner, NULL, &r, &err), AF_OK);
        uint8_t buf[100];
        if (k % 2)
            CHECK_INT(af_reader_read(r, buf, sizeof buf, &err), sizeof buf);
        af_reader_close(r); /* must neither hang nor leak (ASan) */
    }
    af_buf_free(&plain);
    af_buf_free(&comp);
}

typedef struct cancel_arg {
    atomic_bool *flag;
} cancel_arg;

static void *raise_later(void *arg)
{
    cancel_arg *c = arg;
    usleep(150 * 1000);
    atomic_store(c->flag, true);
    return NULL;
}

TEST(cancel_while_the_input_blocks)
{
    /* a pipe that sends half a gzip member and then stays open: the
     * decompressor blocks in read(), the consumer waits for it */
    af_buf plain, comp;
    af_buf_init(&plain);
    af_buf_init(&comp);
    make_csv(&plain, 1, 100);
    append_gzip(&comp, plain.data, plain.len);
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK(write(fds[1], comp.data, comp.len / 2) == (ssize_t)(comp.len / 2));
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    af_reader *inner, *r;
    CHECK_INT(af_reader_open_file(path, &inner, &err), AF_OK);
    atomic_bool flag = false;
    af_decompress_options o;
    af_decompress_options_default(&o);
    o.cancel = &flag;
    CHECK_INT(af_reader_open_decompress(inner, &o, &r, &err), AF_OK);
    pthread_t th;
    cancel_arg ca = {&flag};
    pthread_create(&th, NULL, raise_later, &ca);
    double t0 = now_s();
    af_buf got;
    af_buf_init(&got);
    int rc = read_all(r, 4096, &got);
    CHECK_INT(rc, AF_ECANCELED);
    CHECK(now_s() - t0 < 5.0);
    pthread_join(th, NULL);
    t0 = now_s();
    af_reader_close(r); /* the producer is still stuck in read(): close gives up on it */
    CHECK(now_s() - t0 < 5.0);
    /* unblocking the pipe lets the detached producer finish and free itself */
    close(fds[1]);
    usleep(200 * 1000);
    close(fds[0]);
    af_buf_free(&got);
    af_buf_free(&plain);
    af_buf_free(&comp);
}

TEST(random_garbage_never_hangs)
{
    /* magic bytes followed by noise: must end in an error or a clean end */
    static const char *const magics[] = {"\x1f\x8b",
                                         "\x28\xb5\x2f\xfd",
                                         "\x04\x22\x4d\x18",
                                         "BZh91AY&SY",
                                         "\xfd"
                                         "7zXZ\0",
                                         ""};
    static const size_t magic_len[] = {2, 4, 4, 10, 6, 0};
    for (int round = 0; round < 600; round++) {
        af_buf in;
        af_buf_init(&in);
        int k = round % 6;
        af_buf_append(&in, magics[k], magic_len[k]);
        size_t n = (size_t)(rnd() % 300);
        for (size_t i = 0; i < n; i++) {
            uint8_t byte = (uint8_t)rnd();
            af_buf_append(&in, &byte, 1);
        }
        af_reader *inner, *r;
        CHECK_INT(af_reader_open_memory(in.data, in.len, "noise", &inner, &err), AF_OK);
        af_decompress_options o;
        af_decompress_options_default(&o);
        o.threaded = round % 2;
        if (k == 5)
            o.compression = AF_COMPRESSION_BROTLI; /* no magic: noise, forced */
        CHECK_INT(af_reader_open_decompress(inner, &o, &r, &err), AF_OK);
        af_buf got;
        af_buf_init(&got);
        int rc = read_all(r, 13, &got);
        CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_ELIMIT);
        af_reader_close(r);
        af_buf_free(&got);
        af_buf_free(&in);
    }
}

TEST_MAIN()
