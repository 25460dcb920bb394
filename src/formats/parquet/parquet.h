/* parquet.h - reading and writing Parquet files (issue 3): the public API.
 *
 * Status: this header is the contract for the reader and writer; the
 * metadata layer (thrift.h, meta.h) and the codecs/encodings layer (io/codec.h,
 * encoding.h) come first, reader.c and writer.c build on them.
 *
 * Type mapping (core type -> Parquet physical + logical type, as written):
 *   bool               BOOLEAN
 *   int8 / int16       INT32 + INTEGER(8|16, signed)
 *   int32 / int64      INT32 / INT64
 *   float32 / float64  FLOAT / DOUBLE
 *   decimal(p,s)       INT32 (p <= 9), INT64 (p <= 18), else FIXED_LEN_BYTE_ARRAY
 *                      of the fewest bytes that hold p digits; + DECIMAL(p,s)
 *   string / json      BYTE_ARRAY + STRING / JSON;  binary: BYTE_ARRAY
 *   date               INT32 + DATE
 *   time[s|ms]         INT32 + TIME(MILLIS) (seconds scaled to millis)
 *   time[us|ns]        INT64 + TIME(MICROS|NANOS)
 *   timestamp[u, tz]   INT64 + TIMESTAMP(unit, isAdjustedToUTC = tz != NULL);
 *                      seconds are written as MILLIS
 *   uuid               FIXED_LEN_BYTE_ARRAY(16) + UUID
 *   struct/list/map    group; LIST with the 3-level layout; MAP key_value
 * Read additionally: INT96 -> timestamp[ns, UTC]; legacy ConvertedType
 * annotations; unsigned integers widened (UINT_64 -> decimal(20,0));
 * FLOAT16 -> float32; ENUM -> string; BSON -> binary; legacy 2-level lists
 * and maps.
 */
#ifndef AF_PARQUET_H
#define AF_PARQUET_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/schema.h"
#include "io/blob.h"

#include <stdint.h>

/* ---- reading ---- */

typedef enum af_parquet_op {
    AF_PQ_EQ,
    AF_PQ_LT,
    AF_PQ_LE,
    AF_PQ_GT,
    AF_PQ_GE,
    AF_PQ_BETWEEN,
    AF_PQ_IS_NULL,
    AF_PQ_IS_NOT_NULL,
} af_parquet_op;

/* One simple predicate on a top-level column, used to skip row groups (and
 * pages, with a page index) whose statistics prove no row can match. Values
 * are text, parsed with the column's type. Rows are NOT filtered by it: the
 * caller (parquet cat --where) filters rows; pruning only saves reads. */
typedef struct af_parquet_predicate {
    const char *column;
    af_parquet_op op;
    const char *value;
    const char *value2; /* BETWEEN upper bound */
} af_parquet_predicate;

typedef struct af_parquet_read_options {
    const char *const *columns; /* top-level columns to decode; NULL = all */
    size_t n_columns;
    const af_parquet_predicate *predicates; /* ANDed */
    size_t n_predicates;
    af_batch_limits limits;
} af_parquet_read_options;

typedef struct af_parquet_reader af_parquet_reader;

/* Reads and validates the footer (sizes checked against the blob's size).
 * The reader does not own the blob. */
int af_parquet_reader_open(af_blob *blob, const af_parquet_read_options *opts,
                           af_parquet_reader **out, af_error *err);
/* The schema of the selected columns. */
const af_schema *af_parquet_reader_schema(const af_parquet_reader *r);
int64_t af_parquet_reader_num_rows(const af_parquet_reader *r);
/* Row groups left after pruning, and in the file. */
int af_parquet_reader_row_groups(const af_parquet_reader *r, int *selected, int *total);
/* Next batch, or *out = NULL at the end. Memory stays bounded by one row
 * group's selected column chunks. */
int af_parquet_reader_next(af_parquet_reader *r, af_batch **out, af_error *err);
void af_parquet_reader_free(af_parquet_reader *r);

/* Human description of the file for `affluent parquet inspect`: schema,
 * row groups, column chunks (encodings, codec, sizes, statistics), key-value
 * metadata. json = machine-readable form. */
int af_parquet_describe(af_blob *blob, bool json, af_buf *out, af_error *err);

/* ---- writing ---- */

typedef struct af_parquet_write_options {
    int codec;                    /* af_codec; default ZSTD */
    int level;                    /* codec level; 0 = codec default */
    int64_t row_group_bytes;      /* a row group closes once the batches written into it
                                     hold this many bytes in memory; default 64 MiB, which
                                     bounds what a reader holds decoded too */
    int64_t row_group_rows;       /* ...or this many rows; 0 (default) = no row limit */
    int64_t page_bytes;           /* target page size (encoded, before compression); 1 MiB */
    int64_t page_rows;            /* most level entries per page; default 20000, so the
                                     page index can skip in small steps */
    bool dictionary;              /* default true; falls back to PLAIN when it grows too large */
    int64_t dictionary_max_bytes; /* default 1 MiB per column chunk */
    int data_page_version;        /* 1 (default) or 2 */
    bool page_index;              /* column index + offset index; default true */
    const char *const *kv_keys;   /* extra key-value metadata */
    const char *const *kv_values;
    size_t n_kv;
} af_parquet_write_options;

void af_parquet_write_options_default(af_parquet_write_options *o);

/* Where the writer's bytes go: appended in order, never rewritten. */
typedef struct af_byte_sink {
    int (*write)(void *ctx, const void *data, size_t n, af_error *err);
    void *ctx;
} af_byte_sink;

typedef struct af_parquet_writer af_parquet_writer;

int af_parquet_writer_open(af_byte_sink out, const af_schema *schema,
                           const af_parquet_write_options *opts, af_parquet_writer **w,
                           af_error *err);
/* Buffers at most one row group; flushes a row group when it reaches the target. */
int af_parquet_writer_write(af_parquet_writer *w, const af_batch *b, af_error *err);
/* The open row group's size as the writer measures it against
 * row_group_bytes (the batches' in-memory bytes), for callers that share a
 * memory budget between several writers. */
size_t af_parquet_writer_buffered(const af_parquet_writer *w);
/* Closes the open row group now (none open: nothing happens). */
int af_parquet_writer_flush(af_parquet_writer *w, af_error *err);
/* Flushes the last row group and writes the footer. */
int af_parquet_writer_finish(af_parquet_writer *w, af_error *err);
void af_parquet_writer_free(af_parquet_writer *w);

/* File-level statistics of top-level column `field` once the writer
 * finished: the chunks' statistics merged over the row groups. min/max are
 * the PLAIN bytes of the column's physical type (little-endian numbers,
 * big-endian decimals in FIXED_LEN_BYTE_ARRAY, raw bytes of strings);
 * `*_exact` false means a shortened string bound (still a bound).
 * available is false for nested columns and before finish. */
typedef struct af_parquet_column_stats {
    bool available;
    int64_t null_count;
    int64_t rows;
    int physical_type; /* AF_PQ_* of meta.h */
    bool has_min, has_max, min_exact, max_exact;
    af_buf min, max;
} af_parquet_column_stats;

int af_parquet_writer_column_stats(const af_parquet_writer *w, size_t field,
                                   af_parquet_column_stats *out, af_error *err);
void af_parquet_column_stats_free(af_parquet_column_stats *s);

#endif
