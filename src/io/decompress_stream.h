/* decompress_stream.h - incremental decoders behind decompress.h (internal).
 *
 * One interface over the streaming APIs of ISA-L and zlib (gzip), zstd,
 * lz4 frame, libbz2, liblzma (xz) and libbrotlidec, so the
 * readers (synchronous and threaded) drive every codec the same way and the
 * rules that matter for untrusted input live in one place: concatenated
 * members/frames continue, the end of input inside a member is "truncated",
 * and a call that can make no progress is an error rather than a loop.
 */
#ifndef AF_DECOMPRESS_STREAM_H
#define AF_DECOMPRESS_STREAM_H

#include "io/decompress.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_dstream af_dstream;

/* True for the codecs af_dstream_new() accepts: every value but AUTO and NONE. */
bool af_dstream_supports(af_compression c);

/* `name` (copied) is the input's name for messages; c is a codec
 * af_dstream_supports(). */
int af_dstream_new(af_compression c, const char *name, af_dstream **out, af_error *err);
void af_dstream_free(af_dstream *d);

/* Decodes from in[*in_pos, in_len) into out[*out_pos, out_cap), advancing
 * both positions. `at_eof` says no input follows in_len. The caller hands
 * input whenever it has some: with at_eof false, in_len > *in_pos.
 * Returns AF_OK (call again: with more room, or more input once this input
 * is used up), 1 when the stream ended cleanly (at_eof only), AF_EPARSE
 * for corrupt or truncated data, naming the input, codec and offset, or
 * AF_ELIMIT for a zstd frame or xz stream that needs more memory than the
 * bound (see decompress.h). */
int af_dstream_step(af_dstream *d, const uint8_t *in, size_t in_len, size_t *in_pos, uint8_t *out,
                    size_t out_cap, size_t *out_pos, bool at_eof, af_error *err);

/* Compressed bytes consumed so far. */
int64_t af_dstream_consumed(const af_dstream *d);

#endif
