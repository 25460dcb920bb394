/* levels.h - nested columns <-> Parquet definition/repetition levels.
 *
 * Parquet stores each leaf of a nested schema as its own column of values
 * plus two level streams (the Dremel encoding). A field's levels follow the
 * Parquet layout affluent writes: a nullable field adds one definition
 * level; a list or map adds one definition and one repetition level for its
 * repeated group (LIST: optional group (LIST) { repeated group list
 * { element } }, MAP: { repeated group key_value { key, value } }).
 *
 * Leaves are numbered depth-first, so the leaves under any field are a
 * contiguous run: a field's subtree is (first leaf, af_pq_leaf_count(f)).
 */
#ifndef AF_PQ_LEVELS_H
#define AF_PQ_LEVELS_H

#include "core/batch.h"

#include <stdint.h>

/* One leaf's levels and values, as produced by shredding. */
typedef struct af_pq_levels {
    const af_field *leaf;
    int16_t max_def;
    int16_t max_rep;
    int16_t *def;
    int16_t *rep;
    size_t n; /* level entries */
    size_t cap;
    const af_array *values; /* the leaf's array in the shredded batch */
    int64_t *value_index;   /* positions in `values` of non-null leaf values */
    size_t n_values;
    size_t value_cap;
} af_pq_levels;

/* Number of leaf columns under f (1 for a scalar). */
size_t af_pq_leaf_count(const af_field *f);
/* Fills leaves[0..af_pq_leaf_count(f)) with the leaf fields and their
 * maximum levels; the level buffers start empty. */
void af_pq_levels_init(const af_field *f, af_pq_levels *leaves);
/* Empties the buffers, keeping capacity (next row group). */
void af_pq_levels_clear(af_pq_levels *leaves, size_t n);
void af_pq_levels_free(af_pq_levels *leaves, size_t n);

/* Appends the levels of rows [row_start, row_end) of column `a` (of field f)
 * to its leaves. A null in a field declared not nullable is AF_EINVAL
 * naming the field. */
int af_pq_shred(const af_field *f, const af_array *a, int64_t row_start, int64_t row_end,
                af_pq_levels *leaves, af_error *err);

/* One leaf's decoded data, for assembly. */
typedef struct af_pq_leaf_stream {
    const int16_t *def; /* NULL when max_def == 0 (every entry is a value) */
    const int16_t *rep; /* NULL when max_rep == 0 */
    size_t n;           /* level entries */
    size_t pos;
    const af_array *values; /* the non-null values, densely, of the leaf's type */
    int64_t value_pos;
    int16_t max_def;
} af_pq_leaf_stream;

/* Rebuilds `rows` rows of field f into `out` (an array of f's type, e.g. a
 * batch column) from its leaves' streams, which must together hold exactly
 * those rows: levels that end early, are left over, or contradict the
 * schema are AF_EPARSE naming the field. When a stream's values are a whole
 * flat column without nulls and `out` is empty, their buffers move into
 * `out` (the values array is left empty): callers free the decoded chunk
 * right after assembly anyway. */
int af_pq_assemble(const af_field *f, af_array *out, af_pq_leaf_stream *leaves, int64_t rows,
                   af_error *err);

#endif
