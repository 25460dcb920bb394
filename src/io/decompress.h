/* decompress.h - transparent decompression of byte streams (gzip/zlib, zstd,
 * lz4 frame, bzip2, xz, brotli), stacked on any af_reader.
 *
 * Data lakes hold `orders.csv.gz` as often as `orders.csv`, and a format must
 * not care: af_reader_open_decompress() wraps a reader so that it yields the
 * decompressed bytes. The codec is told by the first bytes (magic numbers),
 * never by the file name, unless the caller forces one. Brotli has no magic
 * bytes: it is only decoded when forced (callers force it for a `.br` name,
 * see af_compression_from_extension()).
 *
 * Concatenated streams decode fully: multi-member gzip (`cat a.gz b.gz`,
 * pigz, bgzf), multiple zstd and lz4 frames, bzip2 and xz streams (pbzip2,
 * `cat a.xz b.xz`), brotli streams. Zero bytes between or after gzip members
 * and xz streams are padding and skipped (xz: in multiples of 4 bytes, as
 * the format says). gzip members are inflated by ISA-L (3-4 times faster
 * than zlib); their header is parsed here (FHCRC checked) and ISA-L checks
 * each trailer's CRC-32 and size; a zlib stream (forced gzip) goes through
 * zlib. A stream that ends early or is corrupt
 * is AF_EPARSE naming the input, the codec and the compressed byte offset.
 *
 * By default the decompressor runs in its own thread and fills a small ring
 * of buffers (4 x 1 MiB), so inflating overlaps with whatever the reading
 * thread does (parsing CSV); memory stays bounded whatever the input size.
 * zstd frames whose window exceeds 128 MiB (zstd --long=28 and above) and xz
 * streams whose decoder would need over 256 MiB are refused (AF_ELIMIT)
 * rather than allocated; bzip2 needs at most ~4 MiB and brotli 16 MiB.
 */
#ifndef AF_DECOMPRESS_H
#define AF_DECOMPRESS_H

#include "core/error.h"
#include "io/reader.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The order matches the csv source's `compression` enum option
 * (AF_COMPRESSION_CHOICES); new values are appended so stored numbers keep
 * their meaning. */
typedef enum af_compression {
    AF_COMPRESSION_AUTO = 0, /* detect by magic bytes; none if no magic matches */
    AF_COMPRESSION_NONE,
    AF_COMPRESSION_GZIP, /* gzip, or a zlib stream (RFC 1950) */
    AF_COMPRESSION_ZSTD,
    AF_COMPRESSION_LZ4,    /* the lz4 frame format (lz4 CLI), not raw blocks */
    AF_COMPRESSION_BZIP2,  /* bzip2 streams (bzip2, pbzip2) */
    AF_COMPRESSION_XZ,     /* the .xz container (xz CLI), not legacy .lzma */
    AF_COMPRESSION_BROTLI, /* raw brotli stream; no magic, only when forced */
} af_compression;

#define AF_COMPRESSION_CHOICES "auto|none|gzip|zstd|lz4|bzip2|xz|brotli"

/* Bytes af_compression_detect() needs to tell every codec apart. */
#define AF_COMPRESSION_SNIFF_BYTES 10

/* "auto", "none", "gzip", "zstd", "lz4", "bzip2", "xz", "brotli". */
const char *af_compression_name(af_compression c);
/* Parses one of AF_COMPRESSION_CHOICES (case-insensitive), or the aliases
 * "bz2" (bzip2) and "br" (brotli); AF_EINVAL otherwise. */
int af_compression_parse(const char *s, af_compression *out, af_error *err);
/* The codec announced by the first n bytes of a stream, or
 * AF_COMPRESSION_NONE. AF_COMPRESSION_SNIFF_BYTES are enough: bzip2 is only
 * recognised with "BZh", a block size digit 1-9 and the 6-byte block (or
 * end-of-stream) magic, since "BZh" alone starts ordinary text too. A zlib
 * stream has no reliable magic: it is only decoded when gzip is forced;
 * brotli has none at all. */
af_compression af_compression_detect(const void *head, size_t n);
/* The codec a file name's last suffix announces (case-insensitive): ".gz"
 * GZIP, ".zst"/".zstd" ZSTD, ".lz4" LZ4, ".bz2" BZIP2, ".xz" XZ, ".br"
 * BROTLI; anything else (or NULL) NONE. "x.csv.gz" is GZIP. Callers use it
 * to force brotli, which has no magic, and to strip the suffix before
 * guessing a format; detection by content stays the rule otherwise. */
af_compression af_compression_from_extension(const char *name);

typedef struct af_decompress_options {
    af_compression compression; /* AUTO by default */
    bool threaded;              /* decompress in a background thread (default true) */
    size_t buffer_size;         /* bytes per ring buffer; 0 = 1 MiB */
    int n_buffers;              /* ring buffers; 0 = 4 */
    /* Optional stop flag (a stream's cancel flag): a read waiting for the
     * decompressor gives up with AF_ECANCELED when it is set. */
    atomic_bool *cancel;
} af_decompress_options;

void af_decompress_options_default(af_decompress_options *o);

/* Stacks a decompressing reader on `inner` and takes ownership of it: inner
 * is closed with *out, or at once if this call fails. With AUTO and no known
 * magic the result yields inner's bytes unchanged (its size is inner's);
 * with NONE *out is inner itself. A decompressing reader has the name of
 * inner, size -1 and offset counting decompressed bytes. `o` may be NULL for
 * the defaults. */
int af_reader_open_decompress(af_reader *inner, const af_decompress_options *o, af_reader **out,
                              af_error *err);

/* The codec a reader decodes: NONE for any reader that does not decompress. */
af_compression af_reader_compression(const af_reader *r);
/* Bytes taken from the underlying (compressed) input so far, for progress
 * against a file size; r->offset for a reader that does not decompress. */
int64_t af_reader_input_offset(const af_reader *r);

#endif
