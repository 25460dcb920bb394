/* lake.c - the lake table sink: batches become a Delta table at
 * LAKE/processed/<table>/ (lake/table.h), committed in one log entry when
 * the stream succeeds, deleted when it fails. */
#include "core/config.h"
#include "core/plugin.h"
#include "io/codec.h"
#include "lake/partition.h"
#include "lake/table.h"

#include <stdlib.h>
#include <string.h>

typedef struct lake_sink_config {
    char *table;
    int mode;
    int overwrite_scope;
    af_strlist partition_by;
    af_strlist key;
    char *delete_column;
    int64_t target_file_size;
    int64_t max_open_files;
    int64_t write_memory;
    int64_t retention_days;
    char *retention_column;
    int on_schema_change;
    int compression;
    int64_t compression_level;
    int64_t row_group_size;
} lake_sink_config;

/* The order of the compression enum below. */
static const af_codec compression_codecs[] = {
    AF_CODEC_ZSTD, AF_CODEC_SNAPPY, AF_CODEC_GZIP, AF_CODEC_LZ4_RAW, AF_CODEC_UNCOMPRESSED,
};

#define OFF(f) offsetof(lake_sink_config, f)
static const af_config_map lake_sink_options[] = {
    {"table", AF_OPT_STRING, NULL, false, OFF(table),
     "table name, stored at LAKE/processed/<table>/ (default: the stream name)", NULL},
    {"mode", AF_OPT_ENUM, "append", false, OFF(mode),
     "append rows; overwrite the table; merge (upsert) on key; snapshot: each run is the "
     "whole table",
     AF_TABLE_MODE_CHOICES},
    {"overwrite_scope", AF_OPT_ENUM, "table", false, OFF(overwrite_scope),
     "mode overwrite: replace the whole table, or only the partitions that received rows",
     "table|partitions"},
    {"partition_by", AF_OPT_STRLIST, NULL, false, OFF(partition_by),
     "partition columns: COLUMN, COLUMN:year|month|day|hour, or NAME=COLUMN:PART", NULL},
    {"key", AF_OPT_STRLIST, NULL, false, OFF(key), "mode merge: the columns that identify a row",
     NULL},
    {"delete_column", AF_OPT_STRING, NULL, false, OFF(delete_column),
     "mode merge: a bool column; rows where it is true delete their key (not stored)", NULL},
    {"target_file_size", AF_OPT_SIZE, "128MiB", false, OFF(target_file_size),
     "a data file closes once it holds this many bytes", NULL},
    {"max_open_files", AF_OPT_INT, "128", false, OFF(max_open_files),
     "data files open at once; past it the least recently used one closes", NULL},
    {"write_memory", AF_OPT_SIZE, "256MiB", false, OFF(write_memory),
     "row groups held in memory by all open data files together; past it the largest is "
     "written out",
     NULL},
    {"retention_days", AF_OPT_INT, "0", false, OFF(retention_days),
     "drop partitions of a date partition column older than this many days (0 = keep all)", NULL},
    {"retention_column", AF_OPT_STRING, NULL, false, OFF(retention_column),
     "the date partition column retention looks at (default: the first date partition)", NULL},
    {"on_schema_change", AF_OPT_ENUM, "evolve", false, OFF(on_schema_change),
     "evolve: add new columns and widen types, fail on other changes; new_table_version: "
     "replace the table's rows and schema",
     "evolve|new_table_version"},
    {"compression", AF_OPT_ENUM, "zstd", false, OFF(compression), "data file page codec",
     "zstd|snappy|gzip|lz4_raw|none"},
    {"compression_level", AF_OPT_INT, "0", false, OFF(compression_level),
     "codec level; 0 = the codec's default", NULL},
    {"row_group_size", AF_OPT_SIZE, "64MiB", false, OFF(row_group_size),
     "largest row group held in memory per data file", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct lake_sink {
    af_store *store;
    const char *name; /* the table's catalog name */
    af_buf table;
    af_table_writer *writer;
} lake_sink;

static int lake_sink_open(af_sink *self, const af_schema *schema, af_error *err)
{
    const lake_sink_config *c = self->config;
    lake_sink *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    af_buf_init(&s->table);
    s->name = c->table ? c->table : self->ctx->stream_name;
    int rc = af_table_path(s->name, &s->table, err);
    if (!rc && !self->ctx->lake_dir)
        rc = af_error_set(err, AF_ECONFIG, "the lake target needs a lake (defaults.lake)");
    if (!rc)
        rc = af_store_open(self->ctx->lake_dir, &s->store, err);
    if (rc)
        return rc;
    af_table_options o;
    af_table_options_default(&o);
    o.mode = (af_table_mode)c->mode;
    o.overwrite_partitions_only = c->overwrite_scope == 1;
    o.partition_by = (const char *const *)c->partition_by.items;
    o.n_partition_by = c->partition_by.len;
    o.key = (const char *const *)c->key.items;
    o.n_key = c->key.len;
    o.delete_column = c->delete_column;
    o.target_file_bytes = c->target_file_size;
    o.max_open_files = (int)c->max_open_files;
    o.memory_bytes = c->write_memory;
    o.retention_days = c->retention_days;
    o.retention_column = c->retention_column;
    o.new_table_version = c->on_schema_change == 1;
    o.parquet.codec = compression_codecs[c->compression];
    o.parquet.level = (int)c->compression_level;
    o.parquet.row_group_bytes = c->row_group_size;
    o.run_id = self->ctx->run_id;
    o.description = self->ctx->stream && self->ctx->stream->opts.description
                        ? self->ctx->stream->opts.description
                        : NULL;
    rc = af_table_writer_open(s->store, af_buf_cstr(&s->table), schema, &o, &s->writer, err);
    if (rc)
        return rc;
    af_buf out;
    af_buf_init(&out);
    if (af_buf_printf(&out, "%s/%s", af_store_root(s->store), af_buf_cstr(&s->table)) == 0) {
        free(self->output);
        self->output = af_strdup(af_buf_cstr(&out));
    }
    af_buf_free(&out);
    return AF_OK;
}

static int lake_sink_write(af_sink *self, af_batch *batch, af_error *err)
{
    lake_sink *s = self->priv;
    return af_table_writer_write(s->writer, batch, err);
}

static int lake_sink_commit(af_sink *self, af_error *err)
{
    static const char *const operations[] = {"append", "overwrite", "merge", "snapshot"};
    const lake_sink_config *c = self->config;
    lake_sink *s = self->priv;
    af_table_result res;
    int rc = af_table_writer_commit(s->writer, &res, err);
    if (!rc && !res.duplicate)
        af_table_catalog_record(s->store, s->name, &res, operations[c->mode], self->ctx,
                                self->ctx->run_id);
    return rc;
}

static void lake_sink_abort(af_sink *self)
{
    lake_sink *s = self->priv;
    if (s && s->writer)
        af_table_writer_abort(s->writer);
}

static void lake_sink_close(af_sink *self)
{
    lake_sink *s = self->priv;
    if (!s)
        return;
    af_table_writer_free(s->writer);
    af_store_free(s->store);
    af_buf_free(&s->table);
    free(s);
    self->priv = NULL;
}

/* The rules between options, checked when the pipeline loads. */
static int lake_sink_check(const void *config, af_error *err)
{
    const lake_sink_config *c = config;
    bool merge = c->mode == AF_TABLE_MERGE;
    if (merge && c->key.len == 0)
        return af_error_set(err, AF_ECONFIG, "mode merge needs key columns (key: [id])");
    if (!merge && (c->key.len || c->delete_column))
        return af_error_set(err, AF_ECONFIG, "key and delete_column are for mode merge");
    if (c->retention_days < 0 || c->max_open_files < 1 || c->target_file_size < 1 ||
        c->write_memory < 1)
        return af_error_set(err, AF_ECONFIG,
                            "retention_days must be >= 0, and max_open_files, target_file_size "
                            "and write_memory > 0");
    if (c->retention_days > 0 && c->partition_by.len == 0)
        return af_error_set(err, AF_ECONFIG,
                            "retention_days needs a date partition (partition_by: [day=ts:day])");
    af_buf path;
    af_buf_init(&path);
    int rc = c->table ? af_table_path(c->table, &path, err) : AF_OK;
    af_buf_free(&path);
    for (size_t i = 0; !rc && i < c->partition_by.len; i++) {
        af_partition_spec spec;
        rc = af_partition_parse(c->partition_by.items[i], &spec, err);
        if (!rc)
            af_partition_spec_free(&spec);
    }
    return rc ? AF_ECONFIG : AF_OK;
}

/* Whether run_id committed to the table: its commitInfo names the run.
 * Newest versions first: a run that committed is found after a few reads;
 * one that did not costs a read of every commit, once, after a crash. */
static int lake_sink_committed(const void *config, const af_stream_ctx *ctx, const char *run_id,
                               bool *out, af_error *err)
{
    const lake_sink_config *c = config;
    *out = false;
    af_buf table;
    af_buf_init(&table);
    af_store *st = NULL;
    int rc = af_table_path(c->table ? c->table : ctx->stream_name, &table, err);
    if (!rc)
        rc = af_store_open(ctx->lake_dir, &st, err);
    int64_t latest = -1;
    if (!rc) {
        rc = af_delta_latest_version(st, af_buf_cstr(&table), &latest, err);
        if (rc == AF_ENOTFOUND) { /* no table: nothing was committed */
            af_error_clear(err);
            rc = AF_OK;
        }
    }
    for (int64_t v = latest; !rc && v >= 0 && !*out; v--) {
        af_delta_actions a;
        rc = af_delta_read_commit(st, af_buf_cstr(&table), v, &a, err);
        if (rc == AF_ENOTFOUND) { /* older commits cleaned up by another engine */
            af_error_clear(err);
            rc = AF_OK;
            break;
        }
        if (!rc) {
            *out = a.commit_info.run_id && strcmp(a.commit_info.run_id, run_id) == 0;
            af_delta_actions_free(&a);
        }
    }
    af_store_free(st);
    af_buf_free(&table);
    return rc;
}

const af_sink_plugin af_sink_lake = {
    .name = "lake",
    .summary = "Write a lake table: Parquet files under a Delta log at LAKE/processed/<table>/, "
               "with partitions, append/overwrite/merge/snapshot, versions and time travel",
    .options = lake_sink_options,
    .config_size = sizeof(lake_sink_config),
    .open = lake_sink_open,
    .write = lake_sink_write,
    .commit = lake_sink_commit,
    .abort = lake_sink_abort,
    .close = lake_sink_close,
    .committed = lake_sink_committed,
    .check = lake_sink_check,
};
