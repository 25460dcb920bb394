/* column_writer.h - writes one leaf column of a Parquet file.
 *
 * Values and levels go in; encoded, compressed pages come out, buffered in
 * memory until the row group closes, then written as one column chunk
 * (dictionary page first, then data pages). Buffering compressed pages is
 * what bounds a writer's memory to one row group per open file.
 *
 * Encoding: dictionary (RLE_DICTIONARY indices, PLAIN dictionary page)
 * while the dictionary stays under its limit, then PLAIN for the rest of
 * the chunk; BOOLEAN is always PLAIN. Levels are RLE/bit-packed hybrid.
 * Pages close at a record boundary once they reach the byte or entry
 * limit, so the page index can address whole rows.
 */
#ifndef AF_PQ_COLUMN_WRITER_H
#define AF_PQ_COLUMN_WRITER_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/error.h"
#include "formats/parquet/arena.h"
#include "formats/parquet/levels.h"
#include "formats/parquet/meta.h"
#include "formats/parquet/parquet.h"
#include "formats/parquet/schema_map.h"
#include "formats/parquet/stats.h"
#include "io/codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_pq_column_options {
    af_codec codec;
    int level;
    size_t page_bytes;
    size_t page_rows; /* level entries */
    bool dictionary;
    size_t dictionary_max_bytes;
    int page_version; /* 1 or 2 */
    bool page_index;
} af_pq_column_options;

typedef struct af_pq_column_writer af_pq_column_writer;

/* leaf (borrowed, must outlive the writer) describes the column. */
int af_pq_column_writer_new(const af_pq_leaf_info *leaf, const af_pq_column_options *o,
                            af_pq_column_writer **out, af_error *err);
void af_pq_column_writer_free(af_pq_column_writer *cw);

/* Rows [start, end) of a top-level column that is its own leaf (no
 * struct/list/map around it): the fast path that needs no level arrays. */
int af_pq_column_writer_add_array(af_pq_column_writer *cw, const af_array *a, int64_t start,
                                  int64_t end, af_error *err);
/* The shredded entries of a nested column's leaf (levels.h). */
int af_pq_column_writer_add_levels(af_pq_column_writer *cw, const af_pq_levels *lv, af_error *err);

/* Compressed bytes buffered for the current chunk (for memory accounting). */
size_t af_pq_column_writer_buffered(const af_pq_column_writer *cw);

/* Closes the current chunk: writes its pages to out at *offset (advanced by
 * what was written), fills cc (strings and arrays allocated in arena), and,
 * with the page index on, appends the encoded ColumnIndex to column_index
 * (nothing when no page has usable bounds) and the OffsetIndex to
 * offset_index. The writer is then ready for the next row group's chunk. */
int af_pq_column_writer_write_chunk(af_pq_column_writer *cw, af_byte_sink out, uint64_t *offset,
                                    af_arena *arena, af_pq_column_chunk *cc, af_buf *column_index,
                                    af_buf *offset_index, af_error *err);

/* The sort order the specification gives a leaf's values (stats.h). */
af_pq_sort af_pq_leaf_sort(const af_pq_leaf_info *leaf);

#endif
