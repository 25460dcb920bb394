/* schema.h - logical types and schemas of the columnar core.
 *
 * A logical type says what a value means (decimal(19,4), timestamp[us, UTC]);
 * the physical layout of each type in a batch follows the Arrow C Data
 * Interface (see batch.h for the table). Schemas are trees: struct, list and
 * map fields have children.
 */
#ifndef AF_SCHEMA_H
#define AF_SCHEMA_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum af_type_id {
    AF_TYPE_NULL = 0, /* only nulls seen (inference); stored as all-null int8 */
    AF_TYPE_BOOL,
    AF_TYPE_INT8,
    AF_TYPE_INT16,
    AF_TYPE_INT32,
    AF_TYPE_INT64,
    AF_TYPE_FLOAT32,
    AF_TYPE_FLOAT64,
    AF_TYPE_DECIMAL, /* exact, precision 1..38, 0 <= scale <= precision; 128-bit */
    AF_TYPE_STRING,  /* UTF-8 */
    AF_TYPE_BINARY,
    AF_TYPE_DATE,      /* days since 1970-01-01, int32 */
    AF_TYPE_TIME,      /* time of day in `unit` since midnight */
    AF_TYPE_TIMESTAMP, /* `unit` since epoch; timezone NULL = naive wall clock */
    AF_TYPE_UUID,      /* 16 bytes, big-endian as printed */
    AF_TYPE_JSON,      /* UTF-8 JSON text */
    AF_TYPE_STRUCT,
    AF_TYPE_LIST,
    AF_TYPE_MAP,
    AF_TYPE__COUNT
} af_type_id;

typedef enum af_time_unit {
    AF_UNIT_SECOND = 0,
    AF_UNIT_MILLI,
    AF_UNIT_MICRO,
    AF_UNIT_NANO,
} af_time_unit;

#define AF_DECIMAL_MAX_PRECISION 38

/* A logical type. Plain value: copyable, except `timezone` which is owned by
 * the field that holds it (af_field_* functions copy it). */
typedef struct af_type {
    af_type_id id;
    uint8_t precision;    /* decimal */
    uint8_t scale;        /* decimal */
    af_time_unit unit;    /* time, timestamp */
    const char *timezone; /* timestamp: NULL (naive) or "UTC", "+02:00", "Europe/Paris" */
} af_type;

typedef struct af_field af_field;
struct af_field {
    char *name;
    af_type type;
    bool nullable;
    char *timezone_owned; /* storage behind type.timezone */
    /* struct: the members; list: one child "item"; map: one child "entries"
     * which is a non-nullable struct {key (non-nullable), value}. */
    af_field *children;
    size_t n_children;
};

typedef struct af_schema {
    af_field *fields;
    size_t n_fields;
} af_schema;

/* Constructors for common types. */
af_type af_type_make(af_type_id id);
af_type af_type_decimal(int precision, int scale);
af_type af_type_timestamp(af_time_unit unit, const char *timezone);
af_type af_type_time(af_time_unit unit);

/* "int64", "decimal(19,4)", "timestamp[us, UTC]", "list<string>"... for
 * messages and docs. Nested types need the field; this prints the scalar part. */
int af_type_format(const af_type *t, af_buf *out);
/* Full type of a field including children: "struct<a: int32, b: list<string>>". */
int af_field_format_type(const af_field *f, af_buf *out);

/* Parses a type name as written in pipeline files: bool|boolean, int8..int64
 * (also tinyint/smallint/int/integer/bigint), float32|float|real,
 * float64|double, decimal(p,s)|numeric(p,s), string|text|utf8, binary|bytes,
 * date, time[(unit)], timestamp[(unit[, tz])], timestamptz, uuid, json.
 * Nested types are not parsed from text. The returned type's timezone points
 * into a static string or is NULL; use af_field_set_type to own it. */
int af_type_parse(const char *text, af_type *out, char *tz_storage, size_t tz_storage_size,
                  af_error *err);

const char *af_type_name(af_type_id id);
const char *af_time_unit_name(af_time_unit u); /* "s", "ms", "us", "ns" */
bool af_type_is_nested(af_type_id id);
bool af_type_equal(const af_type *a, const af_type *b);

/* Fields: init with a name and type; copies strings. */
int af_field_init(af_field *f, const char *name, af_type type, bool nullable);
int af_field_set_type(af_field *f, af_type type);
/* Appends a child (deep copy) to a struct/list/map field. */
int af_field_add_child(af_field *parent, const af_field *child);
int af_field_copy(af_field *dst, const af_field *src);
void af_field_free(af_field *f);

/* Schemas own their fields. */
af_schema *af_schema_new(void);
int af_schema_add(af_schema *s, const af_field *f); /* deep copy */
int af_schema_add_simple(af_schema *s, const char *name, af_type type, bool nullable);
af_schema *af_schema_copy(const af_schema *s);
long af_schema_find(const af_schema *s, const char *name); /* index or -1 */
void af_schema_free(af_schema *s);
/* Serialises the schema as JSON:
 * [{"name":..,"type":"decimal(19,4)","nullable":true,"children":[..]}] */
int af_schema_to_json(const af_schema *s, af_buf *out);

#endif
