/* csv_source.h - internals shared by the files of the csv source plugin:
 * csv.c (options, schema, batches) and csv_leaf.c (one input file or
 * archive member at a time: decoding, dialect, header, column mapping). */
#ifndef AF_CSV_SOURCE_H
#define AF_CSV_SOURCE_H

#include "core/buf.h"
#include "core/configmap.h"
#include "core/plugin.h"
#include "core/values.h"
#include "formats/csv.h"
#include "io/input_set.h"
#include "io/transcode.h"

#include <stdbool.h>
#include <stdint.h>

/* header: auto|true|false|yes|no|on|off, in this order */
enum { CSV_HEADER_AUTO = 0 };
#define CSV_HEADER_CHOICES "auto|true|false|yes|no|on|off"
#define CSV_HEADER_IS_YES(v) ((v) == 1 || (v) == 3 || (v) == 5)

typedef struct csv_source_config {
    char *path;
    int compression; /* af_compression */
    int encoding;    /* af_text_encoding */
    af_strlist members;
    char delimiter; /* 0 = detect */
    char quote;
    char escape;
    char comment;
    int header; /* CSV_HEADER_CHOICES index */
    af_strlist column_names;
    int64_t skip_rows;
    af_strlist null_values;
    bool trim;
    af_strmap columns;
    int64_t infer_rows;
    af_strlist true_values;
    af_strlist false_values;
    af_strlist date_formats;
    af_strlist timestamp_formats;
    char decimal_mark;
    char *timezone;
    bool lineage;
} csv_source_config;

/* A record read ahead for inference, with its own copies of the bytes. */
typedef struct sample_record {
    int64_t line;
    int64_t offset;
    char *raw;
    size_t raw_len;
    af_csv_field *fields; /* point into `bytes` */
    size_t n_fields;
    char *bytes;
    const char *error;
} sample_record;

typedef struct csv_source {
    char *path; /* the pattern, resolved against the pipeline */
    af_input_set *inputs;
    af_input leaf;             /* the file or member being read */
    af_reader *text;           /* the leaf's bytes decoded to UTF-8 */
    af_csv_reader *csv;        /* tokenizer over `text` */
    af_text_encoding encoding; /* of the current leaf */
    bool leaf_open;
    int64_t n_leaves;
    af_csv_dialect dialect; /* decided on the first leaf, kept for the others */
    bool header;            /* decided on the first leaf, kept for the others */
    af_strlist names;       /* the data columns */
    /* current leaf: schema column i is field col_map[i] of a record (NULL =
     * same order); `mapped` is the scratch the fields are reordered into */
    size_t *col_map;
    af_csv_field *mapped;

    af_parse_options popts;
    af_schema *schema;
    size_t n_data_cols; /* columns read from the file (lineage columns come after) */
    sample_record *sample;
    size_t n_sample;
    size_t sample_pos;
    bool eof; /* every leaf has been read */
    int64_t rows;
    int64_t ingested_at_us;
    af_buf reason;
    size_t *size_hint; /* buffer sizes of the last batch, per column (data, offsets) */
} csv_source;

/* csv_leaf.c */
/* Moves to the next leaf of the input set and stacks decoding and the
 * tokenizer on it. `first`: detect the dialect (unless set) from it.
 * Returns 1 with a leaf open, 0 when there are no more, or <0. */
int csv_leaf_open_next(af_source *self, bool first, af_error *err);
/* Skips skip_rows records, then reads the header record of a leaf after the
 * first and maps its columns onto the schema's (by name). */
int csv_leaf_start(af_source *self, af_error *err);
void csv_leaf_close(csv_source *s);
/* The next record of the current leaf: 1, 0 at its end, or <0. Keeps the
 * progress counters up to date. */
int csv_leaf_read(af_source *self, af_csv_record *rec, af_error *err);
/* The record's fields in schema order (through col_map). Fields a short
 * record lacks are not invented: *n_out is then smaller than the schema. */
const af_csv_field *csv_leaf_fields(csv_source *s, const af_csv_field *fields, size_t n,
                                    size_t *n_out);

#endif
