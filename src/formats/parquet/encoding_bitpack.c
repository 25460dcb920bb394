/* encoding_bitpack.c - LSB-first bit packing and ULEB128 varints, the
 * building blocks of the RLE hybrid and DELTA_BINARY_PACKED encodings.
 *
 * Unpacking is the hot loop of every dictionary-encoded column, so blocks of
 * 32 values (4 * w bytes, always byte-aligned) go through one function per
 * bit width that the compiler unrolls with constant shifts and masks; an
 * 8-byte load per value is allowed only when at least 8 bytes of slack
 * follow the block, and the last few bytes of a run take a byte-wise path
 * that never reads past the input.
 */
#include "formats/parquet/encoding.h"
#include "formats/parquet/encoding_internal.h"

#define AF_ALWAYS_INLINE static inline __attribute__((always_inline))

int af_pq_bit_width(uint64_t v)
{
    return v ? 64 - __builtin_clzll(v) : 0;
}

bool af_pq_uleb_read(const uint8_t *src, size_t n, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    size_t p = *pos;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p >= n)
            return false;
        uint8_t b = src[p++];
        if (shift == 63 && (b & 0xfe))
            return false; /* more than 64 bits */
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pos = p;
            *out = v;
            return true;
        }
    }
    return false;
}

int af_pq_uleb_write(af_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t k = 0;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        tmp[k++] = byte | (v ? 0x80 : 0);
    } while (v);
    return af_buf_append(b, tmp, k);
}

/* Byte-at-a-time extraction: reads only the bytes the value occupies. */
static inline uint64_t read_bits_slow(const uint8_t *in, uint64_t bit, int w)
{
    uint64_t v = 0;
    int got = 0;
    while (got < w) {
        size_t byte = (size_t)(bit >> 3);
        int off = (int)(bit & 7);
        int take = 8 - off;
        if (take > w - got)
            take = w - got;
        v |= (uint64_t)((in[byte] >> off) & ((1u << take) - 1)) << got;
        got += take;
        bit += (uint64_t)take;
    }
    return v;
}

AF_ALWAYS_INLINE void unpack32_block(const uint8_t *in, uint32_t *out, const int w)
{
    const uint64_t mask = ((uint64_t)1 << w) - 1;
#pragma GCC unroll 32
    for (int k = 0; k < 32; k++) {
        const unsigned bit = (unsigned)(k * w);
        out[k] = (uint32_t)((af_pq_load64(in + (bit >> 3)) >> (bit & 7)) & mask);
    }
}

#define AF_UNPACK32(w)                                                                             \
    static void unpack32_w##w(const uint8_t *in, uint32_t *out)                                    \
    {                                                                                              \
        unpack32_block(in, out, w);                                                                \
    }
AF_UNPACK32(1)
AF_UNPACK32(2)
AF_UNPACK32(3)
AF_UNPACK32(4)
AF_UNPACK32(5)
AF_UNPACK32(6)
AF_UNPACK32(7)
AF_UNPACK32(8)
AF_UNPACK32(9)
AF_UNPACK32(10)
AF_UNPACK32(11)
AF_UNPACK32(12)
AF_UNPACK32(13)
AF_UNPACK32(14)
AF_UNPACK32(15)
AF_UNPACK32(16)
AF_UNPACK32(17)
AF_UNPACK32(18)
AF_UNPACK32(19)
AF_UNPACK32(20)
AF_UNPACK32(21)
AF_UNPACK32(22)
AF_UNPACK32(23)
AF_UNPACK32(24)
AF_UNPACK32(25)
AF_UNPACK32(26)
AF_UNPACK32(27)
AF_UNPACK32(28)
AF_UNPACK32(29)
AF_UNPACK32(30)
AF_UNPACK32(31)
AF_UNPACK32(32)

typedef void (*unpack32_fn)(const uint8_t *, uint32_t *);
static const unpack32_fn unpack32_fns[33] = {
    NULL,         unpack32_w1,  unpack32_w2,  unpack32_w3,  unpack32_w4,  unpack32_w5,
    unpack32_w6,  unpack32_w7,  unpack32_w8,  unpack32_w9,  unpack32_w10, unpack32_w11,
    unpack32_w12, unpack32_w13, unpack32_w14, unpack32_w15, unpack32_w16, unpack32_w17,
    unpack32_w18, unpack32_w19, unpack32_w20, unpack32_w21, unpack32_w22, unpack32_w23,
    unpack32_w24, unpack32_w25, unpack32_w26, unpack32_w27, unpack32_w28, unpack32_w29,
    unpack32_w30, unpack32_w31, unpack32_w32,
};

void af_pq_unpack32(const uint8_t *in, size_t avail, int w, uint64_t first, uint32_t *out,
                    size_t count)
{
    if (w == 0) {
        memset(out, 0, count * sizeof *out);
        return;
    }
    const uint64_t mask = ((uint64_t)1 << w) - 1;
    uint64_t idx = first;
    size_t i = 0;
    while (i < count && (idx & 7))
        out[i++] = (uint32_t)read_bits_slow(in, idx++ * (uint64_t)w, w);
    while (i < count) {
        size_t byte = (size_t)(idx / 8 * (uint64_t)w);
        if ((idx & 31) == 0 && count - i >= 32 && avail >= byte + 4 * (size_t)w + 8) {
            unpack32_fns[w](in + byte, out + i);
            i += 32;
            idx += 32;
        } else if (count - i >= 8 && avail >= byte + (size_t)w + 8) {
            for (unsigned k = 0; k < 8; k++) {
                unsigned bit = k * (unsigned)w;
                out[i + k] = (uint32_t)((af_pq_load64(in + byte + (bit >> 3)) >> (bit & 7)) & mask);
            }
            i += 8;
            idx += 8;
        } else {
            break;
        }
    }
    while (i < count)
        out[i++] = (uint32_t)read_bits_slow(in, idx++ * (uint64_t)w, w);
}

void af_pq_unpack64(const uint8_t *in, size_t avail, int w, uint64_t first, uint64_t *out,
                    size_t count)
{
    if (w <= 32) {
        /* the 32-bit kernels are faster; widen in place from the back */
        uint32_t tmp[64];
        size_t i = 0;
        while (i < count) {
            size_t take = count - i > 64 ? 64 : count - i;
            af_pq_unpack32(in, avail, w, first + i, tmp, take);
            for (size_t k = 0; k < take; k++)
                out[i + k] = tmp[k];
            i += take;
        }
        return;
    }
    const uint64_t mask = w == 64 ? UINT64_MAX : ((uint64_t)1 << w) - 1;
    uint64_t idx = first;
    size_t i = 0;
    while (i < count && (idx & 7))
        out[i++] = read_bits_slow(in, idx++ * (uint64_t)w, w);
    /* 8 values span w bytes; the 9-byte window of the last one ends before w + 9 */
    while (count - i >= 8) {
        size_t byte = (size_t)(idx / 8 * (uint64_t)w);
        if (avail < byte + (size_t)w + 9)
            break;
        for (unsigned k = 0; k < 8; k++) {
            unsigned bit = k * (unsigned)w;
            const uint8_t *p = in + byte + (bit >> 3);
            unsigned s = bit & 7;
            uint64_t v = af_pq_load64(p) >> s;
            if (s)
                v |= (uint64_t)p[8] << (64 - s);
            out[i + k] = v & mask;
        }
        i += 8;
        idx += 8;
    }
    while (i < count)
        out[i++] = read_bits_slow(in, idx++ * (uint64_t)w, w);
}

/* Accumulates bits in a 64-bit word and stores whole words; the final
 * partial word is stored byte by byte, so exactly ceil(count*w/8) bytes. */
#define AF_PACK_BODY(vals)                                                                         \
    size_t bytes = af_pq_packed_bytes(count, w);                                                   \
    if (bytes == SIZE_MAX || af_buf_reserve(out, bytes + 8) != 0)                                  \
        return AF_ENOMEM;                                                                          \
    if (w == 0)                                                                                    \
        return AF_OK;                                                                              \
    uint8_t *dst = out->data + out->len;                                                           \
    const uint64_t mask = w == 64 ? UINT64_MAX : ((uint64_t)1 << w) - 1;                           \
    uint64_t acc = 0;                                                                              \
    unsigned nb = 0;                                                                               \
    for (size_t i = 0; i < count; i++) {                                                           \
        uint64_t v = (uint64_t)(vals)[i] & mask;                                                   \
        acc |= v << nb;                                                                            \
        if (nb + (unsigned)w >= 64) {                                                              \
            memcpy(dst, &acc, 8);                                                                  \
            dst += 8;                                                                              \
            acc = nb ? v >> (64 - nb) : 0;                                                         \
            nb = nb + (unsigned)w - 64;                                                            \
        } else {                                                                                   \
            nb += (unsigned)w;                                                                     \
        }                                                                                          \
    }                                                                                              \
    for (unsigned k = 0; k < nb; k += 8) {                                                         \
        *dst++ = (uint8_t)acc;                                                                     \
        acc >>= 8;                                                                                 \
    }                                                                                              \
    out->len += bytes;                                                                             \
    return AF_OK;

int af_pq_pack_append(af_buf *out, const uint64_t *vals, size_t count, int w)
{
    AF_PACK_BODY(vals)
}

int af_pq_pack32_append(af_buf *out, const uint32_t *vals, size_t count, int w)
{
    AF_PACK_BODY(vals)
}
