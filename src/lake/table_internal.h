/* table_internal.h - what the files of the table writer share: the layout
 * (how the stream's columns become the table's), the data files being
 * written, and the merge state. Not for use outside src/lake/table*.c. */
#ifndef AF_LAKE_TABLE_INTERNAL_H
#define AF_LAKE_TABLE_INTERNAL_H

#include "core/hashmap.h"
#include "lake/partition.h"
#include "lake/table.h"

/* Where a table column's values come from. */
typedef struct af_col_plan {
    long input;     /* column of the input schema, -1 = not sent (nulls) */
    long partition; /* derived partition spec index, -1 = a plain column */
    bool convert;   /* the input type differs: values are cast through text */
} af_col_plan;

typedef struct af_table_layout {
    af_schema *schema; /* the table's, partition columns included */
    af_col_plan *plan; /* per schema column */
    af_partition_spec *specs;
    size_t n_specs;
    af_strlist partition_columns; /* names, in partition order */
    size_t *part_index;           /* per partition column: its schema index */
    af_schema *data_schema;       /* the columns stored in data files */
    size_t *data_index;           /* per data column: its schema index */
    long delete_input;            /* merge delete column in the input, -1 = none */
    size_t *key_index;            /* merge: key columns' schema indexes */
    size_t n_key;
    bool metadata_changed; /* schema, partitioning: a metaData action */
    bool widened;          /* a type was widened: the typeWidening feature */
    bool replace_all;      /* new_table_version: the commit replaces every file */
    af_strlist changes;    /* one line per schema change, for the log */
} af_table_layout;

/* Settles the table schema from the input, the options and the current
 * table (NULL for a new one). */
int af_table_layout_build(const af_schema *input, const af_table_options *o,
                          const af_delta_snapshot *current, const char *table, af_table_layout *out,
                          af_error *err);
void af_table_layout_free(af_table_layout *l);
/* The input batch as a batch of the table schema (all columns). */
int af_table_layout_convert(const af_table_layout *l, const af_batch *in, af_batch **out,
                            af_error *err);
/* Appends src's values to dst, cast to dst's type through their text form
 * when the types differ (exact for every widening af_type_widens_to allows
 * and for the string storage types); errors name dst's column. */
int af_table_cast_column(const af_array *src, af_array *dst, af_error *err);
/* Whether a value of type `from` converts to `to` without loss. */
bool af_type_widens_to(const af_type *from, const af_type *to);

/* Where an open data file's bytes go. Allocated on its own: the Parquet
 * writer keeps a pointer to it, and the array of files may move. */
typedef struct af_file_out {
    af_store_writer *sw;
    int64_t bytes;
} af_file_out;

/* One data file being written or written. */
typedef struct af_data_file {
    af_delta_file add; /* path (log form), partition values, size, stats */
    char *object;      /* its store path */
    af_file_out *out;  /* while open */
    af_parquet_writer *pw;
    int64_t rows;
    int64_t last_use;
    int64_t *row_ids; /* merge: the incoming row number of each row */
    size_t n_row_ids, cap_row_ids;
    bool published;
} af_data_file;

/* Writes the data files of one write, partition by partition. */
typedef struct af_file_set {
    af_store *st;
    const char *table;
    const af_table_layout *layout;
    const af_table_options *opts;
    af_hashmap open_by_key; /* partition key -> index in files of its open file, or -1 */
    af_data_file *files;
    size_t n_files, cap_files;
    size_t n_open;
    int64_t clock; /* use counter for least-recently-used closing */
    int64_t file_seq;
} af_file_set;

void af_file_set_init(af_file_set *fs, af_store *st, const char *table,
                      const af_table_layout *layout, const af_table_options *o);
/* Writes a batch of the table schema; row_ids (may be NULL) numbers its
 * rows for merge. */
int af_file_set_write(af_file_set *fs, const af_batch *table_batch, const int64_t *row_ids,
                      af_error *err);
/* Finishes every open file. */
int af_file_set_finish(af_file_set *fs, af_error *err);
/* Deletes every file written (aborts open ones). */
void af_file_set_discard(af_file_set *fs);
void af_file_set_free(af_file_set *fs);
/* Finishes one file: footer, publish, the add action with statistics. */
int af_file_set_close_file(af_file_set *fs, af_data_file *f, af_error *err);

/* Delta statistics JSON of a finished file (delta_stats.c). */
int af_delta_stats_json(const af_parquet_writer *pw, const af_schema *data_schema, int64_t rows,
                        af_buf *out, af_error *err);

/* Merge state (table_merge.c). */
typedef struct af_merge_state {
    af_hashmap keys;    /* key bytes -> latest incoming row number */
    af_buf superseded;  /* bit per incoming row: a later row has its key */
    af_buf is_delete;   /* bit per incoming row: it deletes its key */
    int64_t rows;       /* incoming rows numbered so far */
    int64_t duplicates; /* rows superseded within the input */
    af_buf scratch;
} af_merge_state;

void af_merge_init(af_merge_state *m);
void af_merge_free(af_merge_state *m);
/* Appends the key bytes of row i (key columns of a table batch). */
int af_merge_key(const af_table_layout *l, const af_batch *b, int64_t i, af_buf *out);
/* Numbers the rows of an incoming table batch, records their keys, and
 * fills keep[i] = false for delete rows (they are not written). */
int af_merge_ingest(af_merge_state *m, const af_table_layout *l, const af_batch *b,
                    const af_array *delete_flags, int64_t *row_ids, bool *keep, af_error *err);
/* At commit: rewrites the new files that hold superseded rows, and the
 * current table files holding keys that were written or deleted. Fills
 * the removes of `actions`, adds rewritten files to fs, counts updates and
 * deletes. */
int af_merge_apply(af_merge_state *m, af_file_set *fs, const af_delta_snapshot *current,
                   af_delta_actions *actions, int64_t now_ms, af_table_result *res, af_error *err);

#endif
