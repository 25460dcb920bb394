/* csv.h - streaming CSV tokenizer and writer (RFC 4180 plus common dialects).
 *
 * The reader pulls bytes from an af_reader and yields one record at a time
 * without copying fields when it can; a record stays valid until the next
 * call. Quoted fields may hold delimiters, quotes (doubled, or escaped with
 * the escape byte) and line ends; CRLF, LF and CR line ends are accepted and
 * a last line without a line end is a record. A malformed record (a quote
 * that never closes, text after a closing quote) is returned with `error`
 * set and its raw bytes, so the caller can quarantine it and go on.
 */
#ifndef AF_CSV_H
#define AF_CSV_H

#include "core/batch.h"
#include "core/buf.h"
#include "core/error.h"
#include "io/reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_csv_dialect {
    char delimiter;          /* ',' */
    char quote;              /* '"'; 0 = no quoting */
    char escape;             /* 0 = a doubled quote escapes a quote; else e.g. '\\' */
    char comment;            /* 0 = none; lines starting with it are skipped */
    bool trim;               /* trim spaces/tabs around unquoted fields */
    size_t max_record_bytes; /* 0 = 64 MiB; longer records are an AF_ELIMIT error */
} af_csv_dialect;

void af_csv_dialect_default(af_csv_dialect *d);

typedef struct af_csv_field {
    const char *data;
    size_t len;
    bool quoted; /* the field was quoted (so "" is an empty string, not null) */
} af_csv_field;

typedef struct af_csv_record {
    af_csv_field *fields;
    size_t n_fields;
    int64_t line;    /* 1-based line number where the record starts */
    int64_t offset;  /* byte offset where the record starts */
    const char *raw; /* the record's bytes as read (without the final line end) */
    size_t raw_len;
    const char *error; /* NULL, or why this record is malformed (static string) */
} af_csv_record;

typedef struct af_csv_reader af_csv_reader;

/* The reader does not own `in`. */
int af_csv_reader_new(af_reader *in, const af_csv_dialect *d, af_csv_reader **out, af_error *err);
/* Returns 1 with a record, 0 at end of input, or a negative AF_E* code on an
 * I/O error or a record over max_record_bytes. Comment lines and completely
 * empty lines are skipped (a line with only a delimiter is a record). */
int af_csv_reader_next(af_csv_reader *r, af_csv_record *rec, af_error *err);
/* Bytes consumed from the input so far. */
int64_t af_csv_reader_offset(const af_csv_reader *r);
void af_csv_reader_free(af_csv_reader *r);

/* ---- writing ---- */
typedef enum af_csv_quoting {
    AF_CSV_QUOTE_MINIMAL = 0, /* only fields that need it */
    AF_CSV_QUOTE_ALL,
    AF_CSV_QUOTE_NONNUMERIC, /* every non-numeric, non-null field */
} af_csv_quoting;

typedef struct af_csv_write_options {
    char delimiter; /* ',' */
    char quote;     /* '"' */
    af_csv_quoting quoting;
    const char *null_token; /* written for nulls; "" default (unquoted) */
    const char *line_end;   /* "\n" default; "\r\n" */
    /* strftime(3) patterns for date and timestamp columns (NULL = ISO 8601);
     * timestamps are formatted in UTC */
    const char *date_format;
    const char *timestamp_format;
} af_csv_write_options;

void af_csv_write_options_default(af_csv_write_options *o);
/* Appends one field, quoted as the options say. An empty string is written
 * as "" so it stays distinct from a null. */
int af_csv_write_field(af_buf *out, const char *s, size_t n, bool numeric,
                       const af_csv_write_options *o);
int af_csv_write_header(af_buf *out, const af_schema *s, const af_csv_write_options *o);
/* Appends every row of the batch (values formatted by af_array_format_value). */
int af_csv_write_batch(af_buf *out, const af_batch *b, const af_csv_write_options *o,
                       af_error *err);

#endif
