/* json.h - a streaming JSON (RFC 8259) reader over an af_reader.
 *
 * Big inputs (a 1 GB array of records, NDJSON logs) must stream in bounded
 * memory, so this is not a document parser: the reader pulls bytes in
 * chunks and hands out one *value* at a time (typically one record) as a
 * flat tape (af_json_doc), plus a few structural steps (peek, expect a byte,
 * read a key, step through an array) that let a caller walk down to the
 * records of a bigger document without materialising the rest of it.
 *
 * Decisions (docs/json.md):
 * - strings: every escape, surrogate pairs -> UTF-8; a lone surrogate,
 *   invalid UTF-8 and raw control characters are errors with a position.
 * - numbers: integer literals that fit int64 are exact (AF_JSON_INT); larger
 *   integers are AF_JSON_INT with flag AF_JSON_BIGINT, `d` holding the
 *   nearest double and the digits kept as text (a decimal or string column
 *   gets them exactly). Fractions/exponents are doubles; a literal beyond
 *   the double range (1e309) is an error, never infinity. "-0" is the
 *   integer 0; "-0.0" the double -0.0. The literal's text is always kept.
 * - nesting deeper than max_depth (512) is an error, not a stack overflow.
 * - errors read "NAME:LINE:COLUMN (byte OFFSET): what was expected"; line and
 *   column are 1-based (column in bytes), the offset is the 0-based byte
 *   offset of the offending byte in the (decoded) stream.
 * - one_per_line (NDJSON): a value may not span lines; the reader can then
 *   skip the rest of a bad line and carry on with the next one.
 */
#ifndef AF_JSON_H
#define AF_JSON_H

#include "core/buf.h"
#include "core/error.h"
#include "io/reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum af_json_type {
    AF_JSON_NULL = 0,
    AF_JSON_FALSE,
    AF_JSON_TRUE,
    AF_JSON_INT,    /* i exact, unless flags & AF_JSON_BIGINT */
    AF_JSON_DOUBLE, /* d */
    AF_JSON_STRING, /* decoded UTF-8 in the doc's text */
    AF_JSON_ARRAY,
    AF_JSON_OBJECT,
} af_json_type;

#define AF_JSON_BIGINT 1u /* integer literal beyond int64: d is approximate, text exact */

/* One value on the tape. A container's children follow it; `next` is the
 * index just past its subtree, so siblings are walked with i = nodes[i].next. */
typedef struct af_json_node {
    uint8_t type;                /* af_json_type */
    uint8_t flags;               /* AF_JSON_BIGINT */
    uint32_t count;              /* containers: number of children */
    uint32_t next;               /* index after this subtree */
    uint32_t key_off, key_len;   /* member key in text (object members only) */
    uint32_t text_off, text_len; /* string bytes or number literal in text */
    union {
        int64_t i;
        double d;
    } v;
} af_json_node;

typedef struct af_json_doc {
    af_json_node *nodes;
    uint32_t n, cap;
    af_buf text; /* keys, strings and number literals, not NUL-terminated */
} af_json_doc;

void af_json_doc_init(af_json_doc *d);
void af_json_doc_reset(af_json_doc *d); /* keeps capacity */
void af_json_doc_free(af_json_doc *d);
int af_json_doc_copy(af_json_doc *dst, const af_json_doc *src);
/* Bytes of a node's string/number text, and of its member key. */
const char *af_json_doc_text(const af_json_doc *d, uint32_t node, size_t *len);
const char *af_json_doc_key(const af_json_doc *d, uint32_t node, size_t *len);
/* Child of an object with that key (the last one if repeated), or UINT32_MAX. */
uint32_t af_json_doc_member(const af_json_doc *d, uint32_t obj, const char *key, size_t key_len);
/* Appends the node as compact JSON text. */
int af_json_doc_write(const af_json_doc *d, uint32_t node, af_buf *out);
/* "null", "a boolean", "an integer", "a number", "a string", "an array", "an object". */
const char *af_json_type_name(af_json_type t);

typedef struct af_json_options {
    int max_depth;     /* default 512 */
    bool one_per_line; /* NDJSON: a value must end on the line it starts */
} af_json_options;

void af_json_options_default(af_json_options *o);

typedef struct af_json_reader af_json_reader;

#define AF_JSON_EOF 256 /* af_json_reader_peek at the end of the input */

/* Reads from `in` (borrowed; must outlive the reader). `name` names the
 * input in messages (copied). `o` may be NULL. */
int af_json_reader_new(af_reader *in, const char *name, const af_json_options *o,
                       af_json_reader **out, af_error *err);
void af_json_reader_free(af_json_reader *r);
/* Switches NDJSON line rules on or off (e.g. once the layout is known). */
void af_json_reader_set_one_per_line(af_json_reader *r, bool on);

/* Reads the next complete value into doc (reset first), or validates and
 * skips it when doc is NULL. Returns 1, 0 when only whitespace remained,
 * or a negative code (AF_EPARSE for malformed text, with the position). */
int af_json_reader_value(af_json_reader *r, af_json_doc *doc, af_error *err);
/* Skips whitespace and returns the next byte without consuming it,
 * AF_JSON_EOF, or a negative code. */
int af_json_reader_peek(af_json_reader *r, af_error *err);
/* Skips whitespace and consumes byte c; otherwise AF_EPARSE "expected WHAT". */
int af_json_reader_expect(af_json_reader *r, char c, const char *what, af_error *err);
/* Reads a string token (e.g. an object key) into out (reset first). */
int af_json_reader_string(af_json_reader *r, af_buf *out, af_error *err);
/* Steps through an array whose '[' was consumed: *first is true before the
 * first element (and cleared). Returns 1 if an element follows (the ',' is
 * consumed), 0 when the closing ']' was consumed, or AF_EPARSE. */
int af_json_reader_array_next(af_json_reader *r, bool *first, af_error *err);
/* NDJSON: after a value, only spaces may follow up to the end of the line;
 * consumes the newline. */
int af_json_reader_end_line(af_json_reader *r, af_error *err);
/* NDJSON recovery: discards input through the next newline (resets the
 * nesting state). Returns 0 or a negative I/O code. */
int af_json_reader_skip_line(af_json_reader *r, af_error *err);

/* Raw bytes: mark() starts keeping the input from the current position
 * (e.g. a record's start); raw() gives the bytes from the mark to the
 * current position (valid until the next read call); unmark() stops. */
void af_json_reader_mark(af_json_reader *r);
const char *af_json_reader_raw(const af_json_reader *r, size_t *len);
void af_json_reader_unmark(af_json_reader *r);

/* Where the last value read by af_json_reader_value started (1-based line),
 * and the current position. */
int64_t af_json_reader_value_line(const af_json_reader *r);
int64_t af_json_reader_line(const af_json_reader *r);
int64_t af_json_reader_offset(const af_json_reader *r);

/* Fills err with "NAME:LINE:COLUMN (byte OFFSET): " + message, at the current position. */
int af_json_reader_error(const af_json_reader *r, af_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whole-buffer convenience (tests, small documents): exactly one value
 * followed by whitespace only. */
int af_json_parse(const char *text, size_t len, const char *name, af_json_doc *doc, af_error *err);

#endif
