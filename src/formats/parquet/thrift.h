/* thrift.h - the Thrift compact protocol, as Parquet uses it for its footer,
 * page headers and page index.
 *
 * The reader works over one (pointer, length) buffer and trusts nothing in
 * it: every length and element count is checked against the bytes that are
 * left before anything is allocated, varints that run past 10 bytes or past
 * their type's range are errors, and nesting is capped at
 * AF_THRIFT_MAX_DEPTH so hostile input cannot exhaust the stack. Unknown
 * fields of any type can be skipped, because newer writers add fields and an
 * older reader must still read their files.
 *
 * The writer appends to an af_buf. Its calls return 0 or a negative AF_E*
 * code, and the first failure is also kept in the writer (`status`), so an
 * encoder may chain many calls and check once at the end.
 */
#ifndef AF_THRIFT_H
#define AF_THRIFT_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compact protocol type ids. A bool field carries its value in the type id
 * (TRUE/FALSE); the reader reports both as AF_THRIFT_BOOL. */
enum {
    AF_THRIFT_STOP = 0,
    AF_THRIFT_BOOL = 1, /* on the wire: BOOLEAN_TRUE */
    AF_THRIFT_BOOL_FALSE = 2,
    AF_THRIFT_I8 = 3,
    AF_THRIFT_I16 = 4,
    AF_THRIFT_I32 = 5,
    AF_THRIFT_I64 = 6,
    AF_THRIFT_DOUBLE = 7,
    AF_THRIFT_BINARY = 8,
    AF_THRIFT_LIST = 9,
    AF_THRIFT_SET = 10,
    AF_THRIFT_MAP = 11,
    AF_THRIFT_STRUCT = 12,
};

/* Real Parquet metadata nests about 6 deep; 64 leaves room for future
 * fields and still bounds the recursion of skip. */
#define AF_THRIFT_MAX_DEPTH 64

typedef struct af_thrift_reader {
    const uint8_t *base;
    size_t len, pos;
    int depth;
    int16_t last_id[AF_THRIFT_MAX_DEPTH + 1]; /* per open struct, for field id deltas */
    bool bool_value;                          /* value of the last bool field header */
    bool truncated;                           /* an error was "input ended too early" */
    const char *what;                         /* names the input in error messages */
    af_error *err;
} af_thrift_reader;

/* `what` (e.g. "data.parquet: footer") must outlive the reader; with NULL,
 * messages have no prefix and the caller adds context with af_error_wrap. */
void af_thrift_reader_init(af_thrift_reader *r, const void *p, size_t n, const char *what,
                           af_error *err);
static inline size_t af_thrift_remaining(const af_thrift_reader *r)
{
    return r->len - r->pos;
}
/* Name of a type id for messages ("i32", "list", ...). */
const char *af_thrift_type_name(int type);

/* Unsigned LEB128 varint of at most 10 bytes that fits 64 bits. */
int af_thrift_read_varint(af_thrift_reader *r, uint64_t *v);
int af_thrift_read_i8(af_thrift_reader *r, int8_t *v);
int af_thrift_read_i16(af_thrift_reader *r, int16_t *v);
int af_thrift_read_i32(af_thrift_reader *r, int32_t *v);
int af_thrift_read_i64(af_thrift_reader *r, int64_t *v);
int af_thrift_read_double(af_thrift_reader *r, double *v);
/* Points into the input buffer (no copy). Also used for strings. */
int af_thrift_read_binary(af_thrift_reader *r, const uint8_t **p, size_t *n);
/* A bool that is a list/set/map element (one byte: 1 true, 0 or 2 false). */
int af_thrift_read_bool_elem(af_thrift_reader *r, bool *v);

int af_thrift_struct_begin(af_thrift_reader *r);
/* Call after af_thrift_field_begin returned AF_THRIFT_STOP. */
int af_thrift_struct_end(af_thrift_reader *r);
/* Next field header of the open struct; *type is AF_THRIFT_STOP at its end.
 * For a bool field *type is AF_THRIFT_BOOL and the value is r->bool_value. */
int af_thrift_field_begin(af_thrift_reader *r, int16_t *id, int *type);
/* List or set header. *n is checked against the bytes left (every element
 * takes at least one byte, a double eight), so it is safe to allocate
 * *n elements. A bool element type is reported as AF_THRIFT_BOOL. */
int af_thrift_list_begin(af_thrift_reader *r, int *elem_type, uint32_t *n);
int af_thrift_map_begin(af_thrift_reader *r, int *key_type, int *val_type, uint32_t *n);
/* Skips a value of the given type (its field header already read). */
int af_thrift_skip(af_thrift_reader *r, int type);

/* Error helper: "what: msg (at byte N of LEN)", code AF_EPARSE. */
int af_thrift_fail(af_thrift_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct af_thrift_writer {
    af_buf *out;
    int depth;
    int16_t last_id[AF_THRIFT_MAX_DEPTH + 1];
    int status; /* first error, sticky */
} af_thrift_writer;

void af_thrift_writer_init(af_thrift_writer *w, af_buf *out);
int af_thrift_write_struct_begin(af_thrift_writer *w);
/* Writes the STOP byte and closes the struct. */
int af_thrift_write_struct_end(af_thrift_writer *w);
/* Field header; ids must grow within a struct for the short form but any
 * order is encoded correctly. Use af_thrift_write_field_bool for bools. */
int af_thrift_write_field(af_thrift_writer *w, int16_t id, int type);
int af_thrift_write_field_bool(af_thrift_writer *w, int16_t id, bool v);
int af_thrift_write_varint(af_thrift_writer *w, uint64_t v);
int af_thrift_write_i8(af_thrift_writer *w, int8_t v);
int af_thrift_write_i16(af_thrift_writer *w, int16_t v);
int af_thrift_write_i32(af_thrift_writer *w, int32_t v);
int af_thrift_write_i64(af_thrift_writer *w, int64_t v);
int af_thrift_write_double(af_thrift_writer *w, double v);
int af_thrift_write_binary(af_thrift_writer *w, const void *p, size_t n);
int af_thrift_write_string(af_thrift_writer *w, const char *s);
int af_thrift_write_bool_elem(af_thrift_writer *w, bool v);
/* n must fit an i32 (AF_EOVERFLOW otherwise). */
int af_thrift_write_list_begin(af_thrift_writer *w, int elem_type, size_t n);
int af_thrift_write_map_begin(af_thrift_writer *w, int key_type, int val_type, size_t n);

/* Field header plus value, the common case. */
int af_thrift_write_field_i32(af_thrift_writer *w, int16_t id, int32_t v);
int af_thrift_write_field_i64(af_thrift_writer *w, int16_t id, int64_t v);
int af_thrift_write_field_binary(af_thrift_writer *w, int16_t id, const void *p, size_t n);

#endif
