/* fuzz_encodings.c - libFuzzer harness for the Parquet value decoders
 * (formats/parquet/encoding.h).
 *
 * Input layout: byte 0 picks the decoder, byte 1 its parameter (bit width,
 * value width), bytes 2-3 the expected value count (little-endian, so at
 * most 65535 and the outputs stay small); the rest is the encoded page.
 * Beyond "no crash, no UB, no leak", whatever decodes must survive a round
 * trip through our encoder, and the streaming RLE reader must agree with
 * the whole-buffer decoder.
 */
#include "formats/parquet/encoding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void rle(const uint8_t *in, size_t n, int bw, size_t count, int prefixed)
{
    af_error err;
    uint32_t *out = malloc((count + 1) * sizeof *out);
    size_t used = 0;
    int rc = prefixed ? af_pq_rle_decode_prefixed(in, n, bw, out, count, &used, &err)
                      : af_pq_rle_decode(in, n, bw, out, count, &used, &err);
    CHECK(rc == AF_OK || rc == AF_EPARSE);
    if (rc == AF_OK) {
        CHECK(used <= n);
        af_buf b;
        af_buf_init(&b);
        CHECK(af_pq_rle_encode_prefixed(out, count, bw, &b, &err) == AF_OK);
        uint32_t *back = malloc((count + 1) * sizeof *back);
        CHECK(af_pq_rle_decode_prefixed(b.data, b.len, bw, back, count, &used, &err) == AF_OK);
        CHECK(used == b.len);
        CHECK(memcmp(out, back, count * sizeof *out) == 0);
        if (!prefixed) {
            /* the streaming reader in uneven pieces agrees */
            af_pq_rle_reader r;
            CHECK(af_pq_rle_reader_init(&r, in, n, bw, &err) == AF_OK);
            size_t got = 0, piece = 1;
            while (got < count) {
                size_t take = count - got < piece ? count - got : piece;
                CHECK(af_pq_rle_read(&r, back + got, take, &err) == AF_OK);
                got += take;
                piece = piece * 5 % 97 + 1;
            }
            CHECK(memcmp(out, back, count * sizeof *out) == 0);
        }
        free(back);
        af_buf_free(&b);
    }
    free(out);
}

static void delta(const uint8_t *in, size_t n, size_t count, int is32)
{
    af_error err;
    int64_t *out = malloc((count + 1) * sizeof *out);
    size_t used = 0;
    int rc = is32 ? af_pq_delta_decode_int32(in, n, (int32_t *)out, count, &used, &err)
                  : af_pq_delta_decode_int64(in, n, out, count, &used, &err);
    CHECK(rc == AF_OK || rc == AF_EPARSE);
    if (rc == AF_OK) {
        CHECK(used <= n);
        af_buf b;
        af_buf_init(&b);
        int64_t *back = malloc((count + 1) * sizeof *back);
        if (is32) {
            CHECK(af_pq_delta_encode_int32((int32_t *)out, count, &b, &err) == AF_OK);
            CHECK(af_pq_delta_decode_int32(b.data, b.len, (int32_t *)back, count, &used, &err) ==
                  AF_OK);
            CHECK(memcmp(out, back, count * sizeof(int32_t)) == 0);
        } else {
            CHECK(af_pq_delta_encode_int64(out, count, &b, &err) == AF_OK);
            CHECK(af_pq_delta_decode_int64(b.data, b.len, back, count, &used, &err) == AF_OK);
            CHECK(memcmp(out, back, count * sizeof(int64_t)) == 0);
        }
        CHECK(used == b.len);
        free(back);
        af_buf_free(&b);
    }
    free(out);
}

static void same_bytes(const af_pq_view *a, const af_pq_view *b, size_t count)
{
    for (size_t i = 0; i < count; i++)
        CHECK(a[i].len == b[i].len && (a[i].len == 0 || memcmp(a[i].ptr, b[i].ptr, a[i].len) == 0));
}

static void byte_arrays(const uint8_t *in, size_t n, size_t count, int kind)
{
    af_error err;
    af_pq_view *v = malloc((count + 1) * sizeof *v);
    af_pq_view *back = malloc((count + 1) * sizeof *back);
    af_buf b, data, data2;
    af_buf_init(&b);
    af_buf_init(&data);
    af_buf_init(&data2);
    size_t used = 0;
    int rc;
    if (kind == 0) {
        rc = af_pq_plain_decode_byte_array(in, n, v, count, &used, &err);
        int32_t *off = malloc((count + 1) * sizeof *off);
        size_t used2 = 0;
        int rc2 = af_pq_plain_decode_byte_array_offsets(in, n, off, &data2, count, &used2, &err);
        CHECK(rc == rc2);
        if (rc == AF_OK) {
            CHECK(used == used2);
            for (size_t i = 0; i < count; i++)
                CHECK((uint32_t)(off[i + 1] - off[i]) == v[i].len &&
                      memcmp(data2.data + off[i], v[i].ptr, v[i].len) == 0);
        }
        free(off);
    } else if (kind == 1) {
        rc = af_pq_delta_length_decode(in, n, v, count, &used, &err);
    } else {
        rc = af_pq_delta_byte_array_decode(in, n, v, count, &data, 1 << 22, &used, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_ELIMIT);
        if (rc == AF_ELIMIT)
            rc = AF_EPARSE;
    }
    CHECK(rc == AF_OK || rc == AF_EPARSE);
    if (rc == AF_OK) {
        CHECK(used <= n);
        if (kind == 0) {
            CHECK(af_pq_plain_encode_byte_array(v, count, &b, &err) == AF_OK);
            CHECK(b.len == used && (used == 0 || memcmp(b.data, in, used) == 0));
        } else if (kind == 1) {
            CHECK(af_pq_delta_length_encode(v, count, &b, &err) == AF_OK);
            CHECK(af_pq_delta_length_decode(b.data, b.len, back, count, &used, &err) == AF_OK);
            same_bytes(v, back, count);
        } else {
            CHECK(af_pq_delta_byte_array_encode(v, count, &b, &err) == AF_OK);
            CHECK(af_pq_delta_byte_array_decode(b.data, b.len, back, count, &data2, 1 << 22, &used,
                                                &err) == AF_OK);
            same_bytes(v, back, count);
        }
    }
    af_buf_free(&b);
    af_buf_free(&data);
    af_buf_free(&data2);
    free(v);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint8_t sel = data[0], p = data[1];
    size_t count = (size_t)data[2] | (size_t)data[3] << 8;
    const uint8_t *in = data + 4;
    size_t n = size - 4;
    af_error err;
    switch (sel % 12) {
    case 0: rle(in, n, p % 34, count, 0); break;
    case 1: rle(in, n, p % 33, count, 1); break;
    case 2: {
        uint8_t *out = malloc(count + 1);
        int rc = af_pq_rle_bool_decode(in, n, out, count, NULL, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE);
        for (size_t i = 0; rc == AF_OK && i < count; i++)
            CHECK(out[i] <= 1);
        free(out);
        break;
    }
    case 3: {
        size_t w = (size_t)(p % 16);
        uint8_t *out = malloc(count * (w ? w : 1) + 1);
        size_t used = 0;
        int rc = af_pq_plain_decode_fixed(in, n, w, out, count, &used, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE);
        if (rc == AF_OK)
            CHECK(used == count * w && memcmp(out, in, used) == 0);
        free(out);
        break;
    }
    case 4: {
        uint8_t *out = malloc(count + 1);
        int rc = af_pq_plain_decode_bool(in, n, out, count, NULL, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE);
        if (rc == AF_OK) {
            af_buf b;
            af_buf_init(&b);
            CHECK(af_pq_plain_encode_bool(out, count, &b, &err) == AF_OK);
            uint8_t *back = malloc(count + 1);
            CHECK(af_pq_plain_decode_bool(b.data, b.len, back, count, NULL, &err) == AF_OK);
            CHECK(memcmp(out, back, count) == 0);
            free(back);
            af_buf_free(&b);
        }
        free(out);
        break;
    }
    case 5: byte_arrays(in, n, count, 0); break;
    case 6: delta(in, n, count, 1); break;
    case 7: delta(in, n, count, 0); break;
    case 8: byte_arrays(in, n, count, 1); break;
    case 9: byte_arrays(in, n, count, 2); break;
    case 10: {
        size_t w = (size_t)(p % 17);
        uint8_t *out = malloc(count * (w ? w : 1) + 1);
        int rc = af_pq_bss_decode(in, n, w, out, count, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE);
        if (rc == AF_OK) {
            af_buf b;
            af_buf_init(&b);
            CHECK(af_pq_bss_encode(out, w, count, &b, &err) == AF_OK);
            CHECK(b.len == n && (n == 0 || memcmp(b.data, in, n) == 0));
            af_buf_free(&b);
        }
        free(out);
        break;
    }
    default: {
        uint64_t c = 0;
        int rc = af_pq_delta_peek_count(in, n, &c, &err);
        CHECK(rc == AF_OK || rc == AF_EPARSE);
        break;
    }
    }
    return 0;
}
