/* plugin.h - what a source, a transform and a sink are.
 *
 * A plugin is a static struct of callbacks plus a config map (configmap.h).
 * The config loader allocates `config_size` bytes, fills them from the
 * pipeline file through the map, and the runner creates an instance
 * (af_source / af_transform / af_sink) holding that config, the stream
 * context and the plugin's private state. Adding a connector means adding
 * one file and one line in core/registry.c.
 *
 * Contracts:
 * - source: open() reports the schema; next() yields batches until it sets
 *   *out = NULL; rows it cannot read go through af_quarantine_row().
 *   resume_state() (optional) describes, as JSON, how far it got; the runner
 *   saves it only after every sink of the stream committed. list_inputs()
 *   (optional) names the input files, so the raw zone can copy them and
 *   have the source skip those already ingested (ctx->skip_inputs).
 * - transform: open() derives the output schema from the input schema;
 *   apply() takes a batch (it holds one reference) and yields a batch
 *   (possibly the same, retained) or NULL when every row was quarantined.
 * - sink: open() with the final schema; write() batches; then exactly one of
 *   commit() (all output becomes visible atomically) or abort() (nothing
 *   stays behind); close() frees. A sink must never leave partial output
 *   visible under its final name.
 */
#ifndef AF_PLUGIN_H
#define AF_PLUGIN_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/configmap.h"
#include "core/error.h"
#include "core/schema.h"

#include <stdatomic.h>

typedef struct af_quarantine af_quarantine;

typedef enum af_on_error {
    AF_ON_ERROR_FAIL = 0,
    AF_ON_ERROR_QUARANTINE = 1,
    AF_ON_ERROR_SKIP = 2, /* skip_with_count */
} af_on_error;

struct af_stream_config;
struct af_pipeline;

/* What a plugin instance may know about the run it is part of. */
typedef struct af_stream_ctx {
    const char *pipeline_dir; /* relative paths in the pipeline resolve against it */
    const char *pipeline_name;
    const struct af_stream_config *stream; /* the stream's whole config (config.h); may be NULL */
    const struct af_pipeline *pipeline;    /* connections live there (config.h); may be NULL */
    const char *stream_name;
    const char *run_id;
    const char *lake_dir;
    af_batch_limits limits;
    af_on_error on_error;
    af_quarantine *quarantine;
    atomic_bool *cancel;      /* set on SIGINT/SIGTERM or a failure elsewhere */
    const char *resume_state; /* JSON saved by the last committed run, or NULL */
    atomic_llong bytes_total; /* sources set it when the input size is known (0 = unknown) */
    atomic_llong bytes_read;  /* sources advance it; drives progress and reports */
    /* Set by the run (core/run_journal.h): called once every sink holds all
     * its rows, before the first commit, with the stream's new resume state
     * ("" when the source keeps none). A failure aborts every sink. */
    int (*before_commit)(struct af_stream_ctx *ctx, const char *state_json, af_error *err);
    void *before_commit_arg;
    /* Input files not to read (the raw zone found them ingested already),
     * spelled as list_inputs() gave them; NULL = read everything. */
    const af_strlist *skip_inputs;
} af_stream_ctx;

/* Resolves a path from the pipeline against ctx->pipeline_dir (absolute
 * paths and URLs are returned as they are). Caller frees. */
char *af_stream_resolve_path(const af_stream_ctx *ctx, const char *path);

typedef struct af_source af_source;
typedef struct af_transform af_transform;
typedef struct af_sink af_sink;

typedef struct af_source_plugin {
    const char *name;
    const char *summary;
    const af_config_map *options;
    size_t config_size;
    int (*open)(af_source *self, af_schema **schema_out, af_error *err);
    int (*next)(af_source *self, af_batch **out, af_error *err);
    int (*resume_state)(af_source *self, af_buf *json_out); /* optional */
    void (*close)(af_source *self);
    /* Optional: the top-level input files (after folder and glob expansion,
     * not archive members; regular files only, so nothing for stdin), for
     * the raw zone. Called on an instance that is not open (priv NULL): it
     * may use config and ctx only. Files named in ctx->skip_inputs must then
     * not be read by open()/next(). */
    int (*list_inputs)(af_source *self, af_strlist *paths, af_error *err);
} af_source_plugin;

typedef struct af_transform_plugin {
    const char *name;
    const char *summary;
    const af_config_map *options;
    size_t config_size;
    int (*open)(af_transform *self, const af_schema *in, af_schema **out, af_error *err);
    int (*apply)(af_transform *self, af_batch *in, af_batch **out, af_error *err);
    void (*close)(af_transform *self);
} af_transform_plugin;

typedef struct af_sink_plugin {
    const char *name;
    const char *summary;
    const af_config_map *options;
    size_t config_size;
    int (*open)(af_sink *self, const af_schema *schema, af_error *err);
    int (*write)(af_sink *self, af_batch *batch, af_error *err);
    int (*commit)(af_sink *self, af_error *err);
    void (*abort)(af_sink *self);
    void (*close)(af_sink *self);
    /* Optional: whether the run `run_id` committed through a target with
     * this config. After a crash between the commits and the saving of the
     * resume state, the run journal asks it to roll the run forward (or
     * back) instead of ingesting the same rows twice. */
    int (*committed)(const void *config, const af_stream_ctx *ctx, const char *run_id, bool *out,
                     af_error *err);
    /* Optional: rules between options that the option table cannot say
     * (mode merge needs key...). The config loader calls it once the
     * section is filled, so `affluent check` reports them with the
     * section's file:line:column. */
    int (*check)(const void *config, af_error *err);
} af_sink_plugin;

struct af_source {
    const af_source_plugin *plugin;
    const void *config;
    af_stream_ctx *ctx;
    void *priv;
};

struct af_transform {
    const af_transform_plugin *plugin;
    const void *config;
    af_stream_ctx *ctx;
    void *priv;
};

struct af_sink {
    const af_sink_plugin *plugin;
    const void *config;
    af_stream_ctx *ctx;
    void *priv;
    const char *name;     /* "csv" or the target's `name:` */
    int64_t rows_written; /* maintained by the runner */
    char *output;         /* where committed output lives (path/URI), set by the plugin */
};

/* Records a rejected row according to ctx->on_error:
 *   fail        -> returns AF_EPARSE with err = "ORIGIN:LINE: REASON"
 *   quarantine  -> appends a record (origin, line, raw text, reason) to the
 *                  stream's quarantine file; returns AF_OK
 *   skip        -> counts it; returns AF_OK
 * `line` is a 1-based line or row number, or 0 when unknown. */
int af_quarantine_row(af_stream_ctx *ctx, const char *origin, int64_t line, const char *raw,
                      size_t raw_len, const char *reason, af_error *err);

/* Registry (core/registry.c). Lookups return NULL for unknown names. */
const af_source_plugin *af_registry_source(const char *name);
const af_transform_plugin *af_registry_transform(const char *name);
const af_sink_plugin *af_registry_sink(const char *name);
/* NULL-terminated arrays for listing. */
const af_source_plugin *const *af_registry_sources(void);
const af_transform_plugin *const *af_registry_transforms(void);
const af_sink_plugin *const *af_registry_sinks(void);

#endif
