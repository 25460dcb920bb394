/* arena.c - bump allocator for decoded Parquet metadata (see arena.h). */
#include "formats/parquet/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Most footers are a few KiB; a 64 KiB block keeps the malloc count low
 * without wasting much on the small ones. */
#define ARENA_BLOCK 65536

struct af_arena_block {
    af_arena_block *next;
    size_t cap, pos;
    alignas(max_align_t) unsigned char data[];
};

void af_arena_init(af_arena *a, size_t limit)
{
    a->head = NULL;
    a->used = 0;
    a->limit = limit;
}

void *af_arena_alloc(af_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - align)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (a->limit && (n > a->limit || a->used > a->limit - n))
        return NULL;
    af_arena_block *b = a->head;
    if (!b || b->cap - b->pos < n) {
        size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
        if (cap > SIZE_MAX - sizeof *b)
            return NULL;
        af_arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->cap = cap;
        nb->pos = 0;
        if (cap == n && b) {
            /* a big one-off allocation goes behind the current block, so
             * the space left in that block is still used by small ones */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->pos;
    b->pos += n;
    a->used += n;
    memset(p, 0, n);
    return p;
}

void *af_arena_array(af_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return af_arena_alloc(a, count * size);
}

char *af_arena_strndup(af_arena *a, const void *p, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *s = af_arena_alloc(a, n + 1);
    if (s && n)
        memcpy(s, p, n);
    return s;
}

void af_arena_free(af_arena *a)
{
    af_arena_block *b = a->head;
    while (b) {
        af_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}
