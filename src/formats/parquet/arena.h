/* arena.h - a bump allocator over malloc'd blocks.
 *
 * Decoded Parquet metadata is a tree of many small arrays and strings that
 * all live exactly as long as the footer they came from. Allocating them from
 * one arena makes freeing one call and means a decode that fails half way
 * leaks nothing: the caller frees the arena whatever happened. An optional
 * byte limit stops hostile inputs from expanding into unbounded memory.
 */
#ifndef AF_PQ_ARENA_H
#define AF_PQ_ARENA_H

#include <stddef.h>

typedef struct af_arena_block af_arena_block;

typedef struct af_arena {
    af_arena_block *head;
    size_t used;  /* bytes handed out, for the limit */
    size_t limit; /* 0 = no limit */
} af_arena;

/* limit: total bytes the arena may hand out, 0 for no limit. */
void af_arena_init(af_arena *a, size_t limit);
/* Zeroed memory aligned for any type; NULL when out of memory or over the
 * limit. A request of 0 bytes returns a valid, unique pointer. */
void *af_arena_alloc(af_arena *a, size_t n);
/* count * size bytes, zeroed; NULL on overflow as well. */
void *af_arena_array(af_arena *a, size_t count, size_t size);
/* Copy of p[0..n) with a NUL after it. */
char *af_arena_strndup(af_arena *a, const void *p, size_t n);
/* Frees every block; the arena is empty and reusable afterwards. */
void af_arena_free(af_arena *a);

#endif
