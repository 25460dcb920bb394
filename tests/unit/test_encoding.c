/* test_encoding.c - Parquet value encodings (formats/parquet/encoding.h).
 * Hand-built byte sequences follow the examples of the format's
 * Encodings.md (the RLE hybrid's 0..7 at width 3, DELTA_BINARY_PACKED's
 * 1..5 and 7,5,3,1,2,3,4,5), so the decoders are checked against the spec
 * rather than against our own encoders; round trips then cover the encoders
 * at every boundary bit width, and malformed inputs of each kind must fail
 * with AF_EPARSE and a message naming the encoding. */
#include "formats/parquet/encoding.h"
#include "test.h"

#include <stdint.h>

static af_error err;

static uint64_t rng_state = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- RLE / bit-packed hybrid ---- */

TEST(bit_width)
{
    CHECK_INT(af_pq_bit_width(0), 0);
    CHECK_INT(af_pq_bit_width(1), 1);
    CHECK_INT(af_pq_bit_width(7), 3);
    CHECK_INT(af_pq_bit_width(8), 4);
    CHECK_INT(af_pq_bit_width(UINT32_MAX), 32);
    CHECK_INT(af_pq_bit_width(UINT64_MAX), 64);
}

TEST(rle_spec_examples)
{
    /* bit-packed run of one group: 0..7 at width 3 packs to 10001000 11000110 11111010 */
    static const uint8_t bp[] = {0x03, 0x88, 0xC6, 0xFA};
    uint32_t out[20];
    size_t used = 0;
    CHECK_INT(af_pq_rle_decode(bp, sizeof bp, 3, out, 8, &used, &err), AF_OK);
    for (uint32_t i = 0; i < 8; i++)
        CHECK_INT(out[i], i);
    CHECK_INT(used, 4);
    /* the encoder produces exactly those bytes */
    uint32_t vals[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_rle_encode(vals, 8, 3, &b, &err), AF_OK);
    CHECK_INT(b.len, 4);
    CHECK(memcmp(b.data, bp, 4) == 0);
    af_buf_free(&b);

    /* an RLE run: header 10 << 1, value 5 in one byte; then the packed run */
    static const uint8_t mix[] = {0x14, 0x05, 0x03, 0x88, 0xC6, 0xFA, 0xEE, 0xEE};
    CHECK_INT(af_pq_rle_decode(mix, sizeof mix, 3, out, 18, &used, &err), AF_OK);
    for (int i = 0; i < 10; i++)
        CHECK_INT(out[i], 5);
    for (uint32_t i = 0; i < 8; i++)
        CHECK_INT(out[10 + i], i);
    CHECK_INT(used, 6); /* trailing bytes are left alone */

    /* fewer values than the packed group holds: padding is ignored */
    CHECK_INT(af_pq_rle_decode(bp, sizeof bp, 3, out, 5, &used, &err), AF_OK);
    CHECK_INT(out[4], 4);

    /* 4-byte length prefix (v1 levels) */
    static const uint8_t pre[] = {0x02, 0x00, 0x00, 0x00, 0x14, 0x05, 0x99};
    CHECK_INT(af_pq_rle_decode_prefixed(pre, sizeof pre, 3, out, 10, &used, &err), AF_OK);
    CHECK_INT(used, 6);
    CHECK_INT(out[9], 5);
}

TEST(rle_widths_0_to_32)
{
    uint32_t out[3];
    /* width 0: runs carry no value byte; with no data at all the values are 0 */
    static const uint8_t w0[] = {0x06};
    CHECK_INT(af_pq_rle_decode(w0, 1, 0, out, 3, NULL, &err), AF_OK);
    CHECK_INT(out[2], 0);
    CHECK_INT(af_pq_rle_decode(NULL, 0, 0, out, 3, NULL, &err), AF_OK);
    /* width 32: 4-byte run value */
    static const uint8_t w32[] = {0x06, 0xFF, 0xFF, 0xFF, 0xFF};
    CHECK_INT(af_pq_rle_decode(w32, sizeof w32, 32, out, 3, NULL, &err), AF_OK);
    CHECK_INT(out[2], UINT32_MAX);
    /* width 31: run value with the top bit set does not fit */
    static const uint8_t w31[] = {0x06, 0xFF, 0xFF, 0xFF, 0xFF};
    CHECK_INT(af_pq_rle_decode(w31, sizeof w31, 31, out, 3, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "does not fit in bit width 31");
    CHECK_INT(af_pq_rle_decode(w32, sizeof w32, 33, out, 3, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "RLE: bit width 33");
}

static void rle_round_trip(int w, size_t n, int mode)
{
    uint32_t *v = malloc((n ? n : 1) * sizeof *v);
    uint32_t *back = malloc((n ? n : 1) * sizeof *back + 64);
    uint64_t mask = w == 0 ? 0 : (w == 32 ? UINT32_MAX : (((uint64_t)1 << w) - 1));
    for (size_t i = 0; i < n;) {
        size_t run = mode == 0 ? 1 : 1 + rnd() % (mode == 1 ? 20 : 300);
        uint32_t x = (uint32_t)(rnd() & mask);
        if (rnd() % 4 == 0)
            x = (uint32_t)mask; /* extremes of the width */
        for (size_t k = 0; k < run && i < n; k++)
            v[i++] = mode == 0 ? (uint32_t)(rnd() & mask) : x;
    }
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_rle_encode_prefixed(v, n, w, &b, &err), AF_OK);
    size_t used = 0;
    CHECK_INT(af_pq_rle_decode_prefixed(b.data, b.len, w, back, n, &used, &err), AF_OK);
    CHECK_INT(used, b.len);
    int same = n == 0 || memcmp(v, back, n * sizeof *v) == 0;
    CHECK(same);
    if (!same)
        fprintf(stderr, "RLE round trip failed: width %d, %zu values, mode %d\n", w, n, mode);
    /* streaming in odd-sized pieces gives the same values */
    af_pq_rle_reader r;
    CHECK_INT(af_pq_rle_reader_init(&r, b.data + 4, b.len - 4, w, &err), AF_OK);
    size_t got = 0, piece = 1;
    while (got < n) {
        size_t take = n - got < piece ? n - got : piece;
        CHECK_INT(af_pq_rle_read(&r, back + got, take, &err), AF_OK);
        got += take;
        piece = piece * 3 % 61 + 1;
    }
    CHECK(n == 0 || memcmp(v, back, n * sizeof *v) == 0);
    af_buf_free(&b);
    free(v);
    free(back);
}

TEST(rle_round_trips)
{
    static const int widths[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 24, 31, 32};
    static const size_t sizes[] = {0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099};
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
            for (int mode = 0; mode < 3; mode++)
                rle_round_trip(widths[wi], sizes[si], mode);
}

TEST(rle_encoder_choices)
{
    uint32_t v[1000];
    for (int i = 0; i < 1000; i++)
        v[i] = 1;
    af_buf b;
    af_buf_init(&b);
    /* one RLE run: varint(2000) is 2 bytes, plus one value byte */
    CHECK_INT(af_pq_rle_encode(v, 1000, 1, &b, &err), AF_OK);
    CHECK_INT(b.len, 3);
    /* 3 odd values then a run of 20: the run tops up the group of 8 and
     * the remaining 15 go as one RLE run */
    uint32_t w[23] = {1, 2, 3};
    for (int i = 3; i < 23; i++)
        w[i] = 0;
    af_buf_reset(&b);
    CHECK_INT(af_pq_rle_encode(w, 23, 2, &b, &err), AF_OK);
    CHECK_INT(b.len, 1 + 2 + 1 + 1); /* bp header, 2 bytes, rle header, value */
    CHECK_INT(b.data[3], 15 << 1);
    uint32_t bad = 8;
    CHECK_INT(af_pq_rle_encode(&bad, 1, 3, &b, &err), AF_EINVAL);
    af_buf_free(&b);
}

TEST(rle_malformed)
{
    uint32_t out[64];
    static const uint8_t cut_header[] = {0x80};
    CHECK_INT(af_pq_rle_decode(cut_header, 1, 3, out, 1, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "RLE: run header at byte 0");
    static const uint8_t long_header[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    CHECK_INT(af_pq_rle_decode(long_header, sizeof long_header, 3, out, 1, NULL, &err), AF_EPARSE);
    static const uint8_t cut_value[] = {0x04, 0x01};
    CHECK_INT(af_pq_rle_decode(cut_value, 2, 9, out, 2, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "truncated");
    static const uint8_t cut_packed[] = {0x05, 0x88, 0xC6, 0xFA}; /* 2 groups, 1 present */
    CHECK_INT(af_pq_rle_decode(cut_packed, 4, 3, out, 16, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "bit-packed run at byte 1 needs 6 bytes, only 3 remain");
    /* ...but the values that are present can be read */
    CHECK_INT(af_pq_rle_decode(cut_packed, 4, 3, out, 8, NULL, &err), AF_OK);
    CHECK_INT(out[7], 7);
    static const uint8_t short_data[] = {0x04, 0x01};
    CHECK_INT(af_pq_rle_decode(short_data, 2, 1, out, 3, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "1 values short");
    static const uint8_t bad_prefix[] = {0x10, 0x00, 0x00, 0x00, 0x04, 0x01};
    CHECK_INT(af_pq_rle_decode_prefixed(bad_prefix, 6, 1, out, 2, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "length prefix 16 is larger than the 2 bytes that follow");
    CHECK_INT(af_pq_rle_decode_prefixed(bad_prefix, 3, 1, out, 2, NULL, &err), AF_EPARSE);
    /* a huge run is capped by the requested count */
    static const uint8_t huge[] = {0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x01};
    CHECK_INT(af_pq_rle_decode(huge, sizeof huge, 1, out, 64, NULL, &err), AF_OK);
    CHECK_INT(out[63], 1);
    /* a huge bit-packed group count with few bytes */
    static const uint8_t huge_bp[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0xAA};
    CHECK_INT(af_pq_rle_decode(huge_bp, sizeof huge_bp, 1, out, 8, NULL, &err), AF_OK);
    CHECK_INT(af_pq_rle_decode(huge_bp, sizeof huge_bp, 1, out, 9, NULL, &err), AF_EPARSE);
}

TEST(dictionary_index_check)
{
    uint32_t idx[] = {0, 3, 2, 4};
    CHECK_INT(af_pq_check_indices(idx, 3, 4, &err), AF_OK);
    CHECK_INT(af_pq_check_indices(idx, 4, 4, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "dictionary index 4 (value 3) is out of range");
    CHECK_INT(af_pq_check_indices(idx, 0, 0, &err), AF_OK);
}

TEST(rle_booleans)
{
    /* prefix 3, RLE run of 9 trues: header 18, value 1; then trailing */
    static const uint8_t src[] = {0x02, 0x00, 0x00, 0x00, 0x12, 0x01, 0x77};
    uint8_t out[9];
    size_t used = 0;
    CHECK_INT(af_pq_rle_bool_decode(src, sizeof src, out, 9, &used, &err), AF_OK);
    CHECK_INT(used, 6);
    CHECK_INT(out[8], 1);
    uint8_t vals[700];
    for (int i = 0; i < 700; i++)
        vals[i] = i < 300 ? (uint8_t)(rnd() & 1) : (i < 600 ? 1 : 0);
    vals[5] = 7; /* nonzero is true */
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_rle_bool_encode(vals, 700, &b, &err), AF_OK);
    uint8_t back[700];
    CHECK_INT(af_pq_rle_bool_decode(b.data, b.len, back, 700, &used, &err), AF_OK);
    CHECK_INT(used, b.len);
    int ok = 1;
    for (int i = 0; i < 700; i++)
        ok &= back[i] == (vals[i] != 0);
    CHECK(ok);
    af_buf_free(&b);
    static const uint8_t two[] = {0x02, 0x00, 0x00, 0x00, 0x12, 0x02};
    CHECK_INT(af_pq_rle_bool_decode(two, sizeof two, out, 9, &used, &err), AF_EPARSE);
}

/* ---- PLAIN ---- */

TEST(plain_fixed)
{
    int64_t v64[5] = {0, -1, INT64_MIN, INT64_MAX, 42};
    double d[3] = {1.5, -0.0, 1e300};
    uint8_t i96[24];
    for (int i = 0; i < 24; i++)
        i96[i] = (uint8_t)i;
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_plain_encode_fixed(v64, 8, 5, &b, &err), AF_OK);
    CHECK_INT(b.len, 40);
    CHECK_INT(b.data[8], 0xFF);
    int64_t back64[5];
    size_t used = 0;
    CHECK_INT(af_pq_plain_decode_fixed(b.data, b.len, 8, back64, 5, &used, &err), AF_OK);
    CHECK(memcmp(back64, v64, sizeof v64) == 0);
    CHECK_INT(used, 40);
    CHECK_INT(af_pq_plain_decode_fixed(b.data, b.len, 8, back64, 6, &used, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "PLAIN: 6 values of 8 bytes");
    af_buf_reset(&b);
    CHECK_INT(af_pq_plain_encode_fixed(d, 8, 3, &b, &err), AF_OK);
    double dback[3];
    CHECK_INT(af_pq_plain_decode_fixed(b.data, b.len, 8, dback, 3, NULL, &err), AF_OK);
    CHECK(memcmp(dback, d, sizeof d) == 0);
    uint8_t ib[24];
    CHECK_INT(af_pq_plain_decode_fixed(i96, 24, 12, ib, 2, &used, &err), AF_OK);
    CHECK(memcmp(ib, i96, 24) == 0);
    /* INT32 little-endian from bytes */
    static const uint8_t le[] = {0x01, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0xFF};
    int32_t i32[2];
    CHECK_INT(af_pq_plain_decode_fixed(le, 8, 4, i32, 2, NULL, &err), AF_OK);
    CHECK_INT(i32[0], INT32_MIN + 1);
    CHECK_INT(i32[1], -1);
    CHECK_INT(af_pq_plain_decode_fixed(le, 8, 0, i32, 2, NULL, &err), AF_EPARSE);
    af_buf_free(&b);
}

TEST(plain_bool)
{
    static const uint8_t src[] = {0x05, 0x80};
    uint8_t out[16];
    size_t used = 0;
    CHECK_INT(af_pq_plain_decode_bool(src, 2, out, 16, &used, &err), AF_OK);
    CHECK_INT(out[0], 1);
    CHECK_INT(out[1], 0);
    CHECK_INT(out[2], 1);
    CHECK_INT(out[15], 1);
    CHECK_INT(used, 2);
    CHECK_INT(af_pq_plain_decode_bool(src, 2, out, 3, &used, &err), AF_OK);
    CHECK_INT(used, 1);
    CHECK_INT(af_pq_plain_decode_bool(src, 2, out, 17, &used, &err), AF_EPARSE);
    uint8_t vals[11] = {1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_plain_encode_bool(vals, 11, &b, &err), AF_OK);
    CHECK_INT(b.len, 2);
    CHECK_INT(b.data[0], 0x05);
    CHECK_INT(b.data[1], 0x04);
    af_buf_free(&b);
}

TEST(plain_byte_array)
{
    static const uint8_t src[] = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0, 2, 0, 0, 0, 'x', 'y', 9};
    af_pq_view v[3];
    size_t used = 0;
    CHECK_INT(af_pq_plain_decode_byte_array(src, sizeof src, v, 3, &used, &err), AF_OK);
    CHECK_INT(used, 17);
    CHECK_INT(v[0].len, 3);
    CHECK(v[0].ptr == src + 4); /* zero copy */
    CHECK_INT(v[1].len, 0);
    CHECK(memcmp(v[2].ptr, "xy", 2) == 0);
    CHECK_INT(af_pq_plain_decode_byte_array(src, 16, v, 3, &used, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "PLAIN: byte array 2 at byte 11 has length 2");
    CHECK_INT(af_pq_plain_decode_byte_array(src, sizeof src, v, 5, &used, &err), AF_EPARSE);
    static const uint8_t huge[] = {0xFF, 0xFF, 0xFF, 0xFF, 'a'};
    CHECK_INT(af_pq_plain_decode_byte_array(huge, sizeof huge, v, 1, &used, &err), AF_EPARSE);

    /* Arrow-style offsets, appended after existing data */
    af_buf data;
    af_buf_init(&data);
    af_buf_append(&data, "zz", 2);
    int32_t off[4];
    CHECK_INT(af_pq_plain_decode_byte_array_offsets(src, sizeof src, off, &data, 3, &used, &err),
              AF_OK);
    CHECK_INT(off[0], 2);
    CHECK_INT(off[1], 5);
    CHECK_INT(off[2], 5);
    CHECK_INT(off[3], 7);
    CHECK(memcmp(data.data, "zzabcxy", 7) == 0);
    CHECK_INT(af_pq_plain_decode_byte_array_offsets(src, 16, off, &data, 3, &used, &err),
              AF_EPARSE);
    CHECK_INT(data.len, 7); /* nothing appended on error */

    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_plain_encode_byte_array(v, 3, &b, &err), AF_OK);
    CHECK_INT(b.len, 17);
    CHECK(memcmp(b.data, src, 17) == 0);
    af_buf_reset(&b);
    int32_t o2[4] = {2, 5, 5, 7};
    CHECK_INT(af_pq_plain_encode_byte_array_offsets(o2, data.data, 3, &b, &err), AF_OK);
    CHECK(b.len == 17 && memcmp(b.data, src, 17) == 0);
    af_buf_free(&b);
    af_buf_free(&data);
}

/* ---- DELTA_BINARY_PACKED ---- */

TEST(delta_spec_examples)
{
    /* Example 1: 1..5 -> block 8, 1 miniblock, 5 values, first 1; min delta 1, width 0 */
    static const uint8_t ex1[] = {8, 1, 5, 2, 2, 0};
    int32_t o[8];
    size_t used = 0;
    CHECK_INT(af_pq_delta_decode_int32(ex1, sizeof ex1, o, 5, &used, &err), AF_OK);
    for (int i = 0; i < 5; i++)
        CHECK_INT(o[i], i + 1);
    CHECK_INT(used, 6);
    /* Example 2: 7,5,3,1,2,3,4,5 -> min delta -2, width 2, packed 0,0,0,3,3,3,3 (+1 pad) */
    static const uint8_t ex2[] = {8, 1, 8, 14, 3, 2, 0xC0, 0x3F};
    static const int32_t want[] = {7, 5, 3, 1, 2, 3, 4, 5};
    CHECK_INT(af_pq_delta_decode_int32(ex2, sizeof ex2, o, 8, &used, &err), AF_OK);
    CHECK(memcmp(o, want, sizeof want) == 0);
    CHECK_INT(used, 8);
    int64_t o64[8];
    CHECK_INT(af_pq_delta_decode_int64(ex2, sizeof ex2, o64, 8, &used, &err), AF_OK);
    CHECK_INT(o64[7], 5);
    uint64_t cnt = 0;
    CHECK_INT(af_pq_delta_peek_count(ex2, sizeof ex2, &cnt, &err), AF_OK);
    CHECK_INT(cnt, 8);
}

TEST(delta_boundary_widths)
{
    /* width 64: 2 values, delta 0 + (2^64 - 1) wraps to -1 */
    uint8_t w64[6 + 64];
    memset(w64, 0, sizeof w64);
    w64[0] = 8, w64[1] = 1, w64[2] = 2, w64[3] = 0, w64[4] = 0, w64[5] = 64;
    memset(w64 + 6, 0xFF, 8);
    int64_t o[2];
    CHECK_INT(af_pq_delta_decode_int64(w64, sizeof w64, o, 2, NULL, &err), AF_OK);
    CHECK_INT(o[0], 0);
    CHECK_INT(o[1], -1);
    w64[5] = 65;
    CHECK_INT(af_pq_delta_decode_int64(w64, sizeof w64, o, 2, NULL, &err), AF_EPARSE);
    CHECK_STR(err.msg, "DELTA_BINARY_PACKED: miniblock bit width 65 is larger than 64");
    w64[5] = 70;
    CHECK_INT(af_pq_delta_decode_int64(w64, sizeof w64, o, 2, NULL, &err), AF_EPARSE);
    CHECK_STR(err.msg, "DELTA_BINARY_PACKED: miniblock bit width 70 is larger than 64");
    /* INT32 with width 33 (DuckDB writes such deltas): the low 32 bits
     * count, modulo 2^32: all-ones is -1 again; 65 is still refused */
    int32_t o32[2];
    w64[5] = 33;
    o32[1] = 0;
    CHECK_INT(af_pq_delta_decode_int32(w64, sizeof w64, o32, 2, NULL, &err), AF_OK);
    CHECK_INT(o32[1], -1);
    w64[5] = 65;
    CHECK_INT(af_pq_delta_decode_int32(w64, sizeof w64, o32, 2, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "larger than 64");
    w64[5] = 32;
    CHECK_INT(af_pq_delta_decode_int32(w64, sizeof w64, o32, 2, NULL, &err), AF_OK);
    CHECK_INT(o32[1], -1);
    /* width 1 and 31 */
    w64[5] = 1;
    w64[6] = 0x01;
    CHECK_INT(af_pq_delta_decode_int32(w64, 6 + 1, o32, 2, NULL, &err), AF_OK);
    CHECK_INT(o32[1], 1);
    w64[5] = 31;
    memset(w64 + 6, 0xFF, 4);
    CHECK_INT(af_pq_delta_decode_int32(w64, 6 + 31, o32, 2, NULL, &err), AF_OK);
    CHECK_INT(o32[1], INT32_MAX);
    /* width 0 with a nonzero min delta: an arithmetic sequence */
    static const uint8_t w0[] = {0x80, 0x01, 1, 4, 1, 0x81, 0x01, 0, 0};
    int32_t a[4];
    CHECK_INT(af_pq_delta_decode_int32(w0, sizeof w0, a, 4, NULL, &err), AF_OK);
    CHECK_INT(a[0], -1);
    CHECK_INT(a[3], -1 - 3 * 65);
}

static void delta_rt32(const int32_t *v, size_t n)
{
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_delta_encode_int32(v, n, &b, &err), AF_OK);
    int32_t *back = malloc((n ? n : 1) * sizeof *back);
    size_t used = 0;
    CHECK_INT(af_pq_delta_decode_int32(b.data, b.len, back, n, &used, &err), AF_OK);
    CHECK_INT(used, b.len);
    CHECK(n == 0 || memcmp(back, v, n * sizeof *v) == 0);
    free(back);
    af_buf_free(&b);
}

static void delta_rt64(const int64_t *v, size_t n)
{
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_delta_encode_int64(v, n, &b, &err), AF_OK);
    int64_t *back = malloc((n ? n : 1) * sizeof *back);
    size_t used = 0;
    CHECK_INT(af_pq_delta_decode_int64(b.data, b.len, back, n, &used, &err), AF_OK);
    CHECK_INT(used, b.len);
    CHECK(n == 0 || memcmp(back, v, n * sizeof *v) == 0);
    free(back);
    af_buf_free(&b);
}

TEST(delta_round_trips)
{
    static const size_t sizes[] = {0, 1, 2, 31, 32, 33, 127, 128, 129, 130, 1000, 5000};
    int32_t *v32 = malloc(5000 * sizeof *v32);
    int64_t *v64 = malloc(5000 * sizeof *v64);
    for (int pattern = 0; pattern < 6; pattern++) {
        for (size_t i = 0; i < 5000; i++) {
            uint64_t r = rnd();
            switch (pattern) {
            case 0: v64[i] = (int64_t)r; break;                           /* full width */
            case 1: v64[i] = (int64_t)i * 1000 + (int64_t)(r % 7); break; /* sorted */
            case 2: v64[i] = 42; break;                                   /* constant */
            case 3: v64[i] = (i & 1) ? INT64_MAX : INT64_MIN; break;      /* extremes */
            case 4: v64[i] = (i % 3) ? 0 : INT64_MAX; break;              /* width 64 */
            default: v64[i] = (int64_t)(r % 3) - 1; break;                /* tiny */
            }
            v32[i] = pattern == 3 ? ((i & 1) ? INT32_MAX : INT32_MIN)
                                  : (pattern == 4 ? ((i % 3) ? 0 : INT32_MAX) : (int32_t)v64[i]);
        }
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            delta_rt32(v32, sizes[s]);
            delta_rt64(v64, sizes[s]);
        }
    }
    /* the encoder really uses width 64 for 0, INT64_MAX, 0 */
    int64_t w[3] = {0, INT64_MAX, 0};
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_delta_encode_int64(w, 3, &b, &err), AF_OK);
    /* header 128 (2 bytes), 4, 3, 0; min delta -INT64_MAX is 10 varint bytes */
    CHECK_INT(b.data[5 + 10], 64);
    af_buf_free(&b);
    free(v32);
    free(v64);
}

TEST(delta_malformed)
{
    int32_t o[300];
    static const uint8_t cut[] = {0x80, 0x01, 4};
    CHECK_INT(af_pq_delta_decode_int32(cut, sizeof cut, o, 3, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "DELTA_BINARY_PACKED: header is truncated");
    static const uint8_t zero_block[] = {0, 1, 3, 0};
    CHECK_INT(af_pq_delta_decode_int32(zero_block, 4, o, 3, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "block size 0");
    static const uint8_t bad_mini[] = {0x80, 0x01, 3, 3, 0};
    CHECK_INT(af_pq_delta_decode_int32(bad_mini, 5, o, 3, NULL, &err), AF_EPARSE);
    static const uint8_t odd_mini[] = {0x80, 0x01, 32, 3, 0};
    CHECK_INT(af_pq_delta_decode_int32(odd_mini, 5, o, 3, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "4 values per miniblock is not a multiple of 8");
    static const uint8_t count_mismatch[] = {8, 1, 5, 2, 2, 0};
    CHECK_INT(af_pq_delta_decode_int32(count_mismatch, 6, o, 4, NULL, &err), AF_EPARSE);
    CHECK_STR(err.msg, "DELTA_BINARY_PACKED: header says 5 values, the page expects 4");
    /* a billion values claimed by 12 bytes fails before any work */
    static const uint8_t claim[] = {0x80, 0x01, 4, 0x80, 0x94, 0xEB, 0xDC, 0x03, 0, 0, 0, 0};
    uint64_t c = 0;
    CHECK_INT(af_pq_delta_peek_count(claim, sizeof claim, &c, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "more than the 3 bytes that remain can hold");
    static const uint8_t no_min[] = {8, 1, 5, 2};
    CHECK_INT(af_pq_delta_decode_int32(no_min, 4, o, 5, NULL, &err), AF_EPARSE);
    static const uint8_t no_widths[] = {16, 2, 5, 2, 2, 0};
    CHECK_INT(af_pq_delta_decode_int32(no_widths, 6, o, 5, NULL, &err), AF_EPARSE);
    static const uint8_t cut_mini[] = {8, 1, 8, 14, 3, 2, 0xC0};
    CHECK_INT(af_pq_delta_decode_int32(cut_mini, sizeof cut_mini, o, 8, NULL, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "miniblock at byte 6 needs 2 bytes, only 1 remain");
    /* the last miniblock cut short but holding every value is accepted */
    static const uint8_t short_last[] = {8, 1, 5, 14, 3, 2, 0xC0};
    CHECK_INT(af_pq_delta_decode_int32(short_last, sizeof short_last, o, 5, NULL, &err), AF_OK);
    CHECK_INT(o[4], 2);
    /* unused miniblock widths in the last block may hold anything */
    static const uint8_t junk_widths[] = {16, 2, 5, 2, 2, 0, 200};
    CHECK_INT(af_pq_delta_decode_int32(junk_widths, sizeof junk_widths, o, 5, NULL, &err), AF_OK);
    CHECK_INT(o[4], 5);
}

/* ---- byte arrays ---- */

static af_pq_view S(const char *s)
{
    return (af_pq_view){(const uint8_t *)s, (uint32_t)strlen(s)};
}

TEST(delta_length_byte_array)
{
    af_pq_view v[5] = {S("Hello"), S("World"), S("Foobar"), S(""), S("ABCDEF")};
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_delta_length_encode(v, 5, &b, &err), AF_OK);
    CHECK(memcmp(b.data + b.len - 22, "HelloWorldFoobarABCDEF", 22) == 0);
    af_pq_view back[5];
    size_t used = 0;
    CHECK_INT(af_pq_delta_length_decode(b.data, b.len, back, 5, &used, &err), AF_OK);
    CHECK_INT(used, b.len);
    for (int i = 0; i < 5; i++)
        CHECK(back[i].len == v[i].len && memcmp(back[i].ptr, v[i].ptr, v[i].len) == 0);
    CHECK(back[4].ptr == b.data + b.len - 6); /* zero copy */
    CHECK_INT(af_pq_delta_length_decode(b.data, b.len - 1, back, 5, &used, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "DELTA_LENGTH_BYTE_ARRAY: value 4 of 6 bytes runs past");
    CHECK_INT(af_pq_delta_length_decode(b.data, b.len, back, 4, &used, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "DELTA_LENGTH_BYTE_ARRAY lengths: DELTA_BINARY_PACKED: header says 5");
    /* a negative length: 2 values, first -1 */
    static const uint8_t neg[] = {8, 1, 2, 1, 2, 0};
    CHECK_INT(af_pq_delta_length_decode(neg, sizeof neg, back, 2, &used, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "negative length -1");
    af_buf_free(&b);
}

TEST(delta_byte_array)
{
    af_pq_view v[6] = {S("axis"), S("axle"), S("babble"), S("babyhood"), S("babyhood"), S("")};
    af_buf b, data;
    af_buf_init(&b);
    af_buf_init(&data);
    CHECK_INT(af_pq_delta_byte_array_encode(v, 6, &b, &err), AF_OK);
    af_pq_view back[6];
    size_t used = 0;
    CHECK_INT(af_pq_delta_byte_array_decode(b.data, b.len, back, 6, &data, 1 << 20, &used, &err),
              AF_OK);
    CHECK_INT(used, b.len);
    for (int i = 0; i < 6; i++)
        CHECK(back[i].len == v[i].len && memcmp(back[i].ptr, v[i].ptr, v[i].len) == 0);
    CHECK_INT(data.len, 4 + 4 + 6 + 8 + 8);
    CHECK_INT(af_pq_delta_byte_array_decode(b.data, b.len, back, 6, &data, 20, &used, &err),
              AF_ELIMIT);
    /* prefixes 0,2 over suffixes "ab","c": the spec's layout by hand */
    static const uint8_t hand[] = {8,   1,   2,  0, 4, 0, /* prefix lengths 0, 2 */
                                   8,   1,   2,  4, 1, 0, /* suffix lengths 2, 1 */
                                   'a', 'b', 'c'};
    CHECK_INT(af_pq_delta_byte_array_decode(hand, sizeof hand, back, 2, &data, 100, &used, &err),
              AF_OK);
    CHECK(back[1].len == 3 && memcmp(back[1].ptr, "abc", 3) == 0);
    /* a prefix longer than the previous value */
    uint8_t bad[sizeof hand];
    memcpy(bad, hand, sizeof hand);
    bad[3] = 2; /* first value 1: prefix 1 with nothing before */
    CHECK_INT(af_pq_delta_byte_array_decode(bad, sizeof bad, back, 2, &data, 100, &used, &err),
              AF_EPARSE);
    CHECK_CONTAINS(err.msg, "DELTA_BYTE_ARRAY: value 0 has prefix length 1");
    af_buf_free(&b);
    af_buf_free(&data);
}

/* ---- BYTE_STREAM_SPLIT ---- */

TEST(byte_stream_split)
{
    static const uint8_t src[] = {1, 5, 2, 6, 3, 7, 4, 8};
    uint8_t out[8];
    CHECK_INT(af_pq_bss_decode(src, 8, 4, out, 2, &err), AF_OK);
    static const uint8_t want[] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(memcmp(out, want, 8) == 0);
    CHECK_INT(af_pq_bss_decode(src, 6, 3, out, 2, &err), AF_OK); /* FIXED_LEN_BYTE_ARRAY(3) */
    static const uint8_t want3[] = {1, 2, 3, 5, 6, 7};
    CHECK(memcmp(out, want3, 6) == 0);
    CHECK_INT(af_pq_bss_decode(src, 7, 4, out, 2, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, "BYTE_STREAM_SPLIT");
    CHECK_INT(af_pq_bss_decode(src, 8, 4, out, 1, &err), AF_EPARSE);
    CHECK_INT(af_pq_bss_decode(src, 8, 0, out, 1, &err), AF_EPARSE);

    double d[1000];
    float f[999];
    for (int i = 0; i < 1000; i++)
        d[i] = i * 0.25 - 3;
    for (int i = 0; i < 999; i++)
        f[i] = (float)i / 7.0f;
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_pq_bss_encode(d, 8, 1000, &b, &err), AF_OK);
    double dback[1000];
    CHECK_INT(af_pq_bss_decode(b.data, b.len, 8, (uint8_t *)dback, 1000, &err), AF_OK);
    CHECK(memcmp(dback, d, sizeof d) == 0);
    af_buf_reset(&b);
    CHECK_INT(af_pq_bss_encode(f, 4, 999, &b, &err), AF_OK);
    float fback[999];
    CHECK_INT(af_pq_bss_decode(b.data, b.len, 4, (uint8_t *)fback, 999, &err), AF_OK);
    CHECK(memcmp(fback, f, sizeof f) == 0);
    af_buf_free(&b);
}

TEST_MAIN()
