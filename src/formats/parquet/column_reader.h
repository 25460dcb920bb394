/* column_reader.h - reads one column chunk of a Parquet file.
 *
 * A column chunk is one leaf column of one row group: an optional
 * dictionary page followed by data pages. Reading it yields the leaf's
 * definition and repetition levels and its non-null values, densely, as an
 * af_array of the leaf's af type (converted per af_pq_conv), which is what
 * af_pq_assemble (levels.h) needs to rebuild the top-level column.
 *
 * All sizes come from the file and are treated as hostile: the chunk's byte
 * range is checked against the blob, page sizes against the chunk, and
 * level and value counts against what the pages can hold, before anything
 * is allocated from them.
 */
#ifndef AF_PQ_COLUMN_READER_H
#define AF_PQ_COLUMN_READER_H

#include "core/batch.h"
#include "core/error.h"
#include "formats/parquet/levels.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/schema_map.h"
#include "io/blob.h"

#include <stddef.h>
#include <stdint.h>

/* Largest column chunk read into memory (AF_ELIMIT beyond). */
#define AF_PQ_CHUNK_MAX_BYTES ((uint64_t)2 << 30)
/* Largest decompressed page (AF_ELIMIT beyond). */
#define AF_PQ_PAGE_MAX_BYTES ((size_t)1 << 30)
/* Most level entries (values and nulls) in one column chunk (AF_ELIMIT
 * beyond): RLE lets a few bytes claim billions of entries, and each entry
 * costs memory whatever its bytes. */
#define AF_PQ_CHUNK_MAX_VALUES ((int64_t)1 << 28)

/* One decoded column chunk. */
typedef struct af_pq_chunk_data {
    int16_t *def; /* n entries; NULL when max_def == 0 */
    int16_t *rep; /* n entries; NULL when max_rep == 0 */
    size_t n;     /* level entries (values and nulls) */
    int16_t max_def, max_rep;
    af_batch *batch;  /* one field, the leaf; owns the values */
    af_array *values; /* &batch->columns[0]: the non-null values, densely */
} af_pq_chunk_data;

/* Reads the chunk of leaf `leaf` in row group `row_group` of the file
 * behind blob (whose footer is m) into *out, which the caller frees with
 * af_pq_chunk_data_free whatever the result. Errors name the blob, the
 * column path and the problem: AF_EPARSE for corrupt data, AF_EUNSUPPORTED
 * for encodings, codecs or page types this build cannot read, AF_ELIMIT
 * for sizes past the limits above. */
int af_pq_read_column_chunk(af_blob *blob, const af_pq_file_meta *m, int row_group,
                            const af_pq_leaf_info *leaf, af_pq_chunk_data *out, af_error *err);

/* Rows [start, end) of a row group; lists of them are sorted and disjoint. */
typedef struct af_pq_row_range {
    int64_t start, end;
} af_pq_row_range;

/* Like af_pq_read_column_chunk for a leaf without repetition, but *out
 * holds only the rows inside ranges. With a usable offset index (oi, may
 * be NULL) only the dictionary page and the data pages overlapping the
 * ranges are read and decoded; otherwise, or when a page disagrees with
 * the index, the whole chunk is decoded and then trimmed, so the result is
 * the same either way. */
int af_pq_read_column_rows(af_blob *blob, const af_pq_file_meta *m, int row_group,
                           const af_pq_leaf_info *leaf, const af_pq_offset_index *oi,
                           const af_pq_row_range *ranges, size_t n_ranges, af_pq_chunk_data *out,
                           af_error *err);

void af_pq_chunk_data_free(af_pq_chunk_data *d);

/* Points a leaf stream at the chunk's levels and values (borrowed: d must
 * outlive the stream), positioned at the start. */
void af_pq_chunk_leaf_stream(const af_pq_chunk_data *d, af_pq_leaf_stream *s);

#endif
