/* csv.c - the CSV file sink: RFC 4180 output staged under a hidden temporary
 * name next to the target and renamed into place on commit, so a reader
 * never sees half a file and an aborted run leaves nothing behind. */
#include "core/buf.h"
#include "core/plugin.h"
#include "core/state.h"
#include "formats/csv.h"
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
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct csv_sink {
    af_staged_file file;
    af_csv_write_options wopts;
    af_buf out;
} csv_sink;

static int flush_out(csv_sink *s, af_error *err)
{
    int rc = af_staged_file_write(&s->file, s->out.data, s->out.len, err);
    af_buf_reset(&s->out);
    return rc;
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
    free(path);
    if (rc)
        return rc;
    af_csv_write_options_default(&s->wopts);
    s->wopts.delimiter = c->delimiter;
    s->wopts.quote = c->quote;
    s->wopts.quoting = (af_csv_quoting)c->quoting;
    s->wopts.null_token = c->null_token ? c->null_token : "";
    s->wopts.line_end = c->line_end == 1 ? "\r\n" : "\n";
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
    return af_staged_file_commit(&s->file, err);
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
    af_staged_file_free(&s->file); /* neither committed nor aborted: never leave it behind */
    af_buf_free(&s->out);
    free(s);
    self->priv = NULL;
}

const af_sink_plugin af_sink_csv = {
    .name = "csv",
    .summary = "Write a CSV file (RFC 4180, UTF-8), replaced atomically on commit",
    .options = csv_sink_options,
    .config_size = sizeof(csv_sink_config),
    .open = csv_sink_open,
    .write = csv_sink_write,
    .commit = csv_sink_commit,
    .abort = csv_sink_abort,
    .close = csv_sink_close,
};
