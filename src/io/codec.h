/* codec.h - block compression codecs as Parquet uses them.
 *
 * A Parquet page is compressed as one block and its header carries the
 * uncompressed size, so decompression is "exactly this many bytes into this
 * buffer": any other size means the page is corrupt. The enum values are the
 * Parquet CompressionCodec numbers, so a column chunk's codec field maps
 * directly. The work is done by the system libraries (zlib, snappy, zstd,
 * lz4, brotli); this file validates sizes around them and turns their error
 * codes into sentences.
 */
#ifndef AF_CODEC_H
#define AF_CODEC_H

#include "core/buf.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

typedef enum af_codec {
    AF_CODEC_UNCOMPRESSED = 0,
    AF_CODEC_SNAPPY = 1,
    AF_CODEC_GZIP = 2,
    AF_CODEC_LZO = 3,
    AF_CODEC_BROTLI = 4,
    AF_CODEC_LZ4 = 5, /* deprecated: Hadoop-framed LZ4 (or a raw block, from some writers) */
    AF_CODEC_ZSTD = 6,
    AF_CODEC_LZ4_RAW = 7,
} af_codec;

/* Lower-case name ("zstd", "lz4_raw", "uncompressed"); "unknown" for other values. */
const char *af_codec_name(af_codec c);

/* Parses none|uncompressed|snappy|gzip|brotli|lz4|zstd|lz4_raw, case-insensitive.
 * AF_EINVAL with a message listing the choices otherwise. */
int af_codec_parse(const char *s, af_codec *out, af_error *err);

/* Decompresses src[0..n) into dst, which must produce exactly expected_len
 * bytes; never writes past dst + expected_len. Shorter or longer output,
 * truncated or corrupt input are AF_EPARSE naming the codec; LZO and unknown
 * codecs are AF_EUNSUPPORTED. */
int af_codec_decompress(af_codec c, const uint8_t *src, size_t n, uint8_t *dst, size_t expected_len,
                        af_error *err);

/* Compresses src[0..n) and appends the result to out. level 0 picks the
 * codec's default (gzip 6, zstd 3, brotli 1, lz4 fast); levels outside the
 * codec's range are AF_EINVAL. AF_CODEC_LZ4 writes Hadoop framing, the form
 * every reader of the deprecated codec accepts. */
int af_codec_compress(af_codec c, int level, const uint8_t *src, size_t n, af_buf *out,
                      af_error *err);

/* Upper bound of af_codec_compress's output for n input bytes (0 for codecs
 * that cannot compress), so writers can reserve once. */
size_t af_codec_compress_bound(af_codec c, size_t n);

#endif
