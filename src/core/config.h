/* config.h - the pipeline file, loaded and validated.
 *
 *   version: 1
 *   name: quickstart                      # optional
 *   defaults:                             # pipeline-wide; streams may override the stream options
 *     lake: ./lake
 *     state_dir: ./lake/_affluent         # default <lake>/_affluent
 *     on_error: quarantine
 *     batch_rows: 65536
 *   connections:
 *     warehouse:
 *       url: postgres://etl@db:5432/dw     # a password in the URL is a secret
 *       password: {env: DW_PASSWORD}
 *   streams:
 *     orders:
 *       source: {type: csv, path: data/orders.csv, ...}
 *       transforms:
 *         - {type: cast, columns: {amount: "decimal(10,2)"}}
 *       targets:
 *         - {type: csv, path: out/orders.csv}
 *
 * Every scalar may use ${VAR} and ${VAR:-default} (environment); "$$" is a
 * literal "$". A plugin section's keys other than `type` (and `name` on
 * targets) are checked against that plugin's config map.
 */
#ifndef AF_CONFIG_H
#define AF_CONFIG_H

#include "core/configmap.h"
#include "core/plugin.h"

typedef enum af_plugin_kind {
    AF_PLUGIN_SOURCE,
    AF_PLUGIN_TRANSFORM,
    AF_PLUGIN_SINK,
} af_plugin_kind;

typedef struct af_plugin_config {
    af_plugin_kind kind;
    char *type;         /* plugin name */
    char *name;         /* targets: optional `name:`, default = type */
    const void *plugin; /* af_source_plugin*, af_transform_plugin* or af_sink_plugin* */
    void *config;       /* typed struct of plugin->config_size bytes, filled via its map */
    af_src_loc loc;     /* where the section starts */
} af_plugin_config;

/* Options shared by the pipeline defaults and each stream. */
typedef struct af_stream_options {
    int on_error; /* af_on_error */
    int64_t batch_rows;
    int64_t batch_bytes;
    int64_t queue_depth; /* batches in flight between stages */
    char *description;
    /* The catalog (issue 5): who answers for the data and what it holds. */
    char *owner;
    af_strlist tags;               /* streams only */
    af_strmap column_descriptions; /* streams only: column -> one line */
    af_strlist pii;                /* streams only: columns holding personal data */
    int raw;                       /* af_raw_mode: keep byte copies in LAKE/raw/ */
} af_stream_options;

/* Whether a stream keeps byte-identical copies of its input files in the
 * lake's raw zone: auto = when the source reads files and a target writes
 * to the lake. */
typedef enum af_raw_mode {
    AF_RAW_AUTO = 0,
    AF_RAW_ON = 1,
    AF_RAW_OFF = 2,
} af_raw_mode;

typedef struct af_stream_config {
    char *name;
    af_stream_options opts;
    af_plugin_config source;
    af_plugin_config *transforms;
    size_t n_transforms;
    af_plugin_config *targets;
    size_t n_targets;
    af_src_loc loc;
} af_stream_config;

typedef struct af_connection {
    char *name;
    char *url; /* may hold a password; registered with the redactor */
    char *user;
    char *password; /* secret */
    af_strmap options;
    af_src_loc loc;
} af_connection;

typedef struct af_pipeline {
    char *path;      /* as given */
    char *dir;       /* directory of the file, for relative paths */
    char *name;      /* `name:` or the file's base name without extension */
    char *lake;      /* defaults.lake, resolved against dir; default "<dir>/lake" */
    char *state_dir; /* defaults.state_dir; default "<lake>/_affluent" */
    af_stream_options defaults;
    af_connection *connections;
    size_t n_connections;
    af_stream_config *streams;
    size_t n_streams;
} af_pipeline;

/* Loads and validates PATH. On error returns AF_ECONFIG (or AF_EIO/AF_ENOTFOUND
 * for the file itself) with err = "PATH:LINE:COL: what is wrong (option X of
 * plugin Y)" and, for an unknown key, "; did you mean 'Z'?". */
int af_pipeline_load(const char *path, af_pipeline **out, af_error *err);
/* Same, from a string (tests, fuzzing); `name` is used in messages. */
int af_pipeline_load_string(const char *yaml, size_t len, const char *name, af_pipeline **out,
                            af_error *err);
void af_pipeline_free(af_pipeline *p);

const af_stream_config *af_pipeline_find_stream(const af_pipeline *p, const char *name);
const af_connection *af_pipeline_find_connection(const af_pipeline *p, const char *name);

/* The option tables of the pipeline's own sections, for docs. */
extern const af_config_map af_defaults_config_map[];
extern const af_config_map af_stream_config_map[];
extern const af_config_map af_connection_config_map[];

/* Expands ${VAR} / ${VAR:-default} / $$ in text; unset VAR without default
 * is AF_ECONFIG naming the variable. Caller frees *out. */
int af_config_interpolate(const char *text, char **out, af_error *err);

/* Closest candidate by edit distance (<= 3 and less than half the length), or NULL. */
const char *af_did_you_mean(const char *word, const char *const *candidates, size_t n);

/* Appends the Markdown reference of the pipeline sections and of every
 * registered plugin's options (`affluent plugins --markdown`). */
int af_docs_pipeline_reference(af_buf *out);

#endif
