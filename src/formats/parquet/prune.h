/* prune.h - proving from statistics that no row of a row group (or page)
 * can match the predicates, so the reader need not read it.
 *
 * Each predicate's literal is parsed with its column's type (core/where.h)
 * and turned into the PLAIN bytes of the column's physical type (INT32 for
 * date, int8/16, decimal p <= 9; INT64; FLOAT/DOUBLE; BYTE_ARRAY strings;
 * big-endian two's complement for FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY
 * decimals), then compared with the statistics under the column's sort
 * order (stats.h). Everything is conservative: a group is skipped only
 * when the statistics prove it, and missing statistics, an unknown column
 * order, bounds of the wrong size, NaN bounds, INT96, FLOAT16 or INTERVAL
 * columns all mean "may match". min_value/max_value are used unless the
 * footer's column order is unknown; the deprecated min/max only for
 * signed numeric orders, the only ones their (signed) comparison got right.
 * A bound marked inexact (a truncated string) is still a valid bound, as
 * the specification defines it, so it is used.
 */
#ifndef AF_PQ_PRUNE_H
#define AF_PQ_PRUNE_H

#include "core/buf.h"
#include "core/error.h"
#include "core/where.h"
#include "formats/parquet/column_reader.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/parquet.h"
#include "formats/parquet/schema_map.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One predicate compiled against a leaf column. */
typedef struct af_pq_prune_pred {
    size_t column; /* the leaf's column index (chunk order) */
    int16_t max_def;
    af_parquet_op op;
    int sort;       /* af_pq_sort, or a local unsigned order; 0 = no min/max use */
    size_t width;   /* bytes a bound must have (0 = any) */
    bool legacy_ok; /* the deprecated signed min/max are right for this order */
    af_buf lo, hi;  /* literal(s) in PLAIN bytes */
    bool has_lo, has_hi;
} af_pq_prune_pred;

typedef struct af_pq_pruner {
    af_pq_prune_pred *preds;
    size_t n;
} af_pq_pruner;

/* What is known about the values of one column chunk or page. */
typedef struct af_pq_bounds {
    const af_pq_bytes *min, *max; /* NULL when unknown */
    bool has_null_count;
    int64_t null_count;
    int64_t num_values; /* values including nulls; < 0 when unknown */
} af_pq_bounds;

/* Compiles predicates on top-level flat columns of the file (nested
 * columns are left out: they cannot prune). An unknown column is
 * AF_ENOTFOUND, a literal that is not a value of the column's type
 * AF_EINVAL; messages name `name` (the file) and the column. */
int af_pq_pruner_init(af_pq_pruner *pr, const af_pq_file_meta *m, const af_pq_schema_map *sm,
                      const af_parquet_predicate *preds, size_t n, const char *name, af_error *err);
void af_pq_pruner_free(af_pq_pruner *pr);

/* False when the statistics of row group g prove that no row satisfies
 * every predicate. */
bool af_pq_pruner_keep_group(const af_pq_pruner *pr, const af_pq_file_meta *m, size_t g);

/* The chunk statistics of column c of row group g as bounds (only those
 * valid for the predicate's order). */
void af_pq_chunk_bounds(const af_pq_prune_pred *p, const af_pq_file_meta *m, size_t g,
                        af_pq_bounds *out);
/* False when bounds prove no value satisfies the predicate. */
bool af_pq_prune_may_match(const af_pq_prune_pred *p, const af_pq_bounds *b);

/* A growable list of row ranges. */
typedef struct af_pq_row_ranges {
    af_pq_row_range *r;
    size_t n, cap;
} af_pq_row_ranges;

void af_pq_row_ranges_free(af_pq_row_ranges *rr);
/* Sets rr to [0, rows) (nothing when rows is 0). */
int af_pq_row_ranges_all(af_pq_row_ranges *rr, int64_t rows);
/* rr = rr AND other. */
int af_pq_row_ranges_intersect(af_pq_row_ranges *rr, const af_pq_row_ranges *other);
int64_t af_pq_row_ranges_count(const af_pq_row_ranges *rr);

/* Page-level pruning: the rows of a row group of `rows` rows whose pages
 * (per the column index ci and offset index oi of predicate p's column)
 * may hold a match. An index that does not fit the group (page counts that
 * differ, first rows out of order) proves nothing: all rows. */
int af_pq_page_ranges(const af_pq_prune_pred *p, const af_pq_file_meta *m,
                      const af_pq_column_index *ci, const af_pq_offset_index *oi, int64_t rows,
                      af_pq_row_ranges *out, af_error *err);

/* The conservative AND-ed simple predicates of a where expression as
 * reader predicates (strings borrowed from w); returns how many. */
size_t af_pq_predicates_from_where(const af_where *w, af_parquet_predicate *out, size_t cap);

#endif
