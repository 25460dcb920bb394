/* fuzz_codec.c - libFuzzer harness for the Parquet page codecs (io/codec.h).
 *
 * Byte 0 picks the codec (including LZO and unknown numbers), bytes 1-3 the
 * page's uncompressed size (little-endian, below 1 MiB); the rest is the
 * compressed page. dst is allocated at exactly that size, so ASan catches
 * any write past it. Inputs of up to 64 KiB are also compressed with the
 * codec and must decompress back to themselves.
 */
#include "io/codec.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    af_codec c = (af_codec)(data[0] % 9);
    size_t expected = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)(data[3] & 0x0F) << 16;
    const uint8_t *in = data + 4;
    size_t n = size - 4;
    af_error err;
    uint8_t *dst = malloc(expected ? expected : 1);
    int rc = af_codec_decompress(c, in, n, dst, expected, &err);
    CHECK(rc == AF_OK || rc == AF_EPARSE || rc == AF_EUNSUPPORTED);
    CHECK(rc != AF_EUNSUPPORTED || c == AF_CODEC_LZO || (int)c == 8);
    free(dst);

    if (c != AF_CODEC_LZO && (int)c != 8 && n <= 65536) {
        af_buf b;
        af_buf_init(&b);
        CHECK(af_codec_compress(c, 0, in, n, &b, &err) == AF_OK);
        uint8_t *back = malloc(n ? n : 1);
        rc = af_codec_decompress(c, b.data, b.len, back, n, &err);
        if (rc != AF_OK)
            fprintf(stderr, "%s\n", err.msg);
        CHECK(rc == AF_OK);
        CHECK(n == 0 || memcmp(back, in, n) == 0);
        free(back);
        af_buf_free(&b);
    }
    return 0;
}
