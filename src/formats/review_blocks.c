/* review_blocks.c - SNAP `key: value` blocks (see review_blocks.h).
 *
 * A key is a run of non-space bytes before the first ':'; one space after
 * the colon is part of the separator, the rest of the line is the value
 * (SNAP values never span lines). Blank lines (empty or only spaces) end a
 * block; several blank lines in a row are one separator. */
#include "formats/review_blocks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void af_review_block_init(af_review_block *b)
{
    memset(b, 0, sizeof *b);
    af_buf_init(&b->raw);
}

void af_review_block_free(af_review_block *b)
{
    af_buf_free(&b->raw);
    free(b->items);
    memset(b, 0, sizeof *b);
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static int add_line(af_review_block *b, const char *s, size_t n, int64_t lineno)
{
    if (b->raw.len && af_buf_append_byte(&b->raw, '\n'))
        return AF_ENOMEM;
    size_t base = b->raw.len;
    if (af_buf_append(&b->raw, s, n))
        return AF_ENOMEM;
    if (b->error)
        return AF_OK;
    const char *colon = memchr(s, ':', n);
    size_t klen = colon ? (size_t)(colon - s) : 0;
    bool ok = colon && klen > 0;
    for (size_t i = 0; ok && i < klen; i++)
        ok = s[i] != ' ' && s[i] != '\t';
    if (!ok) {
        b->error = "expected a 'key: value' line";
        b->error_line = lineno;
        return AF_OK;
    }
    size_t voff = klen + 1;
    if (voff < n && s[voff] == ' ')
        voff++;
    for (size_t i = 0; i < b->n_items; i++)
        if (b->items[i].key_len == klen &&
            memcmp(b->raw.data + b->items[i].key_off, b->raw.data + base, klen) == 0) {
            b->error = "a key is repeated within the block";
            b->error_line = lineno;
            return AF_OK;
        }
    if (b->n_items == b->cap_items) {
        size_t cap = b->cap_items ? 2 * b->cap_items : 16;
        af_review_kv *it = realloc(b->items, cap * sizeof *it);
        if (!it)
            return AF_ENOMEM;
        b->items = it;
        b->cap_items = cap;
    }
    b->items[b->n_items++] = (af_review_kv){base, klen, base + voff, n > voff ? n - voff : 0};
    return AF_OK;
}

int af_review_block_next(af_line_reader *lr, af_review_block *b, af_error *err)
{
    af_buf_reset(&b->raw);
    b->n_items = 0;
    b->error = NULL;
    b->error_line = 0;
    b->line = 0;
    for (;;) {
        const char *s;
        size_t n;
        int64_t lineno;
        int rc = af_line_reader_next(lr, &s, &n, &lineno, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return b->line ? 1 : 0;
        if (blank(s, n)) {
            if (b->line)
                return 1;
            continue;
        }
        if (!b->line)
            b->line = lineno;
        if (add_line(b, s, n, lineno))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
}

const char *af_review_block_get(const af_review_block *b, const char *key, size_t *len)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i < b->n_items; i++)
        if (b->items[i].key_len == kl && memcmp(b->raw.data + b->items[i].key_off, key, kl) == 0) {
            *len = b->items[i].val_len;
            return (const char *)b->raw.data + b->items[i].val_off;
        }
    *len = 0;
    return NULL;
}
