/* batch.h - columnar batches laid out like the Arrow C Data Interface.
 *
 * A batch is a schema plus one af_array per top-level field. Every array has
 * a validity bitmap (bit i set = row i valid, LSB first; empty buffer = all
 * valid) and, by type:
 *
 *   type                 offsets (int32, len+1)   data
 *   bool                 -                        bit-packed values
 *   int8..int64          -                        little-endian integers
 *   float32/64           -                        IEEE values
 *   decimal              -                        16-byte two's complement (Arrow decimal128)
 *   string/json/binary   yes                      bytes
 *   date                 -                        int32 days
 *   time  (s, ms)        -                        int32
 *   time  (us, ns)       -                        int64
 *   timestamp            -                        int64
 *   uuid                 -                        16 bytes per value
 *   struct               -                        - (children[i] per member)
 *   list / map           yes                      - (children[0])
 *   null                 -                        - (all rows null)
 *
 * Batches are bounded (af_batch_limits) so memory stays flat whatever the
 * input size. A batch is reference counted so one batch can be handed to
 * several sinks; af_batch_release frees it when the last holder lets go.
 */
#ifndef AF_BATCH_H
#define AF_BATCH_H

#include "core/arrow_abi.h"
#include "core/buf.h"
#include "core/schema.h"

#include <stdatomic.h>

typedef __int128 af_int128;

typedef struct af_array af_array;
struct af_array {
    const af_field *field; /* borrowed from the batch's schema */
    int64_t length;
    int64_t null_count;
    af_buf validity; /* bytes of bits; may hold fewer bits than length when all valid so far */
    bool has_validity;
    af_buf offsets; /* int32 */
    af_buf data;
    af_array *children;
    size_t n_children;
};

typedef struct af_batch_limits {
    int64_t max_rows; /* default 65536 */
    size_t max_bytes; /* default 16 MiB of buffers */
} af_batch_limits;

extern const af_batch_limits AF_BATCH_DEFAULT_LIMITS;

typedef struct af_batch {
    af_schema *schema; /* owned (a copy) */
    af_array *columns; /* schema->n_fields */
    int64_t n_rows;
    atomic_int refcount;
} af_batch;

/* Creates an empty batch for schema (copied). Returns NULL on allocation failure. */
af_batch *af_batch_new(const af_schema *schema);
/* Adds a holder. */
void af_batch_retain(af_batch *b);
/* Drops a holder; frees at zero. NULL is fine. */
void af_batch_release(af_batch *b);
/* Bytes held by all buffers (for the limits and for memory accounting). */
size_t af_batch_bytes(const af_batch *b);
/* True when the batch reached either limit and should be emitted. */
bool af_batch_full(const af_batch *b, const af_batch_limits *lim);
/* Sets n_rows from the columns after appending; fails with AF_EINTERNAL if
 * the columns do not all have the same length. */
int af_batch_seal(af_batch *b, af_error *err);

/* ---- Appending values (builders). Each appends one row to the array. ----
 * The caller must use the append function matching the array's type; a
 * mismatch returns AF_EINTERNAL. */
int af_array_append_null(af_array *a);
int af_array_append_bool(af_array *a, bool v);
int af_array_append_int(af_array *a,
                        int64_t v); /* int8..int64, date, time, timestamp; range-checked */
int af_array_append_double(af_array *a, double v); /* float32/64 */
int af_array_append_decimal(af_array *a, af_int128 unscaled);
int af_array_append_bytes(af_array *a, const void *p, size_t n); /* string/json/binary/uuid(16) */
/* struct: append children values first, then this marks the row valid. */
int af_array_append_struct_row(af_array *a);
/* list/map: append `count` child values first, then this closes the row. */
int af_array_append_list_row(af_array *a, int64_t count);

/* Appends a copy of src's value i (null, scalar or nested) to dst, which
 * must have the same type. (batch_select.c) */
int af_array_append_from(af_array *dst, const af_array *src, int64_t i);

/* Bulk appends (batch_bulk.c): flat types copy whole buffers, nested
 * types fall back to af_array_append_from per row. On failure (AF_ENOMEM,
 * AF_ELIMIT past 2 GiB of bytes) dst holds part of the rows and should be
 * discarded. */
/* Rows [start, start + n) of src. */
int af_array_append_range(af_array *dst, const af_array *src, int64_t start, int64_t n);
/* Rows idx[0..n) of src, in that order (indices must be < src->length). */
int af_array_append_take(af_array *dst, const af_array *src, const uint32_t *idx, size_t n);
/* count valid values of a fixed-width type (int8..uuid), given in the
 * array's own layout (little-endian, 16-byte decimals). */
int af_array_append_fixed_values(af_array *dst, const void *values, size_t count);

/* Drops rows from `length` on (used to undo a partially appended row).
 * Flat types only; nested arrays return AF_EUNSUPPORTED. */
int af_array_truncate(af_array *a, int64_t length);

/* ---- Reading values. ---- */
bool af_array_is_valid(const af_array *a, int64_t i);
bool af_array_get_bool(const af_array *a, int64_t i);
int64_t af_array_get_int(const af_array *a, int64_t i); /* any integer-backed type */
double af_array_get_double(const af_array *a, int64_t i);
af_int128 af_array_get_decimal(const af_array *a, int64_t i);
/* string/json/binary/uuid: pointer into the data buffer and its length. */
const uint8_t *af_array_get_bytes(const af_array *a, int64_t i, size_t *len);

/* Formats value i as text the way CSV output and messages show it:
 * decimals exactly with `scale` digits, dates ISO-8601, timestamps
 * ISO-8601 with fractional digits per unit and 'Z' for UTC, uuid in 8-4-4-4-12,
 * binary as hex, nested values as JSON. Nulls append nothing and return 1. */
int af_array_format_value(const af_array *a, int64_t i, af_buf *out);
/* Appends value i as a JSON value (null, numbers, strings, objects, arrays). */
int af_array_format_json(const af_array *a, int64_t i, af_buf *out);

/* ---- Selecting rows (used to drop quarantined rows). ----
 * Builds a new batch holding rows where keep[i] is true. */
af_batch *af_batch_filter(const af_batch *b, const bool *keep, af_error *err);
/* Builds a new batch with the given columns (by index) of b, in that order,
 * optionally renamed (names may be NULL). */
af_batch *af_batch_project(const af_batch *b, const size_t *cols, const char *const *names,
                           size_t n, af_error *err);

/* ---- Arrow C Data Interface export. ----
 * Exports the batch as a struct array (format "+s") with one child per
 * column. The exported structures hold a reference to the batch; calling
 * their release callbacks drops it. Buffers are not copied. */
int af_batch_export(af_batch *b, struct ArrowArray *out_array, struct ArrowSchema *out_schema,
                    af_error *err);
/* Exports just the schema. */
int af_schema_export(const af_schema *s, struct ArrowSchema *out, af_error *err);
/* The Arrow format string for a field ("i", "d:19,4", "tsu:UTC", ...). */
int af_field_arrow_format(const af_field *f, af_buf *out);

#endif
