/* stats.h - column statistics: min, max and null count with the sort order
 * the Parquet specification gives each logical type, so other engines can
 * prune with them and affluent can too.
 *
 * Values are passed as their PLAIN bytes (little-endian numbers; raw bytes
 * for BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY). Float NaNs are left out of
 * min/max; a zero minimum is written as -0.0 and a zero maximum as +0.0, as
 * the specification asks, so readers need not guess the sign.
 */
#ifndef AF_PQ_STATS_H
#define AF_PQ_STATS_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum af_pq_sort {
    AF_PQ_SORT_NONE = 0,       /* no defined order (INT96, intervals): no min/max */
    AF_PQ_SORT_SIGNED,         /* INT32/INT64 little-endian, two's complement */
    AF_PQ_SORT_FLOAT,          /* FLOAT */
    AF_PQ_SORT_DOUBLE,         /* DOUBLE */
    AF_PQ_SORT_BOOL,           /* BOOLEAN as one byte 0/1 */
    AF_PQ_SORT_UNSIGNED_BYTES, /* strings, binary, uuid: lexicographic, unsigned */
    AF_PQ_SORT_SIGNED_BYTES,   /* decimals in big-endian two's complement bytes */
} af_pq_sort;

typedef struct af_pq_stats {
    af_pq_sort sort;
    bool has_minmax;
    af_buf min;
    af_buf max;
    int64_t null_count;
    int64_t value_count; /* non-null values seen */
} af_pq_stats;

void af_pq_stats_init(af_pq_stats *s, af_pq_sort sort);
void af_pq_stats_reset(af_pq_stats *s);
void af_pq_stats_free(af_pq_stats *s);
/* One non-null value. */
int af_pq_stats_update(af_pq_stats *s, const void *value, size_t n);
void af_pq_stats_add_nulls(af_pq_stats *s, int64_t n);
/* Folds page statistics into chunk statistics. */
int af_pq_stats_merge(af_pq_stats *dst, const af_pq_stats *src);
/* <0, 0, >0 under the sort order (NaN compares as unordered: 0). */
int af_pq_compare(af_pq_sort sort, const void *a, size_t an, const void *b, size_t bn);

/* Byte-array bounds longer than max_len are shortened for the footer: the
 * min to a prefix (still a lower bound), the max to a prefix with its last
 * byte raised (still an upper bound). *exact says whether each is the real
 * value. Returns false when there is no min/max at all; *has_max is false
 * when no short upper bound exists (a prefix of only 0xFF bytes), in which
 * case only the min is written. */
bool af_pq_stats_bounds(const af_pq_stats *s, size_t max_len, af_buf *min, bool *min_exact,
                        af_buf *max, bool *max_exact, bool *has_max);

#endif
