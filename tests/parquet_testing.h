/* parquet_testing.h - what the Parquet tests share: finding the shared
 * parquet-testing folder and reading a file's footer through io/blob.h. */
#ifndef AF_TEST_PARQUET_TESTING_H
#define AF_TEST_PARQUET_TESTING_H

#include "formats/parquet/meta.h"
#include "io/blob.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* <repo>/../shared/data/parquet-testing, found from AF_FIXTURES
 * (<repo>/tests/fixtures, set by ctest); NULL when it is absent. */
static inline const char *testing_dir(char *buf, size_t n)
{
    const char *fx = getenv("AF_FIXTURES");
    if (snprintf(buf, n, "%s/../../../shared/data/parquet-testing", fx ? fx : "tests/fixtures") >=
        (int)n)
        return NULL;
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : NULL;
}

static inline int testing_blob_read_at(void *ctx, uint64_t off, void *buf, size_t n, af_error *err)
{
    return af_blob_read_at(ctx, off, buf, n, err);
}

/* Decodes and validates the footer of DIR/FILE; messages name FILE. */
static inline int open_footer(const char *dir, const char *file, af_pq_file_meta **m, af_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
        return af_error_set(err, AF_EINVAL, "%s/%s: path too long", dir, file);
    af_blob *blob = NULL;
    int rc = af_blob_open_file(path, &blob, err);
    if (rc)
        return rc;
    rc = af_pq_footer_read(testing_blob_read_at, blob, blob->size, file, m, err);
    af_blob_close(blob);
    return rc;
}

#endif
