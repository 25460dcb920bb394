/* catalog.h - the lake's catalog: what each dataset is, where it came from
 * and how it changed.
 *
 * One pretty-printed JSON document per dataset lives in the lake itself, at
 * `_catalog/datasets/<name>.json` (written through the store, atomically):
 * schema with column descriptions and PII flags, description, owner, tags,
 * lineage (pipeline, stream, source type, source URI without secrets), row
 * count, size, version history (the last AF_CATALOG_MAX_HISTORY entries),
 * the last run and quality results. Those files are the truth; a SQLite
 * database at `_catalog/index.sqlite` is derived from them for listing and
 * search and is rebuilt whenever it is missing, unreadable, or a JSON file
 * differs (size or modification time) from what it indexed.
 *
 * Dataset names: processed tables by their table name ("orders"); other
 * zones with the zone first ("curated/orders", "raw/crm/customers").
 * Segments are [A-Za-z0-9_.-]+ separated by '/', not "." or "..".
 *
 * Concurrency: af_catalog_record() holds the index's write lock (a SQLite
 * IMMEDIATE transaction with a busy timeout) from reading the old entry to
 * writing the new one, so two processes recording at once on a local lake
 * neither corrupt the index nor lose a history entry.
 */
#ifndef AF_CATALOG_H
#define AF_CATALOG_H

#include "core/config.h"
#include "core/error.h"
#include "core/plugin.h"
#include "core/schema.h"
#include "lake/store.h"

#include <jansson.h>
#include <stdint.h>

#define AF_CATALOG_MAX_HISTORY 1000
#define AF_CATALOG_MAX_NAME 256

/* One new entry of the version history. */
typedef struct af_catalog_version {
    int64_t version; /* table version; -1 = one more than the last recorded (0 if none) */
    int64_t at_us;   /* when it was committed, microseconds since the epoch; 0 = now */
    /* append|overwrite|merge|snapshot|rollback|compact|vacuum|delete */
    const char *operation;
    int64_t rows_added, rows_removed;
    int64_t files_added, files_removed;
    const char *run_id; /* may be NULL */
} af_catalog_version;

/* Where the data came from. NULL members keep what the entry had. */
typedef struct af_catalog_lineage {
    const char *pipeline;
    const char *stream;
    const char *source_type;
    const char *source_uri; /* redacted (security/redact.h) before it is stored */
} af_catalog_lineage;

typedef struct af_catalog_run {
    const char *run_id;
    int64_t at_us;      /* 0 = now */
    const char *status; /* "succeeded" (NULL = "succeeded") */
} af_catalog_run;

/* What one write changed. Only `name` is required; a NULL pointer or -1
 * count means "keep what the catalog has". */
typedef struct af_catalog_update {
    const char *name;     /* as the catalog names it, see above */
    const char *zone;     /* processed | curated | raw */
    const char *location; /* path in the lake: "processed/orders" */
    const char *format;   /* "delta", "csv", ... */
    const af_schema *schema;
    /* description, owner, tags, column_descriptions and pii of the stream;
     * NULL keeps the entry's (a compaction run from the CLI has no pipeline) */
    const af_stream_options *meta;
    af_catalog_lineage lineage;
    int64_t row_count;                 /* -1 = keep */
    int64_t size_bytes;                /* -1 = keep */
    const af_catalog_version *version; /* NULL = no history entry */
    const af_catalog_run *last_run;    /* NULL = keep */
    const char *quality_json;          /* a JSON object; NULL = keep the previous one */
} af_catalog_update;

/* Reads the dataset's entry (if any), merges the update into it (history
 * appended and trimmed, fields replaced, column descriptions and PII flags
 * from the pipeline), writes it back atomically through the store and
 * refreshes the index. Errors: AF_EINVAL for a bad name/zone/operation or
 * quality text that is not a JSON object, AF_EPARSE when the existing
 * entry is not valid JSON (it is not overwritten), AF_EIO. */
int af_catalog_record(af_store *lake, const af_catalog_update *u, af_error *err);

/* One line of `catalog list`, from the index. */
typedef struct af_catalog_summary {
    char *name, *zone, *location, *format, *description, *owner;
    char *tags;        /* comma-separated, "" when none */
    int64_t row_count; /* -1 = unknown */
    int64_t size_bytes;
    int64_t version;       /* -1 = no history */
    char *last_run_at;     /* ISO 8601 or NULL */
    char *last_run_status; /* or NULL */
} af_catalog_summary;

/* Every dataset, sorted by name. An empty (or catalog-less) lake gives
 * n = 0. Entries whose JSON does not parse are left out with a warning. */
int af_catalog_list(af_store *lake, af_catalog_summary **out, size_t *n, af_error *err);
/* Datasets whose name, description, owner, tags, column names or column
 * descriptions contain every word of `text` (FTS5 prefix match when the
 * SQLite library has it, else substring), best match first. */
int af_catalog_search(af_store *lake, const char *text, af_catalog_summary **out, size_t *n,
                      af_error *err);
void af_catalog_summaries_free(af_catalog_summary *s, size_t n);
/* The summary as a JSON object (for --json and the REST API). */
json_t *af_catalog_summary_json(const af_catalog_summary *s);

/* The stored entry, parsed (caller json_decref's it). AF_ENOTFOUND when
 * the dataset is not catalogued; AF_EPARSE naming file:line:column. */
int af_catalog_get(af_store *lake, const char *name, json_t **out, af_error *err);
/* The stored bytes of the entry, appended to out. */
int af_catalog_get_text(af_store *lake, const char *name, af_buf *out, af_error *err);

/* The stream's source location as the pipeline wrote it (its `path` or
 * `url` option, resolved against the pipeline), for lineage; NULL when the
 * source has neither. Caller frees; af_catalog_record redacts it. */
char *af_catalog_source_uri(const af_stream_ctx *ctx);

/* Whether `name` is a valid dataset name. */
bool af_catalog_name_valid(const char *name);
/* The object path of a dataset's entry: "_catalog/datasets/NAME.json". */
char *af_catalog_entry_path(const char *name);

/* Whether this SQLite library offers FTS5 (search falls back to LIKE). */
bool af_catalog_has_fts5(void);

#endif
