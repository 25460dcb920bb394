/* partition.h - how a lake table splits its rows into folders.
 *
 * `partition_by` entries of a lake target:
 *   country              the column's own value
 *   order_date:day       a part of a date or timestamp column, as a new
 *                        partition column order_date_day
 *   d=order_date:day     the same, naming the new column d
 * Parts: year (int32), month (int32, 1-12), day (date), hour (int32, 0-23).
 * Timestamps are cut in UTC. A partition column is part of the table's
 * schema (Delta requires it) but not of its data files: readers take it
 * from the folder name col=value and the log's partitionValues.
 *
 * Allowed value columns: string, bool, int8..int64, decimal, date,
 * timestamp. Floats, binary and nested values make poor folder names and
 * are refused.
 */
#ifndef AF_LAKE_PARTITION_H
#define AF_LAKE_PARTITION_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/schema.h"

typedef enum af_partition_part {
    AF_PART_VALUE = 0,
    AF_PART_YEAR,
    AF_PART_MONTH,
    AF_PART_DAY,
    AF_PART_HOUR,
} af_partition_part;

typedef struct af_partition_spec {
    char *name;   /* the partition column */
    char *source; /* the input column it is derived from */
    af_partition_part part;
} af_partition_spec;

/* Parses one partition_by entry. */
int af_partition_parse(const char *text, af_partition_spec *out, af_error *err);
void af_partition_spec_free(af_partition_spec *s);

/* The partition column's field, given its source field; AF_ECONFIG naming
 * the entry when the source type cannot be partitioned that way. */
int af_partition_field(const af_partition_spec *s, const af_field *source, af_field *out,
                       af_error *err);

/* Appends the partition value of row i of `source` (an array of the source
 * column) to `dst` (an array of the partition column's type). */
int af_partition_derive(const af_partition_spec *s, const af_array *source, int64_t i,
                        af_array *dst);

/* The partitionValues text of value i of a partition column: what Delta
 * writes ("2024-01-31", "42", "true", "2024-01-31 13:00:00.000001");
 * returns 1 (and appends nothing) for a null. */
int af_partition_value_text(const af_array *a, int64_t i, af_buf *out);

#endif
