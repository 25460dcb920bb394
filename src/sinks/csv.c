/* csv.c - the CSV file sink: RFC 4180 output staged under a hidden temporary
 * name next to the target and renamed into place on commit, so a reader
 * never sees half a file and an aborted run leaves nothing behind. The
 * output may be compressed as it is written (gzip, zstd, ...), chosen by
 * option or by the file name (`orders.csv.gz`). */
#include "core/buf.h"
#include "core/plugin.h"
#include "core/state.h"
#include "formats/csv.h"
#include "io/compress_out.h"
#include "io/staged_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_sink_config {
    char *path;
    char delimiter;
    char quote;
    int quoting;
    char *null_token;
    bool header;
    int line_end;
    int compression; /* af_compression; AUTO = from the file name */
    int64_t compression_level;
    char *date_format;
    char *timestamp_format;
} csv_sink_config;

#define OFF(f) offsetof(csv_sink_config, f)
static const af_config_map csv_sink_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "file to write (relative to the pipeline file); replaced atomically on commit", NULL},
    {"delimiter", AF_OPT_CHAR, ",", false, OFF(delimiter), "field separator", NULL},
    {"quote", AF_OPT_CHAR, "\"", false, OFF(quote), "quote character", NULL},
    {"quoting", AF_OPT_ENUM, "minimal", false, OFF(quoting), "which fields are quoted",
     "minimal|all|nonnumeric"},
    {"null", AF_OPT_STRING, "", false, OFF(null_token),
     "text written for NULL (unquoted); an empty string is written as \"\"", NULL},
    {"header", AF_OPT_BOOL, "true", false, OFF(header),
     "write a header record with the column names", NULL},
    {"line_end", AF_OPT_ENUM, "lf", false, OFF(line_end), "record terminator", "lf|crlf"},
    {"compression", AF_OPT_ENUM, "auto", false, OFF(compression),
     "compress the file as it is written; auto: from the name (.gz, .zst, .lz4, .bz2, .xz, .br), "
     "else none",
     AF_COMPRESSION_CHOICES},
    {"compression_level", AF_OPT_INT, "0", false, OFF(compression_level),
     "codec level; 0 = the codec's default (gzip 6, zstd 3)", NULL},
    {"date_format", AF_OPT_STRING, NULL, false, OFF(date_format),
     "strftime pattern for date columns, e.g. %d/%m/%Y (default ISO 8601)", NULL},
    {"timestamp_format", AF_OPT_STRING, NULL, false, OFF(timestamp_format),
     "strftime pattern for timestamp columns, written in UTC (default ISO 8601)", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct csv_sink {
    af_staged_file file;
    af_compress_out *z; /* NULL when the output is not compressed */
    af_csv_write_options wopts;
    af_buf out;
} csv_sink;

static int write_staged(void *ctx, const void *p, size_t n, af_error *err)
{
    return af_staged_file_write(ctx, p, n, err);
}

static int flush_out(csv_sink *s, af_error *err)
{
    int rc = s->z ? af_compress_out_write(s->z, s->out.data, s->out.len, err)
                  : af_staged_file_write(&s->file, s->out.data, s->out.len, err);
    af_buf_reset(&s->out);
    return rc;
}

static int open_compression(csv_sink *s, const csv_sink_config *c, const char *path, af_error *err)
{
    af_compression z = (af_compression)c->compression;
    if (z == AF_COMPRESSION_AUTO)
        z = af_compression_from_extension(path);
    if (z == AF_COMPRESSION_NONE)
        return AF_OK;
    return af_compress_out_new(z, (int)c->compression_level, write_staged, &s->file, path, &s->z,
                               err);
}

static int csv_sink_open(af_sink *self, const af_schema *schema, af_error *err)
{
    const csv_sink_config *c = self->config;
    csv_sink *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    s->file.fd = -1;
    af_buf_init(&s->out);
    char *path = af_stream_resolve_path(self->ctx, c->path);
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = strstr(path, "://") ? af_error_set(err, AF_EUNSUPPORTED,
                                                "%s: the csv sink writes local files only in this "
                                                "version",
                                                c->path)
                                 : af_staged_file_open(&s->file, path, self->ctx->run_id, err);
    if (!rc)
        rc = open_compression(s, c, path, err);
    free(path);
    if (rc)
        return rc;
    af_csv_write_options_default(&s->wopts);
    s->wopts.delimiter = c->delimiter;
    s->wopts.quote = c->quote;
    s->wopts.quoting = (af_csv_quoting)c->quoting;
    s->wopts.null_token = c->null_token ? c->null_token : "";
    s->wopts.line_end = c->line_end == 1 ? "\r\n" : "\n";
    s->wopts.date_format = c->date_format;
    s->wopts.timestamp_format = c->timestamp_format;
    free(self->output);
    self->output = af_strdup(s->file.path);
    if (c->header) {
        if (af_csv_write_header(&s->out, schema, &s->wopts))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        return flush_out(s, err);
    }
    return AF_OK;
}

static int csv_sink_write(af_sink *self, af_batch *batch, af_error *err)
{
    csv_sink *s = self->priv;
    int rc = af_csv_write_batch(&s->out, batch, &s->wopts, err);
    if (rc)
        return rc;
    return flush_out(s, err);
}

static int csv_sink_commit(af_sink *self, af_error *err)
{
    csv_sink *s = self->priv;
    int rc = s->z ? af_compress_out_finish(s->z, err) : AF_OK;
    return rc ? rc : af_staged_file_commit(&s->file, err);
}

static void csv_sink_abort(af_sink *self)
{
    csv_sink *s = self->priv;
    if (!s)
        return;
    af_staged_file_abort(&s->file);
    free(self->output);
    self->output = NULL;
}

static void csv_sink_close(af_sink *self)
{
    csv_sink *s = self->priv;
    if (!s)
        return;
    af_compress_out_free(s->z);
    af_staged_file_free(&s->file); /* neither committed nor aborted: never leave it behind */
    af_buf_free(&s->out);
    free(s);
    self->priv = NULL;
}

const af_sink_plugin af_sink_csv = {
    .name = "csv",
    .summary = "Write a CSV file (RFC 4180, UTF-8, optionally compressed), replaced atomically on "
               "commit",
    .options = csv_sink_options,
    .config_size = sizeof(csv_sink_config),
    .open = csv_sink_open,
    .write = csv_sink_write,
    .commit = csv_sink_commit,
    .abort = csv_sink_abort,
    .close = csv_sink_close,
};
