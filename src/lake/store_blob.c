/* store_blob.c - an af_blob over an object of an af_store.
 *
 * The Parquet reader reads through af_blob (footer first, then only the
 * column chunks it needs). Lake objects (Delta checkpoints, data files) must
 * be read through the store so the same code works on object stores, where
 * a ranged read is one GET and a whole download would be wasteful.
 */
#include "lake/store.h"

#include <stdlib.h>
#include <string.h>

typedef struct store_blob {
    af_store *store;
    char *path;
    af_buf scratch; /* read_range appends; reused between reads */
} store_blob;

static int sb_read_at(af_blob *b, uint64_t offset, void *buf, size_t n, af_error *err)
{
    store_blob *sb = b->priv;
    if (offset > b->size || n > b->size - offset)
        return af_error_set(err, AF_EPARSE,
                            "%s: read of %zu bytes at offset %llu goes past the end of the "
                            "object (%llu bytes)",
                            sb->path, n, (unsigned long long)offset, (unsigned long long)b->size);
    af_buf_reset(&sb->scratch);
    int rc = af_store_read_range(sb->store, sb->path, (int64_t)offset, n, &sb->scratch, err);
    if (rc)
        return rc;
    if (sb->scratch.len != n)
        return af_error_set(err, AF_EIO,
                            "%s: object shrank while reading (%zu of %zu bytes at offset %llu)",
                            sb->path, sb->scratch.len, n, (unsigned long long)offset);
    if (n)
        memcpy(buf, sb->scratch.data, n);
    /* keep a big chunk read from pinning its memory for the blob's life */
    if (sb->scratch.cap > ((size_t)1 << 20)) {
        af_buf_free(&sb->scratch);
        af_buf_init(&sb->scratch);
    }
    b->bytes_read += n;
    return AF_OK;
}

static void sb_close(af_blob *b)
{
    store_blob *sb = b->priv;
    af_buf_free(&sb->scratch);
    free(sb->path);
    free(sb);
    free(b);
}

int af_store_blob_open(af_store *s, const char *path, af_blob **out, af_error *err)
{
    *out = NULL;
    af_store_entry e;
    memset(&e, 0, sizeof e);
    int rc = af_store_stat(s, path, &e, err);
    if (rc)
        return rc;
    free(e.path);
    af_blob *b = calloc(1, sizeof *b);
    store_blob *sb = calloc(1, sizeof *sb);
    char *p = af_strdup(path);
    if (!b || !sb || !p) {
        free(b);
        free(sb);
        free(p);
        return af_error_set(err, AF_ENOMEM, "out of memory opening %s", path);
    }
    sb->store = s;
    sb->path = p;
    af_buf_init(&sb->scratch);
    b->read_at = sb_read_at;
    b->close = sb_close;
    b->name = p;
    b->size = e.size < 0 ? 0 : (uint64_t)e.size;
    b->priv = sb;
    *out = b;
    return AF_OK;
}
