/* review_blocks.h - the SNAP review format: records of `key: value` lines
 * separated by blank lines, e.g.
 *
 *   product/productId: B000GKXY4S
 *   review/score: 4.0
 *   review/text: Great pan...
 *
 * Each block is returned with its first line number, its raw text (for the
 * quarantine) and its key/value pairs in order. A block whose line has no
 * `key:` prefix, or which repeats a key, comes back with `error` set and the
 * offending line, so the caller can quarantine it and go on.
 */
#ifndef AF_REVIEW_BLOCKS_H
#define AF_REVIEW_BLOCKS_H

#include "core/buf.h"
#include "core/error.h"
#include "formats/text_lines.h"

#include <stddef.h>
#include <stdint.h>

typedef struct af_review_kv {
    size_t key_off, key_len, val_off, val_len; /* into the block's raw text */
} af_review_kv;

typedef struct af_review_block {
    int64_t line; /* first line of the block */
    af_buf raw;   /* the block's lines joined with \n */
    af_review_kv *items;
    size_t n_items, cap_items;
    const char *error;  /* NULL, or why the block is malformed (static string) */
    int64_t error_line; /* the line the error is about */
} af_review_block;

void af_review_block_init(af_review_block *b);
void af_review_block_free(af_review_block *b);
/* Reads the next block: 1 with a block, 0 at end, <0 on a read error. */
int af_review_block_next(af_line_reader *lr, af_review_block *b, af_error *err);
/* The value of `key` (exact match), or NULL. */
const char *af_review_block_get(const af_review_block *b, const char *key, size_t *len);

#endif
