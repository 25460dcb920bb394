/* csv.c - the CSV file sink: RFC 4180 output staged under a hidden temporary
 * name next to the target and renamed into place on commit, so a reader
 * never sees half a file and an aborted run leaves nothing behind. */
#include "core/buf.h"
#include "core/plugin.h"
#include "core/state.h"
#include "formats/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    char *path;
    char *tmp_path;
    int fd;
    af_csv_write_options wopts;
    af_buf out;
} csv_sink;

static int write_all(csv_sink *s, af_error *err)
{
    size_t done = 0;
    while (done < s->out.len) {
        ssize_t n = write(s->fd, s->out.data + done, s->out.len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return af_error_set(err, AF_EIO, "%s: write failed: %s", s->tmp_path, strerror(errno));
        }
        done += (size_t)n;
    }
    af_buf_reset(&s->out);
    return AF_OK;
}

static int csv_sink_open(af_sink *self, const af_schema *schema, af_error *err)
{
    const csv_sink_config *c = self->config;
    csv_sink *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    s->fd = -1;
    af_buf_init(&s->out);
    s->path = af_stream_resolve_path(self->ctx, c->path);
    if (!s->path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (strstr(s->path, "://"))
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: the csv sink writes local files only in this version", c->path);
    /* the staging file lives in the target directory so rename() is atomic */
    char *dir = af_strdup(s->path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    const char *base = strrchr(s->path, '/') ? strrchr(s->path, '/') + 1 : s->path;
    int rc = AF_OK;
    if (slash && slash != dir) {
        *slash = '\0';
        rc = af_mkdirs(dir, err);
    }
    af_buf tmp;
    af_buf_init(&tmp);
    if (!rc && af_buf_printf(&tmp, "%.*s.%s.affluent-%s.tmp", (int)(base - s->path), s->path, base,
                             self->ctx->run_id ? self->ctx->run_id : "run"))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    free(dir);
    if (rc) {
        af_buf_free(&tmp);
        return rc;
    }
    af_buf_cstr(&tmp);
    s->tmp_path = (char *)tmp.data;
    s->fd = open(s->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (s->fd < 0)
        return af_error_set(err, AF_EIO, "%s: cannot create: %s", s->tmp_path, strerror(errno));
    af_csv_write_options_default(&s->wopts);
    s->wopts.delimiter = c->delimiter;
    s->wopts.quote = c->quote;
    s->wopts.quoting = (af_csv_quoting)c->quoting;
    s->wopts.null_token = c->null_token ? c->null_token : "";
    s->wopts.line_end = c->line_end == 1 ? "\r\n" : "\n";
    free(self->output);
    self->output = af_strdup(s->path);
    if (c->header) {
        if (af_csv_write_header(&s->out, schema, &s->wopts))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        return write_all(s, err);
    }
    return AF_OK;
}

static int csv_sink_write(af_sink *self, af_batch *batch, af_error *err)
{
    csv_sink *s = self->priv;
    int rc = af_csv_write_batch(&s->out, batch, &s->wopts, err);
    if (rc)
        return rc;
    return write_all(s, err);
}

static int csv_sink_commit(af_sink *self, af_error *err)
{
    csv_sink *s = self->priv;
    if (fsync(s->fd) != 0)
        return af_error_set(err, AF_EIO, "%s: fsync failed: %s", s->tmp_path, strerror(errno));
    if (close(s->fd) != 0) {
        s->fd = -1;
        return af_error_set(err, AF_EIO, "%s: close failed: %s", s->tmp_path, strerror(errno));
    }
    s->fd = -1;
    if (rename(s->tmp_path, s->path) != 0)
        return af_error_set(err, AF_EIO, "%s: cannot move the staged file into place: %s", s->path,
                            strerror(errno));
    /* make the rename itself durable */
    char *dir = af_strdup(s->path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash) {
        *slash = '\0';
        int dfd = open(slash == dir ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(dir);
    free(s->tmp_path);
    s->tmp_path = NULL;
    return AF_OK;
}

static void csv_sink_abort(af_sink *self)
{
    csv_sink *s = self->priv;
    if (!s)
        return;
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (s->tmp_path)
        unlink(s->tmp_path);
    free(self->output);
    self->output = NULL;
}

static void csv_sink_close(af_sink *self)
{
    csv_sink *s = self->priv;
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    if (s->tmp_path) /* neither committed nor aborted: never leave the staging file */
        unlink(s->tmp_path);
    free(s->tmp_path);
    free(s->path);
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
