/* meta_internal.h - decoder state and Thrift field readers shared by the
 * Parquet metadata decoders (meta_decode*.c); not part of the public API. */
#ifndef AF_PQ_META_INTERNAL_H
#define AF_PQ_META_INTERNAL_H

/* Each struct decoder loops over field headers, takes the fields it knows
 * (checking their wire type: a wrong type means a corrupt or foreign file)
 * and skips the others, since newer writers add fields. Required fields
 * are tracked in a bit mask and reported by name when missing. Errors are
 * raised without the input's name and wrapped on the way out with the path
 * that led to them ("row_groups[0]: columns[2]: ..."), so the message
 * says exactly where the footer is broken.
 */

#include "formats/parquet/meta.h"
#include "formats/parquet/thrift.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_pq_dec {
    af_thrift_reader r;
    af_arena *a; /* NULL: binaries point into the input (page headers) */
} af_pq_dec;

typedef int (*af_pq_dec_elem_fn)(af_pq_dec *d, void *elem);

/* Prefixes the message with where the error happened ("columns[2]",
 * "statistics"); idx < 0 for a plain field. Keeps rc even without err. */
int af_pq_dec_context(af_pq_dec *d, int rc, const char *field, long idx);
int af_pq_dec_nomem(af_pq_dec *d);
int af_pq_dec_wrong_type(af_pq_dec *d, const char *field, int got, int want);
int af_pq_dec_missing(af_pq_dec *d, const char *strct, const char *field);
/* Finishes a decode: on failure prefixes the input's name and struct. */
int af_pq_dec_finish(af_pq_dec *d, int rc, const char *name, const char *strct);

static inline int af_pq_dec_i8(af_pq_dec *d, int t, const char *field, int8_t *v)
{
    return t != AF_THRIFT_I8 ? af_pq_dec_wrong_type(d, field, t, AF_THRIFT_I8)
                             : af_thrift_read_i8(&d->r, v);
}

static inline int af_pq_dec_i16(af_pq_dec *d, int t, const char *field, int16_t *v)
{
    return t != AF_THRIFT_I16 ? af_pq_dec_wrong_type(d, field, t, AF_THRIFT_I16)
                              : af_thrift_read_i16(&d->r, v);
}

static inline int af_pq_dec_i32(af_pq_dec *d, int t, const char *field, int32_t *v)
{
    return t != AF_THRIFT_I32 ? af_pq_dec_wrong_type(d, field, t, AF_THRIFT_I32)
                              : af_thrift_read_i32(&d->r, v);
}

static inline int af_pq_dec_i64(af_pq_dec *d, int t, const char *field, int64_t *v)
{
    return t != AF_THRIFT_I64 ? af_pq_dec_wrong_type(d, field, t, AF_THRIFT_I64)
                              : af_thrift_read_i64(&d->r, v);
}

static inline int af_pq_dec_bool(af_pq_dec *d, int t, const char *field, bool *v)
{
    if (t != AF_THRIFT_BOOL)
        return af_pq_dec_wrong_type(d, field, t, AF_THRIFT_BOOL);
    *v = d->r.bool_value;
    return AF_OK;
}

int af_pq_dec_bin(af_pq_dec *d, int t, const char *field, af_pq_bytes *b);
int af_pq_dec_str(af_pq_dec *d, int t, const char *field, char **s, size_t *len);
/* A list header of the wanted element type whose count is also bounded by
 * the smallest valid encoding of one element, so the array allocated for it
 * is proportional to the input. */
int af_pq_dec_list(af_pq_dec *d, int t, const char *field, int elem, size_t min_bytes, uint32_t *n);
int af_pq_dec_struct_list(af_pq_dec *d, int t, const char *field, size_t elsize, size_t min_bytes,
                          af_pq_dec_elem_fn fn, void **out, size_t *count);
int af_pq_dec_i32_list(af_pq_dec *d, int t, const char *field, int32_t **out, size_t *count);
int af_pq_dec_i64_list(af_pq_dec *d, int t, const char *field, af_pq_i64_list *l);
int af_pq_dec_bin_list(af_pq_dec *d, int t, const char *field, af_pq_bytes **out, size_t *count);

/* Reads the next field header of the open struct: 1 with a field, 0 at
 * its end (the struct is closed), or a negative AF_E* code. Decoders loop
 *   while (!rc && (rc = af_pq_dec_next_field(d, &id, &t)) > 0) switch (id) {...}
 * with a default case that skips fields they do not know. */
static inline int af_pq_dec_next_field(af_pq_dec *d, int16_t *id, int *t)
{
    int rc = af_thrift_field_begin(&d->r, id, t);
    if (rc)
        return rc;
    if (*t == AF_THRIFT_STOP)
        return af_thrift_struct_end(&d->r);
    return 1;
}

/* An empty struct (a union member without content); anything inside is
 * skipped, as newer versions may add fields to it. */
static inline int af_pq_dec_empty(af_pq_dec *d, int t, const char *field)
{
    if (t != AF_THRIFT_STRUCT)
        return af_pq_dec_wrong_type(d, field, t, AF_THRIFT_STRUCT);
    return af_thrift_skip(&d->r, t);
}

static inline int af_pq_dec_wrap(af_pq_dec *d, int rc, const char *field)
{
    return af_pq_dec_context(d, rc, field, -1);
}

/* Statistics, shared by ColumnMetaData and the data page headers
 * (meta_decode.c). */
int af_pq_dec_statistics(af_pq_dec *d, af_pq_statistics *s);

#endif
