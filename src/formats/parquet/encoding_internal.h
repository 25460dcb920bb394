/* encoding_internal.h - bit packing and varint helpers shared by the
 * Parquet encoding files; not part of the public encoding API. */
#ifndef AF_PQ_ENCODING_INTERNAL_H
#define AF_PQ_ENCODING_INTERNAL_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet encoders assume a little-endian host (PLAIN is little-endian on disk)"
#endif

static inline uint64_t af_pq_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t af_pq_load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline uint64_t af_pq_zigzag_decode(uint64_t v)
{
    return (v >> 1) ^ (0 - (v & 1));
}

static inline uint64_t af_pq_zigzag_encode(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

/* Bytes needed for count values of w bits, or SIZE_MAX if that overflows. */
static inline size_t af_pq_packed_bytes(uint64_t count, int w)
{
    if (w == 0)
        return 0;
    if (count > (UINT64_MAX - 7) / (uint64_t)w)
        return SIZE_MAX;
    uint64_t b = (count * (uint64_t)w + 7) / 8;
    return b > SIZE_MAX ? SIZE_MAX : (size_t)b;
}

/* ULEB128 at src[*pos..n): false if truncated or longer than 64 bits. */
bool af_pq_uleb_read(const uint8_t *src, size_t n, size_t *pos, uint64_t *out);
int af_pq_uleb_write(af_buf *b, uint64_t v);

/* Unpacks count values of w bits (w <= 32) starting at value index `first`
 * of the packed stream in[0..avail); avail must cover them. */
void af_pq_unpack32(const uint8_t *in, size_t avail, int w, uint64_t first, uint32_t *out,
                    size_t count);
/* Same for w <= 64 into 64-bit values. */
void af_pq_unpack64(const uint8_t *in, size_t avail, int w, uint64_t first, uint64_t *out,
                    size_t count);
/* Appends count values of w bits (0..64) packed LSB first, padded to a byte. */
int af_pq_pack_append(af_buf *out, const uint64_t *vals, size_t count, int w);
int af_pq_pack32_append(af_buf *out, const uint32_t *vals, size_t count, int w);

#endif
