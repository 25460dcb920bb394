/* reader_decompress_internal.h - what the synchronous and the threaded
 * decompressing readers share (internal to io/).
 */
#ifndef AF_READER_DECOMPRESS_INTERNAL_H
#define AF_READER_DECOMPRESS_INTERNAL_H

#include "io/decompress.h"
#include "io/decompress_stream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AF_SNIFF_BYTES AF_COMPRESSION_SNIFF_BYTES
/* compressed bytes asked of the inner reader per read */
#define AF_DFEED_SIZE ((size_t)256 * 1024)

/* Compressed input pulled from the inner reader (which the feed does not own). */
typedef struct af_dfeed {
    af_reader *inner;
    uint8_t *buf;
    size_t cap, pos, len; /* unused input is buf[pos, len) */
    bool eof;
    bool last_short; /* the last read returned less than asked: a pipe, not a file */
} af_dfeed;

/* The feed starts with `head` (bytes already read to sniff the codec). */
int af_dfeed_init(af_dfeed *f, af_reader *inner, const uint8_t *head, size_t head_len,
                  af_error *err);
void af_dfeed_free(af_dfeed *f);

/* Decodes into out[*pos, cap) until it is full or, when the input comes in
 * short reads, until some bytes are ready and more input would have to be
 * waited for. Returns AF_OK, 1 at the clean end of the stream, or <0. */
int af_decode_some(af_dstream *ds, af_dfeed *f, uint8_t *out, size_t cap, size_t *pos,
                   af_error *err);

/* reader_decompress_thread.c */
int af_open_decompress_thread(af_reader *inner, af_compression c, const uint8_t *head,
                              size_t head_len, const af_decompress_options *o, af_reader **out,
                              af_error *err);
bool af_is_decompress_thread(const af_reader *r);
af_compression af_decompress_thread_codec(const af_reader *r);
int64_t af_decompress_thread_input_offset(const af_reader *r);

#endif
