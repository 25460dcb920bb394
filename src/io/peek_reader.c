/* peek_reader.c - look at the head of a stream, then read it from the start.
 *
 * Detection (codecs, archives, text encodings, CSV dialects) needs the first
 * bytes of a stream that may not be seekable (stdin, a decompressed member of
 * an archive). The peek reader holds those bytes and replays them before
 * passing reads through to the inner reader.
 */
#include "io/reader.h"

#include <stdlib.h>
#include <string.h>

typedef struct peek_priv {
    af_reader *inner;
    uint8_t *head;
    size_t head_len;
    size_t head_pos;
} peek_priv;

ssize_t af_reader_read_full(af_reader *r, void *buf, size_t n, af_error *err)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = af_reader_read(r, (uint8_t *)buf + got, n - got, err);
        if (k < 0)
            return k;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* Reads up to `want` bytes, but stops at a short read once a few bytes are
 * in: a pipe that has no more for now must not hold the stream up (a
 * source fed line by line would wait for 64 KiB that may never come), and
 * magic numbers, byte order marks and the UTF-16 test need only the first
 * few bytes. Files and decoders fill the whole sample. */
#define PEEK_MIN_BYTES 64

static ssize_t read_head(af_reader *r, uint8_t *buf, size_t want, af_error *err)
{
    size_t got = 0;
    while (got < want) {
        size_t ask = want - got;
        ssize_t k = af_reader_read(r, buf + got, ask, err);
        if (k < 0)
            return k;
        if (k == 0)
            break;
        got += (size_t)k;
        if ((size_t)k < ask && got >= PEEK_MIN_BYTES)
            break;
    }
    return (ssize_t)got;
}

static ssize_t peek_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    peek_priv *p = r->priv;
    ssize_t got;
    if (p->head_pos < p->head_len) {
        size_t k = p->head_len - p->head_pos;
        if (k > n)
            k = n;
        memcpy(buf, p->head + p->head_pos, k);
        p->head_pos += k;
        got = (ssize_t)k;
    } else {
        got = af_reader_read(p->inner, buf, n, err);
        if (got < 0)
            return got;
    }
    r->offset += got;
    return got;
}

static void peek_close(af_reader *r)
{
    peek_priv *p = r->priv;
    af_reader_close(p->inner);
    free(p->head);
    free(p);
    free(r);
}

int af_reader_open_peek(af_reader *inner, size_t want, af_reader **out, af_error *err)
{
    af_reader *r = calloc(1, sizeof *r);
    peek_priv *p = calloc(1, sizeof *p);
    uint8_t *head = malloc(want ? want : 1);
    if (!r || !p || !head) {
        free(r);
        free(p);
        free(head);
        af_reader_close(inner);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    ssize_t n = read_head(inner, head, want, err);
    if (n < 0) {
        free(r);
        free(p);
        free(head);
        af_reader_close(inner);
        return (int)n;
    }
    p->inner = inner;
    p->head = head;
    p->head_len = (size_t)n;
    r->read = peek_read;
    r->close = peek_close;
    r->name = inner->name;
    r->size = inner->size;
    r->priv = p;
    *out = r;
    return AF_OK;
}

const uint8_t *af_reader_peeked(const af_reader *r, size_t *len)
{
    if (r->read != peek_read) {
        *len = 0;
        return NULL;
    }
    const peek_priv *p = r->priv;
    *len = p->head_len;
    return p->head;
}
