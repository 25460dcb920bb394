/* parquet.c - the Parquet file source: reads a local Parquet file through
 * the Parquet reader (formats/parquet/parquet.h), a row group at a time,
 * decoding only the selected columns. */
#include "core/plugin.h"
#include "formats/parquet/parquet.h"
#include "io/blob.h"

#include <stdlib.h>
#include <string.h>

typedef struct parquet_source_config {
    char *path;
    af_strlist columns;
} parquet_source_config;

#define OFF(f) offsetof(parquet_source_config, f)
static const af_config_map parquet_source_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "Parquet file to read (relative to the pipeline file)", NULL},
    {"columns", AF_OPT_STRLIST, NULL, false, OFF(columns),
     "top-level columns to read, in this order (default: all); others are never decoded", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct parquet_source {
    af_blob *blob;
    af_parquet_reader *reader;
} parquet_source;

static int parquet_open(af_source *self, af_schema **schema_out, af_error *err)
{
    const parquet_source_config *c = self->config;
    parquet_source *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    char *path = af_stream_resolve_path(self->ctx, c->path);
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = strstr(path, "://") ? af_error_set(err, AF_EUNSUPPORTED,
                                                "%s: the parquet source reads local files only "
                                                "in this version",
                                                c->path)
                                 : af_blob_open_file(path, &s->blob, err);
    free(path);
    if (rc)
        return rc;
    af_parquet_read_options o = {
        .columns = (const char *const *)c->columns.items,
        .n_columns = c->columns.len,
        .limits = self->ctx->limits,
    };
    rc = af_parquet_reader_open(s->blob, &o, &s->reader, err);
    if (rc)
        return rc;
    atomic_store(&self->ctx->bytes_total, (long long)s->blob->size);
    *schema_out = af_schema_copy(af_parquet_reader_schema(s->reader));
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

static int parquet_next(af_source *self, af_batch **out, af_error *err)
{
    parquet_source *s = self->priv;
    int rc = af_parquet_reader_next(s->reader, out, err);
    atomic_store(&self->ctx->bytes_read, (long long)s->blob->bytes_read);
    return rc;
}

static void parquet_close(af_source *self)
{
    parquet_source *s = self->priv;
    if (!s)
        return;
    af_parquet_reader_free(s->reader);
    af_blob_close(s->blob);
    free(s);
    self->priv = NULL;
}

const af_source_plugin af_source_parquet = {
    .name = "parquet",
    .summary = "Read a Parquet file (every encoding and codec, nested types), a row group at a "
               "time",
    .options = parquet_source_options,
    .config_size = sizeof(parquet_source_config),
    .open = parquet_open,
    .next = parquet_next,
    .close = parquet_close,
};
