/* test_codec.c - Parquet page codecs (io/codec.h): round trips of every
 * codec over empty, small, random and repetitive data; exact-size
 * enforcement with a guard after dst; truncated and corrupt input; the
 * Hadoop LZ4 framing built by hand; and known answers produced by other
 * implementations (gzip and zstd command-line tools, fixtures in
 * tests/fixtures/codec/, plus snappy and LZ4 blocks written from their
 * format descriptions). */
#include "io/codec.h"
#include "test.h"

#include <lz4.h>
#include <stdint.h>

static af_error err;

static const af_codec all_codecs[] = {AF_CODEC_UNCOMPRESSED, AF_CODEC_SNAPPY, AF_CODEC_GZIP,
                                      AF_CODEC_BROTLI,       AF_CODEC_ZSTD,   AF_CODEC_LZ4_RAW,
                                      AF_CODEC_LZ4};
#define N_CODECS (sizeof all_codecs / sizeof all_codecs[0])

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint8_t *make_random(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
    return p;
}

static uint8_t *make_repetitive(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    static const char pat[] = "2024-01-01,store 17,widget,19.99\n";
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)pat[i % (sizeof pat - 1)];
    return p;
}

static uint8_t *read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("AF_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/codec/%s", dir ? dir : "tests/fixtures", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)sz + 1);
    *len = fread(p, 1, (size_t)sz, f);
    fclose(f);
    return p;
}

/* Decompresses into a buffer followed by guard bytes that must survive. */
static int decompress_guarded(af_codec c, const uint8_t *src, size_t n, size_t expected,
                              uint8_t **out)
{
    uint8_t *dst = malloc(expected + 16);
    memset(dst + expected, 0xA5, 16);
    int rc = af_codec_decompress(c, src, n, dst, expected, &err);
    for (int k = 0; k < 16; k++)
        CHECK(dst[expected + (size_t)k] == 0xA5);
    *out = dst;
    return rc;
}

static void round_trip(af_codec c, const uint8_t *data, size_t n, int level, size_t *csize)
{
    af_buf comp;
    af_buf_init(&comp);
    CHECK_INT(af_buf_append(&comp, "xx", 2), 0); /* compress appends, keeps what is there */
    int rc = af_codec_compress(c, level, data, n, &comp, &err);
    CHECK_INT(rc, AF_OK);
    if (rc) {
        fprintf(stderr, "%s: %s\n", af_codec_name(c), err.msg);
        af_buf_free(&comp);
        return;
    }
    CHECK(comp.data[0] == 'x' && comp.data[1] == 'x');
    CHECK(comp.len - 2 <= af_codec_compress_bound(c, n));
    uint8_t *back = NULL;
    rc = decompress_guarded(c, comp.data + 2, comp.len - 2, n, &back);
    CHECK_INT(rc, AF_OK);
    if (rc)
        fprintf(stderr, "%s n=%zu: %s\n", af_codec_name(c), n, err.msg);
    CHECK(n == 0 || memcmp(back, data, n) == 0);
    free(back);
    if (n > 0) {
        /* one byte too few / too many expected must fail without overrun */
        rc = decompress_guarded(c, comp.data + 2, comp.len - 2, n - 1, &back);
        CHECK_INT(rc, AF_EPARSE);
        free(back);
        rc = decompress_guarded(c, comp.data + 2, comp.len - 2, n + 1, &back);
        CHECK_INT(rc, AF_EPARSE);
        free(back);
    }
    if (csize)
        *csize = comp.len - 2;
    af_buf_free(&comp);
}

TEST(names_and_parse)
{
    af_codec c;
    CHECK_STR(af_codec_name(AF_CODEC_ZSTD), "zstd");
    CHECK_STR(af_codec_name(AF_CODEC_LZ4_RAW), "lz4_raw");
    CHECK_STR(af_codec_name(AF_CODEC_UNCOMPRESSED), "uncompressed");
    CHECK_STR(af_codec_name((af_codec)42), "unknown");
    CHECK_INT(af_codec_parse("ZSTD", &c, &err), AF_OK);
    CHECK_INT(c, 6);
    CHECK_INT(af_codec_parse("none", &c, &err), AF_OK);
    CHECK_INT(c, AF_CODEC_UNCOMPRESSED);
    CHECK_INT(af_codec_parse("Lz4_Raw", &c, &err), AF_OK);
    CHECK_INT(c, 7);
    CHECK_INT(af_codec_parse("lz4", &c, &err), AF_OK);
    CHECK_INT(c, 5);
    CHECK_INT(af_codec_parse("snappy", &c, &err), AF_OK);
    CHECK_INT(c, 1);
    CHECK_INT(af_codec_parse("gzip", &c, &err), AF_OK);
    CHECK_INT(c, 2);
    CHECK_INT(af_codec_parse("brotli", &c, &err), AF_OK);
    CHECK_INT(c, 4);
    CHECK_INT(af_codec_parse("zip", &c, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "'zip'");
    CHECK_CONTAINS(err.msg, "lz4_raw");
    for (size_t i = 0; i < N_CODECS; i++) {
        CHECK_INT(af_codec_parse(af_codec_name(all_codecs[i]), &c, &err), AF_OK);
        CHECK_INT(c, all_codecs[i]);
    }
}

TEST(round_trip_empty_and_small)
{
    static const char small[] = "hello, parquet";
    for (size_t i = 0; i < N_CODECS; i++) {
        round_trip(all_codecs[i], (const uint8_t *)"", 0, 0, NULL);
        round_trip(all_codecs[i], (const uint8_t *)small, sizeof small - 1, 0, NULL);
        uint8_t one = 'x';
        round_trip(all_codecs[i], &one, 1, 0, NULL);
    }
}

TEST(round_trip_1mib)
{
    size_t n = 1 << 20;
    uint8_t *r = make_random(n), *p = make_repetitive(n);
    for (size_t i = 0; i < N_CODECS; i++) {
        size_t cr = 0, cp = 0;
        round_trip(all_codecs[i], r, n, 0, &cr);
        round_trip(all_codecs[i], p, n, 0, &cp);
        if (all_codecs[i] != AF_CODEC_UNCOMPRESSED)
            CHECK(cp < n / 20); /* repetitive data really is compressed */
        CHECK(cr >= n - 16 || all_codecs[i] == AF_CODEC_UNCOMPRESSED || cr > n / 2);
    }
    free(r);
    free(p);
}

TEST(levels)
{
    uint8_t *p = make_repetitive(100000);
    round_trip(AF_CODEC_ZSTD, p, 100000, 1, NULL);
    round_trip(AF_CODEC_ZSTD, p, 100000, 19, NULL);
    round_trip(AF_CODEC_ZSTD, p, 100000, -3, NULL);
    round_trip(AF_CODEC_GZIP, p, 100000, 1, NULL);
    round_trip(AF_CODEC_GZIP, p, 100000, 9, NULL);
    round_trip(AF_CODEC_BROTLI, p, 100000, 11, NULL);
    round_trip(AF_CODEC_LZ4_RAW, p, 100000, 9, NULL);
    round_trip(AF_CODEC_LZ4, p, 100000, 9, NULL);
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_codec_compress(AF_CODEC_GZIP, 10, p, 10, &b, &err), AF_EINVAL);
    CHECK_CONTAINS(err.msg, "gzip: level 10");
    CHECK_INT(af_codec_compress(AF_CODEC_ZSTD, 99, p, 10, &b, &err), AF_EINVAL);
    CHECK_INT(af_codec_compress(AF_CODEC_BROTLI, 12, p, 10, &b, &err), AF_EINVAL);
    CHECK_INT(af_codec_compress(AF_CODEC_LZ4_RAW, -1, p, 10, &b, &err), AF_EINVAL);
    CHECK_INT(b.len, 0);
    af_buf_free(&b);
    free(p);
}

TEST(lzo_unsupported)
{
    uint8_t dst[4];
    CHECK_INT(af_codec_decompress(AF_CODEC_LZO, (const uint8_t *)"abcd", 4, dst, 4, &err),
              AF_EUNSUPPORTED);
    CHECK_STR(err.msg, "LZO-compressed pages are not supported");
    CHECK_INT(af_codec_decompress((af_codec)99, (const uint8_t *)"abcd", 4, dst, 4, &err),
              AF_EUNSUPPORTED);
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_codec_compress(AF_CODEC_LZO, 0, dst, 4, &b, &err), AF_EUNSUPPORTED);
    af_buf_free(&b);
}

TEST(empty_page_without_buffer)
{
    for (size_t i = 0; i < N_CODECS; i++) {
        af_buf b;
        af_buf_init(&b);
        CHECK_INT(af_codec_compress(all_codecs[i], 0, NULL, 0, &b, &err), AF_OK);
        CHECK_INT(af_codec_decompress(all_codecs[i], b.data, b.len, NULL, 0, &err), AF_OK);
        af_buf_free(&b);
    }
}

TEST(uncompressed_size_mismatch)
{
    uint8_t dst[8];
    CHECK_INT(af_codec_decompress(AF_CODEC_UNCOMPRESSED, (const uint8_t *)"abc", 3, dst, 4, &err),
              AF_EPARSE);
    CHECK_CONTAINS(err.msg, "uncompressed");
}

/* Truncations at every length must fail (never crash or overrun); byte
 * flips must not crash and must not report success with wrong-sized data. */
TEST(truncated_and_corrupt)
{
    size_t n = 5000;
    uint8_t *p = make_repetitive(n);
    for (size_t i = 0; i < 500; i++)
        p[(size_t)(rnd() % n)] = (uint8_t)rnd();
    for (size_t ci = 1; ci < N_CODECS; ci++) {
        af_codec c = all_codecs[ci];
        af_buf comp;
        af_buf_init(&comp);
        CHECK_INT(af_codec_compress(c, 0, p, n, &comp, &err), AF_OK);
        for (size_t cut = 0; cut < comp.len; cut += 1 + cut / 8) {
            uint8_t *back = NULL;
            int rc = decompress_guarded(c, comp.data, cut, n, &back);
            if (rc == AF_OK)
                fprintf(stderr, "%s accepted a cut at %zu of %zu\n", af_codec_name(c), cut,
                        comp.len);
            CHECK(rc == AF_EPARSE);
            CHECK_CONTAINS(err.msg, af_codec_name(c));
            free(back);
        }
        for (int t = 0; t < 300; t++) {
            uint8_t *bad = malloc(comp.len);
            memcpy(bad, comp.data, comp.len);
            bad[rnd() % comp.len] ^= (uint8_t)(1 + rnd() % 255);
            uint8_t *back = NULL;
            int rc = decompress_guarded(c, bad, comp.len, n, &back);
            CHECK(rc == AF_OK || rc == AF_EPARSE);
            free(back);
            free(bad);
        }
        af_buf_free(&comp);
    }
    free(p);
}

TEST(error_messages)
{
    uint8_t dst[2000];
    /* snappy: varint length 1000 (0xE8 0x07) vs a 2000-byte page */
    static const uint8_t sn[] = {0xE8, 0x07, 0x00};
    CHECK_INT(af_codec_decompress(AF_CODEC_SNAPPY, sn, sizeof sn, dst, 2000, &err), AF_EPARSE);
    CHECK_STR(err.msg, "snappy: uncompressed length 1000 does not match the page's 2000");

    af_buf b;
    af_buf_init(&b);
    uint8_t *p = make_repetitive(2000);
    CHECK_INT(af_codec_compress(AF_CODEC_ZSTD, 0, p, 2000, &b, &err), AF_OK);
    CHECK_INT(af_codec_decompress(AF_CODEC_ZSTD, b.data, b.len - 3, dst, 2000, &err), AF_EPARSE);
    CHECK_STR(err.msg, "zstd: frame at byte 0 is truncated");
    CHECK_INT(af_codec_decompress(AF_CODEC_ZSTD, b.data, b.len, dst, 1999, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "zstd: frames declare more than the page's 1999 bytes");

    af_buf_reset(&b);
    CHECK_INT(af_codec_compress(AF_CODEC_GZIP, 0, p, 2000, &b, &err), AF_OK);
    CHECK_INT(af_codec_decompress(AF_CODEC_GZIP, b.data, b.len, dst, 1000, &err), AF_EPARSE);
    CHECK_STR(err.msg, "gzip: data decompresses to more than the page's 1000 bytes");
    CHECK_INT(af_codec_decompress(AF_CODEC_GZIP, b.data, b.len - 10, dst, 2000, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "gzip: data is truncated");

    af_buf_reset(&b);
    CHECK_INT(af_codec_compress(AF_CODEC_BROTLI, 0, p, 2000, &b, &err), AF_OK);
    CHECK_INT(af_codec_decompress(AF_CODEC_BROTLI, b.data, b.len, dst, 1000, &err), AF_EPARSE);
    CHECK_STR(err.msg, "brotli: data decompresses to more than the page's 1000 bytes");
    CHECK_INT(af_codec_decompress(AF_CODEC_BROTLI, b.data, b.len / 2, dst, 2000, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "brotli: data is truncated");
    af_buf_free(&b);
    free(p);
}

TEST(multi_member_gzip_and_multi_frame_zstd)
{
    uint8_t *p = make_repetitive(3000);
    af_codec cs[] = {AF_CODEC_GZIP, AF_CODEC_ZSTD};
    for (int k = 0; k < 2; k++) {
        af_buf b;
        af_buf_init(&b);
        CHECK_INT(af_codec_compress(cs[k], 0, p, 1000, &b, &err), AF_OK);
        CHECK_INT(af_codec_compress(cs[k], 0, p + 1000, 2000, &b, &err), AF_OK);
        uint8_t dst[3000];
        CHECK_INT(af_codec_decompress(cs[k], b.data, b.len, dst, 3000, &err), AF_OK);
        CHECK(memcmp(dst, p, 3000) == 0);
        af_buf_free(&b);
    }
    free(p);
}

static void put_be32(uint8_t *q, uint32_t v)
{
    q[0] = (uint8_t)(v >> 24);
    q[1] = (uint8_t)(v >> 16);
    q[2] = (uint8_t)(v >> 8);
    q[3] = (uint8_t)v;
}

TEST(lz4_hadoop_framing_by_hand)
{
    size_t n = 10000;
    uint8_t *p = make_repetitive(n);
    for (size_t i = 0; i < n; i += 7)
        p[i] = (uint8_t)rnd();
    uint8_t frame[40000];
    size_t pos = 0;
    /* chunk 1: 6000 bytes as two inner blocks; chunk 2: 4000 bytes as one */
    put_be32(frame + pos, 6000);
    pos += 4;
    size_t parts[] = {0, 2500, 6000};
    for (int k = 0; k < 2; k++) {
        int c = LZ4_compress_default((const char *)p + parts[k], (char *)frame + pos + 4,
                                     (int)(parts[k + 1] - parts[k]), 20000);
        put_be32(frame + pos, (uint32_t)c);
        pos += 4 + (size_t)c;
    }
    put_be32(frame + pos, 4000);
    int c = LZ4_compress_default((const char *)p + 6000, (char *)frame + pos + 8, 4000, 20000);
    put_be32(frame + pos + 4, (uint32_t)c);
    pos += 8 + (size_t)c;

    uint8_t *back = NULL;
    CHECK_INT(decompress_guarded(AF_CODEC_LZ4, frame, pos, n, &back), AF_OK);
    CHECK(memcmp(back, p, n) == 0);
    free(back);
    /* a chunk size that disagrees with the page, or a cut frame: error */
    CHECK_INT(decompress_guarded(AF_CODEC_LZ4, frame, pos, n - 1, &back), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "lz4: data is neither Hadoop-framed");
    free(back);
    CHECK_INT(decompress_guarded(AF_CODEC_LZ4, frame, pos - 1, n, &back), AF_EPARSE);
    free(back);

    /* a raw LZ4 block under codec 5 (older parquet-cpp) is accepted too */
    uint8_t raw[20000];
    c = LZ4_compress_default((const char *)p, (char *)raw, (int)n, sizeof raw);
    CHECK_INT(decompress_guarded(AF_CODEC_LZ4, raw, (size_t)c, n, &back), AF_OK);
    CHECK(memcmp(back, p, n) == 0);
    free(back);

    /* our writer's framing: 256 KiB chunks, readable by the hand parser above */
    size_t big = 600 * 1024;
    uint8_t *q = make_repetitive(big);
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_codec_compress(AF_CODEC_LZ4, 0, q, big, &b, &err), AF_OK);
    uint32_t first_u = (uint32_t)b.data[0] << 24 | (uint32_t)b.data[1] << 16 |
                       (uint32_t)b.data[2] << 8 | b.data[3];
    CHECK_INT(first_u, 256 * 1024);
    CHECK_INT(decompress_guarded(AF_CODEC_LZ4, b.data, b.len, big, &back), AF_OK);
    CHECK(memcmp(back, q, big) == 0);
    free(back);
    af_buf_free(&b);
    free(q);
    free(p);
}

TEST(known_answers_from_other_implementations)
{
    size_t plain_len = 0, gz_len = 0, zst_len = 0;
    uint8_t *plain = read_fixture("sample.txt", &plain_len);
    uint8_t *gz = read_fixture("sample.txt.gz", &gz_len);
    uint8_t *zst = read_fixture("sample.txt.zst", &zst_len);
    CHECK(plain && gz && zst);
    if (plain && gz && zst) {
        CHECK_INT(plain_len, 10490);
        uint8_t *back = NULL;
        CHECK_INT(decompress_guarded(AF_CODEC_GZIP, gz, gz_len, plain_len, &back), AF_OK);
        CHECK(memcmp(back, plain, plain_len) == 0);
        free(back);
        CHECK_INT(decompress_guarded(AF_CODEC_ZSTD, zst, zst_len, plain_len, &back), AF_OK);
        CHECK(memcmp(back, plain, plain_len) == 0);
        free(back);
    }
    free(plain);
    free(gz);
    free(zst);

    /* snappy: varint length 11, a literal of 5 ("hello"), a literal of 1
     * (" "), then a copy with 1-byte offset: length 5 at offset 6 */
    static const uint8_t sn[] = {0x0B, 0x10, 'h', 'e', 'l', 'l', 'o', 0x00, ' ', 0x05, 0x06};
    uint8_t dst[16];
    CHECK_INT(af_codec_decompress(AF_CODEC_SNAPPY, sn, sizeof sn, dst, 11, &err), AF_OK);
    CHECK(memcmp(dst, "hello hello", 11) == 0);
    /* LZ4 block: one sequence, token 0x50 = 5 literals and no match */
    static const uint8_t lz[] = {0x50, 'p', 'a', 'g', 'e', 's'};
    CHECK_INT(af_codec_decompress(AF_CODEC_LZ4_RAW, lz, sizeof lz, dst, 5, &err), AF_OK);
    CHECK(memcmp(dst, "pages", 5) == 0);
    /* the same block in Hadoop framing */
    static const uint8_t hz[] = {0, 0, 0, 5, 0, 0, 0, 6, 0x50, 'p', 'a', 'g', 'e', 's'};
    CHECK_INT(af_codec_decompress(AF_CODEC_LZ4, hz, sizeof hz, dst, 5, &err), AF_OK);
    CHECK(memcmp(dst, "pages", 5) == 0);
}

TEST_MAIN()
