/* schema_map.h - affluent schemas <-> Parquet schema elements.
 *
 * The writer turns an af_schema into the flat, depth-first SchemaElement
 * list of a FileMetaData (see the TYPE MAPPING table in parquet.h); the
 * reader turns any real file's schema back into an af_schema, including the
 * legacy ConvertedType annotations and the backward-compatibility rules for
 * LIST and MAP of the Parquet LogicalTypes specification. Both directions
 * also describe every leaf column: where it is, its maximum levels, and how
 * its values convert between the af_array layout (batch.h) and the PLAIN
 * Parquet physical values, so the page reader and writer need not look at
 * the schema again.
 *
 * Layout written: a nullable field is OPTIONAL, else REQUIRED; lists are
 *   <name> (LIST) { repeated group list { <element> } }
 * and maps
 *   <name> (MAP) { repeated group key_value { required key; <value> } }
 * which is exactly what levels.h shreds, so af_pq_levels_init agrees with
 * the levels computed here.
 */
#ifndef AF_PQ_SCHEMA_MAP_H
#define AF_PQ_SCHEMA_MAP_H

#include "core/error.h"
#include "core/schema.h"
#include "formats/parquet/arena.h"
#include "formats/parquet/meta.h"

#include <stddef.h>
#include <stdint.h>

/* How one leaf's values convert between the af_array layout and PLAIN
 * Parquet values. "w:" is what the writer does, "r:" what the reader does;
 * kinds without one side are never produced for it. */
typedef enum af_pq_conv {
    AF_PQ_CONV_NULL = 0,           /* no values ever (af null, LogicalType UNKNOWN) */
    AF_PQ_CONV_BOOL,               /* bit-packed bool <-> BOOLEAN */
    AF_PQ_CONV_INT32,              /* 4-byte af value (int32, date, time[ms]) <-> INT32 */
    AF_PQ_CONV_INT64,              /* 8-byte af value (int64, time[us|ns], timestamp) <-> INT64 */
    AF_PQ_CONV_FLOAT,              /* float32 <-> FLOAT */
    AF_PQ_CONV_DOUBLE,             /* float64 <-> DOUBLE */
    AF_PQ_CONV_INT8,               /* int8 <-> INT32 (w: sign-extend, r: narrow) */
    AF_PQ_CONV_INT16,              /* int16 <-> INT32 */
    AF_PQ_CONV_TIME_S_MILLIS,      /* w: time[s] int32 x 1000 -> INT32 millis */
    AF_PQ_CONV_TIMESTAMP_S_MILLIS, /* w: timestamp[s] x 1000 -> INT64 millis (check overflow) */
    AF_PQ_CONV_UINT8,              /* r: INT32 as uint8 -> int16 */
    AF_PQ_CONV_UINT16,             /* r: INT32 as uint16 -> int32 */
    AF_PQ_CONV_UINT32,             /* r: INT32 as uint32 -> int64 */
    AF_PQ_CONV_UINT64,             /* r: INT64 as uint64 -> decimal(20,0) */
    AF_PQ_CONV_DECIMAL_INT32,      /* decimal128 <-> INT32 unscaled */
    AF_PQ_CONV_DECIMAL_INT64,      /* decimal128 <-> INT64 unscaled */
    AF_PQ_CONV_DECIMAL_FLBA,       /* decimal128 <-> big-endian two's complement, type_length */
    AF_PQ_CONV_DECIMAL_BYTE_ARRAY, /* r: big-endian two's complement of any length -> decimal128 */
    AF_PQ_CONV_INT96_NANOS,        /* r: INT96 (nanos of day, Julian day) -> timestamp[ns] */
    AF_PQ_CONV_FLOAT16,            /* r: FIXED_LEN_BYTE_ARRAY(2) IEEE half -> float32 */
    AF_PQ_CONV_BYTES,              /* string/json/binary <-> BYTE_ARRAY */
    AF_PQ_CONV_FLBA_BYTES,         /* r: FIXED_LEN_BYTE_ARRAY -> string/binary */
    AF_PQ_CONV_UUID,               /* uuid (16 bytes) <-> FIXED_LEN_BYTE_ARRAY(16) */
} af_pq_conv;

const char *af_pq_conv_name(af_pq_conv c);

/* One leaf column. */
typedef struct af_pq_leaf_info {
    size_t column;         /* index in the file's column chunk order (depth-first) */
    size_t schema_index;   /* its SchemaElement in m->schema */
    size_t top;            /* the top-level af field it belongs to */
    const af_field *field; /* the af leaf: writer: in the input schema; reader: in the mapped one */
    char **path;           /* path_in_schema (root excluded) */
    size_t n_path;
    int32_t physical_type; /* AF_PQ_BOOLEAN.. */
    int32_t type_length;   /* FIXED_LEN_BYTE_ARRAY only, else 0 */
    int16_t max_def, max_rep;
    af_pq_conv conv;
} af_pq_leaf_info;

/* Fills m->schema / m->n_schema (allocated in m->arena, replacing any
 * previous list) from s, and *leaves / *n_leaves (also in m->arena, field
 * pointers borrowed from s). Types Parquet cannot hold (an empty struct, a
 * nullable map key, a decimal outside 1..38) are AF_EUNSUPPORTED naming the
 * field. */
int af_pq_schema_to_parquet(const af_schema *s, af_pq_file_meta *m, af_pq_leaf_info **leaves,
                            size_t *n_leaves, af_error *err);

/* The result of reading a file's schema. */
typedef struct af_pq_schema_map {
    af_schema *schema; /* owned */
    af_pq_leaf_info *leaves;
    size_t n_leaves;
    af_arena arena; /* leaves and their paths */
} af_pq_schema_map;

/* Maps the schema of m (decoded, and validated by af_pq_file_meta_validate
 * or af_pq_footer_read) to an af_schema. `name` names the file in errors.
 * Shapes no rule covers are AF_EUNSUPPORTED naming the column path. On
 * error *out is left empty. */
int af_pq_schema_from_parquet(const af_pq_file_meta *m, const char *name, af_pq_schema_map *out,
                              af_error *err);
void af_pq_schema_map_free(af_pq_schema_map *sm);

/* Bytes of one PLAIN value of the leaf's fixed-width physical type (INT32
 * and FLOAT 4, INT64 and DOUBLE 8, INT96 12, FIXED_LEN_BYTE_ARRAY its
 * type_length); 0 for BOOLEAN, BYTE_ARRAY and an invalid type_length. */
size_t af_pq_leaf_plain_width(const af_pq_leaf_info *leaf);

/* Fewest bytes holding 10^precision - 1 in two's complement (1..38 -> 1..16). */
int32_t af_pq_decimal_flba_length(int precision);

#endif
