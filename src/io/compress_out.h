/* compress_out.h - streaming compression of an output byte stream.
 *
 * Exports land as `orders.csv.gz` or `.zst` as often as they are read that
 * way: a sink hands its bytes to an af_compress_out, which compresses them
 * as they come and passes compressed bytes to a write callback (into an
 * af_staged_file, a memory buffer, a socket). Memory stays bounded whatever
 * the output size: a 256 KiB output buffer plus the codec's own state.
 *
 *     af_compress_out *z;
 *     rc = af_compress_out_new(AF_COMPRESSION_GZIP, 0, (af_write_fn)af_staged_file_write,
 *                              &staged, "out/orders.csv.gz", &z, err);
 *     rc = rc ? rc : af_compress_out_write(z, row, row_len, err);   (any number of times)
 *     rc = rc ? rc : af_compress_out_finish(z, err);                (writes the trailer)
 *     af_compress_out_free(z);
 *
 * What is written is what the codecs' own CLIs write and test (`gzip -t`,
 * `zstd -t`, `lz4 -t`, `bzip2 -t`, `xz -t`, `brotli -t`), with their
 * checksums on: gzip CRC-32, zstd and lz4 content checksums, xz CRC-64.
 * Everything af_reader_open_decompress() reads back, brotli when forced.
 *
 * Levels (0 = the codec default; out of range is AF_EINVAL):
 *   NONE    ignored: bytes pass through unchanged (buffered)
 *   GZIP    1-9, default 6. Levels 1-3 use ISA-L's igzip, which at those
 *           levels compresses CSV as well as zlib -1..-3 (a little better)
 *           and 3-5 times faster; 4-9 use zlib.
 *   ZSTD    ZSTD_minCLevel()..ZSTD_maxCLevel() but not 0, default 3; one
 *           thread (the pipeline already keeps the cores busy)
 *   LZ4     1-12, default: the lz4 CLI's fast mode; lz4 frame format
 *   BZIP2   1-9 (block size in 100 kB), default 9
 *   XZ      1-9 (xz presets), default 6 (the encoder needs ~94 MiB; 9: 674)
 *   BROTLI  1-11, default 6 (11, the brotli CLI's default, runs at ~1 MB/s)
 * AUTO is not an output codec (AF_EINVAL).
 */
#ifndef AF_COMPRESS_OUT_H
#define AF_COMPRESS_OUT_H

#include "core/error.h"
#include "io/decompress.h"

#include <stddef.h>
#include <stdint.h>

/* Writes all n bytes or fails: returns 0 or a negative AF_E* code with err
 * filled. af_staged_file_write() has this shape (ctx = the staged file). */
typedef int (*af_write_fn)(void *ctx, const void *p, size_t n, af_error *err);

typedef struct af_compress_out af_compress_out;

/* Starts a compressed stream written through write(ctx, ...). `name` (copied;
 * NULL is fine) names the output in messages. Nothing is written yet. */
int af_compress_out_new(af_compression c, int level, af_write_fn write, void *ctx, const char *name,
                        af_compress_out **out, af_error *err);

/* Compresses n bytes; compressed output goes to the callback whenever the
 * output buffer fills. An error (from the codec or the callback) is sticky:
 * every later call returns it again. AF_EINVAL after finish. */
int af_compress_out_write(af_compress_out *o, const void *p, size_t n, af_error *err);

/* Ends the stream (trailer, checksums) and writes every remaining byte.
 * Calling it again does nothing and returns 0. */
int af_compress_out_finish(af_compress_out *o, af_error *err);

/* Frees o; a stream that was not finished is left incomplete (an aborting
 * sink discards what was written). NULL is fine. */
void af_compress_out_free(af_compress_out *o);

/* Bytes given to af_compress_out_write() so far, and compressed bytes handed
 * to the callback so far (for progress and for the ratio in logs). */
int64_t af_compress_out_bytes_in(const af_compress_out *o);
int64_t af_compress_out_bytes_out(const af_compress_out *o);

#endif
