/* curated.c - the `curated` sink: CSV exports for consumers in the lake's
 * curated zone, `curated/<name>/<file>.csv`, projected (`columns`) and
 * filtered (`where`, the grammar of core/where.h). <name> is the target's
 * `name:` (every target may have one), else the stream's name.
 *
 * The file is written through the lake store (lake/store.h) as a staged
 * object and published on commit in one step, so a consumer never reads
 * half an export and a failed run leaves nothing behind. After the publish
 * the export is recorded in the catalog (zone curated, format csv), with
 * the stream's description, owner, tags and column notes.
 */
#include "core/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "core/plugin.h"
#include "core/where.h"
#include "formats/csv.h"
#include "io/compress_out.h"
#include "lake/catalog.h"
#include "lake/store.h"

#include <stdlib.h>
#include <string.h>

typedef struct curated_config {
    char *file;
    af_strlist columns;
    char *where;
    char delimiter;
    char *null_token;
    int compression; /* af_compression; AUTO = from the file name, else none */
    char *date_format;
    char *timestamp_format;
} curated_config;

#define OFF(f) offsetof(curated_config, f)
static const af_config_map curated_options[] = {
    {"file", AF_OPT_STRING, NULL, false, OFF(file),
     "file name in curated/NAME/, NAME being the target's name: or else the stream name "
     "(default: the stream name); .csv is added unless it ends in .csv, .csv.gz, ...",
     NULL},
    {"columns", AF_OPT_STRLIST, NULL, false, OFF(columns),
     "columns to export, in this order (default: all)", NULL},
    {"where", AF_OPT_STRING, NULL, false, OFF(where),
     "keep only rows where this holds, e.g. \"amount > 10 AND country = 'FR'\"", NULL},
    {"delimiter", AF_OPT_CHAR, ",", false, OFF(delimiter), "field separator", NULL},
    {"null", AF_OPT_STRING, "", false, OFF(null_token), "text written for NULL (unquoted)", NULL},
    {"compression", AF_OPT_ENUM, "auto", false, OFF(compression),
     "compress the export; auto: from the file name (.gz, .zst, ...), else none",
     AF_COMPRESSION_CHOICES},
    {"date_format", AF_OPT_STRING, NULL, false, OFF(date_format),
     "strftime pattern for date columns, e.g. %d/%m/%Y (default ISO 8601)", NULL},
    {"timestamp_format", AF_OPT_STRING, NULL, false, OFF(timestamp_format),
     "strftime pattern for timestamp columns, written in UTC (default ISO 8601)", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct curated_sink {
    af_store *store;
    af_store_writer *w;
    af_compress_out *z;
    af_csv_write_options wopts;
    af_where *where;
    size_t *cols; /* projection, NULL = every column */
    size_t n_cols;
    af_schema *out_schema;
    char *path;    /* object path in the lake */
    char *dataset; /* catalog name */
    af_buf out;
    int64_t rows;
    int64_t bytes; /* as stored (compressed when compressed) */
} curated_sink;

static const char *const codec_ext[] = {
    [AF_COMPRESSION_GZIP] = ".gz", [AF_COMPRESSION_ZSTD] = ".zst",
    [AF_COMPRESSION_LZ4] = ".lz4", [AF_COMPRESSION_BZIP2] = ".bz2",
    [AF_COMPRESSION_XZ] = ".xz",   [AF_COMPRESSION_BROTLI] = ".br",
};

static const char *ext_of(af_compression z)
{
    if ((size_t)z < sizeof codec_ext / sizeof codec_ext[0])
        return codec_ext[z];
    return NULL;
}

static int write_store(void *ctx, const void *p, size_t n, af_error *err)
{
    curated_sink *s = ctx;
    s->bytes += (int64_t)n;
    return af_store_writer_write(s->w, p, n, err);
}

static int flush_out(curated_sink *s, af_error *err)
{
    int rc = s->z ? af_compress_out_write(s->z, s->out.data, s->out.len, err)
                  : write_store(s, s->out.data, s->out.len, err);
    af_buf_reset(&s->out);
    return rc;
}

/* One path segment of plain characters, not hidden: what `name` and
 * `file` may be, so an export cannot land outside its folder. */
static bool plain_segment(const char *s)
{
    if (!s || !*s || s[0] == '.' || strlen(s) > 200)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return false;
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The object path and the codec: ".csv" is added to a bare name and the
 * codec's extension to a name that lacks it, so the file says what it is. */
static int plan_path(curated_sink *s, const curated_config *c, const char *name, const char *file,
                     af_compression *z, af_error *err)
{
    af_buf p;
    af_buf_init(&p);
    af_compression from_name = af_compression_from_extension(file);
    *z = (af_compression)c->compression;
    if (*z == AF_COMPRESSION_AUTO)
        *z = from_name;
    int rc = af_buf_printf(&p, "curated/%s/%s", name, file);
    /* the base name without .csv and codec extension: the catalog's name */
    size_t base_len = strlen(file);
    const char *zext = from_name != AF_COMPRESSION_NONE ? ext_of(from_name) : NULL;
    if (zext && ends_with(file, zext))
        base_len -= strlen(zext);
    if (base_len >= 4 && strncmp(file + base_len - 4, ".csv", 4) == 0)
        base_len -= 4;
    else if (!rc && from_name == AF_COMPRESSION_NONE)
        rc = af_buf_append_str(&p, ".csv");
    if (!rc && *z != AF_COMPRESSION_NONE && *z != from_name && ext_of(*z))
        rc = af_buf_append_str(&p, ext_of(*z));
    af_buf_cstr(&p);
    af_buf d;
    af_buf_init(&d);
    if (!rc) {
        bool same = strlen(name) == base_len && strncmp(name, file, base_len) == 0;
        rc = same ? af_buf_printf(&d, "curated/%s", name)
                  : af_buf_printf(&d, "curated/%s/%.*s", name, (int)base_len, file);
        af_buf_cstr(&d);
    }
    if (rc) {
        af_buf_free(&p);
        af_buf_free(&d);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    s->path = (char *)p.data;
    s->dataset = (char *)d.data;
    return AF_OK;
}

static int unknown_column(const af_schema *in, const char *name, af_error *err)
{
    af_buf list;
    af_buf_init(&list);
    const char **names = calloc(in->n_fields + 1, sizeof *names);
    for (size_t i = 0; i < in->n_fields; i++) {
        af_buf_printf(&list, "%s%s", i ? ", " : "", in->fields[i].name);
        if (names)
            names[i] = in->fields[i].name;
    }
    const char *hint = names ? af_did_you_mean(name, names, in->n_fields) : NULL;
    af_error_set(err, AF_ECONFIG, "columns names '%s', which is not a column (columns: %s)%s%s%s",
                 name, list.len ? af_buf_cstr(&list) : "none", hint ? "; did you mean '" : "",
                 hint ? hint : "", hint ? "'?" : "");
    free(names);
    af_buf_free(&list);
    return AF_ECONFIG;
}

static int plan_columns(curated_sink *s, const curated_config *c, const af_schema *in,
                        af_error *err)
{
    if (c->columns.len == 0) {
        s->out_schema = af_schema_copy(in);
        return s->out_schema ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    }
    s->cols = calloc(c->columns.len, sizeof *s->cols);
    s->out_schema = af_schema_new();
    if (!s->cols || !s->out_schema)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    s->n_cols = c->columns.len;
    for (size_t i = 0; i < c->columns.len; i++) {
        long k = af_schema_find(in, c->columns.items[i]);
        if (k < 0)
            return unknown_column(in, c->columns.items[i], err);
        s->cols[i] = (size_t)k;
        if (af_schema_add(s->out_schema, &in->fields[k]))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

static int curated_open(af_sink *self, const af_schema *schema, af_error *err)
{
    const curated_config *c = self->config;
    const af_stream_ctx *ctx = self->ctx;
    curated_sink *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    af_buf_init(&s->out);
    const char *stream = ctx->stream_name ? ctx->stream_name : "export";
    /* the target's `name:` (checked by the config loader) is the folder; a
     * target left unnamed is called "curated" and exports to the stream's */
    const char *name =
        self->name && strcmp(self->name, self->plugin->name) != 0 ? self->name : stream;
    const char *file = c->file ? c->file : stream;
    if (!plain_segment(name) || !plain_segment(file))
        return af_error_set(err, AF_ECONFIG,
                            "%s '%s' must be one plain name (letters, digits, '_', "
                            "'-', '.'; not starting with '.')",
                            plain_segment(name) ? "file" : "name",
                            plain_segment(name) ? file : name);
    if (!ctx->lake_dir)
        return af_error_set(err, AF_ECONFIG, "the curated sink needs a lake (defaults.lake)");
    int rc = plan_columns(s, c, schema, err);
    if (!rc && c->where) {
        rc = af_where_parse(c->where, &s->where, err);
        rc = rc ? rc : af_where_bind(s->where, schema, err);
        if (rc) {
            af_error_wrap(err, "where");
            rc = AF_ECONFIG;
        }
    }
    af_compression z = AF_COMPRESSION_NONE;
    rc = rc ? rc : plan_path(s, c, name, file, &z, err);
    rc = rc ? rc : af_store_open(ctx->lake_dir, &s->store, err);
    rc = rc ? rc : af_store_writer_begin(s->store, s->path, ctx->run_id, &s->w, err);
    if (!rc && z != AF_COMPRESSION_NONE)
        rc = af_compress_out_new(z, 0, write_store, s, s->path, &s->z, err);
    if (rc)
        return rc;
    af_csv_write_options_default(&s->wopts);
    s->wopts.delimiter = c->delimiter;
    s->wopts.null_token = c->null_token ? c->null_token : "";
    s->wopts.date_format = c->date_format;
    s->wopts.timestamp_format = c->timestamp_format;
    af_buf where;
    af_buf_init(&where);
    af_buf_printf(&where, "%s/%s", af_store_root(s->store), s->path);
    af_buf_cstr(&where);
    free(self->output);
    self->output = (char *)where.data;
    if (af_csv_write_header(&s->out, s->out_schema, &s->wopts))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return flush_out(s, err);
}

static int curated_write(af_sink *self, af_batch *batch, af_error *err)
{
    curated_sink *s = self->priv;
    af_batch *kept = NULL, *proj = NULL;
    int rc = AF_OK;
    if (s->where && af_where_filter(s->where, batch, &kept, err))
        return err && err->code ? err->code : AF_ENOMEM;
    const af_batch *b = kept ? kept : batch;
    if (s->cols) {
        proj = af_batch_project(b, s->cols, NULL, s->n_cols, err);
        if (!proj)
            rc = err && err->code ? err->code : AF_ENOMEM;
        b = proj;
    }
    if (!rc) {
        s->rows += b->n_rows;
        rc = af_csv_write_batch(&s->out, b, &s->wopts, err);
    }
    rc = rc ? rc : flush_out(s, err);
    if (proj)
        af_batch_release(proj);
    if (kept)
        af_batch_release(kept);
    return rc;
}

static void record_in_catalog(af_sink *self, curated_sink *s)
{
    const af_stream_ctx *ctx = self->ctx;
    const af_stream_config *st = ctx->stream;
    af_error err = {0};
    json_t *old = NULL;
    int64_t old_rows = 0;
    bool existed = af_catalog_get(s->store, s->dataset, &old, &err) == AF_OK;
    if (existed) {
        json_t *r = json_object_get(old, "row_count");
        old_rows = json_is_integer(r) ? (int64_t)json_integer_value(r) : 0;
        json_decref(old);
    }
    af_catalog_version v = {
        .version = -1,
        .operation = "overwrite",
        .rows_added = s->rows,
        .rows_removed = old_rows,
        .files_added = 1,
        .files_removed = existed ? 1 : 0,
        .run_id = ctx->run_id,
    };
    af_catalog_run run = {.run_id = ctx->run_id, .status = "succeeded"};
    char *uri = af_catalog_source_uri(ctx);
    af_catalog_update u = {
        .name = s->dataset,
        .zone = "curated",
        .location = s->path,
        .format = "csv",
        .schema = s->out_schema,
        .meta = st ? &st->opts : NULL,
        .lineage = {.pipeline = ctx->pipeline_name,
                    .stream = ctx->stream_name,
                    .source_type = st ? st->source.type : NULL,
                    .source_uri = uri},
        .row_count = s->rows,
        .size_bytes = s->bytes,
        .version = &v,
        .last_run = &run,
    };
    af_error_clear(&err);
    /* the export is published: a catalog that cannot be written is reported,
     * not turned into a failed commit that could not be taken back */
    if (af_catalog_record(s->store, &u, &err))
        af_log(AF_LOG_ERROR, "catalog_record_failed", "%s: the catalog was not updated: %s",
               s->path, err.msg);
    free(uri);
}

static int curated_commit(af_sink *self, af_error *err)
{
    curated_sink *s = self->priv;
    int rc = s->z ? af_compress_out_finish(s->z, err) : AF_OK;
    rc = rc ? rc : af_store_writer_publish(s->w, err);
    if (rc)
        return rc;
    af_log(AF_LOG_INFO, "curated.export", "exported %lld rows (%lld bytes) to %s",
           (long long)s->rows, (long long)s->bytes, s->path);
    record_in_catalog(self, s);
    return AF_OK;
}

static void curated_abort(af_sink *self)
{
    curated_sink *s = self->priv;
    if (!s)
        return;
    if (s->w)
        af_store_writer_abort(s->w);
    free(self->output);
    self->output = NULL;
}

static void curated_close(af_sink *self)
{
    curated_sink *s = self->priv;
    if (!s)
        return;
    af_compress_out_free(s->z);
    af_store_writer_free(s->w); /* aborts an export neither published nor aborted */
    af_store_free(s->store);
    af_where_free(s->where);
    af_schema_free(s->out_schema);
    free(s->cols);
    free(s->path);
    free(s->dataset);
    af_buf_free(&s->out);
    free(s);
    self->priv = NULL;
}

const af_sink_plugin af_sink_curated = {
    .name = "curated",
    .summary = "Export a CSV file (UTF-8, header) to the lake's curated/ zone, projected and "
               "filtered, published atomically and recorded in the catalog",
    .options = curated_options,
    .config_size = sizeof(curated_config),
    .open = curated_open,
    .write = curated_write,
    .commit = curated_commit,
    .abort = curated_abort,
    .close = curated_close,
};
