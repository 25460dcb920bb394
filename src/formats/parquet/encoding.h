/* encoding.h - Parquet value encodings (Encodings.md of the format spec).
 *
 * Decoders turn one page's encoded bytes into plain arrays; encoders append
 * to an af_buf. Every decoder is given the input length and the number of
 * values the page says it holds, and treats the bytes as hostile: it checks
 * that the bytes can hold that many values before writing or allocating
 * anything, never reads past src + n, and reports AF_EPARSE with a sentence
 * naming the encoding and the problem. Output arrays of `count` entries are
 * the caller's; callers bound `count` by their page limits, since RLE and
 * delta encodings legitimately expand a few bytes into many values.
 *
 * `consumed` (may be NULL) receives how many input bytes the values used,
 * for encodings that are followed by more data (levels before values,
 * lengths before bytes). Trailing bytes after the values are not an error.
 */
#ifndef AF_PQ_ENCODING_H
#define AF_PQ_ENCODING_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* A byte-array value pointing into someone else's memory (the page, or a
 * caller buffer); 32-bit length as Parquet byte arrays have. */
typedef struct af_pq_view {
    const uint8_t *ptr;
    uint32_t len;
} af_pq_view;

/* Smallest bit width that holds v (0 for 0). */
int af_pq_bit_width(uint64_t v);

/* ---- RLE / bit-packed hybrid (levels, dictionary indices, booleans) ---- */

/* Incremental reader, so a column reader can decode levels batch by batch
 * without materialising a whole page. Bit widths 0..32. */
typedef struct af_pq_rle_reader {
    const uint8_t *src;
    size_t n, pos;
    int bit_width;
    uint64_t run_left;  /* values left in the current run */
    uint32_t run_value; /* the repeated value of an RLE run */
    const uint8_t *bp;  /* start of the current bit-packed run */
    size_t bp_avail;    /* bytes of it present in the input */
    uint64_t bp_index;  /* next value index inside the bit-packed run */
    int in_bitpacked;
} af_pq_rle_reader;

/* Starts reading runs from src[0..n) (no length prefix). */
int af_pq_rle_reader_init(af_pq_rle_reader *r, const uint8_t *src, size_t n, int bit_width,
                          af_error *err);
/* Decodes exactly count values into out; AF_EPARSE if the data ends first
 * (bit width 0 with no data left yields zeros, as there is nothing to store). */
int af_pq_rle_read(af_pq_rle_reader *r, uint32_t *out, size_t count, af_error *err);

/* Whole-buffer forms. _prefixed reads the 4-byte little-endian length first
 * (data page v1 levels, RLE booleans); consumed is then 4 + that length. */
int af_pq_rle_decode(const uint8_t *src, size_t n, int bit_width, uint32_t *out, size_t count,
                     size_t *consumed, af_error *err);
int af_pq_rle_decode_prefixed(const uint8_t *src, size_t n, int bit_width, uint32_t *out,
                              size_t count, size_t *consumed, af_error *err);

/* Appends the hybrid encoding of vals: runs of 8 or more equal values become
 * RLE runs, the rest bit-packed groups of 8 (the last padded with zeros).
 * Values must fit bit_width (AF_EINVAL otherwise). */
int af_pq_rle_encode(const uint32_t *vals, size_t count, int bit_width, af_buf *out, af_error *err);
int af_pq_rle_encode_prefixed(const uint32_t *vals, size_t count, int bit_width, af_buf *out,
                              af_error *err);

/* Checks decoded dictionary indices against the dictionary's size. */
int af_pq_check_indices(const uint32_t *idx, size_t count, uint32_t dict_len, af_error *err);

/* RLE-encoded BOOLEAN values (length-prefixed hybrid, bit width 1); out
 * receives 0 or 1 per value. */
int af_pq_rle_bool_decode(const uint8_t *src, size_t n, uint8_t *out, size_t count,
                          size_t *consumed, af_error *err);
int af_pq_rle_bool_encode(const uint8_t *vals, size_t count, af_buf *out, af_error *err);

/* ---- PLAIN ---- */

/* Fixed-width values (INT32 4, INT64 8, INT96 12, FLOAT 4, DOUBLE 8,
 * FIXED_LEN_BYTE_ARRAY n): copies count * width bytes into out, which the
 * caller may also skip and use src directly for zero copy. */
int af_pq_plain_decode_fixed(const uint8_t *src, size_t n, size_t width, void *out, size_t count,
                             size_t *consumed, af_error *err);
/* BOOLEAN, bit-packed LSB first; out receives 0 or 1 per value. */
int af_pq_plain_decode_bool(const uint8_t *src, size_t n, uint8_t *out, size_t count,
                            size_t *consumed, af_error *err);
/* BYTE_ARRAY as views into src (zero copy: valid while src is). */
int af_pq_plain_decode_byte_array(const uint8_t *src, size_t n, af_pq_view *out, size_t count,
                                  size_t *consumed, af_error *err);
/* BYTE_ARRAY appended Arrow-style: offsets[0..count] (int32, relative to
 * data->len on entry, offsets[0] = data->len) and the bytes appended to data. */
int af_pq_plain_decode_byte_array_offsets(const uint8_t *src, size_t n, int32_t *offsets,
                                          af_buf *data, size_t count, size_t *consumed,
                                          af_error *err);

int af_pq_plain_encode_fixed(const void *vals, size_t width, size_t count, af_buf *out,
                             af_error *err);
/* vals: one byte per value, nonzero = true. */
int af_pq_plain_encode_bool(const uint8_t *vals, size_t count, af_buf *out, af_error *err);
int af_pq_plain_encode_byte_array(const af_pq_view *vals, size_t count, af_buf *out, af_error *err);
/* Arrow-style input: value i is data[offsets[i] .. offsets[i+1]). */
int af_pq_plain_encode_byte_array_offsets(const int32_t *offsets, const uint8_t *data, size_t count,
                                          af_buf *out, af_error *err);

/* ---- DELTA_BINARY_PACKED ---- */

/* The header's total value count must equal count. Arithmetic wraps in two's
 * complement as the spec requires; INT32 miniblocks wider than 32 bits and
 * INT64 ones wider than 64 are rejected. */
int af_pq_delta_decode_int32(const uint8_t *src, size_t n, int32_t *out, size_t count,
                             size_t *consumed, af_error *err);
int af_pq_delta_decode_int64(const uint8_t *src, size_t n, int64_t *out, size_t count,
                             size_t *consumed, af_error *err);
/* Reads only the header's total value count (to size outputs). */
int af_pq_delta_peek_count(const uint8_t *src, size_t n, uint64_t *count, af_error *err);
/* Block size 128 with 4 miniblocks of 32, as parquet-mr and Arrow write. */
int af_pq_delta_encode_int32(const int32_t *vals, size_t count, af_buf *out, af_error *err);
int af_pq_delta_encode_int64(const int64_t *vals, size_t count, af_buf *out, af_error *err);

/* ---- DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY ---- */

/* Views into src (zero copy). */
int af_pq_delta_length_decode(const uint8_t *src, size_t n, af_pq_view *out, size_t count,
                              size_t *consumed, af_error *err);
int af_pq_delta_length_encode(const af_pq_view *vals, size_t count, af_buf *out, af_error *err);

/* Values are rebuilt from prefixes of their predecessors, so they are
 * written to data (reset first) and out[] points into it; valid until data
 * changes. Prefix sharing can make the output quadratic in the input, so
 * max_bytes bounds it (AF_ELIMIT beyond). */
int af_pq_delta_byte_array_decode(const uint8_t *src, size_t n, af_pq_view *out, size_t count,
                                  af_buf *data, size_t max_bytes, size_t *consumed, af_error *err);
int af_pq_delta_byte_array_encode(const af_pq_view *vals, size_t count, af_buf *out, af_error *err);

/* ---- BYTE_STREAM_SPLIT ---- */

/* width: FLOAT/INT32 4, DOUBLE/INT64 8, FIXED_LEN_BYTE_ARRAY n. The input is
 * width streams of count bytes, so n must be exactly count * width. out
 * receives count * width bytes of plain little-endian values. */
int af_pq_bss_decode(const uint8_t *src, size_t n, size_t width, uint8_t *out, size_t count,
                     af_error *err);
int af_pq_bss_encode(const void *vals, size_t width, size_t count, af_buf *out, af_error *err);

#endif
