/* where.h - row filter expressions: `amount > 12.5 AND (country = 'FR' OR
 * shipped IS NULL)`, parsed once, bound to a schema, evaluated on batches.
 *
 * Grammar (keywords in any case):
 *   expr := or
 *   or   := and (OR and)*
 *   and  := not (AND not)*
 *   not  := NOT not | '(' expr ')' | pred
 *   pred := col (= | == | != | <> | < | <= | > | >=) value
 *         | col [NOT] BETWEEN value AND value
 *         | col IS [NOT] NULL
 *   col   := identifier ([A-Za-z_][A-Za-z0-9_]*, UTF-8 allowed) | "quoted" ("" = ")
 *   value := number | 'string' ('' = ') | true | false
 *
 * Literals are text until bound: binding parses each with the exact value
 * parser of its column's type (values.h), so `amount > 12.5` on
 * decimal(10,2) compares unscaled integers, `d >= '2024-01-31'` compares
 * days, a timestamp literal is read in the column's unit and zone.
 *
 * Semantics are SQL's three-valued logic: a comparison with a NULL value
 * is unknown, NOT unknown is unknown, and only rows where the whole
 * expression is true are kept. Floats compare as IEEE 754: NaN is neither
 * equal to, less nor greater than anything (so `x != 1` keeps NaN rows),
 * and -0 equals +0. Strings and binary compare bytewise (UTF-8 code point
 * order), uuids as their 16 big-endian bytes, booleans false < true.
 *
 * Bounds, so hostile expressions cost little: parentheses and NOT nest at
 * most AF_WHERE_MAX_DEPTH deep, an expression holds at most
 * AF_WHERE_MAX_TERMS predicates, and evaluation allocates one byte per row
 * per nesting level.
 */
#ifndef AF_WHERE_H
#define AF_WHERE_H

#include "core/batch.h"
#include "core/error.h"
#include "core/schema.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AF_WHERE_MAX_DEPTH 64
#define AF_WHERE_MAX_TERMS 4096

typedef struct af_where af_where;

/* Parses text (NUL-terminated). Errors are AF_EINVAL and quote the
 * expression, the 1-based character position and what was expected. */
int af_where_parse(const char *text, af_where **out, af_error *err);
void af_where_free(af_where *w);

/* Resolves every column against schema (top-level fields) and parses the
 * literals with the columns' types. Unknown column: AF_ENOTFOUND listing
 * the columns (with a "did you mean"); a literal that is not a value of
 * its column's type: AF_EINVAL naming column, type and literal; a
 * comparison on a struct, list or map column: AF_EUNSUPPORTED. May be
 * called again with another schema. */
int af_where_bind(af_where *w, const af_schema *schema, af_error *err);

/* The distinct top-level columns the expression reads, in order of first
 * use (valid until af_where_free). */
size_t af_where_n_columns(const af_where *w);
const char *af_where_column(const af_where *w, size_t i);

/* Sets keep[i] for every row of b where the bound expression is true. b
 * must hold every column the expression reads (found by name, with the
 * type it was bound to); others are ignored. */
int af_where_eval(const af_where *w, const af_batch *b, bool *keep, af_error *err);
/* The rows of b where the expression is true, as a new batch. */
int af_where_filter(const af_where *w, const af_batch *b, af_batch **out, af_error *err);

/* A typed literal: the text of a value parsed with a column's type. */
typedef struct af_where_value {
    af_type type;
    bool b;
    int64_t i;     /* ints, date, time, timestamp */
    double d;      /* float32 (rounded to float), float64 */
    af_int128 dec; /* decimal: unscaled, at the column's scale */
    uint8_t uuid[16];
    const uint8_t *bytes; /* string, json, binary: borrowed from the text */
    size_t len;
} af_where_value;

/* Parses text[0..n) as a value of field f's type (flat types only; the
 * text is borrowed by string values). Errors name the column, its type and
 * the text: AF_EINVAL, or AF_EUNSUPPORTED for nested columns. */
int af_where_value_parse(const af_field *f, const char *text, size_t n, af_where_value *out,
                         af_error *err);
/* Compares value i of a (of the type v was parsed with, valid) with v:
 * <0, 0, >0, or 2 when unordered (a NaN). */
int af_where_value_compare(const af_array *a, int64_t i, const af_where_value *v);

/* The simple predicates of the expression's top-level AND, for pruning
 * (a reader may skip data whose statistics prove none of them holds).
 * OR branches, NOT and != contribute nothing: the list is a conservative
 * subset, rows must still be filtered with af_where_eval. */
typedef enum af_where_op {
    AF_WHERE_EQ,
    AF_WHERE_NE,
    AF_WHERE_LT,
    AF_WHERE_LE,
    AF_WHERE_GT,
    AF_WHERE_GE,
    AF_WHERE_BETWEEN,
    AF_WHERE_IS_NULL,
    AF_WHERE_IS_NOT_NULL,
} af_where_op;

typedef struct af_where_simple {
    const char *column; /* borrowed from the expression */
    af_where_op op;     /* never AF_WHERE_NE */
    const char *value;  /* literal text (NUL-terminated), NULL for IS [NOT] NULL */
    const char *value2; /* BETWEEN upper bound */
} af_where_simple;

/* Fills out[0..*n) with at most cap predicates (the rest are left out,
 * which is still conservative). */
size_t af_where_simple_predicates(const af_where *w, af_where_simple *out, size_t cap);

#endif
