/* reader.h - byte streams that formats read from.
 *
 * A format never knows where bytes come from: it pulls from an af_reader.
 * Files today; compression layers, archive members and object stores stack
 * the same interface on top of each other.
 */
#ifndef AF_READER_H
#define AF_READER_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct af_reader af_reader;
struct af_reader {
    /* Reads up to n bytes; returns the count, 0 at end, or a negative AF_E* code. */
    ssize_t (*read)(af_reader *r, void *buf, size_t n, af_error *err);
    void (*close)(af_reader *r);
    const char *name; /* for messages: the path or URL without secrets */
    int64_t size;     /* total bytes if known, else -1 */
    int64_t offset;   /* bytes delivered so far */
    void *priv;
};

/* Opens a local file ("-" is standard input). */
int af_reader_open_file(const char *path, af_reader **out, af_error *err);
/* A reader over a memory buffer (not copied; must outlive the reader). */
int af_reader_open_memory(const void *data, size_t len, const char *name, af_reader **out,
                          af_error *err);
/* A reader that reads through to `inner` without owning it: closing the
 * view leaves inner open (layers that own their inner reader can then be
 * stacked on a reader someone else owns, such as an input set's leaf). */
int af_reader_open_view(af_reader *inner, af_reader **out, af_error *err);
ssize_t af_reader_read(af_reader *r, void *buf, size_t n, af_error *err);
/* Reads until n bytes are in buf or the input ends; returns the count (short
 * only at end of input) or a negative AF_E* code. */
ssize_t af_reader_read_full(af_reader *r, void *buf, size_t n, af_error *err);

/* A peeking reader: reads up to `want` bytes of `inner` ahead, so that a
 * caller can look at the head of a stream (magic bytes, a BOM, a CSV sample)
 * and then still read the stream from its first byte. It stops early at a
 * short read once 64 bytes are in, so a pipe fed line by line is not held
 * up (its sample is then what had arrived). Takes ownership of
 * inner (closed with *out, or at once if this call fails). The reader has
 * inner's name and size. */
int af_reader_open_peek(af_reader *inner, size_t want, af_reader **out, af_error *err);
/* The bytes read ahead by af_reader_open_peek, valid until the reader is closed; they stay
 * available after the reader has delivered them. */
const uint8_t *af_reader_peeked(const af_reader *r, size_t *len);
void af_reader_close(af_reader *r);

#endif
