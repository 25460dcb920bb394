/* blob.h - random-access byte sources: read N bytes at an offset.
 *
 * Columnar formats read the end of a file first (the Parquet footer) and
 * then only the byte ranges they need. A blob is that interface; local
 * files use pread(), object stores will use ranged GETs, so a remote file
 * is never downloaded whole.
 */
#ifndef AF_BLOB_H
#define AF_BLOB_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct af_blob af_blob;
struct af_blob {
    /* Reads exactly n bytes at offset, or fails (a short file is an error
     * naming the offset). */
    int (*read_at)(af_blob *b, uint64_t offset, void *buf, size_t n, af_error *err);
    void (*close)(af_blob *b);
    const char *name; /* path or URL without secrets, for messages */
    uint64_t size;
    uint64_t bytes_read; /* total delivered, for reports */
    void *priv;
};

int af_blob_open_file(const char *path, af_blob **out, af_error *err);
/* A blob over memory (not copied; must outlive the blob). */
int af_blob_open_memory(const void *data, size_t len, const char *name, af_blob **out,
                        af_error *err);
int af_blob_read_at(af_blob *b, uint64_t offset, void *buf, size_t n, af_error *err);
void af_blob_close(af_blob *b);

#endif
