/* parquet.c - the Parquet file sink: batches go through the Parquet writer
 * (formats/parquet/parquet.h) into a staged file renamed into place on
 * commit. Memory stays bounded by one row group. */
#include "core/plugin.h"
#include "formats/parquet/parquet.h"
#include "io/codec.h"
#include "io/staged_file.h"

#include <stdlib.h>
#include <string.h>

typedef struct parquet_sink_config {
    char *path;
    int compression;
    int64_t compression_level;
    int64_t row_group_size;
    int64_t row_group_rows;
    int64_t page_size;
    bool dictionary;
    int64_t dictionary_max_size;
    int data_page_version;
    bool page_index;
} parquet_sink_config;

/* The order of the compression enum below. */
static const af_codec compression_codecs[] = {
    AF_CODEC_ZSTD,    AF_CODEC_SNAPPY, AF_CODEC_GZIP,         AF_CODEC_BROTLI,
    AF_CODEC_LZ4_RAW, AF_CODEC_LZ4,    AF_CODEC_UNCOMPRESSED, AF_CODEC_UNCOMPRESSED,
};

#define OFF(f) offsetof(parquet_sink_config, f)
static const af_config_map parquet_sink_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "file to write (relative to the pipeline file); replaced atomically on commit", NULL},
    {"compression", AF_OPT_ENUM, "zstd", false, OFF(compression), "page compression codec",
     "zstd|snappy|gzip|brotli|lz4_raw|lz4|none|uncompressed"},
    {"compression_level", AF_OPT_INT, "0", false, OFF(compression_level),
     "codec level (zstd 1..22, gzip 1..9, brotli 0..11); 0 = the codec's default", NULL},
    {"row_group_size", AF_OPT_SIZE, "64MiB", false, OFF(row_group_size),
     "a row group closes once the rows written into it hold this much memory", NULL},
    {"row_group_rows", AF_OPT_INT, "0", false, OFF(row_group_rows),
     "...or once it holds this many rows (0 = no row limit)", NULL},
    {"page_size", AF_OPT_SIZE, "1MiB", false, OFF(page_size),
     "target size of a data page, encoded, before compression", NULL},
    {"dictionary", AF_OPT_BOOL, "true", false, OFF(dictionary),
     "dictionary-encode columns, falling back to plain when the dictionary grows too large", NULL},
    {"dictionary_max_size", AF_OPT_SIZE, "1MiB", false, OFF(dictionary_max_size),
     "largest dictionary per column chunk before the fallback to plain", NULL},
    {"data_page_version", AF_OPT_ENUM, "1", false, OFF(data_page_version),
     "data page format (2 keeps levels uncompressed; some old readers only read 1)", "1|2"},
    {"page_index", AF_OPT_BOOL, "true", false, OFF(page_index),
     "write the column and offset indexes that let readers skip pages", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct parquet_sink {
    af_staged_file file;
    af_parquet_writer *writer;
} parquet_sink;

static int file_write(void *ctx, const void *p, size_t n, af_error *err)
{
    return af_staged_file_write(ctx, p, n, err);
}

static int parquet_sink_open(af_sink *self, const af_schema *schema, af_error *err)
{
    const parquet_sink_config *c = self->config;
    parquet_sink *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    s->file.fd = -1;
    char *path = af_stream_resolve_path(self->ctx, c->path);
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = strstr(path, "://") ? af_error_set(err, AF_EUNSUPPORTED,
                                                "%s: the parquet sink writes local files only in "
                                                "this version",
                                                c->path)
                                 : af_staged_file_open(&s->file, path, self->ctx->run_id, err);
    free(path);
    if (rc)
        return rc;
    af_parquet_write_options o;
    af_parquet_write_options_default(&o);
    o.codec = compression_codecs[c->compression];
    o.level = (int)c->compression_level;
    o.row_group_bytes = c->row_group_size;
    o.row_group_rows = c->row_group_rows;
    o.page_bytes = c->page_size;
    o.dictionary = c->dictionary;
    o.dictionary_max_bytes = c->dictionary_max_size;
    o.data_page_version = c->data_page_version + 1;
    o.page_index = c->page_index;
    af_byte_sink out = {file_write, &s->file};
    rc = af_parquet_writer_open(out, schema, &o, &s->writer, err);
    if (rc)
        return af_error_wrap(err, "%s", s->file.path);
    free(self->output);
    self->output = af_strdup(s->file.path);
    return AF_OK;
}

static int parquet_sink_write(af_sink *self, af_batch *batch, af_error *err)
{
    parquet_sink *s = self->priv;
    int rc = af_parquet_writer_write(s->writer, batch, err);
    return rc ? af_error_wrap(err, "%s", s->file.path) : AF_OK;
}

static int parquet_sink_commit(af_sink *self, af_error *err)
{
    parquet_sink *s = self->priv;
    int rc = af_parquet_writer_finish(s->writer, err);
    if (rc)
        return af_error_wrap(err, "%s", s->file.path);
    return af_staged_file_commit(&s->file, err);
}

static void parquet_sink_abort(af_sink *self)
{
    parquet_sink *s = self->priv;
    if (!s)
        return;
    af_staged_file_abort(&s->file);
    free(self->output);
    self->output = NULL;
}

static void parquet_sink_close(af_sink *self)
{
    parquet_sink *s = self->priv;
    if (!s)
        return;
    af_parquet_writer_free(s->writer);
    af_staged_file_free(&s->file);
    free(s);
    self->priv = NULL;
}

const af_sink_plugin af_sink_parquet = {
    .name = "parquet",
    .summary = "Write a Parquet file (zstd, dictionary, statistics, page index), replaced "
               "atomically on commit",
    .options = parquet_sink_options,
    .config_size = sizeof(parquet_sink_config),
    .open = parquet_sink_open,
    .write = parquet_sink_write,
    .commit = parquet_sink_commit,
    .abort = parquet_sink_abort,
    .close = parquet_sink_close,
};
