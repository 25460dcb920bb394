/* delta_log.h - the Delta Lake transaction log of a lake table.
 *
 * A table is a folder (processed/<name>/ in the lake) of Parquet data files
 * plus _delta_log/: commit N is the file NNNNNNNNNNNNNNNNNNNN.json (20
 * digits), one JSON action per line. The state of the table at version N is
 * what replaying commits 0..N gives: the protocol, the metadata (schema,
 * partition columns, configuration) and the set of live data files (every
 * `add` not followed by a `remove` of the same path). Every CHECKPOINT_EVERY
 * commits the state is also written as NNN.checkpoint.parquet and
 * _last_checkpoint names it, so readers replay from there instead of from 0.
 *
 * A commit is atomic because the next log file is written with
 * put-if-absent: two writers racing for version N cannot both win. The loser
 * reads what the winner committed and either retries at N+1 (its change does
 * not depend on what the winner changed: a blind append, or removes of files
 * the winner left alone in partitions the winner did not add to) or fails
 * with AF_ECONFLICT and commits nothing.
 *
 * Other engines (Spark, Trino, DuckDB's delta reader, delta-rs) read these
 * tables; we write protocol (1, 2) unless a column needs a table feature
 * (timestamp without time zone: (3, 7) with timestampNtz).
 *
 * Paths in add/remove actions are relative to the table folder and
 * percent-encoded as URIs (a partition value "a b" is "a%20b"); the structs
 * below hold them as written in the log. af_delta_path_decode() gives the
 * object path.
 */
#ifndef AF_DELTA_LOG_H
#define AF_DELTA_LOG_H

#include "core/buf.h"
#include "core/error.h"
#include "core/schema.h"
#include "lake/store.h"

#include <stdbool.h>
#include <stdint.h>

#define AF_DELTA_CHECKPOINT_EVERY 10

/* A partition value: NULL value = the column is null in that partition. */
typedef struct af_delta_pv {
    char *column;
    char *value;
} af_delta_pv;

/* An add or a remove action. */
typedef struct af_delta_file {
    char *path; /* relative to the table, URI-encoded as in the log */
    af_delta_pv *partition;
    size_t n_partition;
    int64_t size;
    int64_t mtime_ms;    /* add: modificationTime */
    int64_t deletion_ms; /* remove: deletionTimestamp */
    bool data_change;
    char *stats;         /* add: JSON text {"numRecords":..,"minValues":..}, or NULL */
    int64_t num_records; /* from stats; -1 when unknown */
} af_delta_file;

typedef struct af_delta_protocol {
    int min_reader, min_writer;
    af_strlist reader_features, writer_features; /* (3, 7) only */
} af_delta_protocol;

typedef struct af_delta_kv {
    char *key;
    char *value;
} af_delta_kv;

typedef struct af_delta_metadata {
    char *id; /* a UUID, fixed for the life of the table */
    char *name;
    char *description;
    char *schema_string; /* Delta's JSON struct type */
    af_strlist partition_columns;
    af_delta_kv *configuration;
    size_t n_configuration;
    int64_t created_ms;
} af_delta_metadata;

/* Idempotent-writer marker: the last `version` an application committed. */
typedef struct af_delta_txn {
    char *app_id;
    int64_t version;
    int64_t last_updated_ms;
} af_delta_txn;

/* What we write in commitInfo and read back for `lake history`. Other
 * writers' commits keep what they share with these fields. */
typedef struct af_delta_commit_info {
    int64_t timestamp_ms;
    char *operation;      /* WRITE, MERGE, DELETE, RESTORE, OPTIMIZE, VACUUM END... */
    char *mode;           /* append, overwrite, ... (operationParameters.mode) */
    char *run_id;         /* affluent run that committed it */
    char *engine;         /* engineInfo */
    int64_t read_version; /* -1: none */
    int64_t rows_added, rows_removed, files_added, files_removed, bytes_added;
} af_delta_commit_info;

/* The actions of one commit, as written or read. */
typedef struct af_delta_actions {
    bool has_commit_info;
    af_delta_commit_info commit_info;
    bool has_protocol;
    af_delta_protocol protocol;
    bool has_metadata;
    af_delta_metadata metadata;
    af_delta_txn *txns;
    size_t n_txns;
    af_delta_file *adds;
    size_t n_adds, cap_adds;
    af_delta_file *removes;
    size_t n_removes, cap_removes;
} af_delta_actions;

/* The table at one version. Files are sorted by path. */
typedef struct af_delta_snapshot {
    int64_t version;
    int64_t timestamp_ms; /* commit time of that version */
    af_delta_protocol protocol;
    af_delta_metadata metadata;
    af_schema *schema; /* parsed from metadata.schema_string */
    af_delta_file *files;
    size_t n_files;
    af_delta_file *tombstones; /* removes still known (for vacuum) */
    size_t n_tombstones;
    af_delta_txn *txns;
    size_t n_txns;
} af_delta_snapshot;

/* One line of `lake history`. */
typedef struct af_delta_version {
    int64_t version;
    af_delta_commit_info info; /* timestamp from commitInfo, else the file's mtime */
    int64_t n_adds, n_removes;
} af_delta_version;

/* ---- actions (delta_actions.c) ---- */
void af_delta_actions_init(af_delta_actions *a);
void af_delta_actions_free(af_delta_actions *a);
/* Appends a copy of f to adds / removes. */
int af_delta_actions_add(af_delta_actions *a, const af_delta_file *f);
int af_delta_actions_remove(af_delta_actions *a, const af_delta_file *f, int64_t deletion_ms);
/* Commit file text: one action per line, commitInfo first. */
int af_delta_actions_encode(const af_delta_actions *a, af_buf *out);
/* Parses commit file text; `name` is used in messages ("PATH:LINE: ..."). */
int af_delta_actions_decode(const char *text, size_t len, const char *name, af_delta_actions *out,
                            af_error *err);

void af_delta_file_free(af_delta_file *f);
int af_delta_file_copy(af_delta_file *dst, const af_delta_file *src);
/* The value of partition column `column` in f; *found false when absent. */
const char *af_delta_file_partition(const af_delta_file *f, const char *column, bool *found);
void af_delta_protocol_free(af_delta_protocol *p);
int af_delta_protocol_copy(af_delta_protocol *dst, const af_delta_protocol *src);
void af_delta_metadata_free(af_delta_metadata *m);
int af_delta_metadata_copy(af_delta_metadata *dst, const af_delta_metadata *src);
const char *af_delta_metadata_config(const af_delta_metadata *m, const char *key);
void af_delta_commit_info_free(af_delta_commit_info *c);

/* The object path of a log path ("a%20b/x.parquet" -> "a b/x.parquet");
 * AF_EPARSE on a bad escape. */
int af_delta_path_decode(const char *path, af_buf *out, af_error *err);
/* The log path of an object path: percent-encodes what a URI may not hold
 * ('%', spaces, control and non-ASCII bytes...). */
int af_delta_path_encode(const char *object_path, af_buf *out);
/* Escapes one partition value for a folder name the way Hive does
 * ("a/b:c" -> "a%2Fb%3Ac"), so the value cannot break the path. */
int af_delta_path_encode_segment(const char *s, af_buf *out);

/* ---- schema (delta_schema.c) ---- */
/* af_schema -> Delta schemaString. Types Delta cannot say exactly (json,
 * int8/int16 are exact; time, uuid are refused: the table writer stores
 * them as strings) keep the affluent type in the field's metadata
 * ("affluent.type") so affluent reads them back exactly. */
int af_delta_schema_encode(const af_schema *s, af_buf *out, af_error *err);
int af_delta_schema_decode(const char *schema_string, af_schema **out, af_error *err);
/* Whether the schema needs table features beyond protocol (1, 2); fills p. */
void af_delta_protocol_for(const af_schema *s, af_delta_protocol *p);

/* ---- reading (delta_snapshot.c) ---- */
/* The log folder of a table ("processed/orders" -> "processed/orders/_delta_log/"). */
/* Latest version, or AF_ENOTFOUND when the table has no log. */
int af_delta_latest_version(af_store *st, const char *table, int64_t *version, af_error *err);
/* The table at `version` (-1 = latest). */
int af_delta_snapshot_load(af_store *st, const char *table, int64_t version,
                           af_delta_snapshot **out, af_error *err);
/* The table as of a time: the last version committed at or before it;
 * AF_ENOTFOUND when the table did not exist yet. */
int af_delta_snapshot_as_of(af_store *st, const char *table, int64_t as_of_ms,
                            af_delta_snapshot **out, af_error *err);
void af_delta_snapshot_free(af_delta_snapshot *s);
/* Every version, oldest first. */
int af_delta_history(af_store *st, const char *table, af_delta_version **out, size_t *n,
                     af_error *err);
void af_delta_history_free(af_delta_version *v, size_t n);
/* The actions of one commit file. */
int af_delta_read_commit(af_store *st, const char *table, int64_t version, af_delta_actions *out,
                         af_error *err);
/* The last version app_id committed (txn), -1 if none. */
int64_t af_delta_snapshot_txn(const af_delta_snapshot *s, const char *app_id);

/* ---- writing (delta_commit.c) ---- */
/* What a commit depends on, so a lost race can be judged: */
typedef enum af_delta_read_scope {
    AF_DELTA_READ_NOTHING = 0, /* blind append: any concurrent adds are fine */
    AF_DELTA_READ_PARTITIONS,  /* depends on the files of the listed partitions */
    AF_DELTA_READ_TABLE,       /* depends on every file (overwrite, merge, snapshot) */
} af_delta_read_scope;

typedef struct af_delta_txn_request {
    const af_delta_actions *actions; /* commit_info.read_version = the snapshot read */
    af_delta_read_scope scope;
    const char *const *partitions; /* READ_PARTITIONS: partition keys (af_delta_partition_key) */
    size_t n_partitions;
    const af_strlist *partition_columns; /* the table's, for the keys above */
    int max_attempts;                    /* 0 = 10 */
} af_delta_txn_request;

/* Writes the next commit (read_version + 1; a new table when read_version
 * is -1 and the actions carry protocol and metadata). On a lost race,
 * retries or fails with AF_ECONFLICT as described at the top. Writes a
 * checkpoint after every AF_DELTA_CHECKPOINT_EVERY-th version (a failed
 * checkpoint is logged, not fatal: the commit stands). *committed = the
 * version written. */
int af_delta_commit(af_store *st, const char *table, const af_delta_txn_request *req,
                    int64_t *committed, af_error *err);
/* "col=value/col2=value2" of a file's partition values, in the table's
 * partition column order (the key READ_PARTITIONS compares). */
int af_delta_partition_key(const af_delta_file *f, const af_strlist *columns, af_buf *out);

/* ---- checkpoints (delta_checkpoint.c) ---- */
int af_delta_checkpoint_write(af_store *st, const char *table, const af_delta_snapshot *s,
                              af_error *err);
/* Fills snapshot state (protocol, metadata, files, tombstones, txns) from a
 * checkpoint Parquet object. */
int af_delta_checkpoint_read(af_store *st, const char *table, int64_t version, af_delta_snapshot *s,
                             af_error *err);

/* "<table>/_delta_log/<20 digits>.<suffix>" */
int af_delta_log_path(const char *table, int64_t version, const char *suffix, af_buf *out);

/* A new random UUID (table ids, data file names). */
void af_delta_uuid(char out[37]);

#endif
