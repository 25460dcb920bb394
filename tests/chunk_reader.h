/* chunk_reader.h - a reader over memory that hands out at most k bytes per
 * read, for unit tests and fuzz harnesses: a parser must give the same
 * result however its input is cut (a token, an escape or a UTF-8 sequence
 * split across reads). Header-only; the reader and its state live on the
 * caller's stack, so closing it frees nothing. */
#ifndef AF_TESTS_CHUNK_READER_H
#define AF_TESTS_CHUNK_READER_H

#include "io/reader.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk_priv {
    const uint8_t *data;
    size_t len, pos, k;
} chunk_priv;

static ssize_t chunk_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    (void)err;
    chunk_priv *c = r->priv;
    size_t m = n < c->k ? n : c->k;
    if (m > c->len - c->pos)
        m = c->len - c->pos;
    memcpy(buf, c->data + c->pos, m);
    c->pos += m;
    r->offset += (int64_t)m;
    return (ssize_t)m;
}

static void chunk_close(af_reader *r)
{
    (void)r;
}

/* Sets r up to read data[0, len) k bytes at a time, keeping its state in c;
 * `size` is what the reader announces (-1 = unknown). */
static inline void chunk_reader_init(af_reader *r, chunk_priv *c, const void *data, size_t len,
                                     size_t k, const char *name, int64_t size)
{
    memset(r, 0, sizeof *r);
    *c = (chunk_priv){data, len, 0, k};
    r->read = chunk_read;
    r->close = chunk_close;
    r->name = name;
    r->size = size;
    r->priv = c;
}

/* A chunk reader on the heap, for layers that own (and close) their inner
 * reader: af_reader_close frees it. NULL when out of memory. */
typedef struct chunk_heap {
    af_reader r; /* first: the block is freed through it */
    chunk_priv c;
} chunk_heap;

static void chunk_heap_close(af_reader *r)
{
    free(r);
}

static inline af_reader *chunk_reader_open(const void *data, size_t len, size_t k, const char *name,
                                           int64_t size)
{
    chunk_heap *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    chunk_reader_init(&h->r, &h->c, data, len, k, name, size);
    h->r.close = chunk_heap_close;
    return &h->r;
}

#endif
