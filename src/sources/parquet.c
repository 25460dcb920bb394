/* parquet.c - the Parquet file source: reads a local Parquet file through
 * the Parquet reader (formats/parquet/parquet.h), a row group at a time,
 * decoding only the selected columns. A file the raw zone has already
 * ingested (ctx->skip_inputs) still gives its schema but no rows. */
#include "core/plugin.h"
#include "formats/parquet/parquet.h"
#include "io/blob.h"
#include "sources/file_common.h"

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
    bool skipped; /* the raw zone has ingested this file already: schema only, no rows */
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
    s->skipped = af_file_input_skipped(self->ctx, path);
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
    if (!s->skipped)
        atomic_store(&self->ctx->bytes_total, (long long)s->blob->size);
    *schema_out = af_schema_copy(af_parquet_reader_schema(s->reader));
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

static int parquet_next(af_source *self, af_batch **out, af_error *err)
{
    parquet_source *s = self->priv;
    if (s->skipped) {
        *out = NULL;
        return AF_OK;
    }
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

/* The raw zone copies these files and may ask open() to skip some. */
static int parquet_list_inputs(af_source *self, af_strlist *paths, af_error *err)
{
    const parquet_source_config *c = self->config;
    return af_file_list_inputs(self, c->path, paths, err);
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
    .list_inputs = parquet_list_inputs,
};
