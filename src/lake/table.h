/* table.h - lake tables: typed Parquet data files under a Delta log.
 *
 * A table lives at processed/<name>/ of a lake store. Writing one is a
 * transaction: open a writer (it reads the latest version and settles the
 * schema), write batches (data files are written and published under new,
 * unique names as they fill; nothing references them yet), then commit
 * (one Delta log entry adds them and removes what the write mode replaces)
 * or abort (the data files are deleted). A crash before the commit leaves
 * only unreferenced files, which readers never see and `vacuum` deletes.
 *
 * Write modes:
 *   append                rows are added;
 *   overwrite             the table's rows are replaced by the written ones
 *                         (overwrite_scope: partitions = only the partitions
 *                         that received rows are replaced);
 *   merge                 upsert on key columns: a written row replaces the
 *                         row with the same key, or is added; with a delete
 *                         column, rows where it is true delete their key;
 *                         among written rows with one key the last wins;
 *   snapshot              each run is the whole table: like overwrite, and
 *                         each earlier run stays readable by version until
 *                         vacuumed (the intent is named in the history).
 * Retention (retention_days on a date partition) removes, in the same
 * commit, the partitions older than that many days before now.
 *
 * Schema evolution, checked when the writer opens: new columns are added
 * as nullable, columns the stream no longer sends are written as nulls,
 * safe widenings (int8 -> int16 -> int32 -> int64, int -> float64,
 * float32 -> float64, wider decimals) are applied (the table's type widens,
 * or the stream's narrower values are cast up), and everything else fails
 * with a message naming the column, unless on_schema_change is
 * new_table_version: then the commit replaces the table's rows and schema.
 */
#ifndef AF_LAKE_TABLE_H
#define AF_LAKE_TABLE_H

#include "core/batch.h"
#include "core/error.h"
#include "core/schema.h"
#include "formats/parquet/parquet.h"
#include "lake/delta_log.h"
#include "lake/store.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum af_table_mode {
    AF_TABLE_APPEND = 0,
    AF_TABLE_OVERWRITE,
    AF_TABLE_MERGE,
    AF_TABLE_SNAPSHOT,
} af_table_mode;

#define AF_TABLE_MODE_CHOICES "append|overwrite|merge|snapshot"

typedef struct af_table_options {
    af_table_mode mode;
    bool overwrite_partitions_only;  /* overwrite_scope: partitions */
    const char *const *partition_by; /* partition.h entries */
    size_t n_partition_by;
    const char *const *key; /* merge */
    size_t n_key;
    const char *delete_column;    /* merge: bool column; true = delete the key */
    int64_t target_file_bytes;    /* a data file closes past this size; default 128 MiB */
    int max_open_files;           /* partitions written at once; default 32 */
    int64_t memory_bytes;         /* row groups of all open files together; default 256 MiB */
    int64_t retention_days;       /* 0 = keep everything */
    const char *retention_column; /* a date partition column; default the first one */
    bool new_table_version;       /* on_schema_change: new_table_version */
    af_parquet_write_options parquet;
    const char *description; /* Delta metadata description */
    const char *run_id;
    const char *app_id;    /* with txn_version >= 0: an idempotent write (txn action) */
    int64_t txn_version;   /* -1 = none */
    const char *operation; /* commitInfo operation; default from the mode */
} af_table_options;

void af_table_options_default(af_table_options *o);

/* What a commit did. */
typedef struct af_table_result {
    int64_t version; /* -1: nothing was committed (no change) */
    int64_t rows_written;
    int64_t rows_updated; /* merge: existing rows replaced */
    int64_t rows_deleted; /* merge deletes, overwritten and expired rows */
    int64_t files_added, files_removed, bytes_added;
    bool schema_changed;
    bool duplicate; /* the txn version was already committed: nothing written */
} af_table_result;

typedef struct af_table_writer af_table_writer;

/* `table` is the table's folder in the store ("processed/orders"). */
int af_table_writer_open(af_store *st, const char *table, const af_schema *input,
                         const af_table_options *o, af_table_writer **out, af_error *err);
/* The schema of the table as it will be after the commit. */
const af_schema *af_table_writer_schema(const af_table_writer *w);
int af_table_writer_write(af_table_writer *w, const af_batch *b, af_error *err);
int af_table_writer_commit(af_table_writer *w, af_table_result *res, af_error *err);
/* Deletes the data files written so far; nothing becomes visible. */
void af_table_writer_abort(af_table_writer *w);
void af_table_writer_free(af_table_writer *w);

/* ---- reading (table_reader.c) ---- */
typedef struct af_table_reader af_table_reader;

/* Rows of a snapshot's live files with the table schema (partition values
 * restored, older files' narrower types cast up, columns they lack as
 * nulls); columns = NULL for all. */
int af_table_reader_open(af_store *st, const char *table, const af_delta_snapshot *s,
                         const char *const *columns, size_t n_columns,
                         const af_batch_limits *limits, af_table_reader **out, af_error *err);
/* Rows of the given data files of a table with that schema and those
 * partition columns (the files need not be committed: merge reads back
 * what it just wrote). The arrays are borrowed until the reader is freed. */
int af_table_reader_open_list(af_store *st, const char *table, const af_schema *schema,
                              const af_strlist *partition_columns,
                              const af_delta_file *const *files, size_t n_files,
                              const char *const *columns, size_t n_columns,
                              const af_batch_limits *limits, af_table_reader **out, af_error *err);
const af_schema *af_table_reader_schema(const af_table_reader *r);
/* Next batch, or *out = NULL at the end. *file = index of the file it came
 * from (batches never span files); may be NULL. */
int af_table_reader_next(af_table_reader *r, af_batch **out, size_t *file, af_error *err);
void af_table_reader_free(af_table_reader *r);

/* ---- maintenance (table_maintenance.c) ---- */
/* A new version whose files are those of `version`. */
int af_table_rollback(af_store *st, const char *table, int64_t version, const char *run_id,
                      af_table_result *res, af_error *err);
/* Deletes data files no version committed within retain_ms before now
 * references, and unreferenced files older than that. dry_run lists them
 * only. *deleted gets the object paths (caller frees with af_strlist_free). */
int af_table_vacuum(af_store *st, const char *table, int64_t retain_ms, bool dry_run,
                    af_strlist *deleted, int64_t *bytes, af_error *err);
/* Rewrites the partitions holding more than one file smaller than
 * target_file_bytes / 2 into as few files as the target allows. */
int af_table_compact(af_store *st, const char *table, int64_t target_file_bytes, const char *run_id,
                     af_table_result *res, af_error *err);

/* Records the table's latest version in the catalog (lake/catalog.h):
 * schema, rows, size, the history entry of `res` (none when res->version
 * is -1) and, with a stream context, the pipeline's metadata, lineage and
 * last run. Failures are logged, not returned: the commit stands. */
struct af_stream_ctx;
void af_table_catalog_record(af_store *st, const char *name, const af_table_result *res,
                             const char *operation, const struct af_stream_ctx *ctx,
                             const char *run_id);

/* "processed/<name>" for a catalog name; AF_EINVAL for a name that is not
 * one path segment of letters, digits, '_', '-', '.'. */
int af_table_path(const char *name, af_buf *out, af_error *err);

#endif
